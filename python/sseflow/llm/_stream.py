"""The readers: :func:`stream` / :func:`astream` yield deltas, :func:`read` / :func:`aread`
give the :class:`Completion`."""

from __future__ import annotations

import inspect
import itertools
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from types import TracebackType
from typing import Any, Final, Unpack, overload

from sseflow.errors import StreamTruncated
from sseflow.llm._completion import Completion, Delta
from sseflow.llm._core import Core
from sseflow.llm._drain import Drain, Stopped, chunk_size, data_size
from sseflow.llm._options import (
    AsyncByteSource,
    AsyncEventSource,
    ByteOptions,
    ByteSource,
    EventOptions,
    EventSource,
    Options,
    ParserFactory,
)
from sseflow.llm._responses import (
    check_response,
    factory_of,
    http_error,
    request_id_of,
    response_of,
)
from sseflow.stream import aiter_events, iter_events

__all__ = ["AsyncLLMStream", "LLMStream", "aread", "astream", "read", "stream"]

_BYTES = (bytes, bytearray, memoryview)
_END: Any = object()
_PARSED_ALREADY: Final = (
    "parser_factory, max_line_size and max_event_size apply to bytes, "
    "but the source gives events, already parsed"
)


def _pair(item: object) -> tuple[str, str] | None:
    """``(event type, data)`` of an event object (anything else, e.g. a comment: ``None``)."""
    data = getattr(item, "data", None)
    if not isinstance(data, str):
        return None
    name = getattr(item, "event", None)
    return (name if isinstance(name, str) and name else "message"), data


class _Base:
    """What the sync and async readers share: the source, the state, the record."""

    def __init__(self, source: object, options: Options) -> None:
        if isinstance(source, str):
            raise TypeError("the source must give bytes or events, not be a str")
        self._source = source
        self._options = options
        self._core = Core(options)
        self._queue: deque[Delta] = deque()
        self._cut = False
        self._drain = Drain(self._core)
        response = response_of(source)
        if response is not None and options.request_id is None:
            self._core.request_id = request_id_of(response.headers)

    @property
    def completion(self) -> Completion:
        """The final record.

        Raises:
            RuntimeError: the stream is not finished: iterate it to the end,
                or call ``until_done()`` or ``close()`` first.
        """
        if self._core.result is None:
            raise RuntimeError(
                "the stream is not finished: iterate it to the end, or call until_done() or close()"
            )
        return self._core.result

    @property
    def request_id(self) -> str | None:
        """The request ID, known from the start for an HTTP response."""
        return self._core.request_id

    def _end(self) -> None:
        flag = self._options.truncated
        truncated = flag() if callable(flag) else flag
        self._core.finish(truncated=self._cut or truncated, cancelled=False)

    def _take(self, item: object) -> None:
        pair = _pair(item)
        if pair is not None:
            self._queue.extend(self._core.event(*pair))


class LLMStream(_Base):
    """Reads an LLM stream: iterate it for the deltas, then take :attr:`completion`.

    Made by :func:`stream`. Leaving a ``with`` block or calling :meth:`close`
    before the end stops reading; the record's status is then ``cancelled``.
    """

    _items: Iterator[object] | None = None

    def __iter__(self) -> LLMStream:
        return self

    def __next__(self) -> Delta:
        while not self._queue:
            if self._core.result is not None:
                raise StopIteration
            if self._items is None:
                self._items = self._open()
            try:
                item = next(self._items, _END)
            except StreamTruncated:
                item, self._cut = _END, True
            except Stopped:
                item = _END
            except BaseException as error:
                self._core.broke(error)
                self._close_items()
                raise
            if item is _END:
                self._end()
                continue
            try:
                self._take(item)
            except BaseException:
                self._close_items()
                raise
        return self._queue.popleft()

    def _open(self) -> Iterator[object]:
        return _open_sync(self._source, self._core, self._options, self._drain)

    def until_done(self) -> Completion:
        """Reads to the end and returns :attr:`completion`."""
        for _ in self:
            pass
        return self.completion

    def close(self) -> None:
        """Stops reading; an unfinished stream's record gets status ``cancelled``."""
        if self._core.result is None:
            self._core.finish(truncated=False, cancelled=True)
        self._queue.clear()
        self._close_items()

    def _close_items(self) -> None:
        close = getattr(self._items, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> LLMStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _open_sync(source: object, core: Core, options: Options, drain: Drain) -> Iterator[object]:
    """The items of a source, for a sync reader."""
    factory = options.factory()
    response = response_of(source)
    if response is not None:
        if response.status_code >= 400:
            body = response.read()
            core.fail(http_error(response.status_code, body, core.format, core.request_id))
            return iter(())
        check_response(response)
        chunks = drain.bounded(response.iter_bytes(), chunk_size)
        return iter_events(
            chunks, raise_on_truncated=True, parser_factory=factory_of(source, options)
        )
    if isinstance(source, _BYTES):
        return iter_events([source], raise_on_truncated=True, parser_factory=factory)
    if callable(getattr(source, "read", None)):
        return iter_events(source, raise_on_truncated=True, parser_factory=factory)  # type: ignore[arg-type]
    if isinstance(source, Iterable):
        return _sniff(iter(source), options, drain)
    raise TypeError(
        "expected bytes, a binary file, an iterable of chunks or of events, "
        f"or an HTTP response, got {type(source).__name__}"
    )


def _sniff(iterator: Iterator[object], options: Options, drain: Drain) -> Iterator[object]:
    """Events as they are, or the events of byte chunks (told by the first item)."""
    first = next(iterator, _END)
    if first is _END:
        return
    if isinstance(first, _BYTES):
        chunks = drain.bounded(itertools.chain([first], iterator), chunk_size)
        yield from iter_events(
            chunks,  # type: ignore[arg-type]
            raise_on_truncated=True,
            parser_factory=options.factory(),
        )
    else:
        if options.parses_bytes:
            raise ValueError(_PARSED_ALREADY)
        yield first
        yield from drain.bounded(iterator, data_size)


class AsyncLLMStream(_Base):
    """The async :class:`LLMStream`: ``async for`` the deltas, then :attr:`completion`.

    Made by :func:`astream`. If the task reading it is cancelled, the record's
    status is ``cancelled``.
    """

    _items: AsyncIterator[object] | None = None

    def __aiter__(self) -> AsyncLLMStream:
        return self

    async def __anext__(self) -> Delta:
        while not self._queue:
            if self._core.result is not None:
                raise StopAsyncIteration
            if self._items is None:
                self._items = await self._open()
            try:
                item = await anext(self._items, _END)
            except StreamTruncated:
                item, self._cut = _END, True
            except Stopped:
                item = _END
            except BaseException as error:
                self._core.broke(error)
                await self._close_items()
                raise
            if item is _END:
                self._end()
                continue
            try:
                self._take(item)
            except BaseException:
                await self._close_items()
                raise
        return self._queue.popleft()

    async def _open(self) -> AsyncIterator[object]:
        source, core, options = self._source, self._core, self._options
        factory = options.factory()
        response = response_of(source)
        if response is not None:
            if response.status_code >= 400:
                body = await response.aread()
                core.fail(http_error(response.status_code, body, core.format, core.request_id))
                return _nothing()
            check_response(response)
            chunks = self._drain.abounded(response.aiter_bytes(), chunk_size)
            return aiter_events(
                chunks, raise_on_truncated=True, parser_factory=factory_of(source, options)
            )
        if isinstance(source, _BYTES):
            return aiter_events(
                _once(bytes(source)), raise_on_truncated=True, parser_factory=factory
            )
        read = getattr(source, "read", None)
        if read is not None and inspect.iscoroutinefunction(read):
            return aiter_events(source, raise_on_truncated=True, parser_factory=factory)  # type: ignore[arg-type]
        if isinstance(source, AsyncIterable):
            return _asniff(aiter(source), options, self._drain)
        return _aiterate(_open_sync(source, core, options, self._drain))

    async def until_done(self) -> Completion:
        """Reads to the end and returns :attr:`completion`."""
        async for _ in self:
            pass
        return self.completion

    async def aclose(self) -> None:
        """Stops reading; an unfinished stream's record gets status ``cancelled``."""
        if self._core.result is None:
            self._core.finish(truncated=False, cancelled=True)
        self._queue.clear()
        await self._close_items()

    async def _close_items(self) -> None:
        close = getattr(self._items, "aclose", None)
        if close is not None:
            await close()

    async def __aenter__(self) -> AsyncLLMStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


async def _nothing() -> AsyncIterator[object]:
    return
    yield  # pragma: no cover


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _aiterate(iterator: Iterator[object]) -> AsyncIterator[object]:
    for item in iterator:
        yield item


async def _asniff(
    iterator: AsyncIterator[object], options: Options, drain: Drain
) -> AsyncIterator[object]:
    first = await anext(iterator, _END)
    if first is _END:
        return
    if isinstance(first, _BYTES):

        async def chunks() -> AsyncIterator[Any]:
            yield first
            async for chunk in iterator:
                yield chunk

        bounded = drain.abounded(chunks(), chunk_size)
        factory: ParserFactory = options.factory()
        async for event in aiter_events(bounded, raise_on_truncated=True, parser_factory=factory):
            yield event
    else:
        if options.parses_bytes:
            raise ValueError(_PARSED_ALREADY)
        yield first
        async for item in drain.abounded(iterator, data_size):
            yield item


_SOURCES_DOC: Final = """
    Args:
        source: where the events come from:

            - bytes (the whole stream), a binary file, or an iterable of byte
              chunks: parsed with :func:`sseflow.iter_events`, which reports an
              end inside an event (status ``truncated``);
            - an HTTP response: an httpx or httpx2 response, an
              :class:`sseflow.httpx.EventSource`, or what the OpenAI, Anthropic
              and Groq SDKs return for a stream (``Stream``, and the
              ``with_raw_response`` / ``with_streaming_response`` objects): its
              body is parsed as bytes and its request ID header kept; an HTTP
              error answer (status 400 or more) becomes a
              :class:`ProviderError` from its JSON body;
            - an iterable of events (:class:`sseflow.Event`, the reference's, or
              anything with ``event`` and ``data``, e.g. httpx-sse's): an
              iterator that raises :class:`sseflow.StreamTruncated` (made with
              ``raise_on_truncated=True``) reports a cut; else pass ``truncated``.
        format: ``"openai-chat"``, ``"openai-responses"``, ``"anthropic"``, ``"gemini"``, or
            ``"auto"`` (the default) to tell it from the first events.
        on_error: ``"raise"`` (the default) an error event as a
            :class:`ProviderError` (its ``completion`` holds the record), or
            ``"record"`` it in the record's ``error`` and read on.
        partial_json: give each :class:`ToolCallDelta` the best parse of the
            arguments so far (``partial``); needs jiter (``sseflow[llm]``).
        request_id: the request ID, for a source that does not carry headers.
        parser_factory: for a source of bytes: makes the parser (default
            :class:`sseflow.Parser`; ``sseflow.reference.Parser`` works too).
        max_line_size, max_event_size: for a source of bytes: the parser's
            limits, passed to ``parser_factory`` as keyword arguments (default:
            none); going over one raises :class:`sseflow.LimitExceeded`, and the
            record is ``truncated``.
        truncated: for an iterable of events, whether it ended inside an event:
            a bool, or a function asked at the end (``lambda: parser.truncated``).
"""


@overload
def stream(source: ByteSource, **options: Unpack[ByteOptions]) -> LLMStream: ...
@overload
def stream(source: EventSource, **options: Unpack[EventOptions]) -> LLMStream: ...
def stream(source: object, **options: Any) -> LLMStream:
    """Reads an LLM stream, yielding deltas as they come; its record is ``.completion`` at the end.

    (The arguments are below.)

    Returns:
        An :class:`LLMStream`.

    Raises:
        ImportError: ``partial_json`` without jiter.
        TypeError: an unknown option, or a source of no known kind.
        ValueError: an unknown ``format`` or ``on_error``; parser options for a
            source of events (when its first event is read).
    """
    return LLMStream(source, Options.of("stream", options))


@overload
def astream(source: AsyncByteSource, **options: Unpack[ByteOptions]) -> AsyncLLMStream: ...
@overload
def astream(source: AsyncEventSource, **options: Unpack[EventOptions]) -> AsyncLLMStream: ...
def astream(source: object, **options: Any) -> AsyncLLMStream:
    """The async :func:`stream`: also takes an async iterable of chunks or events, an
    async reader (``asyncio.StreamReader``, aiohttp's ``response.content``) or an
    httpx / httpx2 response of an ``AsyncClient`` (or an SDK's ``AsyncStream``)."""
    return AsyncLLMStream(source, Options.of("astream", options))


@overload
def read(source: ByteSource, **options: Unpack[ByteOptions]) -> Completion: ...
@overload
def read(source: EventSource, **options: Unpack[EventOptions]) -> Completion: ...
def read(source: object, **options: Any) -> Completion:
    """Reads a whole LLM stream and returns its :class:`Completion` (see :func:`stream`).

    Raises:
        ProviderError: an error event, with ``on_error="raise"``.
    """
    with LLMStream(source, Options.of("read", options)) as reader:
        return reader.until_done()


@overload
async def aread(source: AsyncByteSource, **options: Unpack[ByteOptions]) -> Completion: ...
@overload
async def aread(source: AsyncEventSource, **options: Unpack[EventOptions]) -> Completion: ...
async def aread(source: object, **options: Any) -> Completion:
    """The async :func:`read`."""
    async with AsyncLLMStream(source, Options.of("aread", options)) as reader:
        return await reader.until_done()


for _reader in (stream, astream, read, aread):
    _reader.__doc__ = (_reader.__doc__ or "") + _SOURCES_DOC
