"""The ``"sse"`` source survives its driver killed outright (SIGKILL), at random
moments and inside a batch: each run is a ``local[2]`` Spark driver in a process
of its own (this module's one session at a time), restarted from the checkpoint.
The sink is read as a user reads it, through its ``_spark_metadata`` log."""

from __future__ import annotations

import functools
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from spark_streams import LiveStream, planned_not_committed, sink_log
from sse_server import SSEServer

pytestmark = pytest.mark.timeout(300)

DRIVER = """
import sys
from spark_streams import local_spark
import sseflow.spark

urls, folder = sys.argv[1], sys.argv[2]
for spark in local_spark():
    sseflow.spark.register(spark)
    query = (
        spark.readStream.format("sse").option("urls", urls).option("retry", "20")
        .option("max_wait", "0.2").option("max_events_per_batch", "40").load()
        .writeStream.format("parquet").option("path", folder + "/out")
        .option("checkpointLocation", folder + "/checkpoint").start()
    )
    query.awaitTermination()
"""


def _driver(urls: list[str], folder: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, ",".join(urls), str(folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the JVM goes with it
    )


def _kill(driver: subprocess.Popen[bytes]) -> None:
    os.killpg(driver.pid, signal.SIGKILL)
    driver.wait(timeout=30)


def _rows(folder: Path) -> dict[str, list[str]]:
    """Each stream's ids in the order the sink committed them."""
    ids: dict[str, list[str]] = {}
    if not (folder / "out" / "_spark_metadata").exists():
        return ids
    for files in sink_log(folder / "out"):
        for file in files:
            table = pq.read_table(file, columns=["url", "id"])
            for url, event_id in zip(*(c.to_pylist() for c in table.columns), strict=True):
                ids.setdefault(url, []).append(event_id)
    return ids


def _last(log: Path) -> int:
    """The last batch id in an offset or commit log (-1: none)."""
    names = [p.name for p in log.glob("*") if p.name.isdigit()] if log.exists() else []
    return max(map(int, names), default=-1)


def _planned_after(checkpoint: Path, batch: int) -> bool:
    return _last(checkpoint / "offsets") > batch


def _wait(condition: Callable[[], bool], timeout: float = 120, poll: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return False


def test_driver_killed_and_restarted_delivers_every_event_once(tmp_path: Path) -> None:
    count = 400
    streams = [LiveStream(count, interval=0.02, drops=0.08, seed=10 + s) for s in range(2)]
    checkpoint = tmp_path / "checkpoint"
    rng = random.Random(3)
    inside = 0
    with SSEServer() as server:
        urls = [server.route(f"/k{n}", stream) for n, stream in enumerate(streams)]
        for attempt in range(3):
            planned = _last(checkpoint / "offsets")
            driver = _driver(urls, tmp_path)
            try:
                # Each run plans a batch of its own first; the first one commits it (see
                # test_spark's restart test), the second is killed inside it, the third at
                # a random moment after it.
                assert _wait(functools.partial(_planned_after, checkpoint, planned), poll=0.002)
                if attempt == 0:
                    assert _wait(lambda: (checkpoint / "commits" / "0").exists())
                if attempt != 1:
                    time.sleep(rng.uniform(0.2, 2.0))
            finally:
                _kill(driver)
            inside += planned_not_committed(checkpoint)
        driver = _driver(urls, tmp_path)
        try:
            done = _wait(lambda: sum(map(len, _rows(tmp_path).values())) >= 2 * count, poll=0.5)
            time.sleep(1)  # time for a duplicate to show
        finally:
            _kill(driver)
    assert done, _rows(tmp_path)
    assert inside >= 1, "no kill fell inside a batch"
    assert _rows(tmp_path) == {url: [str(n) for n in range(1, count + 1)] for url in urls}
