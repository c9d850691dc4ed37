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

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from importlib.metadata import version
from typing import Any

import httpx

from sseflow import _httpx_family as family
from sseflow import errors
from sseflow._native import Parser
from sseflow.stream import ParserFactory

__all__ = [
    "EventSource",
    "SSEError",
    "ServerSentEvent",
    "__version__",
    "aconnect_sse",
    "connect_sse",
]

__version__: str = version("sseflow")
"""sseflow's version (httpx-sse has ``httpx_sse.__version__``)."""


class SSEError(errors.ConnectionFailed, httpx.TransportError):
    """The response is not an event stream (its ``Content-Type`` is wrong).

    Both an :class:`sseflow.ConnectionFailed` (with ``status`` and
    ``content_type``) and, like httpx-sse's ``SSEError``, an
    ``httpx.TransportError``.
    """


ServerSentEvent = family.ServerSentEvent

_HTTPX = family.Library.of(httpx, SSEError)


class EventSource(family.BaseEventSource[httpx.Response]):
    """A streaming response read as events (httpx-sse's ``EventSource``):
    :meth:`iter_sse` and :meth:`aiter_sse`.

    Args:
        response: a response opened with ``client.stream(...)``.
        parser_factory: makes the parser (default :class:`sseflow.Parser`).

    Raises:
        TypeError: ``response`` is not an ``httpx.Response``, or
            ``parser_factory`` is not callable.
    """

    library = _HTTPX


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
    headers = family.prepare_request(
        _HTTPX, "connect_sse", "aconnect_sse", False, client, method, url, parser_factory, kwargs
    )
    return family.open_source(_source(parser_factory), client, method, url, headers, kwargs)


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
    headers = family.prepare_request(
        _HTTPX, "aconnect_sse", "connect_sse", True, client, method, url, parser_factory, kwargs
    )
    return family.aopen_source(_source(parser_factory), client, method, url, headers, kwargs)


def _source(parser_factory: ParserFactory) -> Callable[[httpx.Response], EventSource]:
    return lambda response: EventSource(response, parser_factory=parser_factory)
