"""An event whose data passes what a ``utf8`` column holds (2 GiB - 1 bytes).

These feed a real 2 GiB event: about 8 GB of memory at the peak, and 10-20 s.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from sseflow.arrow import BatchParser

HUGE = 1 << 31
"""Data one byte longer than a ``utf8`` column's offsets reach."""

CHUNK = 64 << 20


@pytest.fixture(scope="module")
def stream() -> bytes:
    return b"".join([b"data: before\n\ndata: ", b"x" * HUGE, b"\n\ndata: after\n\n"])


def pieces(stream: bytes) -> Iterator[memoryview]:
    """The stream in 64 MiB chunks, so that the event's line spans many."""
    view = memoryview(stream)
    for start in range(0, len(stream), CHUNK):
        yield view[start : start + CHUNK]


def feed(parser: BatchParser, chunks: Iterator[memoryview]) -> None:
    for chunk in chunks:
        parser.feed(chunk)


def test_without_large_data_the_event_is_refused_after_the_events_before(stream: bytes) -> None:
    parser = BatchParser()
    refused = r"2147483648 bytes does not fit a utf8 column.*large_data"
    with pytest.raises(ValueError, match=refused):
        feed(parser, pieces(stream))
    # The event before it was cut into a batch of its own, ready.
    [batch] = parser.batches()
    assert pa.record_batch(batch).column("data").to_pylist() == ["before"]
    # The event after it, in the same chunk, was parsed before the error was raised.
    parser.close()
    assert [pa.record_batch(batch).column("data").to_pylist() for batch in parser] == [["after"]]


def test_with_large_data_it_is_one_row(stream: bytes) -> None:
    # Fed whole, the event's data is copied from the chunk (in chunks, from
    # the parser's line buffer, as above).
    parser = BatchParser(large_data=True)
    parser.feed(stream)
    parser.close()
    batches = [pa.record_batch(batch) for batch in parser]
    assert {batch.schema.field("data").type for batch in batches} == {pa.large_utf8()}
    data = pa.chunked_array([batch.column("data") for batch in batches])
    assert pc.binary_length(data).to_pylist() == [6, HUGE, 5]
    # Its first and last bytes are the event's (without the whole 2 GiB as a str).
    ends = [pc.utf8_slice_codeunits(data, start, stop) for start, stop in ((0, 2), (-2, None))]
    assert [end.to_pylist() for end in ends] == [["be", "xx", "af"], ["re", "xx", "er"]]
