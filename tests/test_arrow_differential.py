"""Hypothesis differential test: BatchParser's rows against sseflow.Parser's events.

Streams are drawn as in test_differential.py (SSE-shaped pieces, every line end,
BOMs, malformed UTF-8), cut at random points, and fed in lockstep to a
``sseflow.Parser`` and a ``BatchParser`` with the same random limits and a random
batch size, the ``BatchParser`` flushed after some chunks (cutting a batch inside an
event whose data spans them). After every chunk: the same error (type, limit and size), and every
event the parser yielded so far is a row of the batches ready or pending, in
order. At the end: the rows are the events, row by row, with the same last event
ID, retry and truncation; each row's offset is where the event came out when the
stream is fed one byte at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import pyarrow as pa
from arrow_rows import rows
from hypothesis import example, given
from hypothesis import strategies as st
from test_differential import chunked_streams

import sseflow
from sseflow import LimitExceeded
from sseflow.arrow import BatchParser, RecordBatch, iter_batches


def event_offsets(stream: bytes) -> list[int]:
    """Where each event comes out when the stream is fed one byte at a time."""
    parser = sseflow.Parser()
    offsets = []
    for index in range(len(stream)):
        parser.feed(stream[index : index + 1])
        offsets += [index + 1] * len(parser.events())
    return offsets


def attempt(call: Any) -> tuple[str, str, int, int] | None:
    try:
        call()
    except LimitExceeded as error:
        return ("LimitExceeded", error.limit_name, error.limit, error.size)
    return None


@given(
    chunks=chunked_streams(),
    batch_rows=st.integers(1, 6),
    max_line_size=st.none() | st.integers(0, 48),
    max_event_size=st.none() | st.integers(0, 48),
    flush_every=st.integers(0, 3),
)
def test_batches_are_the_events_row_by_row(
    chunks: list[bytes],
    batch_rows: int,
    max_line_size: int | None,
    max_event_size: int | None,
    flush_every: int,
) -> None:
    parser = sseflow.Parser(max_line_size=max_line_size, max_event_size=max_event_size)
    batcher = BatchParser(
        batch_rows=batch_rows,
        offsets=True,
        max_line_size=max_line_size,
        max_event_size=max_event_size,
    )
    events: list[sseflow.Event] = []
    batches: list[RecordBatch] = []
    for index, chunk in enumerate(chunks):
        error = attempt(lambda chunk=chunk: parser.feed(chunk))
        assert attempt(lambda chunk=chunk: batcher.feed(chunk)) == error
        if flush_every and index % flush_every == 0:
            batcher.flush()
        events += parser
        batches += batcher
        assert all(0 < batch.num_rows <= batch_rows for batch in batches)
        assert len(rows(batches)) + batcher.pending_rows == len(events)
    parser.close()
    batcher.close()
    events += parser
    batches += batcher
    for batch in batches:
        pa.record_batch(batch).validate(full=True)
    got = rows(batches)
    assert [(r["event"], r["data"], r["id"], r["retry"]) for r in got] == [
        (e.event, e.data, e.id, e.retry) for e in events
    ]
    assert (batcher.last_event_id, batcher.retry, batcher.truncated, batcher.closed) == (
        parser.last_event_id,
        parser.retry,
        parser.truncated,
        parser.closed,
    )
    if max_line_size is None and max_event_size is None:
        assert [r["offset"] for r in got] == event_offsets(b"".join(chunks))


def read_until_error(items: Iterator[Any]) -> tuple[list[Any], tuple[str, str, int, int] | None]:
    """What a reader gives, and the limit error it ends with, if any."""
    got: list[Any] = []
    try:
        got.extend(items)
    except LimitExceeded as error:
        return got, ("LimitExceeded", error.limit_name, error.limit, error.size)
    return got, None


@given(
    chunks=chunked_streams(),
    batch_rows=st.integers(1, 6),
    max_line_size=st.none() | st.integers(0, 48),
    max_event_size=st.none() | st.integers(0, 48),
    decode_threads=st.sampled_from([0, 1]),
)
@example(  # an event, then a line over the limit: the event is in no batch yet
    chunks=[b"data: a\n\n", b"data: 0123456789abcdef\n\n"],
    batch_rows=2,
    max_line_size=10,
    max_event_size=None,
    decode_threads=0,
)
@example(
    chunks=[b"data: {}\n\ndata: {}\n\ndata: {}\n\n" + b"data: " + b"x" * 40 + b"\n\n"],
    batch_rows=2,
    max_line_size=None,
    max_event_size=30,
    decode_threads=1,
)
def test_the_readers_rows_before_an_error_are_iter_events_events_before_it(
    chunks: list[bytes],
    batch_rows: int,
    max_line_size: int | None,
    max_event_size: int | None,
    decode_threads: int,
) -> None:
    """Every event before a limit error comes out before it, from a recorded source
    and a live one (until 2026-12-03 those after the last batch cut were held back)."""
    limits = {"max_line_size": max_line_size, "max_event_size": max_event_size}
    events, error = read_until_error(
        sseflow.iter_events(chunks, parser_factory=partial(sseflow.Parser, **limits))
    )
    want = [(e.event, e.data, e.id, e.retry) for e in events]
    options: dict[str, Any] = {"batch_rows": batch_rows, "decode_threads": decode_threads, **limits}
    if decode_threads:
        options["json_schema"] = "infer"
    for source in (chunks, iter(chunks)):
        batches, got_error = read_until_error(iter_batches(source, **options))
        assert got_error == error
        got = [(r["event"], r["data"], r["id"], r["retry"]) for r in rows(batches)]
        assert got == want
