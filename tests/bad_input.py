"""What the bad-input tests share: the row type of their tables, and the sources
and responses they feed the readers.

Each table row is a call with one bad argument, the exception it must raise, and
the fragments its message must contain (what was wrong: the argument's name, the
type or value given). The tests are split by entry point:
``test_bad_input_parser.py`` (``Parser``, ``Event``, ``Comment``, both
implementations), ``test_bad_input_readers.py`` (``iter_events``,
``aiter_events``), ``test_bad_input_encode.py``, ``test_bad_input_http.py`` (the
httpx, requests and aiohttp wrappers) and ``test_bad_input_eventsource.py``.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import requests

import sseflow


@dataclass(frozen=True)
class Bad:
    """One wrong call: what it raises, and what its message must say."""

    label: str
    call: Callable[..., Any]
    """The call; it takes what the test under it is about (an implementation's module,
    an EventSource class, a client), or nothing."""
    error: type[BaseException]
    fragments: tuple[str, ...]
    before: tuple[str, ...] = ()
    """For a call making a reader: the data of the events it yields before the error."""
    alike: bool = True
    """For the parser's rows: whether both implementations must give the very same
    message (False where Python itself words it, e.g. a wrong argument count)."""


def rows(table: Sequence[Bad]) -> pytest.MarkDecorator:
    """``table`` as pytest parameters, labelled."""
    return pytest.mark.parametrize("bad", table, ids=[row.label for row in table])


def raised(bad: Bad, *args: Any) -> BaseException:
    """Runs the row's call with ``args`` and returns what it raised, checking its type
    and message."""
    with pytest.raises(bad.error) as caught:
        bad.call(*args)
    message = str(caught.value)
    for fragment in bad.fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return caught.value


def at_call(call: Callable[[], object], error: type[BaseException], *fragments: str) -> None:
    """Checks that ``call()`` itself raises ``error`` with ``fragments``: a reader it would
    have returned is never iterated."""
    raised(Bad("", call, error, fragments))


FEED = "feed() expects a bytes-like object (bytes, bytearray, memoryview), got "
CHUNK_SIZE_TYPE = "chunk_size must be an int, got "
MADE_NO_PARSER = "parser_factory must return a parser (with parse() and close()), got int"
NOT_CALLABLE = "parser_factory must be a callable returning a parser"

A = b"data: a\n\n"


def not_a_parser() -> Any:
    """A parser factory that makes no parser."""
    return 5


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


async def chunks(*items: object) -> AsyncIterator[object]:
    """An async iterable of ``items``."""
    for item in items:
        await asyncio.sleep(0)
        yield item


class BytesReader:
    """An async reader of bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    async def read(self, size: int, /) -> bytes:
        return self._data.read(size)


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
