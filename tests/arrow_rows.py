"""Helpers for the sseflow.arrow tests: batches as rows, through pyarrow."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from sseflow.arrow import BatchParser, RecordBatch


def rows(batches: Iterable[RecordBatch]) -> list[dict[str, Any]]:
    """Every row of the batches, in order, as pyarrow reads them."""
    return [row for batch in batches for row in pa.record_batch(batch).to_pylist()]


def event_tuples(batches: Iterable[RecordBatch]) -> list[tuple[str, str, str, int | None]]:
    """The rows as ``(event, data, id, retry)``, the conformance table's form."""
    return [(r["event"], r["data"], r["id"], r["retry"]) for r in rows(batches)]


def feed_all(parser: BatchParser, chunks: Sequence[bytes]) -> list[RecordBatch]:
    """Feeds the chunks, taking the ready batches after each, then closes."""
    batches: list[RecordBatch] = []
    for chunk in chunks:
        parser.feed(chunk)
        batches += parser
    parser.close()
    batches += parser
    return batches
