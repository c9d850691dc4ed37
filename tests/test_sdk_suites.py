"""The OpenAI, Anthropic and Groq SDKs' own streaming test cases (vendored in tests/sdk_suites),
run with sseflow as the clients' decoder: every case passes but those where the SDK's decoder
contradicts the standard, listed here and in the README. Run with the SDK's own decoder too,
every case passes, so the harness runs the suites as their authors do."""

from __future__ import annotations

from pathlib import Path

import pytest
import vendored_suites

pytestmark = pytest.mark.timeout(240)

SUITES = Path(__file__).parent / "sdk_suites"
ENV = "SSEFLOW_SDK_DECODER"

# A block with an "event" field and no "data" field: the SDKs yield an event with empty data;
# the standard dispatches nothing for it ("If the data buffer is an empty string, set the data
# buffer and the event type buffer to the empty string and return").
CONTRADICT_THE_STANDARD = frozenset(
    f"vendored_{sdk}_streaming.py::{test}[{mode}]"
    for sdk in ("openai", "anthropic", "groq")
    for test in ("test_event_missing_data", "test_multiple_events")
    for mode in ("sync", "async")
)


def test_the_sdk_suites_pass_with_sseflow_but_where_the_sdk_contradicts_the_standard(
    tmp_path: Path,
) -> None:
    runs = [
        vendored_suites.start(SUITES, "sdk_harness", tmp_path / f"{decoder}.xml", {ENV: decoder})
        for decoder in ("sseflow", "sdk")
    ]
    for run in runs:
        run.wait(timeout=200)
    ours = vendored_suites.outcomes(tmp_path / "sseflow.xml")
    theirs = vendored_suites.outcomes(tmp_path / "sdk.xml")
    assert len(ours) == len(theirs) == 63
    assert set(theirs.values()) == {"passed"}
    failed = {case for case, outcome in ours.items() if outcome == "failed"}
    assert failed == CONTRADICT_THE_STANDARD
