"""Event streams into Parquet: the Spark source against one asyncio process.

``python -m benches.spark_ingest [--streams 8] [--events 100000]`` starts an
event-stream server in a subprocess (asyncio on 127.0.0.1: each stream is
``--events`` chat-completion-style events with ids 1, 2, ..., served from the
event after the request's ``Last-Event-ID``; once sent, the connection stays
open and silent, as a live stream's would), then ingests every stream into
Parquet in turn with:

- ``spark driver|partitions|reread, local[N]``: ``sseflow.spark`` in a
  ``local[N]`` session, N = 1 and 2, each reader shape, into a Parquet sink
  with a checkpoint (``max_events_per_batch`` 20000);
- ``spark floor``: the same rows, framed before the query starts, from a
  trivial Python source into the same sink: what Spark alone costs;
- ``AsyncEventSource + pyarrow``: one process following the streams with
  ``sseflow.AsyncEventSource`` on one event loop, each stream's events built
  into record batches of 20000 rows and written with ``pyarrow.parquet``.

Each way runs ``--rounds`` times, in turn, and its best run is reported:
events/s over the ingestion (for Spark, the batches after
the first one, whose time holds the session's and the query's start, reported
apart), and the total wall time.
Every run checks its output: each stream's ids 1..N exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql.datasource import DataSource, SimpleDataSourceStreamReader
from pyspark.sql.types import StructType

import sseflow
from sseflow.spark import SCHEMA
from sseflow.spark._rows import Framer

_ROWS: Final = 20_000


def _body(events: int) -> tuple[bytes, list[int]]:
    """A stream's bytes and the offset after each event (index = id)."""
    pieces, offsets, at = [], [0], 0
    for n in range(1, events + 1):
        data = json.dumps({"id": f"c-{n}", "choices": [{"delta": {"content": f" tok{n % 97}"}}]})
        piece = f"id: {n}\ndata: {data}\n\n".encode()
        pieces.append(piece)
        at += len(piece)
        offsets.append(at)
    return b"".join(pieces), offsets


async def _serve(streams: int, events: int) -> None:
    body, offsets = _body(events)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        last = 0
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() == "last-event-id" and value.strip():
                last = int(value.strip())
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n")
        writer.write(body[offsets[last] :])
        try:
            await writer.drain()
            await reader.read()  # until the client hangs up
        except OSError:
            pass
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, backlog=512)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes stdin
    server.close()


class _FloorReader(SimpleDataSourceStreamReader):
    """The same rows, framed before the query starts: what Spark alone costs."""

    def __init__(self, urls: list[str], events: int) -> None:
        self._urls, self._events = urls, events
        self._rows: list[pa.RecordBatch] | None = None

    def initialOffset(self) -> dict[str, int]:
        return {"taken": 0}

    def read(self, start: dict[str, int]) -> tuple[Iterator[pa.RecordBatch], dict[str, int]]:
        if self._rows is None:
            body, _ = _body(self._events)
            framer = Framer("", None, None)
            whole = framer.feed(body)
            assert whole is not None
            self._rows = [
                whole.append_column("url", pa.repeat(pa.scalar(url, pa.string()), whole.num_rows))
                for url in self._urls
            ]
        at = start["taken"]
        if at >= self._events:
            return iter([]), start
        batch = [rows.slice(at, _ROWS) for rows in self._rows]
        return iter(batch), {"taken": at + batch[0].num_rows}


class _Floor(DataSource):
    @classmethod
    def name(cls) -> str:
        return "sse_floor"

    def schema(self) -> str:
        return SCHEMA

    def simpleStreamReader(self, schema: StructType) -> SimpleDataSourceStreamReader:
        return _FloorReader(self.options["urls"].split(","), int(self.options["events"]))


def _check(ids_by_url: dict[str, list[str]], urls: list[str], events: int) -> None:
    expected = [str(n) for n in range(1, events + 1)]
    for url in urls:
        if ids_by_url.get(url) != expected:
            raise AssertionError(f"{url}: the ingested ids are not 1..{events} once each")


def _spark_run(
    urls: list[str], events: int, cores: int, reader: str, folder: Path
) -> tuple[float, float, float]:
    """(start seconds, ingestion seconds, wall seconds) of one Spark ingestion.

    The start is the time to the first batch committed; the ingestion time is
    that of the later batches, scaled to all the events."""
    from pyspark.sql import SparkSession

    import sseflow.spark

    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.streaming.fileSink.log.compactInterval", "100000")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    sseflow.spark.register(spark)
    spark.dataSource.register(_Floor)
    out = folder / "out"
    total = len(urls) * events
    began = time.monotonic()
    query = (
        spark.readStream.format("sse_floor" if reader == "floor" else "sse")
        .option("urls", ",".join(urls))
        .option("events", str(events))
        .option("reader", reader)
        .option("max_events_per_batch", str(_ROWS))
        .option("max_wait", "0.5")
        .load()
        .writeStream.format("parquet")
        .option("path", str(out))
        .option("checkpointLocation", str(folder / "checkpoint"))
        .start()
    )
    first = None
    first_rows = 0
    counted: set[Path] = set()
    rows = 0
    try:
        while rows < total:
            log = out / "_spark_metadata"
            for entry in sorted(log.glob("[0-9]*")) if log.exists() else []:
                for line in entry.read_text().splitlines()[1:]:
                    path = Path(json.loads(line)["path"].removeprefix("file:"))
                    if path not in counted:
                        counted.add(path)
                        rows += pq.ParquetFile(path).metadata.num_rows
            if first is None and rows:
                first, first_rows = time.monotonic(), rows
            if not query.isActive:
                raise RuntimeError(f"the query stopped: {query.exception()}")
            time.sleep(0.05)
        done = time.monotonic()
        if os.environ.get("SSEFLOW_BENCH_PROGRESS"):
            for progress in query.recentProgress:
                print(progress["numInputRows"], progress["durationMs"], file=sys.stderr)
    finally:
        query.stop()
    table = pq.read_table([str(p) for p in counted]) if counted else None
    spark.stop()
    ids: dict[str, list[str]] = {}
    if table is not None:
        for url in urls:
            mask = pa.compute.equal(table.column("url"), url)
            ids[url] = sorted(table.filter(mask).column("id").to_pylist(), key=int)
    _check(ids, urls, events)
    assert first is not None
    if first_rows == total:  # one batch: no later batches to time
        return first - began, done - began, done - began
    return first - began, (done - first) * total / (total - first_rows), done - began


async def _follow(url: str, events: int, folder: Path, index: int) -> tuple[float, list[str]]:
    """Follows one stream into Parquet; returns when its first rows were written."""
    writer: pq.ParquetWriter | None = None
    first = 0.0
    seen: list[str] = []
    fields: dict[str, list[object]] = {"event": [], "data": [], "id": [], "retry": []}

    def flush() -> None:
        nonlocal writer, first
        batch = pa.record_batch(
            [
                pa.array(fields["event"], pa.string()),
                pa.array(fields["data"], pa.string()),
                pa.array(fields["id"], pa.string()),
                pa.array(fields["retry"], pa.int64()),
                pa.array([url] * len(fields["id"]), pa.string()),
            ],
            names=["event", "data", "id", "retry", "url"],
        )
        if writer is None:
            writer = pq.ParquetWriter(folder / f"stream-{index}.parquet", batch.schema)
            first = time.monotonic()
        writer.write_batch(batch)
        seen.extend(fields["id"])  # type: ignore[arg-type]
        for column in fields.values():
            column.clear()

    async with sseflow.AsyncEventSource(url) as source:
        async for event in source:
            fields["event"].append(event.event)
            fields["data"].append(event.data)
            fields["id"].append(event.id)
            fields["retry"].append(event.retry)
            if len(fields["id"]) >= _ROWS:
                flush()
            if len(seen) + len(fields["id"]) == events:
                break
    if fields["id"]:
        flush()
    assert writer is not None
    writer.close()
    return first, seen


def _asyncio_run(urls: list[str], events: int, folder: Path) -> tuple[float, float, float]:
    async def main() -> list[tuple[float, list[str]]]:
        return await asyncio.gather(
            *(_follow(url, events, folder, n) for n, url in enumerate(urls))
        )

    began = time.monotonic()
    results = asyncio.run(main())
    done = time.monotonic()
    _check({url: seen for url, (_, seen) in zip(urls, results, strict=True)}, urls, events)
    first = min(start for start, _ in results)
    return first - began, done - began, done - began


def _spark_way(
    urls: list[str], folder: Path, *, events: int, cores: int, reader: str
) -> tuple[float, float, float]:
    return _spark_run(urls, events, cores, reader, folder)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=8)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--readers", default="driver,partitions,reread,floor")
    parser.add_argument("--cores", default="1,2")
    parser.add_argument("--rounds", type=int, default=2, help="best of this many runs per way")
    args = parser.parse_args(argv)
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from benches.spark_ingest import _serve; import asyncio; "
            f"asyncio.run(_serve({args.streams}, {args.events}))",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    assert server.stdin is not None
    port = int(server.stdout.readline())
    total = args.streams * args.events
    ways: list[tuple[str, Callable[[list[str], Path], tuple[float, float, float]]]] = [
        ("AsyncEventSource + pyarrow", lambda urls, folder: _asyncio_run(urls, args.events, folder))
    ]
    for reader in args.readers.split(","):
        for cores in map(int, args.cores.split(",")):
            ways.append(
                (
                    f"spark {reader}, local[{cores}]",
                    functools.partial(_spark_way, events=args.events, cores=cores, reader=reader),
                )
            )
    best_of: dict[str, tuple[float, float, float]] = {}
    try:
        for round_ in range(args.rounds):  # every way in turn, each round
            for name, way in ways:
                folder = Path(tempfile.mkdtemp(prefix="sseflow-spark-bench-"))
                index = len(best_of) + round_ * len(ways)
                urls = [f"http://127.0.0.1:{port}/w{index}/s{n}" for n in range(args.streams)]
                try:
                    result = way(urls, folder)
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
                if name not in best_of or result[1] < best_of[name][1]:
                    best_of[name] = result
                print(f"{name}: {total / result[1]:,.0f} events/s", file=sys.stderr, flush=True)
    finally:
        server.stdin.close()
        server.wait(timeout=10)
    runs = list(best_of.items())
    best = max(total / ingest for _, (_, ingest, _) in runs)
    print(
        f"{args.streams} streams x {args.events} events = {total} events; "
        f"{os.cpu_count()} cores; best of {args.rounds}"
    )
    print(f"{'way':<34} {'events/s':>10} {'vs best':>8} {'start s':>8} {'wall s':>8}")
    for name, (start, ingest, wall) in runs:
        rate = total / ingest
        print(f"{name:<34} {rate:>10,.0f} {rate / best:>8.2f} {start:>8.1f} {wall:>8.1f}")


if __name__ == "__main__":
    main()
