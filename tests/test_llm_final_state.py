"""sseflow.llm: the corners of the final state, each read under many chunkings with both parsers.

What follows the terminal event, a terminal event without a reason, the normalised
error, the record's token counts, and the parser options of the readers.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from llm_streams import PARSERS, TEXT, chunkings, read_every_way

import sseflow
from sseflow import encode, llm, reference
from sseflow.llm._samples import anthropic_events, chat_events, responses_events


def _named(kind: str, **fields: Any) -> bytes:
    return encode(json.dumps({"type": kind, **fields}), event=kind)


def _chat_chunk(delta: dict[str, Any], reason: str | None = None) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": reason}
    return encode(json.dumps({"id": "c1", "object": "chat.completion.chunk", "choices": [choice]}))


# -- what follows the terminal event ---------------------------------------------------

_CHAT_AFTER = [
    _chat_chunk({"content": " More text."}),
    _chat_chunk({"tool_calls": [{"index": 0, "id": "call_x", "function": {"name": "f"}}]}),
    _chat_chunk({}, "length"),
    encode(json.dumps({"choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 99}})),
    encode(json.dumps({"error": {"type": "server_error", "message": "late"}})),
    encode("[DONE]"),
]
_ANTHROPIC_AFTER = [
    _named("content_block_delta", index=0, delta={"type": "text_delta", "text": " More text."}),
    _named("message_delta", delta={"stop_reason": "max_tokens"}, usage={"output_tokens": 99}),
    _named("error", error={"type": "overloaded_error", "message": "late"}),
    _named("message_stop"),
]
_RESPONSES_AFTER = [
    _named("response.output_text.delta", sequence_number=99, output_index=0, content_index=0,
           delta=" More text."),
    _named("error", sequence_number=100, code="server_error", message="late"),
    _named("response.incomplete", sequence_number=101,
           response={"status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"},
                     "usage": {"output_tokens": 99}}),
]  # fmt: skip

_AFTER = {
    "openai-chat": (b"".join(chat_events(["Hello!", " How can I help you today?"])), _CHAT_AFTER),
    "anthropic": (
        b"".join(anthropic_events(["Hello!", " How can I help you today?"])),
        _ANTHROPIC_AFTER,
    ),
    "openai-responses": (
        b"".join(responses_events(["Hello!", " How can I help you today?"])),
        _RESPONSES_AFTER,
    ),
}


@pytest.mark.parametrize("format", sorted(_AFTER))
def test_what_follows_the_terminal_event_is_not_part_of_the_answer(format: str) -> None:
    whole, after = _AFTER[format]
    before = llm.read(whole)
    assert (before.status, before.text) == ("completed", TEXT)
    completion = read_every_way(whole + b"".join(after))
    assert (completion.format, completion.status, completion.text) == (format, "completed", TEXT)
    assert completion.finish_reason == before.finish_reason
    assert completion.usage == before.usage
    assert completion.tool_calls == before.tool_calls
    assert completion.error is None
    assert completion.events == before.events + len(after)
    late = [a for a in completion.anomalies if a not in before.anomalies]
    assert [a.kind for a in late] == ["order"] * len(after)
    for anomaly, event in zip(late, sseflow.iter_events(after), strict=True):
        assert anomaly.message == (
            f"event {event.event!r} after the terminal event, left out "
            f"({len(event.data)} characters of data)"
        )


@pytest.mark.parametrize("format", sorted(_AFTER))
def test_a_cut_after_the_terminal_event_leaves_the_status(format: str) -> None:
    whole, after = _AFTER[format]
    cut = after[0][: len(after[0]) // 2]
    completion = read_every_way(whole + cut)
    assert (completion.status, completion.text) == ("completed", TEXT)
    assert completion.anomalies[-1] == (
        "cut",
        "the stream ended inside an event after the terminal event",
    )
    # Cut inside the terminal event itself, it is a cut stream.
    terminal = whole.rindex(b"data:")
    assert read_every_way(whole[: terminal + 8]).status == "truncated"


def test_no_error_is_raised_for_an_error_event_after_the_terminal_event() -> None:
    whole, after = _AFTER["anthropic"]
    completion = llm.read(whole + after[2])  # on_error="raise", the default
    assert completion.ok
    assert completion.error is None


# -- a terminal event without a reason -------------------------------------------------


def test_done_without_a_finish_reason_is_completed_and_says_so() -> None:
    data = b"".join(chat_events(["Hi", " there"], finish_reason=None))
    completion = read_every_way(data)
    assert (completion.status, completion.finish_reason, completion.text) == (
        "completed",
        None,
        "Hi there",
    )
    assert completion.ok
    assert [a.kind for a in completion.anomalies] == ["reason"]
    # The same stream without [DONE] is cut, reason or not.
    assert read_every_way(b"".join(chat_events(["Hi"], finish_reason=None, done=False))).status == (
        "truncated"
    )


def test_done_without_a_finish_reason_still_ends_the_tool_calls() -> None:
    tool = ("call_1", "get_weather", ['{"city": ', '"Paris"}'])
    completion = read_every_way(b"".join(chat_events(tool_calls=[tool], finish_reason=None)))
    assert completion.status == "completed"
    (call,) = completion.tool_calls
    assert (call.complete, call.input) == (True, {"city": "Paris"})


def test_message_stop_without_a_stop_reason_is_completed_and_says_so() -> None:
    completion = read_every_way(b"".join(anthropic_events(["Hi"], stop_reason=None)))
    assert (completion.status, completion.finish_reason, completion.text) == (
        "completed",
        None,
        "Hi",
    )
    assert [a.kind for a in completion.anomalies] == ["reason"]


# -- errors: unknown, normalised ---------------------------------------------------------


def test_an_unknown_error_event_is_not_said_to_be_retryable_or_not() -> None:
    body = {"error": {"type": "brand_new_error", "message": "what is this"}}
    data = b"".join(chat_events(["Hi"])[:2]) + encode(json.dumps(body))
    completion = read_every_way(data)
    assert completion.status == "failed"
    error = completion.error
    assert error is not None
    assert type(error) is llm.ProviderError
    assert (error.type, error.code, error.kind, error.retryable) == (
        "brand_new_error",
        None,
        "brand_new_error",
        None,
    )
    record = completion.to_dict()["error"]
    assert (record["kind"], record["retryable"]) == ("brand_new_error", None)


def test_the_flat_responses_error_event_keeps_its_type() -> None:
    completion = read_every_way(llm.sample("openai-responses-error"))
    error = completion.error
    assert error is not None
    assert (error.type, error.code, error.kind, error.retryable) == (
        "error",
        "server_error",
        "server_error",
        True,
    )


# -- the record as a dict ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tokens"),
    [("openai-chat-completed", (19, 8)), ("openai-responses-completed", (36, 7)),
     ("anthropic-completed", (472, 8)), ("openai-chat-cut-between", (None, None))],
)  # fmt: skip
def test_to_dict_has_the_normalised_token_counts(
    name: str, tokens: tuple[int | None, int | None]
) -> None:
    record = read_every_way(llm.sample(name)).to_dict()
    assert (record["input_tokens"], record["output_tokens"]) == tokens
    assert json.loads(json.dumps(record)) == record


# -- reader options ----------------------------------------------------------------------


def test_the_parser_factory_is_used() -> None:
    made: list[object] = []

    def factory(**limits: Any) -> reference.Parser[reference.Event]:
        parser = reference.Parser(**limits)
        made.append(parser)
        return parser

    data = llm.sample("anthropic-tool-calls")
    for source in ([data], data):
        made.clear()
        assert llm.read(source, parser_factory=factory).ok
        assert len(made) == 1


@pytest.mark.parametrize("factory", PARSERS)
def test_size_limits(factory: Any) -> None:
    data = llm.sample("openai-chat-completed")
    assert llm.read(data, parser_factory=factory, max_line_size=1000, max_event_size=1000).ok
    for label, chunks in chunkings(data):
        reader = llm.stream(chunks, parser_factory=factory, max_event_size=100)
        with pytest.raises(sseflow.LimitExceeded) as caught:
            reader.until_done()
        assert (caught.value.limit_name, caught.value.limit) == ("max_event_size", 100), label
        assert reader.completion.status == "truncated"
        assert any("LimitExceeded" in a.message for a in reader.completion.anomalies)
    with pytest.raises(sseflow.LimitExceeded, match="max_line_size"):
        llm.read(data, parser_factory=factory, max_line_size=50)


def test_async_readers_take_the_options() -> None:
    import asyncio

    data = llm.sample("anthropic-completed")

    async def run() -> llm.Completion:
        async def chunks() -> Any:
            for start in range(0, len(data), 5):
                yield data[start : start + 5]

        with pytest.raises(sseflow.LimitExceeded):
            await llm.aread(chunks(), max_line_size=20)
        return await llm.aread(chunks(), parser_factory=reference.Parser, max_event_size=10_000)

    assert asyncio.run(run()).ok


def test_bad_options() -> None:
    events = list(sseflow.iter_events([llm.sample("anthropic-completed")]))
    with pytest.raises(ValueError, match="already parsed"):
        llm.read(events, max_event_size=10)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unexpected keyword argument 'max_size'"):
        llm.read(b"", max_size=10)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="parser_factory must be a callable"):
        llm.stream(b"", parser_factory=42)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="non-negative"):
        llm.read(b"data: x\n\n", max_line_size=-1)
