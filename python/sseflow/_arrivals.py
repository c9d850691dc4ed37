"""A live source's events, read on a thread of their own, so that waiting for the
next one can time out: ``sseflow ingest`` writes the events that came before it
meanwhile, rather than when the next one comes."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sseflow import Event, EventSource

WAITING: Final = 1024
"""The most events read ahead of the consumer: the reader then waits for it."""

CLOSING: Final = 5.0
"""How long :meth:`Arrivals.close` waits for the reading thread (a daemon) to end."""


class Ended:
    """What :meth:`Arrivals.next` returns once the source has ended."""


ENDED: Final = Ended()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class Arrivals:
    """The events of ``source``, read on a daemon thread from the moment it is made.

    ``with contextlib.closing(Arrivals(source)) as arrivals``: :meth:`close`
    closes ``source``, which wakes the thread's blocked read, and ends the thread.
    """

    def __init__(self, source: EventSource) -> None:
        self._source = source
        self._queue: queue.Queue[Event | Ended | _Failed] = queue.Queue(WAITING)
        self._closed = False
        self._thread = threading.Thread(
            target=self._read, name="sseflow-ingest-reader", daemon=True
        )
        self._thread.start()

    @property
    def waiting(self) -> int:
        """How many items (events, or the end) were read and wait for :meth:`next`."""
        return self._queue.qsize()

    @property
    def reading(self) -> bool:
        """Whether the thread reading the source is still running."""
        return self._thread.is_alive()

    def next(self, timeout: float | None) -> Event | Ended | None:
        """The next event, :data:`ENDED`, or ``None`` if none came within
        ``timeout`` seconds (``None``: no limit). What the source raised is
        raised here."""
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(item, _Failed):
            raise item.error
        return item

    def close(self) -> None:
        """Closes the source and waits (a few seconds at most) for the thread to end."""
        self._closed = True
        self._source.close()
        # A reader waiting for room sees the flag once it has put its event.
        deadline = time.monotonic() + CLOSING
        while self._thread.is_alive() and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)

    def _read(self) -> None:
        try:
            for event in self._source:
                if self._closed:
                    return
                self._queue.put(event)
            item: Event | Ended | _Failed = ENDED
        except BaseException as error:  # handed to the consumer, which raises it
            item = _Failed(error)
        if not self._closed:
            self._queue.put(item)
