"""Wrong responses, clients and options given to the HTTP wrappers (``sseflow.httpx``,
``sseflow.requests``, ``sseflow.aiohttp``): the documented error and a clear message,
at the call where it can be known there. The row type: ``bad_input.Bad``.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

import aiohttp
import httpx
import pytest
import requests
from bad_input import (
    CHUNK_SIZE_TYPE,
    MADE_NO_PARSER,
    NOT_CALLABLE,
    A,
    Bad,
    adrain,
    at_call,
    httpx_response,
    not_a_parser,
    raised,
    requests_response,
    rows,
)
from sse_server import SSEServer, static

import sseflow
import sseflow.aiohttp
import sseflow.httpx
import sseflow.requests
from sseflow import ConnectionFailed

pytestmark = pytest.mark.timeout(30)


# -- the HTTP readers, given the wrong response ---------------------------------------------


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json", "text/event"])
def test_httpx_reader_rejects_a_response_that_is_no_event_stream(content_type: str | None) -> None:
    source = sseflow.httpx.EventSource(httpx_response(content_type))
    with pytest.raises(sseflow.httpx.SSEError) as caught:
        list(source.iter_sse())
    assert isinstance(caught.value, ConnectionFailed)
    assert isinstance(caught.value, httpx.TransportError)
    assert "text/event-stream" in str(caught.value)
    assert repr(content_type) in str(caught.value)
    assert (caught.value.status, caught.value.content_type) == (200, content_type)


@pytest.mark.parametrize("content_type", [None, "text/plain", "text/event"])
def test_requests_reader_rejects_a_response_that_is_no_event_stream(
    content_type: str | None,
) -> None:
    with pytest.raises(ConnectionFailed) as caught:
        list(sseflow.requests.iter_sse(requests_response(content_type)))
    assert "text/event-stream" in str(caught.value)
    assert repr(content_type) in str(caught.value)
    assert (caught.value.status, caught.value.content_type) == (200, content_type)


def test_requests_reader_rejects_a_chunk_size_below_one() -> None:
    response = requests_response("text/event-stream")
    with pytest.raises(ValueError, match="chunk_size must be at least 1, got 0"):
        list(sseflow.requests.iter_sse(response, chunk_size=0))
    assert list(sseflow.requests.iter_sse(response)) == [sseflow.Event(data="a")]


def test_httpx_connect_sse_rejects_a_url_of_the_wrong_type() -> None:
    with (
        httpx.Client() as client,
        pytest.raises(TypeError, match="url"),
        sseflow.httpx.connect_sse(client, "GET", 5),  # type: ignore[arg-type]
    ):
        pass


def test_aiohttp_reader_rejects_a_wrong_content_type_and_chunk_size() -> None:
    async def read(url: str, chunk_size: int) -> tuple[list[str], BaseException | None]:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            return await adrain(sseflow.aiohttp.iter_sse(response, chunk_size=chunk_size))

    with SSEServer() as server:
        plain = server.route("/plain", static(A, content_type="text/html"))
        stream = server.route("/stream", static(A))
        seen, error = asyncio.run(read(plain, 1024))
        assert isinstance(error, ConnectionFailed)
        assert "'text/html'" in str(error)
        assert (error.status, error.content_type, seen) == (200, "text/html", [])
        seen, error = asyncio.run(read(stream, 0))
        assert isinstance(error, ValueError)
        assert "chunk_size must be at least 1, got 0" in str(error)
        assert asyncio.run(read(stream, 1)) == (["a"], None)


# -- the HTTP wrappers, given the wrong objects -------------------------------------------------

WRONG_RESPONSES: list[tuple[str, Callable[[], object], str]] = [
    ("None", lambda: None, "NoneType"),
    ("str", lambda: "x", "str"),
    ("httpx", lambda: httpx_response("text/event-stream"), "httpx.Response"),
    ("requests", lambda: requests_response("text/event-stream"), "requests.Response"),
]
"""Objects given as the response: a label, how to make it, and its type as named."""


def wrong_responses(skip: str, reader: Callable[[Any], object], must_be: str) -> list[Bad]:
    """Rows giving ``reader`` each of ``WRONG_RESPONSES`` but the right one (``skip``)."""
    return [
        Bad(label, lambda make=make: reader(make()), TypeError, (f"{must_be}, got {given}",))
        for label, make, given in WRONG_RESPONSES
        if label != skip
    ]


@rows(
    wrong_responses(
        "httpx",
        sseflow.httpx.EventSource,
        "response must be an httpx.Response (from client.stream(...))",
    )
)
def test_httpx_event_source_rejects_what_is_no_httpx_response(bad: Bad) -> None:
    raised(bad)


@rows(
    wrong_responses(
        "requests",
        sseflow.requests.iter_sse,
        "response must be a requests.Response (from a request sent with stream=True)",
    )
)
def test_requests_reader_rejects_what_is_no_requests_response(bad: Bad) -> None:
    raised(bad)


@rows(
    wrong_responses(
        "aiohttp", sseflow.aiohttp.iter_sse, "response must be an aiohttp.ClientResponse"
    )
)
def test_aiohttp_reader_rejects_what_is_no_aiohttp_response(bad: Bad) -> None:
    raised(bad)


def test_httpx_event_source_rejects_a_bad_parser_factory() -> None:
    response = httpx_response("text/event-stream")
    at_call(
        lambda: sseflow.httpx.EventSource(response, parser_factory=None),  # type: ignore[arg-type]
        TypeError,
        NOT_CALLABLE,
        "got NoneType",
    )
    source = sseflow.httpx.EventSource(response, parser_factory=not_a_parser)
    at_call(source.iter_sse, TypeError, MADE_NO_PARSER)


def requests_reading(**options: Any) -> Callable[[Any], object]:
    """A call making ``sseflow.requests.iter_sse`` read its response with ``options``."""
    return lambda response: sseflow.requests.iter_sse(response, **options)


REQUESTS_OPTIONS: list[Bad] = [
    Bad("chunk_size-str", requests_reading(chunk_size="10"), TypeError, (CHUNK_SIZE_TYPE + "str",)),
    Bad(
        "chunk_size-bool", requests_reading(chunk_size=True), TypeError, (CHUNK_SIZE_TYPE + "bool",)
    ),
    Bad(
        "chunk_size-huge",
        requests_reading(chunk_size=2**100),
        ValueError,
        ("chunk_size must be at most 2**31",),
    ),
    Bad(
        "factory-None",
        requests_reading(parser_factory=None),
        TypeError,
        (NOT_CALLABLE, "got NoneType"),
    ),
    Bad("makes-int", requests_reading(parser_factory=not_a_parser), TypeError, (MADE_NO_PARSER,)),
]


@rows(REQUESTS_OPTIONS)
def test_requests_reader_rejects_bad_options_at_the_call(bad: Bad) -> None:
    raised(bad, requests_response("text/event-stream"))


def test_aiohttp_reader_checks_its_options() -> None:
    bad_types: list[tuple[dict[str, Any], str]] = [
        ({"chunk_size": "10"}, CHUNK_SIZE_TYPE + "str"),
        ({"chunk_size": None}, CHUNK_SIZE_TYPE + "NoneType"),
        ({"chunk_size": 1.5}, CHUNK_SIZE_TYPE + "float"),
        ({"parser_factory": 5}, NOT_CALLABLE + ", e.g. sseflow.Parser, got int"),
    ]

    async def run(url: str) -> Outcomes:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            for options, message in bad_types:  # at the call
                call = functools.partial(sseflow.aiohttp.iter_sse, response, **options)
                at_call(call, TypeError, message)
            # Calling the factory waits for the first step, but comes before any read.
            made_no_parser = await adrain(
                sseflow.aiohttp.iter_sse(response, parser_factory=not_a_parser)
            )
            return made_no_parser, await adrain(sseflow.aiohttp.iter_sse(response))

    with SSEServer() as server:
        url = server.route("/stream", static(A))
        (seen, error), after = asyncio.run(run(url))
    assert isinstance(error, TypeError)
    assert (seen, str(error)) == ([], MADE_NO_PARSER)
    assert after == (["a"], None)


Outcomes = tuple[tuple[list[str], BaseException | None], tuple[list[str], BaseException | None]]


def test_connect_sse_rejects_what_is_no_httpx_client() -> None:
    url = "http://127.0.0.1:9/"
    needs = "connect_sse() needs an httpx.Client as client, got "
    wrong: list[tuple[Any, str]] = [(None, "NoneType"), ("x", "str"), (5, "int")]
    for client, given in wrong:
        call = functools.partial(sseflow.httpx.connect_sse, client, "GET", url)
        at_call(call, TypeError, needs + given)
    with requests.Session() as session:
        at_call(
            lambda: sseflow.httpx.connect_sse(session, "GET", url),  # type: ignore[arg-type]
            TypeError,
            needs + "requests.Session",
        )

    async def swapped() -> None:
        async with httpx.AsyncClient() as client:
            at_call(
                lambda: sseflow.httpx.connect_sse(client, "GET", url),  # type: ignore[arg-type]
                TypeError,
                needs + "httpx.AsyncClient: use aconnect_sse() with an httpx.AsyncClient",
            )

    asyncio.run(swapped())
    with httpx.Client() as client:
        at_call(
            lambda: sseflow.httpx.aconnect_sse(client, "GET", url),  # type: ignore[arg-type]
            TypeError,
            "aconnect_sse() needs an httpx.AsyncClient as client, got httpx.Client: "
            "use connect_sse() with an httpx.Client",
        )
        at_call(
            lambda: sseflow.httpx.aconnect_sse(None, "GET", url),  # type: ignore[arg-type]
            TypeError,
            "aconnect_sse() needs an httpx.AsyncClient as client, got NoneType",
        )


def connecting(method: object = "GET", url: object = "http://127.0.0.1:9/", **options: Any) -> Any:
    """A call of ``connect(client, method, url, **options)``: ``connect_sse`` or
    ``aconnect_sse``."""
    return lambda connect, client: connect(client, method, url, **options)


CONNECT_ARGUMENTS: list[Bad] = [
    Bad("method-int", connecting(method=5), TypeError, ("method must be a str", "got int")),
    Bad(
        "method-None",
        connecting(method=None),
        TypeError,
        ("method must be a str", "got NoneType"),
    ),
    Bad(
        "url-int",
        connecting(url=5),
        TypeError,
        ("url must be a str or an httpx.URL, got int",),
    ),
    Bad(
        "url-bytes",
        connecting(url=b"http://x/"),
        TypeError,
        ("url must be a str or an httpx.URL, got bytes",),
    ),
    Bad("headers-int", connecting(headers=5), TypeError, ("headers must be a mapping", "got int")),
    Bad(
        "headers-str",
        connecting(headers="X: 1"),
        TypeError,
        ("headers must be a mapping", "got str"),
    ),
    Bad(
        "headers-singles",
        connecting(headers=[("X",)]),
        TypeError,
        ("headers must be a mapping", "got list"),
    ),
    Bad(
        "headers-int-value",
        connecting(headers={"X": 1}),
        TypeError,
        ("headers must be a mapping", "got dict"),
    ),
    Bad(
        "factory-None",
        connecting(parser_factory=None),
        TypeError,
        (NOT_CALLABLE, "got NoneType"),
    ),
]


@rows(CONNECT_ARGUMENTS)
def test_connect_sse_and_aconnect_sse_reject_bad_arguments_at_the_call(bad: Bad) -> None:
    with httpx.Client() as client:
        raised(bad, sseflow.httpx.connect_sse, client)

    async def run() -> None:
        async with httpx.AsyncClient() as client:
            raised(bad, sseflow.httpx.aconnect_sse, client)

    asyncio.run(run())
