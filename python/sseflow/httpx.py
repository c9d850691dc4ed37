"""Server-sent events over httpx, with the names of httpx-sse.

Switching from httpx-sse is a change of import::

    from sseflow.httpx import connect_sse   # was: from httpx_sse import connect_sse

    with httpx.Client() as client:
        with connect_sse(client, "GET", url) as event_source:
            for sse in event_source.iter_sse():
                print(sse.event, sse.data, sse.id, sse.retry)

The body is read as bytes (content decoding such as gzip applied, no text
decoding) and every byte goes through one :class:`sseflow.Parser`. Needs the
``httpx`` extra: ``pip install sseflow[httpx]``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, Final

import httpx

from sseflow import errors
from sseflow._native import Event, Parser
from sseflow.stream import ParserFactory, aiter_events, iter_events

__all__ = ["EventSource", "SSEError", "ServerSentEvent", "aconnect_sse", "connect_sse"]

ServerSentEvent = Event
"""httpx-sse's name for an event: ``event``, ``data``, ``id``, ``retry``, ``json()``."""

STREAM_HEADERS: Final = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
"""The request headers :func:`connect_sse` sets."""


class SSEError(errors.ConnectionFailed, httpx.TransportError):
    """The response is not an event stream (its ``Content-Type`` is wrong).

    Both an :class:`sseflow.ConnectionFailed` (with ``status`` and
    ``content_type``) and, like httpx-sse's ``SSEError``, an
    ``httpx.TransportError``.
    """


def is_event_stream(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` header value names ``text/event-stream``."""
    if content_type is None:
        return False
    return content_type.partition(";")[0].strip().lower() == "text/event-stream"


def check_response(response: httpx.Response) -> None:
    """Raises :class:`SSEError` unless ``response`` has ``Content-Type: text/event-stream``.

    Raises:
        SSEError: the content type is missing or another one.
    """
    content_type = response.headers.get("content-type")
    if not is_event_stream(content_type):
        error = SSEError(
            "expected response header Content-Type to be 'text/event-stream', "
            f"got {content_type!r} (status {response.status_code})",
            status=response.status_code,
            content_type=content_type,
        )
        error.request = response.request
        raise error


class EventSource:
    """A streaming response read as events (httpx-sse's ``EventSource``).

    Args:
        response: a response opened with ``client.stream(...)``.
        parser_factory: makes the parser (default :class:`sseflow.Parser`).
    """

    def __init__(self, response: httpx.Response, *, parser_factory: ParserFactory = Parser) -> None:
        self._response = response
        self._parser_factory = parser_factory

    @property
    def response(self) -> httpx.Response:
        """The httpx response."""
        return self._response

    def iter_sse(self, *, raise_on_truncated: bool = False) -> Iterator[Event]:
        """Yields the events of the response body as they arrive.

        Args:
            raise_on_truncated: raise :class:`sseflow.StreamTruncated` if the
                body ends inside an event (by default that event is dropped).

        Returns:
            An iterator of :class:`sseflow.Event`.

        Raises:
            SSEError: the response is not ``text/event-stream``.
            StreamTruncated: see ``raise_on_truncated``.
            httpx.HTTPError: reading the body failed.
        """
        check_response(self._response)
        # iter_bytes() without a chunk size hands on each read as it comes:
        # a chunk size would make httpx hold bytes back until it has that many.
        return iter_events(
            self._response.iter_bytes(),
            raise_on_truncated=raise_on_truncated,
            parser_factory=self._parser_factory,
        )

    async def aiter_sse(self, *, raise_on_truncated: bool = False) -> AsyncIterator[Event]:
        """Yields the events of the response body as they arrive (async client).

        Args:
            raise_on_truncated: raise :class:`sseflow.StreamTruncated` if the
                body ends inside an event (by default that event is dropped).

        Returns:
            An async iterator of :class:`sseflow.Event`.

        Raises:
            SSEError: the response is not ``text/event-stream``.
            StreamTruncated: see ``raise_on_truncated``.
            httpx.HTTPError: reading the body failed.
        """
        check_response(self._response)
        chunks = self._response.aiter_bytes()
        events = aiter_events(
            chunks, raise_on_truncated=raise_on_truncated, parser_factory=self._parser_factory
        )
        try:
            async for event in events:
                yield event
        finally:
            await events.aclose()


def _stream_headers(kwargs: dict[str, Any]) -> httpx.Headers:
    headers = httpx.Headers(kwargs.pop("headers", None))
    headers.update(STREAM_HEADERS)
    return headers


@contextmanager
def connect_sse(
    client: httpx.Client,
    method: str,
    url: str | httpx.URL,
    *,
    parser_factory: ParserFactory = Parser,
    **kwargs: Any,
) -> Iterator[EventSource]:
    """Sends a request and opens its response as an :class:`EventSource`.

    Args:
        client: the httpx client to send with.
        method: the HTTP method, e.g. ``"GET"``.
        url: the URL.
        parser_factory: makes the parser (default :class:`sseflow.Parser`).
        **kwargs: passed to ``client.stream()`` (``headers``, ``params``,
            ``json``, ``timeout``...). ``Accept: text/event-stream`` and
            ``Cache-Control: no-store`` are added to the headers.

    Returns:
        A context manager giving the :class:`EventSource`; leaving it closes
        the response.

    Raises:
        httpx.HTTPError: sending the request failed.
    """
    headers = _stream_headers(kwargs)
    with client.stream(method, url, headers=headers, **kwargs) as response:
        yield EventSource(response, parser_factory=parser_factory)


@asynccontextmanager
async def aconnect_sse(
    client: httpx.AsyncClient,
    method: str,
    url: str | httpx.URL,
    *,
    parser_factory: ParserFactory = Parser,
    **kwargs: Any,
) -> AsyncIterator[EventSource]:
    """Sends a request with an async client and opens its response as an :class:`EventSource`.

    Args:
        client: the httpx async client to send with.
        method: the HTTP method, e.g. ``"GET"``.
        url: the URL.
        parser_factory: makes the parser (default :class:`sseflow.Parser`).
        **kwargs: passed to ``client.stream()``; the stream headers are added.

    Returns:
        An async context manager giving the :class:`EventSource`; leaving it
        closes the response.

    Raises:
        httpx.HTTPError: sending the request failed.
    """
    headers = _stream_headers(kwargs)
    async with client.stream(method, url, headers=headers, **kwargs) as response:
        yield EventSource(response, parser_factory=parser_factory)
