"""The benchmark matrix: every implementation on every workload, sized for the run.

Workloads are full size (the issue's) when benchmarks run, and a hundredth of that with
``--benchmark-disable`` (CI's run-once check); ``SSEFLOW_BENCH_SCALE`` overrides both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from benches.peers import IMPLS, Impl, excluded
from benches.workloads import Spec, specs

SCALE_ENV = "SSEFLOW_BENCH_SCALE"
CI_SCALE = 0.01


@dataclass(frozen=True)
class Case:
    """One implementation on one workload."""

    spec: Spec
    impl: Impl


def bench_scale(config: pytest.Config) -> float:
    """The workload scale for this run."""
    raw = os.environ.get(SCALE_ENV)
    if raw:
        return float(raw)
    disabled = bool(config.getoption("benchmark_disable", default=False))
    return CI_SCALE if disabled else 1.0


def _cases(scale: float) -> tuple[list[Case], list[str]]:
    cases: list[Case] = []
    left_out: list[str] = []
    for spec in specs(scale):
        for impl in IMPLS:
            reason = excluded(impl, spec)
            if reason is None:
                cases.append(Case(spec, impl))
            else:
                left_out.append(f"{spec.name} x {impl.name}: {reason}")
    return cases, left_out


def pytest_report_header(config: pytest.Config) -> list[str]:
    """States the scale and the pairs left out of the matrix as too slow."""
    scale = bench_scale(config)
    _, left_out = _cases(scale)
    return [f"sseflow benches: workload scale {scale:g}", *(f"  left out: {x}" for x in left_out)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrizes ``case`` with every (workload, implementation) pair that is run."""
    if "case" in metafunc.fixturenames:
        cases, _ = _cases(bench_scale(metafunc.config))
        ids = [f"{case.spec.name}-{case.impl.name}" for case in cases]
        metafunc.parametrize("case", cases, ids=ids)
