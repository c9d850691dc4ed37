"""The conformance table: event streams and what the WHATWG standard makes of them.

Every expectation here was written by hand from the HTML Living Standard, section
"Server-sent events" ("Parsing an event stream", "Interpreting an event stream")
and the Encoding Standard's UTF-8 decoder, plus the API contract's rules for
``Event.retry``, retry saturation and ``truncated``. None was computed by an
implementation.

An event is written ``(event, data, id, retry)``. ``with_comments``, when given,
lists what ``Parser(comments=True)`` yields, in stream order: event tuples and,
for each comment, its text. A row states only what differs from the defaults: no
events, no last event ID, no retry, not truncated.
"""

from __future__ import annotations

from dataclasses import dataclass

from chunking import EventTuple, Item

MAX_RETRY = 18446744073709551615
"""2**64 - 1, where the contract saturates large retry values."""

R = "\ufffd"
"""U+FFFD REPLACEMENT CHARACTER."""


@dataclass(frozen=True)
class Case:
    """One stream and the expected result of parsing it whole and closing."""

    name: str
    stream: bytes
    events: tuple[EventTuple, ...] = ()
    last_event_id: str = ""
    retry: int | None = None
    truncated: bool = False
    with_comments: tuple[Item, ...] | None = None


CASES: tuple[Case, ...] = (
    # -- BOM: one leading EF BB BF is stripped, only at the very start ----------
    Case(
        name="bom stripped at start",
        stream=b"\xef\xbb\xbfdata: x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="bom stripped before a field name",
        stream=b"\xef\xbb\xbfevent: e\ndata: x\n\n",
        events=(("e", "x", "", None),),
    ),
    Case(
        name="bom alone is an empty stream",
        stream=b"\xef\xbb\xbf",
    ),
    Case(
        name="second bom starts the field name",
        stream=b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\n",
    ),
    Case(
        name="second bom is data",
        stream=b"\xef\xbb\xbfdata:\xef\xbb\xbf\n\n",
        events=(("message", "\ufeff", "", None),),
    ),
    Case(
        name="bom inside a value is kept",
        stream=b"data: \xef\xbb\xbfx\n\n",
        events=(("message", "\ufeffx", "", None),),
    ),
    Case(
        name="bom after the first line is not stripped",
        stream=b"data: a\n\n\xef\xbb\xbfdata: b\n\n",
        events=(("message", "a", "", None),),
    ),
    Case(
        name="bom start without its last byte is a replacement character",
        stream=b"\xef\xbbdata: x\n\n",
    ),
    Case(
        name="bom start without its last byte at the end is a partial line",
        stream=b"\xef\xbb",
        truncated=True,
    ),
    Case(
        name="bom then a partial comment",
        stream=b"\xef\xbb\xbf: hi",
    ),
    # -- line ends: CRLF, LF, lone CR ------------------------------------------
    Case(
        name="lf line ends",
        stream=b"data: a\ndata: b\n\n",
        events=(("message", "a\nb", "", None),),
    ),
    Case(
        name="crlf line ends",
        stream=b"data: a\r\ndata: b\r\n\r\n",
        events=(("message", "a\nb", "", None),),
    ),
    Case(
        name="cr line ends",
        stream=b"data: a\rdata: b\r\r",
        events=(("message", "a\nb", "", None),),
    ),
    Case(
        name="mixed line ends in one event",
        stream=b"data: a\r\ndata: b\rdata: c\n\r\n",
        events=(("message", "a\nb\nc", "", None),),
    ),
    Case(
        name="lf then cr are two line ends",
        stream=b"data: a\n\rdata: b\n\n",
        events=(("message", "a", "", None), ("message", "b", "", None)),
    ),
    Case(
        name="cr then crlf are two line ends",
        stream=b"data: a\r\r\n",
        events=(("message", "a", "", None),),
    ),
    Case(
        name="crlf then lf are two line ends",
        stream=b"data: a\r\n\n",
        events=(("message", "a", "", None),),
    ),
    Case(
        name="cr inside a line ends it",
        stream=b"data: a\rb\n\n",
        events=(("message", "a", "", None),),
    ),
    Case(
        name="blank lines of every kind before an event",
        stream=b"\n\r\n\r\rdata: x\n\n\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="cr at the end of the stream ends the last line",
        stream=b"data: a\n\r",
        events=(("message", "a", "", None),),
    ),
    Case(
        name="cr at the end of the stream ends a data line",
        stream=b"data: a\r",
        truncated=True,
    ),
    Case(
        name="cr at the end of the stream ends a retry line",
        stream=b"retry: 12\r",
        retry=12,
    ),
    # -- comments ----------------------------------------------------------------
    Case(
        name="comment ignored",
        stream=b": hello\ndata: x\n\n",
        events=(("message", "x", "", None),),
        with_comments=("hello", ("message", "x", "", None)),
    ),
    Case(
        name="comment without space",
        stream=b":hello\n",
        with_comments=("hello",),
    ),
    Case(
        name="empty comment",
        stream=b":\n\n",
        with_comments=("",),
    ),
    Case(
        name="comment loses one space only",
        stream=b":  two\r\n",
        with_comments=(" two",),
    ),
    Case(
        name="comment between data lines",
        stream=b"data: a\n: c\ndata: b\n\n",
        events=(("message", "a\nb", "", None),),
        with_comments=("c", ("message", "a\nb", "", None)),
    ),
    Case(
        name="comment is not a blank line",
        stream=b"data: a\n:\n",
        truncated=True,
        with_comments=("",),
    ),
    Case(
        name="comment with colons and cr ends",
        stream=b": a: b\r:c\r",
        with_comments=("a: b", "c"),
    ),
    Case(
        name="comment with invalid utf-8",
        stream=b":\xff x\n",
        with_comments=(R + " x",),
    ),
    Case(
        name="comments in stream order",
        stream=b": 1\ndata: a\n\n: 2\n: 3\ndata: b\n: 4\n\n",
        events=(("message", "a", "", None), ("message", "b", "", None)),
        with_comments=("1", ("message", "a", "", None), "2", "3", "4", ("message", "b", "", None)),
    ),
    Case(
        name="partial comment at the end is not yielded",
        stream=b"data: a\n\n: partial",
        events=(("message", "a", "", None),),
        with_comments=(("message", "a", "", None),),
    ),
    # -- fields with and without colon; one leading space stripped ---------------
    Case(
        name="data without colon is empty data",
        stream=b"data\n\n",
        events=(("message", "", "", None),),
    ),
    Case(
        name="event without colon is empty type",
        stream=b"event: e\nevent\ndata: x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="colon without space",
        stream=b"data:x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="one leading space stripped",
        stream=b"data: x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="only one of two leading spaces stripped",
        stream=b"data:  x\n\n",
        events=(("message", " x", "", None),),
    ),
    Case(
        name="trailing space kept",
        stream=b"data: x \n\n",
        events=(("message", "x ", "", None),),
    ),
    Case(
        name="leading tab kept",
        stream=b"data:\tx\n\n",
        events=(("message", "\tx", "", None),),
    ),
    Case(
        name="a single space value is empty",
        stream=b"data: \n\n",
        events=(("message", "", "", None),),
    ),
    Case(
        name="value split at the first colon only",
        stream=b"data: a:b: c\ndata::x\n\n",
        events=(("message", "a:b: c\n:x", "", None),),
    ),
    Case(
        name="space before the colon is part of the name",
        stream=b"data : x\n\n",
    ),
    Case(
        name="leading space before the name is part of the name",
        stream=b" data: x\n\n",
    ),
    # -- field names are case-sensitive ------------------------------------------
    Case(
        name="Data is not data",
        stream=b"Data: x\nDATA: y\n\n",
    ),
    Case(
        name="Event is not event",
        stream=b"Event: e\ndata: x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="ID is not id",
        stream=b"ID: 1\ndata: x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="Retry is not retry",
        stream=b"Retry: 5\ndata: x\n\n",
        events=(("message", "x", "", None),),
    ),
    # -- unknown fields are ignored -----------------------------------------------
    Case(
        name="unknown field ignored",
        stream=b"foo: bar\ndata: x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="names near data are unknown",
        stream=b"dat: x\ndatas: y\ndata-: z\n\n",
    ),
    Case(
        name="unknown field without colon ignored",
        stream=b"data: x\nfoo\n\n",
        events=(("message", "x", "", None),),
    ),
    # -- data: joined with LF, one trailing LF removed -----------------------------
    Case(
        name="data lines joined",
        stream=b"data: a\ndata: b\ndata: c\n\n",
        events=(("message", "a\nb\nc", "", None),),
    ),
    Case(
        name="empty data line between data lines",
        stream=b"data: a\ndata:\ndata: b\n\n",
        events=(("message", "a\n\nb", "", None),),
    ),
    Case(
        name="only one trailing lf removed",
        stream=b"data: a\ndata\n\n",
        events=(("message", "a\n", "", None),),
    ),
    Case(
        name="two empty data lines give one lf",
        stream=b"data\ndata\n\n",
        events=(("message", "\n", "", None),),
    ),
    Case(
        name="empty data line dispatches an empty event",
        stream=b"data:\n\n",
        events=(("message", "", "", None),),
    ),
    Case(
        name="nul in data kept",
        stream=b"data: a\x00b\n\n",
        events=(("message", "a\x00b", "", None),),
    ),
    Case(
        name="each event has its own data",
        stream=b"data: a\n\ndata: b\n\n",
        events=(("message", "a", "", None), ("message", "b", "", None)),
    ),
    # -- event type ------------------------------------------------------------------
    Case(
        name="event type set",
        stream=b"event: greet\ndata: x\n\n",
        events=(("greet", "x", "", None),),
    ),
    Case(
        name="event type after data in the block",
        stream=b"data: x\nevent: e\n\n",
        events=(("e", "x", "", None),),
    ),
    Case(
        name="last event field wins",
        stream=b"event: a\nevent: b\ndata: x\n\n",
        events=(("b", "x", "", None),),
    ),
    Case(
        name="event type reset after dispatch",
        stream=b"event: e\ndata: x\n\ndata: y\n\n",
        events=(("e", "x", "", None), ("message", "y", "", None)),
    ),
    Case(
        name="event type reset by a blank line without data",
        stream=b"event: e\n\ndata: y\n\n",
        events=(("message", "y", "", None),),
    ),
    Case(
        name="default type is message",
        stream=b"data: x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="empty event value is message",
        stream=b"event:\ndata: x\n\nevent: \ndata: y\n\n",
        events=(("message", "x", "", None), ("message", "y", "", None)),
    ),
    Case(
        name="empty event value overrides an earlier one",
        stream=b"event: e\nevent:\ndata: x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="event type keeps inner and extra spaces",
        stream=b"event:  a b \ndata: x\n\n",
        events=((" a b ", "x", "", None),),
    ),
    # -- id ------------------------------------------------------------------------------
    Case(
        name="id set",
        stream=b"id: 1\ndata: x\n\n",
        events=(("message", "x", "1", None),),
        last_event_id="1",
    ),
    Case(
        name="id after data in the block",
        stream=b"data: x\nid: 5\n\n",
        events=(("message", "x", "5", None),),
        last_event_id="5",
    ),
    Case(
        name="id persists across events",
        stream=b"id: 1\ndata: a\n\ndata: b\n\n",
        events=(("message", "a", "1", None), ("message", "b", "1", None)),
        last_event_id="1",
    ),
    Case(
        name="id changes",
        stream=b"id: 1\ndata: a\n\nid: 2\ndata: b\n\n",
        events=(("message", "a", "1", None), ("message", "b", "2", None)),
        last_event_id="2",
    ),
    Case(
        name="id without colon resets",
        stream=b"id: 1\ndata: a\n\nid\ndata: b\n\n",
        events=(("message", "a", "1", None), ("message", "b", "", None)),
    ),
    Case(
        name="empty id value resets",
        stream=b"id: 1\ndata: a\n\nid: \ndata: b\n\nid:\ndata: c\n\n",
        events=(
            ("message", "a", "1", None),
            ("message", "b", "", None),
            ("message", "c", "", None),
        ),
    ),
    Case(
        name="id with nul ignored",
        stream=b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
        events=(("message", "a", "1", None), ("message", "b", "1", None)),
        last_event_id="1",
    ),
    Case(
        name="id of only nul ignored",
        stream=b"id: \x00\ndata: x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="id keeps spaces and non-ascii",
        stream=b"id:  a \xc3\xa9 \ndata: x\n\n",
        events=(("message", "x", " a \u00e9 ", None),),
        last_event_id=" a \u00e9 ",
    ),
    Case(
        name="id with invalid utf-8 decoded with replacement",
        stream=b"id: \xff1\ndata: x\n\n",
        events=(("message", "x", R + "1", None),),
        last_event_id=R + "1",
    ),
    Case(
        name="id-only block sets last event id without dispatch",
        stream=b"id: 7\n\n",
        last_event_id="7",
    ),
    Case(
        name="id-only block after an event",
        stream=b"data: a\n\nid: 7\n\n",
        events=(("message", "a", "", None),),
        last_event_id="7",
    ),
    Case(
        name="id from an id-only block reaches the next event",
        stream=b"id: 7\n\ndata: b\n\n",
        events=(("message", "b", "7", None),),
        last_event_id="7",
    ),
    Case(
        name="id-only block resetting the id",
        stream=b"id: 7\ndata: a\n\nid\n\n",
        events=(("message", "a", "7", None),),
    ),
    Case(
        name="id of an unfinished block is not the last event id",
        stream=b"data: a\n\nid: 9\ndata: b\n",
        events=(("message", "a", "", None),),
        truncated=True,
    ),
    # -- retry -----------------------------------------------------------------------------
    Case(
        name="retry only",
        stream=b"retry: 5\n\n",
        retry=5,
    ),
    Case(
        name="retry on the event of its block",
        stream=b"retry: 5\ndata: x\n\n",
        events=(("message", "x", "", 5),),
        retry=5,
    ),
    Case(
        name="retry after data in the block",
        stream=b"data: x\nretry: 9\n\n",
        events=(("message", "x", "", 9),),
        retry=9,
    ),
    Case(
        name="retry is per block",
        stream=b"retry: 5\ndata: a\n\ndata: b\n\n",
        events=(("message", "a", "", 5), ("message", "b", "", None)),
        retry=5,
    ),
    Case(
        name="retry of a block without data is forgotten",
        stream=b"retry: 5\n\ndata: b\n\n",
        events=(("message", "b", "", None),),
        retry=5,
    ),
    Case(
        name="last retry in a block wins",
        stream=b"retry: 1\nretry: 2\ndata: a\n\n",
        events=(("message", "a", "", 2),),
        retry=2,
    ),
    Case(
        name="later block sets a new retry",
        stream=b"retry: 5\n\nretry: 6\n\n",
        retry=6,
    ),
    Case(
        name="retry zero",
        stream=b"retry: 0\ndata: x\n\n",
        events=(("message", "x", "", 0),),
        retry=0,
    ),
    Case(
        name="retry leading zeros",
        stream=b"retry: 007\ndata: x\n\n",
        events=(("message", "x", "", 7),),
        retry=7,
    ),
    Case(
        name="retry many leading zeros do not saturate",
        stream=b"retry:000000000000000000000000000001\n",
        retry=1,
    ),
    Case(
        name="retry empty ignored",
        stream=b"retry:\ndata: x\n\nretry\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="retry single space value ignored",
        stream=b"retry: \n",
    ),
    Case(
        name="retry with sign ignored",
        stream=b"retry: +5\nretry: -5\ndata: x\n\n",
        events=(("message", "x", "", None),),
    ),
    Case(
        name="retry with inner or extra spaces ignored",
        stream=b"retry:  5\nretry: 5 \nretry: 1 000\n\n",
    ),
    Case(
        name="retry with non-digits ignored",
        stream=b"retry: 5s\nretry: 1.5\nretry: 1e3\nretry: 0x10\nretry: five\n\n",
    ),
    Case(
        name="retry with non-ascii digits ignored",
        stream=b"retry: \xd9\xa3\nretry: \xef\xbc\x95\nretry: \xc2\xb2\n\n",
    ),
    Case(
        name="invalid retry keeps the earlier value",
        stream=b"retry: 5\nretry: x\n\ndata: y\nretry: -1\n\n",
        events=(("message", "y", "", None),),
        retry=5,
    ),
    Case(
        name="invalid retry keeps the block's valid one",
        stream=b"retry: 1\nretry: x\ndata: a\n\n",
        events=(("message", "a", "", 1),),
        retry=1,
    ),
    Case(
        name="retry 2**64-1 exactly",
        stream=b"retry: 18446744073709551615\ndata: x\n\n",
        events=(("message", "x", "", MAX_RETRY),),
        retry=MAX_RETRY,
    ),
    Case(
        name="retry 2**64 saturates",
        stream=b"retry: 18446744073709551616\ndata: x\n\n",
        events=(("message", "x", "", MAX_RETRY),),
        retry=MAX_RETRY,
    ),
    Case(
        name="retry far beyond 2**64 saturates",
        stream=b"retry: 99999999999999999999999999999999999999999\n",
        retry=MAX_RETRY,
    ),
    Case(
        name="retry 2**64-1 with leading zeros",
        stream=b"retry: 0000018446744073709551615\n",
        retry=MAX_RETRY,
    ),
    Case(
        name="retry set even when its block never ends",
        stream=b"retry: 3\ndata: a\n",
        retry=3,
        truncated=True,
    ),
    # -- UTF-8 decoding with replacement ------------------------------------------------------
    Case(
        name="valid multi-byte utf-8",
        stream=b"data: \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n\n",
        events=(("message", "\u00e9\u20ac\U0001f600", "", None),),
    ),
    Case(
        name="highest code points",
        stream=b"data: \xef\xbf\xbf\xf4\x8f\xbf\xbf\xdf\xbf\n\n",
        events=(("message", "\uffff\U0010ffff\u07ff", "", None),),
    ),
    Case(
        name="invalid bytes replaced one by one",
        stream=b"data: a\xffb\xfe\n\n",
        events=(("message", "a" + R + "b" + R, "", None),),
    ),
    Case(
        name="stray continuation bytes",
        stream=b"data: \x80\xbf\x80\n\n",
        events=(("message", R * 3, "", None),),
    ),
    Case(
        name="truncated sequences before line ends",
        stream=b"data: \xc3\ndata: \xe2\x82\r\ndata: \xf0\x9f\x98\r\n\n",
        events=(("message", R + "\n" + R + "\n" + R, "", None),),
    ),
    Case(
        name="truncated sequences before other characters",
        stream=b"data: \xe2\x82a\xf0\x9f\xc3\xa9\xc3\xc3\n\n",
        events=(("message", R + "a" + R + "\u00e9" + R + R, "", None),),
    ),
    Case(
        name="encoded surrogates",
        stream=b"data: \xed\xa0\x80|\xed\xbf\xbf\n\n",
        events=(("message", R * 3 + "|" + R * 3, "", None),),
    ),
    Case(
        name="surrogate pair encoded as two three-byte sequences",
        stream=b"event: \xed\xa0\xbd\xed\xb8\x80\ndata: x\n\n",
        events=((R * 6, "x", "", None),),
    ),
    Case(
        name="overlong nul in an id is not a nul",
        stream=b"id: \xc0\x80\ndata: x\n\n",
        events=(("message", "x", R * 2, None),),
        last_event_id=R * 2,
    ),
    Case(
        name="overlong encodings",
        stream=b"data: \xc0\xaf|\xc1\xbf|\xe0\x80\xaf|\xf0\x80\x80\xaf\n\n",
        events=(("message", R * 2 + "|" + R * 2 + "|" + R * 3 + "|" + R * 4, "", None),),
    ),
    Case(
        name="beyond U+10FFFF",
        stream=b"data: \xf4\x90\x80\x80|\xf5\x80|\xf8\x88\x80\x80\x80\n\n",
        events=(("message", R * 4 + "|" + R * 2 + "|" + R * 5, "", None),),
    ),
    Case(
        name="invalid utf-8 in the event type",
        stream=b"event: \xfe\xc3\xa9\ndata: x\n\n",
        events=((R + "\u00e9", "x", "", None),),
    ),
    Case(
        name="invalid utf-8 in a field name makes it unknown",
        stream=b"d\xffata: x\n\xe2data: y\n\n",
    ),
    # -- end of stream: incomplete event not dispatched; truncated -------------------------------
    Case(
        name="empty stream",
        stream=b"",
    ),
    Case(
        name="clean end",
        stream=b"data: a\n\n",
        events=(("message", "a", "", None),),
    ),
    Case(
        name="clean end after blank lines only",
        stream=b"\n\r\n\r",
    ),
    Case(
        name="partial data line",
        stream=b"data: x",
        truncated=True,
    ),
    Case(
        name="partial data line after an event",
        stream=b"data: a\n\ndata: b",
        events=(("message", "a", "", None),),
        truncated=True,
    ),
    Case(
        name="partial field name",
        stream=b"da",
        truncated=True,
    ),
    Case(
        name="partial retry line is not applied",
        stream=b"data: a\n\nretry: 5",
        events=(("message", "a", "", None),),
        truncated=True,
    ),
    Case(
        name="partial unknown field line",
        stream=b"foo: bar",
        truncated=True,
    ),
    Case(
        name="partial id line is not applied",
        stream=b"id: 1\ndata: a\n\nid: 2",
        events=(("message", "a", "1", None),),
        last_event_id="1",
        truncated=True,
    ),
    Case(
        name="data line without blank line",
        stream=b"data: x\n",
        truncated=True,
    ),
    Case(
        name="empty data line without blank line",
        stream=b"data: a\n\ndata\n",
        events=(("message", "a", "", None),),
        truncated=True,
    ),
    Case(
        name="data then comment without blank line",
        stream=b"data: x\n: c\n",
        truncated=True,
    ),
    Case(
        name="data then retry without blank line",
        stream=b"data: x\nretry: 4\n",
        retry=4,
        truncated=True,
    ),
    Case(
        name="event line without blank line",
        stream=b"event: e\n",
        truncated=True,
    ),
    Case(
        name="empty event line without blank line",
        stream=b"data: a\n\nevent\n",
        events=(("message", "a", "", None),),
        truncated=True,
    ),
    Case(
        name="id line without blank line",
        stream=b"id: 1\n",
        truncated=True,
    ),
    Case(
        name="empty id line without blank line",
        stream=b"id: 1\n\nid\n",
        last_event_id="1",
        truncated=True,
    ),
    Case(
        name="id with nul carries nothing",
        stream=b"data: a\n\nid: a\x00\n",
        events=(("message", "a", "", None),),
    ),
    Case(
        name="retry and id with nul carry nothing",
        stream=b"retry: 1\nid: x\x00y\n",
        retry=1,
    ),
    Case(
        name="id with nul after data still truncated",
        stream=b"data: x\nid: \x00\n",
        truncated=True,
    ),
    Case(
        name="retry-only end",
        stream=b"retry: 5\n",
        retry=5,
    ),
    Case(
        name="invalid retry end",
        stream=b"data: a\n\nretry: x\n",
        events=(("message", "a", "", None),),
    ),
    Case(
        name="unknown field end",
        stream=b"foo: bar\n",
    ),
    Case(
        name="unknown field without colon end",
        stream=b"data: a\n\nfoo\r",
        events=(("message", "a", "", None),),
    ),
    Case(
        name="comment line end",
        stream=b": keep-alive\n",
    ),
    Case(
        name="partial comment line end",
        stream=b"data: a\n\n: partial",
        events=(("message", "a", "", None),),
    ),
    Case(
        name="partial empty comment line end",
        stream=b":",
    ),
    Case(
        name="block without data ended by blank line",
        stream=b"event: e\nid: 3\n\n",
        last_event_id="3",
    ),
)
