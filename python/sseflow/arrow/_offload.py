"""A :class:`BatchParser` read from an event loop, which keeps running while the parser waits.

With ``decode_threads``, three calls may wait for the parser's decoding
threads: a ``feed``/``parse`` that cuts a batch while N + 1 are in flight
(``may_wait(size)`` says when, and such a call lets go of the interpreter),
``wait()``, and ``close()``, which wait for the batches in flight. Each such
call runs on a thread of the loop's default executor, one call at a time, so
the parser is never used from two threads at once; every other call (a small
``parse``, ``batches()``) stays on the loop, where it costs less than a thread
hop. The calls, and so the batches and errors, are those of the sync reader of
a live source (``sseflow.arrow._stream._Waiting``): after each chunk, the
batches it cut are waited for and handed out before the next chunk is read.

Cancellation: a call on a thread cannot be stopped, so a cancelled consumer
first lets it end (it ends once the batches in flight are decoded), then
raises ``CancelledError``: when the task is done, no thread is inside the
parser, and the batches of that call, never handed out, go with the parser.

Under Trio the calls go to ``trio.to_thread.run_sync``, which has those
semantics; under another event loop they are made in place, as before.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncGenerator, AsyncIterable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sseflow.errors import LimitExceeded, StreamTruncated
from sseflow.stream import _hinted

if TYPE_CHECKING:
    from typing_extensions import Buffer

    from sseflow.arrow._native import BatchParser, RecordBatch

__all__ = ["aiter_batches_of"]

_T = TypeVar("_T")


async def off_loop(call: Callable[[], _T]) -> _T:
    """``call()`` on a thread of the loop's default executor, the loop running meanwhile.

    If the awaiting task is cancelled, ``call`` still ends before the
    ``CancelledError`` goes on (see the module's doc). Under Trio, on one of
    its worker threads (``trio.to_thread.run_sync``, which waits for the call
    when cancelled too); under any other loop, in place.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        trio: Any = sys.modules.get("trio")  # imported by whoever runs a Trio loop
        if trio is not None and trio.lowlevel.in_trio_run():
            return cast("_T", await trio.to_thread.run_sync(call))
        return call()
    done = loop.run_in_executor(None, call)
    try:
        return await asyncio.shield(done)
    except asyncio.CancelledError:
        while not done.done():
            try:
                await asyncio.wait([done])
            except asyncio.CancelledError:  # cancelled again: still let the call end
                continue
        if not done.cancelled():
            done.exception()  # the call's own error, if any, goes with the cancelled task
        raise


def _size(chunk: object) -> int:
    """A chunk's length in bytes; 0 for what is no buffer (the parser refuses it, on the loop)."""
    if isinstance(chunk, bytes):
        return len(chunk)
    try:
        with memoryview(chunk) as view:  # type: ignore[arg-type]
            return view.nbytes
    except TypeError:
        return 0


def _parse_and_wait(parser: BatchParser, chunk: Buffer) -> list[RecordBatch]:
    """``parse(chunk)``, then the batches it cut, once decoded: for a worker thread."""
    batches = parser.parse(chunk)
    return batches + _waited(parser) if parser.in_flight else batches


def _waited(parser: BatchParser) -> list[RecordBatch]:
    parser.wait()
    return parser.batches()


async def aiter_batches_of(
    chunks: AsyncIterable[Buffer],
    raise_on_truncated: bool,
    parser: BatchParser,
    text_hint: str | None,
) -> AsyncGenerator[RecordBatch, None]:
    """What ``sseflow.aiter_events`` yields for a ``BatchParser``: its batches, in stream
    order, with the errors of the sync reader, the loop never waiting for a decoding thread."""
    async for chunk in chunks:
        try:
            if parser.may_wait(_size(chunk)):
                batches = await off_loop(partial(_parse_and_wait, parser, chunk))
            else:
                batches = parser.parse(chunk)
                if parser.in_flight:
                    batches += await off_loop(partial(_waited, parser))
        except LimitExceeded:
            # The events before the offending one first, as the sync reader gives them:
            # those not yet in a batch too, cut into one (which may wait for a thread).
            try:
                await off_loop(parser.flush)
                ready = await off_loop(partial(_waited, parser)) if parser.in_flight else []
            except Exception:
                # An earlier event's error (JSON, from a thread): after the batches
                # before it, in place of the limit's.
                for batch in parser.batches():
                    yield batch
                raise
            for batch in ready + parser.batches():
                yield batch
            raise
        except TypeError as error:
            hinted = _hinted(error, chunk, text_hint)
            if hinted is error:
                raise
            raise hinted from error
        for batch in batches:
            yield batch
    if parser.pending_rows or parser.in_flight:
        await off_loop(parser.close)  # decodes the last batch, without the interpreter
    else:
        parser.close()
    for batch in parser:
        yield batch
    if raise_on_truncated and parser.truncated:
        raise StreamTruncated("the stream ended in the middle of an event")
