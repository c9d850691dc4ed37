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

import inspect
import io
import os
import sys
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Generator,
    Iterable,
    Iterator,
)
from typing import TYPE_CHECKING, Final, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    from typing_extensions import Buffer

# The checks the readers share live in private modules; the names stay importable from here.
from sseflow._checks import MAX_CHUNK_SIZE, check_source
from sseflow._checks import check_chunk_size as check_chunk_size
from sseflow._checks import type_name as type_name
from sseflow._factory import ParserFactory, ParserLike
from sseflow._factory import check_parser_factory as check_parser_factory
from sseflow._factory import new_parser as new_parser
from sseflow._native import Event, Parser
from sseflow.errors import LimitExceeded, StreamTruncated

__all__ = ["DEFAULT_CHUNK_SIZE", "MAX_CHUNK_SIZE", "ParserFactory", "aiter_events", "iter_events"]

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


Source: TypeAlias = "Iterable[Buffer] | SupportsRead"
AsyncSource: TypeAlias = "AsyncIterable[Buffer] | SupportsAsyncRead"


def _check_arguments(source: object, chunk_size: object, parser_factory: object) -> None:
    """The checks both readers make at the call."""
    check_source(source)
    check_chunk_size(chunk_size)
    check_parser_factory(parser_factory)


_TEXT_FILE_HINT: Final = "the file gives text: open the file in binary mode ('rb')"
_TEXT_READER_HINT: Final = "the reader gives text: read the stream as bytes"


def _read_chunks(reader: SupportsRead, chunk_size: int) -> Iterator[bytes]:
    read = getattr(reader, "read1", None) or reader.read
    while chunk := read(chunk_size):
        yield chunk


def _hinted(error: TypeError, chunk: object, text_hint: str | None) -> TypeError:
    """The error to raise for a chunk the parser refused: with the hint for text from a reader."""
    if text_hint is None or not isinstance(chunk, str):
        return error
    hinted = TypeError(f"{error}: {text_hint}")
    hinted.__cause__ = error
    return hinted


def _finish(parser: ParserLike[Event], raise_on_truncated: bool) -> Iterator[Event]:
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
        chunk_size: the largest read from a file object, in bytes (1 to
            :data:`MAX_CHUNK_SIZE`).
        raise_on_truncated: raise :class:`sseflow.StreamTruncated` when the
            stream ends inside an event. By default the incomplete event is
            dropped silently, as the standard says.
        parser_factory: makes the one parser every byte goes through
            (default: :class:`sseflow.Parser`); use it to set limits.

    Returns:
        An iterator of :class:`sseflow.Event`, each yielded as soon as the chunk
        that completes it was read.

    Raises:
        TypeError: at the call: ``source`` is neither iterable nor a file, or is
            itself a ``bytes``/``str`` object; ``chunk_size`` is not an int;
            ``parser_factory`` is not callable or made no parser. While
            iterating: a chunk is not bytes-like (a file opened in text mode
            gives ``str``).
        ValueError: at the call: ``chunk_size`` is less than 1 or more than
            :data:`MAX_CHUNK_SIZE`.
        StreamTruncated: the stream ended inside an event and
            ``raise_on_truncated`` is true (after every complete event).
        LimitExceeded: a limit set on the parser was exceeded.
    """
    _check_arguments(source, chunk_size, parser_factory)
    chunks, text_hint = _sync_chunks(source, chunk_size)
    return _iter_events(chunks, raise_on_truncated, new_parser(parser_factory), text_hint)


def _sync_chunks(
    source: Source, chunk_size: int, caller: str = "iter_events"
) -> tuple[Iterator[Buffer], str | None]:
    """The chunks of a checked sync source, and the hint to add to the error for a text chunk.
    ``caller`` is the function named in the error.

    Raises:
        TypeError: ``source`` is not iterable.
    """
    # A file object is read, never iterated: iterating one splits it into lines.
    if isinstance(source, SupportsRead):
        return _read_chunks(source, chunk_size), _TEXT_FILE_HINT
    try:
        return iter(source), None
    except TypeError as error:
        path = ": open(path, 'rb') for a file" if isinstance(source, os.PathLike) else ""
        raise TypeError(
            f"{caller}() expects an iterable of bytes or a binary file, "
            f"got {type_name(source)}{path}"
        ) from error


def _iter_events(
    chunks: Iterator[Buffer],
    raise_on_truncated: bool,
    parser: ParserLike[Event],
    text_hint: str | None,
) -> Generator[Event, None, None]:
    for chunk in chunks:
        try:
            events: Iterable[Event] = parser.parse(chunk)
        except (LimitExceeded, TypeError) as error:
            events = _failed(parser, chunk, error, text_hint)
        yield from events
    yield from _finish(parser, raise_on_truncated)


def _failed(
    parser: ParserLike[Event],
    chunk: Buffer,
    error: LimitExceeded | TypeError,
    text_hint: str | None,
) -> Iterator[Event]:
    """What a chunk the parser refused gives: a limit's error after the events
    before the offending one, a wrong type's error with a hint."""
    if isinstance(error, LimitExceeded):
        yield from _before_limit(parser)
        raise error
    raise _hinted(error, chunk, text_hint)


def _before_limit(parser: ParserLike[Event]) -> Iterator[Event]:
    """The events before the one over a limit. An ``sseflow.arrow.BatchParser`` in place
    of the parser cuts its rows not yet in a batch into one first, and waits for the
    batches its threads decode, so that no event before the error is held back. An error
    that doing so meets (a JSON error in a batch a thread decoded) is an earlier event's:
    it is raised, after the batches before it, in place of the limit's."""
    flush = getattr(parser, "flush", None)
    if flush is not None:
        try:
            flush()
            parser.wait()  # type: ignore[attr-defined]  # a BatchParser's
        except Exception:
            yield from parser.events()
            raise
    yield from parser.events()


def _check_async_reader(reader: SupportsAsyncRead) -> None:
    if isinstance(reader, io.IOBase):
        raise TypeError(
            f"aiter_events() expects an async reader, got {type_name(reader)}, "
            "a sync file: use iter_events() for it"
        )


async def _aread_chunks(reader: SupportsAsyncRead, chunk_size: int) -> AsyncIterator[bytes]:
    while True:
        pending = reader.read(chunk_size)
        if not inspect.isawaitable(pending):
            raise TypeError(
                f"aiter_events() expects an async reader, but {type_name(reader)}.read() "
                f"returned {type_name(pending)}, not an awaitable: use iter_events() "
                "for a sync reader"
            )
        chunk = await pending
        if not chunk:
            return
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
        chunk_size: the largest read from a reader, in bytes (1 to
            :data:`MAX_CHUNK_SIZE`).
        raise_on_truncated: raise :class:`sseflow.StreamTruncated` when the
            stream ends inside an event, instead of dropping that event.
        parser_factory: makes the one parser every byte goes through
            (default: :class:`sseflow.Parser`); use it to set limits. A
            ``sseflow.arrow.BatchParser`` is driven as ``aiter_batches``
            drives it: its calls that may wait for its decoding threads run
            off the event loop.

    Returns:
        An async iterator of :class:`sseflow.Event`.

    Raises:
        TypeError: at the call: ``source`` is neither an async iterable nor an
            async reader (a sync file or iterable points to
            :func:`iter_events`), or is itself a ``bytes``/``str`` object;
            ``chunk_size`` is not an int; ``parser_factory`` is not callable
            or made no parser. While iterating: a chunk is not bytes-like, or
            the reader's ``read`` turned out to be sync.
        ValueError: at the call: ``chunk_size`` is less than 1 or more than
            :data:`MAX_CHUNK_SIZE`.
        StreamTruncated: the stream ended inside an event and
            ``raise_on_truncated`` is true (after every complete event).
        LimitExceeded: a limit set on the parser was exceeded.
    """
    _check_arguments(source, chunk_size, parser_factory)
    chunks: AsyncIterable[Buffer]
    text_hint = None
    if isinstance(source, SupportsAsyncRead):
        _check_async_reader(source)
        chunks = _aread_chunks(source, chunk_size)
        text_hint = _TEXT_READER_HINT
    elif isinstance(source, AsyncIterable):
        chunks = source
    else:
        sync = ": use iter_events() for a sync iterable" if isinstance(source, Iterable) else ""
        raise TypeError(
            "aiter_events() expects an async iterable of bytes or an async reader, "
            f"got {type_name(source)}{sync}"
        )
    parser = new_parser(parser_factory)
    if _decodes_on_threads(parser):
        from sseflow.arrow._offload import aiter_batches_of

        batches = aiter_batches_of(chunks, raise_on_truncated, parser, text_hint)  # type: ignore[arg-type]
        return batches  # type: ignore[return-value]
    return _aiter_events(chunks, raise_on_truncated, parser, text_hint)


def _decodes_on_threads(parser: object) -> bool:
    """Whether ``parser`` is an ``sseflow.arrow.BatchParser``, which some calls may make wait
    for its decoding threads: those run off the event loop (``sseflow.arrow._offload``).
    Checked without importing the module, which a program that made one has imported."""
    kind = getattr(sys.modules.get("sseflow_arrow"), "BatchParser", None)
    return isinstance(kind, type) and isinstance(parser, kind)


async def _aiter_events(
    chunks: AsyncIterable[Buffer],
    raise_on_truncated: bool,
    parser: ParserLike[Event],
    text_hint: str | None,
) -> AsyncGenerator[Event, None]:
    async for chunk in chunks:
        try:
            events: Iterable[Event] = parser.parse(chunk)
        except (LimitExceeded, TypeError) as error:
            events = _failed(parser, chunk, error, text_hint)
        for event in events:
            yield event
    for event in _finish(parser, raise_on_truncated):
        yield event
