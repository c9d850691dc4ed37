"""The Python API contract (notes/api.md), checked on both implementations."""

from __future__ import annotations

import array
import json
import pickle
from typing import Any

import pytest
from chunking import Impl, ParserLike, as_item

import sseflow
from sseflow import errors

MAX_RETRY = 2**64 - 1
FEED_TYPE_ERROR = "feed() expects a bytes-like object (bytes, bytearray, memoryview), got {}"
TRICKY_TEXT = 'it\'s "q"\n\t\\ \u00e9 \x00 \ufeff'


def fields(event: Any) -> tuple[str, str, str, int | None]:
    """An event's four fields."""
    return (event.event, event.data, event.id, event.retry)


def drained(impl: Impl, parser: ParserLike) -> list[object]:
    """The parser's ready items, as tuples (events) and strings (comments)."""
    return [as_item(impl, item) for item in parser]


# -- Event -------------------------------------------------------------------------


def test_event_defaults(impl: Impl) -> None:
    assert fields(impl.event()) == ("message", "", "", None)


def test_event_positional_order(impl: Impl) -> None:
    assert fields(impl.event("e", "d", "i", 5)) == ("e", "d", "i", 5)


def test_event_keywords(impl: Impl) -> None:
    event = impl.event(retry=0, id="7", data="x", event="greet")
    assert fields(event) == ("greet", "x", "7", 0)
    assert fields(impl.event(data="only")) == ("message", "only", "", None)


def test_event_field_types(impl: Impl) -> None:
    event = impl.event("e", TRICKY_TEXT, "i", MAX_RETRY)
    assert type(event.event) is str
    assert type(event.data) is str
    assert event.data == TRICKY_TEXT
    assert type(event.retry) is int
    assert event.retry == MAX_RETRY


@pytest.mark.parametrize("name", ["event", "data", "id"])
@pytest.mark.parametrize("bad", [1, b"x", 1.5, ["x"]], ids=["int", "bytes", "float", "list"])
def test_event_text_fields_must_be_str(impl: Impl, name: str, bad: object) -> None:
    with pytest.raises(TypeError):
        impl.event(**{name: bad})


@pytest.mark.parametrize("bad", ["5", 5.0, b"5", True], ids=["str", "float", "bytes", "bool"])
def test_event_retry_type(impl: Impl, bad: object) -> None:
    with pytest.raises(TypeError):
        impl.event(retry=bad)


@pytest.mark.parametrize("bad", [-1, MAX_RETRY + 1, -(2**70), 2**100])
def test_event_retry_range(impl: Impl, bad: int) -> None:
    with pytest.raises(ValueError, match="retry"):
        impl.event(retry=bad)


def test_event_retry_bounds_accepted(impl: Impl) -> None:
    assert impl.event(retry=0).retry == 0
    assert impl.event(retry=MAX_RETRY).retry == MAX_RETRY


@pytest.mark.parametrize("name", ["event", "data", "id", "retry", "other"])
def test_event_is_immutable(impl: Impl, name: str) -> None:
    event = impl.event("e", "d", "i", 1)
    with pytest.raises(AttributeError):
        setattr(event, name, "x")
    with pytest.raises(AttributeError):
        delattr(event, name)
    assert fields(event) == ("e", "d", "i", 1)


def test_event_equality(impl: Impl) -> None:
    base = impl.event("e", "d", "i", 1)
    assert base == impl.event("e", "d", "i", 1)
    assert (base != impl.event("e", "d", "i", 1)) is False
    for other in (
        impl.event("f", "d", "i", 1),
        impl.event("e", "D", "i", 1),
        impl.event("e", "d", "j", 1),
        impl.event("e", "d", "i", 2),
        impl.event("e", "d", "i", None),
    ):
        assert base != other
        assert (base == other) is False
    assert impl.event() != ("message", "", "", None)
    assert impl.event() != "message"


def test_events_of_different_implementations_differ() -> None:
    from sseflow import reference

    assert sseflow.Event("e", "d") != reference.Event("e", "d")
    assert reference.Event("e", "d") != sseflow.Event("e", "d")


def test_event_hash(impl: Impl) -> None:
    event = impl.event("e", "d", "i", 3)
    assert hash(event) == hash(("e", "d", "i", 3))
    assert hash(impl.event()) == hash(("message", "", "", None))
    assert len({impl.event("x"), impl.event("x"), impl.event("y")}) == 2


def test_event_repr(impl: Impl) -> None:
    assert repr(impl.event(data="x")) == "Event(event='message', data='x', id='', retry=None)"
    assert repr(impl.event("e", "d", "7", 10)) == "Event(event='e', data='d', id='7', retry=10)"
    tricky = impl.event(TRICKY_TEXT, TRICKY_TEXT, TRICKY_TEXT, MAX_RETRY)
    text = repr(TRICKY_TEXT)
    assert repr(tricky) == f"Event(event={text}, data={text}, id={text}, retry={MAX_RETRY})"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_event_pickle_round_trip(impl: Impl, protocol: int) -> None:
    event = impl.event("e", TRICKY_TEXT, "i", MAX_RETRY)
    copy = pickle.loads(pickle.dumps(event, protocol=protocol))
    assert type(copy) is impl.event
    assert copy == event
    assert fields(copy) == fields(event)


def test_event_reduce(impl: Impl) -> None:
    assert impl.event("e", "d", "i", None).__reduce__() == (impl.event, ("e", "d", "i", None))


def test_event_json(impl: Impl) -> None:
    assert impl.event(data='{"a": [1, 2.5, null]}').json() == {"a": [1, 2.5, None]}
    assert impl.event(data='"\\u00e9"').json() == "\u00e9"
    with pytest.raises(json.JSONDecodeError):
        impl.event(data="{not json").json()


def test_parsed_events_are_event_objects(impl: Impl) -> None:
    parser = impl.parser()
    parser.feed(b"id: 1\nretry: 2\nevent: e\ndata: d\n\n")
    (event,) = list(parser)
    assert type(event) is impl.event
    assert event == impl.event("e", "d", "1", 2)
    with pytest.raises(AttributeError):
        event.data = "x"


# -- Comment -----------------------------------------------------------------------


def test_comment_text(impl: Impl) -> None:
    assert impl.comment("ping").text == "ping"
    assert impl.comment(text=TRICKY_TEXT).text == TRICKY_TEXT


@pytest.mark.parametrize("bad", [1, b"x", 1.5, ["x"]], ids=["int", "bytes", "float", "list"])
def test_comment_text_must_be_str(impl: Impl, bad: object) -> None:
    with pytest.raises(TypeError):
        impl.comment(bad)


def test_comment_is_immutable(impl: Impl) -> None:
    comment = impl.comment("ping")
    with pytest.raises(AttributeError):
        comment.text = "pong"
    with pytest.raises(AttributeError):
        del comment.text
    with pytest.raises(AttributeError):
        comment.other = 1
    assert comment.text == "ping"


def test_comment_equality_hash_repr(impl: Impl) -> None:
    assert impl.comment("a") == impl.comment("a")
    assert impl.comment("a") != impl.comment("b")
    assert impl.comment("a") != "a"
    assert impl.comment("") != impl.event()
    assert hash(impl.comment("a")) == hash(impl.comment("a"))
    assert len({impl.comment("a"), impl.comment("a"), impl.comment("b")}) == 2
    assert repr(impl.comment("ping")) == "Comment(text='ping')"
    assert repr(impl.comment(TRICKY_TEXT)) == f"Comment(text={TRICKY_TEXT!r})"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_comment_pickle_round_trip(impl: Impl, protocol: int) -> None:
    comment = impl.comment(TRICKY_TEXT)
    copy = pickle.loads(pickle.dumps(comment, protocol=protocol))
    assert type(copy) is impl.comment
    assert copy == comment
    assert copy.text == TRICKY_TEXT
    assert comment.__reduce__() == (impl.comment, (TRICKY_TEXT,))


# -- Parser: what feed() accepts -----------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["data: x\n\n", 1, None, [100, 97], {"data": "x"}, 1.5, array.array("i", [1, 2])],
    ids=["str", "int", "None", "list", "dict", "float", "array-of-int"],
)
def test_feed_rejects_non_bytes(impl: Impl, bad: object) -> None:
    parser = impl.parser()
    with pytest.raises(TypeError) as raised:
        parser.feed(bad)  # type: ignore[arg-type]
    # A buffer of wider items is named with its item format too.
    assert str(raised.value).startswith(FEED_TYPE_ERROR.format(type(bad).__name__))
    assert "bytes-like" in str(raised.value)
    parser.feed(b"data: still usable\n\n")
    assert drained(impl, parser) == [("message", "still usable", "", None)]


@pytest.mark.parametrize(
    "chunk",
    [
        b"data: x\n\n",
        bytearray(b"data: x\n\n"),
        memoryview(b"data: x\n\n"),
        memoryview(b"data: x\n\n").cast("c"),
        memoryview(b"data: x\n\n").cast("b"),
        array.array("B", b"data: x\n\n"),
        array.array("b", b"data: x\n\n"),
        memoryview(b"--data: x\n\n--")[2:-2],
    ],
    ids=["bytes", "bytearray", "memoryview", "format-c", "format-b", "array-B", "array-b", "slice"],
)
def test_feed_accepts_byte_buffers(impl: Impl, chunk: Any) -> None:
    parser = impl.parser()
    parser.feed(chunk)
    assert drained(impl, parser) == [("message", "x", "", None)]


def test_feed_accepts_non_contiguous_memoryview(impl: Impl) -> None:
    stream = b"data: h\xc3\xa9\r\n\r\n"
    interleaved = bytearray(len(stream) * 2)
    interleaved[0::2] = stream
    interleaved[1::2] = b"\n" * len(stream)  # filler that would end lines if read
    view = memoryview(interleaved)[::2]
    assert not view.contiguous
    parser = impl.parser()
    parser.feed(view[:5])
    parser.feed(view[5:])
    assert drained(impl, parser) == [("message", "h\u00e9", "", None)]


def test_feed_keeps_no_reference_to_its_argument(impl: Impl) -> None:
    buffer = bytearray(b"data: ab")
    parser = impl.parser()
    parser.feed(buffer)
    buffer[:] = b"XXXXXXXX"  # same size
    buffer.extend(b"more")  # resizing fails while a buffer export is held
    parser.feed(b"c\n")
    view_source = bytearray(b"data: d\n")
    parser.feed(memoryview(view_source))
    view_source[:] = b"data: Z\n"
    view_source.extend(b"\n")
    parser.feed(b"\n")
    assert drained(impl, parser) == [("message", "abc\nd", "", None)]


def test_feed_empty_chunks(impl: Impl) -> None:
    parser = impl.parser()
    for chunk in (b"", b"data: x", b"", bytearray(), b"\n", memoryview(b""), b"\n", b""):
        parser.feed(chunk)
    assert drained(impl, parser) == [("message", "x", "", None)]


# -- Parser: close() -------------------------------------------------------------------


def test_feed_after_close_raises_parser_closed(impl: Impl) -> None:
    parser = impl.parser()
    parser.feed(b"data: x\n\n")
    parser.close()
    for chunk in (b"data: y\n\n", b""):
        with pytest.raises(sseflow.ParserClosed) as raised:
            parser.feed(chunk)
        assert isinstance(raised.value, ValueError)
        assert isinstance(raised.value, sseflow.SSEError)
        assert type(raised.value) is errors.ParserClosed
        assert str(raised.value) == "feed() after close(): the parser is closed"
    assert drained(impl, parser) == [("message", "x", "", None)]


def test_parser_closed_hierarchy() -> None:
    assert sseflow.ParserClosed is errors.ParserClosed
    assert sseflow.SSEError is errors.SSEError
    assert issubclass(errors.ParserClosed, errors.SSEError)
    assert issubclass(errors.ParserClosed, ValueError)
    assert issubclass(errors.SSEError, Exception)


def test_close_twice(impl: Impl) -> None:
    parser = impl.parser()
    assert parser.closed is False
    parser.feed(b"data: x\n\ndata: partial")
    parser.close()
    assert parser.closed is True
    assert parser.truncated is True
    parser.close()
    assert parser.closed is True
    assert parser.truncated is True
    assert drained(impl, parser) == [("message", "x", "", None)]


def test_events_stay_iterable_after_close(impl: Impl) -> None:
    parser = impl.parser()
    parser.feed(b"data: 1\n\ndata: 2\n\n")
    parser.close()
    assert drained(impl, parser) == [("message", "1", "", None), ("message", "2", "", None)]
    assert list(parser) == []
    other = impl.parser()
    other.feed(b"data: 1\n\ndata: 2\n\n")
    other.close()
    assert fields(next(other)) == ("message", "1", "", None)
    assert [fields(event) for event in other.events()] == [("message", "2", "", None)]


def test_close_discards_the_incomplete_event(impl: Impl) -> None:
    parser = impl.parser()
    parser.feed(b"id: 5\nretry: 9\ndata: never")
    parser.close()
    assert list(parser) == []
    assert parser.last_event_id == ""
    assert parser.retry == 9
    assert parser.truncated is True


# -- Parser: reading items ---------------------------------------------------------------


def test_events_batch_form_drains(impl: Impl) -> None:
    parser = impl.parser()
    assert parser.events() == []
    parser.feed(b"data: 1\n\ndata: 2\n\ndata: 3")
    batch = parser.events()
    assert [fields(event) for event in batch] == [
        ("message", "1", "", None),
        ("message", "2", "", None),
    ]
    assert type(batch) is list
    assert parser.events() == []
    parser.feed(b"\n\n")
    assert [fields(event) for event in parser.events()] == [("message", "3", "", None)]
    assert list(parser) == []


def test_iterator_protocol(impl: Impl) -> None:
    parser = impl.parser()
    assert iter(parser) is parser
    with pytest.raises(StopIteration):
        next(parser)
    parser.feed(b"data: 1\n\ndata: 2\n\n")
    assert fields(next(parser)) == ("message", "1", "", None)
    assert fields(next(parser)) == ("message", "2", "", None)
    with pytest.raises(StopIteration):
        next(parser)
    with pytest.raises(StopIteration):
        next(parser)
    parser.feed(b"data: 3\n\n")
    assert [fields(event) for event in parser] == [("message", "3", "", None)]
    assert list(parser) == []


def test_iteration_mixes_with_batch_form(impl: Impl) -> None:
    parser = impl.parser()
    parser.feed(b"data: 1\n\ndata: 2\n\ndata: 3\n\n")
    assert fields(next(iter(parser))) == ("message", "1", "", None)
    assert [fields(event) for event in parser.events()] == [
        ("message", "2", "", None),
        ("message", "3", "", None),
    ]


def test_lone_cr_dispatches_at_once(impl: Impl) -> None:
    parser = impl.parser()
    parser.feed(b"data: x\r")
    assert list(parser) == []
    parser.feed(b"\n")  # the LF completes the CRLF: not a blank line
    assert list(parser) == []
    assert parser.truncated is True
    parser.feed(b"\r")  # a blank line, ended by a CR that no LF has followed yet
    assert drained(impl, parser) == [("message", "x", "", None)]
    assert parser.truncated is False
    parser.feed(b"\ndata: y\n\n")  # that LF belonged to the CR: no extra blank line
    assert drained(impl, parser) == [("message", "y", "", None)]


# -- Parser: live state --------------------------------------------------------------------


def test_last_event_id_is_live(impl: Impl) -> None:
    parser = impl.parser()
    assert parser.last_event_id == ""
    parser.feed(b"id: 1\n")
    assert parser.last_event_id == ""  # set only at the blank line
    parser.feed(b"\n")
    assert parser.last_event_id == "1"
    parser.feed(b"id: 2\ndata: x\n\n")
    assert parser.last_event_id == "2"
    parser.feed(b"id: \x00\n\n")
    assert parser.last_event_id == "2"
    parser.feed(b"id\n\n")
    assert parser.last_event_id == ""
    assert [event.id for event in parser] == ["2"]


def test_retry_is_live(impl: Impl) -> None:
    parser = impl.parser()
    assert parser.retry is None
    parser.feed(b"retry: 10")
    assert parser.retry is None  # the line is not complete
    parser.feed(b"00\n")
    assert parser.retry == 1000  # no blank line needed
    parser.feed(b"retry: nope\n")
    assert parser.retry == 1000
    parser.feed(b"\nretry: 99999999999999999999999\n")
    assert parser.retry == MAX_RETRY
    assert list(parser) == []


def test_truncated_is_live(impl: Impl) -> None:
    steps: list[tuple[bytes, bool]] = [
        (b"", False),
        (b"da", True),  # inside a line
        (b"ta: x", True),
        (b"\n", True),  # after a data line
        (b"\n", False),  # dispatched
        (b": com", False),  # inside a comment line
        (b"ment\r\n", False),
        (b"retry: 1", True),  # inside a line
        (b"\n", False),  # retry lines carry nothing
        (b"foo\n", False),  # nor do unknown fields
        (b"id: \x00\n", False),  # nor invalid ids
        (b"id: 1\n", True),  # a valid id does
        (b"\n", False),
        (b"event: e\r", True),
        (b"\n", True),
        (b"\r\n", False),
        (b"\xef\xbb\xbf", True),  # not at the start: a partial line
        (b"\r", False),  # an unknown field
    ]
    parser = impl.parser()
    for chunk, truncated in steps:
        parser.feed(chunk)
        assert parser.truncated is truncated, f"after {chunk!r}"
    parser.feed(b"data: y\n")
    parser.close()
    assert parser.truncated is True
    assert [fields(event) for event in parser] == [("message", "x", "", None)]


def test_truncated_after_a_clean_end(impl: Impl) -> None:
    parser = impl.parser()
    parser.feed(b"data: y\n\n: bye")
    assert parser.truncated is False
    parser.close()
    assert parser.truncated is False


# -- Parser: comments ------------------------------------------------------------------------


def test_comments_interleaved_in_stream_order(impl: Impl) -> None:
    stream = b": a\ndata: 1\n:  b\n\n:c\r:\r\ndata: 2\n\n"
    parser = impl.parser(comments=True)
    parser.feed(stream)
    items = list(parser)
    assert [type(item) for item in items] == [
        impl.comment,
        impl.comment,
        impl.event,
        impl.comment,
        impl.comment,
        impl.event,
    ]
    assert items == [
        impl.comment("a"),
        impl.comment(" b"),
        impl.event(data="1"),
        impl.comment("c"),
        impl.comment(""),
        impl.event(data="2"),
    ]


def test_comments_off_by_default(impl: Impl) -> None:
    parser = impl.parser()
    parser.feed(b": ping\n\n: pong\ndata: x\n\n")
    assert drained(impl, parser) == [("message", "x", "", None)]
    explicit = impl.parser(comments=False)
    explicit.feed(b": ping\n")
    assert explicit.events() == []


def test_comments_batch_form(impl: Impl) -> None:
    parser = impl.parser(comments=True)
    parser.feed(b": ping\n")
    assert parser.events() == [impl.comment("ping")]
    assert parser.events() == []


def test_parser_options_are_keyword_only(impl: Impl) -> None:
    with pytest.raises(TypeError):
        impl.module.Parser(True)
