"""sseflow.sdk.install: the real OpenAI, Anthropic and Groq clients, sync and async, streaming
Chat Completions, Responses and Messages from a server on 127.0.0.1, on clean streams and on
the streams their own decoders get wrong."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import anthropic
import groq
import openai
import pytest
from chunking import RANDOM_SEEDS, bytewise, random_cuts, two_way, whole
from sse_server import Conn, Route, SSEServer, static

import sseflow.sdk
from sseflow import LimitExceeded, StreamTruncated
from sseflow.llm._samples import ANSWER, anthropic_events, chat_events, responses_events, words

pytestmark = pytest.mark.timeout(120)

PIECES = words(ANSWER)


@dataclass(frozen=True)
class Api:
    """One streaming API of one SDK: where it posts, its stream, and how to read it."""

    name: str
    path: str
    events: list[bytes]
    read: Callable[[Any], Any]
    """Reads a sync client's stream into comparable values."""
    aread: Callable[[Any], Any]
    """The same with an async client (a coroutine function)."""


def _chat_values(chunks: Iterable[Any]) -> list[tuple[str | None, str | None]]:
    return [(c.choices[0].delta.role, c.choices[0].delta.content) for c in chunks if c.choices]


def _chat_call(client: Any) -> Any:
    return client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}], stream=True
    )


def _read_chat(client: Any) -> list[tuple[str | None, str | None]]:
    return _chat_values(_chat_call(client))


async def _aread_chat(client: Any) -> list[tuple[str | None, str | None]]:
    return _chat_values([chunk async for chunk in await _chat_call(client)])


def _responses_values(events: Iterable[Any]) -> list[tuple[str, str | None]]:
    return [(event.type, getattr(event, "delta", None)) for event in events]


def _responses_call(client: Any) -> Any:
    return client.responses.create(model="m", input="hi", stream=True)


def _read_responses(client: Any) -> list[tuple[str, str | None]]:
    return _responses_values(_responses_call(client))


async def _aread_responses(client: Any) -> list[tuple[str, str | None]]:
    return _responses_values([event async for event in await _responses_call(client)])


def _messages_values(events: Iterable[Any]) -> list[tuple[str, str | None]]:
    return [(event.type, getattr(getattr(event, "delta", None), "text", None)) for event in events]


def _messages_call(client: Any) -> Any:
    return client.messages.create(
        model="m", max_tokens=64, messages=[{"role": "user", "content": "hi"}], stream=True
    )


def _read_messages(client: Any) -> list[tuple[str, str | None]]:
    return _messages_values(_messages_call(client))


async def _aread_messages(client: Any) -> list[tuple[str, str | None]]:
    return _messages_values([event async for event in await _messages_call(client)])


CHAT = chat_events(PIECES)
APIS = {
    "openai-chat": Api("openai-chat", "/v1/chat/completions", CHAT, _read_chat, _aread_chat),
    "openai-responses": Api(
        "openai-responses",
        "/v1/responses",
        responses_events(PIECES),
        _read_responses,
        _aread_responses,
    ),
    "anthropic-messages": Api(
        "anthropic-messages",
        "/v1/messages",
        anthropic_events(PIECES),
        _read_messages,
        _aread_messages,
    ),
    "groq-chat": Api("groq-chat", "/openai/v1/chat/completions", CHAT, _read_chat, _aread_chat),
}


def make_client(api: str, root: str, *, asynchronous: bool = False) -> Any:
    """The SDK's real client for ``api``, pointed at the loopback server at ``root``."""
    options: dict[str, Any] = {"api_key": "test-key", "max_retries": 0}
    kind: Any
    if api.startswith("openai"):
        kind = openai.AsyncOpenAI if asynchronous else openai.OpenAI
        return kind(base_url=f"{root}/v1", **options)
    if api.startswith("anthropic"):
        kind = anthropic.AsyncAnthropic if asynchronous else anthropic.Anthropic
        return kind(base_url=root, **options)
    kind = groq.AsyncGroq if asynchronous else groq.Groq
    return kind(base_url=root, **options)


# Each case turns a stream (one item per event) into the bytes sent. The standard says every
# one of them holds the same events as the clean stream (but "bad-byte", whose one invalid
# UTF-8 byte becomes U+FFFD).
CASES: dict[str, Callable[[list[bytes]], bytes]] = {
    "clean": lambda events: b"".join(events),
    "retry-only-block": lambda events: b"retry: 3000\n\n" + b"".join(events),
    "id-only-block": lambda events: events[0] + b"id: 7\n\n" + b"".join(events[1:]),
    "event-only-block": lambda events: events[0] + b"event: ping\n\n" + b"".join(events[1:]),
    "comment-after-an-id": lambda events: (
        b"id: 1\n" + events[0] + b": keep-alive\n\n" + b"".join(events[1:])
    ),
    "bom": lambda events: b"\xef\xbb\xbf" + b"".join(events),
    "bad-byte": lambda events: b"".join(events).replace(b'"Hello', b'"Hel\xfflo', 1),
    "retry-minus-one": lambda events: b"retry: -1\n\n" + b"".join(events),
}

# What each SDK's own decoder does with these cases, checked below so that the list stays true.
# "error": reading the stream raises; "differs": it gives other values than the standard's.
STOCK_FAILURES: dict[tuple[str, str], str] = {
    **{
        (api, case): "error"
        for api in ("openai-chat", "openai-responses", "groq-chat")
        for case in (
            "retry-only-block",
            "id-only-block",
            "event-only-block",
            "comment-after-an-id",
            "retry-minus-one",
        )
    },
    # Responses events carry their type in the data too: losing "event:" to the BOM loses nothing.
    **{(api, "bom"): "differs" for api in APIS if api != "openai-responses"},
    **{(api, "bad-byte"): "error" for api in APIS},
}


def _expected(api: Api, case: str, values: list[Any]) -> list[Any]:
    """The values of the clean stream, with the bad byte replaced for that case."""
    if case != "bad-byte":
        return values
    return [
        tuple(v.replace("Hello", "Hel\ufffdlo") if isinstance(v, str) else v for v in value)
        for value in values
    ]


@pytest.fixture(scope="module")
def server() -> Any:
    with SSEServer() as running:
        for api in APIS.values():
            for case, build in CASES.items():
                running.route(f"/{case}{api.path}", static(build(api.events)))
        yield running


def _root(server: SSEServer, case: str) -> str:
    return server.url(f"/{case}")


@functools.cache
def _clean_values(server: SSEServer, api_name: str) -> list[Any]:
    """What the SDK's own decoder reads from the clean stream."""
    values: list[Any] = APIS[api_name].read(make_client(api_name, _root(server, "clean")))
    assert "".join(value[1] or "" for value in values) == ANSWER
    return values


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("api_name", list(APIS))
def test_installed_sync_client_reads_every_case_as_the_standard_says(
    server: SSEServer, api_name: str, case: str
) -> None:
    api = APIS[api_name]
    client = sseflow.sdk.install(make_client(api_name, _root(server, case)))
    assert api.read(client) == _expected(api, case, _clean_values(server, api.name))


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("api_name", list(APIS))
def test_installed_async_client_reads_every_case_as_the_standard_says(
    server: SSEServer, api_name: str, case: str
) -> None:
    api = APIS[api_name]
    client = sseflow.sdk.install(make_client(api_name, _root(server, case), asynchronous=True))
    assert asyncio.run(api.aread(client)) == _expected(api, case, _clean_values(server, api.name))


@pytest.mark.parametrize(("api_name", "case"), sorted(STOCK_FAILURES))
def test_the_sdks_own_decoder_fails_these_cases(
    server: SSEServer, api_name: str, case: str
) -> None:
    api = APIS[api_name]
    client = make_client(api_name, _root(server, case))
    expected = _expected(api, case, _clean_values(server, api.name))
    if STOCK_FAILURES[api_name, case] == "error":
        with pytest.raises((json.JSONDecodeError, UnicodeDecodeError)):
            api.read(client)
    else:
        assert api.read(client) != expected


def test_the_sdks_own_decoder_reads_the_other_cases_right(server: SSEServer) -> None:
    for api in APIS.values():
        for case in CASES:
            if (api.name, case) not in STOCK_FAILURES:
                stock = api.read(make_client(api.name, _root(server, case)))
                assert stock == _expected(api, case, _clean_values(server, api.name)), (
                    api.name,
                    case,
                )


def _cut(events: list[bytes]) -> bytes:
    """The stream cut inside its fourth event (no terminal event, no [DONE])."""
    return b"".join(events[:3]) + events[3][:-10]


@pytest.mark.parametrize("api_name", list(APIS))
def test_a_cut_stream_raises_stream_truncated_when_asked(api_name: str) -> None:
    api = APIS[api_name]
    with SSEServer() as cut_server:
        cut_server.route(api.path, static(_cut(api.events)))
        root = cut_server.url("")
        plain = sseflow.sdk.install(make_client(api_name, root))
        values = api.read(plain)  # by default the incomplete event is dropped, as the standard says
        asking = sseflow.sdk.install(make_client(api_name, root), raise_on_truncated=True)
        with pytest.raises(StreamTruncated):
            api.read(asking)
        aasking = sseflow.sdk.install(
            make_client(api_name, root, asynchronous=True), raise_on_truncated=True
        )
        with pytest.raises(StreamTruncated):
            asyncio.run(api.aread(aasking))
    assert values == _clean_values_of(api)[: len(values)]
    assert len(values) < len(_clean_values_of(api))


def _clean_values_of(api: Api) -> list[Any]:
    with SSEServer() as clean_server:
        clean_server.route(api.path, static(b"".join(api.events)))
        return list(api.read(make_client(api.name, clean_server.url(""))))


def test_max_event_size_is_sseflows_limit() -> None:
    api = APIS["openai-chat"]
    with SSEServer() as limit_server:
        limit_server.route(api.path, static(b"".join(api.events)))
        root = limit_server.url("")
        largest = max(len(event) for event in api.events)
        roomy = sseflow.sdk.install(make_client(api.name, root), max_event_size=largest)
        assert "".join(content or "" for _, content in api.read(roomy)) == ANSWER
        tight = sseflow.sdk.install(make_client(api.name, root), max_event_size=64)
        with pytest.raises(LimitExceeded):
            api.read(tight)


def test_copies_of_an_installed_client_parse_with_sseflow_too() -> None:
    api = APIS["openai-chat"]
    with SSEServer() as copy_server:
        copy_server.route(api.path, static(CASES["id-only-block"](api.events)))
        client = sseflow.sdk.install(make_client(api.name, copy_server.url("")))
        for made in (client.with_options(timeout=30), client.copy(max_retries=1)):
            assert made is not client
            assert "".join(content or "" for _, content in api.read(made)) == ANSWER
        # Installing again replaces the options, on the client and its copies.
        again = sseflow.sdk.install(client, max_event_size=64)
        with pytest.raises(LimitExceeded):
            api.read(again.with_options(timeout=30))
        # Other clients of the same class keep their own decoder.
        with pytest.raises(json.JSONDecodeError):
            api.read(make_client(api.name, copy_server.url("")))


def test_with_raw_response_and_its_headers_work_unchanged(server: SSEServer) -> None:
    client = sseflow.sdk.install(make_client("openai-chat", _root(server, "id-only-block")))
    raw = client.chat.completions.with_raw_response.create(
        model="m", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    assert raw.headers["content-type"] == "text/event-stream"
    assert "".join(content or "" for _, content in _chat_values(raw.parse())) == ANSWER


def test_install_refuses_what_it_cannot_serve() -> None:
    with pytest.raises(TypeError, match="needs a client of the openai, anthropic or groq SDK"):
        sseflow.sdk.install(object())
    bedrock = anthropic.AnthropicBedrock(
        aws_access_key="a", aws_secret_key="b", aws_region="us-east-1"
    )
    with pytest.raises(TypeError, match="has its own stream decoder"):
        sseflow.sdk.install(bedrock)
    with pytest.raises(ValueError, match="max_event_size"):
        sseflow.sdk.install(openai.OpenAI(api_key="k"), max_event_size=-1)
    client = openai.OpenAI(api_key="k")
    assert sseflow.sdk.install(client) is client


def test_anthropic_events_carry_raw_lines(server: SSEServer) -> None:
    client = sseflow.sdk.install(make_client("anthropic-messages", _root(server, "clean")))
    stream = client.messages.create(
        model="m", max_tokens=64, messages=[{"role": "user", "content": "hi"}], stream=True
    )
    events = list(stream._iter_events())
    wire = APIS["anthropic-messages"].events
    assert [event.raw for event in events] == [block.decode().split("\n")[:-2] for block in wire]
    assert all(type(event) is anthropic._streaming.ServerSentEvent for event in events)
    assert events[0].event == "message_start"
    assert events[0].id is None


def _in_network_sized_writes(body: bytes) -> Route:
    """A route sending ``body`` in writes of one TCP segment's payload (1,460 bytes)."""

    def route(conn: Conn) -> None:
        conn.start()
        for start in range(0, len(body), 1460):
            conn.write(body[start : start + 1460])

    return route


def test_anthropic_stream_helper_with_a_16_mb_tool_argument_in_network_sized_writes() -> None:
    argument = json.dumps({"blob": "x" * (16 * 2**20)})
    events = anthropic_events(tool_calls=[("toolu_1", "store", [argument])], stop_reason="tool_use")
    body = b"".join(events)

    with SSEServer() as big_server:
        big_server.route("/v1/messages", _in_network_sized_writes(body))
        client = sseflow.sdk.install(make_client("anthropic-messages", big_server.url("")))
        with client.messages.stream(
            model="m", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
        ) as stream:
            message = stream.get_final_message()
    (block,) = message.content
    assert block.type == "tool_use"
    assert block.input == {"blob": "x" * (16 * 2**20)}
    assert message.stop_reason == "tool_use"


def test_groq_reads_a_16_mb_event_in_network_sized_writes() -> None:
    text = "y" * (16 * 2**20)
    body = b"".join(chat_events([text]))

    with SSEServer() as big_server:
        big_server.route("/openai/v1/chat/completions", _in_network_sized_writes(body))
        client = sseflow.sdk.install(make_client("groq-chat", big_server.url("")))
        values = _read_chat(client)
    assert "".join(content or "" for _, content in values) == text


def test_sync_and_async_server_sent_events_are_the_sdks_own_type() -> None:
    for api_name, module in [
        ("openai-chat", openai),
        ("anthropic-messages", anthropic),
        ("groq-chat", groq),
    ]:
        decoder = sseflow.sdk.install(make_client(api_name, "http://127.0.0.1:1"))
        made = decoder._make_sse_decoder()
        assert isinstance(made, module._streaming.SSEBytesDecoder)  # the SDK's own protocol
        events = list(made.iter_bytes(iter([b"data: 1\n\nevent: e\nid: 2\ndata: 2\n\n"])))

        async def collect(made: Any = made) -> list[Any]:
            async def chunks() -> Any:
                yield b"data: 1\n\nevent: e\nid: 2\ndata: 2\n\n"

            return [event async for event in made.aiter_bytes(chunks())]

        for got in (events, asyncio.run(collect())):
            assert all(type(event) is module._streaming.ServerSentEvent for event in got)
            assert [(e.event, e.data, e.id, e.retry) for e in got] == [
                (None, "1", None, None),
                ("e", "2", "2", None),
            ]


RAW_STREAM = (
    b"id: 1\nretry: 5\ndata: a\ndata:  b\n\n"  # a value with a space of its own
    b"event: note\r\ndata: c\r\n\r\n"  # the ID unchanged: no id line
    b"id: 2\ndata:\n\n"
)


def test_anthropic_raw_lines_match_the_sdks_where_the_wire_is_in_canonical_form() -> None:
    ours = sseflow.sdk.install(anthropic.Anthropic(api_key="k"))._make_sse_decoder()
    theirs = anthropic._streaming.SSEDecoder()
    mine = list(ours.iter_bytes(iter([RAW_STREAM])))
    stock = list(theirs.iter_bytes(iter([RAW_STREAM])))
    assert (
        [e.raw for e in mine]
        == [e.raw for e in stock]
        == [
            ["id: 1", "retry: 5", "data: a", "data:  b"],
            ["event: note", "data: c"],
            ["id: 2", "data:"],
        ]
    )
    fields = [(e.event, e.data, e.id, e.retry) for e in mine]
    assert fields == [(e.event, e.data, e.id, e.retry) for e in stock]


@pytest.mark.parametrize("api_name", ["openai-chat", "anthropic-messages", "groq-chat"])
def test_the_sdk_events_are_the_same_however_the_body_is_cut(api_name: str) -> None:
    decoder = sseflow.sdk.install(make_client(api_name, "http://127.0.0.1:1"))._make_sse_decoder()
    body = RAW_STREAM + CASES["comment-after-an-id"](APIS[api_name].events[:3])

    def fields(chunks: list[bytes]) -> list[tuple[Any, ...]]:
        got = decoder.iter_bytes(iter(chunks))
        return [(e.event, e.data, e.id, e.retry, getattr(e, "raw", None)) for e in got]

    expected = fields(whole(body))
    assert len(expected) == 6
    for name, chunks in [("bytewise", bytewise(body)), *two_way_named(body)]:
        assert fields(chunks) == expected, name
    for seed in RANDOM_SEEDS:
        assert fields(random_cuts(body, seed)) == expected, seed


def two_way_named(body: bytes) -> list[tuple[str, list[bytes]]]:
    return [(f"split at {len(chunks[0])}", chunks) for chunks in two_way(body)]
