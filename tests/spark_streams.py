"""Loopback event streams for the Spark source's tests, and the Spark session they share."""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from sse_server import Conn

from sseflow import encode

__all__ = ["LiveStream", "local_spark"]


@dataclass
class LiveStream:
    """A stream of ``count`` events ``id: 1`` .. ``id: count`` that resumes after
    ``Last-Event-ID`` (unless ``ignore_last_event_id``), optionally without IDs.

    Each connection sends the events after the one it resumes from, in pieces;
    with ``drops`` it closes the connection at a random byte with that
    probability per piece. After the last event it stays open and silent.
    """

    count: int
    drops: float = 0.0
    ids: bool = True
    ignore_last_event_id: bool = False
    seed: int = 0
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def event(self, n: int) -> bytes:
        return encode(f"event {n}", id=str(n) if self.ids else None)

    def __call__(self, conn: Conn) -> None:
        with self.lock:
            self.connections += 1
            rng = random.Random(self.seed * 1000 + self.connections)
        last = conn.request.headers.get("last-event-id", "")
        start = 0 if self.ignore_last_event_id or not last else int(last)
        conn.start()
        conn.write(encode(retry=20))
        body = b"".join(self.event(n) for n in range(start + 1, self.count + 1))
        at = 0
        while at < len(body):
            piece = rng.randint(1, 4096)
            if rng.random() < self.drops:
                conn.write(body[at : at + rng.randint(0, piece)])
                conn.drop()
                return
            if not conn.write(body[at : at + piece]):
                return
            at += piece
        conn.idle(60)


def local_spark() -> Iterator[object]:
    """A ``local[2]`` session bound to 127.0.0.1 (one per test module)."""
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()
