"""The reconnection machine under EventSource and AsyncEventSource, driven directly.

No socket, no sleep: each test tells ``sseflow._reconnect.Machine`` what a
connection did (opened with a status and headers, bytes, a drop, an idle
timeout, the end, a close) and checks what it decides (the request and its
headers, the wait, stop, the error). Time and jitter are arguments. The last
test is a Hypothesis state machine that draws whole sequences of connections
against a server that resumes from ``Last-Event-ID``.
"""

from __future__ import annotations

import email.utils
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import sseflow
from sseflow import ConnectionFailed, Event, LimitExceeded, Parser, RetriesExhausted, reference
from sseflow._http import STREAM_HEADERS
from sseflow._options import DEFAULT_RETRY, Options
from sseflow._reconnect import (
    LONGEST_WAIT,
    Closed,
    Connect,
    Fail,
    Machine,
    Read,
    ReadyState,
    RetryableStatus,
    Stop,
    Wait,
    backoff,
)

URL = "http://127.0.0.1:9/s"
STREAM = {"content-type": "text/event-stream"}
DEFAULTS: dict[str, Any] = {
    "headers": None,
    "last_event_id": "",
    "retry": DEFAULT_RETRY,
    "max_retries": None,
    "max_delay": 30.0,
    "idle_timeout": None,
    "connect_timeout": 10.0,
    "retry_statuses": False,
    "on_reconnect": None,
    "parser_factory": Parser,
}
"""The defaults of EventSource and AsyncEventSource."""


def make(**options: Any) -> Machine:
    return Machine(Options.check(URL, **{**DEFAULTS, **options}))


def state(machine: Machine) -> ReadyState:
    """The machine's ready state (a call, so that a type checker does not narrow it)."""
    return machine.ready_state


def header(request: Connect, name: str) -> list[str]:
    return [value for key, value in request.headers if key.lower() == name.lower()]


def connection(
    machine: Machine, body: bytes, *, jitter: float = 0.0
) -> tuple[list[Event], Wait | Stop | Fail]:
    """One connection that answers 200 with ``body`` and ends: its events and the decision."""
    assert isinstance(machine.connect(), Connect)
    assert isinstance(machine.opened(200, STREAM, now=0.0, jitter=jitter), Read)
    events = list(machine.receive(body))
    return events, machine.ended(jitter=jitter)


# -- the request -----------------------------------------------------------------------------


def test_the_request_carries_the_stream_headers_and_last_event_id() -> None:
    machine = make(
        headers=[("X-Token", "t"), ("Last-Event-ID", "user's"), ("cache-control", "no-store")],
        last_event_id=" 5 ",
        idle_timeout=0.4,
    )
    request = machine.connect()
    assert isinstance(request, Connect)
    assert request.url == URL
    assert (request.connect_timeout, request.idle_timeout) == (10.0, 0.4)
    assert header(request, "X-Token") == ["t"]
    assert header(request, "Accept") == ["text/event-stream"]
    # The standard's request has cache mode "no-store", for which Fetch sends these.
    assert header(request, "Cache-Control") == ["no-cache"]
    assert header(request, "Pragma") == ["no-cache"]
    # Set by the source, stripped as Fetch strips a header value; the user's is replaced.
    assert header(request, "Last-Event-ID") == ["5"]
    assert machine.ready_state is ReadyState.CONNECTING
    assert machine.last_event_id == " 5 "


def test_no_last_event_id_header_without_an_id() -> None:
    request = make().connect()
    assert isinstance(request, Connect)
    assert header(request, "Last-Event-ID") == []


def test_the_stream_headers_every_reader_sends() -> None:
    import sseflow.aiohttp
    import sseflow.requests

    assert STREAM_HEADERS == {
        "Accept": "text/event-stream",
        "Cache-Control": "no-cache",
        "Pragma": "no-cache",
    }
    assert sseflow.aiohttp.STREAM_HEADERS is STREAM_HEADERS
    assert sseflow.requests.STREAM_HEADERS is STREAM_HEADERS


# -- the URL, checked once --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://this is invalid/", "(the host holds ' ')"),
        ("http://a<b/", "(the host holds '<')"),
        ("http://a%20b/", "(the host holds ' ')"),
        ("http://host:port/", "Port could not be cast"),
        ("http://host:99999/", "Port out of range"),
    ],
)
def test_an_unparseable_url_is_refused_at_once(url: str, fragment: str) -> None:
    with pytest.raises(ValueError, match="url must be an http") as caught:
        Options.check(url, **DEFAULTS)
    assert fragment in str(caught.value)
    for cls in (sseflow.EventSource, sseflow.AsyncEventSource):
        with pytest.raises(ValueError, match="url must be an http"):
            cls(url)


@pytest.mark.parametrize("url", ["http://[::1]:8000/e", "https://ex-ample.com/a b?c=d", "HTTP://x"])
def test_urls_that_parse_are_kept_as_given(url: str) -> None:
    assert Options.check(url, **DEFAULTS).url == url


# -- the body ----------------------------------------------------------------------------------


def test_each_event_id_is_taken_as_the_event_goes_out() -> None:
    machine = make()
    assert isinstance(machine.connect(), Connect)
    assert isinstance(machine.opened(200, STREAM, now=0.0, jitter=0.0), Read)
    assert machine.ready_state is ReadyState.OPEN
    events = machine.receive(encode_events("1", "2") + b"id: 3\n\n")
    assert next(events).id == "1"
    assert machine.last_event_id == "1"
    assert next(events).id == "2"
    assert machine.last_event_id == "2"
    assert list(events) == []
    assert machine.last_event_id == "3"  # an id-only block moves it once the chunk is out


def encode_events(*ids: str) -> bytes:
    return b"".join(sseflow.encode(f"event {n}", id=n) for n in ids)


def test_the_parser_starts_from_the_last_event_id() -> None:
    """No `id:` primer: the factory gets the ID, so a byte order mark stays at the start,
    and a max_line_size below the ID's length does not trip over the ID."""
    machine = make(
        last_event_id="a-long-last-event-id-0123456789",
        parser_factory=lambda **kw: Parser(max_line_size=12, **kw),
    )
    events, _ = connection(machine, b"\xef\xbb\xbfdata: b\n\n")
    assert [(e.data, e.id) for e in events] == [("b", "a-long-last-event-id-0123456789")]


def test_a_factory_without_arguments_starts_with_no_id() -> None:
    """The old signature is still called, with no argument: its parser starts from no ID,
    but the source keeps its own last event ID until the stream sets one, so the next
    request still resumes (a drop before the first `id` must not replay the stream)."""
    made: list[Parser[Event]] = []

    def factory() -> Parser[Event]:
        made.append(Parser())
        return made[-1]

    machine = make(last_event_id="41", parser_factory=factory)
    request = machine.connect()
    assert isinstance(request, Connect)
    assert header(request, "Last-Event-ID") == ["41"]
    assert isinstance(machine.opened(200, STREAM, now=0.0, jitter=0.0), Read)
    assert [e.id for e in machine.receive(b"data: a\n\n")] == [""]
    assert machine.last_event_id == "41"
    assert isinstance(machine.dropped(OSError("reset"), idle=False, jitter=0.0), Wait)
    request = machine.connect()
    assert isinstance(request, Connect)
    assert header(request, "Last-Event-ID") == ["41"]
    assert isinstance(machine.opened(200, STREAM, now=0.0, jitter=0.0), Read)
    assert [e.id for e in machine.receive(b"id: 42\ndata: b\n\ndata: c\n\nid\n\n")] == [
        "42",
        "42",
    ]
    assert machine.last_event_id == "42"  # the empty `id` line is not seen through it
    assert len(made) == 2


def test_a_limit_is_raised_after_the_events_before_it() -> None:
    machine = make(parser_factory=lambda **kw: Parser(max_event_size=8, **kw))
    assert isinstance(machine.connect(), Connect)
    assert isinstance(machine.opened(200, STREAM, now=0.0, jitter=0.0), Read)
    events = machine.receive(b"id: 1\ndata: ok\n\ndata: far too long\n\n")
    assert next(events).data == "ok"
    with pytest.raises(LimitExceeded):
        next(events)
    assert machine.ready_state is ReadyState.CLOSED
    assert machine.last_event_id == "1"


def test_a_factory_that_makes_no_parser_fails() -> None:
    machine = make(parser_factory=lambda **kw: 5)
    assert isinstance(machine.connect(), Connect)
    step = machine.opened(200, STREAM, now=0.0, jitter=0.0)
    assert isinstance(step, Fail)
    assert isinstance(step.error, TypeError)
    assert "parser_factory must return a parser" in str(step.error)
    assert machine.ready_state is ReadyState.CLOSED


# -- waits: the wall-clock bounds of the real-server tests, as decisions ------------------------


def test_retry_field_sets_the_wait_before_reconnecting() -> None:
    machine = make()
    waits = []
    for body in (sseflow.encode("a", id="1", retry=10), sseflow.encode("b", id="2", retry=500)):
        _, step = connection(machine, body, jitter=0.7)
        assert isinstance(step, Wait)
        waits.append(step.seconds)
    _, step = connection(machine, sseflow.encode("c", id="3"), jitter=0.7)
    assert isinstance(step, Wait)
    assert [*waits, step.seconds] == [0.01, 0.5, 0.5]  # no retry field: the last one holds
    assert machine.retry == 500


@pytest.mark.parametrize("jitter", [0.0, 0.5, 1.0])
def test_backoff_grows_on_consecutive_failures_and_max_retries_ends_it(jitter: float) -> None:
    machine = make(max_retries=3)
    cut = sseflow.encode(retry=40) + b"data: never dispatched"
    heard = []
    for _ in range(3):
        events, step = connection(machine, cut, jitter=jitter)
        assert events == []
        assert isinstance(step, Wait)
        heard.append(step.reconnect)
        assert machine.ready_state is ReadyState.CONNECTING
    assert [r.failures for r in heard] == [1, 2, 3]
    assert all(r.reason == "stream ended mid-event" for r in heard)
    # Failure n waits between 40 ms * 2**(n-1) and 40 ms * 2**n, placed by the jitter.
    for r in heard:
        assert r.delay == pytest.approx(0.04 * 2**r.failures * (0.5 + 0.5 * jitter))
        assert 0.04 * 2 ** (r.failures - 1) <= r.delay <= 0.04 * 2**r.failures
    _, step = connection(machine, cut, jitter=jitter)
    assert isinstance(step, Fail)
    assert isinstance(step.error, RetriesExhausted)
    assert step.error.attempts == 4
    assert "gave up after 4 connections in a row without an event" in str(step.error)
    assert machine.ready_state is ReadyState.CLOSED


def test_backoff_is_capped_by_max_delay_but_never_shortens_retry() -> None:
    assert backoff(1000, 10, 5.0, 1.0) == 5.0
    assert backoff(1000, 10, 5.0, 0.0) == 2.5
    assert backoff(10_000, 3, 5.0, 0.0) == 10.0  # the server's retry wins over the cap
    assert backoff(2**64 - 1, 5000, 30.0, 1.0) == (2**64 - 1) / 1000  # no overflow
    assert backoff(100, 0, 0.0, 0.3) == 0.1


def test_a_connection_that_delivered_an_event_resets_the_backoff() -> None:
    machine = make()
    failures = []
    for body in (sseflow.encode(retry=10), sseflow.encode(retry=10), sseflow.encode("x", id="1")):
        _, step = connection(machine, body, jitter=1.0)
        assert isinstance(step, Wait)
        failures.append(step.reconnect.failures)
    assert failures == [1, 2, 0]
    assert isinstance(step, Wait)
    assert step.seconds == pytest.approx(0.01)
    assert step.reconnect.last_event_id == "1"


def test_the_longest_wait_is_a_day() -> None:
    _, step = connection(make(retry=2**64 - 1), b"data: x\n\n")
    assert isinstance(step, Wait)
    assert step.seconds == LONGEST_WAIT


# -- statuses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "content_type", "reason", "message"),
    [
        (200, "text/plain", "OK", "expected Content-Type 'text/event-stream', got 'text/plain'"),
        (200, None, "OK", "expected Content-Type 'text/event-stream', got None"),
        (500, "text/event-stream", "Oops", "the server answered 500 Oops"),
        (404, "text/html", "Not Found", "the server answered 404 Not Found"),
        (301, None, "", "the server answered 301"),
        (307, None, "Temporary Redirect", "the server answered 307 Temporary Redirect"),
        (429, None, "Too Many Requests", "the server answered 429 Too Many Requests"),
    ],
)
def test_wrong_status_or_content_type_fails_the_connection(
    status: int, content_type: str | None, reason: str, message: str
) -> None:
    machine = make()
    assert isinstance(machine.connect(), Connect)
    headers = {} if content_type is None else {"content-type": content_type}
    step = machine.opened(status, headers, reason=reason, now=0.0, jitter=0.0)
    assert isinstance(step, Fail)
    assert isinstance(step.error, ConnectionFailed)
    assert str(step.error) == f"{message} for {URL}"
    assert (step.error.status, step.error.content_type) == (status, content_type)
    assert machine.ready_state is ReadyState.CLOSED


def test_204_stops_reconnecting() -> None:
    machine = make()
    assert isinstance(machine.connect(), Connect)
    step = machine.opened(204, {}, now=0.0, jitter=0.0)
    assert step == Stop("204 No Content, not reconnecting")
    assert machine.ready_state is ReadyState.CLOSED


def test_429_and_5xx_retried_on_request_honouring_retry_after() -> None:
    machine = make(retry=10, retry_statuses=True)
    now = 1_700_000_000.0
    in_five_seconds = email.utils.formatdate(now + 5, usegmt=True)
    answers = [
        (503, {"retry-after": "1"}, 1.0),
        (429, {}, None),
        (500, {"retry-after": in_five_seconds}, 5.0),
        (502, {"retry-after": "soon"}, None),
    ]
    for status, headers, retry_after in answers:
        assert isinstance(machine.connect(), Connect)
        step = machine.opened(status, headers, now=now, jitter=0.0)
        assert isinstance(step, Wait)
        assert isinstance(step.reconnect.error, RetryableStatus)
        assert step.reconnect.error.retry_after == retry_after
        assert step.reconnect.reason == f"the server answered {status}"
        assert step.seconds >= (retry_after or 0.0)
        assert step.seconds == max(retry_after or 0.0, backoff(10, step.reconnect.failures, 30, 0))
    assert machine.failures == 4


# -- drops -------------------------------------------------------------------------------------


def test_a_drop_before_the_status_and_an_idle_timeout_reconnect() -> None:
    machine = make(retry=10, idle_timeout=0.4)
    assert isinstance(machine.connect(), Connect)
    step = machine.dropped(ConnectionRefusedError("refused"), idle=False, jitter=0.0)
    assert isinstance(step, Wait)
    assert step.reconnect.reason == "connection error: ConnectionRefusedError: refused"
    assert isinstance(step.reconnect.error, ConnectionRefusedError)
    assert isinstance(machine.connect(), Connect)
    assert isinstance(machine.opened(200, STREAM, now=0.0, jitter=0.0), Read)
    assert [e.data for e in machine.receive(sseflow.encode("a", id="1"))] == ["a"]
    step = machine.dropped(TimeoutError("read"), idle=True, jitter=0.0)
    assert isinstance(step, Wait)
    assert step.reconnect.reason == "idle timeout: no bytes for 0.4 s"
    assert (step.reconnect.failures, step.seconds) == (0, 0.01)
    request = machine.connect()
    assert isinstance(request, Connect)
    assert header(request, "Last-Event-ID") == ["1"]


def test_network_errors_give_up_after_max_retries() -> None:
    machine = make(retry=10, max_retries=2)
    steps = []
    for _ in range(3):
        assert isinstance(machine.connect(), Connect)
        steps.append(machine.dropped(ConnectionRefusedError(), idle=False, jitter=0.0))
    assert [type(s) for s in steps] == [Wait, Wait, Fail]
    error = steps[-1]
    assert isinstance(error, Fail)
    assert isinstance(error.error.__cause__, ConnectionRefusedError)


# -- close: the standard's "abort the fetch", and for good ---------------------------------------


def test_close_while_the_request_is_pending_keeps_closed_and_yields_nothing() -> None:
    machine = make()
    assert isinstance(machine.connect(), Connect)
    machine.close()
    assert machine.ready_state is ReadyState.CLOSED
    assert machine.opened(200, STREAM, now=0.0, jitter=0.0) == Stop()
    assert machine.ready_state is ReadyState.CLOSED  # not OPEN again
    with pytest.raises(Closed):
        next(machine.receive(sseflow.encode("first")))
    assert machine.connect() == Stop()


def test_close_after_an_event_stops_reading() -> None:
    machine = make()
    assert isinstance(machine.connect(), Connect)
    assert isinstance(machine.opened(200, STREAM, now=0.0, jitter=0.0), Read)
    events = machine.receive(encode_events("1", "2"))
    assert next(events).id == "1"
    machine.close()
    with pytest.raises(Closed):
        next(events)
    assert machine.last_event_id == "1"
    assert machine.ended(jitter=0.0) == Stop()
    assert machine.dropped(OSError(), idle=False, jitter=0.0) == Stop()
    assert machine.connect() == Stop()


# -- sequences: a Hypothesis state machine -------------------------------------------------------

WIRE = [
    sseflow.encode(f"caf\u00e9 {n}\n\u2603 two", id=str(n)).replace(b"\n", b"\r\n")
    for n in range(1, 200)
]
"""The server's events: ``id: n``, CRLF line ends, two- and three-byte characters."""

STATUSES = [
    (204, STREAM),
    (301, {}),
    (307, {}),
    (429, {}),
    (429, {"retry-after": "7"}),
    (500, {}),
    (503, {"retry-after": "2"}),
    (200, {"content-type": "application/json"}),
]


class Reconnection(RuleBasedStateMachine):
    """Connections against a server that resumes after ``Last-Event-ID``: drops before
    the status, mid-line (CRLF and UTF-8 included), mid-event and between events;
    statuses; ``retry`` fields; idle timeouts; closes."""

    def __init__(self) -> None:
        super().__init__()
        self.machine: Machine | None = None
        self.delivered: list[Event] = []
        self.done = False
        self.retry = DEFAULT_RETRY
        self.failures = 0

    @initialize(
        max_retries=st.none() | st.integers(0, 4),
        retry_statuses=st.booleans(),
        max_delay=st.sampled_from([0.0, 0.05, 30.0]),
    )
    def start(self, max_retries: int | None, retry_statuses: bool, max_delay: float) -> None:
        self.machine = make(
            max_retries=max_retries, retry_statuses=retry_statuses, max_delay=max_delay
        )

    def _connect(self) -> Connect:
        assert self.machine is not None
        request = self.machine.connect()
        assert isinstance(request, Connect)
        # Last-Event-ID is always the ID string of the last event delivered.
        expected = [self.delivered[-1].id] if self.delivered else []
        assert header(request, "Last-Event-ID") == expected
        assert header(request, "Cache-Control") == ["no-cache"]
        return request

    def _after(
        self, step: Wait | Stop | Fail, delivered_any: bool, retry_after: float = 0.0
    ) -> None:
        """Checks a decision that ends a connection against the model."""
        assert self.machine is not None
        max_retries = self.machine.options.max_retries
        self.failures = 0 if delivered_any else self.failures + 1
        if max_retries is not None and self.failures > max_retries:
            assert isinstance(step, Fail)
            assert isinstance(step.error, RetriesExhausted)
            assert step.error.attempts == self.failures
            self.done = True
            return
        assert isinstance(step, Wait)
        assert step.reconnect.failures == self.failures
        assert step.reconnect.last_event_id == self.machine.last_event_id
        base = self.retry / 1000
        grown = min(self.machine.options.max_delay, base * 2**self.failures)
        low, high = (base, base) if not self.failures else (max(base, grown / 2), max(base, grown))
        assert min(max(low, retry_after), LONGEST_WAIT) <= step.seconds
        assert step.seconds <= min(max(high, retry_after), LONGEST_WAIT)
        assert self.machine.ready_state is ReadyState.CONNECTING

    @precondition(lambda self: self.machine is not None and not self.done)
    @rule(jitter=st.floats(0, 1), idle=st.booleans())
    def drop_before_the_status(self, jitter: float, idle: bool) -> None:
        assert self.machine is not None
        self._connect()
        step = self.machine.dropped(OSError("reset"), idle=idle, jitter=jitter)
        self._after(step, delivered_any=False)

    @precondition(lambda self: self.machine is not None and not self.done)
    @rule(answer=st.sampled_from(STATUSES), jitter=st.floats(0, 1))
    def status(self, answer: tuple[int, dict[str, str]], jitter: float) -> None:
        assert self.machine is not None
        status, headers = answer
        self._connect()
        step = self.machine.opened(status, headers, now=0.0, jitter=jitter)
        if status == 204:
            assert step == Stop("204 No Content, not reconnecting")
            self.done = True
        elif self.machine.options.retry_statuses and status in (429, 500, 503):
            assert not isinstance(step, Read)
            self._after(step, False, float(headers.get("retry-after", 0)))
        else:
            assert isinstance(step, Fail)
            assert isinstance(step.error, ConnectionFailed)
            assert step.error.status == status
            self.done = True
        if self.done:
            assert self.machine.ready_state is ReadyState.CLOSED

    @precondition(lambda self: self.machine is not None and not self.done)
    @rule(
        retry=st.none() | st.integers(0, 5000),
        events=st.integers(0, 4),
        cut=st.integers(0, len(WIRE[0]) - 1),
        splits=st.lists(st.integers(0, 10_000), max_size=6),
        end=st.sampled_from(["end", "drop", "idle"]),
        close_after=st.none() | st.integers(0, 4),
        heartbeat=st.booleans(),
        jitter=st.floats(0, 1),
    )
    def stream(
        self,
        retry: int | None,
        events: int,
        cut: int,
        splits: list[int],
        end: str,
        close_after: int | None,
        heartbeat: bool,
        jitter: float,
    ) -> None:
        """A 200 that sends ``retry``, whole events from the resume point (with a comment,
        a heartbeat, before each if ``heartbeat``) and ``cut``
        bytes of the next (0: cut between events), split into chunks anywhere."""
        assert self.machine is not None
        start = len(self.delivered)
        self._connect()
        if close_after == 0:  # closed while the request is pending
            self.machine.close()
        step = self.machine.opened(200, STREAM, now=0.0, jitter=jitter)
        if close_after == 0:
            assert step == Stop()
            self.done = True
            return
        assert isinstance(step, Read)
        assert state(self.machine) is ReadyState.OPEN
        comment = b": ping\r\n" if heartbeat else b""
        body = (b"" if retry is None else sseflow.encode(retry=retry)) + b"".join(
            comment + event for event in WIRE[start : start + events]
        )
        body += comment + WIRE[start + events][:cut]
        at = sorted({split % (len(body) + 1) for split in splits})
        chunks = [body[a:b] for a, b in zip([0, *at], [*at, len(body)], strict=True)]
        oracle = reference.Parser(last_event_id=self.machine.last_event_id)
        got: list[Event] = []
        try:
            for chunk in chunks:
                oracle.feed(chunk)
                for event in self.machine.receive(chunk):
                    got.append(event)
                    assert self.machine.last_event_id == event.id
                    if close_after is not None and len(got) == close_after:
                        self.machine.close()
        except Closed:
            assert close_after is not None
            assert len(got) == close_after
            self.done = True
        # Every dispatched event delivered once, in order: those the bytes completed.
        expected = list(oracle)
        assert [(e.data, e.id) for e in got] == [(e.data, e.id) for e in expected][: len(got)]
        self.delivered.extend(got)
        if retry is not None:
            self.retry = retry
        if self.done:
            assert self.machine.ready_state is ReadyState.CLOSED
            assert self.machine.connect() == Stop()
            return
        assert len(got) == len(expected)
        assert self.machine.retry == self.retry
        if end == "end":
            step = self.machine.ended(jitter=jitter)
        else:
            step = self.machine.dropped(TimeoutError(), idle=end == "idle", jitter=jitter)
        self._after(step, delivered_any=bool(got))

    @precondition(lambda self: self.done)
    @rule()
    def stays_done(self) -> None:
        """Once stopped or failed the loop connects no more; once closed, nothing does."""
        assert self.machine is not None
        assert self.machine.ready_state is ReadyState.CLOSED
        if self.machine.closed:
            assert self.machine.connect() == Stop()

    @invariant()
    def every_event_once_in_order(self) -> None:
        assert [e.id for e in self.delivered] == [str(n) for n in range(1, len(self.delivered) + 1)]
        if self.machine is not None:
            last = self.delivered[-1].id if self.delivered else ""
            assert self.machine.last_event_id == last

    @invariant()
    def nothing_reconnects_once_done(self) -> None:
        if self.machine is not None and self.done:
            assert self.machine.ready_state is ReadyState.CLOSED


TestReconnection = Reconnection.TestCase
TestReconnection.settings = settings(stateful_step_count=25)  # examples: the profile's
