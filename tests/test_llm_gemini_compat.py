"""sseflow.llm on Gemini streams and on the shapes of OpenAI-compatible servers, each read
under many chunkings with both parsers."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from llm_streams import TEXT, read_every_way
from sse_server import SSEServer, static

from sseflow import encode, llm
from sseflow.cli import main
from sseflow.llm._gemini import COMPLETED_REASONS
from sseflow.llm._samples import chat_events, gemini_events


def _gemini(*bodies: dict[str, Any]) -> bytes:
    return b"".join(encode(json.dumps(body)) for body in bodies)


def _candidate(text: str | None = None, reason: str | None = None, **more: Any) -> dict[str, Any]:
    candidate: dict[str, Any] = {"index": 0, **more}
    if text is not None:
        candidate["content"] = {"role": "model", "parts": [{"text": text}]}
    if reason is not None:
        candidate["finishReason"] = reason
    return {"candidates": [candidate]}


# -- Gemini: when it is complete -------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "status"),
    [("STOP", "completed"), ("MAX_TOKENS", "incomplete"), ("SAFETY", "incomplete"),
     ("RECITATION", "incomplete"), ("LANGUAGE", "incomplete"), ("OTHER", "incomplete"),
     ("BLOCKLIST", "incomplete"), ("PROHIBITED_CONTENT", "incomplete"), ("SPII", "incomplete"),
     ("MALFORMED_FUNCTION_CALL", "incomplete"), ("IMAGE_SAFETY", "incomplete"),
     ("UNEXPECTED_TOOL_CALL", "incomplete"), ("TOO_MANY_TOOL_CALLS", "incomplete"),
     ("FINISH_REASON_UNSPECIFIED", "incomplete"), ("A_REASON_FROM_NEXT_YEAR", "incomplete")],
)  # fmt: skip
def test_gemini_finish_reasons(reason: str, status: str) -> None:
    completion = read_every_way(b"".join(gemini_events(["Hi", " there"], finish_reason=reason)))
    assert (completion.format, completion.status, completion.finish_reason) == (
        "gemini",
        status,
        reason,
    )
    assert completion.text == "Hi there"
    assert (reason in COMPLETED_REASONS) == (status == "completed")


def test_gemini_counts_as_complete_only_by_its_last_event() -> None:
    # Older models put finishReason STOP on every event: the last one decides.
    every = _gemini(_candidate("a", "STOP"), _candidate("b", "STOP"), _candidate("c", "STOP"))
    assert (read_every_way(every).status, read_every_way(every).text) == ("completed", "abc")
    # Text after a finishReason, with none of its own: not complete.
    later = _gemini(_candidate("a", "STOP"), _candidate("b"))
    assert read_every_way(later).status == "truncated"
    # Bytes that end inside an event after a STOP: that event may hold more, so cut.
    whole = b"".join(gemini_events(["Hi"]))
    cut = read_every_way(whole + b'data: {"candidates": [{"content": {"parts": [{"te')
    assert (cut.status, cut.text) == ("truncated", "Hi")
    assert ("cut", "the stream ended inside an event") in cut.anomalies
    # An end inside the last event itself.
    assert read_every_way(whole[:-10]).status == "truncated"


def test_gemini_prompt_blocked() -> None:
    blocked = {
        "promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
        "usageMetadata": {"promptTokenCount": 8, "totalTokenCount": 8},
        "modelVersion": "gemini-2.5-flash",
    }
    completion = read_every_way(_gemini(blocked))
    assert (completion.format, completion.status, completion.finish_reason) == (
        "gemini",
        "incomplete",
        "PROHIBITED_CONTENT",
    )
    assert (completion.text, completion.input_tokens, completion.model) == (
        "",
        8,
        "gemini-2.5-flash",
    )


def test_gemini_thoughts_function_calls_and_usage() -> None:
    parts = [
        {"text": "Thinking about the weather.", "thought": True},
        {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}, "id": "fc_1"}},
    ]
    usage = {"promptTokenCount": 20, "candidatesTokenCount": 7, "thoughtsTokenCount": 30,
             "totalTokenCount": 57}  # fmt: skip
    body = {"candidates": [{"content": {"role": "model", "parts": parts}, "index": 0,
            "finishReason": "STOP"}], "usageMetadata": usage, "responseId": "r1"}  # fmt: skip
    completion = read_every_way(_gemini(body))
    assert (completion.status, completion.reasoning, completion.text) == (
        "completed",
        "Thinking about the weather.",
        "",
    )
    (call,) = completion.tool_calls
    assert (call.id, call.name, call.input, call.complete) == (
        "fc_1",
        "get_weather",
        {"city": "Paris"},
        True,
    )
    assert (completion.input_tokens, completion.output_tokens) == (20, 37)
    assert completion.response_id == "r1"
    deltas = list(llm.stream(_gemini(body)))
    assert [type(d).__name__ for d in deltas] == ["ReasoningDelta", "ToolCall"]


@pytest.mark.parametrize(
    ("error", "cls", "retryable"),
    [({"code": 429, "message": "Quota", "status": "RESOURCE_EXHAUSTED"}, llm.RateLimitError, True),
     ({"code": 503, "message": "Busy", "status": "UNAVAILABLE"}, llm.ServerError, True),
     ({"code": 500, "message": "Oops", "status": "INTERNAL"}, llm.ServerError, True),
     ({"code": 504, "message": "Slow", "status": "DEADLINE_EXCEEDED"}, llm.ServerError, True),
     ({"code": 400, "message": "Bad", "status": "INVALID_ARGUMENT"}, llm.InvalidRequestError,
      False),
     ({"code": 400, "message": "No", "status": "FAILED_PRECONDITION"}, llm.InvalidRequestError,
      False),
     ({"code": 403, "message": "No", "status": "PERMISSION_DENIED"}, llm.AuthenticationError,
      False),
     ({"code": 401, "message": "No", "status": "UNAUTHENTICATED"}, llm.AuthenticationError, False),
     ({"code": 404, "message": "No", "status": "NOT_FOUND"}, llm.NotFoundError, False)],
)  # fmt: skip
def test_gemini_errors_in_the_stream(error: dict[str, Any], cls: type, retryable: bool) -> None:
    data = b"".join(gemini_events(["Hi"], error=error))
    completion = read_every_way(data)
    assert (completion.status, completion.text) == ("failed", "Hi")
    raised = completion.error
    assert raised is not None
    assert type(raised) is cls
    assert (raised.provider, raised.code, raised.kind, raised.status, raised.retryable) == (
        "google",
        error["status"],
        error["status"].lower(),
        error["code"],
        retryable,
    )
    with pytest.raises(cls):
        llm.read(data)


def test_a_gemini_http_error_answer() -> None:
    body = {"error": {"code": 429, "message": "Resource has been exhausted.",
                      "status": "RESOURCE_EXHAUSTED"}}  # fmt: skip
    with SSEServer() as server:
        url = server.route("/v1beta/models/gemini-2.5-flash:streamGenerateContent", static(
            json.dumps(body).encode(), 429, "application/json"))  # fmt: skip
        with httpx.Client() as client, client.stream("POST", url + "?alt=sse") as response:
            completion = llm.read(response, on_error="record")
    assert (completion.status, completion.format) == ("failed", None)
    assert completion.error is not None
    assert (type(completion.error), completion.error.kind, completion.error.status) == (
        llm.RateLimitError,
        "resource_exhausted",
        429,
    )


def test_the_cli_reads_gemini_samples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["llm", "--sample", "gemini-tool-calls", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["format"], record["status"], record["tool_calls"][0]["name"]) == (
        "gemini",
        "completed",
        "get_weather",
    )
    assert main(["llm", "--sample", "gemini-length", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["finish_reason"] == "MAX_TOKENS"


def test_gemini_is_detected_and_can_be_named() -> None:
    data = llm.sample("gemini-completed")
    assert llm.detect("message", data.split(b"\n", 1)[0][6:].decode()) == "gemini"
    assert llm.read(data, format="gemini").ok
    assert not llm.read(data, format="openai-chat").ok


# -- OpenAI-compatible servers ---------------------------------------------------------------


def _chunk(content: str | None = None, reason: str | None = None, **more: Any) -> dict[str, Any]:
    delta = {} if content is None else {"content": content}
    return {"id": "c1", "object": "chat.completion.chunk", "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": reason}], **more}  # fmt: skip


def _chat(*items: dict[str, Any] | str) -> bytes:
    return b"".join(encode(item if isinstance(item, str) else json.dumps(item)) for item in items)


@pytest.mark.parametrize(
    ("error", "cls", "kind", "status"),
    [({"error": {"message": "TimeoutError", "type": "GatewayTimeout", "code": 504}},
      llm.ServerError, "gatewaytimeout", 504),
     ({"error": {"code": 400, "message": "the request exceeds the available context size",
                 "type": "exceed_context_size_error"}}, llm.InvalidRequestError,
      "exceed_context_size_error", 400),
     ({"object": "error", "message": "This model's maximum context length is 2048 tokens.",
       "type": "BadRequestError", "param": None, "code": 400},
      llm.InvalidRequestError, "badrequesterror", 400),
     ({"error": {"message": "Compute error."}, "message": "Compute error."},
      llm.ProviderError, None, None),
     ({"error": "Upstream provider unavailable"}, llm.ProviderError, None, None)],
)  # fmt: skip
def test_error_chunks_of_compatible_servers(
    error: dict[str, Any], cls: type, kind: str | None, status: int | None
) -> None:
    # HTTP 200, then an error object in the data, then [DONE] (vLLM, llama.cpp, LM Studio).
    completion = read_every_way(_chat(_chunk("Hi"), error, "[DONE]"))
    assert (completion.format, completion.status, completion.text) == (
        "openai-chat",
        "failed",
        "Hi",
    )
    assert completion.error is not None
    assert type(completion.error) is cls
    assert (completion.error.kind, completion.error.status) == (kind, status)
    # Alone, the error chunk tells the format too.
    assert read_every_way(_chat(error, "[DONE]")).format == "openai-chat"


def test_processing_comments_and_done_variants() -> None:
    body = (
        b": OPENROUTER PROCESSING\n\n"
        + _chat(_chunk("Hello"))
        + b": OPENROUTER PROCESSING\r\n\r\n"
        + _chat(_chunk(" there", "stop"))
        + b"data:   [DONE]  \r\n\r\n"
    )
    completion = read_every_way(body)
    assert (completion.status, completion.text, completion.anomalies) == (
        "completed",
        "Hello there",
        (),
    )


def test_usage_in_the_last_content_chunk_or_in_x_groq() -> None:
    usage = {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
    together = read_every_way(_chat(_chunk("Hi"), _chunk(None, "stop", usage=usage), "[DONE]"))
    assert (together.status, together.input_tokens, together.output_tokens) == ("completed", 5, 2)
    groq = read_every_way(
        _chat(_chunk("Hi"), _chunk(None, "stop", x_groq={"id": "req_1", "usage": usage}), "[DONE]")
    )
    assert (groq.status, groq.usage, groq.output_tokens) == ("completed", usage, 2)
    # vLLM's usage-only last chunk may have "choices": null, or no choices at all.
    for last in ({"id": "c1", "choices": None, "usage": usage}, {"id": "c1", "usage": usage}):
        vllm = read_every_way(_chat(_chunk("Hi", "stop"), last, "[DONE]"))
        assert (vllm.status, vllm.output_tokens, vllm.anomalies) == ("completed", 2, ())


def test_a_server_that_never_sends_a_finish_reason() -> None:
    data = b"".join(chat_events(["Hello!", " How can I help you today?"], finish_reason=None))
    completion = read_every_way(data)
    assert (completion.status, completion.text) == ("completed", TEXT)
    assert [a.kind for a in completion.anomalies] == ["reason"]
