"""Wrong arguments given to ``EventSource`` and ``AsyncEventSource``: the documented
error and a clear message, at construction. The row type: ``bad_input.Bad``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from bad_input import MADE_NO_PARSER, NOT_CALLABLE, A, Bad, at_call, not_a_parser, raised, rows
from sse_server import SSEServer, static

import sseflow
from sseflow import AsyncEventSource, EventSource, reference

pytestmark = pytest.mark.timeout(30)

SOURCES = pytest.mark.parametrize("cls", [EventSource, AsyncEventSource])


def constructing(url: object = "http://127.0.0.1:9/", **options: Any) -> Any:
    """A call of ``cls(url, **options)``, ``cls`` being EventSource or AsyncEventSource."""
    return lambda cls: cls(url, **options)


CONSTRUCTOR: list[Bad] = [
    *(
        Bad(
            f"last_event_id-{name}",
            constructing(last_event_id=f"1{char}2"),
            ValueError,
            ("last_event_id",),
        )
        for name, char in (("LF", "\n"), ("CR", "\r"), ("NUL", "\0"))
    ),
    Bad("retry-negative", constructing(retry=-1), ValueError, ("retry must be >= 0, got -1",)),
    Bad(
        "max_retries-negative",
        constructing(max_retries=-1),
        ValueError,
        ("max_retries must be >= 0",),
    ),
    Bad("unknown", constructing(timeout=5), TypeError, ("timeout",)),
]


@SOURCES
@rows(CONSTRUCTOR)
def test_event_source_constructor_rejects(
    cls: type[EventSource | AsyncEventSource], bad: Bad
) -> None:
    raised(bad, cls)


def first_event(source: EventSource | AsyncEventSource) -> None:
    """Starts iterating ``source`` (sync or async) and takes one event."""
    if isinstance(source, EventSource):
        with source:
            next(iter(source))
        return

    async def run() -> None:
        async with source:
            await anext(aiter(source))

    asyncio.run(run())


@SOURCES
@pytest.mark.parametrize(
    ("url", "options", "fragment"),
    [(5, {}, "url"), (None, {}, "url"), ("http://127.0.0.1:9/", {"headers": {"X": 1}}, "Header")],
    ids=["url-int", "url-None", "header-value-int"],
)
def test_event_source_fails_before_connecting(
    cls: type[EventSource | AsyncEventSource], url: Any, options: dict[str, Any], fragment: str
) -> None:
    # Raised by the constructor or, at the latest, by the first step of the iteration.
    with pytest.raises(TypeError, match=fragment):  # noqa: PT012
        source = cls(url, max_retries=0, **options)
        first_event(source)


# -- EventSource / AsyncEventSource: every argument checked at construction -------------------

GOOD_URL = "http://127.0.0.1:9/"

BAD_URLS: list[tuple[str, object, type[Exception], str]] = [
    ("int", 5, TypeError, "url must be a str or an httpx.URL, got int"),
    ("None", None, TypeError, "url must be a str or an httpx.URL, got NoneType"),
    ("bytes", b"http://x/", TypeError, "url must be a str or an httpx.URL, got bytes"),
    ("ftp", "ftp://x", ValueError, "url must be an http(s) URL, got 'ftp://x'"),
    ("relative", "/events", ValueError, "url must be an http(s) URL, got '/events'"),
    ("no-host", "http://", ValueError, "url must be an http(s) URL, got 'http://'"),
    ("ws", "ws://x/", ValueError, "url must be an http(s) URL, got 'ws://x/'"),
]

MAPPING = "headers must be a mapping or a list of (name, value) pairs, got "
NO_HEADER_NAME = "is not a valid Header name"
NOT_IN_A_VALUE = "must not contain CR, LF or NUL"

BAD_OPTIONS: list[tuple[str, str, object, type[Exception], str]] = [
    ("int", "headers", 5, TypeError, MAPPING + "int"),
    ("str", "headers", "X: 1", TypeError, MAPPING + "str"),
    ("single", "headers", [("X",)], TypeError, "headers must hold (name, value) pairs"),
    ("name-int", "headers", {1: "x"}, TypeError, "a Header name must be a str, got int"),
    ("value-None", "headers", {"X": None}, TypeError, "Header 'X' must be a str, got NoneType"),
    ("value-bytes", "headers", [("X", b"1")], TypeError, "Header 'X' must be a str, got bytes"),
    ("value-LF", "headers", {"X": "a\nb"}, ValueError, "Header 'X' " + NOT_IN_A_VALUE),
    ("value-CR", "headers", {"X": "a\rb"}, ValueError, "Header 'X' " + NOT_IN_A_VALUE),
    ("value-NUL", "headers", {"X": "a\0b"}, ValueError, "Header 'X' " + NOT_IN_A_VALUE),
    ("value-injection", "headers", {"X": "1\r\nY: 2"}, ValueError, NOT_IN_A_VALUE),
    ("value-space", "headers", {"X": " a"}, ValueError, "must not start or end with a space"),
    ("name-LF", "headers", {"X\nY": "1"}, ValueError, NO_HEADER_NAME),
    ("name-space", "headers", {"X Y": "1"}, ValueError, "'X Y' " + NO_HEADER_NAME),
    ("name-colon", "headers", {"X:": "1"}, ValueError, NO_HEADER_NAME),
    ("name-empty", "headers", {"": "1"}, ValueError, "'' " + NO_HEADER_NAME),
    *(
        (label, name, value, error, message.format(name))
        for name in ("connect_timeout", "idle_timeout")
        for label, value, error, message in [
            ("str", "5", TypeError, "{} must be a number of seconds or None, got str"),
            ("bool", True, TypeError, "{} must be a number of seconds or None, got bool"),
            ("zero", 0, ValueError, "{} must be a finite number > 0, got 0"),
            ("negative", -1.5, ValueError, "{} must be a finite number > 0, got -1.5"),
            ("nan", float("nan"), ValueError, "{} must be a finite number > 0, got nan"),
            ("inf", float("inf"), ValueError, "{} must be a finite number > 0, got inf"),
        ]
    ),
    ("None", "last_event_id", None, TypeError, "last_event_id must be a str, got NoneType"),
    ("int", "last_event_id", 5, TypeError, "last_event_id must be a str, got int"),
    ("bool", "retry", True, TypeError, "retry must be an int or None, got bool"),
    ("float", "retry", 10.0, TypeError, "retry must be an int or None, got float"),
    ("str", "retry", "10", TypeError, "retry must be an int or None, got str"),
    ("2**64", "retry", 2**64, ValueError, f"retry must be between 0 and 2**64 - 1, got {2**64}"),
    ("bool", "max_retries", False, TypeError, "max_retries must be an int or None, got bool"),
    ("float", "max_retries", 1.0, TypeError, "max_retries must be an int or None, got float"),
    ("None", "max_delay", None, TypeError, "max_delay must be a number of seconds, got NoneType"),
    ("str", "max_delay", "1", TypeError, "max_delay must be a number of seconds, got str"),
    ("bool", "max_delay", True, TypeError, "max_delay must be a number of seconds, got bool"),
    ("negative", "max_delay", -1, ValueError, "max_delay must be a finite number >= 0, got -1"),
    ("inf", "max_delay", float("inf"), ValueError, "max_delay must be a finite number >= 0"),
    ("int", "retry_statuses", 1, TypeError, "retry_statuses must be a bool, got int"),
    ("None", "retry_statuses", None, TypeError, "retry_statuses must be a bool, got NoneType"),
    ("int", "on_reconnect", 5, TypeError, "on_reconnect must be callable or None, got int"),
    ("None", "parser_factory", None, TypeError, NOT_CALLABLE + ", e.g. sseflow.Parser"),
    ("str", "client", "x", TypeError, "or None, got str"),
]

SOURCE_ARGUMENTS: list[Bad] = [
    *(
        Bad(f"url-{label}", constructing(url), error, (message,))
        for label, url, error, message in BAD_URLS
    ),
    *(
        Bad(f"{name}-{label}", constructing(GOOD_URL, **{name: value}), error, (message,))
        for label, name, value, error, message in BAD_OPTIONS
    ),
]


@SOURCES
@rows(SOURCE_ARGUMENTS)
def test_event_source_checks_every_argument_at_construction(
    cls: type[EventSource | AsyncEventSource], bad: Bad
) -> None:
    raised(bad, cls)


def test_event_sources_refuse_the_other_kind_of_client() -> None:
    with httpx.Client() as client:
        at_call(
            lambda: AsyncEventSource(GOOD_URL, client=client),  # type: ignore[arg-type]
            TypeError,
            "client must be an httpx.AsyncClient or None, got httpx.Client: "
            "use EventSource with an httpx.Client",
        )
        assert EventSource(GOOD_URL, client=client).url == GOOD_URL

    async def run() -> None:
        async with httpx.AsyncClient() as client:
            at_call(
                lambda: EventSource(GOOD_URL, client=client),  # type: ignore[arg-type]
                TypeError,
                "client must be an httpx.Client or None, got httpx.AsyncClient: "
                "use AsyncEventSource with an httpx.AsyncClient",
            )
            assert AsyncEventSource(GOOD_URL, client=client).url == GOOD_URL

    asyncio.run(run())


@SOURCES
def test_event_source_accepts_the_edges_of_every_range(
    cls: type[EventSource | AsyncEventSource],
) -> None:
    edges: list[dict[str, Any]] = [
        {"retry": 0, "max_retries": 0, "max_delay": 0},
        {"retry": 2**64 - 1, "max_delay": 0.001, "connect_timeout": None},
        {"idle_timeout": 1e-3, "connect_timeout": 0.5, "retry_statuses": True},
        {"headers": [("X-A", "1"), ("X-A", "2"), ("x-b", "a\tb é")], "last_event_id": "é 1"},
        {"headers": {}, "on_reconnect": print, "parser_factory": reference.Parser},
    ]
    for options in edges:
        cls(GOOD_URL, **options)
    assert cls(GOOD_URL, retry=0).retry == 0
    assert cls(GOOD_URL, retry=None).retry == sseflow.eventsource.DEFAULT_RETRY
    assert cls(httpx.URL("HTTPS://example.com/e")).url == "https://example.com/e"


@SOURCES
def test_a_factory_that_makes_no_parser_fails_at_the_first_connection_only_once(
    cls: type[EventSource | AsyncEventSource],
) -> None:
    with SSEServer() as server:
        url = server.route("/s", static(A))
        source = cls(url, retry=10, parser_factory=not_a_parser)
        with pytest.raises(TypeError) as caught:
            first_event(source)
        assert str(caught.value) == MADE_NO_PARSER
        # Not a connection error: the source did not reconnect.
        assert len(server.requests_to("/s")) == 1
        assert source.ready_state is sseflow.eventsource.ReadyState.CLOSED


def test_duplicate_headers_are_all_sent() -> None:
    sent: list[list[str]] = []

    def record(request: httpx.Request) -> None:
        sent.append(request.headers.get_list("X-A"))

    with SSEServer() as server, httpx.Client(event_hooks={"request": [record]}) as client:
        url = server.route("/s", static(A))
        headers = [("X-A", "1"), ("X-A", "2")]
        with EventSource(url, headers=headers, max_retries=0, client=client) as source:
            assert next(iter(source)).data == "a"
    assert sent == [["1", "2"]]
