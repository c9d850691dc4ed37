"""sseflow.llm reading what the clients people run return: httpx2 responses and the OpenAI,
Anthropic and Groq SDKs' stream and raw-response objects, from the real SDK clients pointed
at a loopback server; and connection reuse once the terminal event came."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import anthropic
import groq
import httpx
import httpx2
import openai
import pytest
from llm_streams import TEXT
from sse_server import Conn, Route, SSEServer, static

import sseflow.httpx
import sseflow.httpx2
import sseflow.sdk
from sseflow import ConnectionFailed, encode, llm

pytestmark = pytest.mark.timeout(60)

MESSAGES: Any = [{"role": "user", "content": "Hello"}]
CHAT = llm.sample("openai-chat-completed")
RESPONSES = llm.sample("openai-responses-completed")
MESSAGES_STREAM = llm.sample("anthropic-completed")


def answer(
    body: bytes,
    headers: Sequence[tuple[str, str]] = (),
    *,
    then: bytes = b"",
    trickle: bytes = b"",
) -> Route:
    """A chunked event-stream answer: ``body``, then after 10 ms ``then``; with ``trickle``,
    that piece every 20 ms until the client hangs up (a body with no end)."""

    def route(conn: Conn) -> None:
        conn.start(headers=headers, chunked=True)
        conn.write(body)
        if then:
            time.sleep(0.01)
            conn.write(then)
        while trickle and conn.write(trickle):
            time.sleep(0.02)

    return route


@pytest.fixture
def server() -> Iterator[SSEServer]:
    with SSEServer(keep_alive=True) as running:
        running.route("/v1/chat/completions", answer(CHAT, [("x-request-id", "req_c")]))
        running.route("/v1/responses", answer(RESPONSES, [("x-request-id", "req_r")]))
        running.route("/v1/messages", answer(MESSAGES_STREAM, [("request-id", "req_a")]))
        running.route("/openai/v1/chat/completions", answer(CHAT, [("x-request-id", "req_g")]))
        yield running


def check(completion: llm.Completion, format: str, request_id: str) -> None:
    assert (completion.status, completion.format, completion.text) == ("completed", format, TEXT)
    assert completion.request_id == request_id
    assert completion.anomalies == ()


# -- httpx2 ------------------------------------------------------------------------------


def test_httpx2_responses(server: SSEServer) -> None:
    url = server.url("") + "/v1/messages"
    with httpx2.Client() as client, client.stream("POST", url) as response:
        reader = llm.stream(response)
        assert reader.request_id == "req_a"
        check(reader.until_done(), "anthropic", "req_a")

    async def run() -> llm.Completion:
        async with httpx2.AsyncClient() as client, client.stream("POST", url) as response:
            return await llm.aread(response)

    check(asyncio.run(run()), "anthropic", "req_a")


def test_an_httpx2_error_answer_and_a_wrong_content_type() -> None:
    body = json.dumps({"type": "error", "error": {"type": "rate_limit_error", "message": "m"}})
    with SSEServer() as server:
        busy = server.route(
            "/busy", static(body.encode(), 429, "application/json", [("request-id", "req_429")])
        )
        html = server.route("/html", static(b"<html>", 200, "text/html"))
        with httpx2.Client() as client:
            with (
                client.stream("POST", busy) as response,
                pytest.raises(llm.RateLimitError) as caught,
            ):
                llm.read(response)
            with (
                client.stream("POST", html) as response,
                pytest.raises(sseflow.httpx2.SSEError, match="text/html") as wrong2,
            ):
                llm.read(response)
            assert isinstance(wrong2.value, ConnectionFailed)
            assert isinstance(wrong2.value, httpx2.TransportError)
        with httpx.Client() as plain, plain.stream("POST", html) as response:
            with pytest.raises(sseflow.httpx.SSEError, match="text/html") as wrong:
                llm.read(response)
            assert isinstance(wrong.value, httpx.TransportError)
    assert (caught.value.status, caught.value.request_id) == (429, "req_429")
    assert caught.value.completion is not None
    assert caught.value.completion.request_id == "req_429"


# -- the OpenAI SDK (on httpx2) --------------------------------------------------------------


def _openai(server: SSEServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url("") + "/v1", api_key="sk-test", max_retries=0)


def test_openai_stream_objects(server: SSEServer) -> None:
    with _openai(server) as client:
        create: Any = client.chat.completions.create
        with create(model="gpt-4o", messages=MESSAGES, stream=True) as stream:
            check(llm.read(stream), "openai-chat", "req_c")
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-4o", messages=MESSAGES, stream=True
        )
        check(llm.read(raw), "openai-chat", "req_c")
        raw.http_response.close()
        with client.chat.completions.with_streaming_response.create(
            model="gpt-4o", messages=MESSAGES, stream=True
        ) as streaming:
            check(llm.read(streaming), "openai-chat", "req_c")
        with client.responses.create(model="gpt-4.1", input="Hello", stream=True) as responses:
            check(llm.read(responses), "openai-responses", "req_r")
    assert [r.method for r in server.requests_to("/v1/chat/completions")] == ["POST"] * 3


def test_a_client_with_sseflow_installed(server: SSEServer) -> None:
    with sseflow.sdk.install(_openai(server)) as client:
        create: Any = client.chat.completions.create
        with create(model="gpt-4o", messages=MESSAGES, stream=True) as stream:
            check(llm.read(stream), "openai-chat", "req_c")
        with create(model="gpt-4o", messages=MESSAGES, stream=True) as stream:
            pieces = [chunk.choices[0].delta.content for chunk in stream if chunk.choices]
        assert "".join(piece or "" for piece in pieces) == TEXT


def test_openai_async_stream_objects(server: SSEServer) -> None:
    async def run() -> list[llm.Completion]:
        client = openai.AsyncOpenAI(
            base_url=server.url("") + "/v1", api_key="sk-test", max_retries=0
        )
        async with client:
            create: Any = client.chat.completions.create
            stream = await create(model="gpt-4o", messages=MESSAGES, stream=True)
            async with stream:
                first = await llm.aread(stream)
            async with client.responses.with_streaming_response.create(
                model="gpt-4.1", input="Hello", stream=True
            ) as streaming:
                second = await llm.aread(streaming)
        return [first, second]

    chat, responses = asyncio.run(run())
    check(chat, "openai-chat", "req_c")
    check(responses, "openai-responses", "req_r")


# -- the Anthropic SDK (on httpx2) and the Groq SDK (on httpx) -----------------------------------


def test_anthropic_stream_objects(server: SSEServer) -> None:
    with anthropic.Anthropic(base_url=server.url(""), api_key="k", max_retries=0) as client:
        create: Any = client.messages.create
        with create(model="claude-test", max_tokens=64, messages=MESSAGES, stream=True) as s:
            check(llm.read(s), "anthropic", "req_a")
        raw = client.messages.with_raw_response.create(
            model="claude-test", max_tokens=64, messages=MESSAGES, stream=True
        )
        check(llm.read(raw), "anthropic", "req_a")
        raw.http_response.close()

    async def run() -> llm.Completion:
        client = anthropic.AsyncAnthropic(base_url=server.url(""), api_key="k", max_retries=0)
        async with client:
            acreate: Any = client.messages.create
            stream = await acreate(
                model="claude-test", max_tokens=64, messages=MESSAGES, stream=True
            )
            async with stream:
                return await llm.aread(stream)

    check(asyncio.run(run()), "anthropic", "req_a")


def test_groq_stream_objects(server: SSEServer) -> None:
    with groq.Groq(base_url=server.url(""), api_key="gsk", max_retries=0) as client:
        create: Any = client.chat.completions.create
        with create(model="llama-3.3-70b-versatile", messages=MESSAGES, stream=True) as stream:
            check(llm.read(stream), "openai-chat", "req_g")
        raw = client.chat.completions.with_raw_response.create(
            model="llama-3.3-70b-versatile", messages=MESSAGES, stream=True
        )
        check(llm.read(raw), "openai-chat", "req_g")
        raw.http_response.close()


# -- connection reuse after the terminal event -------------------------------------------------

# The terminal event, then more body a moment later: a reader that stopped at the terminal
# event would leave the body unread, and the client would close the connection.
_LATE_END = encode(comment="end of stream")


def _connections(run: Callable[[str], None]) -> int:
    """How many connections ``run(base_url)`` opened to a server that keeps them alive."""
    with SSEServer(keep_alive=True) as server:
        server.route("/v1/chat/completions", answer(CHAT, then=_LATE_END))
        run(server.url(""))
        return server.connections


def test_twenty_streams_reuse_one_connection_httpx() -> None:
    def run(base_url: str) -> None:
        with httpx.Client() as client:
            for _ in range(20):
                with client.stream("POST", base_url + "/v1/chat/completions") as response:
                    reader = llm.stream(response)
                    for delta in reader:
                        if isinstance(delta, llm.TextDelta) and delta.text.endswith("?"):
                            break  # the last piece of text, before [DONE]
                    assert reader.until_done().ok

    assert _connections(run) == 1


def test_twenty_streams_reuse_one_connection_httpx2() -> None:
    def run(base_url: str) -> None:
        with httpx2.Client() as client:
            for _ in range(20):
                with client.stream("POST", base_url + "/v1/chat/completions") as response:
                    assert llm.read(response).ok

    assert _connections(run) == 1


def test_twenty_streams_reuse_one_connection_openai_sdk() -> None:
    def run(base_url: str) -> None:
        with openai.OpenAI(base_url=base_url + "/v1", api_key="k", max_retries=0) as client:
            create: Any = client.chat.completions.create
            for _ in range(20):
                with create(model="gpt-4o", messages=MESSAGES, stream=True) as stream:
                    assert llm.read(stream).ok

    assert _connections(run) == 1


def test_twenty_async_streams_reuse_one_connection() -> None:
    async def streams(base_url: str) -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(20):
                async with client.stream("POST", base_url + "/v1/chat/completions") as response:
                    assert (await llm.aread(response)).ok

    assert _connections(lambda base_url: asyncio.run(streams(base_url))) == 1


def test_a_stream_left_unread_after_the_terminal_event_costs_a_connection() -> None:
    # What the reuse above depends on: closing a response whose body is unread.
    def run(base_url: str) -> None:
        with httpx.Client() as client:
            for _ in range(3):
                with client.stream("POST", base_url + "/v1/chat/completions") as response:
                    next(response.iter_bytes())

    assert _connections(run) == 3


# -- the bounds of reading on ------------------------------------------------------------------


def test_a_body_that_never_ends_after_the_terminal_event_is_given_up() -> None:
    with SSEServer(keep_alive=True) as server:
        server.route("/events", answer(CHAT, trickle=encode("x" * 1000)))
        server.route("/comments", answer(CHAT, trickle=encode(comment="x" * 1000)))
        with httpx.Client() as client:
            for path in ("/events", "/comments"):
                with client.stream("POST", server.url(path)) as response:
                    completion = llm.read(response)
                assert (completion.status, completion.text) == ("completed", TEXT)
                assert completion.anomalies[-1].message.startswith(
                    "stopped reading after the terminal event"
                )

        async def run() -> llm.Completion:
            async with (
                httpx.AsyncClient() as client,
                client.stream("POST", server.url("/comments")) as response,
            ):
                return await llm.aread(response)

        completion = asyncio.run(run())
        assert completion.ok
        assert completion.anomalies[-1].message.startswith("stopped reading after the terminal")
        assert server.connections == 3  # each given up: closed, not reused


def test_reading_imports_no_client_unless_given_one_of_its_objects() -> None:
    code = (
        "import sys\n"
        "from sseflow import llm\n"
        "assert llm.read(llm.sample('openai-chat-completed')).ok\n"
        "assert llm.read(iter([llm.sample('gemini-completed')])).ok\n"
        "clients = ('httpx', 'httpx2', 'openai', 'anthropic', 'groq', 'jiter', 'aiohttp')\n"
        "print([name for name in clients if name in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stderr
