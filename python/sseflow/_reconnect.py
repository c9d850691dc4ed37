"""The reconnection state machine of ``EventSource`` and ``AsyncEventSource``: no I/O, no clock.

After the standard's ``EventSource`` processing model, in the manner of h11's
``Connection``: a loop does the I/O for one HTTP client, tells the machine what
happened and does what it answers.

- ``connect()``: the request to make (:class:`Connect`, with its headers,
  ``Last-Event-ID`` included), or :class:`Stop` once closed;
- ``opened(status, headers, ...)``: the response came: :class:`Read` its body,
  :class:`Wait` (a 429 or 5xx retried), :class:`Stop` (a 204, or closed while
  the request was pending) or :class:`Fail` (raise its error);
- ``receive(chunk)``: body bytes: the events they complete, to yield;
  :class:`Closed` is raised once the source is closed;
- ``ended(...)``, ``dropped(error, idle=...)``: the body ended, or the
  connection failed (or stayed idle too long): :class:`Wait`, :class:`Stop` or
  :class:`Fail` (:class:`sseflow.RetriesExhausted` after ``max_retries``);
- ``close()``: the user closed the source; every later answer is :class:`Stop`.

Time (``now``, the wall clock in seconds, for a ``Retry-After`` date) and
randomness (``jitter``, a number from 0 to 1 that places the backoff within its
bounds) are arguments, so a test drives the machine without sockets or sleeps.

Traps:

- An event is delivered when ``receive`` hands it out, and its ID becomes the
  last event ID then: a consumer that stops after an event resumes right after
  it. The parser's own last event ID (which an ``id``-only block also moves) is
  taken once all the events of a chunk are out.
- ``close()`` may come while a request is pending: the response that arrives
  after it is dropped (:class:`Stop`), and the state stays ``CLOSED``.
"""

from __future__ import annotations

import email.utils
import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from sseflow._factory import ParserLike, new_parser
from sseflow._http import STREAM_HEADERS, is_event_stream
from sseflow._native import Event
from sseflow._options import Options
from sseflow.errors import ConnectionFailed, LimitExceeded, RetriesExhausted

__all__ = [
    "LONGEST_WAIT",
    "Closed",
    "Connect",
    "Fail",
    "Machine",
    "Read",
    "ReadyState",
    "Reconnect",
    "RetryableStatus",
    "Stop",
    "Wait",
]

LONGEST_WAIT: Final = 24 * 3600.0
"""No wait is longer (a huge ``retry`` or ``Retry-After`` included), in seconds."""

_SET_BY_THE_SOURCE: Final = frozenset(name.lower() for name in (*STREAM_HEADERS, "Last-Event-ID"))


class ReadyState(enum.IntEnum):
    """The standard's ``readyState`` values."""

    CONNECTING = 0
    OPEN = 1
    CLOSED = 2


@dataclass(frozen=True)
class Reconnect:
    """What ``on_reconnect`` hears before each wait to reconnect."""

    reason: str
    """Why the connection ended, e.g. ``"stream ended mid-event"``."""
    error: BaseException | None
    """The error that ended it, if one did."""
    failures: int
    """Connections in a row that delivered no event (0 after one that did)."""
    delay: float
    """Seconds before the next connection."""
    last_event_id: str
    """The ``Last-Event-ID`` the next request will carry (``""``: none)."""


class RetryableStatus(Exception):
    """A 429 or 5xx answer, retried because ``retry_statuses`` is set."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"status {status}")
        self.status = status
        self.retry_after = retry_after


class Closed(Exception):
    """Raised by :meth:`Machine.receive` once the source is closed: the loop stops
    reading at once (the next read could block) and stops, as on :class:`Stop`."""


# -- decisions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Connect:
    """Make this request (``GET``, redirects followed)."""

    url: str
    headers: tuple[tuple[str, str], ...]
    """Every request header, values to be sent UTF-8 encoded."""
    connect_timeout: float | None
    """Seconds to connect and to send the request; ``None``: no limit."""
    idle_timeout: float | None
    """Seconds without a byte after which the connection counts as dropped."""


@dataclass(frozen=True)
class Read:
    """Read the body and pass each chunk to :meth:`Machine.receive`."""


@dataclass(frozen=True)
class Wait:
    """Wait ``seconds``, unless closed meanwhile, then :meth:`Machine.connect` again."""

    seconds: float
    reconnect: Reconnect
    """For ``on_reconnect`` and the log."""


@dataclass(frozen=True)
class Stop:
    """End the iteration quietly."""

    reason: str | None = None
    """What to log, if anything: ``None`` after ``close()``."""


@dataclass(frozen=True)
class Fail:
    """Raise ``error``: the source is ``CLOSED``."""

    error: Exception


Decision = Connect | Read | Wait | Stop | Fail


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a ``Retry-After`` header (delay-seconds or an HTTP date), at ``now``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def backoff(retry: int, failures: int, max_delay: float, jitter: float) -> float:
    """The wait, in seconds, after ``failures`` connections in a row failed.

    The reconnection time when the last connection delivered an event; else the
    reconnection time doubled per failure, capped at ``max_delay``, and placed
    by ``jitter`` (0 to 1) between half of that and all of it, but never below
    the reconnection time.
    """
    base = retry / 1000
    if not failures:
        return base
    grown = min(max_delay, base * 2.0 ** min(failures, 1023))
    return max(base, grown * (0.5 + 0.5 * jitter))


# -- the machine ----------------------------------------------------------------------------


class Machine:
    """The decisions of one reconnecting source; see the module's table."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.ready_state = ReadyState.CONNECTING
        self.last_event_id = options.last_event_id
        """The last event ID string: sent as ``Last-Event-ID`` when not empty."""
        self.retry = options.retry
        """The reconnection time in milliseconds."""
        self.failures = 0
        """Connections in a row that delivered no event."""
        self.closed = False
        """Whether the user closed the source: nothing connects again."""
        self._parser: ParserLike[Event] | None = None
        self._delivered = False

    def close(self) -> None:
        """The user closed the source: stop, now and for good."""
        self.closed = True
        self.ready_state = ReadyState.CLOSED
        self._parser = None

    def finish(self) -> None:
        """The iteration ended (the consumer left, or an error ended it): ``CLOSED``
        until iterated again."""
        self.ready_state = ReadyState.CLOSED
        self._parser = None

    def connect(self) -> Connect | Stop:
        """The request to make next, or :class:`Stop` once closed."""
        if self.closed:
            return Stop()
        self.ready_state = ReadyState.CONNECTING
        self._parser = None
        self._delivered = False
        options = self.options
        headers = [(n, v) for n, v in options.headers if n.lower() not in _SET_BY_THE_SOURCE]
        headers.extend(STREAM_HEADERS.items())
        if self.last_event_id:
            # Setting a header strips leading and trailing spaces and tabs (Fetch
            # standard); HTTP refuses them, so an ID like " 5" would fail every request.
            headers.append(("Last-Event-ID", self.last_event_id.strip(" \t")))
        return Connect(options.url, tuple(headers), options.connect_timeout, options.idle_timeout)

    def opened(
        self,
        status: int,
        headers: Mapping[str, str],
        *,
        reason: str = "",
        now: float,
        jitter: float,
    ) -> Read | Wait | Stop | Fail:
        """The response arrived (after redirects).

        Args:
            status: its status code.
            headers: its headers, looked up by lower-case name.
            reason: its reason phrase, for the error message.
            now: the wall clock (``time.time()``), for a ``Retry-After`` date.
            jitter: a number from 0 to 1, placing the backoff if one is due.
        """
        if self.closed:
            return Stop()  # closed while the request was pending: the standard aborts it
        content_type = headers.get("content-type")
        if status == 200 and is_event_stream(content_type):
            try:
                last_event_id = self.last_event_id if self.options.resumes else None
                self._parser = new_parser(self.options.parser_factory, last_event_id)
            except TypeError as error:
                return self._fail(error)
            self.ready_state = ReadyState.OPEN
            return Read()
        if status == 204:
            self.finish()
            return Stop("204 No Content, not reconnecting")
        if self.options.retry_statuses and (status == 429 or 500 <= status <= 599):
            busy = RetryableStatus(status, retry_after(headers.get("retry-after"), now))
            return self._plan(f"the server answered {status}", busy, jitter)
        if status == 200:
            message = f"expected Content-Type 'text/event-stream', got {content_type!r}"
        else:
            message = f"the server answered {status} {reason}".rstrip()
        url = self.options.url
        failed = ConnectionFailed(f"{message} for {url}", status=status, content_type=content_type)
        return self._fail(failed)

    def receive(self, chunk: bytes) -> Iterator[Event]:
        """The events ``chunk`` completes, each ID taken as it is handed out.

        Iterate it to the end before the next chunk.

        Raises:
            Closed: the source was closed (while an event was out): stop reading.
            LimitExceeded: the chunk crossed a limit set on the parser, after
                the events before the offending one (the source is then CLOSED).
        """
        parser = self._parser
        if self.closed or parser is None:
            raise Closed
        limit: LimitExceeded | None = None
        try:
            events = parser.parse(chunk)
        except LimitExceeded as error:
            limit = error
            events = parser.events()
        for event in events:
            self._take_id(event.id)
            self._delivered = True
            yield event
            if self.closed:
                raise Closed
        self._take(parser)
        if limit is not None:
            self.finish()
            raise limit

    def ended(self, *, jitter: float) -> Wait | Stop | Fail:
        """The body ended: the standard reconnects (an event cut off is dropped)."""
        parser = self._parser
        if self.closed or parser is None:
            return Stop()
        parser.close()
        self._take(parser)
        reason = "stream ended mid-event" if parser.truncated else "stream ended"
        return self._plan(reason, None, jitter)

    def dropped(self, error: Exception, *, idle: bool, jitter: float) -> Wait | Stop | Fail:
        """The connection failed: before the response, or while reading the body.

        Args:
            error: what the HTTP client raised.
            idle: whether it was the idle timeout (no byte for ``idle_timeout``).
            jitter: a number from 0 to 1, placing the backoff.
        """
        if self.closed:
            return Stop()
        if idle:
            reason = f"idle timeout: no bytes for {self.options.idle_timeout} s"
        else:
            reason = f"connection error: {type(error).__name__}: {error}"
        return self._plan(reason, error, jitter)

    def _take(self, parser: ParserLike[Event]) -> None:
        """Takes the last event ID and retry of a parser all of whose events went out."""
        self._take_id(parser.last_event_id)
        if parser.retry is not None:
            self.retry = parser.retry

    def _take_id(self, last_event_id: str) -> None:
        """Takes a last event ID the parser reports.

        A parser of a zero-argument factory started from no ID, so its ``""``
        may only mean that the stream has not set one yet: the source keeps its
        own until the stream sets a non-empty one (an ``id`` line with an empty
        value, which resets it in the standard, is not seen through such a
        factory).
        """
        if last_event_id or self.options.resumes:
            self.last_event_id = last_event_id

    def _fail(self, error: Exception) -> Fail:
        self.finish()
        return Fail(error)

    def _plan(self, reason: str, error: Exception | None, jitter: float) -> Wait | Fail:
        """Counts a failure, and says how long to wait before the next connection."""
        self._parser = None
        self.failures = 0 if self._delivered else self.failures + 1
        max_retries = self.options.max_retries
        if max_retries is not None and self.failures > max_retries:
            gave_up = RetriesExhausted(
                f"gave up after {self.failures} connections in a row without an event "
                f"(last: {reason})",
                attempts=self.failures,
            )
            gave_up.__cause__ = error
            return self._fail(gave_up)
        delay = backoff(self.retry, self.failures, self.options.max_delay, jitter)
        if isinstance(error, RetryableStatus) and error.retry_after is not None:
            delay = max(delay, error.retry_after)
        delay = min(delay, LONGEST_WAIT)
        self.ready_state = ReadyState.CONNECTING
        reconnect = Reconnect(reason, error, self.failures, delay, self.last_event_id)
        return Wait(delay, reconnect)
