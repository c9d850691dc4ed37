"""The httpx wrappers on in-memory responses, timed by pytest-benchmark and checked for
the events the standard says each stream holds; and the loopback benchmark of many
concurrent streams, run small as a test."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from benches import concurrent
from benches.conftest import bench_scale
from benches.peers import KNOWN_DEVIATIONS
from benches.workloads import Spec, cached, specs
from benches.wrappers import BY_NAME, WORKLOADS, WRAPPERS

# About how long the timed rounds of one case may take, in seconds.
ROUND_BUDGET = 2.0
MAX_ROUNDS = 10


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrizes ``wrapped`` with (workload, wrapper name), workload by workload."""
    if "wrapped" not in metafunc.fixturenames:
        return
    chosen = [spec for spec in specs(bench_scale(metafunc.config)) if spec.name in WORKLOADS]
    pairs = [(spec, wrapper.name) for spec in chosen for wrapper in WRAPPERS]
    ids = [f"{spec.name}-{name}" for spec, name in pairs]
    metafunc.parametrize("wrapped", pairs, ids=ids)


@pytest.fixture(scope="module")
def runner() -> Iterator[asyncio.Runner]:
    """One event loop for every async case, closed at the end."""
    with asyncio.Runner() as loop_runner:
        yield loop_runner


def test_wrapper(benchmark: Any, runner: asyncio.Runner, wrapped: tuple[Spec, str]) -> None:
    """Reads the workload through the wrapper, records correctness, then asserts it."""
    spec, name = wrapped
    wrapper = BY_NAME[name]
    impl = wrapper.bind(runner)
    workload = cached(spec)
    benchmark.group = f"wrappers {spec.name}"
    rounds = 1
    if not benchmark.disabled:
        start = time.perf_counter()
        impl.run(workload)  # warm-up, and sizing the rounds
        elapsed = time.perf_counter() - start
        rounds = max(1, min(MAX_ROUNDS, int(ROUND_BUDGET / max(elapsed, 1e-9))))
    events, data_len = benchmark.pedantic(impl.run, args=(workload,), rounds=rounds)
    benchmark.extra_info.update(
        {
            "bytes": workload.nbytes,
            "chunks": len(workload.chunks),
            "expected_events": workload.events,
            "expected_data_len": workload.data_len,
            "events": events,
            "data_len": data_len,
            "correct": (events, data_len) == (workload.events, workload.data_len),
        }
    )
    if (wrapper.parser, workload.group) in KNOWN_DEVIATIONS:
        # The parser's known deviation adds events with empty data and loses nothing.
        assert data_len == workload.data_len
        assert events > workload.events, f"{name} now conforms: drop the deviation"
    else:
        assert (events, data_len) == (workload.events, workload.data_len)


def test_concurrent_streams_on_loopback() -> None:
    """A small run of ``python -m benches.concurrent``: every client gets every stream whole."""
    plan = concurrent.Plan(streams=8, events=300, write_size=4096, rounds=1, timeout=60.0)
    results = concurrent.run(plan)
    assert [result.client for result in results] == list(concurrent.CLIENTS)
    for result in results:
        assert result.events == plan.streams * plan.events
        assert result.data_len == plan.streams * concurrent.stream_data_len(plan.events)
        assert result.wall > 0
        assert result.cpu > 0
