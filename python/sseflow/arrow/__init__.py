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

With ``json_schema=``, each event's data is decoded into a typed ``json`` column,
in the call that cuts its batch or, with ``decode_threads=N``, on N threads of the
parser's own while feeding goes on: the same batches, in the same order
(:class:`BatchParser` says when iterating waits, and when it does not).
"""

from __future__ import annotations

from sseflow.arrow._errors import JSONDataError
from sseflow.arrow._live import AsyncBatchStream, afollow, follow
from sseflow.arrow._native import BatchParser, RecordBatch, Schema
from sseflow.arrow._stream import BatchStream, aiter_batches, iter_batches

__all__ = [
    "AsyncBatchStream",
    "BatchParser",
    "BatchStream",
    "JSONDataError",
    "RecordBatch",
    "Schema",
    "afollow",
    "aiter_batches",
    "follow",
    "iter_batches",
]
