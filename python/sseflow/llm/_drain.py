"""Reading on after the terminal event, within bounds.

The answer ends at the terminal event, but an HTTP client reuses a pooled
connection only once the body was read to its end. So the readers read on, for
at most :data:`DRAIN_BYTES` and :data:`DRAIN_SECONDS`; past either they stop (the
connection is then closed rather than reused) and say so in an anomaly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Final, TypeVar

from sseflow.llm._core import Core

__all__ = ["DRAIN_BYTES", "DRAIN_SECONDS", "Drain", "Stopped", "chunk_size", "data_size"]

DRAIN_BYTES: Final = 64 * 1024
"""The most read after the terminal event: bytes of the body (of event data, for a
source of events)."""
DRAIN_SECONDS: Final = 1.0
"""The longest read after the terminal event. Async readers cut a read off at this
time; sync readers check it between reads, each bounded by the client's read timeout."""

T = TypeVar("T")


class Stopped(Exception):
    """Raised into the parsing when reading after the terminal event went past a bound."""


def chunk_size(chunk: object) -> int:
    """The size of a bytes-like chunk (1 for anything else, counted all the same)."""
    try:
        return memoryview(chunk).nbytes  # type: ignore[arg-type]
    except TypeError:
        return 1


def data_size(item: object) -> int:
    """The size of an event's data."""
    data = getattr(item, "data", None)
    return len(data) if isinstance(data, str) else 1


class Drain:
    """Counts what is read after the terminal event of ``core``'s stream."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self._started: float | None = None
        self._read = 0
        self._expired = False

    def _left(self) -> float | None:
        """Seconds left to read after the terminal event (``None``: it has not come)."""
        if self._started is None:
            return None
        return DRAIN_SECONDS - (time.monotonic() - self._started)

    def _check(self) -> None:
        """Raises :class:`Stopped` (noting why) if a bound is passed; starts the clock."""
        if not self._core.ended:
            return
        if self._started is None:
            self._started = time.monotonic()
        left = self._left()
        if self._expired or self._read > DRAIN_BYTES or (left is not None and left <= 0):
            self._core.note(
                "order",
                f"stopped reading after the terminal event, {self._read} bytes later "
                f"(bounds: {DRAIN_BYTES} bytes, {DRAIN_SECONDS} s)",
            )
            raise Stopped

    def _count(self, size: int) -> None:
        if self._core.ended:
            self._read += size

    def bounded(self, items: Iterable[T], size: Callable[[T], int]) -> Iterator[T]:
        """``items``, checked against the bounds before each is read."""
        iterator = iter(items)
        while True:
            self._check()
            try:
                item = next(iterator)
            except StopIteration:
                return
            self._count(size(item))
            yield item

    async def abounded(self, items: AsyncIterable[T], size: Callable[[T], int]) -> AsyncIterator[T]:
        """The async :meth:`bounded`: a read after the terminal event is cut off in time."""
        iterator = aiter(items)
        while True:
            self._check()
            left = self._left()
            try:
                if left is None:
                    item = await anext(iterator)
                else:
                    async with asyncio.timeout(max(left, 0.0)):
                        item = await anext(iterator)
            except StopAsyncIteration:
                return
            except TimeoutError:
                self._expired = True
                continue
            self._count(size(item))
            yield item
