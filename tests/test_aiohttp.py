"""sseflow.aiohttp against the test server."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from sse_server import Conn, SSEServer, static
from test_httpx import EXPECTED, _faults

import sseflow.aiohttp
from sseflow import ConnectionFailed, Event, StreamTruncated, encode

pytestmark = pytest.mark.timeout(30)


async def _events(url: str, *, raise_on_truncated: bool = False) -> list[Event]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers=sseflow.aiohttp.STREAM_HEADERS) as response,
    ):
        events = sseflow.aiohttp.iter_sse(response, raise_on_truncated=raise_on_truncated)
        return [event async for event in events]


def test_events_with_faults() -> None:
    with SSEServer() as server:
        url = server.route("/s", _faults)
        assert asyncio.run(_events(url)) == EXPECTED
        with pytest.raises(StreamTruncated):
            asyncio.run(_events(url, raise_on_truncated=True))
        assert server.requests_to("/s")[0].headers["accept"] == "text/event-stream"


def test_cr_only_line_ends_are_not_left_to_aiohttp_line_reading() -> None:
    with SSEServer() as server:
        url = server.route("/s", static(b"data: a\rdata: b\r\r"))
        assert asyncio.run(_events(url)) == [Event(data="a\nb")]


def test_wrong_content_type() -> None:
    with SSEServer() as server:
        url = server.route("/s", static(encode("x"), 200, "text/plain"))
        with pytest.raises(ConnectionFailed) as caught:
            asyncio.run(_events(url))
        assert caught.value.status == 200
        assert caught.value.content_type == "text/plain"


def test_redirect_followed_by_aiohttp() -> None:
    with SSEServer() as server:
        target = server.route("/real", static(encode("x")))
        url = server.route("/old", static(status=302, headers=[("Location", target)]))
        assert asyncio.run(_events(url)) == [Event(data="x")]


def test_cancelling_the_consumer_closes_the_server_side() -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a"))
        conn.idle(10)

    async def run(url: str) -> float:
        got_one = asyncio.Event()

        async def consume() -> None:
            async with (
                aiohttp.ClientSession() as session,
                session.get(url) as response,
            ):
                async for _ in sseflow.aiohttp.iter_sse(response):
                    got_one.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(got_one.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic()

    with SSEServer() as server:
        url = server.route("/s", route)
        cancelled = asyncio.run(run(url))
        assert server.wait_for(lambda: server.requests_to("/s")[0].hung_up is not None)
        hung_up = server.requests_to("/s")[0].hung_up
        assert hung_up is not None
        assert hung_up - cancelled < 2.0
