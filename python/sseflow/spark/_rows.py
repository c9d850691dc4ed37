"""Event-stream bytes to Arrow record batches: the one place where rows are made.

:class:`Framer` turns one connection's bytes into record batches with the
columns ``event``, ``data``, ``id`` and ``retry``; everything else in
:mod:`sseflow.spark` (offsets, reconnection, Spark) works on those batches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from sseflow._native import Parser
from sseflow.errors import LimitExceeded

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["COLUMNS", "INT64_MAX", "Framer"]

COLUMNS: Final = "event string, data string, id string, retry bigint"
"""The columns of every batch, as a Spark DDL string."""

INT64_MAX: Final = 2**63 - 1
"""Spark has no unsigned type: a ``retry`` above this is given as null."""


class Framer:
    """Frames one connection's bytes into record batches of its events.

    Args:
        last_event_id: the last event ID the connection starts from.
        max_line_size: the parser's line limit, in bytes (``None``: none).
        max_event_size: the parser's event limit, in bytes (``None``: none).
    """

    def __init__(
        self, last_event_id: str, max_line_size: int | None, max_event_size: int | None
    ) -> None:
        self._parser = Parser(
            last_event_id=last_event_id,
            max_line_size=max_line_size,
            max_event_size=max_event_size,
        )
        self.error: LimitExceeded | None = None
        """The limit the stream went over; the events before it were framed."""

    @property
    def retry(self) -> int | None:
        """The reconnection time the stream set, in milliseconds."""
        return self._parser.retry

    def feed(self, chunk: bytes) -> pa.RecordBatch | None:
        """Frames a chunk; returns the batch of the events it completed, if any.

        Over a limit, :attr:`error` is set and the events before the offending
        one are still returned.
        """
        import pyarrow as pa

        try:
            self._parser.feed(chunk)
        except LimitExceeded as error:
            self.error = error
        events = self._parser.events()
        if not events:
            return None
        retries = [e.retry if e.retry is None or e.retry <= INT64_MAX else None for e in events]
        return pa.record_batch(
            [
                pa.array([e.event for e in events], pa.string()),
                pa.array([e.data for e in events], pa.string()),
                pa.array([e.id for e in events], pa.string()),
                pa.array(retries, pa.int64()),
            ],
            names=["event", "data", "id", "retry"],
        )
