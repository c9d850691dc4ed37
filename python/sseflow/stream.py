"""Events from any byte source, sync or async, through one :class:`sseflow.Parser`.

>>> import io
>>> [event.data for event in iter_events(io.BytesIO(b"data: a\\n\\ndata: b\\n\\n"))]
['a', 'b']

Every byte goes through a single parser: these functions neither split lines nor
decode text. A source is read in chunks of ``chunk_size`` bytes at most, with
``read1`` where the source has it, so a live stream (a pipe, a socket) yields
each event as soon as its bytes arrive rather than when a whole chunk filled up.
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
)
from typing import TYPE_CHECKING, Final, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    from typing_extensions import Buffer

from sseflow._native import Event, Parser
from sseflow.errors import LimitExceeded, StreamTruncated

__all__ = ["DEFAULT_CHUNK_SIZE", "ParserFactory", "aiter_events", "iter_events"]

DEFAULT_CHUNK_SIZE: Final = 64 * 1024
"""Largest read, in bytes. Measured on loopback: 64 KiB reads parse a large
stream faster than 4 KiB or 16 KiB reads, and a live stream is never held back,
since a read returns what has arrived."""


@runtime_checkable
class SupportsRead(Protocol):
    """A binary file object: ``read(size)`` returns at most ``size`` bytes, ``b""`` at the end."""

    def read(self, size: int, /) -> bytes: ...


@runtime_checkable
class SupportsAsyncRead(Protocol):
    """An async reader (``asyncio.StreamReader``, aiohttp's ``StreamReader``)."""

    def read(self, n: int, /) -> Awaitable[bytes]: ...


ParserFactory: TypeAlias = "Callable[[], Parser[Event]]"
"""Makes the parser for one stream, e.g. ``lambda: Parser(max_event_size=2**20)``."""

Source: TypeAlias = "Iterable[Buffer] | SupportsRead"
AsyncSource: TypeAlias = "AsyncIterable[Buffer] | SupportsAsyncRead"


def _check_source(source: object) -> None:
    if isinstance(source, str | bytes | bytearray | memoryview):
        raise TypeError(
            f"the source must give chunks of bytes, not be a {type(source).__name__}: "
            "pass [data] or io.BytesIO(data) for one buffer"
        )


def _check_chunk_size(chunk_size: int) -> None:
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")


def _read_chunks(reader: SupportsRead, chunk_size: int) -> Iterator[bytes]:
    read = getattr(reader, "read1", None) or reader.read
    while chunk := read(chunk_size):
        yield chunk


def _finish(parser: Parser[Event], raise_on_truncated: bool) -> Iterator[Event]:
    """Closes the parser and yields what the end of the stream completed."""
    parser.close()
    yield from parser
    if raise_on_truncated and parser.truncated:
        raise StreamTruncated("the stream ended in the middle of an event")


def iter_events(
    source: Source,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    raise_on_truncated: bool = False,
    parser_factory: ParserFactory = Parser,
) -> Generator[Event, None, None]:
    """Yields the events of a stream given as chunks of bytes or a binary file.

    Args:
        source: an iterable of bytes-like chunks (split anywhere), or a binary
            file object, read with ``read1`` (else ``read``) until it returns
            ``b""``.
        chunk_size: the largest read from a file object, in bytes.
        raise_on_truncated: raise :class:`sseflow.StreamTruncated` when the
            stream ends inside an event. By default the incomplete event is
            dropped silently, as the standard says.
        parser_factory: makes the one parser every byte goes through
            (default: :class:`sseflow.Parser`); use it to set limits.

    Returns:
        An iterator of :class:`sseflow.Event`, each yielded as soon as the chunk
        that completes it was read.

    Raises:
        TypeError: ``source`` is itself a ``bytes``/``str`` object, or gives a
            chunk that is not bytes-like.
        ValueError: ``chunk_size`` is less than 1.
        StreamTruncated: the stream ended inside an event and
            ``raise_on_truncated`` is true (after every complete event).
        LimitExceeded: a limit set on the parser was exceeded.
    """
    _check_source(source)
    _check_chunk_size(chunk_size)
    return _iter_events(source, chunk_size, raise_on_truncated, parser_factory())


def _iter_events(
    source: Source, chunk_size: int, raise_on_truncated: bool, parser: Parser[Event]
) -> Generator[Event, None, None]:
    # A file object is read, never iterated: iterating one splits it into lines.
    chunks = _read_chunks(source, chunk_size) if isinstance(source, SupportsRead) else source
    for chunk in chunks:
        try:
            parser.feed(chunk)
        except LimitExceeded:
            yield from parser  # the events before the offending one
            raise
        yield from parser
    yield from _finish(parser, raise_on_truncated)


async def _aread_chunks(reader: SupportsAsyncRead, chunk_size: int) -> AsyncIterator[bytes]:
    while chunk := await reader.read(chunk_size):
        yield chunk


def aiter_events(
    source: AsyncSource,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    raise_on_truncated: bool = False,
    parser_factory: ParserFactory = Parser,
) -> AsyncGenerator[Event, None]:
    """Yields the events of a stream given as an async source of bytes.

    Args:
        source: an async iterable of bytes-like chunks, or an object with an
            async ``read(n)`` (``asyncio.StreamReader``, aiohttp's
            ``StreamReader``), read until it returns ``b""``. An object with
            ``read`` is read with it, never iterated, since those readers
            iterate by lines.
        chunk_size: the largest read from a reader, in bytes.
        raise_on_truncated: raise :class:`sseflow.StreamTruncated` when the
            stream ends inside an event, instead of dropping that event.
        parser_factory: makes the one parser every byte goes through
            (default: :class:`sseflow.Parser`); use it to set limits.

    Returns:
        An async iterator of :class:`sseflow.Event`.

    Raises:
        TypeError: ``source`` is itself a ``bytes``/``str`` object, or gives a
            chunk that is not bytes-like.
        ValueError: ``chunk_size`` is less than 1.
        StreamTruncated: the stream ended inside an event and
            ``raise_on_truncated`` is true (after every complete event).
        LimitExceeded: a limit set on the parser was exceeded.
    """
    _check_source(source)
    _check_chunk_size(chunk_size)
    return _aiter_events(source, chunk_size, raise_on_truncated, parser_factory())


async def _aiter_events(
    source: AsyncSource, chunk_size: int, raise_on_truncated: bool, parser: Parser[Event]
) -> AsyncGenerator[Event, None]:
    chunks: AsyncIterable[Buffer]
    if isinstance(source, SupportsAsyncRead):
        chunks = _aread_chunks(source, chunk_size)
    elif isinstance(source, AsyncIterable):
        chunks = source
    else:
        raise TypeError(
            f"aiter_events() expects an async iterable of bytes or an async reader, "
            f"got {type(source).__name__}"
        )
    async for chunk in chunks:
        try:
            parser.feed(chunk)
        except LimitExceeded:
            for event in parser:  # the events before the offending one
                yield event
            raise
        for event in parser:
            yield event
    for event in _finish(parser, raise_on_truncated):
        yield event
