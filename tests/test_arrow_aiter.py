"""``aiter_batches`` (and the async readers given a ``BatchParser``) never hold the event loop
while the parser waits for its decoding threads.

A ticker task counts while the batches are read; the loop ran while the parser worked if the
count moved between a chunk leaving the source and its first batch coming out, or during a
call the reader made on the loop's default executor (a ``ThreadPoolExecutor`` that notes the
count as each call starts and ends). Counts, never times. The batches and the errors are
compared with the sync reader's on the same chunks from a live source (a generator), and the
same through real HTTP servers on 127.0.0.1 with aiohttp, httpx and httpx2, and under Trio.
"""

from __future__ import annotations

import asyncio
import doctest
import gc
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import aiohttp
import httpx
import httpx2
import pyarrow as pa
import pytest
import trio
from sse_server import SSEServer, static
from test_arrow_threads import json_threads, json_threads_left

import sseflow
import sseflow.aiohttp
import sseflow.httpx
import sseflow.httpx2
from sseflow.arrow import BatchParser, RecordBatch, aiter_batches, iter_batches

pytestmark = pytest.mark.timeout(60)

SCHEMA = pa.schema([("i", pa.int64()), ("s", pa.utf8())])
OPTIONS: dict[str, Any] = {"json_schema": SCHEMA, "batch_rows": 100, "decode_threads": 1}


def events(start: int, stop: int, bad: int | None = None) -> bytes:
    return b"".join(
        sseflow.encode("[DONE]" if n == bad else f'{{"i": {n}, "s": "{"x" * (n % 7)}"}}', id=str(n))
        for n in range(start, stop)
    )


def chunks_of(count: int, per_chunk: int, bad: int | None = None) -> list[bytes]:
    return [events(n, min(n + per_chunk, count), bad) for n in range(0, count, per_chunk)]


def arrow(batches: list[RecordBatch]) -> list[pa.RecordBatch]:
    return [pa.record_batch(batch) for batch in batches]


def live(chunks: list[bytes]) -> Iterator[bytes]:
    """A sync source that is not recorded: its batches are waited for chunk by chunk."""
    yield from chunks


async def alive(chunks: list[Any]) -> AsyncIterator[Any]:
    for chunk in chunks:
        yield chunk


class Ticker:
    """A task that counts, giving the loop back at each step."""

    def __init__(self) -> None:
        self.count = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.count += 1
            await asyncio.sleep(0)

    def __enter__(self) -> Ticker:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


class NotingExecutor(ThreadPoolExecutor):
    """The loop's default executor: notes the ticker's count as each call starts and ends,
    and calls ``on_start`` (from its thread) as each call starts."""

    def __init__(self, ticker: Ticker, on_start: Callable[[], None] = lambda: None) -> None:
        super().__init__(max_workers=2)
        self.ticker = ticker
        self.on_start = on_start
        self.calls: list[tuple[int, int]] = []
        self.running = 0
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        def noted() -> Any:
            with self._lock:
                self.running += 1
            start = self.ticker.count
            self.on_start()
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self.calls.append((start, self.ticker.count))
                    self.running -= 1

        return super().submit(noted)

    def ticks_during_calls(self) -> int:
        return sum(end - start for start, end in self.calls)


def test_the_loop_runs_while_the_parser_waits_and_the_batches_are_the_sync_ones() -> None:
    """Each chunk cuts 50 batches, with 1 thread (2 in flight at most): feeding it waits.
    With the old reader, parsing ran on the loop, and the count never moved in between."""
    chunks = chunks_of(20_000, 5_000)
    handed: list[int] = []  # the count when each chunk left the source
    firsts: list[int] = []  # the count when the first batch of each chunk came

    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            handed.append(ticker.count)
            yield chunk

    async def run() -> list[RecordBatch]:
        got: list[RecordBatch] = []
        with ticker:
            async for batch in aiter_batches(source(), **OPTIONS):
                if len(got) % 50 == 0:
                    firsts.append(ticker.count)
                got.append(batch)
        return got

    ticker = Ticker()
    got = asyncio.run(run())
    assert len(handed) == len(firsts) == 4
    assert all(first > hand for hand, first in zip(handed, firsts, strict=True))
    want = arrow(list(iter_batches(live(chunks), **OPTIONS)))
    assert [b.num_rows for b in want] == [100] * 200
    assert arrow(got) == want
    assert arrow(list(iter_batches(chunks, **OPTIONS))) == want  # recorded: read on, the same


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_many_threads_an_inferred_type_and_any_buffer_give_the_sync_batches(kind: type) -> None:
    """Chunks of each buffer type, their sizes taken for ``may_wait``; a mutable one is
    copied by the feed that lets go of the interpreter."""
    chunks = chunks_of(12_000, 3_000)
    options = {**OPTIONS, "json_schema": "infer", "decode_threads": 3, "offsets": True}

    async def run() -> list[RecordBatch]:
        source = alive([kind(chunk) for chunk in chunks])
        return [batch async for batch in aiter_batches(source, **options)]

    assert arrow(asyncio.run(run())) == arrow(list(iter_batches(live(chunks), **options)))


def outcome(batches: Iterator[RecordBatch] | list[RecordBatch]) -> Any:
    """Every batch a reader gave, and the error it ended with, as ``(type, message)``."""
    got: list[RecordBatch] = []
    try:
        for batch in batches:
            got.append(batch)
    except (sseflow.SSEError, TypeError, ValueError) as error:
        return arrow(got), (type(error), str(error))
    return arrow(got), None


async def aoutcome(batches: AsyncIterator[RecordBatch]) -> Any:
    got: list[RecordBatch] = []
    try:
        async for batch in batches:
            got.append(batch)
    except (sseflow.SSEError, TypeError, ValueError) as error:
        return arrow(got), (type(error), str(error))
    return arrow(got), None


CASES: dict[str, tuple[list[Any], dict[str, Any]]] = {
    # The bad event's batch is one of 40 a chunk cuts; the batches before it come first.
    "json error": (chunks_of(20_000, 4_000, bad=6_237), {"on_error": "raise"}),
    "json error, 2 threads": (
        chunks_of(20_000, 4_000, bad=13_999),
        {"on_error": "raise", "decode_threads": 2},
    ),
    "limit": (
        [*chunks_of(9_000, 3_000), b"data: " + b"y" * 600 + b"\n\n", events(9_000, 9_100)],
        {"max_event_size": 500},
    ),
    "limit, rows not yet in a batch": (
        [*chunks_of(9_050, 3_000), b"data: " + b"y" * 600 + b"\n\n"],
        {"max_event_size": 500},
    ),
    "truncated": ([*chunks_of(9_000, 3_000), b'data: {"i": 1}'], {"raise_on_truncated": True}),
    "not bytes": ([*chunks_of(9_000, 3_000), "data: text\n\n"], {}),
}


@pytest.mark.parametrize("case", CASES)
def test_errors_come_where_the_sync_reader_raises_them(case: str) -> None:
    chunks, extra = CASES[case]
    options = {**OPTIONS, **extra}
    want = outcome(iter_batches(live(chunks), **options))
    assert want[1] is not None
    assert len(want[0]) > 0
    got = asyncio.run(aoutcome(aiter_batches(alive(chunks), **options)))
    assert got == want
    if case.startswith("limit"):
        # Every event before the one over the limit (the 50 not yet in a batch too: until
        # 2026-12-03 they were held back).
        assert sum(batch.num_rows for batch in want[0]) == 9_000 + 50 * ("not yet" in case)


def test_cancelling_the_consumer_leaves_no_thread_in_the_parser() -> None:
    """Cancelled while the reader waits on a thread, the task ends once that call ended; the
    batches it had are whole and in order; the decoding threads go with the parser."""
    chunks = [events(0, 300), events(300, 30_300), events(30_300, 30_400)]
    got: list[RecordBatch] = []

    cancelled = threading.Event()

    async def run() -> None:
        loop = asyncio.get_running_loop()
        started = asyncio.Event()

        def on_start() -> None:
            # The first call after the first chunk's batches came holds its thread until
            # the task was cancelled, so that the cancel comes while the call runs.
            if got and not started.is_set():
                loop.call_soon_threadsafe(started.set)
                cancelled.wait()

        with Ticker() as ticker:
            executor = NotingExecutor(ticker, on_start)
            loop.set_default_executor(executor)

            async def consume() -> None:
                async for batch in aiter_batches(alive(chunks), **OPTIONS):
                    got.append(batch)

            task = loop.create_task(consume())
            waiting = loop.create_task(started.wait())
            try:
                await asyncio.wait([task, waiting], return_when=asyncio.FIRST_COMPLETED)
                assert not task.done(), "no call was made off the loop"
                task.cancel()  # while the big chunk is parsed on a thread
            finally:
                cancelled.set()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert executor.running == 0
            assert len(executor.calls) >= 2

    gc.collect()
    before = json_threads()
    asyncio.run(run())
    gc.collect()
    assert json_threads_left(before) == set()
    want = arrow(list(iter_batches(chunks, **OPTIONS)))
    assert len(got) == 3  # the first chunk's
    assert arrow(got) == want[:3]


def body(count: int) -> bytes:
    return events(0, count) + b'data: {"i": -1}'  # and a cut last event


def test_through_aiohttp_and_httpx_the_loop_runs_during_the_waits() -> None:
    """Real responses from a server on 127.0.0.1, read by ``aiter_batches`` and by each
    async reader given a ``BatchParser``: the sync reader's batches, and the ticker counted
    during the calls made on the executor (on the loop, it could not have)."""
    stream = body(40_050)
    want = arrow(list(iter_batches([stream], **OPTIONS)))
    assert len(want) == 401  # the last cut by close(), on a thread

    made: list[BatchParser] = []

    def parser() -> Any:  # a BatchParser stands in for sseflow.Parser
        made.append(BatchParser(**OPTIONS))
        return made[-1]

    def waited(batch: RecordBatch) -> RecordBatch:
        # Handed out between the parser's calls, after its chunk's batches were waited for.
        assert made[-1].in_flight == 0
        return batch

    async def readers(url: str) -> dict[str, list[RecordBatch]]:
        got: dict[str, list[RecordBatch]] = {}
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as answer:
                got["aiohttp"] = [b async for b in aiter_batches(answer, **OPTIONS)]
            async with session.get(url) as answer:
                events: AsyncIterator[Any] = sseflow.aiohttp.iter_sse(answer, parser_factory=parser)
                got["aiohttp.iter_sse"] = [waited(b) async for b in events]
        async with httpx.AsyncClient() as client, client.stream("GET", url) as response:
            got["httpx"] = [b async for b in aiter_batches(response, **OPTIONS)]
        async with httpx.AsyncClient() as client, client.stream("GET", url) as response:
            sse: AsyncIterator[Any] = sseflow.httpx.EventSource(
                response, parser_factory=parser
            ).aiter_sse()
            got["httpx.aiter_sse"] = [waited(b) async for b in sse]
        async with httpx2.AsyncClient() as client2, client2.stream("GET", url) as response2:
            got["httpx2"] = [b async for b in aiter_batches(response2, **OPTIONS)]
        return got

    async def run(url: str) -> None:
        loop = asyncio.get_running_loop()
        with Ticker() as ticker:
            executor = NotingExecutor(ticker)
            loop.set_default_executor(executor)
            got = await readers(url)
            for name, batches in got.items():
                assert arrow(batches) == want, name
            assert len(executor.calls) >= 5  # at least each reader's last batch
            assert executor.ticks_during_calls() > 0
            assert len(made) == 2

    with SSEServer() as server:
        asyncio.run(run(server.route("/s", static(stream))))


def test_may_wait_says_which_feeds_may_wait() -> None:
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner()
    for test in finder.find(BatchParser.may_wait, "may_wait", globs={"BatchParser": BatchParser}):
        runner.run(test)
    assert runner.summarize(verbose=False) == (0, 2)
    big = 64 * 1024 * 1024
    assert not BatchParser(decode_threads=2).may_wait(big)  # nothing to decode
    assert not BatchParser(json_schema=SCHEMA).may_wait(big)  # decoded in the call
    threaded = BatchParser(json_schema=SCHEMA, batch_rows=10, decode_threads=2)
    # Each cut after the first takes 10 events of 6 bytes at least; 3 batches may be in flight.
    assert not threaded.may_wait(3 * 60 - 1)
    assert threaded.may_wait(3 * 60)


def test_under_trio_the_calls_go_to_its_worker_threads() -> None:
    """The same reads from a Trio program: the count moves while each chunk is parsed, and
    httpx responses under Trio give the sync batches too."""
    chunks = chunks_of(20_000, 5_000)
    handed: list[int] = []
    firsts: list[int] = []
    count = 0

    async def ticker() -> None:
        nonlocal count
        while True:
            count += 1
            await trio.sleep(0)

    async def source() -> AsyncIterator[bytes]:
        for chunk in chunks:
            handed.append(count)
            yield chunk

    async def run(url: str) -> tuple[list[RecordBatch], list[RecordBatch]]:
        got: list[RecordBatch] = []
        async with trio.open_nursery() as nursery:
            nursery.start_soon(ticker)
            async for batch in aiter_batches(source(), **OPTIONS):
                if len(got) % 50 == 0:
                    firsts.append(count)
                got.append(batch)
            async with httpx.AsyncClient() as client, client.stream("GET", url) as response:
                fetched = [b async for b in aiter_batches(response, **OPTIONS)]
            nursery.cancel_scope.cancel()
        return got, fetched

    stream = body(20_000)
    with SSEServer() as server:
        got, fetched = trio.run(run, server.route("/s", static(stream)))
    assert len(firsts) == 4
    assert all(first > hand for hand, first in zip(handed, firsts, strict=True))
    assert arrow(got) == arrow(list(iter_batches(live(chunks), **OPTIONS)))
    assert arrow(fetched) == arrow(list(iter_batches([stream], **OPTIONS)))
