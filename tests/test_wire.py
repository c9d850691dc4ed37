"""sseflow.encode: exact wire bytes, validation, and a parse(encode(x)) == x property."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sseflow
from sseflow import Event, encode, iter_events
from sseflow import reference as ref


def test_exact_bytes() -> None:
    assert encode("hi") == b"data: hi\n\n"
    assert encode("a\nb\r\nc\rd") == b"data: a\ndata: b\ndata: c\ndata: d\n\n"
    assert encode("", event="e", id="", retry=0) == b"event: e\nid\nretry: 0\ndata\n\n"
    assert encode(comment="") == b":\n"
    assert encode(comment="ping\npong") == b": ping\n: pong\n"
    assert encode(id="9") == b"id: 9\n\n"
    assert encode() == b""
    assert encode(" lead", id=" x") == b"id:  x\ndata:  lead\n\n"
    assert encode("\u00e9") == "data: \u00e9\n\n".encode()


def test_what_the_parser_makes_of_it() -> None:
    stream = (
        encode(comment="hello")
        + encode("x", event="", id=" 1")
        + encode(id="")
        + encode("", retry=25)
        + encode("line\n")
    )
    assert list(iter_events([stream])) == [
        Event("message", "x", " 1"),
        Event("message", "", "", 25),
        Event("message", "line\n"),
    ]


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\x00b", "\n"])
@pytest.mark.parametrize("field", ["event", "id"])
def test_line_breaks_and_nul_are_refused_in_event_and_id(field: str, bad: str) -> None:
    with pytest.raises(ValueError, match=field):
        encode("x", **{field: bad})  # type: ignore[arg-type]


def test_bad_values() -> None:
    with pytest.raises(ValueError, match="retry"):
        encode("x", retry=-1)
    with pytest.raises(TypeError, match="retry"):
        encode("x", retry=True)
    with pytest.raises(TypeError, match="data"):
        encode(b"x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="surrogate"):
        encode("\ud800")


_text = st.text(st.characters(codec="utf-8"))
_field_text = st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x00"))


@st.composite
def _events(draw: st.DrawFn) -> tuple[str, str | None, str | None, int | None, str | None]:
    return (
        draw(_text),
        draw(st.none() | _field_text),
        draw(st.none() | _field_text),
        draw(st.none() | st.integers(0, 2**64 - 1)),
        draw(st.none() | _text),
    )


@given(st.lists(_events(), max_size=8), st.lists(st.integers(1, 64), max_size=8))
def test_parse_of_encode_gives_the_events_back(
    events: list[tuple[str, str | None, str | None, int | None, str | None]],
    splits: list[int],
) -> None:
    stream = b"".join(
        encode(data, event=event, id=id, retry=retry, comment=comment)
        for data, event, id, retry, comment in events
    )
    expected: list[tuple[str, str, str, int | None]] = []
    last_id = ""
    for data, event, id, retry, _ in events:
        if id is not None:
            last_id = id
        expected.append((event or "message", re.sub(r"\r\n|\r", "\n", data), last_id, retry))
    chunks: list[bytes] = []
    rest = stream
    for size in splits:
        chunks.append(rest[:size])
        rest = rest[size:]
    chunks.append(rest)
    for make in (sseflow.Parser, ref.Parser):
        parser: Any = make()
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
        assert not parser.truncated
        assert [(e.event, e.data, e.id, e.retry) for e in parser] == expected
