"""Memory: a stream ingested to Parquet holds a batch at a time, never the stream.

A child process feeds 256 MB of token-stream events through ``iter_batches`` into
``pyarrow.parquet.ParquetWriter`` and reports its peak resident set; the growth
over the interpreter's own must stay near the batch size (8 MiB of text, whose
columns and Parquet pages cost a few times that), far below the stream's size.
(``python -m benches.arrow --memory-only`` does the same with 1 GB.) ``sseflow ingest``
is held to the same bound, with the batches it gathers into a row group.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import json, resource, sys
import pyarrow as pa, pyarrow.parquet as pq
import sseflow
from sseflow.arrow import iter_batches

event = sseflow.encode(json.dumps({"choices": [{"delta": {"content": "token " * 20}}]}))
chunk = event * (16384 // len(event))
total = int(sys.argv[2])

def chunks():
    sent = 0
    while sent < total:
        yield chunk
        sent += len(chunk)

baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
writer = None
rows = 0
for batch in iter_batches(chunks(), batch_bytes=8 << 20):
    if writer is None:
        writer = pq.ParquetWriter(sys.argv[1], pa.schema(batch.schema))
    writer.write_batch(pa.record_batch(batch))
    rows += batch.num_rows
writer.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"rows": rows, "event": len(event), "baseline": baseline, "peak": peak}))
"""

STREAM = 256 * 10**6


@pytest.mark.timeout(120)
def test_peak_memory_is_bounded_by_the_batch(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(out), str(STREAM)],
        capture_output=True,
        text=True,
        timeout=110,
        check=True,
    )
    measured = json.loads(result.stdout)
    assert measured["rows"] * measured["event"] >= STREAM
    growth = measured["peak"] - measured["baseline"]
    assert growth < 150 * 10**6, measured  # a few batches' worth, not the 256 MB stream
    import pyarrow.parquet as pq

    assert pq.ParquetFile(out).metadata.num_rows == measured["rows"]


MEASURED = """
import json, resource, subprocess, sys
# The interpreter with what the command imports, then the command: the peak of the
# children waited for is the larger one's.
subprocess.run([sys.executable, "-c", "import sseflow.ingest, sseflow.arrow, pyarrow.parquet"],
               check=True)
baseline = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
run = subprocess.run([sys.executable, "-m", "sseflow", "ingest", *sys.argv[1:]],
                     capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"status": run.returncode, "stderr": run.stderr,
                  "baseline": baseline, "peak": peak}))
"""


@pytest.mark.timeout(120)
@pytest.mark.parametrize("schema", [(), ("--schema", "infer")])
def test_sseflow_ingest_holds_a_row_group_at_a_time(
    tmp_path: Path, schema: tuple[str, ...]
) -> None:
    import pyarrow.parquet as pq

    import sseflow

    event = sseflow.encode(json.dumps({"choices": [{"delta": {"content": "token " * 20}}]}))
    chunk = event * (16384 // len(event))
    source, out = tmp_path / "stream.sse", tmp_path / "out.parquet"
    with source.open("wb") as file:
        for _ in range(STREAM // len(chunk) + 1):
            file.write(chunk)
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, str(source), "--to", str(out), *schema],
        capture_output=True,
        text=True,
        timeout=110,
        check=True,
    )
    measured = json.loads(result.stdout)
    assert measured["status"] == 0, measured["stderr"]
    rows = pq.ParquetFile(out).metadata.num_rows
    assert rows * len(event) >= STREAM
    growth = measured["peak"] - measured["baseline"]
    assert growth < 150 * 10**6, measured  # a row group's worth, not the 256 MB stream
