"""The ``"sse"`` Spark source, in a ``local[2]`` session against loopback servers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, SparkSession
from spark_streams import LiveStream, local_spark
from sse_server import SSEServer

import sseflow.spark


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    for session in local_spark():
        assert isinstance(session, SparkSession)
        sseflow.spark.register(session)
        yield session


def _read(spark: SparkSession, path: Path) -> DataFrame:
    """What a user reads from the sink: through its ``_spark_metadata`` log."""
    return spark.read.schema(sseflow.spark.SCHEMA).parquet(str(path))


def _wait_rows(spark: SparkSession, path: Path, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (path / "_spark_metadata").exists() and _read(spark, path).count() >= count:
            return
        time.sleep(0.5)
    raise AssertionError(f"fewer than {count} rows in {path} after {timeout} s")


@pytest.mark.parametrize("reader", ["driver", "partitions", "reread"])
def test_stream_into_parquet(spark: SparkSession, tmp_path: Path, reader: str) -> None:
    stream = LiveStream(50)
    with SSEServer() as server:
        url = server.route("/s", stream)
        out = tmp_path / "out"
        query = (
            spark.readStream.format("sse")
            .option("url", url)
            .option("max_wait", "0.2")
            .option("reader", reader)
            .load()
            .writeStream.format("parquet")
            .option("path", str(out))
            .option("checkpointLocation", str(tmp_path / "checkpoint"))
            .start()
        )
        try:
            _wait_rows(spark, out, 50)
        finally:
            query.stop()
    rows = _read(spark, out).collect()
    assert sorted(int(row.id) for row in rows) == list(range(1, 51))
    assert {(row.event, row.url) for row in rows} == {("message", url)}
    assert {int(row.id): row.data for row in rows} == {n: f"event {n}" for n in range(1, 51)}
    assert {row.retry for row in rows} == {None}
