"""Differential tests: the native parser and the reference agree on any stream.

Streams are drawn from SSE-shaped pieces (field names in the right and wrong
case, colons, spaces, every line end, BOMs, NUL, digits, letters, valid,
invalid and truncated UTF-8), cut into random chunks, and fed to both parsers
in lockstep; after every chunk and after close() everything observable must
match. Set SSEFLOW_HYPOTHESIS_EXAMPLES for longer runs.
"""

from __future__ import annotations

import itertools
import string

from chunking import (
    INPUT_TYPES,
    NATIVE,
    REFERENCE,
    VIAS,
    InputType,
    Item,
    ParserLike,
    Via,
    as_input,
    as_item,
    feed,
)
from hypothesis import given
from hypothesis import strategies as st

NAMES: tuple[bytes, ...] = (
    *(b"data", b"data", b"data", b"event", b"id", b"id", b"retry", b"retry", b"other", b""),
    *(b"Data", b"DATA", b"Event", b"ID", b"Id", b"RETRY", b"dat", b"datas", b" data"),
)
"""Field names, right and wrong (case, prefix, a leading space; empty is a comment)."""

SEPARATORS: tuple[bytes, ...] = (b"", b":", b": ", b":  ", b" :", b"::")

LINE_ENDS: tuple[bytes, ...] = (b"\n", b"\r\n", b"\r")

VALUE_PIECES: tuple[bytes, ...] = (
    # structure inside values
    *(b":", b" ", b"  ", b"\t"),
    # BOM, whole and partial; NUL
    *(b"\xef\xbb\xbf", b"\xef\xbb", b"\xef", b"\x00"),
    # digits, signs, letters
    *(digit.encode() for digit in string.digits),
    *(b"+", b"-", b"18446744073709551616", b"000", b"99999999999999999999"),
    *(letter.encode() for letter in "abcxyzAZ"),
    # valid multi-byte UTF-8
    *(b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xef\xbf\xbf", b"\xd9\xa3"),
    # invalid UTF-8: stray continuation, bad leads, overlong, surrogate, too high
    *(b"\x80", b"\xbf", b"\xff", b"\xfe", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80"),
    *(b"\xf4\x90\x80\x80", b"\xf5", b"\xc0\x80"),
    # truncated UTF-8 sequences
    *(b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xf0\x9f"),
)
"""What values are made of; line ends come in through raw bytes and whole pieces."""

any_byte = st.integers(0, 255).map(lambda byte: bytes([byte]))
value = st.one_of(
    st.lists(st.one_of(st.sampled_from(VALUE_PIECES), any_byte), max_size=5).map(b"".join),
    st.text(string.digits, max_size=22).map(str.encode),  # retry values, valid or huge
)
line_end = st.sampled_from(LINE_ENDS)
field_line = st.tuples(st.sampled_from(NAMES), st.sampled_from(SEPARATORS), value, line_end)

line = st.one_of(
    # fields and blank lines twice, to make them twice as likely as the raw bytes
    field_line.map(b"".join),  # a field, or a comment when the name is empty
    line_end,  # a blank line: dispatch
    field_line.map(b"".join),
    line_end,
    st.lists(st.one_of(st.sampled_from(VALUE_PIECES), line_end, any_byte), max_size=4).map(
        b"".join
    ),  # anything, including a piece of a line
)


@st.composite
def chunked_streams(draw: st.DrawFn) -> list[bytes]:
    """An SSE-shaped stream, maybe with BOMs first, cut at random points."""
    head = draw(st.sampled_from((b"", b"", b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf")))
    body = b"".join(draw(st.lists(line, max_size=25)))
    tail = draw(st.sampled_from((b"", b"\n", b"\r\n\r\n", b"\r")))
    stream = head + body + tail
    points = sorted(draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    bounds = [0, *points, len(stream)]
    return [stream[a:b] for a, b in itertools.pairwise(bounds)]


State = tuple[list[Item], str, int | None, bool, bool]


DEFAULT_EVENTS: tuple[str | None, ...] = ("message", None, "update")
"""``default_event`` values: the standard's, none, another."""


def lockstep(
    chunks: list[bytes],
    kind: InputType,
    *,
    comments: bool,
    via: Via = "feed",
    default_event: str | None = "message",
) -> None:
    """Feeds both parsers chunk by chunk, comparing everything after each step.

    With ``via="parse"`` each chunk goes through ``parse()``, and what it returns
    is compared along with what is left to iterate (nothing).
    """
    native = NATIVE.parser(comments=comments, default_event=default_event)
    ref = REFERENCE.parser(comments=comments, default_event=default_event)

    def state(impl_items: list[Item], parser: ParserLike) -> State:
        return (impl_items, parser.last_event_id, parser.retry, parser.truncated, parser.closed)

    for step, chunk in enumerate([*chunks, None]):
        native_items: list[Item] = []
        ref_items: list[Item] = []
        if chunk is None:
            native.close()
            ref.close()
        elif via == "parse":
            native_items += [as_item(NATIVE, item) for item in native.parse(as_input(chunk, kind))]
            ref_items += [as_item(REFERENCE, item) for item in ref.parse(as_input(chunk, kind))]
        else:
            native.feed(as_input(chunk, kind))
            ref.feed(as_input(chunk, kind))
        native_items += [as_item(NATIVE, item) for item in native]
        ref_items += [as_item(REFERENCE, item) for item in ref]
        assert state(native_items, native) == state(ref_items, ref), (
            f"after chunk {step} of {chunks!r}"
        )


@given(chunks=chunked_streams(), kind=st.sampled_from(INPUT_TYPES))
def test_native_matches_reference(chunks: list[bytes], kind: InputType) -> None:
    lockstep(chunks, kind, comments=False)


@given(chunks=chunked_streams(), kind=st.sampled_from(INPUT_TYPES))
def test_native_matches_reference_with_comments(chunks: list[bytes], kind: InputType) -> None:
    lockstep(chunks, kind, comments=True)


@given(
    chunks=chunked_streams(),
    kind=st.sampled_from(INPUT_TYPES),
    comments=st.booleans(),
    default_event=st.sampled_from(DEFAULT_EVENTS),
)
def test_native_matches_reference_through_parse(
    chunks: list[bytes], kind: InputType, comments: bool, default_event: str | None
) -> None:
    lockstep(chunks, kind, comments=comments, via="parse", default_event=default_event)


@given(
    chunks=chunked_streams(),
    via=st.sampled_from(VIAS),
    default_event=st.sampled_from(DEFAULT_EVENTS),
)
def test_native_matches_reference_with_default_event(
    chunks: list[bytes], via: Via, default_event: str | None
) -> None:
    lockstep(chunks, "bytes", comments=True, via=via, default_event=default_event)


@given(chunks=chunked_streams())
def test_chunking_does_not_matter(chunks: list[bytes]) -> None:
    """Each implementation gives the same outcome for the chunks and the whole."""
    stream = b"".join(chunks)
    for impl in (NATIVE, REFERENCE):
        assert feed(impl, chunks, comments=True) == feed(impl, [stream], comments=True)
