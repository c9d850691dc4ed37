"""Server-sent events over an aiohttp response.

::

    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers=sseflow.aiohttp.STREAM_HEADERS) as response:
            async for event in sseflow.aiohttp.iter_sse(response):
                print(event.data)

The body is read as bytes with ``response.content.read(chunk_size)`` (which
returns what has arrived, up to ``chunk_size``), never by aiohttp's line or
text readers, and every byte goes through one :class:`sseflow.Parser`. Needs
the ``aiohttp`` extra: ``pip install sseflow[aiohttp]``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import aiohttp

from sseflow._http import STREAM_HEADERS, check_event_stream
from sseflow._native import Event, Parser
from sseflow.stream import (
    DEFAULT_CHUNK_SIZE,
    ParserFactory,
    aiter_events,
    check_parser_factory,
    type_name,
)

__all__ = ["STREAM_HEADERS", "iter_sse"]


def _check_response(response: aiohttp.ClientResponse) -> None:
    check_event_stream(response.status, response.headers.get("Content-Type"))


def iter_sse(
    response: aiohttp.ClientResponse,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    raise_on_truncated: bool = False,
    parser_factory: ParserFactory = Parser,
) -> AsyncGenerator[Event, None]:
    """Yields the events of an aiohttp response as they arrive.

    Args:
        response: the response (its body not read yet).
        chunk_size: the largest read, in bytes (1 to
            :data:`sseflow.stream.MAX_CHUNK_SIZE`).
        raise_on_truncated: raise :class:`sseflow.StreamTruncated` if the body
            ends inside an event (by default that event is dropped).
        parser_factory: makes the parser (default :class:`sseflow.Parser`).

    Returns:
        An async iterator of :class:`sseflow.Event`.

    Raises:
        TypeError: at the call: ``response`` is not an
            ``aiohttp.ClientResponse``, ``chunk_size`` is not an int, or
            ``parser_factory`` is not callable. At the first step:
            ``parser_factory`` made no parser.
        ValueError: at the first step: ``chunk_size`` is out of range.
        ConnectionFailed: at the first step: the response's ``Content-Type``
            is not ``text/event-stream`` (``.status`` and ``.content_type``
            tell).
        StreamTruncated: see ``raise_on_truncated``.
        aiohttp.ClientError: reading the body failed.
    """
    if not isinstance(response, aiohttp.ClientResponse):
        raise TypeError(f"response must be an aiohttp.ClientResponse, got {type_name(response)}")
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool):
        raise TypeError(f"chunk_size must be an int, got {type_name(chunk_size)}")
    check_parser_factory(parser_factory)
    return _iter_sse(response, chunk_size, raise_on_truncated, parser_factory)


async def _iter_sse(
    response: aiohttp.ClientResponse,
    chunk_size: int,
    raise_on_truncated: bool,
    parser_factory: ParserFactory,
) -> AsyncGenerator[Event, None]:
    # The content type and the range of chunk_size are checked at the first
    # step, as they always were (callers iterate to see those errors).
    _check_response(response)
    events = aiter_events(
        response.content,
        chunk_size=chunk_size,
        raise_on_truncated=raise_on_truncated,
        parser_factory=parser_factory,
    )
    try:
        async for event in events:
            yield event
    finally:
        await events.aclose()
