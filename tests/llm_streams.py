"""LLM streams for the sseflow.llm tests: each format in each end state, with what a careful
reader of the provider's documentation expects of it (written out here, not computed).

The bytes come from ``sseflow.llm._samples`` (event shapes of each provider's streaming
format); the expectations below are stated by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chunking import Chunks, bytewise, random_cuts, whole

import sseflow
from sseflow import llm, reference
from sseflow.llm._samples import END_STATES, end_state

TEXT = "Hello! How can I help you today?"
CUT = "Hello! How can I"
WEATHER = ("get_weather", {"location": "Paris, France", "unit": "celsius"})
TIME = ("get_time", {"timezone": "Europe/Paris"})


@dataclass(frozen=True)
class Expected:
    """What the record of a stream must say."""

    status: str
    finish_reason: str | None
    text: str
    tools: tuple[tuple[str, Any], ...] = ()
    """``(name, parsed arguments)`` of each complete tool call, in order."""
    error: tuple[str | None, str | None, str | None, bool | None] | None = None
    """``(type, code, kind, retryable)`` of the error."""
    anomalies: frozenset[str] = field(default_factory=frozenset)
    """The kinds of anomaly reported (exactly)."""
    output_tokens: int | None = None


_CUT_ONLY = frozenset({"cut"})

EXPECTED: dict[tuple[str, str], Expected] = {
    ("openai-chat", "completed"): Expected("completed", "stop", TEXT, output_tokens=8),
    ("openai-chat", "length"): Expected("incomplete", "length", CUT, output_tokens=5),
    ("openai-chat", "error"): Expected(
        "failed", None, CUT, error=("server_error", None, "server_error", True)
    ),
    ("openai-chat", "cut-inside"): Expected("truncated", None, CUT, anomalies=_CUT_ONLY),
    ("openai-chat", "cut-between"): Expected("truncated", None, CUT, anomalies=_CUT_ONLY),
    ("openai-chat", "no-terminal"): Expected(
        "truncated", "stop", TEXT, anomalies=_CUT_ONLY, output_tokens=8
    ),
    ("openai-chat", "tool-calls"): Expected(
        "completed", "tool_calls", "", (WEATHER,), output_tokens=17
    ),
    ("openai-chat", "out-of-order"): Expected(
        "completed",
        "tool_calls",
        "",
        (WEATHER, TIME),
        anomalies=frozenset({"index"}),
        output_tokens=17,
    ),
    ("openai-responses", "completed"): Expected("completed", None, TEXT, output_tokens=7),
    ("openai-responses", "length"): Expected(
        "incomplete", "max_output_tokens", CUT, output_tokens=4
    ),
    ("openai-responses", "error"): Expected(
        "failed", None, CUT, error=("error", "server_error", "server_error", True)
    ),
    ("openai-responses", "cut-inside"): Expected("truncated", None, CUT, anomalies=_CUT_ONLY),
    ("openai-responses", "cut-between"): Expected("truncated", None, CUT, anomalies=_CUT_ONLY),
    ("openai-responses", "no-terminal"): Expected("truncated", None, TEXT, anomalies=_CUT_ONLY),
    ("openai-responses", "tool-calls"): Expected(
        "completed", None, "", (WEATHER,), output_tokens=16
    ),
    ("openai-responses", "out-of-order"): Expected(
        "completed", None, TEXT, anomalies=frozenset({"sequence"}), output_tokens=7
    ),
    ("anthropic", "completed"): Expected("completed", "end_turn", TEXT, output_tokens=8),
    ("anthropic", "length"): Expected("incomplete", "max_tokens", CUT, output_tokens=5),
    ("anthropic", "error"): Expected(
        "failed",
        None,
        CUT,
        error=("overloaded_error", None, "overloaded_error", True),
        output_tokens=2,
    ),
    ("anthropic", "cut-inside"): Expected(
        "truncated", None, CUT, anomalies=_CUT_ONLY, output_tokens=2
    ),
    ("anthropic", "cut-between"): Expected(
        "truncated", None, CUT, anomalies=_CUT_ONLY, output_tokens=2
    ),
    ("anthropic", "no-terminal"): Expected(
        "truncated", "end_turn", TEXT, anomalies=_CUT_ONLY, output_tokens=8
    ),
    ("anthropic", "tool-calls"): Expected(
        "completed", "tool_use", "Let me check the weather.", (WEATHER,), output_tokens=22
    ),
    ("anthropic", "out-of-order"): Expected(
        "completed",
        "tool_use",
        "Let me check the weather.",
        (WEATHER,),
        anomalies=frozenset({"index"}),
        output_tokens=22,
    ),
    ("gemini", "completed"): Expected("completed", "STOP", TEXT, output_tokens=7),
    ("gemini", "length"): Expected("incomplete", "MAX_TOKENS", CUT, output_tokens=4),
    ("gemini", "error"): Expected(
        "failed", None, CUT, error=(None, "UNAVAILABLE", "unavailable", True)
    ),
    ("gemini", "cut-inside"): Expected("truncated", None, CUT, anomalies=_CUT_ONLY),
    ("gemini", "cut-between"): Expected("truncated", None, CUT, anomalies=_CUT_ONLY),
    ("gemini", "no-terminal"): Expected("truncated", None, TEXT, anomalies=_CUT_ONLY),
    ("gemini", "tool-calls"): Expected("completed", "STOP", "", (WEATHER,), output_tokens=5),
    ("gemini", "out-of-order"): Expected(
        "completed", "STOP", TEXT, anomalies=frozenset({"index"}), output_tokens=7
    ),
}

FORMATS = ("openai-chat", "openai-responses", "anthropic", "gemini")
STATES = tuple(END_STATES)
assert set(EXPECTED) == {(f, s) for f in FORMATS for s in STATES}


def stream_bytes(format: str, state: str) -> bytes:
    """The whole stream of a format in an end state."""
    return b"".join(end_state(format, state))


def chunkings(data: bytes) -> Iterator[tuple[str, Chunks]]:
    """Whole, one byte at a time, and four seeded random splits."""
    yield "whole", whole(data)
    yield "bytewise", bytewise(data)
    for seed in range(4):
        yield f"random-{seed}", random_cuts(data, seed)


PARSERS = (sseflow.Parser, reference.Parser)


def read_every_way(data: bytes) -> llm.Completion:
    """The record of ``data`` (errors recorded), the same whatever the chunking and the parser."""
    first: llm.Completion | None = None
    for label, chunks in chunkings(data):
        for factory in PARSERS:
            completion = llm.read(chunks, on_error="record", parser_factory=factory)
            if first is None:
                first = completion
            assert completion.to_dict() == first.to_dict(), f"{label}, {factory}"
    assert first is not None
    return first
