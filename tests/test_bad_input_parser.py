"""Wrong types and values given to ``Parser``, ``Event`` and ``Comment``: the documented
error and a clear message, in both implementations, which must also agree on the
message; and a rejected call must lose nothing parsed. The row type: ``bad_input.Bad``.
"""

from __future__ import annotations

import array
from collections.abc import Callable
from types import ModuleType

import pytest
from bad_input import FEED, Bad, raised, rows
from chunking import NATIVE, REFERENCE, Impl

from sseflow import ParserClosed

pytestmark = pytest.mark.timeout(30)


def feed(chunk: object) -> Callable[[ModuleType], object]:
    """A call feeding ``chunk`` to a new parser."""
    return lambda module: module.Parser().feed(chunk)


def setter(name: str) -> Callable[[ModuleType], object]:
    """A call setting a read-only attribute of a parser."""
    return lambda module: setattr(module.Parser(), name, None)


# Each call takes the implementation's module (sseflow or sseflow.reference).
PARSER: list[Bad] = [
    # Parser(...)
    Bad("positional-option", lambda m: m.Parser(True), TypeError, ("positional",), alike=False),
    Bad("unknown-option", lambda m: m.Parser(bogus=1), TypeError, ("bogus",), alike=False),
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
    Bad("feed-no-argument", lambda m: m.Parser().feed(), TypeError, ("data",), alike=False),
    Bad(
        "feed-two-arguments",
        lambda m: m.Parser().feed(b"", b""),
        TypeError,
        ("feed()",),
        alike=False,
    ),
    # the other methods and the read-only properties
    Bad("events-argument", lambda m: m.Parser().events(1), TypeError, ("events()",), alike=False),
    Bad("close-argument", lambda m: m.Parser().close(1), TypeError, ("close()",), alike=False),
    *(
        Bad(f"set-{name}", setter(name), AttributeError, (name,), alike=False)
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
        "event-five-args",
        lambda m: m.Event("a", "b", "c", 1, 2),
        TypeError,
        ("positional",),
        alike=False,
    ),
    Bad("event-unknown", lambda m: m.Event(type="x"), TypeError, ("type",), alike=False),
    # Comment(...)
    Bad("comment-int", lambda m: m.Comment(1), TypeError, ("text must be a str, got int",)),
    Bad("comment-bytes", lambda m: m.Comment(b"x"), TypeError, ("text must be a str, got bytes",)),
    Bad("comment-kw", lambda m: m.Comment(text=[]), TypeError, ("text must be a str, got list",)),
    Bad("comment-two-args", lambda m: m.Comment("a", "b"), TypeError, ("positional",), alike=False),
]


@rows(PARSER)
def test_parser_event_comment_reject(impl: Impl, bad: Bad) -> None:
    raised(bad, impl.module)


@rows([row for row in PARSER if row.alike])
def test_both_implementations_give_the_same_message(bad: Bad) -> None:
    native, ref = raised(bad, NATIVE.module), raised(bad, REFERENCE.module)
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


@pytest.mark.parametrize("chunk", REJECTED_CHUNKS, ids=lambda chunk: type(chunk).__name__)
def test_a_rejected_feed_loses_nothing(impl: Impl, chunk: object) -> None:
    parser = impl.module.Parser(comments=True)
    parser.feed(b"retry: 250\nid: 7\ndata: a\n\n: ping\ndata: par")
    with pytest.raises(TypeError, match=type(chunk).__name__):
        parser.feed(chunk)
    # What was parsed before is all there, and the open line carries on.
    assert parser.events() == [impl.event("message", "a", "7", 250), impl.comment("ping")]
    assert (parser.last_event_id, parser.retry, parser.truncated) == ("7", 250, True)
    parser.feed(b"t\n\n")
    assert parser.events() == [impl.event("message", "part", "7")]
    assert parser.truncated is False


def test_feed_after_close_and_closing_twice(impl: Impl) -> None:
    parser = impl.module.Parser()
    parser.feed(b"id: 3\ndata: kept\n\ndata: cut")
    parser.close()
    for chunk in (b"data: more\n\n", b"", bytearray(b"\n"), memoryview(b"\n")):
        with pytest.raises(ParserClosed, match=r"feed\(\) after close\(\)"):
            parser.feed(chunk)
    parser.close()
    assert (parser.closed, parser.truncated, parser.last_event_id) == (True, True, "3")
    assert list(parser) == [impl.event("message", "kept", "3")]
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


@pytest.mark.parametrize(("label", "make"), ACCEPTED, ids=[label for label, _ in ACCEPTED])
def test_unusual_buffers_parse_like_bytes(
    impl: Impl, label: str, make: Callable[[bytes], object]
) -> None:
    stream = b"id: 1\ndata: h\xc3\xa9\r\ndata:2\r\r\n"  # an even length, for the 2-D view
    parser = impl.module.Parser()
    parser.feed(make(stream[:10]))
    parser.feed(make(stream[10:]))
    assert parser.events() == [impl.event("message", "h\u00e9\n2", "1")]


def test_huge_limits_are_accepted_and_do_not_limit(impl: Impl) -> None:
    parser = impl.module.Parser(max_line_size=2**70, max_event_size=2**64)
    parser.feed(b"data: " + b"x" * 100_000 + b"\n\n")
    assert [event.data for event in parser] == ["x" * 100_000]
