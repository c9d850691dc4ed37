"""Record batches from any byte source or HTTP response, sync or async.

An HTTP response goes through the readers of :mod:`sseflow` (the httpx,
requests and aiohttp wrappers) with a :class:`BatchParser` in place of
``sseflow.Parser``: the same reading, content-type checks and errors, batches
instead of events. A sync iterable of chunks or a binary file is checked and
read as ``sseflow.iter_events`` reads it, but the parser pulls the chunks itself
(``BatchParser.parse_from``), with no Python call per chunk; the batches and
errors are those of ``iter_events`` (tests/test_arrow_pull.py compares both).

With ``decode_threads``, a recorded source (a list or tuple of chunks, an
in-memory buffer, a regular file) is read on while the threads decode, and
the batches come out as they are decoded; from any other source, where the
next chunk may be long in coming, each chunk's batches are waited for before
reading on, so that a live stream's batch is never held back. From an async
source, the calls that may wait run off the event loop (``sseflow.arrow._offload``).
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import AsyncIterable, AsyncIterator, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from sseflow._checks import check_chunk_size, check_source, type_name
from sseflow.arrow._errors import JSONDataError
from sseflow.arrow._native import BatchParser, RecordBatch, Schema, export_stream
from sseflow.errors import LimitExceeded
from sseflow.stream import (
    DEFAULT_CHUNK_SIZE,
    ParserFactory,
    SupportsAsyncRead,
    SupportsRead,
    _before_limit,
    _check_arguments,
    _finish,
    _hinted,
    _sync_chunks,
    aiter_events,
)

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Buffer

    from sseflow._factory import ParserLike
    from sseflow.stream import AsyncSource, Source

__all__ = ["BatchStream", "aiter_batches", "iter_batches"]


class BatchStream:
    """The record batches of one stream: iterate it, or hand it whole to Arrow.

    ``pyarrow.table(stream)``, ``polars.DataFrame(stream)`` and
    ``pyarrow.RecordBatchReader.from_stream(stream)`` read it through
    ``__arrow_c_stream__``, pulling each batch as they need it, so a stream is
    never held whole in memory by sseflow.
    """

    def __init__(self, batches: Iterator[RecordBatch], parser: BatchParser) -> None:
        self._batches = batches
        self._parser = parser
        self._peeked: list[RecordBatch] = []

    @property
    def parser(self) -> BatchParser:
        """The parser: ``truncated``, ``last_event_id`` and ``retry`` of the stream."""
        return self._parser

    @property
    def schema(self) -> Schema:
        """The schema of every batch (when the JSON type is inferred, reading the first batch)."""
        schema = self._parser.schema
        while schema is None:
            batch = next(self._batches, None)
            if batch is None:
                self._parser.close()  # raises what stopped the type from being known
                schema = self._parser.schema
                if schema is None:
                    raise RuntimeError("the stream ended without a schema")
                break
            self._peeked.append(batch)
            schema = self._parser.schema
        return schema

    def __iter__(self) -> BatchStream:
        return self

    def __next__(self) -> RecordBatch:
        if self._peeked:
            return self._peeked.pop(0)
        return next(self._batches)

    def close(self) -> None:
        """Stops reading the source."""
        close = getattr(self._batches, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> BatchStream:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __arrow_c_schema__(self) -> object:
        """The schema as an ``arrow_schema`` PyCapsule."""
        return self.schema.__arrow_c_schema__()

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """The rest of the stream as an ``arrow_array_stream`` PyCapsule.

        ``requested_schema`` is ignored: the batches have one layout.
        """
        return export_stream(self, self.schema)


class _Waiting:
    """A :class:`BatchParser` for a live source: each chunk's batches are
    returned once decoded, rather than when the next chunk comes."""

    def __init__(self, parser: BatchParser) -> None:
        self._parser = parser

    @property
    def parser(self) -> BatchParser:
        return self._parser

    def parse(self, data: Buffer, /) -> list[RecordBatch]:
        batches = self._parser.parse(data)
        return batches + self.events() if self._parser.in_flight else batches

    def events(self) -> list[RecordBatch]:
        self._parser.wait()
        return self._parser.batches()

    def __iter__(self) -> Iterator[RecordBatch]:
        return iter(self.events())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parser, name)


def _recorded(source: object) -> bool:
    """Whether reading ``source`` never waits for data to come: a list or tuple
    of chunks, an in-memory buffer, or a file object on a regular file."""
    if isinstance(source, (list, tuple, io.BytesIO)):
        return True
    fileno = getattr(source, "fileno", None)
    try:
        return fileno is not None and stat.S_ISREG(os.fstat(fileno()).st_mode)
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return False


def _factory(options: dict[str, Any], source: object) -> tuple[BatchParser, ParserFactory]:
    parser = BatchParser(**options)
    reader = parser if _recorded(source) or not options.get("decode_threads") else _Waiting(parser)
    return parser, cast("ParserFactory", lambda: reader)


def _is_instance(value: object, module: str, name: str) -> bool:
    """Whether ``value`` is a ``module.name``, without importing ``module``: a
    program that made one has imported it already."""
    kind = getattr(sys.modules.get(module), name, None)
    return isinstance(kind, type) and isinstance(value, kind)


def iter_batches(
    source: Source | object,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    raise_on_truncated: bool = False,
    **options: Any,
) -> BatchStream:
    """The record batches of a stream, read from any source ``sseflow.iter_events`` takes
    or from an HTTP response.

    Args:
        source: an iterable of bytes-like chunks, a binary file, an
            ``httpx.Response`` or ``httpx2.Response``, a ``requests.Response``
            (opened with ``stream=True``), or an ``sseflow.httpx.EventSource``
            or ``sseflow.httpx2.EventSource`` (its response is read).
        chunk_size: the largest read from a file or a response, in bytes (an httpx or
            httpx2 response is read as its bytes arrive, whatever this is).
        raise_on_truncated: raise :class:`sseflow.StreamTruncated` at the end
            when the stream ended inside an event (after the last batch).
        options: the :class:`BatchParser` options (``batch_rows``,
            ``json_schema``, ``decode_threads``, limits...).

    Returns:
        A :class:`BatchStream`: an iterator of :class:`RecordBatch`, with
        ``__arrow_c_stream__`` for ``pyarrow.table()`` and ``polars.DataFrame()``.

    Raises:
        TypeError: as ``sseflow.iter_events`` (and the HTTP readers) do.
        ConnectionFailed: a response that is not an event stream.
    """
    parser, factory = _factory(options, source)
    return BatchStream(_sync_batches(source, factory, chunk_size, raise_on_truncated), parser)


HTTPX_FAMILY = ("httpx", "httpx2")
"""The client libraries whose responses sseflow's ``<name>.EventSource`` reads."""


def _httpx_source(source: Any, factory: ParserFactory) -> Any | None:
    """An ``sseflow.httpx(2).EventSource`` reading ``source`` with a BatchParser, when
    ``source`` is an httpx or httpx2 response (or such an ``EventSource``), else None."""
    import importlib

    for library in HTTPX_FAMILY:
        if _is_instance(source, f"sseflow.{library}", "EventSource"):
            source = source.response  # read again, with a BatchParser
        if _is_instance(source, library, "Response"):
            reader = importlib.import_module(f"sseflow.{library}")
            return reader.EventSource(source, parser_factory=factory)
    return None


def _sync_batches(
    source: Any, factory: ParserFactory, chunk_size: int, raise_on_truncated: bool
) -> Iterator[RecordBatch]:
    check_chunk_size(chunk_size)
    httpx_source = _httpx_source(source, factory)
    if httpx_source is not None:
        batches = httpx_source.iter_sse(raise_on_truncated=raise_on_truncated)
        return cast("Iterator[RecordBatch]", batches)
    if _is_instance(source, "requests", "Response"):
        from sseflow import requests as sseflow_requests

        return cast(
            "Iterator[RecordBatch]",
            sseflow_requests.iter_sse(
                source,
                chunk_size=chunk_size,
                raise_on_truncated=raise_on_truncated,
                parser_factory=factory,
            ),
        )
    _check_arguments(source, chunk_size, factory)
    chunks, text_hint = _sync_chunks(source, chunk_size, "iter_batches")
    reader = cast("BatchParser | _Waiting", factory())
    if text_hint is not None:
        chunks = _binary(chunks, reader, text_hint)
    return _pulled_batches(chunks, reader, raise_on_truncated)


def _pulled_batches(
    chunks: Iterator[Buffer], reader: BatchParser | _Waiting, raise_on_truncated: bool
) -> Generator[RecordBatch, None, None]:
    """What ``iter_events(chunks, parser_factory=...)`` yields, the parser pulling the
    chunks itself (``parse_from``): one call for the chunks before each batch, rather
    than one per chunk. The same batches and errors, in the same order, except that
    with decoding threads, the batches decoded before a limit error or before a JSON
    error raised by ``close()`` always come out before it (``iter_events`` handed
    them out or not depending on the threads' timing)."""
    parser, wait = (reader.parser, True) if isinstance(reader, _Waiting) else (reader, False)
    while True:
        try:
            batches = parser.parse_from(chunks, wait=wait)
        except LimitExceeded:
            # As iter_events: a limit's error after the events before the offending one,
            # those not yet in a batch too.
            yield from cast("Iterator[RecordBatch]", _before_limit(cast("ParserLike[Any]", parser)))
            raise
        if not batches:
            break
        yield from batches
    try:
        parser.close()
    except JSONDataError:
        yield from parser  # decoded before the bad event's batch
        raise
    finish = _finish(cast("ParserLike[Any]", parser), raise_on_truncated)  # closing again: no-op
    yield from cast("Iterator[RecordBatch]", finish)


def _binary(
    chunks: Iterator[Buffer], reader: BatchParser | _Waiting, text_hint: str
) -> Iterator[Buffer]:
    """The reads of a file, a read of text refused as ``iter_events`` refuses it: the
    parser's ``TypeError``, with ``text_hint``."""
    for chunk in chunks:
        if isinstance(chunk, str):
            raise _refused(reader, chunk, text_hint)
        yield chunk


def _refused(reader: BatchParser | _Waiting, chunk: str, text_hint: str) -> TypeError:
    try:
        reader.feed(chunk)  # type: ignore[arg-type]  # what it raises is the point
    except TypeError as error:
        return _hinted(error, chunk, text_hint)
    raise AssertionError("feed() took a str")


def aiter_batches(
    source: AsyncSource | object,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    raise_on_truncated: bool = False,
    **options: Any,
) -> AsyncIterator[RecordBatch]:
    """The record batches of a stream read from an async source.

    Args:
        source: what ``sseflow.aiter_events`` takes (an async iterable of
            bytes, an async reader), an ``httpx.Response`` or
            ``httpx2.Response`` of an async client (or an
            ``sseflow.httpx(2).EventSource`` made on one), or an
            ``aiohttp.ClientResponse``.
        chunk_size: the largest read, in bytes (an httpx or httpx2 response is read as
            its bytes arrive, whatever this is).
        raise_on_truncated: as in :func:`iter_batches`.
        options: the :class:`BatchParser` options.

    Returns:
        An async iterator of :class:`RecordBatch`: each chunk's batches come
        out before the next chunk is read. With ``decode_threads``, the calls
        that may wait for the decoding threads run on the loop's default
        executor (under Trio, on its worker threads), so the loop runs
        meanwhile; the batches and errors are those :func:`iter_batches`
        gives from a live source. A cancelled consumer first lets the call
        on a thread end (once the batches in flight are decoded).
    """
    # Every async source is live; the reader hands each chunk's batches out before
    # reading on, waiting for them off the event loop (sseflow.arrow._offload).
    parser = BatchParser(**options)
    factory = cast("ParserFactory", lambda: parser)
    return _async_batches(source, factory, chunk_size, raise_on_truncated)


def _async_batches(
    source: Any, factory: ParserFactory, chunk_size: int, raise_on_truncated: bool
) -> AsyncIterator[RecordBatch]:
    events: AsyncIterator[Any]
    check_chunk_size(chunk_size)
    httpx_source = _httpx_source(source, factory)
    if httpx_source is not None:
        events = httpx_source.aiter_sse(raise_on_truncated=raise_on_truncated)
    elif _is_instance(source, "aiohttp", "ClientResponse"):
        from sseflow import aiohttp as sseflow_aiohttp

        events = sseflow_aiohttp.iter_sse(
            source,
            chunk_size=chunk_size,
            raise_on_truncated=raise_on_truncated,
            parser_factory=factory,
        )
    else:
        if isinstance(source, io.IOBase) or not isinstance(
            source, SupportsAsyncRead | AsyncIterable
        ):
            check_source(source)  # a buffer, a str: the message that says what to pass
            requests = _is_instance(source, "requests", "Response")
            sync_source = isinstance(source, SupportsRead | Iterable) or requests
            sync = ": use iter_batches() for a sync source" if sync_source else ""
            raise TypeError(
                "aiter_batches() expects an async iterable of bytes, an async reader or an "
                f"async client's response, got {type_name(source)}{sync}"
            )
        events = aiter_events(
            source,
            chunk_size=chunk_size,
            raise_on_truncated=raise_on_truncated,
            parser_factory=factory,
        )
    return cast("AsyncIterator[RecordBatch]", events)
