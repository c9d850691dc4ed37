"""Backpressure: a consumer slower than the server does not make memory grow.

Every reader pulls bytes only as fast as it is iterated, so the socket's buffers
fill and TCP holds the server back. Each test points one reader at a loopback
server that writes 1 KiB events as fast as the socket takes them (up to 512 MiB),
and consumes slowly, sleeping after each event. The server counts the bytes the
socket accepted; those less the bytes of the events consumed are the bytes in
flight (kernel buffers and the reader's), which must stay bounded, as must this
process's resident memory (measured from /proc).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import httpx
import pytest
import requests
from sse_server import Conn, SSEServer

import sseflow
import sseflow.aiohttp
import sseflow.httpx
import sseflow.requests
from sseflow import AsyncEventSource, Event, EventSource, aiter_events, iter_events

pytestmark = pytest.mark.timeout(60)

EVENT = sseflow.encode("x" * 1000)
BLOCK = EVENT * 64
CONSUMED = 600
"""Events each consumer takes, sleeping after each: a third of a second or more."""
PAUSE = 0.0005
IN_FLIGHT = 8 * 2**20
"""The bound on bytes sent but not consumed: the kernel's buffers and the readers'
(measured: about 0.2 MiB), against the 512 MiB an eager reader would take."""
GROWTH = 8 * 2**20
"""The bound on the growth of resident memory while consuming."""


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Firehose:
    """The fast server's side: bytes the socket accepted so far."""

    sent: int = 0
    samples: list[tuple[int, int]] = field(default_factory=list)
    """(bytes in flight, resident bytes) after every 100 events consumed."""

    def route(self, conn: Conn) -> None:
        # A small send buffer, so that the server's side holds little of what is in flight.
        conn._handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        conn.start()
        while self.sent < 512 * 2**20 and conn.write(BLOCK):
            self.sent += len(BLOCK)

    def consumed(self, count: int) -> bool:
        """Records a sample; whether to stop."""
        if count % 100 == 0:
            self.samples.append((self.sent - count * len(EVENT), resident_bytes()))
        return count == CONSUMED

    def check(self) -> None:
        assert len(self.samples) == CONSUMED // 100
        in_flight = [sample[0] for sample in self.samples]
        resident = [sample[1] for sample in self.samples]
        assert max(in_flight) < IN_FLIGHT, in_flight
        assert max(resident) - resident[0] < GROWTH, resident


SyncReader = Callable[[str], AbstractContextManager[Iterator[Event]]]
AsyncReader = Callable[[str], AbstractAsyncContextManager[AsyncIterator[Event]]]


@contextlib.contextmanager
def read_iter_events(url: str) -> Iterator[Iterator[Event]]:
    with urllib.request.urlopen(url, timeout=10) as response:
        yield iter_events(response)


@contextlib.contextmanager
def read_httpx(url: str) -> Iterator[Iterator[Event]]:
    with httpx.Client() as client, sseflow.httpx.connect_sse(client, "GET", url) as source:
        yield source.iter_sse()


@contextlib.contextmanager
def read_requests(url: str) -> Iterator[Iterator[Event]]:
    headers = sseflow.requests.STREAM_HEADERS
    with requests.get(url, stream=True, headers=headers, timeout=10) as response:
        yield sseflow.requests.iter_sse(response)


def read_event_source(library: Any) -> SyncReader:
    @contextlib.contextmanager
    def read(url: str) -> Iterator[Iterator[Event]]:
        with EventSource(url, library=library) as source:
            yield iter(source)

    return read


@contextlib.asynccontextmanager
async def read_aiter_events(url: str) -> AsyncIterator[AsyncIterator[Event]]:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
    await reader.readuntil(b"\r\n\r\n")  # the response head
    try:
        yield aiter_events(reader)
    finally:
        writer.close()


@contextlib.asynccontextmanager
async def read_httpx_async(url: str) -> AsyncIterator[AsyncIterator[Event]]:
    async with (
        httpx.AsyncClient() as client,
        sseflow.httpx.aconnect_sse(client, "GET", url) as source,
    ):
        yield source.aiter_sse()


@contextlib.asynccontextmanager
async def read_aiohttp(url: str) -> AsyncIterator[AsyncIterator[Event]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers=sseflow.aiohttp.STREAM_HEADERS) as response,
    ):
        yield sseflow.aiohttp.iter_sse(response)


def read_async_event_source(library: Any) -> AsyncReader:
    @contextlib.asynccontextmanager
    async def read(url: str) -> AsyncIterator[AsyncIterator[Event]]:
        async with AsyncEventSource(url, library=library) as source:
            yield aiter(source)

    return read


SYNC_READERS: dict[str, SyncReader] = {
    "iter_events": read_iter_events,
    "httpx.connect_sse": read_httpx,
    "requests.iter_sse": read_requests,
    "EventSource-httpx": read_event_source("httpx"),
    "EventSource-httpx2": read_event_source("httpx2"),
}
ASYNC_READERS: dict[str, AsyncReader] = {
    "aiter_events": read_aiter_events,
    "httpx.aconnect_sse": read_httpx_async,
    "aiohttp.iter_sse": read_aiohttp,
    "AsyncEventSource-httpx": read_async_event_source("httpx"),
    "AsyncEventSource-httpx2": read_async_event_source("httpx2"),
    "AsyncEventSource-aiohttp": read_async_event_source("aiohttp"),
}


@pytest.mark.parametrize("name", sorted(SYNC_READERS))
def test_a_slow_consumer_keeps_a_sync_reader_bounded(name: str) -> None:
    firehose = Firehose()
    with SSEServer() as server:
        url = server.route("/s", firehose.route)
        with SYNC_READERS[name](url) as events:
            for count, event in enumerate(events, start=1):
                assert event.data == "x" * 1000
                time.sleep(PAUSE)
                if firehose.consumed(count):
                    break
    firehose.check()


@pytest.mark.parametrize("name", sorted(ASYNC_READERS))
def test_a_slow_consumer_keeps_an_async_reader_bounded(name: str) -> None:
    firehose = Firehose()

    async def run(url: str) -> None:
        async with ASYNC_READERS[name](url) as events:
            count = 0
            async for event in events:
                count += 1
                assert event.data == "x" * 1000
                await asyncio.sleep(PAUSE)
                if firehose.consumed(count):
                    break

    with SSEServer() as server:
        asyncio.run(run(server.route("/s", firehose.route)))
    firehose.check()
