"""The ``"sse"`` Spark source, in a ``local[2]`` session against loopback servers.

What a user reads is checked as a user reads it: through the file sink's log
(``spark.read.parquet`` of the sink folder, and the per-batch files listed in
``_spark_metadata``), not by listing the folder, which may hold the files of a
batch that was stopped before it committed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pyspark.errors import StreamingQueryException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.streaming.query import StreamingQuery
from spark_streams import LiveStream, local_spark, planned_not_committed, sink_log
from sse_server import SSEServer, static

import sseflow.spark
from sseflow import encode

pytestmark = pytest.mark.timeout(300)

READERS = ["driver", "partitions"]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    for session in local_spark():
        assert isinstance(session, SparkSession)
        sseflow.spark.register(session)
        yield session


def _start(
    spark: SparkSession, urls: list[str], folder: Path, reader: str = "driver", **options: str
) -> StreamingQuery:
    return (
        spark.readStream.format("sse")
        .option("urls", ",".join(urls))
        .option("reader", reader)
        .option("max_wait", "0.2")
        .option("retry", "20")
        .options(**options)
        .load()
        .writeStream.format("parquet")
        .option("path", str(folder / "out"))
        .option("checkpointLocation", str(folder / "checkpoint"))
        .start()
    )


def _read(spark: SparkSession, folder: Path) -> DataFrame:
    """What a user reads from the sink: through its ``_spark_metadata`` log."""
    return spark.read.schema(sseflow.spark.SCHEMA).parquet(str(folder / "out"))


def _wait_rows(spark: SparkSession, folder: Path, count: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (folder / "out" / "_spark_metadata").exists() and _read(spark, folder).count() >= count:
            return
        time.sleep(0.3)
    raise AssertionError(f"fewer than {count} rows in the sink after {timeout} s")


def _wait_for(condition: Callable[[], bool], timeout: float = 60, poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(poll)


def _delivered(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """Each stream's ``(id, data)`` rows in the order the sink committed them."""
    rows: dict[str, list[tuple[str, str]]] = {}
    for files in sink_log(folder / "out"):
        for file in files:
            table = pq.read_table(file)
            for url, event_id, data in zip(
                *(table.column(name).to_pylist() for name in ("url", "id", "data")), strict=True
            ):
                rows.setdefault(url, []).append((event_id, data))
    return rows


def _numbered(count: int) -> list[tuple[str, str]]:
    return [(str(n), f"event {n}") for n in range(1, count + 1)]


@pytest.mark.parametrize("reader", [*READERS, "reread"])
def test_stream_into_parquet(spark: SparkSession, tmp_path: Path, reader: str) -> None:
    with SSEServer() as server:
        url = server.route("/s", LiveStream(50))
        query = _start(spark, [url], tmp_path, reader)
        try:
            _wait_rows(spark, tmp_path, 50)
        finally:
            query.stop()
    rows = _read(spark, tmp_path).collect()
    assert sorted((row.id, row.data) for row in rows) == sorted(_numbered(50))
    assert {(row.event, row.url, row.retry) for row in rows} == {("message", url, None)}
    assert _delivered(tmp_path) == {url: _numbered(50)}


@pytest.mark.parametrize("reader", READERS)
def test_restarts_deliver_every_event_once_in_order(
    spark: SparkSession, tmp_path: Path, reader: str
) -> None:
    """Four live streams that drop connections at random points; the query is
    stopped at random moments and inside a batch (planned, not committed), and
    restarted from its checkpoint each time."""
    count = 300
    streams = [LiveStream(count, interval=0.02, drops=0.08, seed=s) for s in range(4)]
    rng = random.Random(7)
    inside = 0
    with SSEServer() as server:
        urls = [server.route(f"/s{n}", stream) for n, stream in enumerate(streams)]
        checkpoint = tmp_path / "checkpoint"
        for attempt in range(5):
            query = _start(spark, urls, tmp_path, reader, max_events_per_batch="40")
            if attempt == 0:  # Spark cannot restart a query stopped inside its first offset write
                _wait_for(lambda: (checkpoint / "commits" / "0").exists())
            if attempt % 2 == 0:
                time.sleep(rng.uniform(0.5, 3.0))  # between or inside batches, as it falls
            else:  # as soon as a batch is planned, if one still comes
                deadline = time.monotonic() + 20
                while not planned_not_committed(checkpoint) and time.monotonic() < deadline:
                    time.sleep(0.002)
            query.stop()
            inside += planned_not_committed(checkpoint)
        query = _start(spark, urls, tmp_path, reader, max_events_per_batch="40")
        try:
            _wait_rows(spark, tmp_path, 4 * count)
            time.sleep(1)  # time for a duplicate to show
        finally:
            query.stop()
    assert inside >= 1, "no stop fell inside a batch"
    assert sum(stream.dropped for stream in streams) >= 3  # the servers did cut connections
    assert _delivered(tmp_path) == {url: _numbered(count) for url in urls}
    assert _read(spark, tmp_path).count() == 4 * count


def _failure(query: StreamingQuery, timeout: int = 60) -> str:
    """The error that stopped ``query``."""
    try:
        query.awaitTermination(timeout)
    except StreamingQueryException as error:
        return str(error)
    finally:
        query.stop()
    raise AssertionError("the query did not fail")


@pytest.mark.parametrize(
    ("status", "content_type"), [(500, "text/event-stream"), (200, "text/html")]
)
def test_bad_answer_fails_the_query_naming_the_url(
    spark: SparkSession, tmp_path: Path, status: int, content_type: str
) -> None:
    with SSEServer() as server:
        good = server.route("/good", LiveStream(10))
        bad = server.route("/bad", static(b"data: x\n\n", status, content_type))
        message = _failure(_start(spark, [good, bad], tmp_path))
    assert f"ConnectionFailed: event stream {bad}: expected status 200" in message
    assert f"got status {status} with '{content_type}'" in message


def test_event_over_the_limit_fails_the_query_after_the_events_before_it(
    spark: SparkSession, tmp_path: Path
) -> None:
    body = b"".join(encode(f"event {n}", id=str(n)) for n in range(1, 6))
    body += encode("x" * 1000, id="6") + encode("after", id="7")
    with SSEServer() as server:
        url = server.route("/s", static(body))
        message = _failure(_start(spark, [url], tmp_path, max_event_size="100"))
    assert f"event stream {url}" in message
    assert "max_event_size" in message
    assert _delivered(tmp_path) == {url: _numbered(5)}


def test_204_ends_one_stream_and_the_others_go_on(spark: SparkSession, tmp_path: Path) -> None:
    with SSEServer() as server:
        ended = server.route("/ended", static(status=204, content_type=None))
        live = server.route("/live", LiveStream(20, interval=0.05))
        query = _start(spark, [ended, live], tmp_path)
        try:
            _wait_rows(spark, tmp_path, 20)
            assert query.isActive
        finally:
            query.stop()
        assert len(server.requests_to("/ended")) == 1  # a 204 is not retried
    assert _delivered(tmp_path) == {live: _numbered(20)}


def _run_until(spark: SparkSession, folder: Path, urls: list[str], rows: int) -> None:
    query = _start(spark, urls, folder)
    try:
        _wait_rows(spark, folder, rows)
    finally:
        query.stop()


def test_stream_without_ids_resumes_by_count_when_the_server_replays_it(
    spark: SparkSession, tmp_path: Path
) -> None:
    """Without IDs the offset is the number of events; a server that sends the
    same events from the start on every connection gets each exactly once."""
    stream = LiveStream(40, ids=False)
    with SSEServer() as server:
        url = server.route("/s", stream)
        stream.count = 25
        _run_until(spark, tmp_path, [url], 25)
        stream.count = 40  # more events, then a restart: the first 25 come again
        _run_until(spark, tmp_path, [url], 40)
        requests = server.requests_to("/s")
    assert len(requests) >= 2
    assert {r.headers.get("last-event-id") for r in requests} == {None}
    assert _delivered(tmp_path) == {url: [("", f"event {n}") for n in range(1, 41)]}


def test_server_ignoring_last_event_id_delivers_its_replay_again(
    spark: SparkSession, tmp_path: Path
) -> None:
    """The stated outcome: a server that ignores ``Last-Event-ID`` and starts
    over sends the events before the offset again, and they are delivered
    again (with IDs, the source trusts the server to resume after the ID)."""
    stream = LiveStream(40, ignore_last_event_id=True)
    with SSEServer() as server:
        url = server.route("/s", stream)
        stream.count = 25
        _run_until(spark, tmp_path, [url], 25)
        stream.count = 40
        _run_until(spark, tmp_path, [url], 25 + 40)
        requests = server.requests_to("/s")
    assert requests[-1].headers.get("last-event-id") == "25"
    assert _delivered(tmp_path) == {url: _numbered(25) + _numbered(40)}


def test_batch_read_of_a_file_and_a_finite_response(spark: SparkSession, tmp_path: Path) -> None:
    body = b"".join(encode(f"event {n}", id=str(n), event="tick") for n in range(1, 8))
    file = tmp_path / "recorded.sse"
    file.write_bytes(body + b"data: cut")
    with SSEServer() as server:
        url = server.route("/s", static(body))
        rows = (
            spark.read.format("sse")
            .option("urls", f"{url},{file}")
            .load()
            .orderBy("url", "id")
            .collect()
        )
    by_url = {u: [(r.event, r.id, r.data) for r in rows if r.url == u] for u in (url, str(file))}
    expected = [("tick", str(n), f"event {n}") for n in range(1, 8)]
    assert by_url == {url: expected, str(file): expected}  # the cut last event is dropped


def test_json_schema_adds_a_decoded_column(spark: SparkSession, tmp_path: Path) -> None:
    body = encode('{"n": 1, "tags": ["a", "b"]}', id="1") + encode("[DONE]", id="2")
    file = tmp_path / "recorded.sse"
    file.write_bytes(body)
    frame = (
        spark.read.format("sse").option("json_schema", "n int, tags array<string>").load(str(file))
    )
    assert frame.schema.simpleString() == (
        "struct<event:string,data:string,id:string,retry:bigint,url:string,"
        "json:struct<n:int,tags:array<string>>,json_error:string>"
    )
    rows = frame.orderBy("id").select("id", "json.n", "json.tags", "json_error").collect()
    assert [tuple(row)[:3] for row in rows] == [("1", 1, ["a", "b"]), ("2", None, None)]
    assert rows[0].json_error is None
    assert rows[1].json_error.startswith("not JSON")
