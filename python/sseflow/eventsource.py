"""A reconnecting event-stream client on httpx or httpx2, after the standard's ``EventSource``.

::

    with sseflow.EventSource("http://127.0.0.1:8000/events") as source:
        for event in source:
            print(event.id, event.data)

The source connects, yields events, and when the connection drops (a network
error, an idle timeout, or the stream ending, cleanly or mid-event) waits the
reconnection time and connects again with ``Last-Event-ID``, so that against a
server that resumes from that ID every event arrives exactly once, in order. An
event cut by a drop is never yielded: only a blank line dispatches one.

Each connection's bytes go through a new parser made by ``parser_factory``
with the source's last event ID to start from (``last_event_id=``), as browsers
keep that string across connections.

The decisions (which request, how long to wait, when to stop, which error) are
the private ``sseflow._reconnect`` machine's; the classes here only move bytes
and time for one HTTP client (``sseflow._transports``). httpx or httpx2 is
imported when a source is made, so ``import sseflow`` needs no HTTP client; a
source needs the ``httpx`` (or ``httpx2``) extra: ``pip install sseflow[httpx]``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeAlias, TypeVar

from sseflow._native import Event, Parser
from sseflow._options import DEFAULT_MAX_DELAY, DEFAULT_RETRY, Headers, Options
from sseflow._reconnect import (
    Closed,
    Connect,
    Fail,
    Machine,
    Read,
    ReadyState,
    Reconnect,
    Stop,
    Wait,
)
from sseflow._transports import (
    AsyncResponse,
    AsyncTransport,
    SyncResponse,
    SyncTransport,
    async_transport,
    sync_transport,
)
from sseflow.stream import ParserFactory

if TYPE_CHECKING:
    import asyncio

    import aiohttp
    import httpx
    import httpx2
    import yarl

    _SyncClient: TypeAlias = httpx.Client | httpx2.Client
    _AsyncClient: TypeAlias = httpx.AsyncClient | httpx2.AsyncClient | aiohttp.ClientSession

__all__ = [
    "DEFAULT_MAX_DELAY",
    "DEFAULT_RETRY",
    "AsyncEventSource",
    "EventSource",
    "ReadyState",
    "Reconnect",
]

logger: Final = logging.getLogger("sseflow.eventsource")

_Client = TypeVar("_Client")


class _Source(Generic[_Client]):
    """The arguments, state and logging both sources share; the machine decides."""

    CONNECTING: Final = ReadyState.CONNECTING
    OPEN: Final = ReadyState.OPEN
    CLOSED: Final = ReadyState.CLOSED

    def __init__(
        self,
        url: str | httpx.URL | httpx2.URL | yarl.URL,
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
        client: _Client | None = None,
        library: Literal["httpx", "httpx2", "aiohttp"] | None = None,
    ) -> None:
        self._options = Options.check(
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
        self._machine = Machine(self._options)
        self._setup(client, library)

    def _setup(self, client: object, library: object) -> None:
        """Makes the transport and what wakes a wait."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        """The URL every connection requests."""
        return self._options.url

    @property
    def ready_state(self) -> ReadyState:
        """``CONNECTING``, ``OPEN`` or ``CLOSED``."""
        return self._machine.ready_state

    @property
    def last_event_id(self) -> str:
        """The last event ID string: the ``id`` of the last event yielded (or of a later
        ``id``-only block); sent as ``Last-Event-ID`` when not empty."""
        return self._machine.last_event_id

    @property
    def retry(self) -> int:
        """The reconnection time in milliseconds: the server's last ``retry``, else the default."""
        return self._machine.retry

    def _attempt(self, transport: SyncTransport | AsyncTransport) -> _Attempt | None:
        """The next connection to make, or ``None`` once closed."""
        request = self._machine.connect()
        if isinstance(request, Stop):
            return None
        return _Attempt(self, request, transport)

    def _wait_for(self, step: Wait | Stop | Fail) -> float | None:
        """Seconds to wait before reconnecting, or ``None`` to stop (logged, and told
        to ``on_reconnect``).

        Raises:
            Exception: the error a :class:`Fail` carries.
        """
        url = self._options.url
        if isinstance(step, Fail):
            logger.error("event source %s: %s", url, step.error)
            raise step.error
        if isinstance(step, Stop):
            if step.reason:
                logger.info("event source %s: %s", url, step.reason)
            return None
        heard = step.reconnect
        logger.warning(
            "event source %s: %s; reconnecting in %.3f s (Last-Event-ID %r)",
            url,
            heard.reason,
            heard.delay,
            heard.last_event_id,
        )
        if self._options.on_reconnect is not None:
            self._options.on_reconnect(heard)
        return step.seconds


class _Attempt:
    """One connection, from the request to the machine's last word on it.

    As a context manager around the I/O it turns a drop, or the source being
    closed while reading, into that word; the clock and the jitter are read
    here, for the machine.
    """

    def __init__(
        self,
        source: _Source[Any],
        request: Connect,
        transport: SyncTransport | AsyncTransport,
    ) -> None:
        self.request = request
        self._source = source
        self._machine = source._machine
        self._transport = transport
        self._step: Wait | Stop | Fail = Stop()

    def opened(self, response: SyncResponse | AsyncResponse) -> bool:
        """Tells the machine the response came; whether to read its body."""
        step = self._machine.opened(
            response.status,
            response.headers,
            reason=response.reason,
            now=time.time(),
            jitter=random.random(),
        )
        if isinstance(step, Read):
            logger.info("event source connected to %s", response.url)
            return True
        self._step = step
        return False

    def ended(self) -> None:
        """Tells the machine the body ended."""
        self._step = self._machine.ended(jitter=random.random())

    def delay(self) -> float | None:
        """Seconds to wait before the next attempt, or ``None`` to stop.

        Raises:
            Exception: the error the machine decided on.
        """
        return self._source._wait_for(self._step)

    def __enter__(self) -> _Attempt:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, traceback: object) -> bool:
        if isinstance(exc, Closed):
            self._step = Stop()
            return True
        if isinstance(exc, self._transport.drops):
            idle = self._transport.is_idle(exc)
            self._step = self._machine.dropped(exc, idle=idle, jitter=random.random())
            return True
        return False


class EventSource(_Source["_SyncClient"]):
    """A reconnecting event-stream client (sync, on ``httpx.Client`` or ``httpx2.Client``).

    Iterate it for events across reconnections; use it as a context manager
    so that the connection is closed on the way out.

    Args:
        url: the stream's URL, ``http`` or ``https`` (a ``str``, an
            ``httpx.URL``, an ``httpx2.URL`` or a ``yarl.URL``; a redirect is
            followed; every reconnection requests this URL again).
        headers: more request headers, a mapping or ``(name, value)`` pairs of
            str. ``Accept: text/event-stream``, ``Cache-Control: no-cache``,
            ``Pragma: no-cache`` and ``Last-Event-ID`` are set by the source.
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
            :class:`sseflow.Parser`), called with ``last_event_id=`` the ID to
            start from if it takes that keyword; one that takes no argument is
            called with none, and its parser starts with no ID.
        client: an ``httpx.Client`` or ``httpx2.Client`` to send with, which
            the source does not close; by default the source makes one.
        library: ``"httpx"`` or ``"httpx2"``, the library of the client the
            source makes (default: the library of ``client``, else httpx).

    Raises:
        TypeError: an argument has the wrong type (the message names it): a
            ``url`` that is no str or URL, a header name or value that is no
            str, a bool or float ``retry`` or ``max_retries``, a non-number or
            bool timeout or ``max_delay``, a ``retry_statuses`` that is no
            bool, an ``on_reconnect`` or ``parser_factory`` that is not
            callable, a ``client`` that is no ``httpx.Client`` or
            ``httpx2.Client`` (an ``AsyncClient`` needs
            :class:`AsyncEventSource`).
        ValueError: an argument is out of range: a ``url`` that is not
            ``http(s)`` or does not parse (``"http://this is invalid/"``), a
            header name that is not an HTTP token, a header value with CR, LF
            or NUL or surrounding spaces, a ``last_event_id`` with CR, LF or
            NUL, a ``retry`` or ``max_retries`` below 0 (or ``retry`` above
            2**64 - 1), a timeout not above 0, a ``max_delay`` below 0, an
            infinite or NaN number, a ``library`` other than the two.

    Iterating raises :class:`sseflow.ConnectionFailed` (with ``.status``) when
    the server answers neither 200 with ``text/event-stream`` nor 204,
    :class:`sseflow.RetriesExhausted` after ``max_retries``, and ``TypeError``
    when ``parser_factory`` makes no parser (checked at each connection). A 204
    ends the iteration quietly; so does a response that arrives after
    :meth:`close`. Reconnections are logged on the ``sseflow.eventsource`` logger.
    """

    def _setup(self, client: object, library: object) -> None:
        self._transport = sync_transport(client, library)
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
        self._machine.close()
        self._wake.set()
        self._transport.abort()

    def __iter__(self) -> Generator[Event, None, None]:
        """Yields events, reconnecting as needed, until closed.

        Returns:
            A generator of :class:`sseflow.Event`; closing it (``break`` in a
            ``for`` loop) closes the connection.

        Raises:
            ConnectionFailed: the server failed the connection.
            RetriesExhausted: ``max_retries`` failures in a row.
        """
        machine, transport = self._machine, self._transport
        try:
            while attempt := self._attempt(transport):
                with attempt, transport.stream(attempt.request) as response:
                    if attempt.opened(response):
                        for chunk in response.body:
                            yield from machine.receive(chunk)
                        attempt.ended()
                delay = attempt.delay()
                if delay is None or self._wake.wait(delay):
                    return
        finally:
            machine.finish()


class AsyncEventSource(_Source["httpx.AsyncClient | httpx2.AsyncClient | aiohttp.ClientSession"]):
    """A reconnecting event-stream client (asyncio, on ``httpx.AsyncClient``,
    ``httpx2.AsyncClient`` or ``aiohttp.ClientSession``).

    ``async with AsyncEventSource(url) as source: async for event in source``.
    Its arguments, properties and errors are those of :class:`EventSource`;
    ``client`` is an ``httpx.AsyncClient``, an ``httpx2.AsyncClient`` or an
    ``aiohttp.ClientSession`` (a sync client is refused with a ``TypeError``
    that points to :class:`EventSource`), and ``library`` may also be
    ``"aiohttp"``. Cancelling the task that iterates it closes the
    connection at once; so does leaving the ``async with``.
    """

    def _setup(self, client: object, library: object) -> None:
        self._transport = async_transport(client, library)
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
        self._machine.close()
        if self._wake is not None:
            self._wake.set()

    async def aclose(self) -> None:
        """Closes the connection (and the client the source made) and stops reconnecting."""
        self.close()
        await self._transport.abort()

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
            if self._machine.closed:
                self._wake.set()
        machine, transport, wake = self._machine, self._transport, self._wake
        try:
            while attempt := self._attempt(transport):
                with attempt:
                    async with transport.stream(attempt.request) as response:
                        if attempt.opened(response):
                            async for chunk in response.body:
                                for event in machine.receive(chunk):
                                    yield event
                            attempt.ended()
                delay = attempt.delay()
                if delay is None or not await _sleep(delay, wake):
                    return
        finally:
            machine.finish()


async def _sleep(seconds: float, wake: asyncio.Event) -> bool:
    """Sleeps ``seconds``; whether they ran out (False: ``wake`` was set first)."""
    import asyncio

    try:
        await asyncio.wait_for(wake.wait(), seconds)
    except TimeoutError:
        return True
    return False
