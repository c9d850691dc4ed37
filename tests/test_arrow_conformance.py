"""sseflow.arrow.BatchParser against the conformance table, under every chunking.

The rows of the batches must be the events the table lists, with the same last
event ID, retry and truncation, whatever the chunking and the batch size; with
limits, the same errors and events as ``sseflow.Parser``.
"""

from __future__ import annotations

from typing import Any

import pytest
from arrow_rows import event_tuples, feed_all
from chunking import all_chunkings
from spec_cases import CASES, Case

import sseflow
from sseflow.arrow import BatchParser, RecordBatch


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case: Case) -> None:
    for label, chunks in all_chunkings(case.stream):
        for batch_rows in (1, 2, 65536):
            parser = BatchParser(batch_rows=batch_rows)
            batches = feed_all(parser, chunks)
            assert event_tuples(batches) == list(case.events), (label, batch_rows, chunks)
            assert all(0 < batch.num_rows <= batch_rows for batch in batches)
            assert (parser.last_event_id, parser.retry, parser.truncated) == (
                case.last_event_id,
                case.retry,
                case.truncated,
            ), label


def parser_outcome(chunks: list[bytes], **limits: Any) -> tuple[object, ...]:
    """What ``sseflow.Parser`` makes of the chunks: events, first error, state."""
    parser = sseflow.Parser(**limits)
    events: list[tuple[str, str, str, int | None]] = []
    error = None
    for chunk in chunks:
        try:
            parser.feed(chunk)
        except sseflow.LimitExceeded as raised:
            error = error or (raised.limit_name, raised.limit, raised.size)
        events += [(e.event, e.data, e.id, e.retry) for e in parser]
    parser.close()
    return events, error, parser.last_event_id, parser.retry, parser.truncated


def batch_outcome(chunks: list[bytes], **limits: Any) -> tuple[object, ...]:
    parser = BatchParser(batch_rows=2, **limits)
    batches: list[RecordBatch] = []
    error = None
    for chunk in chunks:
        try:
            parser.feed(chunk)
        except sseflow.LimitExceeded as raised:
            error = error or (raised.limit_name, raised.limit, raised.size)
        batches += parser
    parser.close()
    batches += parser
    return event_tuples(batches), error, parser.last_event_id, parser.retry, parser.truncated


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@pytest.mark.parametrize(
    "limits",
    [{"max_line_size": 6}, {"max_event_size": 3}, {"max_line_size": 9, "max_event_size": 5}],
)
def test_case_with_limits(case: Case, limits: dict[str, int]) -> None:
    """Limit errors, and the events before them, are those of ``sseflow.Parser``."""
    for label, chunks in all_chunkings(case.stream):
        assert batch_outcome(chunks, **limits) == parser_outcome(chunks, **limits), label


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@pytest.mark.parametrize("default_event", [None, "update"])
def test_case_with_a_default_event(case: Case, default_event: str | None) -> None:
    """``default_event`` as in ``sseflow.Parser``: with ``None``, a null ``event``."""
    for label, chunks in all_chunkings(case.stream):
        parser = sseflow.Parser(default_event=default_event)
        want = []
        for chunk in chunks:
            want += [(e.event, e.data, e.id, e.retry) for e in parser.parse(chunk)]
        parser.close()
        batcher = BatchParser(batch_rows=3, default_event=default_event)
        assert event_tuples(feed_all(batcher, chunks)) == want, label
