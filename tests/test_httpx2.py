"""sseflow.httpx2 against the test server, side by side with httpx2's own ``client.sse()``."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Sequence

import httpx
import httpx2
import pytest
from sse_server import SSEServer, static
from test_httpx import EXPECTED
from test_httpx import _faults as _split_route

import sseflow.httpx
import sseflow.httpx2
from sseflow import ConnectionFailed, Event, LimitExceeded, Parser, StreamTruncated, encode

pytestmark = pytest.mark.timeout(60)


def _fields(events: Sequence[Event | httpx2.ServerSentEvent]) -> list[tuple[object, ...]]:
    return [(e.event, e.data, e.id, e.retry) for e in events]


def test_sse_is_a_drop_in_for_client_sse() -> None:
    with SSEServer() as server:
        url = server.route("/s", _split_route)
        with httpx2.Client() as client:
            with client.sse(url) as theirs:
                their_events = list(theirs)
            with sseflow.httpx2.sse(client, url, headers={"X-A": "b"}) as source:
                assert isinstance(source.response, httpx2.Response)
                assert source.response.status_code == 200
                ours = list(source)
        assert ours == EXPECTED
        assert _fields(ours) == _fields(their_events)
        request = server.requests_to("/s")[1]
        assert request.headers["accept"] == "text/event-stream"
        assert request.headers["cache-control"] == "no-cache"
        assert request.headers["pragma"] == "no-cache"
        assert request.headers["x-a"] == "b"


def test_asse_with_method_and_json() -> None:
    async def run(url: str) -> list[Event]:
        async with (
            httpx2.AsyncClient() as client,
            sseflow.httpx2.asse(client, url, method="POST", json={"q": 1}) as source,
        ):
            return [event async for event in source]

    with SSEServer() as server:
        url = server.route("/s", _split_route)
        assert asyncio.run(run(url)) == EXPECTED
        request = server.requests_to("/s")[0]
        assert request.method == "POST"
        assert request.headers["content-type"] == "application/json"


def test_connect_sse_and_aconnect_sse_as_in_httpx_sse() -> None:
    async def run(url: str) -> list[Event]:
        async with (
            httpx2.AsyncClient() as client,
            sseflow.httpx2.aconnect_sse(client, "GET", url) as source,
        ):
            return [event async for event in source.aiter_sse()]

    with SSEServer() as server:
        url = server.route("/s", _split_route)
        with (
            httpx2.Client() as client,
            sseflow.httpx2.connect_sse(client, "GET", url) as source,
        ):
            assert list(source.iter_sse()) == EXPECTED
        assert asyncio.run(run(url)) == EXPECTED


def test_an_event_over_httpx2s_default_limit_is_read_whole() -> None:
    big = "x" * (2 * 2**20)
    with SSEServer() as server:
        url = server.route("/s", static(encode(big) + encode("after")))
        with httpx2.Client() as client:
            with client.sse(url) as theirs, pytest.raises(httpx2.SSEError, match="byte limit"):
                list(theirs)
            with sseflow.httpx2.sse(client, url) as source:
                assert [len(event.data) for event in source] == [len(big), 5]


def test_max_event_size_has_sseflows_meaning() -> None:
    with SSEServer() as server:
        url = server.route("/s", static(encode("12345") + encode("123456") + encode("z")))
        with httpx2.Client() as client:
            # Counting one LF per data line, as sseflow.Parser does.
            with sseflow.httpx2.sse(client, url, max_event_size=6) as source:
                events = iter(source)
                assert next(events).data == "12345"
                with pytest.raises(LimitExceeded) as caught:
                    next(events)
            assert (caught.value.limit_name, caught.value.limit) == ("max_event_size", 6)
            with sseflow.httpx2.sse(
                client, url, parser_factory=lambda: Parser(max_event_size=7)
            ) as source:
                assert [event.data for event in source] == ["12345", "123456", "z"]


def test_sse_arguments_are_checked_at_the_call() -> None:
    url = "http://127.0.0.1:1/"
    with httpx2.Client() as client:
        with pytest.raises(TypeError, match="not both"):
            sseflow.httpx2.sse(client, url, max_event_size=1, parser_factory=Parser)
        with pytest.raises(ValueError, match="max_event_size must be a non-negative int"):
            sseflow.httpx2.sse(client, url, max_event_size=-1)
        wrong_client = r"asse\(\) needs an httpx2.AsyncClient .*: use sse\(\) with an httpx2.Client"
        with pytest.raises(TypeError, match=wrong_client):
            sseflow.httpx2.asse(client, url)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"sse\(\) needs an httpx2.Client as client, got str"):
            sseflow.httpx2.sse("client", url)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"url must be a str or an httpx2\.URL, got int"):
            sseflow.httpx2.sse(client, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"response must be an httpx2\.Response"):
        sseflow.httpx2.EventSource(object())  # type: ignore[arg-type]


def test_truncated_end_raised_on_request() -> None:
    with SSEServer() as server:
        url = server.route("/s", _split_route)
        with (
            httpx2.Client() as client,
            sseflow.httpx2.sse(client, url, raise_on_truncated=True) as source,
        ):
            events = iter(source)
            assert [next(events) for _ in EXPECTED] == EXPECTED
            with pytest.raises(StreamTruncated):
                next(events)


@pytest.mark.parametrize("content_type", ["application/json", None])
def test_wrong_content_type_is_httpx2s_sse_error(content_type: str | None) -> None:
    with SSEServer() as server:
        url = server.route("/s", static(encode("x"), 200, content_type))
        with (
            httpx2.Client() as client,
            sseflow.httpx2.sse(client, url) as source,
            pytest.raises(httpx2.SSEError) as caught,
        ):
            list(source)
        assert isinstance(caught.value, sseflow.httpx2.SSEError)
        assert isinstance(caught.value, httpx2.TransportError)
        assert isinstance(caught.value, ConnectionFailed)
        assert (caught.value.status, caught.value.content_type) == (200, content_type)
        assert caught.value.request.url == url


def test_wrong_content_type_without_a_request_is_sse_error() -> None:
    response = httpx2.Response(200, headers={"content-type": "text/plain"}, content=b"data: x\n\n")
    with pytest.raises(sseflow.httpx2.SSEError, match="text/event-stream"):
        list(sseflow.httpx2.EventSource(response).iter_sse())


def test_server_sent_event_constructor_gives_httpx_sse_defaults() -> None:
    event = sseflow.httpx2.ServerSentEvent(event="", data="d")
    assert event == Event("message", "d")
    assert isinstance(event, sseflow.httpx2.ServerSentEvent)
    assert isinstance(event, Event)


@pytest.mark.parametrize("coding", ["gzip", "identity"])
def test_a_content_coding_is_undone(coding: str) -> None:
    body = encode("first") + encode("second")
    sent = gzip.compress(body) if coding == "gzip" else body
    with SSEServer() as server:
        url = server.route("/s", static(sent, headers=[("Content-Encoding", coding)]))
        for module in (sseflow.httpx, sseflow.httpx2):
            library = httpx2 if module is sseflow.httpx2 else httpx
            with (
                library.Client() as client,
                module.connect_sse(client, "GET", url) as source,
            ):
                assert [event.data for event in source.iter_sse()] == ["first", "second"]


def test_a_response_read_already_gives_its_content() -> None:
    with SSEServer() as server:
        url = server.route("/s", static(encode("first") + encode("second")))
        for module in (sseflow.httpx, sseflow.httpx2):
            library = httpx2 if module is sseflow.httpx2 else httpx
            with library.Client() as client:
                response = client.get(url)  # read whole, not streamed
                assert response.is_stream_consumed
                events = module.EventSource(response).iter_sse()
                assert [event.data for event in events] == ["first", "second"]
