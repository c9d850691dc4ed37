"""Both implementations against the conformance table, however the stream is cut.

Each case is fed whole, one byte at a time, cut at every point into two, cut into
three (short inputs), and cut at random, as bytes, bytearray and memoryview.
"""

from __future__ import annotations

import pytest
from chunking import INPUT_TYPES, VIAS, Impl, Outcome, all_chunkings, bytewise, feed, whole
from spec_cases import CASES, Case


def expected(case: Case, *, comments: bool = False) -> Outcome:
    """The outcome the case's table entry describes."""
    items = case.with_comments if comments and case.with_comments is not None else case.events
    return Outcome(list(items), case.last_event_id, case.retry, case.truncated)


def check_every_chunking(impl: Impl, case: Case, *, comments: bool) -> None:
    want = expected(case, comments=comments)
    for via in VIAS:
        for kind in INPUT_TYPES:
            for label, chunks in all_chunkings(case.stream):
                got = feed(impl, chunks, kind, comments=comments, via=via)
                assert got == want, f"{impl.name}, {via}, {kind}, {label}: {chunks!r}"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(impl: Impl, case: Case) -> None:
    check_every_chunking(impl, case, comments=False)


COMMENT_CASES = [case for case in CASES if case.with_comments is not None]


@pytest.mark.parametrize("case", COMMENT_CASES, ids=[case.name for case in COMMENT_CASES])
def test_case_with_comments(impl: Impl, case: Case) -> None:
    check_every_chunking(impl, case, comments=True)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case_batch_form(impl: Impl, case: Case) -> None:
    """``events()`` after each feed gives what iterating gives."""
    want = expected(case)
    for chunks in (whole(case.stream), bytewise(case.stream)):
        assert feed(impl, chunks, collect=lambda parser: parser.events()) == want


def test_table_covers_every_ending() -> None:
    """The table holds both truncated and clean ends, with and without events."""
    assert {(case.truncated, bool(case.events)) for case in CASES} == {
        (False, False),
        (False, True),
        (True, False),
        (True, True),
    }
    assert len({case.name for case in CASES}) == len(CASES)
