"""Wrong types and values at every public entry point: the documented error, a clear message.

Each table row is a call with one bad argument, the exception it must raise, and
the fragments its message must contain (what was wrong: the argument's name, the
type or value given). The parser's rows run against both implementations, which
must also agree on the message, and a rejected call must lose nothing parsed.
"""

from __future__ import annotations

import array
import asyncio
import functools
import io
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import aiohttp
import httpx
import pytest
import requests
from sse_server import SSEServer, static

import sseflow
import sseflow.aiohttp
import sseflow.httpx
import sseflow.requests
from sseflow import (
    AsyncEventSource,
    ConnectionFailed,
    EventSource,
    ParserClosed,
    aiter_events,
    encode,
    iter_events,
    reference,
)

pytestmark = pytest.mark.timeout(30)

IMPLEMENTATIONS = pytest.mark.parametrize("impl", [sseflow, reference], ids=["native", "reference"])


@dataclass(frozen=True)
class Bad:
    """One wrong call: what it raises, and what its message must say."""

    label: str
    call: Callable[[ModuleType], object]
    error: type[BaseException]
    fragments: tuple[str, ...]
    alike: bool = True
    """Whether both implementations must give the very same message (False where
    Python itself words it, e.g. a wrong argument count)."""


def rows(table: Sequence[Bad | BadStream]) -> pytest.MarkDecorator:
    """``table`` as pytest parameters, labelled."""
    return pytest.mark.parametrize("bad", table, ids=[row.label for row in table])


def raised(bad: Bad, impl: ModuleType) -> BaseException:
    """Runs the row's call and returns what it raised, checking type and message."""
    with pytest.raises(bad.error) as caught:
        bad.call(impl)
    message = str(caught.value)
    for fragment in bad.fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return caught.value


def feed(chunk: object) -> Callable[[ModuleType], object]:
    """A call feeding ``chunk`` to a new parser."""
    return lambda impl: impl.Parser().feed(chunk)


def setter(name: str) -> Callable[[ModuleType], object]:
    """A call setting a read-only attribute of a parser."""
    return lambda impl: setattr(impl.Parser(), name, None)


FEED = "feed() expects a bytes-like object (bytes, bytearray, memoryview), got "

PARSER: list[Bad] = [
    # Parser(...)
    Bad("positional-option", lambda m: m.Parser(True), TypeError, ("positional",), False),
    Bad("unknown-option", lambda m: m.Parser(bogus=1), TypeError, ("bogus",), False),
    *(
        Bad(f"{name}-{label}", call, error, fragments)
        for name in ("max_line_size", "max_event_size")
        for label, call, error, fragments in [
            (
                "str",
                lambda m, n=name: m.Parser(**{n: "10"}),
                TypeError,
                (f"{name} must be an int or None, got str",),
            ),
            (
                "float",
                lambda m, n=name: m.Parser(**{n: 10.0}),
                TypeError,
                (f"{name} must be an int or None, got float",),
            ),
            (
                "bool",
                lambda m, n=name: m.Parser(**{n: True}),
                TypeError,
                (f"{name} must be an int or None, got bool",),
            ),
            (
                "negative",
                lambda m, n=name: m.Parser(**{n: -1}),
                ValueError,
                (f"{name} must be a non-negative int, got -1",),
            ),
        ]
    ),
    # feed(...)
    Bad("feed-str", feed("data: x\n\n"), TypeError, (FEED + "str",)),
    Bad("feed-None", feed(None), TypeError, (FEED + "NoneType",)),
    Bad("feed-int", feed(5), TypeError, (FEED + "int",)),
    Bad("feed-bool", feed(True), TypeError, (FEED + "bool",)),
    Bad("feed-float", feed(1.5), TypeError, (FEED + "float",)),
    Bad("feed-list-of-ints", feed([100, 97]), TypeError, (FEED + "list",)),
    Bad("feed-list-of-bytes", feed([b"data: x\n\n"]), TypeError, (FEED + "list",)),
    Bad("feed-dict", feed({"data": "x"}), TypeError, (FEED + "dict",)),
    Bad("feed-object", feed(object()), TypeError, (FEED + "object",)),
    Bad("feed-array-of-short", feed(array.array("h", [1])), TypeError, (FEED + "array",)),
    Bad("feed-array-of-int", feed(array.array("i", [1])), TypeError, (FEED + "array",)),
    Bad("feed-no-argument", lambda m: m.Parser().feed(), TypeError, ("data",), False),
    Bad("feed-two-arguments", lambda m: m.Parser().feed(b"", b""), TypeError, ("feed()",), False),
    # the other methods and the read-only properties
    Bad("events-argument", lambda m: m.Parser().events(1), TypeError, ("events()",), False),
    Bad("close-argument", lambda m: m.Parser().close(1), TypeError, ("close()",), False),
    *(
        Bad(f"set-{name}", setter(name), AttributeError, (name,), False)
        for name in ("closed", "truncated", "last_event_id", "retry")
    ),
    # Event(...)
    Bad("event-int", lambda m: m.Event(1), TypeError, ("event must be a str, got int",)),
    Bad("event-bytes", lambda m: m.Event(b"x"), TypeError, ("event must be a str, got bytes",)),
    Bad("data-int", lambda m: m.Event(data=1), TypeError, ("data must be a str, got int",)),
    Bad("data-bytes", lambda m: m.Event(data=b"x"), TypeError, ("data must be a str, got bytes",)),
    Bad("data-list", lambda m: m.Event(data=["x"]), TypeError, ("data must be a str, got list",)),
    Bad("id-int", lambda m: m.Event(id=7), TypeError, ("id must be a str, got int",)),
    Bad("id-bytes", lambda m: m.Event(id=b"7"), TypeError, ("id must be a str, got bytes",)),
    Bad("retry-str", lambda m: m.Event(retry="5"), TypeError, ("retry", "got str")),
    Bad("retry-float", lambda m: m.Event(retry=5.0), TypeError, ("retry", "got float")),
    Bad("retry-bool", lambda m: m.Event(retry=True), TypeError, ("retry", "got bool")),
    Bad("retry-negative", lambda m: m.Event(retry=-1), ValueError, ("retry", "got -1")),
    Bad("retry-2**64", lambda m: m.Event(retry=2**64), ValueError, ("retry", str(2**64))),
    Bad("retry-huge", lambda m: m.Event(retry=10**40), ValueError, ("retry", str(10**40))),
    Bad(
        "event-five-args", lambda m: m.Event("a", "b", "c", 1, 2), TypeError, ("positional",), False
    ),
    Bad("event-unknown", lambda m: m.Event(type="x"), TypeError, ("type",), False),
    # Comment(...)
    Bad("comment-int", lambda m: m.Comment(1), TypeError, ("text must be a str, got int",)),
    Bad("comment-bytes", lambda m: m.Comment(b"x"), TypeError, ("text must be a str, got bytes",)),
    Bad("comment-kw", lambda m: m.Comment(text=[]), TypeError, ("text must be a str, got list",)),
    Bad("comment-two-args", lambda m: m.Comment("a", "b"), TypeError, ("positional",), False),
]


@IMPLEMENTATIONS
@rows(PARSER)
def test_parser_event_comment_reject(impl: ModuleType, bad: Bad) -> None:
    raised(bad, impl)


@rows([row for row in PARSER if row.alike])
def test_both_implementations_give_the_same_message(bad: Bad) -> None:
    native, ref = raised(bad, sseflow), raised(bad, reference)
    assert type(native) is type(ref)
    assert str(native) == str(ref)


REJECTED_CHUNKS: list[object] = [
    "data: b\n\n",
    None,
    0,
    10,
    True,
    [100],
    array.array("i", [1]),
    object(),
]


@IMPLEMENTATIONS
@pytest.mark.parametrize("chunk", REJECTED_CHUNKS, ids=lambda chunk: type(chunk).__name__)
def test_a_rejected_feed_loses_nothing(impl: ModuleType, chunk: object) -> None:
    parser = impl.Parser(comments=True)
    parser.feed(b"retry: 250\nid: 7\ndata: a\n\n: ping\ndata: par")
    with pytest.raises(TypeError, match=type(chunk).__name__):
        parser.feed(chunk)
    # What was parsed before is all there, and the open line carries on.
    assert parser.events() == [impl.Event("message", "a", "7", 250), impl.Comment("ping")]
    assert (parser.last_event_id, parser.retry, parser.truncated) == ("7", 250, True)
    parser.feed(b"t\n\n")
    assert parser.events() == [impl.Event("message", "part", "7")]
    assert parser.truncated is False


@IMPLEMENTATIONS
def test_feed_after_close_and_closing_twice(impl: ModuleType) -> None:
    parser = impl.Parser()
    parser.feed(b"id: 3\ndata: kept\n\ndata: cut")
    parser.close()
    for chunk in (b"data: more\n\n", b"", bytearray(b"\n"), memoryview(b"\n")):
        with pytest.raises(ParserClosed, match=r"feed\(\) after close\(\)"):
            parser.feed(chunk)
    parser.close()
    assert (parser.closed, parser.truncated, parser.last_event_id) == (True, True, "3")
    assert list(parser) == [impl.Event("message", "kept", "3")]
    parser.close()
    assert list(parser) == []
    assert (parser.closed, parser.truncated) == (True, True)


def interleaved(stream: bytes) -> memoryview:
    """``stream`` as a non-contiguous view: every other byte of a buffer full of LFs."""
    buffer = bytearray(b"\n" * (2 * len(stream)))
    buffer[::2] = stream
    view = memoryview(buffer)[::2]
    assert not view.contiguous
    return view


ACCEPTED: list[tuple[str, Callable[[bytes], object]]] = [
    ("non-contiguous", interleaved),
    ("reversed", lambda stream: memoryview(stream[::-1])[::-1]),
    ("format-c", lambda stream: memoryview(stream).cast("c")),
    ("array-of-signed-char", lambda stream: array.array("b", stream)),
    ("two-dimensional", lambda stream: memoryview(stream).cast("B", (2, len(stream) // 2))),
]


@IMPLEMENTATIONS
@pytest.mark.parametrize(("label", "make"), ACCEPTED, ids=[label for label, _ in ACCEPTED])
def test_unusual_buffers_parse_like_bytes(
    impl: ModuleType, label: str, make: Callable[[bytes], object]
) -> None:
    stream = b"id: 1\ndata: h\xc3\xa9\r\ndata:2\r\r\n"  # an even length, for the 2-D view
    parser = impl.Parser()
    parser.feed(make(stream[:10]))
    parser.feed(make(stream[10:]))
    assert parser.events() == [impl.Event("message", "h\u00e9\n2", "1")]


@IMPLEMENTATIONS
def test_huge_limits_are_accepted_and_do_not_limit(impl: ModuleType) -> None:
    parser = impl.Parser(max_line_size=2**70, max_event_size=2**64)
    parser.feed(b"data: " + b"x" * 100_000 + b"\n\n")
    assert [event.data for event in parser] == ["x" * 100_000]


# -- iter_events / aiter_events ------------------------------------------------------------


@dataclass(frozen=True)
class BadStream:
    """A bad source (or option) for the stream readers, and what comes of it."""

    label: str
    source: Callable[[], Any]
    error: type[BaseException]
    fragments: tuple[str, ...]
    before: tuple[str, ...] = ()
    """The data of the events yielded before the error."""
    options: tuple[tuple[str, Any], ...] = ()


def drain(events: Iterable[sseflow.Event]) -> tuple[list[str], BaseException | None]:
    """The data of the events yielded, and the error that ended the iteration."""
    seen: list[str] = []
    try:
        for event in events:
            seen.append(event.data)
    except Exception as error:
        return seen, error
    return seen, None


async def adrain(events: AsyncIterator[sseflow.Event]) -> tuple[list[str], BaseException | None]:
    """``drain`` for an async iterator."""
    seen: list[str] = []
    try:
        async for event in events:
            seen.append(event.data)
    except Exception as error:
        return seen, error
    return seen, None


def check(bad: BadStream, seen: list[str], error: BaseException | None) -> None:
    assert isinstance(error, bad.error), f"{error!r} is not a {bad.error.__name__}"
    for fragment in bad.fragments:
        assert fragment in str(error), f"{fragment!r} not in {str(error)!r}"
    assert seen == list(bad.before)


A = b"data: a\n\n"

SYNC_SOURCES: list[BadStream] = [
    BadStream("str", lambda: "data: a\n\n", TypeError, ("not be a str", "[data]")),
    BadStream("bytes", lambda: A, TypeError, ("not be a bytes", "io.BytesIO(data)")),
    BadStream("bytearray", lambda: bytearray(A), TypeError, ("not be a bytearray",)),
    BadStream("memoryview", lambda: memoryview(A), TypeError, ("not be a memoryview",)),
    BadStream("None", lambda: None, TypeError, ("NoneType",)),
    BadStream("int", lambda: 5, TypeError, ("int",)),
    BadStream("yields-str", lambda: ["data: a\n\n"], TypeError, (FEED + "str",)),
    BadStream("then-str", lambda: [A, "data: b\n\n"], TypeError, (FEED + "str",), ("a",)),
    BadStream("then-None", lambda: [A, None], TypeError, (FEED + "NoneType",), ("a",)),
    BadStream("then-int", lambda: iter([A, 7]), TypeError, (FEED + "int",), ("a",)),
    BadStream("then-ints", lambda: [A, [100, 97]], TypeError, (FEED + "list",), ("a",)),
    BadStream("text-file", lambda: io.StringIO("data: a\n\n"), TypeError, (FEED + "str",)),
    *(
        BadStream(
            f"chunk_size-{size}",
            lambda: io.BytesIO(A),
            ValueError,
            (f"chunk_size must be at least 1, got {size}",),
            options=(("chunk_size", size),),
        )
        for size in (0, -1)
    ),
]


@rows(SYNC_SOURCES)
def test_iter_events_rejects(bad: BadStream) -> None:
    try:
        events = iter_events(bad.source(), **dict(bad.options))
    except Exception as error:  # raised at once: nothing was yielded
        check(bad, [], error)
    else:
        check(bad, *drain(events))


def test_iter_events_rejects_a_text_mode_file(tmp_path: Path) -> None:
    path = tmp_path / "stream.txt"
    path.write_bytes(A)
    with path.open(encoding="utf-8") as text:
        seen, error = drain(iter_events(text))  # type: ignore[arg-type]
    assert isinstance(error, TypeError)
    assert FEED + "str" in str(error)
    assert seen == []
    with path.open("rb") as binary:
        assert drain(iter_events(binary)) == (["a"], None)


async def chunks(*items: object) -> AsyncIterator[object]:
    """An async iterable of ``items``."""
    for item in items:
        await asyncio.sleep(0)
        yield item


class TextReader:
    """An async reader that wrongly returns text."""

    def __init__(self, text: str) -> None:
        self._text = text

    async def read(self, size: int, /) -> str:
        text, self._text = self._text[:size], self._text[size:]
        return text


class BytesReader:
    """An async reader of bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    async def read(self, size: int, /) -> bytes:
        return self._data.read(size)


ASYNC_SOURCES: list[BadStream] = [
    BadStream("str", lambda: "data: a\n\n", TypeError, ("not be a str",)),
    BadStream("bytes", lambda: A, TypeError, ("not be a bytes",)),
    BadStream("None", lambda: None, TypeError, ("async iterable", "got NoneType")),
    BadStream("sync-list", lambda: [A], TypeError, ("async iterable", "got list")),
    BadStream("yields-str", lambda: chunks("data: a\n\n"), TypeError, (FEED + "str",)),
    BadStream("then-None", lambda: chunks(A, None), TypeError, (FEED + "NoneType",), ("a",)),
    BadStream("then-int", lambda: chunks(A, 3), TypeError, (FEED + "int",), ("a",)),
    BadStream("text-reader", lambda: TextReader("data: a\n\n"), TypeError, (FEED + "str",)),
    BadStream(
        "chunk_size-0",
        lambda: BytesReader(A),
        ValueError,
        ("chunk_size must be at least 1, got 0",),
        options=(("chunk_size", 0),),
    ),
]


@rows(ASYNC_SOURCES)
def test_aiter_events_rejects(bad: BadStream) -> None:
    async def run() -> tuple[list[str], BaseException | None]:
        try:
            events = aiter_events(bad.source(), **dict(bad.options))
        except Exception as error:
            return [], error
        return await adrain(events)

    check(bad, *asyncio.run(run()))


# -- encode --------------------------------------------------------------------------------

ENCODE: list[tuple[str, dict[str, Any], type[Exception], tuple[str, ...]]] = [
    ("data-int", {"data": 5}, TypeError, ("data must be a str, got int",)),
    ("data-bytes", {"data": b"x"}, TypeError, ("data must be a str, got bytes",)),
    ("comment-int", {"comment": 5}, TypeError, ("comment must be a str, got int",)),
    ("event-int", {"event": 5}, TypeError, ("event must be a str, got int",)),
    ("id-bytes", {"id": b"1"}, TypeError, ("id must be a str, got bytes",)),
    *(
        (
            f"{field}-{name}",
            {field: f"a{char}b"},
            ValueError,
            (f"{field} must not", "CR, LF or NUL"),
        )
        for field in ("event", "id")
        for name, char in (("LF", "\n"), ("CR", "\r"), ("CRLF", "\r\n"), ("NUL", "\0"))
    ),
    ("retry-negative", {"retry": -1}, ValueError, ("retry must be >= 0, got -1",)),
    ("retry-bool", {"retry": True}, TypeError, ("retry must be an int, got bool",)),
    ("retry-float", {"retry": 1.5}, TypeError, ("retry must be an int, got float",)),
    ("retry-str", {"retry": "5"}, TypeError, ("retry must be an int, got str",)),
    ("data-surrogate", {"data": "\ud800"}, ValueError, ("surrogates not allowed",)),
    ("event-surrogate", {"event": "\udfff"}, ValueError, ("surrogates not allowed",)),
    ("unknown-field", {"type": "x"}, TypeError, ("type",)),
]


@pytest.mark.parametrize(
    ("fields", "error", "fragments"),
    [row[1:] for row in ENCODE],
    ids=[row[0] for row in ENCODE],
)
def test_encode_rejects(
    fields: dict[str, Any], error: type[Exception], fragments: tuple[str, ...]
) -> None:
    with pytest.raises(error) as caught:
        encode(**fields)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_encode_takes_data_positionally_only() -> None:
    with pytest.raises(TypeError, match="positional"):
        encode("x", "message")  # type: ignore[call-arg]


@IMPLEMENTATIONS
@pytest.mark.parametrize("retry", [0, 1, 2**64 - 1])
def test_encode_line_breaks_nul_and_retry_round_trip(impl: ModuleType, retry: int) -> None:
    parser = impl.Parser(comments=True)
    parser.feed(encode("a\r\nb\rc\nd\0e", event="t", id="x y", retry=retry, comment="p\rq"))
    assert parser.events() == [
        impl.Comment("p"),
        impl.Comment("q"),
        impl.Event("t", "a\nb\nc\nd\0e", "x y", retry),
    ]
    assert (parser.retry, parser.last_event_id, parser.truncated) == (retry, "x y", False)


# -- the HTTP readers, given the wrong response ---------------------------------------------


def httpx_response(content_type: str | None) -> httpx.Response:
    headers = {} if content_type is None else {"content-type": content_type}
    return httpx.Response(200, headers=headers, content=A, request=httpx.Request("GET", "http://x"))


def requests_response(content_type: str | None) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    if content_type is not None:
        response.headers["Content-Type"] = content_type
    response._content = A
    # requests' own mark of a body read whole (a response got without stream=True)
    response._content_consumed = True  # type: ignore[attr-defined]
    return response


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


# -- EventSource / AsyncEventSource ----------------------------------------------------------

SOURCES = pytest.mark.parametrize("cls", [EventSource, AsyncEventSource])

CONSTRUCTOR: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    *(
        (f"last_event_id-{name}", {"last_event_id": f"1{char}2"}, ValueError, "last_event_id")
        for name, char in (("LF", "\n"), ("CR", "\r"), ("NUL", "\0"))
    ),
    ("retry-negative", {"retry": -1}, ValueError, "retry must be >= 0, got -1"),
    ("max_retries-negative", {"max_retries": -1}, ValueError, "max_retries must be >= 0"),
    ("unknown", {"timeout": 5}, TypeError, "timeout"),
]


@SOURCES
@pytest.mark.parametrize(
    ("options", "error", "fragment"),
    [row[1:] for row in CONSTRUCTOR],
    ids=[row[0] for row in CONSTRUCTOR],
)
def test_event_source_constructor_rejects(
    cls: type[EventSource | AsyncEventSource],
    options: dict[str, Any],
    error: type[Exception],
    fragment: str,
) -> None:
    with pytest.raises(error) as caught:
        cls("http://127.0.0.1:9/", **options)
    assert fragment in str(caught.value)


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


# -- raised at the call, never first at the first step ---------------------------------------


def at_call(call: Callable[[], object], error: type[BaseException], *fragments: str) -> None:
    """Checks that ``call()`` itself raises ``error`` with ``fragments``: a reader it would
    have returned is never iterated."""
    with pytest.raises(error) as caught:
        call()
    for fragment in fragments:
        assert fragment in str(caught.value), f"{fragment!r} not in {str(caught.value)!r}"


def not_a_parser() -> Any:
    """A parser factory that makes no parser."""
    return 5


@dataclass(frozen=True)
class AtCall:
    """A reader call with one bad argument, and what the call itself must raise."""

    label: str
    source: Callable[[], Any]
    options: dict[str, Any]
    error: type[BaseException]
    fragments: tuple[str, ...]


ITERABLE = "iter_events() expects an iterable of bytes or a binary file, got "
CHUNK_SIZE_TYPE = "chunk_size must be an int, got "
MADE_NO_PARSER = "parser_factory must return a parser (with parse() and close()), got int"
NOT_CALLABLE = "parser_factory must be a callable returning a parser"


def option_rows(source: Callable[[], Any]) -> list[AtCall]:
    """The bad ``chunk_size`` and ``parser_factory`` values, for a reader of ``source``."""
    return [
        *(
            AtCall(f"chunk_size-{label}", source, {"chunk_size": size}, TypeError, fragments)
            for label, size, fragments in [
                ("str", "10", (CHUNK_SIZE_TYPE + "str",)),
                ("None", None, (CHUNK_SIZE_TYPE + "NoneType",)),
                ("float", 1.5, (CHUNK_SIZE_TYPE + "float",)),
                ("bool", True, (CHUNK_SIZE_TYPE + "bool",)),
            ]
        ),
        *(
            AtCall(f"chunk_size-{size}", source, {"chunk_size": size}, ValueError, (message,))
            for size, message in [
                (0, "chunk_size must be at least 1, got 0"),
                (-5, "chunk_size must be at least 1, got -5"),
                (2**31 + 1, f"chunk_size must be at most 2**31, got {2**31 + 1}"),
                (2**100, f"chunk_size must be at most 2**31, got {2**100}"),
            ]
        ),
        AtCall(
            "parser_factory-None",
            source,
            {"parser_factory": None},
            TypeError,
            (NOT_CALLABLE, "got NoneType"),
        ),
        AtCall(
            "parser_factory-int",
            source,
            {"parser_factory": 5},
            TypeError,
            (NOT_CALLABLE, "got int"),
        ),
        AtCall(
            "parser_factory-makes-int",
            source,
            {"parser_factory": not_a_parser},
            TypeError,
            (MADE_NO_PARSER,),
        ),
        AtCall(
            "parser_factory-makes-str",
            source,
            {"parser_factory": str},
            TypeError,
            ("parser_factory must return a parser", "got str"),
        ),
    ]


SYNC_AT_CALL: list[AtCall] = [
    AtCall("None", lambda: None, {}, TypeError, (ITERABLE + "NoneType",)),
    AtCall("int", lambda: 5, {}, TypeError, (ITERABLE + "int",)),
    AtCall("object", object, {}, TypeError, (ITERABLE + "object",)),
    AtCall("float", lambda: 1.5, {}, TypeError, (ITERABLE + "float",)),
    *option_rows(lambda: [A]),
    *option_rows(lambda: io.BytesIO(A)),
]


@pytest.mark.parametrize("bad", SYNC_AT_CALL, ids=[row.label for row in SYNC_AT_CALL])
def test_iter_events_rejects_at_the_call(bad: AtCall) -> None:
    at_call(lambda: iter_events(bad.source(), **bad.options), bad.error, *bad.fragments)


ASYNC_ITERABLE = "aiter_events() expects an async iterable of bytes or an async reader, got "
USE_ITER_EVENTS = "use iter_events()"

ASYNC_AT_CALL: list[AtCall] = [
    AtCall("None", lambda: None, {}, TypeError, (ASYNC_ITERABLE + "NoneType",)),
    AtCall("int", lambda: 5, {}, TypeError, (ASYNC_ITERABLE + "int",)),
    AtCall("object", object, {}, TypeError, (ASYNC_ITERABLE + "object",)),
    AtCall("list", lambda: [A], {}, TypeError, (ASYNC_ITERABLE + "list", USE_ITER_EVENTS)),
    AtCall("generator", lambda: iter([A]), {}, TypeError, (USE_ITER_EVENTS,)),
    AtCall(
        "BytesIO",
        lambda: io.BytesIO(A),
        {},
        TypeError,
        ("aiter_events() expects an async reader, got io.BytesIO", USE_ITER_EVENTS),
    ),
    AtCall(
        "BufferedReader",
        lambda: io.BufferedReader(io.BytesIO(A)),
        {},
        TypeError,
        ("io.BufferedReader", USE_ITER_EVENTS),
    ),
    *option_rows(lambda: chunks(A)),
    *option_rows(lambda: BytesReader(A)),
]


@pytest.mark.parametrize("bad", ASYNC_AT_CALL, ids=[row.label for row in ASYNC_AT_CALL])
def test_aiter_events_rejects_at_the_call(bad: AtCall) -> None:
    async def run() -> None:
        source = bad.source()
        try:
            at_call(lambda: aiter_events(source, **bad.options), bad.error, *bad.fragments)
        finally:
            if hasattr(source, "aclose"):
                await source.aclose()

    asyncio.run(run())


def test_the_largest_chunk_size_is_accepted() -> None:
    assert [e.data for e in iter_events(io.BytesIO(A + A), chunk_size=2**31)] == ["a", "a"]
    assert [e.data for e in iter_events([A], chunk_size=2**31)] == ["a"]

    async def run() -> list[str]:
        return [e.data async for e in aiter_events(BytesReader(A), chunk_size=2**31)]

    assert asyncio.run(run()) == ["a"]


def test_a_reference_parser_is_accepted_from_parser_factory() -> None:
    def factory() -> Any:
        return reference.Parser()

    events = iter_events([A], parser_factory=factory)
    assert [(type(e).__module__, e.data) for e in events] == [("sseflow.reference", "a")]


class SyncReader:
    """A reader whose ``read`` is sync, although it is not a file object."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def read(self, size: int, /) -> bytes:
        return self._data.read(size)


def test_aiter_events_names_a_sync_reader_at_its_first_read() -> None:
    async def run() -> tuple[list[str], BaseException | None]:
        return await adrain(aiter_events(SyncReader(A)))  # type: ignore[arg-type]

    seen, error = asyncio.run(run())
    assert isinstance(error, TypeError)
    assert "SyncReader.read() returned bytes, not an awaitable" in str(error)
    assert USE_ITER_EVENTS in str(error)
    assert seen == []


# -- text instead of bytes: the hint ----------------------------------------------------------

BINARY_MODE = "open the file in binary mode ('rb')"


def test_a_text_file_is_told_to_open_in_binary_mode(tmp_path: Path) -> None:
    path = tmp_path / "stream.txt"
    path.write_bytes(A)
    with path.open(encoding="utf-8") as text:
        seen, error = drain(iter_events(text))  # type: ignore[arg-type]
    assert isinstance(error, TypeError)
    assert str(error) == f"{FEED}str: the file gives text: {BINARY_MODE}"
    assert isinstance(error.__cause__, TypeError)
    assert seen == []
    seen, error = drain(iter_events(io.StringIO("data: a\n\n")))  # type: ignore[arg-type]
    assert isinstance(error, TypeError)
    assert BINARY_MODE in str(error)


def test_text_chunks_from_an_iterable_get_no_file_hint() -> None:
    seen, error = drain(iter_events([A, "data: b\n\n"]))  # type: ignore[list-item]
    assert isinstance(error, TypeError)
    assert str(error) == FEED + "str"
    assert seen == ["a"]


def test_an_async_reader_of_text_is_told_to_read_bytes() -> None:
    async def run() -> tuple[list[str], BaseException | None]:
        return await adrain(aiter_events(TextReader("data: a\n\n")))  # type: ignore[arg-type]

    seen, error = asyncio.run(run())
    assert isinstance(error, TypeError)
    assert str(error) == f"{FEED}str: the reader gives text: read the stream as bytes"
    assert seen == []


# -- encode: retry beyond 2**64 - 1, strings UTF-8 cannot encode ------------------------------


@pytest.mark.parametrize("retry", [2**64, 2**64 + 1, 10**30])
def test_encode_rejects_a_retry_no_parser_keeps_like_event_does(retry: int) -> None:
    with pytest.raises(ValueError, match=r"retry must be between 0 and 2\*\*64 - 1") as caught:
        encode(retry=retry)
    assert str(caught.value).endswith(f"got {retry}")
    with pytest.raises(ValueError, match="retry") as event_error:
        sseflow.Event(retry=retry)
    assert str(caught.value) == str(event_error.value)


@pytest.mark.parametrize("field", ["data", "event", "id", "comment"])
@pytest.mark.parametrize("code", [0xD800, 0xDFFF, 0xDC80], ids=hex)
def test_encode_names_the_field_utf8_cannot_encode(field: str, code: int) -> None:
    char = chr(code)
    fields: dict[str, Any] = {field: f"ok{char}"}
    with pytest.raises(ValueError, match=field) as caught:
        encode(**fields)
    assert str(caught.value) == (
        f"{field} is not encodable as UTF-8 (surrogates not allowed): {char!r} at index 2"
    )
    assert isinstance(caught.value.__cause__, UnicodeEncodeError)


def test_encode_names_the_first_unencodable_field_in_wire_order() -> None:
    with pytest.raises(ValueError, match=r"^event is not encodable"):
        encode("\ud800", event="\ud800", id="\ud800")
    with pytest.raises(ValueError, match=r"^id is not encodable"):
        encode("\ud800", event="fine", id="a\udfff")


# -- the HTTP wrappers, given the wrong objects -------------------------------------------------

WRONG_RESPONSES: list[tuple[str, Callable[[], object], str]] = [
    ("None", lambda: None, "NoneType"),
    ("str", lambda: "x", "str"),
    ("httpx", lambda: httpx_response("text/event-stream"), "httpx.Response"),
    ("requests", lambda: requests_response("text/event-stream"), "requests.Response"),
]


def wrong_responses(skip: str) -> pytest.MarkDecorator:
    """``WRONG_RESPONSES`` but the right one (``skip``) as parameters."""
    table = [row for row in WRONG_RESPONSES if row[0] != skip]
    return pytest.mark.parametrize(
        ("response", "given"), [row[1:] for row in table], ids=[row[0] for row in table]
    )


@wrong_responses("httpx")
def test_httpx_event_source_rejects_what_is_no_httpx_response(
    response: Callable[[], object], given: str
) -> None:
    at_call(
        lambda: sseflow.httpx.EventSource(response()),  # type: ignore[arg-type]
        TypeError,
        f"response must be an httpx.Response (from client.stream(...)), got {given}",
    )


@wrong_responses("requests")
def test_requests_reader_rejects_what_is_no_requests_response(
    response: Callable[[], object], given: str
) -> None:
    at_call(
        lambda: sseflow.requests.iter_sse(response()),  # type: ignore[arg-type]
        TypeError,
        f"response must be a requests.Response (from a request sent with stream=True), got {given}",
    )


@wrong_responses("aiohttp")
def test_aiohttp_reader_rejects_what_is_no_aiohttp_response(
    response: Callable[[], object], given: str
) -> None:
    at_call(
        lambda: sseflow.aiohttp.iter_sse(response()),  # type: ignore[arg-type]
        TypeError,
        f"response must be an aiohttp.ClientResponse, got {given}",
    )


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


@pytest.mark.parametrize(
    ("options", "error", "fragments"),
    [
        ({"chunk_size": "10"}, TypeError, (CHUNK_SIZE_TYPE + "str",)),
        ({"chunk_size": True}, TypeError, (CHUNK_SIZE_TYPE + "bool",)),
        ({"chunk_size": 2**100}, ValueError, ("chunk_size must be at most 2**31",)),
        ({"parser_factory": None}, TypeError, (NOT_CALLABLE, "got NoneType")),
        ({"parser_factory": not_a_parser}, TypeError, (MADE_NO_PARSER,)),
    ],
    ids=["chunk_size-str", "chunk_size-bool", "chunk_size-huge", "factory-None", "makes-int"],
)
def test_requests_reader_rejects_bad_options_at_the_call(
    options: dict[str, Any], error: type[Exception], fragments: tuple[str, ...]
) -> None:
    response = requests_response("text/event-stream")
    at_call(lambda: sseflow.requests.iter_sse(response, **options), error, *fragments)


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


CONNECT_ARGUMENTS: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("method-int", {"method": 5}, ("method must be a str", "got int")),
    ("method-None", {"method": None}, ("method must be a str", "got NoneType")),
    ("url-int", {"url": 5}, ("url must be a str or an httpx.URL, got int",)),
    ("url-bytes", {"url": b"http://x/"}, ("url must be a str or an httpx.URL, got bytes",)),
    ("headers-int", {"headers": 5}, ("headers must be a mapping", "got int")),
    ("headers-str", {"headers": "X: 1"}, ("headers must be a mapping", "got str")),
    ("headers-singles", {"headers": [("X",)]}, ("headers must be a mapping", "got list")),
    ("headers-int-value", {"headers": {"X": 1}}, ("headers must be a mapping", "got dict")),
    ("factory-None", {"parser_factory": None}, (NOT_CALLABLE, "got NoneType")),
]


@pytest.mark.parametrize(
    ("arguments", "fragments"),
    [row[1:] for row in CONNECT_ARGUMENTS],
    ids=[row[0] for row in CONNECT_ARGUMENTS],
)
def test_connect_sse_and_aconnect_sse_reject_bad_arguments_at_the_call(
    arguments: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    call = {"method": "GET", "url": "http://127.0.0.1:9/", **arguments}
    method, url = call.pop("method"), call.pop("url")
    with httpx.Client() as client:
        at_call(
            lambda: sseflow.httpx.connect_sse(client, method, url, **call), TypeError, *fragments
        )

    async def run() -> None:
        async with httpx.AsyncClient() as client:
            at_call(
                lambda: sseflow.httpx.aconnect_sse(client, method, url, **call),
                TypeError,
                *fragments,
            )

    asyncio.run(run())


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

SOURCE_ARGUMENTS: list[tuple[str, object, dict[str, Any], type[Exception], str]] = [
    *((f"url-{label}", url, {}, error, message) for label, url, error, message in BAD_URLS),
    *(
        (f"{name}-{label}", GOOD_URL, {name: value}, error, message)
        for label, name, value, error, message in BAD_OPTIONS
    ),
]


@SOURCES
@pytest.mark.parametrize(
    ("url", "options", "error", "message"),
    [row[1:] for row in SOURCE_ARGUMENTS],
    ids=[row[0] for row in SOURCE_ARGUMENTS],
)
def test_event_source_checks_every_argument_at_construction(
    cls: type[EventSource | AsyncEventSource],
    url: object,
    options: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    at_call(lambda: cls(url, **options), error, message)  # type: ignore[arg-type]


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
