"""Ctrl-C and SIGTERM for the commands that follow streams (``listen``, ``ingest``).

Either signal stops a read at once but never a write, so that what a command wrote
is whole and holds every event it read before the signal. SIGTERM is how a service
manager (systemd, ``docker stop``, Kubernetes) stops a process; by default it kills
Python at once, halfway through a line or a file's footer.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Interrupt:
    """Turns SIGINT and SIGTERM into ``KeyboardInterrupt``: at once while a read runs
    (:meth:`read`), else at the next :meth:`check`.

    Used as a context manager, which installs its handlers and restores the ones
    before on exit.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.reading = False
        self.pending = False
        self.signum = signal.SIGINT

    def __enter__(self) -> Interrupt:
        self.reading = False
        self.pending = False
        self.signum = signal.SIGINT
        self._previous = [signal.signal(signum, self._handle) for signum in self.SIGNALS]
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, previous in zip(self.SIGNALS, self._previous, strict=True):
            signal.signal(signum, previous)

    @property
    def status(self) -> int:
        """The exit status of a process the signal stopped: 130 for Ctrl-C, 143 for
        SIGTERM, as a shell reports them."""
        return 128 + self.signum

    def _handle(self, signum: int, frame: object) -> None:
        if not self.pending:
            # A second signal while the first waits (a write runs) changes nothing.
            self.signum = signal.Signals(signum)
        if self.reading:
            raise KeyboardInterrupt
        self.pending = True

    def check(self) -> None:
        """Raises the interrupt deferred while writing, if any."""
        if self.pending:
            raise KeyboardInterrupt

    def read(self, step: Callable[[], T]) -> T:
        """Runs a read, which a signal interrupts at once."""
        self.check()
        self.reading = True
        try:
            return step()
        finally:
            self.reading = False
