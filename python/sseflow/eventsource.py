"""A reconnecting event-stream client on httpx, after the standard's ``EventSource``.

::

    with sseflow.EventSource("http://127.0.0.1:8000/events") as source:
        for event in source:
            print(event.id, event.data)

The source connects, yields events, and when the connection drops (a network
error, an idle timeout, or the stream ending, cleanly or mid-event) waits the
reconnection time and connects again with ``Last-Event-ID``, so that against a
server that resumes from that ID every event arrives exactly once, in order. An
event cut by a drop is never yielded: only a blank line dispatches one.

Each connection's bytes go through a new :class:`sseflow.Parser`. The parser
starts from the last event ID string of the source, as browsers do (the
standard's ``EventSource`` keeps that string across connections): it is fed a
``id: <last event ID>`` block first, after the stream's own byte order mark if
it has one, which yields no event.

httpx is imported when a source is made, so ``import sseflow`` needs no HTTP
client; a source needs the ``httpx`` extra: ``pip install sseflow[httpx]``.
"""

from __future__ import annotations

import contextlib
import email.utils
import enum
import logging
import math
import numbers
import random
import re
import socket
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

from sseflow._native import Event, Parser
from sseflow.errors import ConnectionFailed, LimitExceeded, RetriesExhausted
from sseflow.stream import ParserFactory, check_parser_factory, new_parser, type_name
from sseflow.wire import encode

if TYPE_CHECKING:
    import asyncio

    import httpx

__all__ = [
    "DEFAULT_MAX_DELAY",
    "DEFAULT_RETRY",
    "AsyncEventSource",
    "EventSource",
    "ReadyState",
    "Reconnect",
]

logger: Final = logging.getLogger("sseflow.eventsource")

DEFAULT_RETRY: Final = 3000
"""The reconnection time, in milliseconds, until the server sends ``retry``."""

DEFAULT_MAX_DELAY: Final = 30.0
"""The cap, in seconds, of the backoff after consecutive failures."""

_LONGEST_WAIT: Final = 24 * 3600.0
_BOM: Final = b"\xef\xbb\xbf"
_MAX_RETRY: Final = 2**64 - 1
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""An HTTP header name (RFC 9110 token)."""
_BAD_VALUE: Final = re.compile(r"[\r\n\x00]")

Headers = Mapping[str, str] | Iterable[tuple[str, str]]
"""Request headers: a mapping, or (name, value) pairs."""


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


class _NoContent(Exception):
    """The server answered 204: stop reconnecting."""


class _RetryableStatus(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"status {status}")
        self.status = status
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delay-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _Feeder:
    """Feeds one connection's bytes to its parser, seeded with the last event ID."""

    def __init__(self, parser: Parser[Event], last_event_id: str) -> None:
        self.parser = parser
        self._seed: bytes | None = encode(id=last_event_id) if last_event_id else None
        self._head = b""

    def feed(self, chunk: bytes) -> LimitExceeded | None:
        """Feeds a chunk. A limit error is returned, not raised, so that the
        events before the offending one can be delivered first."""
        try:
            self._feed(chunk)
        except LimitExceeded as error:
            return error
        return None

    def _feed(self, chunk: bytes) -> None:
        if self._seed is None:
            self.parser.feed(chunk)
            return
        head = self._head + chunk
        if len(head) < len(_BOM) and _BOM.startswith(head):
            self._head = head  # it may still become a byte order mark
            return
        self._flush(head)

    def _flush(self, head: bytes) -> None:
        seed = self._seed or b""
        self._seed = None
        self._head = b""
        if head.startswith(_BOM):
            self.parser.feed(_BOM + seed + head[len(_BOM) :])
        else:
            self.parser.feed(seed + head)

    def close(self) -> None:
        if self._seed is not None:
            self._flush(self._head)
        self.parser.close()


def _check_url(url: object) -> str:
    import httpx

    if not isinstance(url, str | httpx.URL):
        raise TypeError(f"url must be a str or an httpx.URL, got {type_name(url)}")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise ValueError(f"url must be an http(s) URL, got {str(url)!r} ({error})") from error
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"url must be an http(s) URL, got {str(url)!r}")
    return str(url)


def _check_headers(headers: object) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        pairs = list(headers.items())
    elif isinstance(headers, Iterable) and not isinstance(headers, str | bytes):
        pairs = list(headers)
    else:
        raise TypeError(
            f"headers must be a mapping or a list of (name, value) pairs, got {type_name(headers)}"
        )
    checked: list[tuple[str, str]] = []
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(f"headers must hold (name, value) pairs, got {pair!r}")
        name, value = pair
        if not isinstance(name, str):
            raise TypeError(f"headers: a Header name must be a str, got {type_name(name)}")
        if not _TOKEN.fullmatch(name):
            raise ValueError(f"headers: {name!r} is not a valid Header name")
        if not isinstance(value, str):
            raise TypeError(
                f"headers: the value of Header {name!r} must be a str, got {type_name(value)}"
            )
        if _BAD_VALUE.search(value):
            raise ValueError(
                f"headers: the value of Header {name!r} must not contain CR, LF or NUL: {value!r}"
            )
        if value != value.strip(" \t"):
            raise ValueError(
                f"headers: the value of Header {name!r} must not start or end with a space "
                f"or tab: {value!r}"
            )
        checked.append((name, value))
    return checked


def _check_int_or_none(name: str, value: object) -> None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return
    raise TypeError(f"{name} must be an int or None, got {type_name(value)}")


def _check_seconds(name: str, value: object, *, zero: bool) -> None:
    """Checks seconds: a finite number >= 0 if ``zero``, else None or a finite number > 0."""
    if value is None and not zero:
        return
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        kind = "a number of seconds" if zero else "a number of seconds or None"
        raise TypeError(f"{name} must be {kind}, got {type_name(value)}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        bound = ">= 0" if zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")


def _check_options(
    *,
    last_event_id: object,
    retry: object,
    max_retries: object,
    max_delay: object,
    idle_timeout: object,
    connect_timeout: object,
    retry_statuses: object,
    on_reconnect: object,
    parser_factory: object,
) -> None:
    if not isinstance(last_event_id, str):
        raise TypeError(f"last_event_id must be a str, got {type_name(last_event_id)}")
    if any(char in last_event_id for char in "\r\n\x00"):
        raise ValueError(f"last_event_id must not contain CR, LF or NUL: {last_event_id!r}")
    _check_int_or_none("retry", retry)
    if isinstance(retry, int) and retry < 0:
        raise ValueError(f"retry must be >= 0, got {retry}")
    if isinstance(retry, int) and retry > _MAX_RETRY:
        raise ValueError(f"retry must be between 0 and 2**64 - 1, got {retry}")
    _check_int_or_none("max_retries", max_retries)
    if isinstance(max_retries, int) and max_retries < 0:
        raise ValueError(f"max_retries must be >= 0 or None, got {max_retries}")
    _check_seconds("max_delay", max_delay, zero=True)
    _check_seconds("idle_timeout", idle_timeout, zero=False)
    _check_seconds("connect_timeout", connect_timeout, zero=False)
    if not isinstance(retry_statuses, bool):
        raise TypeError(f"retry_statuses must be a bool, got {type_name(retry_statuses)}")
    if on_reconnect is not None and not callable(on_reconnect):
        raise TypeError(f"on_reconnect must be callable or None, got {type_name(on_reconnect)}")
    check_parser_factory(parser_factory)


def _check_client(client: object, sync: bool) -> None:
    import httpx

    expected, other = (
        (httpx.Client, httpx.AsyncClient) if sync else (httpx.AsyncClient, httpx.Client)
    )
    if client is None or isinstance(client, expected):
        return
    hint = ""
    if isinstance(client, other):
        source = "AsyncEventSource" if sync else "EventSource"
        hint = f": use {source} with an httpx.{other.__name__}"
    raise TypeError(
        f"client must be an httpx.{expected.__name__} or None, got {type_name(client)}{hint}"
    )


class _Base:
    """The state and rules both sources share."""

    def __init__(
        self,
        url: str | httpx.URL,
        *,
        headers: Headers | None = None,
        last_event_id: str = "",
        retry: int | None = DEFAULT_RETRY,
        max_retries: int | None = None,
        max_delay: float = DEFAULT_MAX_DELAY,
        idle_timeout: float | None = None,
        connect_timeout: float | None = 10.0,
        retry_statuses: bool = False,
        on_reconnect: Callable[[Reconnect], None] | None = None,
        parser_factory: ParserFactory = Parser,
    ) -> None:
        self._url = _check_url(url)
        self._headers = _check_headers(headers)
        _check_options(
            last_event_id=last_event_id,
            retry=retry,
            max_retries=max_retries,
            max_delay=max_delay,
            idle_timeout=idle_timeout,
            connect_timeout=connect_timeout,
            retry_statuses=retry_statuses,
            on_reconnect=on_reconnect,
            parser_factory=parser_factory,
        )
        self._last_event_id = last_event_id
        self._retry = DEFAULT_RETRY if retry is None else retry
        self._max_retries = max_retries
        self._max_delay = max_delay
        self._idle_timeout = idle_timeout
        self._connect_timeout = connect_timeout
        self._retry_statuses = retry_statuses
        self._on_reconnect = on_reconnect
        self._parser_factory = parser_factory
        self._ready_state = ReadyState.CONNECTING
        self._closed = False
        self._failures = 0

    @property
    def url(self) -> str:
        """The URL every connection requests."""
        return self._url

    @property
    def ready_state(self) -> ReadyState:
        """``CONNECTING``, ``OPEN`` or ``CLOSED``."""
        return self._ready_state

    @property
    def last_event_id(self) -> str:
        """The last event ID string: the ``id`` of the last event yielded (or of a later
        ``id``-only block); sent as ``Last-Event-ID`` when not empty."""
        return self._last_event_id

    @property
    def retry(self) -> int:
        """The reconnection time in milliseconds: the server's last ``retry``, else the default."""
        return self._retry

    def _request_headers(self) -> httpx.Headers:
        import httpx

        # Values are sent UTF-8 encoded, as the standard sends Last-Event-ID.
        headers = httpx.Headers(self._headers, encoding="utf-8")
        headers["Accept"] = "text/event-stream"
        headers["Cache-Control"] = "no-store"
        if "Last-Event-ID" in headers:
            del headers["Last-Event-ID"]
        if self._last_event_id:
            # Setting a header strips leading and trailing spaces and tabs (Fetch
            # standard); HTTP refuses them, so an ID like " 5" would fail every request.
            headers["Last-Event-ID"] = self._last_event_id.strip(" \t")
        return headers

    def _request(self) -> dict[str, Any]:
        """The arguments of ``client.stream()`` for one connection."""
        return {
            "method": "GET",
            "url": self._url,
            "headers": self._request_headers(),
            "timeout": self._timeout(),
            "follow_redirects": True,
        }

    def _events_of(self, feeder: _Feeder, chunk: bytes) -> Iterator[Event]:
        """The events ``chunk`` completes, each ID recorded as it goes out; then
        the limit error, if the chunk crossed a limit after them."""
        limit = feeder.feed(chunk)
        for event in feeder.parser:
            self._last_event_id = event.id
            yield event
        self._take(feeder)
        if limit:
            raise limit

    def _timeout(self) -> httpx.Timeout:
        import httpx

        connect = self._connect_timeout
        return httpx.Timeout(connect=connect, read=self._idle_timeout, write=connect, pool=connect)

    def _check(self, response: httpx.Response) -> None:
        from sseflow._http import is_event_stream

        status = response.status_code
        content_type = response.headers.get("content-type")
        if status == 200 and is_event_stream(content_type):
            return
        if status == 204:
            raise _NoContent
        if self._retry_statuses and (status == 429 or 500 <= status <= 599):
            raise _RetryableStatus(status, _retry_after(response.headers.get("retry-after")))
        if status == 200:
            message = f"expected Content-Type 'text/event-stream', got {content_type!r}"
        else:
            message = f"the server answered {status} {response.reason_phrase}".rstrip()
        error = ConnectionFailed(
            f"{message} for {self._url}", status=status, content_type=content_type
        )
        self._ready_state = ReadyState.CLOSED
        logger.error("event source failed: %s", error)
        raise error

    def _opened(self, response: httpx.Response) -> _Feeder:
        self._ready_state = ReadyState.OPEN
        logger.info("event source connected to %s", response.url)
        return _Feeder(new_parser(self._parser_factory), self._last_event_id)

    def _take(self, feeder: _Feeder) -> None:
        """Takes the last event ID and retry of a parser all of whose events were yielded."""
        self._last_event_id = feeder.parser.last_event_id
        if feeder.parser.retry is not None:
            self._retry = feeder.parser.retry

    def _ended(self, feeder: _Feeder) -> str:
        feeder.close()
        self._take(feeder)
        return "stream ended mid-event" if feeder.parser.truncated else "stream ended"

    def _reason(self, error: Exception) -> str:
        import httpx

        if isinstance(error, httpx.ReadTimeout):
            return f"idle timeout: no bytes for {self._idle_timeout} s"
        if isinstance(error, _RetryableStatus):
            return f"the server answered {error.status}"
        return f"connection error: {type(error).__name__}: {error}"

    def _retryable(self) -> tuple[type[Exception], ...]:
        import httpx

        return (httpx.TransportError, httpx.DecodingError, _RetryableStatus)

    def _plan(self, delivered: bool, reason: str, error: Exception | None) -> float:
        """Counts a failure, and returns the wait before the next connection.

        Raises:
            RetriesExhausted: over ``max_retries`` failures in a row.
        """
        self._failures = 0 if delivered else self._failures + 1
        if self._max_retries is not None and self._failures > self._max_retries:
            self._ready_state = ReadyState.CLOSED
            message = (
                f"gave up after {self._failures} connections in a row without an event "
                f"(last: {reason})"
            )
            logger.error("event source %s: %s", self._url, message)
            raise RetriesExhausted(message, attempts=self._failures) from error
        base = self._retry / 1000
        delay = base
        if self._failures:
            backoff = min(self._max_delay, base * 2**self._failures)
            delay = max(base, backoff * random.uniform(0.5, 1.0))
        if isinstance(error, _RetryableStatus) and error.retry_after is not None:
            delay = max(delay, error.retry_after)
        delay = min(delay, _LONGEST_WAIT)
        self._ready_state = ReadyState.CONNECTING
        logger.warning(
            "event source %s: %s; reconnecting in %.3f s (Last-Event-ID %r)",
            self._url,
            reason,
            delay,
            self._last_event_id,
        )
        if self._on_reconnect is not None:
            self._on_reconnect(Reconnect(reason, error, self._failures, delay, self._last_event_id))
        return delay


class EventSource(_Base):
    """A reconnecting event-stream client (sync, on ``httpx.Client``).

    Iterate it for events across reconnections; use it as a context manager
    so that the connection is closed on the way out.

    Args:
        url: the stream's URL, ``http`` or ``https`` (a ``str`` or an
            ``httpx.URL``; a redirect is followed; every reconnection requests
            this URL again).
        headers: more request headers, a mapping or ``(name, value)`` pairs of
            str. ``Accept: text/event-stream``, ``Cache-Control: no-store``
            and ``Last-Event-ID`` are set by the source.
        last_event_id: the ID to resume after on the first connection.
        retry: the reconnection time in milliseconds (0 to 2**64 - 1) until
            the server sets one with ``retry:`` (default, or ``None``: 3000).
        max_retries: how many connections in a row may fail to deliver an
            event before :class:`sseflow.RetriesExhausted` ends the iteration
            (``None``: never give up; 0: never reconnect after a failure).
        max_delay: the cap, in seconds (a finite number >= 0), of the
            exponential backoff (it never shortens the server's ``retry``).
        idle_timeout: seconds (> 0) without a byte (events and comments
            alike) after which the connection counts as dropped; ``None``:
            wait forever.
        connect_timeout: seconds (> 0) to connect (and to send the request);
            ``None``: wait forever.
        retry_statuses: also reconnect after 429 and 5xx answers, waiting at
            least their ``Retry-After``, instead of failing.
        on_reconnect: called with a :class:`Reconnect` before each wait.
        parser_factory: makes each connection's parser (default
            :class:`sseflow.Parser`).
        client: an ``httpx.Client`` to send with, which the source does not
            close; by default the source makes one.

    Raises:
        TypeError: an argument has the wrong type (the message names it): a
            ``url`` that is no str or ``httpx.URL``, a header name or value
            that is no str, a bool or float ``retry`` or ``max_retries``, a
            non-number or bool timeout or ``max_delay``, a ``retry_statuses``
            that is no bool, an ``on_reconnect`` or ``parser_factory`` that is
            not callable, a ``client`` that is no ``httpx.Client`` (an
            ``httpx.AsyncClient`` needs :class:`AsyncEventSource`).
        ValueError: an argument is out of range: a ``url`` that is not
            ``http(s)``, a header name that is not an HTTP token, a header
            value with CR, LF or NUL or surrounding spaces, a
            ``last_event_id`` with CR, LF or NUL, a ``retry`` or
            ``max_retries`` below 0 (or ``retry`` above 2**64 - 1), a timeout
            not above 0, a ``max_delay`` below 0, an infinite or NaN number.

    Iterating raises :class:`sseflow.ConnectionFailed` (with ``.status``) when
    the server answers neither 200 with ``text/event-stream`` nor 204,
    :class:`sseflow.RetriesExhausted` after ``max_retries``, and ``TypeError``
    when ``parser_factory`` makes no parser (checked at each connection). A 204
    ends the iteration quietly. Reconnections are logged on the ``sseflow.eventsource``
    logger.
    """

    CONNECTING: Final = ReadyState.CONNECTING
    OPEN: Final = ReadyState.OPEN
    CLOSED: Final = ReadyState.CLOSED

    def __init__(
        self,
        url: str | httpx.URL,
        *,
        headers: Headers | None = None,
        last_event_id: str = "",
        retry: int | None = DEFAULT_RETRY,
        max_retries: int | None = None,
        max_delay: float = DEFAULT_MAX_DELAY,
        idle_timeout: float | None = None,
        connect_timeout: float | None = 10.0,
        retry_statuses: bool = False,
        on_reconnect: Callable[[Reconnect], None] | None = None,
        parser_factory: ParserFactory = Parser,
        client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            url,
            headers=headers,
            last_event_id=last_event_id,
            retry=retry,
            max_retries=max_retries,
            max_delay=max_delay,
            idle_timeout=idle_timeout,
            connect_timeout=connect_timeout,
            retry_statuses=retry_statuses,
            on_reconnect=on_reconnect,
            parser_factory=parser_factory,
        )
        _check_client(client, sync=True)
        self._client = client
        self._own_client: httpx.Client | None = None
        self._response: httpx.Response | None = None
        self._wake = threading.Event()

    def __enter__(self) -> EventSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Closes the connection and stops reconnecting; iteration then ends.

        It may be called from another thread, which wakes a blocked read.
        """
        self._closed = True
        self._ready_state = ReadyState.CLOSED
        self._wake.set()
        response, self._response = self._response, None
        if response is not None:
            # Shutting the socket down wakes a read blocked in another thread.
            stream = response.extensions.get("network_stream")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            response.close()
        client, self._own_client = self._own_client, None
        if client is not None:
            client.close()

    def _http(self) -> httpx.Client:
        if self._client is not None:
            return self._client
        if self._own_client is None:
            import httpx

            self._own_client = httpx.Client()
        return self._own_client

    def __iter__(self) -> Generator[Event, None, None]:
        """Yields events, reconnecting as needed, until closed.

        Returns:
            A generator of :class:`sseflow.Event`; closing it (``break`` in a
            ``for`` loop) closes the connection.

        Raises:
            ConnectionFailed: the server failed the connection.
            RetriesExhausted: ``max_retries`` failures in a row.
        """
        try:
            yield from self._run()
        finally:
            if not self._closed:
                self._ready_state = ReadyState.CLOSED
            self._response = None

    def _run(self) -> Generator[Event, None, None]:
        retryable = self._retryable()
        while not self._closed:
            self._ready_state = ReadyState.CONNECTING
            delivered = False
            error: Exception | None = None
            try:
                with self._http().stream(**self._request()) as response:
                    self._response = response
                    self._check(response)
                    feeder = self._opened(response)
                    for chunk in response.iter_bytes():
                        for event in self._events_of(feeder, chunk):
                            delivered = True
                            yield event
                            if self._closed:
                                return
                    reason = self._ended(feeder)
            except _NoContent:
                self._ready_state = ReadyState.CLOSED
                logger.info("event source %s: 204 No Content, not reconnecting", self._url)
                return
            except retryable as exc:
                if self._closed:
                    return
                error = exc
                reason = self._reason(exc)
            finally:
                self._response = None
            if self._closed:
                return
            delay = self._plan(delivered, reason, error)
            if self._wake.wait(delay):
                return


class AsyncEventSource(_Base):
    """A reconnecting event-stream client (asyncio, on ``httpx.AsyncClient``).

    ``async with AsyncEventSource(url) as source: async for event in source``.
    Its arguments, properties and errors are those of :class:`EventSource`;
    ``client`` is an ``httpx.AsyncClient`` (an ``httpx.Client`` is refused with
    a ``TypeError`` that points to :class:`EventSource`). Cancelling the task
    that iterates it closes the connection at once; so does leaving the
    ``async with``.
    """

    CONNECTING: Final = ReadyState.CONNECTING
    OPEN: Final = ReadyState.OPEN
    CLOSED: Final = ReadyState.CLOSED

    def __init__(
        self,
        url: str | httpx.URL,
        *,
        headers: Headers | None = None,
        last_event_id: str = "",
        retry: int | None = DEFAULT_RETRY,
        max_retries: int | None = None,
        max_delay: float = DEFAULT_MAX_DELAY,
        idle_timeout: float | None = None,
        connect_timeout: float | None = 10.0,
        retry_statuses: bool = False,
        on_reconnect: Callable[[Reconnect], None] | None = None,
        parser_factory: ParserFactory = Parser,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            url,
            headers=headers,
            last_event_id=last_event_id,
            retry=retry,
            max_retries=max_retries,
            max_delay=max_delay,
            idle_timeout=idle_timeout,
            connect_timeout=connect_timeout,
            retry_statuses=retry_statuses,
            on_reconnect=on_reconnect,
            parser_factory=parser_factory,
        )
        _check_client(client, sync=False)
        self._client = client
        self._own_client: httpx.AsyncClient | None = None
        self._response: httpx.Response | None = None
        self._wake: asyncio.Event | None = None

    async def __aenter__(self) -> AsyncEventSource:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def close(self) -> None:
        """Stops reconnecting; the iteration ends at its next step, closing the
        connection. :meth:`aclose` also closes it at once."""
        self._closed = True
        self._ready_state = ReadyState.CLOSED
        if self._wake is not None:
            self._wake.set()

    async def aclose(self) -> None:
        """Closes the connection (and the client the source made) and stops reconnecting."""
        self.close()
        response, self._response = self._response, None
        if response is not None:
            await response.aclose()
        client, self._own_client = self._own_client, None
        if client is not None:
            await client.aclose()

    def _http(self) -> httpx.AsyncClient:
        if self._client is not None:
            return self._client
        if self._own_client is None:
            import httpx

            self._own_client = httpx.AsyncClient()
        return self._own_client

    async def __aiter__(self) -> AsyncGenerator[Event, None]:
        """Yields events, reconnecting as needed, until closed.

        Returns:
            An async generator of :class:`sseflow.Event`.

        Raises:
            ConnectionFailed: the server failed the connection.
            RetriesExhausted: ``max_retries`` failures in a row.
        """
        import asyncio

        if self._wake is None:
            self._wake = asyncio.Event()
            if self._closed:
                self._wake.set()
        try:
            async for event in self._run(self._wake):
                yield event
        finally:
            if not self._closed:
                self._ready_state = ReadyState.CLOSED
            self._response = None

    async def _run(self, wake: asyncio.Event) -> AsyncGenerator[Event, None]:
        import asyncio

        retryable = self._retryable()
        while not self._closed:
            self._ready_state = ReadyState.CONNECTING
            delivered = False
            error: Exception | None = None
            try:
                async with self._http().stream(**self._request()) as response:
                    self._response = response
                    self._check(response)
                    feeder = self._opened(response)
                    async for chunk in response.aiter_bytes():
                        for event in self._events_of(feeder, chunk):
                            delivered = True
                            yield event
                            if self._closed:
                                return
                    reason = self._ended(feeder)
            except _NoContent:
                self._ready_state = ReadyState.CLOSED
                logger.info("event source %s: 204 No Content, not reconnecting", self._url)
                return
            except retryable as exc:
                if self._closed:
                    return
                error = exc
                reason = self._reason(exc)
            finally:
                self._response = None
            if self._closed:
                return
            delay = self._plan(delivered, reason, error)
            try:
                await asyncio.wait_for(wake.wait(), delay)
            except TimeoutError:
                continue
            return
