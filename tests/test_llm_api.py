"""sseflow.llm: sources, error typing and policy, partial JSON, anomalies, cancellation, CLI."""

from __future__ import annotations

import asyncio
import io
import json
import pickle
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx_sse
import pytest
from llm_streams import CUT, TEXT

from sseflow import Event, Parser, SSEError, encode, iter_events, llm
from sseflow.cli import main
from sseflow.llm._samples import anthropic_events, chat_events, responses_events


def _chat(*datas: str) -> bytes:
    return b"".join(encode(data) for data in datas)


def _chunk(content: str | None = None, reason: str | None = None) -> str:
    delta = {} if content is None else {"content": content}
    choice = {"index": 0, "delta": delta, "finish_reason": reason}
    return json.dumps({"id": "c1", "object": "chat.completion.chunk", "choices": [choice]})


def _named(kind: str, **fields: Any) -> bytes:
    return encode(json.dumps({"type": kind, **fields}), event=kind)


# -- [DONE], line ends, event sources --------------------------------------------


@pytest.mark.parametrize("done", [b"data:[DONE]", b"data: [DONE]", b"data:  [DONE] "])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_done_is_matched_with_or_without_the_space(done: bytes, newline: bytes) -> None:
    body = b"".join(
        f"data: {data}".encode() + newline * 2
        for data in (_chunk("Hi"), _chunk(" there"), _chunk(None, "stop"))
    )
    completion = llm.read(body + done + newline * 2)
    assert (completion.status, completion.text, completion.format) == (
        "completed",
        "Hi there",
        "openai-chat",
    )


def test_httpx_sse_events_and_a_file_are_sources() -> None:
    data = llm.sample("anthropic-completed")
    events = [
        httpx_sse.ServerSentEvent(e.event, e.data, e.id, e.retry) for e in iter_events([data])
    ]
    assert llm.read(events).text == TEXT
    assert llm.read(io.BytesIO(data)).text == TEXT
    chunks: list[bytes | bytearray] = [data[:10], bytearray(data[10:])]
    assert llm.read(iter(chunks)).text == TEXT


def test_an_event_iterator_that_reports_truncation() -> None:
    data = llm.sample("openai-chat-completed")
    cut = data[: data.index(b"[DONE]") + 3]
    events = iter_events([cut], raise_on_truncated=True)
    completion = llm.read(events)
    assert completion.status == "truncated"
    assert ("cut", "the stream ended inside an event") in completion.anomalies
    # Without the report, the events alone still lack [DONE]: truncated too.
    assert llm.read(iter_events([cut])).status == "truncated"
    # A function asked at the end: the parser's report once the bytes ended.
    parser = Parser()

    def parsed() -> Iterator[Event]:
        parser.feed(cut)
        yield from parser
        parser.close()

    assert llm.read(parsed(), truncated=lambda: parser.truncated).status == "truncated"
    # A cut after the terminal event is reported, but the answer before it is whole.
    after = llm.read(iter_events([data]), truncated=True)
    assert after.status == "completed"
    assert ("cut", "the stream ended inside an event after the terminal event") in after.anomalies


def test_an_empty_or_unknown_stream_is_truncated_with_no_format() -> None:
    empty = llm.read(b"")
    assert (empty.status, empty.format, empty.text) == ("truncated", None, "")
    other = llm.read(encode("hello") + encode('{"x": 1}', event="tick"))
    assert (other.status, other.format, other.events) == ("truncated", None, 2)
    assert "data" in {a.kind for a in other.anomalies}


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="format must be"):
        llm.stream(b"", format="cohere")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="on_error"):
        llm.stream(b"", on_error="ignore")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="not be a str"):
        llm.read("data: x\n\n")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected bytes"):
        llm.read(42)  # type: ignore[call-overload]


# -- errors ---------------------------------------------------------------------


def test_an_error_event_raises_by_default_with_the_record() -> None:
    with pytest.raises(llm.OverloadedError) as caught:
        llm.read(llm.sample("anthropic-error"))
    error = caught.value
    assert isinstance(error, llm.ProviderError)
    assert isinstance(error, SSEError)
    assert (error.provider, error.type, error.message, error.retryable) == (
        "anthropic",
        "overloaded_error",
        "Overloaded",
        True,
    )
    assert error.request_id == "req_011CSHoEeqs5C35K2UUqR7Fy"
    assert error.completion is not None
    assert (error.completion.status, error.completion.text) == ("failed", CUT)
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is llm.OverloadedError
    assert (clone.type, clone.retryable, str(clone)) == (error.type, True, str(error))
    assert clone.completion is not None
    assert clone.completion.error is clone


def test_an_error_event_stops_the_deltas_where_it_came() -> None:
    reader = llm.stream(llm.sample("openai-chat-error"))
    texts: list[str] = []

    def collect() -> None:
        for delta in reader:
            if isinstance(delta, llm.TextDelta):
                texts.append(delta.text)

    with pytest.raises(llm.ServerError, match="server_error"):
        collect()
    assert "".join(texts) == CUT
    assert reader.completion.status == "failed"
    assert list(reader) == []


@pytest.mark.parametrize(
    ("body", "cls", "retryable"),
    [
        ({"type": "error", "error": {"type": "invalid_request_error", "message": "m"}},
         llm.InvalidRequestError, False),
        ({"error": {"type": "authentication_error"}}, llm.AuthenticationError, False),
        ({"error": {"type": "permission_error", "message": "m"}}, llm.AuthenticationError, False),
        ({"error": {"type": "not_found_error", "message": "m"}}, llm.NotFoundError, False),
        ({"error": {"type": "request_too_large", "message": "m"}}, llm.InvalidRequestError, False),
        ({"error": {"type": "rate_limit_error", "message": "m"}}, llm.RateLimitError, True),
        ({"error": {"type": "api_error", "message": "m"}}, llm.ServerError, True),
        ({"error": {"type": "overloaded_error", "message": "m"}}, llm.OverloadedError, True),
        ({"error": {"type": "tokens", "code": "rate_limit_exceeded", "message": "m"}},
         llm.RateLimitError, True),
        ({"error": {"type": "insufficient_quota", "code": "insufficient_quota", "message": "m"}},
         llm.QuotaExceededError, False),
        ({"error": {"type": "invalid_request_error", "code": "invalid_api_key", "message": "m"}},
         llm.AuthenticationError, False),
        ({"error": {"type": "invalid_request_error", "code": "context_length_exceeded"}},
         llm.InvalidRequestError, False),
        ({"type": "error", "code": "server_error", "message": "m", "sequence_number": 3},
         llm.ServerError, True),
        ({"error": {"type": "something_new", "message": "m"}}, llm.ProviderError, None),
        ({"error": {"code": "Brand_New", "message": "m"}}, llm.ProviderError, None),
    ],
)  # fmt: skip
def test_error_types_and_retryable(body: dict[str, Any], cls: type, retryable: bool | None) -> None:
    error = llm.provider_error("openai", body)
    assert type(error) is cls
    assert error.retryable is retryable
    assert error.to_dict()["retryable"] is retryable


@pytest.mark.parametrize(
    ("body", "type", "code", "kind"),
    [
        ({"error": {"type": "tokens", "code": "rate_limit_exceeded"}},
         "tokens", "rate_limit_exceeded", "rate_limit_exceeded"),
        ({"type": "error", "error": {"type": "overloaded_error"}},
         "overloaded_error", None, "overloaded_error"),
        ({"type": "error", "code": "server_error", "sequence_number": 3},
         "error", "server_error", "server_error"),
        ({"type": "error", "code": None, "message": "m", "sequence_number": 3},
         "error", None, "error"),
        ({"error": {"code": "Invalid_Prompt"}}, None, "Invalid_Prompt", "invalid_prompt"),
        ({"error": {"message": "only a message"}}, None, None, None),
    ],
)  # fmt: skip
def test_one_normalised_error_kind_beside_the_raw_type_and_code(
    body: dict[str, Any], type: str | None, code: str | None, kind: str | None
) -> None:
    error = llm.provider_error("openai", body)
    assert (error.type, error.code, error.kind) == (type, code, kind)
    assert error.to_dict()["kind"] == kind


@pytest.mark.parametrize(
    ("status", "cls", "retryable"),
    [(429, llm.RateLimitError, True), (529, llm.OverloadedError, True),
     (503, llm.ServerError, True), (401, llm.AuthenticationError, False),
     (404, llm.NotFoundError, False), (400, llm.InvalidRequestError, False)],
)  # fmt: skip
def test_an_http_status_types_an_error_without_a_known_type(
    status: int, cls: type, retryable: bool
) -> None:
    error = llm.provider_error("openai", {"error": {"message": "m"}}, status=status)
    assert (type(error), error.retryable, error.status) == (cls, retryable, status)


def test_a_failed_responses_stream() -> None:
    completion = llm.read(b"".join(responses_events(["Hi"], end="failed")), on_error="record")
    assert (completion.status, completion.text) == ("failed", "Hi")
    assert completion.error is not None
    assert (completion.error.code, completion.error.retryable) == ("server_error", True)
    assert completion.usage is not None


def test_a_chat_error_object_then_done_is_failed() -> None:
    error = {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}
    body = _chat(_chunk("Hi"), json.dumps({"error": error}), "[DONE]")
    with pytest.raises(llm.RateLimitError) as caught:
        llm.read(body)
    assert caught.value.code == "rate_limit_exceeded"
    recorded = llm.read(body, on_error="record")
    assert (recorded.status, recorded.text) == ("failed", "Hi")


# -- what a terminal event needs, and anomalies ----------------------------------------


def test_a_terminal_event_without_a_reason_is_completed_with_an_anomaly() -> None:
    # The server said the stream is over (a cut stream never sends [DONE] or
    # message_stop); only the reason is missing, as some compatible servers do.
    chat = llm.read(_chat(_chunk("Hi"), "[DONE]"))
    assert (chat.status, chat.finish_reason, chat.text) == ("completed", None, "Hi")
    assert chat.anomalies == (("reason", "[DONE] came but no chunk gave a finish_reason"),)
    anthropic = llm.read(b"".join(anthropic_events(["Hi"], stop_reason=None)))
    assert (anthropic.status, anthropic.finish_reason) == ("completed", None)
    assert anthropic.anomalies == (
        ("reason", "message_stop came but no message_delta gave a stop_reason"),
    )
    # Without the terminal event it stays a cut stream.
    assert llm.read(_chat(_chunk("Hi"))).status == "truncated"


@pytest.mark.parametrize(
    ("reason", "status"),
    [("end_turn", "completed"), ("stop_sequence", "completed"), ("tool_use", "completed"),
     ("max_tokens", "incomplete"), ("model_context_window_exceeded", "incomplete"),
     ("refusal", "incomplete"), ("pause_turn", "incomplete")],
)  # fmt: skip
def test_anthropic_stop_reasons(reason: str, status: str) -> None:
    completion = llm.read(b"".join(anthropic_events(["Hi"], stop_reason=reason)))
    assert (completion.status, completion.finish_reason) == (status, reason)


@pytest.mark.parametrize(
    ("reason", "status"),
    [("stop", "completed"), ("tool_calls", "completed"), ("length", "incomplete"),
     ("content_filter", "incomplete")],
)  # fmt: skip
def test_chat_finish_reasons(reason: str, status: str) -> None:
    completion = llm.read(b"".join(chat_events(["Hi"], finish_reason=reason)))
    assert (completion.status, completion.finish_reason) == (status, reason)


def test_anthropic_usage_thinking_ping_and_stop_sequence() -> None:
    events = [
        _named("message_start", message={"id": "msg_1", "model": "claude-x",
               "usage": {"input_tokens": 10, "output_tokens": 1}}),
        _named("ping"),
        _named("content_block_start", index=0,
               content_block={"type": "thinking", "thinking": ""}),
        _named("content_block_delta", index=0,
               delta={"type": "thinking_delta", "thinking": "Let me think."}),
        _named("content_block_delta", index=0,
               delta={"type": "signature_delta", "signature": "EqQB"}),
        _named("content_block_stop", index=0),
        _named("content_block_start", index=1, content_block={"type": "text", "text": ""}),
        _named("content_block_delta", index=1, delta={"type": "text_delta", "text": "42"}),
        _named("content_block_stop", index=1),
        _named("message_delta", delta={"stop_reason": "stop_sequence", "stop_sequence": "END"},
               usage={"output_tokens": 30}),
        _named("message_stop"),
    ]  # fmt: skip
    completion = llm.read(b"".join(events))
    assert (completion.status, completion.text, completion.reasoning) == (
        "completed",
        "42",
        "Let me think.",
    )
    assert completion.stop_sequence == "END"
    assert completion.usage == {"input_tokens": 10, "output_tokens": 30}
    assert (completion.input_tokens, completion.output_tokens) == (10, 30)
    assert (completion.model, completion.response_id) == ("claude-x", "msg_1")
    assert completion.anomalies == ()


def test_anthropic_block_index_anomalies() -> None:
    events = [
        _named("message_start", message={"id": "msg_1"}),
        _named("content_block_start", index=0, content_block={"type": "text", "text": ""}),
        _named("content_block_delta", index=1, delta={"type": "text_delta", "text": "x"}),
        _named("content_block_delta", index=0, delta={"type": "text_delta", "text": "Hi"}),
        _named("message_delta", delta={"stop_reason": "end_turn"}),
        _named("message_stop"),
    ]
    completion = llm.read(b"".join(events))
    messages = [a.message for a in completion.anomalies if a.kind == "index"]
    assert messages == ["content_block_delta for block 1, never started", "block 0 never stopped"]


def test_responses_sequence_numbers_order_the_text_when_no_done_event_came() -> None:
    def delta(seq: int, text: str) -> bytes:
        return _named("response.output_text.delta", sequence_number=seq, item_id="m",
                      output_index=0, content_index=0, delta=text)  # fmt: skip

    events = [
        _named("response.created", sequence_number=0, response={"id": "resp_1", "model": "m"}),
        _named(
            "response.output_item.added",
            sequence_number=1,
            output_index=0,
            item={"type": "message", "id": "m"},
        ),
        delta(2, "a"),
        delta(4, "c"),
        delta(3, "b"),
        delta(6, "e"),
        _named(
            "response.incomplete",
            sequence_number=7,
            response={
                "id": "resp_1",
                "status": "incomplete",
                "incomplete_details": {"reason": "content_filter"},
            },
        ),
    ]
    completion = llm.read(b"".join(events))
    assert (completion.status, completion.finish_reason) == ("incomplete", "content_filter")
    assert completion.text == "abce"
    assert [a.message for a in completion.anomalies] == [
        "response.output_text.delta: sequence_number 4 after 2 (1 missing)",
        "response.output_text.delta: sequence_number 3 after 4",
        "response.output_text.delta: sequence_number 6 after 4 (1 missing)",
    ]


def test_events_after_the_terminal_event_and_bad_json_are_reported() -> None:
    completion = llm.read(_chat(_chunk("Hi", "stop"), "[DONE]", _chunk("more")))
    assert completion.status == "completed"
    assert "order" in {a.kind for a in completion.anomalies}
    broken = llm.read(_chat(_chunk("Hi"), "{not json", _chunk(None, "stop"), "[DONE]"))
    assert (broken.status, broken.text) == ("completed", "Hi")
    assert [a.kind for a in broken.anomalies] == ["data"]


def test_complete_arguments_that_are_not_json() -> None:
    tool = ("call_1", "f", ['{"a": ', "1,,}"])
    completion = llm.read(b"".join(chat_events(tool_calls=[tool], finish_reason="tool_calls")))
    (call,) = completion.tool_calls
    assert (call.complete, call.arguments, call.input) == (True, '{"a": 1,,}', None)
    assert "data" in {a.kind for a in completion.anomalies}


# -- partial JSON ------------------------------------------------------------------------


def test_partial_json_gives_the_best_parse_so_far() -> None:
    reader = llm.stream(llm.sample("anthropic-tool-calls"), partial_json=True)
    partials = [d.partial for d in reader if isinstance(d, llm.ToolCallDelta)]
    assert partials[0] == {}  # '{"l': an object, no whole key yet
    assert {"location": "Pari"} in partials
    assert partials[-1] == {"location": "Paris, France", "unit": "celsius"}
    assert reader.completion.tool_calls[0].input == partials[-1]


def test_partial_json_without_jiter_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jiter", None)
    with pytest.raises(ImportError, match=r"sseflow\[llm\]"):
        llm.stream(b"", partial_json=True)
    assert llm.read(llm.sample("openai-chat-completed")).ok  # the rest works without it


# -- finishing: not yet, cancelled, broken -------------------------------------------------


def test_the_record_waits_for_the_end_and_close_cancels() -> None:
    reader = llm.stream(llm.sample("openai-responses-completed"))
    first = next(reader)
    assert first == llm.TextDelta("Hello!", 0)
    with pytest.raises(RuntimeError, match="not finished"):
        _ = reader.completion
    reader.close()
    assert (reader.completion.status, reader.completion.text) == ("cancelled", "Hello!")
    with llm.stream(llm.sample("anthropic-completed")) as early:
        for _ in early:
            break
    assert early.completion.status == "cancelled"
    with llm.stream(llm.sample("anthropic-completed")) as whole:
        assert whole.until_done().ok
    assert whole.completion.status == "completed"


def test_a_source_that_fails_leaves_a_truncated_record() -> None:
    data = llm.sample("openai-chat-completed")

    def chunks() -> Iterator[bytes]:
        yield data[:300]
        raise ConnectionResetError("peer reset")

    reader = llm.stream(chunks())
    with pytest.raises(ConnectionResetError):
        list(reader)
    assert reader.completion.status == "truncated"
    assert any("ConnectionResetError" in a.message for a in reader.completion.anomalies)


def test_async_sources_and_cancellation() -> None:
    data = llm.sample("openai-responses-tool-calls")

    async def run() -> tuple[llm.Completion, llm.Completion, llm.Completion]:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        from_reader = await llm.aread(reader)
        events = iter_events([data])

        async def aevents() -> AsyncIterator[Event]:
            for event in events:
                yield event

        from_events = await llm.aread(aevents())

        started = asyncio.Event()

        async def stalled() -> AsyncIterator[bytes]:
            yield data[:500]
            started.set()
            await asyncio.sleep(3600)
            yield b""  # pragma: no cover

        stream = llm.astream(stalled())

        async def consume() -> None:
            async for _ in stream:
                pass

        task = asyncio.create_task(consume())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return from_reader, from_events, stream.completion

    from_reader, from_events, cancelled = asyncio.run(run())
    assert from_reader.ok
    assert from_events.ok
    assert from_reader.tool_calls[0].input == {"location": "Paris, France", "unit": "celsius"}
    assert cancelled.status == "cancelled"


# -- the command line ---------------------------------------------------------------------


def test_cli_prints_the_text_and_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llm", "--sample", "anthropic-completed"]) == 0
    out = capsys.readouterr().out
    text, _, record = out.partition("\n")
    assert text == TEXT
    assert json.loads(record)["status"] == "completed"


@pytest.mark.parametrize(
    ("name", "status"),
    [("openai-chat-length", "incomplete"), ("openai-responses-error", "failed"),
     ("anthropic-cut-inside", "truncated"), ("openai-chat-no-terminal", "truncated")],
)  # fmt: skip
def test_cli_exits_non_zero_unless_completed(
    name: str, status: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["llm", "--sample", name, "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["status"] == status
    assert status in captured.err


def test_cli_reads_a_file_with_an_explicit_format(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "stream.sse"
    path.write_bytes(llm.sample("openai-chat-tool-calls"))
    assert main(["llm", str(path), "--format", "openai-chat", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["tool_calls"][0]["input"] == {"location": "Paris, France", "unit": "celsius"}
    assert main(["llm", str(path), "--format", "anthropic", "--json"]) == 1
    capsys.readouterr()
    assert main(["llm", str(tmp_path / "missing")]) == 2


def test_cli_help_lists_the_samples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["llm", "--help"])
    out = capsys.readouterr().out
    for name in llm.SAMPLES:
        assert name in out
