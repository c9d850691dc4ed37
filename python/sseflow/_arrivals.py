"""A live source's events, read on a thread of their own, so that waiting for the
next one can time out: ``sseflow ingest`` and ``sseflow.arrow.follow`` cut the rows
that came before it into a batch meanwhile, rather than when the next one comes; and
several sources' events, waited for at once (:class:`Together`), so that one live URL
never holds up another."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Sequence

    from sseflow import Event, EventSource

WAITING: Final = 1024
"""The most events read ahead of the consumer: the reader then waits for it."""

CLOSING: Final = 5.0
"""How long :meth:`Arrivals.close` waits for the reading thread (a daemon) to end."""


class Ended:
    """What :meth:`Arrivals.next` returns once the source has ended."""


ENDED: Final = Ended()


class Failed:
    """What the source raised, handed to the consumer to raise."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def opened(item: Event | Ended | Failed) -> Event | Ended:
    """The item, or the source's error raised."""
    if isinstance(item, Failed):
        raise item.error
    return item


class _Ready:
    """How the reading threads of :class:`Together` wake its consumer."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._waiting = False

    def notify(self) -> None:
        """After an item is put: wakes the consumer, if it waits. The flag is set before
        the consumer looks for items, so a put that it does not see finds it set (and a
        put while it is not waiting costs no lock)."""
        if self._waiting:
            with self._condition:
                self._condition.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float | None) -> bool:
        with self._condition:
            self._waiting = True
            try:
                return self._condition.wait_for(predicate, timeout)
            finally:
                self._waiting = False


class Arrivals:
    """The events of ``source``, read on a daemon thread from the moment it is made.

    ``with contextlib.closing(Arrivals(source)) as arrivals``: :meth:`close`
    closes ``source``, which wakes the thread's blocked read, and ends the thread.
    ``ready``, if given, is notified after each item is put (see :class:`Together`).
    """

    def __init__(self, source: EventSource, ready: _Ready | None = None) -> None:
        self._source = source
        self._ready = ready
        self._queue: queue.Queue[Event | Ended | Failed] = queue.Queue(WAITING)
        self._closed = False
        self._thread = threading.Thread(target=self._read, name="sseflow-live-reader", daemon=True)
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
        return opened(item)

    def take(self) -> Event | Ended | None:
        """:meth:`next` without waiting: ``None`` at once if nothing waits."""
        try:
            item = self._queue.get_nowait()
        except queue.Empty:
            return None
        return opened(item)

    def close(self) -> None:
        """Closes the source and waits (a few seconds at most) for the thread to end."""
        self._stop()
        self._join(time.monotonic() + CLOSING)

    def close_keeping(self) -> list[Event]:
        """:meth:`close`, keeping the events read and not taken yet, in their order: the
        source has taken their IDs as its last event ID."""
        self._stop()
        kept: list[Event] = []
        deadline = time.monotonic() + CLOSING
        while (self._thread.is_alive() and time.monotonic() < deadline) or self.waiting:
            try:
                item = self._queue.get(timeout=0.05)
            except queue.Empty:
                continue
            if not isinstance(item, Ended | Failed):
                kept.append(item)
        return kept

    def _stop(self) -> None:
        self._closed = True
        self._source.close()

    def _join(self, deadline: float) -> None:
        # A reader waiting for room sees the flag once it has put its event.
        while self._thread.is_alive() and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)

    def _read(self) -> None:
        try:
            for event in self._source:
                # Put even once closed: the source took its ID (close() drains the queue).
                self._put(event)
                if self._closed:
                    return
            item: Event | Ended | Failed = ENDED
        except BaseException as error:  # handed to the consumer, which raises it
            item = Failed(error)
        if not self._closed:
            self._put(item)

    def _put(self, item: Event | Ended | Failed) -> None:
        self._queue.put(item)
        if self._ready is not None:
            self._ready.notify()


class Together:
    """The events of several sources, each read on a thread of its own
    (:attr:`arrivals`, in the order of ``sources``), with a wait for the next item of
    any of them. ``with contextlib.closing(Together(sources))``."""

    def __init__(self, sources: Sequence[EventSource]) -> None:
        self._ready = _Ready()
        self.arrivals = [Arrivals(source, self._ready) for source in sources]

    def wait(self, among: Collection[int], timeout: float | None) -> bool:
        """Waits until one of the arrivals numbered ``among`` has an item waiting, or
        ``timeout`` seconds pass (``None``: no limit); whether one has."""
        return self._ready.wait_for(
            lambda: any(self.arrivals[index].waiting for index in among), timeout
        )

    def close(self) -> None:
        """Closes every source at once, then waits (a few seconds at most) for the threads."""
        for arrivals in self.arrivals:
            arrivals._stop()
        deadline = time.monotonic() + CLOSING
        for arrivals in self.arrivals:
            arrivals._join(deadline)
