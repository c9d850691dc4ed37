"""The readers: :func:`stream` / :func:`astream` yield deltas, :func:`read` / :func:`aread`
give the :class:`Completion`."""

from __future__ import annotations

import inspect
import itertools
import sys
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from types import TracebackType
from typing import Any, TypeAlias

from sseflow.errors import StreamTruncated
from sseflow.llm._completion import Completion, Delta
from sseflow.llm._core import Core, FormatChoice, OnError, http_error, request_id_of
from sseflow.stream import aiter_events, iter_events

__all__ = ["AsyncLLMStream", "LLMStream", "aread", "astream", "read", "stream"]

Truncated: TypeAlias = bool | Callable[[], bool]
"""Whether an event source ended inside an event: a flag, or a function asked at the end
(e.g. ``lambda: parser.truncated``)."""

_BYTES = (bytes, bytearray, memoryview)
_END: Any = object()


def _pair(item: object) -> tuple[str, str] | None:
    """``(event type, data)`` of an event object (anything else, e.g. a comment: ``None``)."""
    data = getattr(item, "data", None)
    if not isinstance(data, str):
        return None
    name = getattr(item, "event", None)
    return (name if isinstance(name, str) and name else "message"), data


def _http_module(name: str) -> Any:
    """A module only if it is already imported (an object of it can exist only then)."""
    return sys.modules.get(name)


def _httpx_response(source: object) -> Any:
    """The httpx response behind ``source`` (a response or an ``sseflow.httpx.EventSource``)."""
    httpx = _http_module("httpx")
    if httpx is not None and isinstance(source, httpx.Response):
        return source
    wrapper = _http_module("sseflow.httpx")
    if wrapper is not None and isinstance(source, wrapper.EventSource):
        return source.response
    return None


class _Base:
    """What the sync and async readers share: the source, the state, the record."""

    def __init__(
        self,
        source: object,
        *,
        format: FormatChoice = "auto",
        on_error: OnError = "raise",
        partial_json: bool = False,
        truncated: Truncated = False,
        request_id: str | None = None,
    ) -> None:
        if isinstance(source, str):
            raise TypeError("the source must give bytes or events, not be a str")
        self._source = source
        self._truncated = truncated
        self._core = Core(format, on_error, partial_json, request_id)
        self._queue: deque[Delta] = deque()
        self._cut = False
        response = _httpx_response(source)
        if response is not None and request_id is None:
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
        truncated = self._truncated() if callable(self._truncated) else self._truncated
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
        return _open_sync(self._source, self._core)

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


def _open_sync(source: object, core: Core) -> Iterator[object]:
    """The items of a source, for a sync reader."""
    response = _httpx_response(source)
    if response is not None:
        if response.status_code >= 400:
            body = response.read()
            core.fail(http_error(response.status_code, body, core.format, core.request_id))
            return iter(())
        events: Iterator[object] = _event_source(source, response).iter_sse(raise_on_truncated=True)
        return events
    if isinstance(source, _BYTES):
        return iter_events([source], raise_on_truncated=True)
    if callable(getattr(source, "read", None)):
        return iter_events(source, raise_on_truncated=True)  # type: ignore[arg-type]
    if isinstance(source, Iterable):
        return _sniff(iter(source))
    raise TypeError(
        "expected bytes, a binary file, an iterable of chunks or of events, "
        f"or an httpx response, got {type(source).__name__}"
    )


def _event_source(source: object, response: Any) -> Any:
    """``source`` if it is an ``sseflow.httpx.EventSource``, else one on ``response``."""
    import sseflow.httpx

    if isinstance(source, sseflow.httpx.EventSource):
        return source
    return sseflow.httpx.EventSource(response)


def _sniff(iterator: Iterator[object]) -> Iterator[object]:
    """Events as they are, or the events of byte chunks (told by the first item)."""
    first = next(iterator, _END)
    if first is _END:
        return
    if isinstance(first, _BYTES):
        chunks = itertools.chain([first], iterator)
        yield from iter_events(chunks, raise_on_truncated=True)  # type: ignore[arg-type]
    else:
        yield first
        yield from iterator


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
        source, core = self._source, self._core
        response = _httpx_response(source)
        if response is not None:
            if response.status_code >= 400:
                body = await response.aread()
                core.fail(http_error(response.status_code, body, core.format, core.request_id))
                return _nothing()
            events: AsyncIterator[object] = _event_source(source, response).aiter_sse(
                raise_on_truncated=True
            )
            return events
        if isinstance(source, _BYTES):
            return aiter_events(_once(bytes(source)), raise_on_truncated=True)
        read = getattr(source, "read", None)
        if read is not None and inspect.iscoroutinefunction(read):
            return aiter_events(source, raise_on_truncated=True)  # type: ignore[arg-type]
        if isinstance(source, AsyncIterable):
            return _asniff(aiter(source))
        return _aiterate(_open_sync(source, core))

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


async def _asniff(iterator: AsyncIterator[object]) -> AsyncIterator[object]:
    first = await anext(iterator, _END)
    if first is _END:
        return
    if isinstance(first, _BYTES):

        async def chunks() -> AsyncIterator[Any]:
            yield first
            async for chunk in iterator:
                yield chunk

        async for event in aiter_events(chunks(), raise_on_truncated=True):
            yield event
    else:
        yield first
        async for item in iterator:
            yield item


def stream(
    source: object,
    *,
    format: FormatChoice = "auto",
    on_error: OnError = "raise",
    partial_json: bool = False,
    truncated: Truncated = False,
    request_id: str | None = None,
) -> LLMStream:
    """Reads an LLM stream, yielding deltas as they come; its record is ``.completion`` at the end.

    Args:
        source: where the events come from:

            - bytes (the whole stream), a binary file, or an iterable of byte
              chunks: parsed with :func:`sseflow.iter_events`, which reports an
              end inside an event (status ``truncated``);
            - an httpx response, or an :class:`sseflow.httpx.EventSource`: as
              bytes, plus the request ID header; an HTTP error answer (status
              400 or more) becomes a :class:`ProviderError` from its JSON body;
            - an iterable of events (:class:`sseflow.Event`, the reference's, or
              anything with ``event`` and ``data``, e.g. httpx-sse's): an
              iterator that raises :class:`sseflow.StreamTruncated` (made with
              ``raise_on_truncated=True``) reports a cut; else pass ``truncated``.
        format: ``"openai-chat"``, ``"openai-responses"``, ``"anthropic"``, or
            ``"auto"`` to tell it from the first events.
        on_error: ``"raise"`` an error event as a :class:`ProviderError` (its
            ``completion`` holds the record), or ``"record"`` it in the
            record's ``error`` and read on.
        partial_json: give each :class:`ToolCallDelta` the best parse of the
            arguments so far (``partial``); needs jiter (``sseflow[llm]``).
        truncated: for an iterable of events, whether it ended inside an event:
            a bool, or a function asked at the end (``lambda: parser.truncated``).
        request_id: the request ID, for a source that does not carry headers.

    Returns:
        An :class:`LLMStream`.

    Raises:
        ImportError: ``partial_json`` without jiter.
        ValueError: an unknown ``format`` or ``on_error``.
    """
    return LLMStream(
        source,
        format=format,
        on_error=on_error,
        partial_json=partial_json,
        truncated=truncated,
        request_id=request_id,
    )


def astream(
    source: object,
    *,
    format: FormatChoice = "auto",
    on_error: OnError = "raise",
    partial_json: bool = False,
    truncated: Truncated = False,
    request_id: str | None = None,
) -> AsyncLLMStream:
    """The async :func:`stream`: also takes an async iterable of chunks or events, an
    async reader (``asyncio.StreamReader``, aiohttp's ``response.content``) or an
    httpx response of an ``AsyncClient``."""
    return AsyncLLMStream(
        source,
        format=format,
        on_error=on_error,
        partial_json=partial_json,
        truncated=truncated,
        request_id=request_id,
    )


def read(
    source: object,
    *,
    format: FormatChoice = "auto",
    on_error: OnError = "raise",
    truncated: Truncated = False,
    request_id: str | None = None,
) -> Completion:
    """Reads a whole LLM stream and returns its :class:`Completion` (see :func:`stream`).

    Raises:
        ProviderError: an error event, with ``on_error="raise"``.
    """
    with stream(
        source, format=format, on_error=on_error, truncated=truncated, request_id=request_id
    ) as reader:
        return reader.until_done()


async def aread(
    source: object,
    *,
    format: FormatChoice = "auto",
    on_error: OnError = "raise",
    truncated: Truncated = False,
    request_id: str | None = None,
) -> Completion:
    """The async :func:`read`."""
    async with astream(
        source, format=format, on_error=on_error, truncated=truncated, request_id=request_id
    ) as reader:
        return await reader.until_done()
