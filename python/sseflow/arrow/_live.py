"""Live streams into batches: rows cut by time as well as by size, and ``follow``, a
reconnecting ``sseflow.EventSource`` read into batches on a thread of its own
(``afollow``: an ``AsyncEventSource``, read by a task of its own).

A batch of a live stream is cut at most ``flush_seconds`` after its first row came,
so that a slow stream reaches its consumer as it goes; reading on a thread lets the
wait for the next event time out meanwhile. ``sseflow ingest`` follows its URLs and
pipes with the same :class:`Cadence`.
"""

from __future__ import annotations

import collections.abc
import contextlib
import math
import threading
import time
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from sseflow.arrow._native import BatchParser, RecordBatch
from sseflow.arrow._stream import BatchStream

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Iterable, Iterator

    from sseflow import AsyncEventSource, Event, EventSource
    from sseflow._arrivals import Arrivals, Ended

__all__ = ["AsyncBatchStream", "Cadence", "afollow", "follow", "wire"]

FLUSH_SECONDS: Final = 1.0
"""By default, a live stream's rows are cut into a batch at most this long after they came."""

TURN: Final = 256
"""The most events that came meanwhile parsed as one chunk."""

SOURCE_PARSER: Final = ("default_event", "max_line_size", "max_event_size")
"""The options of the stream's own parsing, which the source's parser applies: the
batches are parsed again from its events written back to the wire format, whose lines
are not the stream's (``data: x``, not ``data:x``; no comments)."""


class Cadence:
    """When a live source's rows are cut: at most ``seconds`` after the first of them
    came, besides by size as a file's are. The first batch too is not cut at once, so
    that an inferred type gets the rows of the stream's first ``seconds``, not its
    first event."""

    def __init__(self, parser: BatchParser, seconds: float = FLUSH_SECONDS) -> None:
        self._parser = parser
        self._seconds = seconds
        self._since: float | None = None  # when the rows not cut yet began to wait

    def wait(self) -> float | None:
        """How long to wait for more input before the rows are due (``None``: none wait)."""
        if self._since is None:
            return None
        # A wait of days is as good as none: no thread's wait takes more.
        due = self._since + self._seconds - time.monotonic()
        return min(max(0.0, due), threading.TIMEOUT_MAX)

    def cut(self) -> Iterator[RecordBatch]:
        """After input (or a wait that ran out): the batches ready, the due rows cut."""
        if not self._parser.pending_rows:
            self._since = None
        elif self._since is None:
            self._since = time.monotonic()
        elif time.monotonic() - self._since >= self._seconds:
            self._parser.flush()
            self._since = None
        return iter(self._parser)


def wire(events: Iterable[Event]) -> bytes:
    """``events`` written back to the wire format, one chunk for a :class:`BatchParser`.

    Written here, not by ``sseflow.encode``, which refuses an event type holding NUL:
    the standard takes one (only an ID with NUL is ignored), and a stream's events all
    go back. An event whose type is ``None`` (``default_event=None``) has no ``event``
    line."""
    parts: list[str] = []
    for event in events:
        if event.event is not None:
            parts.append(_field("event", event.event))
        parts.append(_field("id", event.id))
        if event.retry is not None:
            parts.append(f"retry: {event.retry}\n")
        parts.extend(_field("data", line) for line in event.data.split("\n"))
        parts.append("\n")
    return "".join(parts).encode()


def _field(name: str, value: str) -> str:
    # One space after the colon, which the parser strips: a value that starts with one keeps it.
    return f"{name}: {value}\n" if value else f"{name}\n"


def follow(
    source: str | EventSource,
    *,
    flush_seconds: float = FLUSH_SECONDS,
    **options: Any,
) -> BatchStream:
    """The record batches of a live stream, followed across reconnections until the
    server ends it (204) or the stream is closed.

    Args:
        source: a URL, followed by ``sseflow.EventSource(source)`` (which needs httpx,
            or httpx2), or an ``sseflow.EventSource`` made as wanted (headers,
            ``max_retries``, a client, ``last_event_id`` to resume after).
        flush_seconds: the longest a row waits to be cut into a batch (a finite
            number > 0), besides ``batch_rows`` and ``batch_bytes``.
        options: the :class:`BatchParser` options (``json_schema``, ``batch_rows``,
            ``label``...), and ``last_event_id``, which the ``EventSource`` made of a URL
            resumes after (give your own source its own); ``decode_threads`` stays 0
            (a live stream comes slower than the calling thread decodes it). ``default_event``,
            ``max_line_size`` and ``max_event_size`` go to the parser of the
            ``EventSource`` made of a URL (give them to your own source's
            ``parser_factory``). There is no ``offsets``: the events come over
            several connections, so a byte position in one stream would mislead.

    Returns:
        A :class:`BatchStream`, read on a thread of its own from the first
        iteration: closing it (or leaving its ``with`` block) closes the source
        and ends the thread.

    Raises:
        TypeError: a ``source`` that is neither, a ``flush_seconds`` that is no
            number, or a bad ``BatchParser`` option.
        ValueError: a ``flush_seconds`` not above 0, or infinite or NaN; a
            ``decode_threads`` other than 0; ``offsets=True``; ``default_event``,
            ``last_event_id`` or a limit with an ``EventSource`` given.

    Iterating raises what the source raises (``sseflow.ConnectionFailed``,
    ``sseflow.RetriesExhausted``), once the batches of the events before are out.
    ``KeyboardInterrupt`` comes at once: the rows not in a batch yet are then had by
    ``stream.parser.close()`` and iterating ``stream.parser``.
    """
    import sseflow

    _check(flush_seconds, options, "follow")
    options, own = _split(options, given=not isinstance(source, str), name="follow")
    if isinstance(source, str):
        factory = partial(sseflow.Parser, **own)
        source = sseflow.EventSource(source, parser_factory=factory, **_resumed(options))
    elif not isinstance(source, sseflow.EventSource):
        raise TypeError(
            f"follow() takes a URL or an sseflow.EventSource, not {type(source).__name__}"
        )
    else:
        options.update(_default_of(source))
    parser = BatchParser(**options)
    return _Following(_followed(source, parser, flush_seconds), parser, source)


class _Following(BatchStream):
    """The stream of a followed source: closing it closes the source, also before the
    first batch was asked for (the reading generator, never started, closes nothing)."""

    def __init__(
        self, batches: Iterator[RecordBatch], parser: BatchParser, source: EventSource
    ) -> None:
        super().__init__(batches, parser)
        self._source = source

    def close(self) -> None:
        super().close()
        self._source.close()


def afollow(
    source: str | AsyncEventSource,
    *,
    flush_seconds: float = FLUSH_SECONDS,
    **options: Any,
) -> AsyncBatchStream:
    """:func:`follow` in asyncio: the record batches of a live stream followed by an
    ``sseflow.AsyncEventSource`` (made of a URL, or given), read by a task of its own
    while the rows wait for their ``flush_seconds``. The same arguments, errors and
    batches; closing the iterator (``aclose()``, or leaving an ``async for`` early
    and letting it be finalized) cancels the task and closes the source.
    """
    import sseflow

    _check(flush_seconds, options, "afollow")
    options, own = _split(options, given=not isinstance(source, str), name="afollow")
    if isinstance(source, str):
        factory = partial(sseflow.Parser, **own)
        source = sseflow.AsyncEventSource(source, parser_factory=factory, **_resumed(options))
    elif not isinstance(source, sseflow.AsyncEventSource):
        sync = (
            ": use follow() for an EventSource" if isinstance(source, sseflow.EventSource) else ""
        )
        raise TypeError(
            "afollow() takes a URL or an sseflow.AsyncEventSource, not "
            f"{type(source).__name__}{sync}"
        )
    else:
        options.update(_default_of(source))
    parser = BatchParser(**options)
    return AsyncBatchStream(_afollowed(source, parser, flush_seconds), parser, source)


class AsyncBatchStream(collections.abc.AsyncGenerator["RecordBatch", None]):
    """What :func:`afollow` returns: the record batches, read by a task, and the
    ``parser``. ``aclose()`` cancels the task and closes the source (also before the
    first batch was asked for)."""

    def __init__(
        self,
        batches: AsyncGenerator[RecordBatch, None],
        parser: BatchParser,
        source: AsyncEventSource,
    ) -> None:
        self._batches = batches
        self._source = source
        self.parser = parser
        """The parser, as a :class:`BatchStream`'s: after ``aclose()``, ``parser.close()``
        then its batches give the rows not cut yet and those of the events read ahead."""

    async def asend(self, value: None) -> RecordBatch:
        return await self._batches.asend(value)

    async def athrow(self, *args: Any) -> RecordBatch:
        return await self._batches.athrow(*args)

    async def aclose(self) -> None:
        try:
            await self._batches.aclose()
        finally:
            await self._source.aclose()


def _check(flush_seconds: object, options: dict[str, Any], name: str) -> None:
    if isinstance(flush_seconds, bool) or not isinstance(flush_seconds, int | float):
        raise TypeError(f"flush_seconds must be a number, not {type(flush_seconds).__name__}")
    if not (math.isfinite(flush_seconds) and flush_seconds > 0):
        raise ValueError(f"flush_seconds must be a finite number above 0, got {flush_seconds}")
    if options.get("decode_threads", 0) != 0:
        raise ValueError(f"{name}() decodes in the calling thread: decode_threads must be 0")


def _split(
    options: dict[str, Any], given: bool, name: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The :class:`BatchParser` options, and those of the source's parser
    (:data:`SOURCE_PARSER`); the batch parser takes the same default event type."""
    if options.get("offsets"):
        raise ValueError(
            f"{name}() has no offsets: a followed stream's events come over several "
            "connections, and are parsed again from their wire format; for a byte position, "
            "iter_batches(response, offsets=True) reads one response"
        )
    if given and "last_event_id" in options:
        raise ValueError(
            f"{name}() of an EventSource: give last_event_id to the EventSource "
            "(it sends it as Last-Event-ID)"
        )
    own: dict[str, Any] = {key: options.pop(key) for key in SOURCE_PARSER if key in options}
    if own and given:
        raise ValueError(
            f"{name}() of an EventSource: give {', '.join(own)} to its parser_factory "
            "(its parser reads the stream)"
        )
    if "default_event" in own:
        options["default_event"] = own["default_event"]
    return options, own


def _resumed(options: dict[str, Any]) -> dict[str, Any]:
    """The ``last_event_id`` to resume after, taken out of ``options``: the source made
    of a URL sends it (a batch parser given it would change nothing, the events written
    back all having an ``id`` line)."""
    return {"last_event_id": options.pop("last_event_id")} if "last_event_id" in options else {}


def _default_of(source: EventSource | AsyncEventSource) -> dict[str, Any]:
    """The ``default_event`` of the parser of an ``EventSource`` given, found by
    parsing an event that names no type: written back, an event whose type is
    ``None`` has no ``event`` line, and ``""`` a bare one."""
    from sseflow._factory import new_parser

    parser = new_parser(source._options.parser_factory)
    parsed = parser.parse(b"data\n\n")
    parser.close()
    return {"default_event": parsed[0].event} if parsed else {}


def _followed(source: EventSource, parser: BatchParser, seconds: float) -> Iterator[RecordBatch]:
    from sseflow._arrivals import Arrivals

    cadence = Cadence(parser, seconds)
    with contextlib.closing(Arrivals(source)) as arrivals:
        try:
            while _took(arrivals, parser, cadence.wait()):
                # Not `yield from`, which would close the parser when this generator is.
                for batch in cadence.cut():  # noqa: UP028
                    yield batch
        except (GeneratorExit, KeyboardInterrupt):
            # Left early, or Ctrl-C: the events read ahead go to the parser, whose
            # close() then gives them (the source's last event ID is past them).
            kept = arrivals.close_keeping()
            with contextlib.suppress(Exception):  # a limit or JSON error: no more rows
                parser.feed(wire(kept))
            raise
        except Exception:
            # The rows before a failure, then the failure.
            parser.close()
            yield from parser
            raise
    parser.close()
    yield from parser


def _took(arrivals: Arrivals, parser: BatchParser, timeout: float | None) -> bool:
    """Feeds ``parser`` the events that came, as one chunk, waiting up to ``timeout``
    seconds for the first (``None``: no limit); whether the source goes on."""
    return _turn(parser, arrivals.next(timeout), arrivals.take)


def _turn(
    parser: BatchParser, first: Event | Ended | None, take: Callable[[], Event | Ended | None]
) -> bool:
    """Feeds ``parser`` ``first`` and the events ``take`` has without waiting, as one
    chunk (those before a failure too); whether the source goes on."""
    from sseflow._arrivals import Ended

    events: list[Event] = []
    item = first
    try:
        # Any parser's events (``sseflow.reference``'s are of another class).
        while item is not None and not isinstance(item, Ended):
            events.append(item)
            item = take() if len(events) < TURN else None
    finally:
        if events:
            parser.feed(wire(events))
    return not isinstance(item, Ended)


async def _afollowed(
    source: AsyncEventSource, parser: BatchParser, seconds: float
) -> AsyncGenerator[RecordBatch, None]:
    import asyncio

    from sseflow._arrivals import ENDED, WAITING, Ended, Failed, opened

    arrived: asyncio.Queue[Event | Ended | Failed] = asyncio.Queue(WAITING)

    async def read() -> None:
        try:
            async for event in source:
                await arrived.put(event)
            item: Ended | Failed = ENDED
        except Exception as error:  # raised by the consumer, after the rows before it
            item = Failed(error)
        await arrived.put(item)

    def take() -> Event | Ended | None:
        return None if arrived.empty() else opened(arrived.get_nowait())

    cadence = Cadence(parser, seconds)
    reader = asyncio.ensure_future(read())
    try:
        while True:
            try:
                first = await asyncio.wait_for(arrived.get(), cadence.wait())
            except TimeoutError:
                first = None  # the rows may be due
            try:
                going = _turn(parser, None if first is None else opened(first), take)
            except Exception:
                parser.close()
                for batch in parser:
                    yield batch
                raise
            if not going:
                break
            for batch in cadence.cut():
                yield batch
        parser.close()
        for batch in parser:
            yield batch
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        # Left early: the events read ahead go to the parser, whose close() then gives
        # them (the source took their IDs); at the end or after an error, none wait.
        kept: list[Event] = []
        while not arrived.empty():
            item = arrived.get_nowait()
            if not isinstance(item, Ended | Failed):
                kept.append(item)
        if kept and not parser.closed:
            with contextlib.suppress(Exception):  # a limit or JSON error: no more rows
                parser.feed(wire(kept))
        await source.aclose()
