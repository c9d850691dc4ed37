"""The OpenAI, Anthropic and Groq SDKs' own streaming test cases (vendored in tests/sdk_suites),
run with sseflow as the clients' decoder: every case passes but those where the SDK's decoder
contradicts the standard, listed here and in the README. Run with the SDK's own decoder too,
every case passes, so the harness runs the suites as their authors do."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(240)

SUITES = Path(__file__).parent / "sdk_suites"

# A block with an "event" field and no "data" field: the SDKs yield an event with empty data;
# the standard dispatches nothing for it ("If the data buffer is an empty string, set the data
# buffer and the event type buffer to the empty string and return").
CONTRADICT_THE_STANDARD = frozenset(
    f"vendored_{sdk}_streaming.py::{test}[{mode}]"
    for sdk in ("openai", "anthropic", "groq")
    for test in ("test_event_missing_data", "test_multiple_events")
    for mode in ("sync", "async")
)


def _run(report: Path, decoder: str) -> subprocess.Popen[bytes]:
    """Starts the vendored suites in a fresh interpreter, reporting to ``report`` (JUnit XML)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "harness",
            "-o",
            "python_files=vendored_*.py",
            f"--junit-xml={report}",
            str(SUITES),
        ],
        env={**os.environ, "SSEFLOW_SDK_DECODER": decoder, "PYTHONPATH": str(SUITES)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _outcomes(report: Path) -> dict[str, str]:
    """``{case: "passed" | "failed"}`` from a JUnit XML report."""
    outcomes = {}
    for case in ElementTree.parse(report).iter("testcase"):
        module = case.attrib["classname"].rpartition(".")[2]
        failed = any(child.tag in ("failure", "error", "skipped") for child in case)
        outcomes[f"{module}.py::{case.attrib['name']}"] = "failed" if failed else "passed"
    return outcomes


def test_the_sdk_suites_pass_with_sseflow_but_where_the_sdk_contradicts_the_standard(
    tmp_path: Path,
) -> None:
    runs = {decoder: _run(tmp_path / f"{decoder}.xml", decoder) for decoder in ("sseflow", "sdk")}
    for run in runs.values():
        run.wait(timeout=200)
    ours = _outcomes(tmp_path / "sseflow.xml")
    theirs = _outcomes(tmp_path / "sdk.xml")
    assert len(ours) == len(theirs) == 63
    assert set(theirs.values()) == {"passed"}
    failed = {case for case, outcome in ours.items() if outcome == "failed"}
    assert failed == CONTRADICT_THE_STANDARD
