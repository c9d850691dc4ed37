"""Event streams straight into Apache Arrow: record batches, no Python object per event.

>>> from sseflow.arrow import BatchParser
>>> parser = BatchParser()
>>> parser.feed(b"event: greet\\ndata: hello\\n\\ndata: two\\n\\n")
>>> parser.close()
>>> [(batch.num_rows, batch.column_names) for batch in parser]
[(2, ['event', 'data', 'id', 'retry'])]

Batches are handed to pyarrow, polars or DuckDB through the Arrow PyCapsule
interface (``pyarrow.record_batch(batch)``, ``polars.DataFrame(batch)``), so this
module imports none of them. The native part comes from the ``sseflow-arrow``
distribution (``pip install ./rust/sseflow-arrow-py``).
"""

from __future__ import annotations

from sseflow.arrow._errors import JSONDataError
from sseflow.arrow._native import BatchParser, RecordBatch, Schema
from sseflow.arrow._stream import BatchStream, aiter_batches, iter_batches

__all__ = [
    "BatchParser",
    "BatchStream",
    "JSONDataError",
    "RecordBatch",
    "Schema",
    "aiter_batches",
    "iter_batches",
]
