"""sseflow.llm over a real local HTTP server, through sseflow.httpx: the request ID, HTTP
error answers and dropped connections."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from llm_streams import CUT, TEXT
from sse_server import Conn, SSEServer, static

import sseflow.httpx
from sseflow import llm

pytestmark = pytest.mark.timeout(30)


def test_connect_sse_gives_the_request_id() -> None:
    body = llm.sample("openai-chat-completed")
    with SSEServer() as server:
        url = server.route(
            "/v1/chat/completions", static(body, headers=[("x-request-id", "req_abc")])
        )
        with (
            httpx.Client() as client,
            sseflow.httpx.connect_sse(client, "POST", url, json={"stream": True}) as source,
        ):
            completion = llm.read(source)
    assert (completion.status, completion.text, completion.request_id) == (
        "completed",
        TEXT,
        "req_abc",
    )


def test_a_streamed_response_with_anthropics_header_and_a_drip() -> None:
    body = llm.sample("anthropic-tool-calls")

    def route(conn: Conn) -> None:
        conn.start(headers=[("request-id", "req_011CSHo")], chunked=True)
        conn.write(body[:100])
        conn.drip(body[100:160], 0.0005)
        conn.write(body[160:])

    with SSEServer() as server:
        url = server.route("/v1/messages", route)
        with httpx.Client() as client, client.stream("POST", url) as response:
            reader = llm.stream(response, partial_json=True)
            assert reader.request_id == "req_011CSHo"
            deltas = list(reader)
    completion = reader.completion
    assert (completion.status, completion.request_id) == ("completed", "req_011CSHo")
    assert completion.tool_calls[0].input == {"location": "Paris, France", "unit": "celsius"}
    assert any(isinstance(d, llm.ToolCall) for d in deltas)


def test_an_http_error_answer_is_a_typed_error() -> None:
    error = {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}
    answer = static(
        json.dumps({"error": error}).encode(),
        status=429,
        content_type="application/json",
        headers=[("x-request-id", "req_429")],
    )
    with SSEServer() as server:
        url = server.route("/s", answer)
        with httpx.Client() as client:
            with (
                client.stream("POST", url) as response,
                pytest.raises(llm.RateLimitError) as caught,
            ):
                llm.read(response)
            with client.stream("POST", url) as response:
                recorded = llm.read(response, format="openai-chat", on_error="record")
    raised = caught.value
    assert (raised.status, raised.code, raised.retryable, raised.request_id) == (
        429,
        "rate_limit_exceeded",
        True,
        "req_429",
    )
    assert (recorded.status, recorded.format, recorded.request_id) == (
        "failed",
        "openai-chat",
        "req_429",
    )
    assert recorded.error is not None
    assert recorded.error.status == 429


def test_a_connection_dropped_mid_event() -> None:
    body = llm.sample("openai-responses-completed")
    middle = body.index(b"How") + 2

    def clean_end(conn: Conn) -> None:
        conn.start()
        conn.write(body[:middle])
        conn.drop()

    def broken_chunking(conn: Conn) -> None:
        conn.start(chunked=True)
        conn.write(body[:middle])
        conn.drop()

    with SSEServer() as server:
        cut_url = server.route("/cut", clean_end)
        broken_url = server.route("/broken", broken_chunking)
        with httpx.Client() as client:
            with sseflow.httpx.connect_sse(client, "GET", cut_url) as source:
                cut = llm.read(source)
            with sseflow.httpx.connect_sse(client, "GET", broken_url) as source:
                reader = llm.stream(source)
                with pytest.raises(httpx.HTTPError):
                    list(reader)
    assert (cut.status, cut.text) == ("truncated", "Hello!")
    assert ("cut", "the stream ended inside an event") in cut.anomalies
    assert reader.completion.status == "truncated"
    assert reader.completion.text == "Hello!"


def test_async_client() -> None:
    async def run(url: str, error_url: str) -> tuple[llm.Completion, llm.ProviderError]:
        async with httpx.AsyncClient() as client:
            async with sseflow.httpx.aconnect_sse(client, "POST", url) as source:
                completion = await llm.aread(source)
            async with client.stream("POST", error_url) as response:
                try:
                    await llm.aread(response)
                except llm.ProviderError as error:
                    return completion, error
        raise AssertionError("no error raised")

    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    with SSEServer() as server:
        url = server.route(
            "/ok", static(llm.sample("anthropic-length"), headers=[("request-id", "req_9")])
        )
        error_url = server.route(
            "/busy", static(json.dumps(overloaded).encode(), 529, "application/json")
        )
        completion, error = asyncio.run(run(url, error_url))
    assert (completion.status, completion.finish_reason, completion.text) == (
        "incomplete",
        "max_tokens",
        CUT,
    )
    assert completion.request_id == "req_9"
    assert type(error) is llm.OverloadedError
    assert (error.provider, error.status, error.retryable) == ("anthropic", 529, True)
