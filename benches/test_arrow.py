"""sseflow.arrow's benchmark paths, each run once on small workloads (as CI runs the
suite): every path must count the rows the workload holds (``benches.arrow.timed``
checks it). The timed run, with the ratios, is ``python -m benches.arrow``."""

from __future__ import annotations

from pathlib import Path

import pytest

from benches.arrow import FRAMING, JSON_PATHS, arrow_specs, measure
from benches.workloads import Spec

SPECS = arrow_specs(0.01)


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_arrow_paths_count_every_row(spec: Spec, tmp_path: Path) -> None:
    row = measure(spec, 1, tmp_path)
    assert set(row.seconds) == {*FRAMING, *JSON_PATHS}
    assert all(seconds > 0 for seconds in row.seconds.values())
