"""Event-stream bytes to Arrow record batches, by :mod:`sseflow.arrow`.

:class:`Framer` feeds one connection's bytes to an :class:`sseflow.arrow.BatchParser`
and hands out its batches with Spark's column types: ``event``, ``data``, ``id``
(strings), ``retry`` (``bigint``) and, with a JSON type, ``json`` and
``json_error``. Everything else in :mod:`sseflow.spark` (offsets, reconnection,
Spark) works on those batches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from sseflow.arrow import BatchParser
from sseflow.errors import LimitExceeded

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["COLUMNS", "INT64_MAX", "JSON_COLUMNS", "Framer"]

COLUMNS: Final = "event string, data string, id string, retry bigint"
"""The event's columns, as a Spark DDL string."""

JSON_COLUMNS: Final = "json_error string"
"""The column beside ``json`` that says why an event's data was not decoded."""

INT64_MAX: Final = 2**63 - 1
"""Spark has no unsigned type: a ``retry`` above this is given as null."""


class Framer:
    """Frames one connection's bytes into record batches of its events.

    Args:
        last_event_id: the last event ID the connection starts from.
        max_line_size: the parser's line limit, in bytes (``None``: none).
        max_event_size: the parser's event limit, in bytes (``None``: none).
        json_type: decode each event's data as JSON into a ``json`` column of
            this struct type (null, with the reason in ``json_error``, where the
            data is not JSON or does not fit the type).
    """

    def __init__(
        self,
        last_event_id: str,
        max_line_size: int | None,
        max_event_size: int | None,
        json_type: pa.StructType | None = None,
    ) -> None:
        import pyarrow as pa

        self._parser = BatchParser(
            last_event_id=last_event_id,
            max_line_size=max_line_size,
            max_event_size=max_event_size,
            json_schema=None if json_type is None else pa.schema(list(json_type)),
        )
        self._json = json_type is not None
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
        self._parser.flush()
        batches = [pa.record_batch(batch) for batch in self._parser]
        if not batches:
            return None
        return _spark_types(batches[0] if len(batches) == 1 else pa.concat_batches(batches))


def _spark_types(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch with the types Spark reads: plain strings, a signed ``retry``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    retry = batch.column("retry")
    signed = pc.if_else(pc.greater(retry, INT64_MAX), None, retry).cast(pa.int64())
    columns = [
        batch.column("event").cast(pa.string()),
        batch.column("data").cast(pa.string()),
        batch.column("id").cast(pa.string()),
        signed,
    ]
    names = ["event", "data", "id", "retry"]
    if "json" in batch.column_names:
        columns += [batch.column("json"), batch.column("json_error").cast(pa.string())]
        names += ["json", "json_error"]
    return pa.record_batch(columns, names=names)
