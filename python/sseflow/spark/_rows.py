"""Event-stream bytes to Arrow record batches: the one place where rows are made.

:class:`Framer` turns one connection's bytes into record batches with the
columns ``event``, ``data``, ``id`` and ``retry``; everything else in
:mod:`sseflow.spark` (offsets, reconnection, Spark) works on those batches.
"""

from __future__ import annotations

import json
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
        json_type: decode each event's data as JSON into a ``json`` column of
            this struct type (null where the data is no JSON object or does not
            fit the type).
    """

    def __init__(
        self,
        last_event_id: str,
        max_line_size: int | None,
        max_event_size: int | None,
        json_type: pa.StructType | None = None,
    ) -> None:
        self._parser = Parser(
            last_event_id=last_event_id,
            max_line_size=max_line_size,
            max_event_size=max_event_size,
        )
        self._json_type = json_type
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
        datas = [e.data for e in events]
        columns = [
            pa.array([e.event for e in events], pa.string()),
            pa.array(datas, pa.string()),
            pa.array([e.id for e in events], pa.string()),
            pa.array(retries, pa.int64()),
        ]
        names = ["event", "data", "id", "retry"]
        if self._json_type is not None:
            columns.append(_decode(datas, self._json_type))
            names.append("json")
        return pa.record_batch(columns, names=names)


def _decode(datas: list[str], json_type: pa.StructType) -> pa.Array:
    """Each data decoded as JSON into ``json_type``; null where it does not fit."""
    import pyarrow as pa

    values = []
    for data in datas:
        try:
            value = json.loads(data)
        except ValueError:
            value = None
        values.append(value if isinstance(value, dict) else None)
    try:
        return pa.array(values, json_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([_fit(value, json_type) for value in values], json_type)


def _fit(value: object, json_type: pa.StructType) -> object:
    import pyarrow as pa

    try:
        pa.array([value], json_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return None
    return value
