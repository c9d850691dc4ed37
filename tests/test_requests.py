"""sseflow.requests against the test server."""

from __future__ import annotations

import gzip
import threading

import pytest
import requests
from sse_server import Conn, SSEServer, static
from test_httpx import EXPECTED, _faults

import sseflow.requests
from sseflow import ConnectionFailed, Event, StreamTruncated, encode

pytestmark = pytest.mark.timeout(30)


def _get(url: str, *, stream: bool = False) -> requests.Response:
    return requests.get(url, headers=sseflow.requests.STREAM_HEADERS, timeout=10, stream=stream)


def test_events_with_faults() -> None:
    with SSEServer() as server:
        url = server.route("/s", _faults)
        with _get(url, stream=True) as response:
            assert list(sseflow.requests.iter_sse(response)) == EXPECTED
        with _get(url, stream=True) as response:
            events = sseflow.requests.iter_sse(response, raise_on_truncated=True)
            assert [next(events) for _ in EXPECTED] == EXPECTED
            with pytest.raises(StreamTruncated):
                next(events)
        # A response read whole (no stream=True) gives the same events.
        assert list(sseflow.requests.iter_sse(_get(url))) == EXPECTED


def test_an_event_arrives_before_the_read_size_is_filled() -> None:
    release = threading.Event()

    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("early"))
        release.wait(10)
        conn.write(encode("late"))

    with SSEServer() as server:
        url = server.route("/s", route)
        with _get(url, stream=True) as response:
            events = sseflow.requests.iter_sse(response, chunk_size=65536)
            # iter_content(65536) would block here until the server sent 64 KiB.
            assert next(events).data == "early"
            release.set()
            assert [e.data for e in events] == ["late"]


def test_gzip_content_encoding_is_decoded() -> None:
    with SSEServer() as server:
        url = server.route(
            "/s",
            static(gzip.compress(encode("zipped") * 3), headers=[("Content-Encoding", "gzip")]),
        )
        with _get(url, stream=True) as response:
            assert [e.data for e in sseflow.requests.iter_sse(response)] == ["zipped"] * 3


def test_chunked_body_cut_is_a_requests_error() -> None:
    def route(conn: Conn) -> None:
        conn.start(chunked=True)
        conn.write(encode("whole") + b"data: half")
        conn.drop()

    with SSEServer() as server:
        url = server.route("/s", route)
        with _get(url, stream=True) as response:
            events = sseflow.requests.iter_sse(response)
            assert next(events) == Event(data="whole")
            with pytest.raises(requests.exceptions.ChunkedEncodingError):
                next(events)


def test_wrong_content_type_and_redirect() -> None:
    with SSEServer() as server:
        bad = server.route("/bad", static(encode("x"), 200, "text/html; charset=utf-8"))
        with _get(bad, stream=True) as response, pytest.raises(ConnectionFailed) as caught:
            list(sseflow.requests.iter_sse(response))
        assert caught.value.status == 200
        assert caught.value.content_type == "text/html; charset=utf-8"
        target = server.route("/real", static(encode("x")))
        url = server.route("/old", static(status=301, headers=[("Location", target)]))
        with _get(url, stream=True) as response:
            assert list(sseflow.requests.iter_sse(response)) == [Event(data="x")]
