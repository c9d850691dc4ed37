"""Each implementation on each workload, timed by pytest-benchmark and checked for the
events the standard says the stream holds (count and total data length)."""

from __future__ import annotations

import time
from typing import Any

from benches.conftest import Case
from benches.peers import KNOWN_DEVIATIONS
from benches.workloads import cached

# About how long the timed rounds of one case may take, in seconds.
ROUND_BUDGET = 2.0
MAX_ROUNDS = 10


def test_parser(benchmark: Any, case: Case) -> None:
    """Parses the workload, records correctness in extra_info, then asserts it."""
    workload = cached(case.spec)
    benchmark.group = case.spec.name
    rounds = 1
    if not benchmark.disabled:
        start = time.perf_counter()
        case.impl.run(workload)  # warm-up, and sizing the rounds
        elapsed = time.perf_counter() - start
        rounds = max(1, min(MAX_ROUNDS, int(ROUND_BUDGET / max(elapsed, 1e-9))))
    events, data_len = benchmark.pedantic(case.impl.run, args=(workload,), rounds=rounds)
    correct = (events, data_len) == (workload.events, workload.data_len)
    benchmark.extra_info.update(
        {
            "bytes": workload.nbytes,
            "chunks": len(workload.chunks),
            "expected_events": workload.events,
            "expected_data_len": workload.data_len,
            "events": events,
            "data_len": data_len,
            "correct": correct,
        }
    )
    deviation = KNOWN_DEVIATIONS.get((case.impl.name, workload.group))
    if deviation is None:
        assert (events, data_len) == (workload.events, workload.data_len)
    else:
        # The known deviation adds events with empty data and loses nothing.
        assert data_len == workload.data_len
        assert events > workload.events, f"{case.impl.name} now conforms: drop the deviation"
