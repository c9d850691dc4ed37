"""The end-to-end client benchmarks (benches/clients.py) run once, small, as tests: every
reader of every client reads what the stream holds (each run checks it), and the report is
written whole. Timings come from ``python -m benches.clients``."""

from __future__ import annotations

from typing import Any

import pytest

from benches import clients

pytestmark = pytest.mark.timeout(300)


def test_openai_sdk_reads_the_token_stream_with_each_decoder(benchmark: Any) -> None:
    times = benchmark.pedantic(clients.openai_per_token, args=(clients.TINY,), rounds=1)
    assert set(times) == {(part, d) for part in ("stream", "events") for d in clients.DECODERS}
    assert all(seconds >= 0 for seconds in times.values())


def test_anthropic_sdk_reads_the_big_event_with_each_decoder(benchmark: Any) -> None:
    times = benchmark.pedantic(clients.anthropic_big_event, args=(clients.TINY,), rounds=1)
    assert set(times) == set(clients.DECODERS)


def test_httpx2_readers_read_every_workload(benchmark: Any) -> None:
    times = benchmark.pedantic(clients.httpx2_times, args=(clients.TINY,), rounds=1)
    names = {name for _, name in times}
    assert names == {*clients.HTTPX2_READERS, "floor"}
    assert {workload for workload, _ in times} == set(clients.HTTPX2_WORKLOADS)


def test_httpx_readers_read_every_workload(benchmark: Any) -> None:
    times = benchmark.pedantic(clients.httpx_times, args=(clients.TINY,), rounds=1)
    assert {name for _, name in times} == {"sseflow.httpx", "httpx-sse", "floor"}
    assert {workload for workload, _ in times} == set(clients.HTTPX_WORKLOADS)


def test_the_report_has_every_table() -> None:
    text = clients.report(clients.TINY)
    for heading in ("## OpenAI SDK", "## Anthropic SDK", "## httpx2", "## httpx:"):
        assert heading in text
    assert "nan" not in text
