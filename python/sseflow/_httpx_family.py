"""What ``sseflow.httpx`` and ``sseflow.httpx2`` share.

httpx2 is a fork of httpx with the same ``Response``, ``Client``,
``AsyncClient``, ``Headers`` and ``URL``, so one implementation serves both:
each module describes its library in a :class:`Library` and subclasses
:class:`BaseEventSource`. Nothing here imports either library.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from sseflow._http import STREAM_HEADERS, check_event_stream
from sseflow._native import Event, Parser
from sseflow.errors import ConnectionFailed
from sseflow.stream import (
    ParserFactory,
    aiter_events,
    check_parser_factory,
    iter_events,
    type_name,
)

ResponseT = TypeVar("ResponseT")


@dataclass(frozen=True)
class Library:
    """The parts of httpx (or httpx2) the readers use."""

    name: str
    """The import name, for messages: ``"httpx"``."""
    response: type[Any]
    client: type[Any]
    async_client: type[Any]
    url: type[Any]
    headers: Callable[[Any], Any]
    error: type[ConnectionFailed]
    """The module's ``SSEError``."""

    @classmethod
    def of(cls, module: ModuleType, error: type[ConnectionFailed]) -> Library:
        """The parts of ``module``; ``error`` is sseflow's ``SSEError`` for it."""
        return cls(
            module.__name__,
            module.Response,
            module.Client,
            module.AsyncClient,
            module.URL,
            module.Headers,
            error,
        )


def check_response(response: Any, error: type[ConnectionFailed]) -> None:
    """Raises ``error`` unless ``response`` has ``Content-Type: text/event-stream``.

    The error carries the response's request when it has one; a response built
    without one (as unit tests build them) gets the same error, without it.
    """
    try:
        check_event_stream(response.status_code, response.headers.get("content-type"), error)
    except error as failed:
        # A response without a request says "The request instance has not been
        # set on this response." with a RuntimeError.
        with contextlib.suppress(RuntimeError):
            failed.request = response.request  # type: ignore[attr-defined]
        raise


def _raw_is_enough(response: Any) -> bool:
    """Whether the raw chunks are the body: it has no content coding (gzip...) to
    undo and was not read already (``iter_bytes()`` then gives the content read).

    The raw chunks are the same bytes as ``iter_bytes()`` without its per-chunk
    decoder steps (half the cost of a small chunk). Neither is given a chunk
    size, which would hold bytes back.
    """
    if response.is_stream_consumed:
        return False
    coding = response.headers.get("content-encoding")
    return coding is None or coding.strip().lower() in ("", "identity")


class BaseEventSource(Generic[ResponseT]):
    """A streaming response read as events; see ``sseflow.httpx.EventSource``."""

    library: ClassVar[Library]

    def __init__(self, response: ResponseT, *, parser_factory: ParserFactory = Parser) -> None:
        library = self.library
        if not isinstance(response, library.response):
            raise TypeError(
                f"response must be an {library.name}.Response (from client.stream(...)), "
                f"got {type_name(response)}"
            )
        check_parser_factory(parser_factory)
        self._response = response
        self._parser_factory = parser_factory

    @property
    def response(self) -> ResponseT:
        """The response."""
        return self._response

    def iter_sse(self, *, raise_on_truncated: bool = False) -> Iterator[Event]:
        """Yields the events of the response body as they arrive.

        Args:
            raise_on_truncated: raise :class:`sseflow.StreamTruncated` if the
                body ends inside an event (by default that event is dropped).

        Returns:
            An iterator of :class:`sseflow.Event`.

        Raises:
            SSEError: the response is not ``text/event-stream`` (at the call).
            TypeError: ``parser_factory`` made no parser (at the call).
            StreamTruncated: see ``raise_on_truncated``.
            LimitExceeded: a limit set on the parser was exceeded.
            HTTPError: reading the body failed (the library's own error).
        """
        check_response(self._response, self.library.error)
        response: Any = self._response
        chunks = response.iter_raw() if _raw_is_enough(response) else response.iter_bytes()
        return iter_events(
            chunks,
            raise_on_truncated=raise_on_truncated,
            parser_factory=self._parser_factory,
        )

    async def aiter_sse(self, *, raise_on_truncated: bool = False) -> AsyncIterator[Event]:
        """:meth:`iter_sse` for a response of an async client: an async iterator of
        :class:`sseflow.Event`, with the same argument and errors (raised at the
        first step rather than at the call)."""
        check_response(self._response, self.library.error)
        response: Any = self._response
        chunks = response.aiter_raw() if _raw_is_enough(response) else response.aiter_bytes()
        events = aiter_events(
            chunks,
            raise_on_truncated=raise_on_truncated,
            parser_factory=self._parser_factory,
        )
        try:
            async for event in events:
                yield event
        finally:
            await events.aclose()


def prepare_request(
    library: Library,
    function: str,
    other: str,
    asynchronous: bool,
    client: object,
    method: object,
    url: object,
    parser_factory: object,
    kwargs: dict[str, Any],
) -> Any:
    """Checks the arguments of ``function`` (``connect_sse``...) at the call and
    returns the request's headers, taken out of ``kwargs``, with the stream
    headers added; ``other`` is its twin for the other kind of client.

    Raises:
        TypeError: naming the argument and what it needs to be.
    """
    expected = library.async_client if asynchronous else library.client
    if not isinstance(client, expected):
        hint = ""
        if isinstance(client, library.client | library.async_client):
            hint = f": use {other}() with an {type_name(client)}"
        raise TypeError(
            f"{function}() needs an {library.name}.{expected.__name__} as client, "
            f"got {type_name(client)}{hint}"
        )
    if not isinstance(method, str):
        raise TypeError(f"method must be a str such as 'GET', got {type_name(method)}")
    if not isinstance(url, str | library.url):
        raise TypeError(f"url must be a str or an {library.name}.URL, got {type_name(url)}")
    check_parser_factory(parser_factory)
    given = kwargs.pop("headers", None)
    try:
        headers = library.headers(given)
    except (TypeError, ValueError, AttributeError) as error:
        raise TypeError(
            "headers must be a mapping or a list of (name, value) pairs of str, "
            f"got {type_name(given)} ({error})"
        ) from error
    headers.update(STREAM_HEADERS)
    return headers


SourceT = TypeVar("SourceT", bound=BaseEventSource[Any])


@contextmanager
def open_source(
    make_source: Callable[[Any], SourceT],
    client: Any,
    method: str,
    url: Any,
    headers: Any,
    kwargs: dict[str, Any],
) -> Iterator[SourceT]:
    """Streams the request and gives its response as an event source; closes it on exit."""
    with client.stream(method, url, headers=headers, **kwargs) as response:
        yield make_source(response)


@asynccontextmanager
async def aopen_source(
    make_source: Callable[[Any], SourceT],
    client: Any,
    method: str,
    url: Any,
    headers: Any,
    kwargs: dict[str, Any],
) -> AsyncIterator[SourceT]:
    """The async :func:`open_source`."""
    async with client.stream(method, url, headers=headers, **kwargs) as response:
        yield make_source(response)


class _EventType(type):
    """Makes ``isinstance(x, ServerSentEvent)`` mean ``isinstance(x, sseflow.Event)``."""

    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, Event)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, Event)


if TYPE_CHECKING:
    ServerSentEvent = Event
else:

    class ServerSentEvent(metaclass=_EventType):
        """httpx-sse's name for an event: calling it makes an :class:`sseflow.Event`.

        As in httpx-sse, an empty or ``None`` event type gives ``"message"`` and
        ``None`` data or ID gives ``""``. Every event is an ``sseflow.Event``
        (``isinstance`` holds both ways), a final native class.
        """

        def __new__(
            cls,
            event: str | None = None,
            data: str | None = None,
            id: str | None = None,
            retry: int | None = None,
        ) -> Event:
            return Event(event or "message", data or "", id or "", retry)
