"""sseflow.EventSource and sseflow.AsyncEventSource against a real server that drops connections."""

from __future__ import annotations

import asyncio
import importlib
import logging
import re
import socket
import threading
import time
from itertools import islice
from typing import Literal

import httpx
import pytest
from sse_server import Conn, SSEServer, numbered_events, resumable, sequence, static

from sseflow import (
    AsyncEventSource,
    ConnectionFailed,
    Event,
    EventSource,
    Parser,
    ReadyState,
    Reconnect,
    RetriesExhausted,
    encode,
)

pytestmark = pytest.mark.timeout(30)

Library = Literal["httpx", "httpx2", "aiohttp"]
LIBRARIES = pytest.mark.parametrize("library", ["httpx", "httpx2"])
"""The behaviours that depend on the HTTP client run on every library."""
ASYNC_LIBRARIES = pytest.mark.parametrize("library", ["httpx", "httpx2", "aiohttp"])
USER_AGENTS = {"httpx": r"^python-httpx/", "httpx2": r"^python-httpx2/", "aiohttp": r" aiohttp/"}

EVENTS = numbered_events(30)
L = len(EVENTS[0])  # "id: 1\n..." is one byte shorter than the two-digit ids, which do not matter
# (whole events, bytes of the next one) per connection: 12 drops, in the middle of the
# id line, of a data line, right after a whole line, before the final blank line (the
# event complete but not dispatched), at an event boundary, and with no event at all.
CUTS = [
    (2, 3),
    (1, 9),
    (0, 12),
    (3, L - 1),
    (2, 0),
    (1, L - 2),
    (0, 0),
    (4, 6),
    (1, 1),
    (2, L - 1),
    (1, 20),
    (3, 4),
]


def _expected_last_event_ids() -> list[str]:
    """The Last-Event-ID each request must carry: the ID of the last whole event before the cut."""
    ids, delivered = [""], 0
    for whole, _ in CUTS:
        delivered = min(delivered + whole, len(EVENTS))
        ids.append(str(delivered) if delivered else "")
    return ids


def _check_resumption(server: SSEServer, events: list[Event], library: Library) -> None:
    assert [e.id for e in events] == [str(n) for n in range(1, 31)]
    assert [e.data for e in events] == [f"event {n} line 0\nevent {n} line 1" for n in range(1, 31)]
    requests = server.requests_to("/s")
    assert len(requests) == len(CUTS) + 1
    assert [r.headers.get("last-event-id", "") for r in requests] == _expected_last_event_ids()
    for request in requests:
        assert request.headers["accept"] == "text/event-stream"
        assert request.headers["cache-control"] == "no-cache"
        assert request.headers["pragma"] == "no-cache"
        assert request.headers["x-token"] == "t"
        assert re.search(USER_AGENTS[library], request.headers["user-agent"])


def _state(source: EventSource | AsyncEventSource) -> ReadyState:
    return source.ready_state


MODES = {
    "clean-close": {"chunked": False, "reset": False},
    "chunked-cut": {"chunked": True, "reset": False},
    "tcp-reset": {"chunked": False, "reset": True},
}


@pytest.mark.parametrize("mode", sorted(MODES))
@LIBRARIES
def test_sync_every_event_exactly_once_across_drops(mode: str, library: Library) -> None:
    with SSEServer() as server:
        url = server.route("/s", resumable(EVENTS, CUTS, **MODES[mode]))
        with EventSource(url, library=library, headers={"X-Token": "t"}, retry=5000) as source:
            events = []
            for event in source:
                assert _state(source) is ReadyState.OPEN
                events.append(event)
                if len(events) == 30:
                    break
            assert _state(source) is ReadyState.CLOSED  # break closed the connection
            assert source.last_event_id == "30"
            assert source.retry == 10
        _check_resumption(server, events, library)


@pytest.mark.parametrize("mode", sorted(MODES))
@ASYNC_LIBRARIES
def test_async_every_event_exactly_once_across_drops(mode: str, library: Library) -> None:
    async def run(url: str) -> list[Event]:
        events: list[Event] = []
        async with AsyncEventSource(url, library=library, headers={"X-Token": "t"}) as source:
            async for event in source:
                events.append(event)
                if len(events) == 30:
                    break
            assert source.last_event_id == "30"
        assert _state(source) is ReadyState.CLOSED
        return events

    with SSEServer() as server:
        url = server.route("/s", resumable(EVENTS, CUTS, **MODES[mode]))
        _check_resumption(server, asyncio.run(run(url)), library)


def _gap(server: SSEServer, path: str, index: int) -> float:
    """Seconds between the end of response ``index - 1`` and request ``index``, by the server."""
    requests = server.requests_to(path)
    ended = requests[index - 1].ended
    assert ended is not None
    return requests[index].time - ended


def test_retry_field_sets_the_wait_before_reconnecting() -> None:
    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(encode("a", id="1", retry=10)),
                static(encode("b", id="2", retry=500)),
                static(encode("c", id="3")),
                static(status=204),
            ),
        )
        with EventSource(url) as source:
            assert [e.data for e in source] == ["a", "b", "c"]
            assert source.retry == 500
            assert source.ready_state is ReadyState.CLOSED
        assert len(server.requests_to("/s")) == 4
        short, long = _gap(server, "/s", 1), _gap(server, "/s", 2)
        assert 0.01 <= short < 0.6
        assert long >= 0.5
        assert _gap(server, "/s", 3) >= 0.5


def test_backoff_grows_on_consecutive_failures_and_max_retries_ends_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    heard: list[Reconnect] = []
    with SSEServer() as server:
        url = server.route("/s", static(encode(retry=40) + b"data: never dispatched"))
        caplog.set_level(logging.WARNING, logger="sseflow.eventsource")
        with (
            EventSource(url, max_retries=3, on_reconnect=heard.append) as source,
            pytest.raises(RetriesExhausted) as caught,
        ):
            next(iter(source))
        assert caught.value.attempts == 4
        assert source.ready_state is ReadyState.CLOSED
        assert len(server.requests_to("/s")) == 4
        gaps = [_gap(server, "/s", n) for n in (1, 2, 3)]
    # Failure n waits between 40 ms * 2**(n-1) and 40 ms * 2**n (jitter): the machine's
    # decisions (test_reconnect.py feeds it every jitter), which the loop waits out.
    for gap, decided in zip(gaps, heard, strict=True):
        assert gap >= decided.delay
    assert [r.failures for r in heard] == [1, 2, 3]
    assert all(r.reason == "stream ended mid-event" for r in heard)
    assert all(0.04 * 2 ** (r.failures - 1) <= r.delay <= 0.04 * 2**r.failures for r in heard)
    assert sum("reconnecting" in r.getMessage() for r in caplog.records) == 3


def test_a_connection_that_delivered_an_event_resets_the_backoff() -> None:
    heard: list[Reconnect] = []
    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(encode(retry=10)),
                static(encode(retry=10)),
                static(encode("x", id="1", retry=10)),
                static(status=204),
            ),
        )
        with EventSource(url, on_reconnect=heard.append) as source:
            assert [e.data for e in source] == ["x"]
    assert [r.failures for r in heard] == [1, 2, 0]
    assert heard[-1].delay == pytest.approx(0.01)
    assert heard[-1].last_event_id == "1"


def test_network_error_is_retried_then_gives_up() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more: every connection is refused.
    with EventSource(f"http://127.0.0.1:{port}/s", retry=10, max_retries=2) as source:
        with pytest.raises(RetriesExhausted) as caught:
            list(source)
        assert isinstance(caught.value.__cause__, httpx.ConnectError)


@pytest.mark.parametrize(
    ("status", "content_type"),
    [(200, "text/plain"), (200, None), (500, "text/event-stream"), (404, "text/html")],
)
def test_wrong_status_or_content_type_fails_the_connection(
    status: int, content_type: str | None
) -> None:
    with SSEServer() as server:
        url = server.route("/s", static(encode("x"), status, content_type))
        with EventSource(url, retry=10) as source:
            with pytest.raises(ConnectionFailed) as caught:
                list(source)
            assert source.ready_state is ReadyState.CLOSED
        assert caught.value.status == status
        assert caught.value.content_type == content_type
        time.sleep(0.1)
        assert len(server.requests_to("/s")) == 1


def test_204_stops_reconnecting() -> None:
    with SSEServer() as server:
        url = server.route("/s", static(status=204))
        with EventSource(url, retry=10) as source:
            assert list(source) == []
            assert source.ready_state is ReadyState.CLOSED
        time.sleep(0.1)
        assert len(server.requests_to("/s")) == 1


def test_429_and_5xx_retried_on_request_honouring_retry_after() -> None:
    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(b"busy", 503, "text/plain", [("Retry-After", "1")]),
                static(b"slow down", 429, "text/plain"),
                static(encode("x")),
                static(status=204),
            ),
        )
        with EventSource(url, retry=10, retry_statuses=True) as source:
            assert [e.data for e in source] == ["x"]
        assert _gap(server, "/s", 1) >= 1.0
        assert len(server.requests_to("/s")) == 4


@LIBRARIES
def test_redirect_is_followed_and_reconnection_uses_the_original_url(library: Library) -> None:
    with SSEServer() as server:
        target = server.route(
            "/real",
            sequence(static(encode("a", id="1", retry=10)), static(encode("b", id="2"))),
        )
        url = server.route("/old", static(status=307, headers=[("Location", target)]))
        with EventSource(url, library=library) as source:
            events = list(islice(source, 2))
        assert [(e.data, e.id) for e in events] == [("a", "1"), ("b", "2")]
        assert len(server.requests_to("/old")) == 2
        assert [r.headers.get("last-event-id") for r in server.requests_to("/real")] == [None, "1"]


@LIBRARIES
def test_idle_timeout_reconnects_and_heartbeats_keep_the_connection(library: Library) -> None:
    def first(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a", id="1", retry=10))
        for _ in range(8):  # 0.8 s of heartbeats, more than the idle timeout
            time.sleep(0.1)
            conn.write(encode(comment=""))
        conn.write(encode("b", id="2"))
        conn.idle(10)  # then silence

    heard: list[Reconnect] = []
    with SSEServer() as server:
        url = server.route("/s", sequence(first, static(encode("c", id="3"))))
        with EventSource(
            url, library=library, idle_timeout=0.4, on_reconnect=heard.append
        ) as source:
            events = list(islice(source, 3))
        assert [e.data for e in events] == ["a", "b", "c"]
        requests = server.requests_to("/s")
        assert [r.headers.get("last-event-id") for r in requests] == [None, "2"]
        assert requests[0].hung_up is not None  # the client closed the idle connection
        assert [r.reason for r in heard] == ["idle timeout: no bytes for 0.4 s"]


def test_last_event_id_argument_and_id_kept_across_reconnection() -> None:
    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(encode("a", retry=10)),
                # A byte order mark, then an event without an id line: its id is the
                # source's last event ID, as in a browser.
                static(b"\xef\xbb\xbf" + encode("b") + encode("c", id="") + encode("d")),
                static(status=204),
            ),
        )
        with EventSource(url, last_event_id="41") as source:
            assert source.last_event_id == "41"
            events = list(source)
        assert [(e.data, e.id) for e in events] == [("a", "41"), ("b", "41"), ("c", ""), ("d", "")]
        assert [r.headers.get("last-event-id") for r in server.requests_to("/s")] == [
            "41",
            "41",
            None,
        ]
    with pytest.raises(ValueError, match="last_event_id"):
        EventSource("http://127.0.0.1:1/", last_event_id="a\nb")


@LIBRARIES
def test_ready_states_and_close_inside_the_loop(library: Library) -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a") + encode("b"))
        conn.idle(10)

    with SSEServer() as server:
        url = server.route("/s", route)
        source = EventSource(url, library=library)
        assert _state(source) is ReadyState.CONNECTING is EventSource.CONNECTING
        seen: list[str] = []
        for event in source:
            assert _state(source) is ReadyState.OPEN
            seen.append(event.data)
            source.close()
        assert seen == ["a"]
        assert _state(source) is ReadyState.CLOSED
        assert server.wait_for(lambda: server.requests_to("/s")[0].hung_up is not None)
        assert list(source) == []


def test_break_closes_the_connection_promptly() -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a"))
        conn.idle(10)

    with SSEServer() as server:
        url = server.route("/s", route)
        with httpx.Client() as client:
            source = EventSource(url, client=client)
            for _ in source:
                break
            broke = time.monotonic()
            assert server.wait_for(lambda: server.requests_to("/s")[0].hung_up is not None)
            hung_up = server.requests_to("/s")[0].hung_up
            assert hung_up is not None
            assert hung_up - broke < 2.0
            assert not client.is_closed  # a client the caller gave stays open


@ASYNC_LIBRARIES
def test_cancelling_the_async_consumer_closes_the_server_side(library: Library) -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a"))
        conn.idle(10)

    async def run(url: str, server: SSEServer) -> float:
        got_one = asyncio.Event()

        async def consume() -> None:
            async with AsyncEventSource(url, library=library) as source:
                async for _ in source:
                    got_one.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(got_one.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic()

    with SSEServer() as server:
        url = server.route("/s", route)
        cancelled = asyncio.run(run(url, server))
        assert server.wait_for(lambda: server.requests_to("/s")[0].hung_up is not None)
        hung_up = server.requests_to("/s")[0].hung_up
        assert hung_up is not None
        assert hung_up - cancelled < 2.0


def test_async_errors_and_204() -> None:
    async def collect(source: AsyncEventSource) -> list[str]:
        async with source:
            return [event.data async for event in source]

    with SSEServer() as server:
        bad = server.route("/bad", static(encode("x"), 200, "application/json"))
        done = server.route("/done", sequence(static(encode("x", retry=10)), static(status=204)))
        with pytest.raises(ConnectionFailed) as caught:
            asyncio.run(collect(AsyncEventSource(bad)))
        assert caught.value.status == 200
        assert caught.value.content_type == "application/json"
        assert asyncio.run(collect(AsyncEventSource(done))) == ["x"]
        cut = server.route("/cut", static(encode(retry=10) + b"data: partial"))
        with pytest.raises(RetriesExhausted):
            asyncio.run(collect(AsyncEventSource(cut, max_retries=1)))
        assert len(server.requests_to("/cut")) == 2


@LIBRARIES
def test_slow_drip_one_byte_at_a_time(library: Library) -> None:
    def first(conn: Conn) -> None:
        conn.start()
        body = encode("h\u00e9llo\nworld", event="greet", id="\u00e9") + encode("2")
        conn.drip(b"\xef\xbb\xbf" + body, 0.002)

    def second(conn: Conn) -> None:
        conn.start()
        # A byte order mark split across reads, on a connection that resumes an ID.
        conn.drip(b"\xef\xbb\xbf" + encode("3") + b"\xef\xbb\xbfdata: 4\n\n", 0.002)

    with SSEServer() as server:
        url = server.route("/s", sequence(first, second, static(status=204)))
        with EventSource(url, library=library, retry=10) as source:
            assert list(source) == [
                Event("greet", "h\u00e9llo\nworld", "\u00e9"),
                Event("message", "2", "\u00e9"),
                Event("message", "3", "\u00e9"),
                # Only the first byte order mark is stripped: the second starts a field name.
            ]
        # The Last-Event-ID header carries the ID as UTF-8.
        assert server.requests_to("/s")[1].headers["last-event-id"] == "\u00e9".encode().decode(
            "latin-1"
        )


@LIBRARIES
def test_close_from_another_thread_wakes_a_blocked_read(library: Library) -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a"))
        conn.idle(10)

    with SSEServer() as server:
        url = server.route("/s", route)
        source = EventSource(url, library=library)
        closer = threading.Timer(0.3, source.close)
        closer.start()
        started = time.monotonic()
        assert [e.data for e in source] == ["a"]
        assert time.monotonic() - started < 5.0
        closer.join()
        assert _state(source) is ReadyState.CLOSED
        assert server.wait_for(lambda: server.requests_to("/s")[0].hung_up is not None)


def test_an_id_with_spaces_around_it_is_sent_stripped() -> None:
    """HTTP refuses a header value with leading or trailing spaces; as in a browser, the
    Last-Event-ID value is stripped, and the event keeps the ID the stream gave."""
    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(b"retry: 10\nid:  5 \ndata: a\n\n"),
                static(encode("b", id="6")),
                static(status=204),
            ),
        )
        with EventSource(url, max_retries=2) as source:
            events = list(source)
        assert [(e.data, e.id) for e in events] == [("a", " 5 "), ("b", "6")]
        headers = [r.headers.get("last-event-id") for r in server.requests_to("/s")]
        assert headers == [None, "5", "6"]


def _slow_headers(conn: Conn) -> None:
    """Answers after 0.6 s: long enough to close the source while the request is pending."""
    time.sleep(0.6)
    conn.start()
    conn.write(encode("first", id="1"))
    conn.idle(5)


@LIBRARIES
@pytest.mark.parametrize("own_client", [True, False], ids=["own-client", "given-client"])
def test_close_while_the_request_is_pending_stays_closed_and_yields_nothing(
    library: Library, own_client: bool
) -> None:
    """The standard aborts the fetch: the response that comes after close() is dropped
    (a client the source made is closed at once; one it was given is left open)."""
    module = importlib.import_module(library)
    with SSEServer() as server, module.Client() as client:
        url = server.route("/s", _slow_headers)
        source = EventSource(url, library=library, client=None if own_client else client)
        closer = threading.Timer(0.2, source.close)
        closer.start()
        assert list(source) == []
        closer.join()
        assert _state(source) is ReadyState.CLOSED
        assert source.last_event_id == ""
        assert len(server.requests_to("/s")) == 1
        assert not client.is_closed


@ASYNC_LIBRARIES
def test_aclose_soon_after_iteration_starts_stays_closed_and_yields_nothing(
    library: Library,
) -> None:
    async def run(url: str) -> tuple[list[Event], list[ReadyState]]:
        source = AsyncEventSource(url, library=library)
        got: list[Event] = []
        states: list[ReadyState] = []

        async def consume() -> None:
            async for event in source:
                got.append(event)

        task = asyncio.create_task(consume())
        await asyncio.sleep(0.2)  # the request is sent; its answer comes at 0.6 s
        await source.aclose()
        states.append(source.ready_state)
        await asyncio.wait_for(task, 5)
        states.append(source.ready_state)
        return got, states

    with SSEServer() as server:
        url = server.route("/s", _slow_headers)
        got, states = asyncio.run(run(url))
        assert got == []
        assert states == [ReadyState.CLOSED, ReadyState.CLOSED]
        assert len(server.requests_to("/s")) == 1


def test_the_parser_factory_gets_the_last_event_id_to_start_from() -> None:
    """No `id:` primer any more: a max_line_size below the ID's length does not trip, and
    a byte order mark at the start of a resumed stream is stripped by the parser itself."""
    long_id = "a-last-event-id-longer-than-the-line-limit"
    started: list[str] = []

    def factory(*, last_event_id: str = "") -> Parser[Event]:
        started.append(last_event_id)
        return Parser(max_line_size=60, last_event_id=last_event_id)

    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(encode("a", id=long_id, retry=10)),
                static(b"\xef\xbb\xbf" + encode("b")),
                static(status=204),
            ),
        )
        with EventSource(url, parser_factory=factory) as source:
            events = list(source)
        assert [(e.data, e.id) for e in events] == [("a", long_id), ("b", long_id)]
        assert started == ["", long_id]  # one parser per event stream, none for the 204


def test_a_factory_of_the_old_signature_starts_each_connection_with_no_id() -> None:
    """A zero-argument factory is still called, with no argument; its parser starts from
    no ID, so an event before the stream's first `id` carries "", but the source keeps
    its last event ID, and the next request resumes from it."""
    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(encode("a", id="1", retry=10)),
                static(encode("b")),
                static(status=204),
            ),
        )
        with EventSource(url, parser_factory=lambda: Parser(max_event_size=64)) as source:
            events = list(source)
        assert [(e.data, e.id) for e in events] == [("a", "1"), ("b", "")]
        assert [r.headers.get("last-event-id") for r in server.requests_to("/s")] == [
            None,
            "1",
            "1",
        ]


@ASYNC_LIBRARIES
def test_async_idle_timeout_close_inside_the_loop_and_a_utf8_last_event_id(
    library: Library,
) -> None:
    def first(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a", id="\u00e9", retry=10))
        conn.idle(10)  # silence: the idle timeout ends the connection

    def second(conn: Conn) -> None:
        conn.start()
        conn.write(encode("b") + encode("c"))
        conn.idle(10)

    async def run(url: str, heard: list[Reconnect]) -> list[Event]:
        got: list[Event] = []
        source = AsyncEventSource(url, library=library, idle_timeout=0.3, on_reconnect=heard.append)
        async with source:
            async for event in source:
                assert source.ready_state is ReadyState.OPEN
                got.append(event)
                if event.data == "b":
                    source.close()  # inside the loop: no further event, no reconnection
            assert source.ready_state is ReadyState.CLOSED
        return got

    heard: list[Reconnect] = []
    with SSEServer() as server:
        url = server.route("/s", sequence(first, second))
        got = asyncio.run(run(url, heard))
        assert [(e.data, e.id) for e in got] == [("a", "\u00e9"), ("b", "\u00e9")]
        assert [r.reason for r in heard] == ["idle timeout: no bytes for 0.3 s"]
        requests = server.requests_to("/s")
        assert len(requests) == 2
        # Sent UTF-8 encoded (the test server reads headers as Latin-1).
        assert requests[1].headers["last-event-id"] == "\u00e9".encode().decode("latin-1")
        assert requests[0].hung_up is not None
        assert server.wait_for(lambda: requests[1].hung_up is not None)
