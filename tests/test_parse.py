"""``Parser.parse(data)``: one chunk in, the items it completed out, on both implementations.

Every conformance case also runs through ``parse()`` under every chunking
(``tests/test_conformance.py``), and the differential tests drive it in lockstep.
"""

from __future__ import annotations

import array
from typing import Any

import pytest
from chunking import Impl, as_item

import sseflow
from sseflow import LimitExceeded

FEED_TYPE_ERROR = "feed() expects a bytes-like object (bytes, bytearray, memoryview), got {}"


def test_returns_the_items_the_chunk_completed(impl: Impl) -> None:
    parser = impl.parser(comments=True)
    assert parser.parse(b"data: a\n\n: ping\ndata: b") == [
        impl.event(data="a"),
        impl.comment("ping"),
    ]
    assert parser.parse(b"\n") == []
    assert parser.parse(b"\nid: 1\ndata: c\n\n") == [
        impl.event(data="b"),
        impl.event(data="c", id="1"),
    ]
    assert list(parser) == []
    assert parser.parse(b"") == []


def test_returns_a_new_list_each_time(impl: Impl) -> None:
    parser = impl.parser()
    first = parser.parse(b"data: a\n\n")
    second = parser.parse(b"data: b\n\n")
    assert type(first) is list
    assert first is not second
    assert [event.data for event in first + second] == ["a", "b"]


def test_items_left_by_feed_come_first(impl: Impl) -> None:
    """``parse()`` is ``feed()`` then ``events()``: stream order is kept."""
    parser = impl.parser()
    parser.feed(b"data: a\n\ndata: b\n\n")
    assert next(parser) == impl.event(data="a")
    assert parser.parse(b"data: c\n\n") == [impl.event(data="b"), impl.event(data="c")]
    assert parser.events() == []


@pytest.mark.parametrize(
    "chunk",
    [
        bytearray(b"data: x\n\n"),
        memoryview(b"data: x\n\n"),
        memoryview(b"data: x\n\n").cast("c"),
        array.array("B", b"data: x\n\n"),
        memoryview(b"--data: x\n\n--")[2:-2],
        memoryview(b"d-a-t-a-:- -x-\n-\n-")[::2],
    ],
    ids=["bytearray", "memoryview", "format-c", "array-B", "slice", "non-contiguous"],
)
def test_accepts_what_feed_accepts(impl: Impl, chunk: Any) -> None:
    assert [as_item(impl, item) for item in impl.parser().parse(chunk)] == [
        ("message", "x", "", None)
    ]


@pytest.mark.parametrize(
    "bad",
    ["data: x\n\n", 1, None, [100, 97], array.array("i", [1, 2])],
    ids=["str", "int", "None", "list", "array-of-int"],
)
def test_rejects_what_feed_rejects(impl: Impl, bad: object) -> None:
    parser = impl.parser()
    with pytest.raises(TypeError) as raised:
        parser.parse(bad)  # type: ignore[arg-type]
    assert str(raised.value).startswith(FEED_TYPE_ERROR.format(type(bad).__name__))
    assert parser.parse(b"data: still usable\n\n") == [impl.event(data="still usable")]


def test_after_close_raises_parser_closed(impl: Impl) -> None:
    parser = impl.parser()
    assert parser.parse(b"data: x\n\ndata: cut") == [impl.event(data="x")]
    parser.close()
    for chunk in (b"\n\n", b""):
        with pytest.raises(sseflow.ParserClosed, match=r"^feed\(\) after close\(\)"):
            parser.parse(chunk)
    assert parser.truncated


def test_limit_keeps_the_events_before_it(impl: Impl) -> None:
    """Over a limit, ``parse()`` raises; what the chunk completed first stays ready."""
    parser = impl.module.Parser(max_line_size=10)
    with pytest.raises(LimitExceeded) as raised:
        parser.parse(b"data: a\n\ndata: b\n\ndata: far too long\n\n")
    assert (raised.value.limit_name, raised.value.limit, raised.value.size) == (
        "max_line_size",
        10,
        18,
    )
    assert parser.events() == [impl.event(data="a"), impl.event(data="b")]
    with pytest.raises(LimitExceeded):
        parser.parse(b"data: c\n\n")
    assert parser.events() == []
    assert parser.truncated


def test_one_call_per_chunk_keeps_state_across_chunks(impl: Impl) -> None:
    parser = impl.parser()
    got = []
    for chunk in (b"\xef\xbb", b"\xbfretry: 5\nid: 7\rdata: h\xc3", b"\xa9\r", b"\n\r\n"):
        got += parser.parse(chunk)
    assert got == [impl.event(data="h\u00e9", id="7", retry=5)]
    assert (parser.last_event_id, parser.retry, parser.truncated) == ("7", 5, False)
