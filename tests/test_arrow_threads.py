"""``decode_threads``: JSON decoded on threads gives what decoding in the parser's calls gives.

The same streams (the JSON corpus of test_arrow_json.py, with event types and
IDs, in random chunks and batch sizes, given or inferred schema, either error
policy) go through a parser with 0 threads and one with 1 or 2: every batch
equal, column by column (``json_error`` included), in the same order, and the
same ``JSONDataError``. Then the lifecycle: what iterating, ``wait``, ``flush``
and ``close`` hand out, how many batches are in flight, errors in order,
threads gone with the parser, and the readers' handling of live sources.
"""

from __future__ import annotations

import asyncio
import io
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

import pyarrow as pa
import pytest
from arrow_rows import feed_all, rows
from hypothesis import given
from hypothesis import strategies as st
from test_arrow_json import DATA, SCHEMA

import sseflow
from sseflow.arrow import BatchParser, JSONDataError, RecordBatch, aiter_batches, iter_batches

T = TypeVar("T")

HEADS = st.sampled_from([b"", b"event: ping\n", b"id: 9\n", b"event: x\nid: a\n", b": c\n"])


def stream_of(events: list[tuple[bytes, str]]) -> bytes:
    return b"".join(head + (sseflow.encode(data) if data else b"data\n\n") for head, data in events)


def cut(stream: bytes, points: list[int]) -> list[bytes]:
    points = sorted({p % (len(stream) + 1) for p in points})
    return [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]


def handed(chunks: list[bytes], **options: Any) -> tuple[list[pa.RecordBatch], Any]:
    """Every batch a parser hands out, taking them after each chunk, and the first
    error it raises: a JSONDataError as ``(index, event, id, message)``, or the
    ValueError of a type that could not be inferred (arrow-json refuses some
    corpora, such as ``[null, {}]``)."""
    parser = BatchParser(**options)
    batches: list[RecordBatch] = []
    error: tuple[int, str, str, str] | str | None = None

    def attempt(call: Any) -> None:
        nonlocal error
        try:
            call()
        except JSONDataError as raised:
            error = error or (raised.index, raised.event, raised.id, str(raised))
        except ValueError as raised:
            assert options["json_schema"] == "infer"
            error = error or str(raised)

    for chunk in chunks:
        attempt(lambda chunk=chunk: parser.feed(chunk))
        threads = options.get("decode_threads", 0)
        assert parser.in_flight <= threads + 1
        batches += parser
    attempt(parser.close)
    batches += parser
    assert parser.in_flight == 0
    return [pa.record_batch(batch) for batch in batches], error


@given(
    events=st.lists(st.tuples(HEADS, DATA), max_size=16),
    points=st.lists(st.integers(0, 10**6), max_size=6),
    batch_rows=st.integers(1, 5),
    threads=st.integers(1, 2),
    on_error=st.sampled_from(["null", "raise"]),
    infer=st.booleans(),
)
def test_threads_hand_out_the_same_batches(
    events: list[tuple[bytes, str]],
    points: list[int],
    batch_rows: int,
    threads: int,
    on_error: str,
    infer: bool,
) -> None:
    chunks = cut(stream_of(events), points)
    options: dict[str, Any] = {
        "batch_rows": batch_rows,
        "json_schema": "infer" if infer else SCHEMA,
        "on_error": on_error,
        "offsets": True,
    }
    want_batches, want_error = handed(chunks, **options)
    got_batches, got_error = handed(chunks, **options, decode_threads=threads)
    assert got_error == want_error
    assert [b.schema for b in got_batches] == [b.schema for b in want_batches]
    assert got_batches == want_batches


def events(count: int, bad: int | None = None) -> bytes:
    return b"".join(
        sseflow.encode("[DONE]" if n == bad else f'{{"i": {n}}}', id=str(n)) for n in range(count)
    )


def test_iterating_yields_what_is_decoded_and_close_waits_for_the_rest() -> None:
    parser = BatchParser(json_schema=SCHEMA, batch_rows=10, decode_threads=2)
    assert parser.in_flight == 0
    parser.feed(events(1000))  # one chunk cuts 100 batches: at most 3 are in flight
    assert 0 < parser.in_flight <= 3
    early = list(parser)
    assert len(early) <= 100
    parser.close()
    assert parser.in_flight == 0
    batches = early + list(parser)
    assert [r["json"]["i"] for r in rows(batches)] == list(range(1000))


def test_wait_and_flush_wait_for_the_batches_in_flight() -> None:
    parser = BatchParser(json_schema=SCHEMA, batch_rows=10, decode_threads=1)
    parser.feed(events(25))
    parser.wait()
    assert parser.in_flight == 0
    assert [b.num_rows for b in parser] == [10, 10]
    assert parser.pending_rows == 5
    parser.flush()
    assert parser.in_flight == 0
    assert [b.num_rows for b in parser] == [5]


def test_raise_comes_after_the_batches_before_the_bad_one() -> None:
    parser = BatchParser(json_schema=SCHEMA, batch_rows=10, on_error="raise", decode_threads=2)
    # The bad event is in the sixth batch, handed to a thread as this returns.
    parser.feed(events(60, bad=57))
    batches = list(parser)
    with pytest.raises(JSONDataError) as raised:
        parser.flush()
    assert (raised.value.index, raised.value.id) == (57, "57")
    batches += parser
    assert [r["json"]["i"] for r in rows(batches)] == list(range(50))
    with pytest.raises(JSONDataError):  # refused from then on
        parser.feed(events(1))
    parser.close()
    assert list(parser) == []


@pytest.mark.parametrize("threads", [0, 1])
def test_parse_hands_out_the_batches_before_an_error_first(threads: int) -> None:
    """The readers call ``parse``: when the chunk that brings the error also made batches
    before the bad one ready, parse returns them, and the next call raises."""
    options = {"json_schema": SCHEMA, "batch_rows": 10, "on_error": "raise"}
    parser = BatchParser(**options, decode_threads=threads)
    # With one thread, cutting the fifth batch waits for the third, the bad one.
    batches = parser.parse(events(100, bad=25))
    assert [r["json"]["i"] for r in rows(batches)] == list(range(20))
    with pytest.raises(JSONDataError) as raised:
        parser.close()
    assert raised.value.index == 25
    parser.close()  # raised once


@pytest.mark.parametrize("threads", [0, 1, 2])
@pytest.mark.parametrize("source", ["list", "file", "generator", "async"])
def test_a_json_error_before_a_limit_error_comes_after_the_batches_before_it(
    threads: int, source: str
) -> None:
    """A bad event, then in the same chunk one over a limit: the batches before the bad
    one, then its JSONDataError, which is the earlier error. With threads, the reader
    met the limit first and lost those batches before 2026-12-03."""
    stream = events(30, bad=25) + b"data: " + b"x" * 100 + b"\n\n"
    options: dict[str, Any] = {
        "json_schema": SCHEMA,
        "batch_rows": 10,
        "on_error": "raise",
        "max_line_size": 50,
        "decode_threads": threads,
    }
    got: list[RecordBatch] = []

    async def collect_async() -> None:
        async def chunks() -> AsyncIterator[bytes]:
            yield stream

        async for batch in aiter_batches(chunks(), **options):
            got.append(batch)

    def collect() -> None:
        if source == "async":
            asyncio.run(collect_async())
        else:
            chunks = {"list": [stream], "file": io.BytesIO(stream), "generator": iter([stream])}
            got.extend(iter_batches(chunks[source], **options))

    with pytest.raises(JSONDataError) as raised:
        collect()
    assert raised.value.index == 25
    assert [r["json"]["i"] for r in rows(got)] == list(range(20))


def test_the_type_is_inferred_from_the_first_batch_before_the_threads_decode() -> None:
    stream = events(40) + sseflow.encode('{"i": 1, "s": "late"}')
    parser = BatchParser(json_schema="infer", batch_rows=10, decode_threads=2)
    batches = feed_all(parser, [stream])
    assert parser.schema is not None
    assert pa.schema(parser.schema).field("json").type == pa.struct([("i", pa.int64())])
    assert all(pa.record_batch(b).schema == pa.schema(parser.schema) for b in batches)
    assert rows(batches)[-1]["json"] == {"i": 1}  # "s" was not in the first batch


def json_threads() -> set[int]:
    """The IDs of the parsers' decoding threads alive in this process, found by their names."""
    found = set()
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/comm") as comm:
                if comm.read().startswith("sseflow-json-"):
                    found.add(int(task))
        except FileNotFoundError:  # ended meanwhile
            pass
    return found


def json_threads_left(before: set[int]) -> set[int]:
    """The decoding threads alive that were not ``before``, once none is, or after 10 s.

    A parser joins its threads as it goes, but a joined thread can stay listed in
    /proc/self/task for a moment: Linux wakes the joiner as it clears the thread's ID, before
    the thread has left the process (on a loaded machine, one parser in a few thousand left a
    thread listed, for up to 4 ms). A thread that outlives its parser stays, and fails."""
    deadline = time.monotonic() + 10
    while (left := json_threads() - before) and time.monotonic() < deadline:
        time.sleep(0.001)
    return left


def test_no_thread_outlives_its_parser() -> None:
    before = json_threads()
    for _ in range(20):
        parser = BatchParser(json_schema=SCHEMA, batch_rows=10, decode_threads=2)
        parser.feed(events(500))  # dropped mid-stream, with batches in flight
        del parser
    assert json_threads_left(before) == set()
    closed = BatchParser(json_schema=SCHEMA, batch_rows=10, decode_threads=2)
    feed_all(closed, [events(100)])
    assert len(json_threads() - before) == 2  # each decoded a batch: named, and alive
    del closed
    assert json_threads_left(before) == set()


def ticks_during(call: Callable[[], T]) -> tuple[T, int]:
    """What ``call()`` returns, and how many times another Python thread counted while
    it ran: none unless the call let go of the interpreter."""
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        before = ticks
        result = call()
        during = ticks - before
    finally:
        done.set()
        counter.join()
    return result, during


def test_other_python_threads_run_while_feed_frames_and_waits() -> None:
    """A feed that may wait for a decoding thread (here a chunk that cuts 2,000 batches) lets
    go of the interpreter: a Python thread counts meanwhile."""
    parser = BatchParser(json_schema=SCHEMA, batch_rows=100, decode_threads=1)
    stream = events(200_000)
    _, during = ticks_during(lambda: parser.feed(stream))
    parser.close()
    assert sum(b.num_rows for b in parser) == 200_000
    assert during > 1000


def test_without_json_the_option_changes_nothing() -> None:
    parser = BatchParser(decode_threads=2, batch_rows=2)
    assert [b.num_rows for b in feed_all(parser, [events(5)])] == [2, 2, 1]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (-1, ValueError, "decode_threads must be a non-negative int, got -1"),
        (65, ValueError, "decode_threads must be at most 64, got 65"),
        ("2", TypeError, "decode_threads must be an int or None, got str"),
    ],
)
def test_bad_thread_counts(value: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        BatchParser(json_schema=SCHEMA, decode_threads=value)


def test_readers_give_the_same_batches_from_recorded_sources(tmp_path: Any) -> None:
    stream = events(1000)
    chunks = [stream[i : i + 500] for i in range(0, len(stream), 500)]
    path = tmp_path / "stream.sse"
    path.write_bytes(stream)
    want = rows(iter_batches(chunks, json_schema=SCHEMA, batch_rows=64))
    with path.open("rb") as file:
        for source in (chunks, tuple(chunks), file):
            got = rows(iter_batches(source, json_schema=SCHEMA, batch_rows=64, decode_threads=2))
            assert got == want


def test_a_live_source_gets_each_chunks_batches_before_the_next_chunk() -> None:
    """From a source that may wait for data (here a generator), the batches a chunk cut are
    handed out before the next chunk is read, decoded or not when the chunk was fed."""
    handed_out: list[int] = []

    def live() -> Iterator[bytes]:
        for n in range(20):
            yield events(50)
            assert len(handed_out) == n + 1, "the last chunk's batch came out"

    for batch in iter_batches(live(), json_schema=SCHEMA, batch_rows=50, decode_threads=1):
        handed_out.append(batch.num_rows)
    assert handed_out == [50] * 20


def test_async_sources_wait_for_each_chunks_batches() -> None:
    async def live() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield events(30)
            await asyncio.sleep(0)

    async def run() -> list[int]:
        stream = aiter_batches(live(), json_schema=SCHEMA, batch_rows=30, decode_threads=2)
        return [len(rows([batch])) async for batch in stream]

    assert asyncio.run(run()) == [30] * 5
