"""Streams the package did not generate: ``tests/llm_fixtures/*.sse``, written by hand from
each provider's published stream examples and documented event schemas, each with its
verdict written by hand beside it (``*.json``: where it comes from and what its record must
say). Each is read under every chunking (whole, byte by byte, every cut in two, random cuts)
with both parsers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from chunking import all_chunkings
from llm_streams import PARSERS

from sseflow import llm

FIXTURES = Path(__file__).resolve().parent / "llm_fixtures"
NAMES = sorted(path.stem for path in FIXTURES.glob("*.sse"))


def verdict_of(name: str) -> dict[str, Any]:
    verdict: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return verdict


def check(completion: llm.Completion, verdict: dict[str, Any]) -> None:
    assert completion.format == verdict["format"]
    assert completion.status == verdict["status"]
    assert completion.finish_reason == verdict["finish_reason"]
    assert completion.text == verdict["text"]
    tools = [[call.name, call.input] for call in completion.tool_calls if call.complete]
    assert tools == verdict["tools"]
    assert sorted({a.kind for a in completion.anomalies}) == verdict["anomalies"]
    for name in ("input_tokens", "output_tokens"):
        if name in verdict:
            assert getattr(completion, name) == verdict[name], name
    expected = verdict["error"]
    if expected is None:
        assert completion.error is None
    else:
        error = completion.error
        assert error is not None
        assert {
            "class": type(error).__name__,
            "type": error.type,
            "code": error.code,
            "kind": error.kind,
            "retryable": error.retryable,
        } == expected


def test_every_provider_has_fixtures() -> None:
    formats = {verdict_of(name)["format"] for name in NAMES}
    assert formats == set(llm.FORMATS)
    for name in NAMES:
        assert verdict_of(name)["source"], name


@pytest.mark.parametrize("name", NAMES)
def test_a_fixture_under_every_chunking_with_both_parsers(name: str) -> None:
    data = (FIXTURES / f"{name}.sse").read_bytes()
    verdict = verdict_of(name)
    for label, chunks in all_chunkings(data):
        for factory in PARSERS:
            completion = llm.read(chunks, on_error="record", parser_factory=factory)
            try:
                check(completion, verdict)
            except AssertionError as error:
                raise AssertionError(f"{name}, {label}, {factory.__module__}: {error}") from error


@pytest.mark.parametrize("name", NAMES)
def test_a_fixture_cut_short_is_never_whole(name: str) -> None:
    data = (FIXTURES / f"{name}.sse").read_bytes()
    verdict = verdict_of(name)
    # Older Gemini models put finishReason STOP on every event: cut between two, such a
    # stream looks whole (the README says so); its verdict says it is one of those.
    between = verdict.get("looks_whole_when_cut_between_events", False)
    for end in range(len(data)):
        completion = llm.read(data[:end], on_error="record")
        assert completion.status in ("truncated", verdict["status"]), end
        if completion.status == verdict["status"] and not between:  # the last event came
            assert data[:end].rstrip(b"\r\n") == data.rstrip(b"\r\n"), end
        if between and completion.status == verdict["status"]:
            assert data[:end].endswith(b"\n\n"), end
