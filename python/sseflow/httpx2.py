"""Server-sent events over httpx2, sseflow's parser in place of httpx2's own.

httpx2's ``client.sse(url)`` becomes ``sse(client, url)``, with the same
arguments, the same source (``.response``, iteration) and the same event fields::

    from sseflow.httpx2 import sse

    with httpx2.Client() as client:
        with sse(client, url) as source:      # was: with client.sse(url) as source:
            for event in source:
                print(event.event, event.data, event.id, event.retry)

``max_event_size`` keeps sseflow's meaning (the largest data of one event, in
bytes) and sseflow's default: no limit, where httpx2 refuses an event over
1 MiB. The httpx-sse names (:func:`connect_sse`, :func:`aconnect_sse`,
:class:`EventSource` with ``iter_sse()``) work as in :mod:`sseflow.httpx`.
Needs the ``httpx2`` extra: ``pip install sseflow[httpx2]``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from functools import partial
from typing import Any

import httpx2

from sseflow import _httpx_family as family
from sseflow import errors
from sseflow._native import Event, Parser
from sseflow.stream import ParserFactory

__all__ = [
    "EventSource",
    "SSEError",
    "ServerSentEvent",
    "aconnect_sse",
    "asse",
    "connect_sse",
    "sse",
]


class SSEError(errors.ConnectionFailed, httpx2.SSEError):
    """The response is not an event stream (its ``Content-Type`` is wrong).

    An :class:`sseflow.ConnectionFailed` (with ``status`` and
    ``content_type``), and httpx2's own ``httpx2.SSEError``, so an
    ``httpx2.TransportError``.
    """


ServerSentEvent = family.ServerSentEvent

_HTTPX2 = family.Library.of(httpx2, SSEError)


class EventSource(family.BaseEventSource[httpx2.Response]):
    """A streaming httpx2 response read as events.

    Iterate it (``for`` or ``async for``) as httpx2's ``EventSource``, or
    call :meth:`iter_sse` / :meth:`aiter_sse` as with httpx-sse.

    Args:
        response: a response opened with ``client.stream(...)``.
        parser_factory: makes the parser (default :class:`sseflow.Parser`).
        raise_on_truncated: when iterated, raise :class:`sseflow.StreamTruncated`
            if the body ends inside an event (by default it is dropped).

    Raises:
        TypeError: ``response`` is not an ``httpx2.Response``, or
            ``parser_factory`` is not callable.
    """

    library = _HTTPX2

    def __init__(
        self,
        response: httpx2.Response,
        *,
        parser_factory: ParserFactory = Parser,
        raise_on_truncated: bool = False,
    ) -> None:
        super().__init__(response, parser_factory=parser_factory)
        self._raise_on_truncated = raise_on_truncated

    def __iter__(self) -> Iterator[Event]:
        return self.iter_sse(raise_on_truncated=self._raise_on_truncated)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self.aiter_sse(raise_on_truncated=self._raise_on_truncated)


def connect_sse(
    client: httpx2.Client,
    method: str,
    url: str | httpx2.URL,
    *,
    parser_factory: ParserFactory = Parser,
    **kwargs: Any,
) -> AbstractContextManager[EventSource]:
    """:func:`sseflow.httpx.connect_sse` for an ``httpx2.Client``: sends a request
    and opens its response as an :class:`EventSource`, read with ``iter_sse()``.

    Raises:
        TypeError: at the call: ``client`` is not an ``httpx2.Client``, or
            another argument has the wrong type.
        httpx2.HTTPError: sending the request failed (on entering).
    """
    headers = family.prepare_request(
        _HTTPX2, "connect_sse", "aconnect_sse", False, client, method, url, parser_factory, kwargs
    )
    return family.open_source(_source(parser_factory, False), client, method, url, headers, kwargs)


def aconnect_sse(
    client: httpx2.AsyncClient,
    method: str,
    url: str | httpx2.URL,
    *,
    parser_factory: ParserFactory = Parser,
    **kwargs: Any,
) -> AbstractAsyncContextManager[EventSource]:
    """:func:`sseflow.httpx.aconnect_sse` for an ``httpx2.AsyncClient``; read
    the :class:`EventSource` with ``aiter_sse()``.

    Raises:
        TypeError: at the call: ``client`` is not an ``httpx2.AsyncClient``,
            or another argument has the wrong type.
        httpx2.HTTPError: sending the request failed (on entering).
    """
    headers = family.prepare_request(
        _HTTPX2, "aconnect_sse", "connect_sse", True, client, method, url, parser_factory, kwargs
    )
    return family.aopen_source(_source(parser_factory, False), client, method, url, headers, kwargs)


def sse(
    client: httpx2.Client,
    url: str | httpx2.URL,
    *,
    method: str = "GET",
    max_event_size: int | None = None,
    raise_on_truncated: bool = False,
    parser_factory: ParserFactory | None = None,
    **request_kwargs: Any,
) -> AbstractContextManager[EventSource]:
    """httpx2's ``client.sse(url, ...)``, parsed by sseflow.

    Args:
        client: the httpx2 client to send with.
        url: the URL.
        method: the HTTP method (default ``"GET"``).
        max_event_size: the largest data of one event, in bytes (sseflow's
            ``Parser(max_event_size=...)``); default: no limit (httpx2's own
            default is 1 MiB). Going over raises :class:`sseflow.LimitExceeded`
            while iterating.
        raise_on_truncated: raise :class:`sseflow.StreamTruncated` if the body
            ends inside an event (by default that event is dropped).
        parser_factory: makes the parser instead (``max_event_size`` then
            must not be given).
        **request_kwargs: passed to ``client.stream()`` as to httpx2's
            ``client.sse()`` (``content``, ``json``, ``params``, ``headers``,
            ``timeout``...); sseflow's stream headers (``Accept:
            text/event-stream``, ``Cache-Control: no-cache``, ``Pragma:
            no-cache``) are added.

    Returns:
        A context manager giving the :class:`EventSource`; iterate it for the
        events. Leaving it closes the response.

    Raises:
        TypeError: at the call: ``client`` is not an ``httpx2.Client`` (an
            ``httpx2.AsyncClient`` needs :func:`asse`), another argument has
            the wrong type, or both ``max_event_size`` and ``parser_factory``
            are given.
        ValueError: at the call: ``max_event_size`` is negative.
        SSEError: while iterating: the response is not ``text/event-stream``.
        httpx2.HTTPError: sending the request failed (on entering).
    """
    factory = _sse_parser_factory(max_event_size, parser_factory)
    headers = family.prepare_request(
        _HTTPX2, "sse", "asse", False, client, method, url, factory, request_kwargs
    )
    source = _source(factory, raise_on_truncated)
    return family.open_source(source, client, method, url, headers, request_kwargs)


def asse(
    client: httpx2.AsyncClient,
    url: str | httpx2.URL,
    *,
    method: str = "GET",
    max_event_size: int | None = None,
    raise_on_truncated: bool = False,
    parser_factory: ParserFactory | None = None,
    **request_kwargs: Any,
) -> AbstractAsyncContextManager[EventSource]:
    """httpx2's ``async_client.sse(url, ...)``, parsed by sseflow: as :func:`sse`,
    for an ``httpx2.AsyncClient``; iterate the source with ``async for``.

    Raises:
        TypeError: at the call: ``client`` is not an ``httpx2.AsyncClient``,
            or another argument is wrong, as for :func:`sse`.
        ValueError: at the call: ``max_event_size`` is negative.
        SSEError: while iterating: the response is not ``text/event-stream``.
        httpx2.HTTPError: sending the request failed (on entering).
    """
    factory = _sse_parser_factory(max_event_size, parser_factory)
    headers = family.prepare_request(
        _HTTPX2, "asse", "sse", True, client, method, url, factory, request_kwargs
    )
    source = _source(factory, raise_on_truncated)
    return family.aopen_source(source, client, method, url, headers, request_kwargs)


def _sse_parser_factory(
    max_event_size: int | None, parser_factory: ParserFactory | None
) -> ParserFactory:
    """The parser factory of :func:`sse`, its limit checked now."""
    if parser_factory is not None:
        if max_event_size is not None:
            raise TypeError(
                "give max_event_size or parser_factory, not both: "
                "set the limit in the factory, e.g. lambda: Parser(max_event_size=...)"
            )
        return parser_factory
    if max_event_size is None:
        return Parser
    Parser(max_event_size=max_event_size)  # raises the binding's TypeError or ValueError
    return partial(Parser, max_event_size=max_event_size)


def _source(
    parser_factory: ParserFactory, raise_on_truncated: bool
) -> Callable[[httpx2.Response], EventSource]:
    return lambda response: EventSource(
        response, parser_factory=parser_factory, raise_on_truncated=raise_on_truncated
    )
