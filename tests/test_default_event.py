"""``Parser(default_event=...)``: the type of an event whose event type buffer is empty.

The default, ``"message"``, is the standard's. With ``None`` a block without an
``event`` field gives ``Event.event is None``, as the OpenAI, Anthropic and Groq
SDKs report it. An empty ``event:`` line leaves the buffer empty as well, so it
gives the default too. Both implementations, every chunking, ``feed`` and ``parse``.
"""

from __future__ import annotations

import pickle
from typing import assert_type

import pytest
from chunking import INPUT_TYPES, VIAS, EventTuple, Impl, Outcome, all_chunkings, feed

import sseflow
from sseflow import reference

# No event field; `event: message`; an empty `event:`; a named type; a type set in a
# block that dispatches nothing, which does not carry over; a type then an empty one.
STREAM = (
    b"data: a\n\n"
    b"event: message\ndata: b\n\n"
    b"event:\ndata: c\r\n\r\n"
    b"event: x\ndata: d\n\n"
    b"event: y\n\ndata: e\n\n"
    b"event: z\nevent:\rdata: f\r\r"
)
DATA = ("a", "b", "c", "d", "e", "f")


def expected(types: tuple[str | None, ...]) -> Outcome:
    events: list[EventTuple] = [
        (kind, data, "", None) for kind, data in zip(types, DATA, strict=True)
    ]
    return Outcome(list(events), "", None, False)


CASES: dict[str | None, tuple[str | None, ...]] = {
    "message": ("message", "message", "message", "x", "message", "message"),
    None: (None, "message", None, "x", None, None),
    "update": ("update", "message", "update", "x", "update", "update"),
    "": ("", "message", "", "x", "", ""),
}


@pytest.mark.parametrize("default_event", list(CASES), ids=repr)
def test_every_chunking(impl: Impl, default_event: str | None) -> None:
    want = expected(CASES[default_event])
    for via in VIAS:
        for kind in INPUT_TYPES:
            for label, chunks in all_chunkings(STREAM):
                got = feed(impl, chunks, kind, default_event=default_event, via=via)
                assert got == want, f"{impl.name}, {via}, {kind}, {label}: {chunks!r}"


def test_the_default_is_message(impl: Impl) -> None:
    parser = impl.module.Parser()
    parser.feed(b"data: a\n\nevent:\ndata: b\n\n")
    assert [event.event for event in parser] == ["message", "message"]


def test_with_comments(impl: Impl) -> None:
    parser = impl.module.Parser(comments=True, default_event=None)
    assert parser.parse(b": hi\ndata: a\n\n") == [impl.comment("hi"), impl.event(None, "a")]


@pytest.mark.parametrize("bad", [1, b"message", True], ids=["int", "bytes", "bool"])
def test_must_be_str_or_none(impl: Impl, bad: object) -> None:
    with pytest.raises(TypeError) as raised:
        impl.module.Parser(default_event=bad)
    assert str(raised.value) == f"default_event must be a str or None, got {type(bad).__name__}"


def test_keyword_only(impl: Impl) -> None:
    with pytest.raises(TypeError):
        impl.module.Parser(False, None, None, "", None)


# -- an Event without a type ----------------------------------------------------------


def test_event_none_is_kept(impl: Impl) -> None:
    event = impl.event(None, "x")
    assert event.event is None
    assert impl.event(event=None, data="x") == event
    assert impl.event(data="x").event == "message"  # omitted: the default


def test_event_none_equality_and_hash(impl: Impl) -> None:
    untyped = impl.event(None, "x", "1", 2)
    assert untyped == impl.event(None, "x", "1", 2)
    assert untyped != impl.event("message", "x", "1", 2)
    assert untyped != impl.event("", "x", "1", 2)
    assert impl.event("message", "x", "1", 2) != untyped
    assert hash(untyped) == hash(impl.event(None, "x", "1", 2))
    assert len({untyped, impl.event(None, "x", "1", 2), impl.event(data="x", id="1", retry=2)}) == 2


def test_event_none_repr(impl: Impl) -> None:
    assert repr(impl.event(None, "x")) == "Event(event=None, data='x', id='', retry=None)"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_event_none_pickles(impl: Impl, protocol: int) -> None:
    parser = impl.module.Parser(default_event=None)
    (event,) = parser.parse(b"id: 3\ndata: x\n\n")
    copy = pickle.loads(pickle.dumps(event, protocol=protocol))
    assert type(copy) is impl.event
    assert copy == event
    assert copy.event is None
    assert event.__reduce__() == (impl.event, (None, "x", "3", None))


def test_static_types_follow_the_option() -> None:
    """mypy checks the ``assert_type`` lines: ``Event.event`` is ``str`` unless
    ``default_event`` may be None."""
    (native,) = sseflow.Parser().parse(b"data: a\n\n")
    (native_untyped,) = sseflow.Parser(default_event=None).parse(b"data: a\n\n")
    (ref,) = reference.Parser().parse(b"data: a\n\n")
    (ref_untyped,) = reference.Parser(default_event=None).parse(b"data: a\n\n")
    assert_type(native.event, str)
    assert_type(native_untyped.event, str | None)
    assert_type(ref.event, str)
    assert_type(ref_untyped.event, str | None)
    assert (
        (native.event, native_untyped.event) == (ref.event, ref_untyped.event) == ("message", None)
    )
