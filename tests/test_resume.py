"""Parser(last_event_id=...): starting where a previous connection left off."""

from __future__ import annotations

import pytest
from chunking import Impl

STREAM = b"data: a\n\nid: 42\ndata: b\n\ndata: c\n\nid\ndata: d\n\n"


def splits(data: bytes) -> list[list[bytes]]:
    return [[data], [data[i : i + 1] for i in range(len(data))]] + [
        [data[:at], data[at:]] for at in range(1, len(data))
    ]


def test_events_before_any_id_carry_the_starting_id(impl: Impl) -> None:
    for chunks in splits(STREAM):
        parser = impl.module.Parser(last_event_id="41")
        assert parser.last_event_id == "41"
        for chunk in chunks:
            parser.feed(chunk)
        ids = [(event.data, event.id) for event in parser]
        assert ids == [("a", "41"), ("b", "42"), ("c", "42"), ("d", "")]
        assert parser.last_event_id == ""


def test_the_default_is_no_id(impl: Impl) -> None:
    parser = impl.module.Parser(last_event_id=None)
    parser.feed(b"data: a\n\n")
    assert [event.id for event in parser] == [""]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (41, TypeError, "last_event_id must be a str, got int"),
        (b"41", TypeError, "last_event_id must be a str, got bytes"),
        ("4\n1", ValueError, "last_event_id cannot contain NUL, CR or LF"),
        ("4\r1", ValueError, "last_event_id cannot contain NUL, CR or LF"),
        ("4\x001", ValueError, "last_event_id cannot contain NUL, CR or LF"),
    ],
)
def test_bad_starting_ids(impl: Impl, value: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as raised:
        impl.module.Parser(last_event_id=value)
    assert str(raised.value) == message
