"""sseflow.httpx against the test server, and side by side with httpx-sse."""

from __future__ import annotations

import asyncio
import time
from types import ModuleType

import httpx
import httpx_sse
import pytest
from sse_server import Conn, SSEServer, static

import sseflow
import sseflow.httpx
from sseflow import ConnectionFailed, Event, StreamTruncated, encode

pytestmark = pytest.mark.timeout(30)

BODY = (
    encode("first", event="greet", id="1", retry=10)
    + encode('{"n": 2}', id="2")
    + encode(comment="ping")
    + encode("multi\nline")
)
EXPECTED = [
    Event("greet", "first", "1", 10),
    Event("message", '{"n": 2}', "2"),
    Event("message", "multi\nline", "2"),
]


def _faults(conn: Conn) -> None:
    conn.start()
    conn.write(BODY[:20])
    conn.drip(BODY[20:60], 0.001)
    conn.write(BODY[60:])
    conn.write(b"data: cut mid-li")


def test_connect_sse_reads_events_and_sends_the_stream_headers() -> None:
    with SSEServer() as server:
        url = server.route("/s", _faults)
        with (
            httpx.Client() as client,
            sseflow.httpx.connect_sse(client, "GET", url, headers={"X-A": "b"}) as source,
        ):
            assert source.response.status_code == 200
            events = list(source.iter_sse())
        assert events == EXPECTED
        assert events[1].json() == {"n": 2}
        request = server.requests_to("/s")[0]
        assert request.headers["accept"] == "text/event-stream"
        assert request.headers["cache-control"] == "no-cache"
        assert request.headers["pragma"] == "no-cache"
        assert request.headers["x-a"] == "b"


def test_aconnect_sse() -> None:
    async def run(url: str) -> list[Event]:
        async with (
            httpx.AsyncClient() as client,
            sseflow.httpx.aconnect_sse(client, "POST", url, json={"q": 1}) as source,
        ):
            return [event async for event in source.aiter_sse()]

    with SSEServer() as server:
        url = server.route("/s", _faults)
        assert asyncio.run(run(url)) == EXPECTED
        assert server.requests_to("/s")[0].method == "POST"


def test_truncated_end_raised_on_request() -> None:
    with SSEServer() as server:
        url = server.route("/s", _faults)
        with (
            httpx.Client() as client,
            sseflow.httpx.connect_sse(client, "GET", url) as source,
        ):
            events = source.iter_sse(raise_on_truncated=True)
            assert [next(events) for _ in EXPECTED] == EXPECTED
            with pytest.raises(StreamTruncated):
                next(events)


def test_chunked_body_cut_mid_line_is_an_httpx_error() -> None:
    def route(conn: Conn) -> None:
        conn.start(chunked=True)
        conn.write(encode("whole") + b"data: half")
        conn.drop()

    with SSEServer() as server:
        url = server.route("/s", route)
        with (
            httpx.Client() as client,
            sseflow.httpx.connect_sse(client, "GET", url) as source,
        ):
            events = source.iter_sse()
            assert next(events).data == "whole"
            with pytest.raises(httpx.RemoteProtocolError):
                next(events)


@pytest.mark.parametrize("content_type", ["application/json", None])
def test_wrong_content_type(content_type: str | None) -> None:
    with SSEServer() as server:
        url = server.route("/s", static(encode("x"), 200, content_type))
        with (
            httpx.Client() as client,
            sseflow.httpx.connect_sse(client, "GET", url) as source,
            pytest.raises(sseflow.httpx.SSEError) as caught,
        ):
            list(source.iter_sse())
        assert isinstance(caught.value, httpx.TransportError)
        assert isinstance(caught.value, ConnectionFailed)
        assert caught.value.status == 200
        assert caught.value.content_type == content_type
        assert caught.value.request.url == url


def test_content_type_parameters_and_case_are_accepted() -> None:
    with SSEServer() as server:
        url = server.route("/s", static(encode("x"), 200, "Text/Event-Stream; charset=utf-8"))
        with httpx.Client() as client, sseflow.httpx.connect_sse(client, "GET", url) as source:
            assert [e.data for e in source.iter_sse()] == ["x"]


def test_redirect_when_the_client_follows_them() -> None:
    with SSEServer() as server:
        target = server.route("/real", static(encode("x")))
        url = server.route("/old", static(status=302, headers=[("Location", target)]))
        with (
            httpx.Client(follow_redirects=True) as client,
            sseflow.httpx.connect_sse(client, "GET", url) as source,
        ):
            assert [e.data for e in source.iter_sse()] == ["x"]
        assert server.requests_to("/real")[0].headers["accept"] == "text/event-stream"


def test_leaving_the_async_block_closes_the_server_side() -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a"))
        conn.idle(10)

    async def run(url: str) -> float:
        async with httpx.AsyncClient() as client:
            async with sseflow.httpx.aconnect_sse(client, "GET", url) as source:
                async for _ in source.aiter_sse():
                    break
            return time.monotonic()

    with SSEServer() as server:
        url = server.route("/s", route)
        left = asyncio.run(run(url))
        assert server.wait_for(lambda: server.requests_to("/s")[0].hung_up is not None)
        hung_up = server.requests_to("/s")[0].hung_up
        assert hung_up is not None
        assert hung_up - left < 2.0


def _example(module: ModuleType, url: str) -> list[tuple[str, str, str, int | None]]:
    """An httpx-sse README style example, run with the given module."""
    with httpx.Client() as client, module.connect_sse(client, "GET", url) as event_source:
        return [(sse.event, sse.data, sse.id, sse.retry) for sse in event_source.iter_sse()]


async def _aexample(module: ModuleType, url: str) -> list[tuple[str, str, str, int | None]]:
    async with (
        httpx.AsyncClient() as client,
        module.aconnect_sse(client, "GET", url) as event_source,
    ):
        return [(sse.event, sse.data, sse.id, sse.retry) async for sse in event_source.aiter_sse()]


def test_same_results_as_httpx_sse_by_changing_the_import() -> None:
    with SSEServer() as server:
        url = server.route("/s", _faults)
        theirs = _example(httpx_sse, url)
        ours = _example(sseflow.httpx, url)
        assert ours == theirs == [(e.event, e.data, e.id, e.retry) for e in EXPECTED]
        assert asyncio.run(_aexample(sseflow.httpx, url)) == asyncio.run(_aexample(httpx_sse, url))
        bad = server.route("/bad", static(b"{}", 200, "application/json"))
        for module in (httpx_sse, sseflow.httpx):
            with pytest.raises(httpx.TransportError, match="text/event-stream"):
                _example(module, bad)
    # The events are sseflow's own; the name makes them as httpx-sse's constructor does.
    assert all(isinstance(event, sseflow.httpx.ServerSentEvent) for event in EXPECTED)
    assert sseflow.httpx.ServerSentEvent("greet", "first", "1", 10) == EXPECTED[0]
