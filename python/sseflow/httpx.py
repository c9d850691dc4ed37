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
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    asynccontextmanager,
    contextmanager,
)
from typing import Any

import httpx

from sseflow import errors
from sseflow._http import STREAM_HEADERS, check_event_stream
from sseflow._native import Event, Parser
from sseflow.stream import (
    ParserFactory,
    aiter_events,
    check_parser_factory,
    iter_events,
    type_name,
)

__all__ = ["EventSource", "SSEError", "ServerSentEvent", "aconnect_sse", "connect_sse"]

ServerSentEvent = Event
"""httpx-sse's name for an event: ``event``, ``data``, ``id``, ``retry``, ``json()``."""


class SSEError(errors.ConnectionFailed, httpx.TransportError):
    """The response is not an event stream (its ``Content-Type`` is wrong).

    Both an :class:`sseflow.ConnectionFailed` (with ``status`` and
    ``content_type``) and, like httpx-sse's ``SSEError``, an
    ``httpx.TransportError``.
    """


def check_response(response: httpx.Response) -> None:
    """Raises :class:`SSEError` unless ``response`` has ``Content-Type: text/event-stream``.

    Raises:
        SSEError: the content type is missing or another one.
    """
    try:
        check_event_stream(response.status_code, response.headers.get("content-type"), SSEError)
    except SSEError as error:
        error.request = response.request
        raise


class EventSource:
    """A streaming response read as events (httpx-sse's ``EventSource``).

    Args:
        response: a response opened with ``client.stream(...)``.
        parser_factory: makes the parser (default :class:`sseflow.Parser`).

    Raises:
        TypeError: ``response`` is not an ``httpx.Response``, or
            ``parser_factory`` is not callable.
    """

    def __init__(self, response: httpx.Response, *, parser_factory: ParserFactory = Parser) -> None:
        if not isinstance(response, httpx.Response):
            raise TypeError(
                "response must be an httpx.Response (from client.stream(...)), "
                f"got {type_name(response)}"
            )
        check_parser_factory(parser_factory)
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
            SSEError: the response is not ``text/event-stream`` (at the call).
            TypeError: ``parser_factory`` made no parser (at the call).
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
            TypeError: ``parser_factory`` made no parser.
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
    given = kwargs.pop("headers", None)
    try:
        headers = httpx.Headers(given)
    except (TypeError, ValueError, AttributeError) as error:
        raise TypeError(
            "headers must be a mapping or a list of (name, value) pairs of str, "
            f"got {type_name(given)} ({error})"
        ) from error
    headers.update(STREAM_HEADERS)
    return headers


def _check_request(
    function: str,
    client: object,
    expected: type[httpx.Client | httpx.AsyncClient],
    method: object,
    url: object,
    parser_factory: object,
) -> None:
    if not isinstance(client, expected):
        hint = ""
        if isinstance(client, httpx.Client | httpx.AsyncClient):
            other = "aconnect_sse" if isinstance(client, httpx.AsyncClient) else "connect_sse"
            hint = f": use {other}() with an {type_name(client)}"
        raise TypeError(
            f"{function}() needs an httpx.{expected.__name__} as client, "
            f"got {type_name(client)}{hint}"
        )
    if not isinstance(method, str):
        raise TypeError(f"method must be a str such as 'GET', got {type_name(method)}")
    if not isinstance(url, str | httpx.URL):
        raise TypeError(f"url must be a str or an httpx.URL, got {type_name(url)}")
    check_parser_factory(parser_factory)


def connect_sse(
    client: httpx.Client,
    method: str,
    url: str | httpx.URL,
    *,
    parser_factory: ParserFactory = Parser,
    **kwargs: Any,
) -> AbstractContextManager[EventSource]:
    """Sends a request and opens its response as an :class:`EventSource`.

    Args:
        client: the httpx client to send with.
        method: the HTTP method, e.g. ``"GET"``.
        url: the URL.
        parser_factory: makes the parser (default :class:`sseflow.Parser`).
        **kwargs: passed to ``client.stream()`` (``headers``, ``params``,
            ``json``, ``timeout``...). ``Accept: text/event-stream``,
            ``Cache-Control: no-cache`` and ``Pragma: no-cache`` are added to
            the headers.

    Returns:
        A context manager giving the :class:`EventSource`; leaving it closes
        the response.

    Raises:
        TypeError: at the call: ``client`` is not an ``httpx.Client`` (an
            ``httpx.AsyncClient`` needs :func:`aconnect_sse`), ``method`` is
            not a str, ``url`` not a str or ``httpx.URL``, ``headers`` neither
            a mapping nor pairs, or ``parser_factory`` not callable.
        httpx.HTTPError: sending the request failed (on entering).
    """
    _check_request("connect_sse", client, httpx.Client, method, url, parser_factory)
    headers = _stream_headers(kwargs)
    return _connect_sse(client, method, url, headers, parser_factory, kwargs)


@contextmanager
def _connect_sse(
    client: httpx.Client,
    method: str,
    url: str | httpx.URL,
    headers: httpx.Headers,
    parser_factory: ParserFactory,
    kwargs: dict[str, Any],
) -> Iterator[EventSource]:
    with client.stream(method, url, headers=headers, **kwargs) as response:
        yield EventSource(response, parser_factory=parser_factory)


def aconnect_sse(
    client: httpx.AsyncClient,
    method: str,
    url: str | httpx.URL,
    *,
    parser_factory: ParserFactory = Parser,
    **kwargs: Any,
) -> AbstractAsyncContextManager[EventSource]:
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
        TypeError: at the call: ``client`` is not an ``httpx.AsyncClient`` (an
            ``httpx.Client`` needs :func:`connect_sse`), or another argument
            has the wrong type, as for :func:`connect_sse`.
        httpx.HTTPError: sending the request failed (on entering).
    """
    _check_request("aconnect_sse", client, httpx.AsyncClient, method, url, parser_factory)
    headers = _stream_headers(kwargs)
    return _aconnect_sse(client, method, url, headers, parser_factory, kwargs)


@asynccontextmanager
async def _aconnect_sse(
    client: httpx.AsyncClient,
    method: str,
    url: str | httpx.URL,
    headers: httpx.Headers,
    parser_factory: ParserFactory,
    kwargs: dict[str, Any],
) -> AsyncIterator[EventSource]:
    async with client.stream(method, url, headers=headers, **kwargs) as response:
        yield EventSource(response, parser_factory=parser_factory)
