"""Loopback event streams for the Spark source's tests, and the Spark session they share."""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sse_server import Conn

from sseflow import encode

__all__ = ["LiveStream", "local_spark", "planned_not_committed", "sink_log"]


@dataclass
class LiveStream:
    """A live stream of ``count`` events ``id: 1`` .. ``id: count``, one every
    ``interval`` seconds from the first request on, with its history kept.

    A connection gets the events after its ``Last-Event-ID`` (from the first
    with ``ignore_last_event_id``, or without ``ids``) that exist, then each new
    one as it appears, in pieces of up to 1 KiB; after the last it stays open
    and silent. With ``drops`` it cuts the connection inside a piece, at a
    random byte, with that probability per piece.
    """

    count: int
    interval: float = 0.0
    drops: float = 0.0
    ids: bool = True
    ignore_last_event_id: bool = False
    seed: int = 0
    connections: int = 0
    dropped: int = 0
    """Connections this server cut."""
    started: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def event(self, n: int) -> bytes:
        return encode(f"event {n}", id=str(n) if self.ids else None)

    def available(self) -> int:
        """How many events exist now."""
        if self.started is None:
            return 0
        if self.interval <= 0:
            return self.count
        return min(self.count, int((time.monotonic() - self.started) / self.interval) + 1)

    def __call__(self, conn: Conn) -> None:
        with self.lock:
            self.connections += 1
            rng = random.Random(self.seed * 1000 + self.connections)
            if self.started is None:
                self.started = time.monotonic()
        last = conn.request.headers.get("last-event-id", "")
        sent = 0 if self.ignore_last_event_id or not last else int(last)
        conn.start()
        conn.write(encode(retry=20))
        while sent < self.count:
            ready = self.available()
            if ready == sent:
                if conn.idle(self.interval / 2):
                    return  # the client hung up
                continue
            body = b"".join(self.event(n) for n in range(sent + 1, ready + 1))
            while body:  # in pieces of up to 1 KiB, each of which may be cut short
                cut = rng.randint(1, 1024)
                piece, body = body[:cut], body[cut:]
                if rng.random() < self.drops:
                    conn.write(piece[: rng.randint(0, len(piece) - 1)])
                    conn.drop()
                    with self.lock:
                        self.dropped += 1
                    return
                if not conn.write(piece):
                    return
            sent = ready
        conn.idle(120)


def sink_log(path: Path) -> list[list[Path]]:
    """The files of each batch of a file sink, read from its ``_spark_metadata``
    log (the session keeps one log file per batch: see :func:`local_spark`)."""
    log = path / "_spark_metadata"
    batches = sorted((int(p.name), p) for p in log.iterdir() if p.name.isdigit())
    files: list[list[Path]] = []
    for _, entry in batches:
        lines = entry.read_text().splitlines()[1:]  # after the version line
        files.append([Path(json.loads(line)["path"].removeprefix("file:")) for line in lines])
    return files


def planned_not_committed(checkpoint: Path) -> bool:
    """Whether the query's last planned batch has no commit: it was stopped inside it."""

    def last(folder: str) -> int:
        names = [p.name for p in (checkpoint / folder).glob("*") if p.name.isdigit()]
        return max(map(int, names), default=-1)

    return last("offsets") > last("commits")


def local_spark() -> Iterator[object]:
    """A ``local[2]`` session bound to 127.0.0.1 (one per test module).

    Its file sinks write one log file per batch (no compaction), for
    :func:`sink_log`.
    """
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.streaming.fileSink.log.compactInterval", "100000")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()
