"""Wrong sources and options given to ``iter_events`` and ``aiter_events``: the
documented error and a clear message, at the call where it can be known there, and
never an event lost before it. The row type: ``bad_input.Bad``.
"""

from __future__ import annotations

import asyncio
import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bad_input import (
    CHUNK_SIZE_TYPE,
    FEED,
    MADE_NO_PARSER,
    NOT_CALLABLE,
    A,
    Bad,
    BytesReader,
    adrain,
    chunks,
    drain,
    not_a_parser,
    raised,
    rows,
)

from sseflow import aiter_events, iter_events, reference

pytestmark = pytest.mark.timeout(30)


def read(source: Callable[[], Any], **options: Any) -> Callable[[], Any]:
    """A call making ``iter_events`` read ``source()``."""
    return lambda: iter_events(source(), **options)


def aread(source: Callable[[], Any], **options: Any) -> Callable[[], Any]:
    """A call making ``aiter_events`` read ``source()``."""
    return lambda: aiter_events(source(), **options)


def check(bad: Bad, seen: list[str], error: BaseException | None) -> None:
    assert isinstance(error, bad.error), f"{error!r} is not a {bad.error.__name__}"
    for fragment in bad.fragments:
        assert fragment in str(error), f"{fragment!r} not in {str(error)!r}"
    assert seen == list(bad.before)


class TextReader:
    """An async reader that wrongly returns text."""

    def __init__(self, text: str) -> None:
        self._text = text

    async def read(self, size: int, /) -> str:
        text, self._text = self._text[:size], self._text[size:]
        return text


# -- raised at once or while reading, after the events before it ------------------------------

SYNC_SOURCES: list[Bad] = [
    Bad(
        "str",
        read(lambda: "data: a\n\n"),
        TypeError,
        ("not be a str", "[text.encode()]", "open(path"),
    ),
    Bad("bytes", read(lambda: A), TypeError, ("not be a bytes", "io.BytesIO(data)")),
    Bad("bytearray", read(lambda: bytearray(A)), TypeError, ("not be a bytearray",)),
    Bad("memoryview", read(lambda: memoryview(A)), TypeError, ("not be a memoryview",)),
    Bad("None", read(lambda: None), TypeError, ("NoneType",)),
    Bad("int", read(lambda: 5), TypeError, ("int",)),
    Bad("yields-str", read(lambda: ["data: a\n\n"]), TypeError, (FEED + "str",)),
    Bad("then-str", read(lambda: [A, "data: b\n\n"]), TypeError, (FEED + "str",), ("a",)),
    Bad("then-None", read(lambda: [A, None]), TypeError, (FEED + "NoneType",), ("a",)),
    Bad("then-int", read(lambda: iter([A, 7])), TypeError, (FEED + "int",), ("a",)),
    Bad("then-ints", read(lambda: [A, [100, 97]]), TypeError, (FEED + "list",), ("a",)),
    Bad("text-file", read(lambda: io.StringIO("data: a\n\n")), TypeError, (FEED + "str",)),
    *(
        Bad(
            f"chunk_size-{size}",
            read(lambda: io.BytesIO(A), chunk_size=size),
            ValueError,
            (f"chunk_size must be at least 1, got {size}",),
        )
        for size in (0, -1)
    ),
]


@rows(SYNC_SOURCES)
def test_iter_events_rejects(bad: Bad) -> None:
    try:
        events = bad.call()
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


ASYNC_SOURCES: list[Bad] = [
    Bad("str", aread(lambda: "data: a\n\n"), TypeError, ("not be a str",)),
    Bad("bytes", aread(lambda: A), TypeError, ("not be a bytes",)),
    Bad("None", aread(lambda: None), TypeError, ("async iterable", "got NoneType")),
    Bad("sync-list", aread(lambda: [A]), TypeError, ("async iterable", "got list")),
    Bad("yields-str", aread(lambda: chunks("data: a\n\n")), TypeError, (FEED + "str",)),
    Bad("then-None", aread(lambda: chunks(A, None)), TypeError, (FEED + "NoneType",), ("a",)),
    Bad("then-int", aread(lambda: chunks(A, 3)), TypeError, (FEED + "int",), ("a",)),
    Bad("text-reader", aread(lambda: TextReader("data: a\n\n")), TypeError, (FEED + "str",)),
    Bad(
        "chunk_size-0",
        aread(lambda: BytesReader(A), chunk_size=0),
        ValueError,
        ("chunk_size must be at least 1, got 0",),
    ),
]


@rows(ASYNC_SOURCES)
def test_aiter_events_rejects(bad: Bad) -> None:
    async def run() -> tuple[list[str], BaseException | None]:
        try:
            events = bad.call()
        except Exception as error:
            return [], error
        return await adrain(events)

    check(bad, *asyncio.run(run()))


# -- raised at the call, never first at the first step ---------------------------------------

ITERABLE = "iter_events() expects an iterable of bytes or a binary file, got "


def option_rows(reader: Callable[..., Callable[[], Any]]) -> list[Bad]:
    """The bad ``chunk_size`` and ``parser_factory`` values, for ``reader(**options)``."""
    return [
        *(
            Bad(f"chunk_size-{label}", reader(chunk_size=size), TypeError, fragments)
            for label, size, fragments in [
                ("str", "10", (CHUNK_SIZE_TYPE + "str",)),
                ("None", None, (CHUNK_SIZE_TYPE + "NoneType",)),
                ("float", 1.5, (CHUNK_SIZE_TYPE + "float",)),
                ("bool", True, (CHUNK_SIZE_TYPE + "bool",)),
            ]
        ),
        *(
            Bad(f"chunk_size-{size}", reader(chunk_size=size), ValueError, (message,))
            for size, message in [
                (0, "chunk_size must be at least 1, got 0"),
                (-5, "chunk_size must be at least 1, got -5"),
                (2**31 + 1, f"chunk_size must be at most 2**31, got {2**31 + 1}"),
                (2**100, f"chunk_size must be at most 2**31, got {2**100}"),
            ]
        ),
        Bad(
            "parser_factory-None",
            reader(parser_factory=None),
            TypeError,
            (NOT_CALLABLE, "got NoneType"),
        ),
        Bad(
            "parser_factory-int",
            reader(parser_factory=5),
            TypeError,
            (NOT_CALLABLE, "got int"),
        ),
        Bad(
            "parser_factory-makes-int",
            reader(parser_factory=not_a_parser),
            TypeError,
            (MADE_NO_PARSER,),
        ),
        Bad(
            "parser_factory-makes-str",
            reader(parser_factory=str),
            TypeError,
            ("parser_factory must return a parser", "got str"),
        ),
    ]


SYNC_AT_CALL: list[Bad] = [
    Bad("None", read(lambda: None), TypeError, (ITERABLE + "NoneType",)),
    Bad("int", read(lambda: 5), TypeError, (ITERABLE + "int",)),
    Bad("object", read(object), TypeError, (ITERABLE + "object",)),
    Bad("float", read(lambda: 1.5), TypeError, (ITERABLE + "float",)),
    *option_rows(functools.partial(read, lambda: [A])),
    *option_rows(functools.partial(read, lambda: io.BytesIO(A))),
]


@rows(SYNC_AT_CALL)
def test_iter_events_rejects_at_the_call(bad: Bad) -> None:
    raised(bad)


ASYNC_ITERABLE = "aiter_events() expects an async iterable of bytes or an async reader, got "
USE_ITER_EVENTS = "use iter_events()"

ASYNC_AT_CALL: list[Bad] = [
    Bad("None", aread(lambda: None), TypeError, (ASYNC_ITERABLE + "NoneType",)),
    Bad("int", aread(lambda: 5), TypeError, (ASYNC_ITERABLE + "int",)),
    Bad("object", aread(object), TypeError, (ASYNC_ITERABLE + "object",)),
    Bad("list", aread(lambda: [A]), TypeError, (ASYNC_ITERABLE + "list", USE_ITER_EVENTS)),
    Bad("generator", aread(lambda: iter([A])), TypeError, (USE_ITER_EVENTS,)),
    Bad(
        "BytesIO",
        aread(lambda: io.BytesIO(A)),
        TypeError,
        ("aiter_events() expects an async reader, got io.BytesIO", USE_ITER_EVENTS),
    ),
    Bad(
        "BufferedReader",
        aread(lambda: io.BufferedReader(io.BytesIO(A))),
        TypeError,
        ("io.BufferedReader", USE_ITER_EVENTS),
    ),
    *option_rows(functools.partial(aread, lambda: chunks(A))),
    *option_rows(functools.partial(aread, lambda: BytesReader(A))),
]


@rows(ASYNC_AT_CALL)
def test_aiter_events_rejects_at_the_call(bad: Bad) -> None:
    async def run() -> None:
        raised(bad)

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
