"""Server-sent events over a requests response.

::

    with requests.get(url, stream=True, headers=sseflow.requests.STREAM_HEADERS) as response:
        for event in sseflow.requests.iter_sse(response):
            print(event.data)

The body is read as bytes with urllib3's ``read1`` (urllib3 2 or later;
content decoding such as gzip applied), which returns what has arrived:
``iter_content(n)`` would wait for ``n`` bytes, holding live events back, and
``iter_lines()`` splits lines the way the standard does not. Every byte goes through one
:class:`sseflow.Parser`. Needs the ``requests`` extra:
``pip install sseflow[requests]``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator

import requests
import urllib3

from sseflow._http import STREAM_HEADERS, check_event_stream
from sseflow._native import Event, Parser
from sseflow.stream import (
    DEFAULT_CHUNK_SIZE,
    ParserFactory,
    check_chunk_size,
    check_parser_factory,
    iter_events,
    type_name,
)

__all__ = ["STREAM_HEADERS", "iter_sse"]


def _check_response(response: requests.Response) -> None:
    check_event_stream(response.status_code, response.headers.get("Content-Type"))


def _chunks(response: requests.Response, chunk_size: int) -> Iterable[bytes]:
    # requests' own flag: a response sent without stream=True was read whole already.
    if getattr(response, "_content_consumed", False):
        return [response.content]
    return _read1_chunks(response.raw, chunk_size)


def _read1_chunks(raw: urllib3.HTTPResponse, chunk_size: int) -> Iterator[bytes]:
    # urllib3's errors become requests' ones, as iter_content() does.
    try:
        while chunk := raw.read1(chunk_size, decode_content=True):
            yield chunk
    except urllib3.exceptions.ProtocolError as error:
        raise requests.exceptions.ChunkedEncodingError(error) from error
    except urllib3.exceptions.DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error) from error
    except urllib3.exceptions.ReadTimeoutError as error:
        raise requests.exceptions.ConnectionError(error) from error


def iter_sse(
    response: requests.Response,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    raise_on_truncated: bool = False,
    parser_factory: ParserFactory = Parser,
) -> Generator[Event, None, None]:
    """Yields the events of a requests response as they arrive.

    Args:
        response: the response, from a request sent with ``stream=True`` (a
            response read whole already is parsed whole).
        chunk_size: the largest read, in bytes (1 to
            :data:`sseflow.stream.MAX_CHUNK_SIZE`).
        raise_on_truncated: raise :class:`sseflow.StreamTruncated` if the body
            ends inside an event (by default that event is dropped).
        parser_factory: makes the parser (default :class:`sseflow.Parser`).

    Returns:
        An iterator of :class:`sseflow.Event`.

    Raises:
        TypeError: at the call: ``response`` is not a ``requests.Response``,
            ``chunk_size`` is not an int, or ``parser_factory`` is not callable
            or made no parser.
        ValueError: at the call: ``chunk_size`` is out of range.
        ConnectionFailed: at the call: the response's ``Content-Type`` is not
            ``text/event-stream`` (``.status`` and ``.content_type`` tell).
        StreamTruncated: see ``raise_on_truncated``.
        requests.RequestException: reading the body failed.
    """
    if not isinstance(response, requests.Response):
        raise TypeError(
            "response must be a requests.Response (from a request sent with stream=True), "
            f"got {type_name(response)}"
        )
    check_chunk_size(chunk_size)
    check_parser_factory(parser_factory)
    _check_response(response)
    return iter_events(
        _chunks(response, chunk_size),
        chunk_size=chunk_size,
        raise_on_truncated=raise_on_truncated,
        parser_factory=parser_factory,
    )
