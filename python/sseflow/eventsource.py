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

httpx is imported when a source is first used, so ``import sseflow`` needs no
HTTP client; it needs the ``httpx`` extra: ``pip install sseflow[httpx]``.
"""

from __future__ import annotations

import contextlib
import email.utils
import enum
import logging
import random
import socket
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Final

from sseflow._native import Event, Parser
from sseflow.errors import ConnectionFailed, LimitExceeded, RetriesExhausted
from sseflow.stream import ParserFactory
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


class _Base:
    """The state and rules both sources share."""

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        last_event_id: str = "",
        retry: int = DEFAULT_RETRY,
        max_retries: int | None = None,
        max_delay: float = DEFAULT_MAX_DELAY,
        idle_timeout: float | None = None,
        connect_timeout: float = 10.0,
        retry_statuses: bool = False,
        on_reconnect: Callable[[Reconnect], None] | None = None,
        parser_factory: ParserFactory = Parser,
    ) -> None:
        if any(char in last_event_id for char in "\r\n\x00"):
            raise ValueError(f"last_event_id must not contain CR, LF or NUL: {last_event_id!r}")
        if retry < 0:
            raise ValueError(f"retry must be >= 0, got {retry}")
        if max_retries is not None and max_retries < 0:
            raise ValueError(f"max_retries must be >= 0 or None, got {max_retries}")
        self._url = url
        self._headers = dict(headers or {})
        self._last_event_id = last_event_id
        self._retry = retry
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
            headers["Last-Event-ID"] = self._last_event_id
        return headers

    def _timeout(self) -> httpx.Timeout:
        import httpx

        connect = self._connect_timeout
        return httpx.Timeout(connect=connect, read=self._idle_timeout, write=connect, pool=connect)

    def _check(self, response: httpx.Response) -> None:
        from sseflow.httpx import is_event_stream

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
        return _Feeder(self._parser_factory(), self._last_event_id)

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
        url: the stream's URL (a redirect is followed; every reconnection
            requests this URL again).
        headers: more request headers. ``Accept: text/event-stream``,
            ``Cache-Control: no-store`` and ``Last-Event-ID`` are set by the
            source.
        last_event_id: the ID to resume after on the first connection.
        retry: the reconnection time in milliseconds until the server sets
            one with ``retry:`` (default 3000).
        max_retries: how many connections in a row may fail to deliver an
            event before :class:`sseflow.RetriesExhausted` ends the iteration
            (``None``: never give up; 0: never reconnect after a failure).
        max_delay: the cap, in seconds, of the exponential backoff (it never
            shortens the server's ``retry``).
        idle_timeout: seconds without a byte (events and comments alike) after
            which the connection counts as dropped; ``None``: wait forever.
        connect_timeout: seconds to connect (and to send the request).
        retry_statuses: also reconnect after 429 and 5xx answers, waiting at
            least their ``Retry-After``, instead of failing.
        on_reconnect: called with a :class:`Reconnect` before each wait.
        parser_factory: makes each connection's parser (default
            :class:`sseflow.Parser`).
        client: an ``httpx.Client`` to send with, which the source does not
            close; by default the source makes one.

    Raises:
        ValueError: an argument is out of range (``last_event_id`` with CR,
            LF or NUL, a negative ``retry`` or ``max_retries``).

    Iterating raises :class:`sseflow.ConnectionFailed` (with ``.status``) when
    the server answers neither 200 with ``text/event-stream`` nor 204, and
    :class:`sseflow.RetriesExhausted` after ``max_retries``. A 204 ends the
    iteration quietly. Reconnections are logged on the ``sseflow.eventsource``
    logger.
    """

    CONNECTING: Final = ReadyState.CONNECTING
    OPEN: Final = ReadyState.OPEN
    CLOSED: Final = ReadyState.CLOSED

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        last_event_id: str = "",
        retry: int = DEFAULT_RETRY,
        max_retries: int | None = None,
        max_delay: float = DEFAULT_MAX_DELAY,
        idle_timeout: float | None = None,
        connect_timeout: float = 10.0,
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
                with self._http().stream(
                    "GET",
                    self._url,
                    headers=self._request_headers(),
                    timeout=self._timeout(),
                    follow_redirects=True,
                ) as response:
                    self._response = response
                    self._check(response)
                    feeder = self._opened(response)
                    for chunk in response.iter_bytes():
                        limit = feeder.feed(chunk)
                        for event in feeder.parser:
                            delivered = True
                            self._last_event_id = event.id
                            yield event
                            if self._closed:
                                return
                        self._take(feeder)
                        if limit:
                            raise limit
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
    ``client`` is an ``httpx.AsyncClient``. Cancelling the task that iterates
    it closes the connection at once; so does leaving the ``async with``.
    """

    CONNECTING: Final = ReadyState.CONNECTING
    OPEN: Final = ReadyState.OPEN
    CLOSED: Final = ReadyState.CLOSED

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        last_event_id: str = "",
        retry: int = DEFAULT_RETRY,
        max_retries: int | None = None,
        max_delay: float = DEFAULT_MAX_DELAY,
        idle_timeout: float | None = None,
        connect_timeout: float = 10.0,
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
                async with self._http().stream(
                    "GET",
                    self._url,
                    headers=self._request_headers(),
                    timeout=self._timeout(),
                    follow_redirects=True,
                ) as response:
                    self._response = response
                    self._check(response)
                    feeder = self._opened(response)
                    async for chunk in response.aiter_bytes():
                        limit = feeder.feed(chunk)
                        for event in feeder.parser:
                            delivered = True
                            self._last_event_id = event.id
                            yield event
                            if self._closed:
                                return
                        self._take(feeder)
                        if limit:
                            raise limit
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
