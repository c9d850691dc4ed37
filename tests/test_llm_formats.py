"""Each format in each end state, under many chunkings, through the real parser."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from llm_streams import EXPECTED, FORMATS, STATES, Expected, chunkings, stream_bytes

import sseflow
from sseflow import llm, reference

CASES = [(f, s) for f in FORMATS for s in STATES]
IDS = [f"{f}-{s}" for f, s in CASES]


def check(completion: llm.Completion, expected: Expected, format: str) -> None:
    assert completion.format == format
    assert completion.status == expected.status
    assert completion.finish_reason == expected.finish_reason
    assert completion.text == expected.text
    assert [(c.name, c.input) for c in completion.tool_calls if c.complete] == list(expected.tools)
    assert {a.kind for a in completion.anomalies} == expected.anomalies, completion.anomalies
    assert completion.output_tokens == expected.output_tokens
    if expected.error is None:
        assert completion.error is None
    else:
        assert completion.error is not None
        error = completion.error
        assert (error.type, error.code, error.kind, error.retryable) == expected.error
        assert error.completion is completion


@pytest.mark.parametrize(("format", "state"), CASES, ids=IDS)
def test_every_chunking_gives_the_same_record(format: str, state: str) -> None:
    expected = EXPECTED[(format, state)]
    data = stream_bytes(format, state)
    for label, chunks in chunkings(data):
        for chosen in ("auto", format):
            completion = llm.read(chunks, format=chosen, on_error="record")  # type: ignore[call-overload]
            try:
                check(completion, expected, format)
            except AssertionError as error:
                raise AssertionError(f"{label}, format={chosen}: {error}") from error


@pytest.mark.parametrize(("format", "state"), CASES, ids=IDS)
def test_the_deltas_add_up_to_the_text(format: str, state: str) -> None:
    expected = EXPECTED[(format, state)]
    reader = llm.stream(stream_bytes(format, state), on_error="record")
    deltas = list(reader)
    streamed = "".join(d.text for d in deltas if isinstance(d, llm.TextDelta))
    if (format, state) == ("openai-responses", "out-of-order"):
        # Deltas come in arrival order; the record puts them in sequence order.
        assert streamed == "Hello! can How I help you today?"
    else:
        assert streamed == expected.text
    ended = [(d.name, d.input) for d in deltas if isinstance(d, llm.ToolCall)]
    assert ended == list(expected.tools)
    for tool_call in {d.index for d in deltas if isinstance(d, llm.ToolCallDelta)}:
        pieces = [d for d in deltas if isinstance(d, llm.ToolCallDelta) and d.index == tool_call]
        assert len(pieces) >= 6  # the arguments came in many deltas
        joined = "".join(d.arguments for d in pieces)
        assert joined == reader.completion.tool_calls[tool_call].arguments


@pytest.mark.parametrize(("format", "state"), CASES, ids=IDS)
def test_events_from_either_parser_give_the_same_record(format: str, state: str) -> None:
    expected = EXPECTED[(format, state)]
    data = stream_bytes(format, state)
    for module in (sseflow, reference):
        parser = module.Parser()
        parser.feed(data)
        events = list(parser)
        parser.close()
        events += list(parser)
        completion = llm.read(events, on_error="record", truncated=parser.truncated)
        check(completion, expected, format)


@pytest.mark.parametrize(("format", "state"), CASES, ids=IDS)
def test_async_reads_agree(format: str, state: str) -> None:
    expected = EXPECTED[(format, state)]
    data = stream_bytes(format, state)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(data), 7):
            yield data[start : start + 7]
            await asyncio.sleep(0)

    completion = asyncio.run(llm.aread(chunks(), on_error="record"))
    check(completion, expected, format)


@pytest.mark.parametrize("format", FORMATS)
def test_no_prefix_of_a_completed_stream_is_completed(format: str) -> None:
    data = stream_bytes(format, "completed")
    for end in range(0, len(data), 3):
        completion = llm.read(data[:end], on_error="record")
        assert completion.status == "truncated", f"cut at {end}: {completion}"
    assert llm.read(data).status == "completed"


@pytest.mark.parametrize("format", FORMATS)
def test_no_prefix_of_a_tool_call_stream_parses_unfinished_arguments(format: str) -> None:
    data = stream_bytes(format, "tool-calls")
    for end in range(0, len(data), 5):
        completion = llm.read(data[:end], on_error="record")
        assert completion.status == "truncated"
        for call in completion.tool_calls:
            if not call.complete:
                assert call.input is None
