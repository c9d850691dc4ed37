"""Shared fixtures: both implementations, and a stable Hypothesis profile."""

from __future__ import annotations

import os

import pytest
from chunking import IMPLEMENTATIONS, Impl
from hypothesis import HealthCheck, settings

settings.register_profile(
    "sseflow",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("SSEFLOW_HYPOTHESIS_EXAMPLES", "300")),
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=False,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "sseflow"))


@pytest.fixture(params=IMPLEMENTATIONS, ids=[impl.name for impl in IMPLEMENTATIONS])
def impl(request: pytest.FixtureRequest) -> Impl:
    """Each implementation in turn: ``sseflow`` (native) and ``sseflow.reference``."""
    chosen: Impl = request.param
    return chosen
