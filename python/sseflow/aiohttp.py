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
from typing import Final

import aiohttp

from sseflow import errors
from sseflow._native import Event, Parser
from sseflow.stream import DEFAULT_CHUNK_SIZE, ParserFactory, aiter_events

__all__ = ["STREAM_HEADERS", "iter_sse"]

STREAM_HEADERS: Final = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
"""Headers to send with an event-stream request."""


def _check_response(response: aiohttp.ClientResponse) -> None:
    content_type = response.headers.get("Content-Type")
    if content_type is None or response.content_type != "text/event-stream":
        raise errors.ConnectionFailed(
            "expected response header Content-Type to be 'text/event-stream', "
            f"got {content_type!r} (status {response.status})",
            status=response.status,
            content_type=content_type,
        )


async def iter_sse(
    response: aiohttp.ClientResponse,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    raise_on_truncated: bool = False,
    parser_factory: ParserFactory = Parser,
) -> AsyncGenerator[Event, None]:
    """Yields the events of an aiohttp response as they arrive.

    Args:
        response: the response (its body not read yet).
        chunk_size: the largest read, in bytes.
        raise_on_truncated: raise :class:`sseflow.StreamTruncated` if the body
            ends inside an event (by default that event is dropped).
        parser_factory: makes the parser (default :class:`sseflow.Parser`).

    Returns:
        An async iterator of :class:`sseflow.Event`.

    Raises:
        ConnectionFailed: the response's ``Content-Type`` is not
            ``text/event-stream`` (``.status`` and ``.content_type`` tell).
        StreamTruncated: see ``raise_on_truncated``.
        aiohttp.ClientError: reading the body failed.
    """
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
