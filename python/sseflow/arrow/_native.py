"""The native part, from the sseflow-arrow distribution, with a clear error when it is missing."""

from __future__ import annotations

try:
    from sseflow_arrow import BatchParser, RecordBatch, Schema, export_stream
except ImportError as error:  # tests/test_cli_ingest.py hides the module to check this
    raise ImportError(
        "sseflow.arrow needs its native module, from the sseflow-arrow distribution in this "
        "repository: pip install ./rust/sseflow-arrow-py (see the README, 'Columnar output')"
    ) from error

__all__ = ["BatchParser", "RecordBatch", "Schema", "export_stream"]
