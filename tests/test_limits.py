"""The opt-in limits, alike in both implementations, under many chunkings."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from typing import Any

import pytest
from chunking import Impl

import sseflow
from sseflow import LimitExceeded, SSEError


def splits(data: bytes) -> list[list[bytes]]:
    """Whole, one byte at a time, and every split in two."""
    cuts = [[data[:at], data[at:]] for at in range(1, len(data))]
    return [[data], [data[i : i + 1] for i in range(len(data))], *cuts]


def run(impl: Impl, chunks: list[bytes], **limits: Any) -> tuple[list[str], Any]:
    """The data of the events fed before the first error, and that error."""
    parser = impl.module.Parser(**limits)
    error = None
    try:
        for chunk in chunks:
            parser.feed(chunk)
    except LimitExceeded as exceeded:
        error = exceeded
    return [event.data for event in parser], error


def test_a_long_line_raises_after_the_events_before_it(impl: Impl) -> None:
    stream = b"data: ok\n\ndata: 0123456789\n\ndata: never\n\n"
    for chunks in splits(stream):
        events, error = run(impl, chunks, max_line_size=12)
        assert events == ["ok"]
        assert isinstance(error, LimitExceeded)
        assert (error.limit_name, error.limit) == ("max_line_size", 12)
        assert error.size > 12
        assert str(error).startswith("max_line_size=12 exceeded (")


def test_lines_and_events_at_the_limit_pass(impl: Impl) -> None:
    stream = b"data: 123456\ndata: x\n\n"
    for chunks in splits(stream):
        assert run(impl, chunks, max_line_size=12, max_event_size=9) == (["123456\nx"], None)


def test_the_event_limit_counts_values_and_line_feeds(impl: Impl) -> None:
    stream = b"data: ab\ndata: cd\n\n"
    for chunks in splits(stream):
        events, error = run(impl, chunks, max_event_size=5)
        assert events == []
        assert isinstance(error, LimitExceeded)
        assert (error.limit_name, error.limit, error.size) == ("max_event_size", 5, 6)


def test_the_event_limit_bounds_lines_at_five_bytes_more(impl: Impl) -> None:
    for chunks in splits(b": " + b"x" * 20):
        _, error = run(impl, chunks, max_event_size=16)
        assert isinstance(error, LimitExceeded)
        assert (error.limit_name, error.limit) == ("max_event_size", 16)


def test_a_failed_parser_refuses_input_until_closed(impl: Impl) -> None:
    parser = impl.module.Parser(max_line_size=4)
    with pytest.raises(LimitExceeded):
        parser.feed(b"data: a")
    with pytest.raises(LimitExceeded):
        parser.feed(b"")
    assert parser.truncated
    parser.close()
    assert parser.truncated
    with pytest.raises(sseflow.ParserClosed):
        parser.feed(b"")


def test_limit_exceeded_is_a_value_error_and_pickles() -> None:
    error = LimitExceeded("max_line_size", 10, 11)
    assert isinstance(error, SSEError)
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.limit_name, copy.limit, copy.size, str(copy)) == (
        "max_line_size",
        10,
        11,
        str(error),
    )


@pytest.mark.parametrize(
    ("value", "exception"),
    [("10", TypeError), (1.5, TypeError), (True, TypeError), (-1, ValueError)],
)
def test_bad_limit_arguments(impl: Impl, value: object, exception: type[Exception]) -> None:
    for name in ("max_line_size", "max_event_size"):
        with pytest.raises(exception, match=name):
            impl.module.Parser(**{name: value})


HOSTILE = textwrap.dedent(
    """
    import resource, sys
    import sseflow
    from sseflow import reference
    impl = reference if sys.argv[1] == "reference" else sseflow
    chunk = sys.argv[2].encode() * (64 * 1024 // len(sys.argv[2]))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    parser = impl.Parser(max_line_size=1 << 20, max_event_size=1 << 20)
    fed = 0
    try:
        while fed < 256 << 20:
            parser.feed(chunk)
            fed += len(chunk)
    except sseflow.LimitExceeded:
        pass
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(fed, grown)
    """
)


@pytest.mark.parametrize("unit", ["x", "data: x\n"], ids=["endless line", "endless event"])
def test_memory_stays_bounded_under_hostile_streams(impl: Impl, unit: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", HOSTILE, impl.name, unit], capture_output=True, text=True, check=True
    )
    fed, grown_kib = map(int, result.stdout.split())
    # Refused soon after 1 MiB of line, or of data (4 bytes on the wire per data byte).
    assert fed <= (2 if unit == "x" else 5) << 20
    assert grown_kib < 16 * 1024  # peak memory grew by less than 16 MiB
