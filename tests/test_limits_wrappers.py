"""The parser's limits, set through every reader's ``parser_factory``, stop hostile streams.

A stream whose line never ends, or whose event never dispatches, must raise
:class:`sseflow.LimitExceeded` through ``iter_events``, ``aiter_events``, the
httpx, aiohttp and requests readers and both event sources, after the events
before it, without waiting for the stream to end (the HTTP server here never
ends it). An event source raises it to the caller and does not reconnect: a
stream over a limit is not a dropped connection, and reconnecting would meet it
again.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass

import aiohttp
import httpx
import pytest
import requests
from sse_server import Conn, Request, Route, SSEServer

import sseflow.aiohttp
import sseflow.httpx
import sseflow.requests
from sseflow import (
    AsyncEventSource,
    Event,
    EventSource,
    LimitExceeded,
    Parser,
    ReadyState,
    Reconnect,
    aiter_events,
    encode,
    iter_events,
)

pytestmark = pytest.mark.timeout(30)

OK = encode("ok", id="1")
"""The event before the hostile part of every stream."""


@dataclass(frozen=True)
class Hostile:
    """A stream that grows without bound, and the limit that must stop it."""

    unit: bytes
    """Repeated forever after the head."""
    head: bytes
    factory: Callable[[], Parser[Event]]
    limit_name: str
    limit: int
    within: int
    """Bytes of the stream, from its head on, within which the limit must stop it."""

    def body(self, size: int = 4096) -> bytes:
        """The head and enough units to pass the limit many times over."""
        return self.head + self.unit * (size // len(self.unit))


HOSTILE = {
    # a line of 6 + 64 bytes is over; the unit that makes it so ends within 6 + 64 + 16
    "endless-line": Hostile(
        b"x" * 16, b"data: ", lambda: Parser(max_line_size=64), "max_line_size", 64, 86
    ),
    # each unit adds 2 bytes of data ("x" and LF): the 33rd passes 64
    "endless-event": Hostile(
        b"data: x\n", b"", lambda: Parser(max_event_size=64), "max_event_size", 64, 33 * 8
    ),
    # the event limit bounds any line at 5 bytes more: 2 + 37 bytes, within a unit more
    "endless-comment": Hostile(
        b"ping" * 4, b": ", lambda: Parser(max_event_size=32), "max_event_size", 32, 55
    ),
}
STREAMS = pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))


Outcome = tuple[list[str], BaseException | None]
"""The data of the events a client got, and the error that ended its iteration."""


def check(hostile: Hostile, seen: list[str], error: BaseException | None) -> None:
    """The event before the hostile part came through, then the limit's error."""
    assert seen == ["ok"]
    assert isinstance(error, LimitExceeded), f"{error!r}"
    assert (error.limit_name, error.limit) == (hostile.limit_name, hostile.limit)
    assert error.size > hostile.limit
    assert str(error).startswith(f"{hostile.limit_name}={hostile.limit} exceeded (")


def drain(events: Iterable[Event], on_event: Callable[[], object] = lambda: None) -> Outcome:
    """The data of the events yielded, and the error that ended the iteration."""
    seen: list[str] = []
    try:
        for event in events:
            seen.append(event.data)
            on_event()
    except Exception as error:
        return seen, error
    return seen, None


async def adrain(
    events: AsyncIterator[Event], on_event: Callable[[], object] = lambda: None
) -> Outcome:
    """``drain`` for an async iterator."""
    seen: list[str] = []
    try:
        async for event in events:
            seen.append(event.data)
            on_event()
    except Exception as error:
        return seen, error
    return seen, None


# -- iter_events / aiter_events ----------------------------------------------------------------


class Endless:
    """A source that never ends: the head, then the unit again and again; counts reads."""

    def __init__(self, hostile: Hostile) -> None:
        self.chunks = itertools.chain([OK, hostile.head], itertools.repeat(hostile.unit))
        self.handed_out = 0
        """Bytes handed out so far."""

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        chunk = next(self.chunks)
        self.handed_out += len(chunk)
        return chunk

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        await asyncio.sleep(0)
        return next(self)


def bounded(read: int, hostile: Hostile, chunk_size: int = 0) -> None:
    """No more was read than it takes to pass the limit (and one more read)."""
    assert read <= len(OK) + hostile.within + chunk_size


@STREAMS
def test_iter_events_over_chunks(hostile: Hostile) -> None:
    chunks = [OK, hostile.body()]
    check(hostile, *drain(iter_events(chunks, parser_factory=hostile.factory)))


@STREAMS
def test_iter_events_over_one_chunk(hostile: Hostile) -> None:
    """The events before the offending part of a chunk come out before the error."""
    chunk = OK + hostile.body()
    check(hostile, *drain(iter_events([chunk], parser_factory=hostile.factory)))


@STREAMS
def test_aiter_events_over_one_chunk(hostile: Hostile) -> None:
    async def one_chunk() -> AsyncIterator[bytes]:
        yield OK + hostile.body()

    events = aiter_events(one_chunk(), parser_factory=hostile.factory)
    check(hostile, *asyncio.run(adrain(events)))


@STREAMS
def test_iter_events_over_an_endless_source(hostile: Hostile) -> None:
    source = Endless(hostile)
    check(hostile, *drain(iter_events(source, parser_factory=hostile.factory)))
    bounded(source.handed_out, hostile)


@STREAMS
def test_iter_events_over_a_binary_file(hostile: Hostile) -> None:
    file = io.BytesIO(OK + hostile.body())
    events = iter_events(file, chunk_size=len(OK), parser_factory=hostile.factory)
    check(hostile, *drain(events))
    bounded(file.tell(), hostile, len(OK))


@STREAMS
def test_aiter_events_over_an_endless_source(hostile: Hostile) -> None:
    source = Endless(hostile)
    check(hostile, *asyncio.run(adrain(aiter_events(source, parser_factory=hostile.factory))))
    bounded(source.handed_out, hostile)


class Reader:
    """An async reader (``read(n)``) of the given bytes."""

    def __init__(self, data: bytes) -> None:
        self.file = io.BytesIO(data)

    async def read(self, size: int, /) -> bytes:
        await asyncio.sleep(0)
        return self.file.read(size)


@STREAMS
def test_aiter_events_over_an_async_reader(hostile: Hostile) -> None:
    reader = Reader(OK + hostile.body())
    events = aiter_events(reader, chunk_size=len(OK), parser_factory=hostile.factory)
    check(hostile, *asyncio.run(adrain(events)))
    bounded(reader.file.tell(), hostile, len(OK))


# -- over HTTP ---------------------------------------------------------------------------------


class Endpoint:
    """A route that sends ``OK`` then the hostile stream, and never ends: it idles
    until the client hangs up. Apart, it waits until the client has ``OK`` before
    the rest; together, both go in one write, so the client reads them in one
    chunk, and must still deliver ``OK`` before the error."""

    def __init__(self, hostile: Hostile, together: bool) -> None:
        self.hostile = hostile
        self.together = together
        self.received = threading.Event()

    def route(self) -> Route:
        def serve(conn: Conn) -> None:
            conn.start()
            if self.together:
                conn.write(OK + self.hostile.body())
            else:
                conn.write(OK)
                if self.received.wait(10):
                    conn.write(self.hostile.body())
            conn.idle(10)

        return serve

    def got_event(self) -> None:
        """Called by the client for each event."""
        self.received.set()


WRITES = pytest.mark.parametrize("together", [False, True], ids=["apart", "together"])


def served(
    hostile: Hostile, client: Callable[[str, Endpoint], Outcome], together: bool
) -> list[Request]:
    """Runs ``client`` against an endless hostile stream; checks what it got; returns
    the requests the server saw, after the client hung up."""
    endpoint = Endpoint(hostile, together)
    with SSEServer() as server:
        url = server.route("/s", endpoint.route())
        check(hostile, *client(url, endpoint))
        requests_seen = server.requests_to("/s")
        assert server.wait_for(lambda: all(r.hung_up is not None for r in requests_seen))
        return requests_seen


@WRITES
@STREAMS
def test_httpx_connect_sse(hostile: Hostile, together: bool) -> None:
    def client(url: str, endpoint: Endpoint) -> Outcome:
        with (
            httpx.Client() as http,
            sseflow.httpx.connect_sse(http, "GET", url, parser_factory=hostile.factory) as source,
        ):
            return drain(source.iter_sse(), endpoint.got_event)

    assert len(served(hostile, client, together)) == 1


@WRITES
@STREAMS
def test_httpx_aconnect_sse(hostile: Hostile, together: bool) -> None:
    async def run(url: str, endpoint: Endpoint) -> Outcome:
        async with (
            httpx.AsyncClient() as http,
            sseflow.httpx.aconnect_sse(http, "GET", url, parser_factory=hostile.factory) as source,
        ):
            return await adrain(source.aiter_sse(), endpoint.got_event)

    assert len(served(hostile, lambda url, e: asyncio.run(run(url, e)), together)) == 1


@WRITES
@STREAMS
def test_aiohttp_iter_sse(hostile: Hostile, together: bool) -> None:
    async def run(url: str, endpoint: Endpoint) -> Outcome:
        async with (
            aiohttp.ClientSession() as session,
            session.get(url, headers=sseflow.aiohttp.STREAM_HEADERS) as response,
        ):
            events = sseflow.aiohttp.iter_sse(response, parser_factory=hostile.factory)
            return await adrain(events, endpoint.got_event)

    assert len(served(hostile, lambda url, e: asyncio.run(run(url, e)), together)) == 1


@WRITES
@STREAMS
def test_requests_iter_sse(hostile: Hostile, together: bool) -> None:
    def client(url: str, endpoint: Endpoint) -> Outcome:
        headers = sseflow.requests.STREAM_HEADERS
        with requests.get(url, headers=headers, stream=True, timeout=10) as response:
            events = sseflow.requests.iter_sse(response, parser_factory=hostile.factory)
            return drain(events, endpoint.got_event)

    assert len(served(hostile, client, together)) == 1


@WRITES
@STREAMS
def test_event_source_raises_and_does_not_reconnect(hostile: Hostile, together: bool) -> None:
    reconnects: list[Reconnect] = []
    states: list[ReadyState] = []

    def client(url: str, endpoint: Endpoint) -> Outcome:
        source = EventSource(
            url, retry=0, parser_factory=hostile.factory, on_reconnect=reconnects.append
        )
        with source:
            outcome = drain(source, endpoint.got_event)
            states.append(source.ready_state)
            assert source.last_event_id == "1"
        return outcome

    assert len(served(hostile, client, together)) == 1
    assert reconnects == []
    assert states == [ReadyState.CLOSED]


@WRITES
@STREAMS
def test_async_event_source_raises_and_does_not_reconnect(hostile: Hostile, together: bool) -> None:
    reconnects: list[Reconnect] = []
    states: list[ReadyState] = []

    async def run(url: str, endpoint: Endpoint) -> Outcome:
        source = AsyncEventSource(
            url, retry=0, parser_factory=hostile.factory, on_reconnect=reconnects.append
        )
        async with source:
            outcome = await adrain(aiter(source), endpoint.got_event)
            states.append(source.ready_state)
            assert source.last_event_id == "1"
        return outcome

    assert len(served(hostile, lambda url, e: asyncio.run(run(url, e)), together)) == 1
    assert reconnects == []
    assert states == [ReadyState.CLOSED]
