"""Ways to cut a byte stream into chunks, and a helper that feeds them to a parser.

Both implementations (``sseflow`` native and ``sseflow.reference``) must give the
same result however the stream is cut and whatever bytes-like type carries it.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal, NamedTuple, Protocol

from typing_extensions import Buffer

import sseflow
from sseflow import _factory, reference

Chunks = list[bytes]
InputType = Literal["bytes", "bytearray", "memoryview"]
INPUT_TYPES: tuple[InputType, ...] = ("bytes", "bytearray", "memoryview")
Via = Literal["feed", "parse"]
VIAS: tuple[Via, ...] = ("feed", "parse")
"""The two ways to hand a parser a chunk: ``feed()`` then take the ready items, or ``parse()``."""

EventTuple = tuple[str | None, str, str, int | None]
"""An event as ``(event, data, id, retry)``; ``event`` is None only with ``default_event=None``."""

Item = EventTuple | str
"""A parsed item: an event tuple, or the text of a comment (``comments=True`` only)."""

RANDOM_SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6, 7)
"""Seeds of the random chunkings every conformance case is fed with."""


# -- the parser, as both implementations present it ---------------------------


class ParserLike(_factory.ParserLike[Any], Protocol):
    """The package's parser seam (what its readers use), with the lists both parsers return,
    and ``closed``, which the helpers check too."""

    def parse(self, data: Buffer, /) -> list[Any]: ...
    def events(self) -> list[Any]: ...
    @property
    def closed(self) -> bool: ...


@dataclass(frozen=True)
class Impl:
    """One implementation of the API: its name and its module."""

    name: str
    module: ModuleType

    def parser(
        self, *, comments: bool = False, default_event: str | None = "message"
    ) -> ParserLike:
        """A new parser of this implementation."""
        made: ParserLike = self.module.Parser(comments=comments, default_event=default_event)
        return made

    @property
    def event(self) -> Any:
        """The ``Event`` class."""
        return self.module.Event

    @property
    def comment(self) -> Any:
        """The ``Comment`` class."""
        return self.module.Comment


NATIVE = Impl("native", sseflow)
REFERENCE = Impl("reference", reference)
IMPLEMENTATIONS: tuple[Impl, ...] = (NATIVE, REFERENCE)


# -- chunkings -----------------------------------------------------------------


def whole(data: bytes) -> Chunks:
    """The stream in one chunk."""
    return [data]


def bytewise(data: bytes) -> Chunks:
    """One byte per chunk."""
    return [data[i : i + 1] for i in range(len(data))]


def cut(data: bytes, points: Sequence[int]) -> Chunks:
    """The stream cut at the given increasing offsets (empty chunks allowed)."""
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def two_way(data: bytes) -> Iterator[Chunks]:
    """Every cut of the stream into two non-empty chunks."""
    for point in range(1, len(data)):
        yield cut(data, [point])


THREE_WAY_MAX_LEN = 64
"""Only inputs up to this many bytes are cut into three."""

THREE_WAY_LIMIT = 2000
"""At most this many three-way cuts per input (evenly spread); C(63, 2) = 1953 fit."""


def three_way(data: bytes, limit: int = THREE_WAY_LIMIT) -> Iterator[Chunks]:
    """Cuts into three non-empty chunks: all of them, or ``limit`` spread evenly.

    Inputs longer than :data:`THREE_WAY_MAX_LEN` give none.
    """
    if len(data) > THREE_WAY_MAX_LEN:
        return
    pairs = list(itertools.combinations(range(1, len(data)), 2))
    step = max(1, -(-len(pairs) // limit))  # ceiling division
    for pair in pairs[::step]:
        yield cut(data, pair)


def random_cuts(data: bytes, seed: int) -> Chunks:
    """A seeded random chunking: mostly small chunks, now and then an empty one."""
    rng = random.Random(seed)
    chunks: Chunks = []
    start = 0
    while start < len(data):
        size = rng.choice((0, 1, 1, 2, 3, 4, 5, 8, 13))
        chunks.append(data[start : start + size])
        start += size
    return chunks


def all_chunkings(data: bytes) -> Iterator[tuple[str, Chunks]]:
    """Every chunking the conformance suite uses, each with a label for messages."""
    yield "whole", whole(data)
    yield "bytewise", bytewise(data)
    for chunks in two_way(data):
        yield f"two-way at {len(chunks[0])}", chunks
    for chunks in three_way(data):
        yield f"three-way at {len(chunks[0])},{len(chunks[0]) + len(chunks[1])}", chunks
    for seed in RANDOM_SEEDS:
        yield f"random seed {seed}", random_cuts(data, seed)


# -- feeding -------------------------------------------------------------------


def as_input(chunk: bytes, kind: InputType) -> bytes | bytearray | memoryview:
    """The chunk carried by the given bytes-like type."""
    if kind == "bytes":
        return bytes(chunk)
    if kind == "bytearray":
        return bytearray(chunk)
    return memoryview(bytearray(chunk))


class Outcome(NamedTuple):
    """What a parser made of a whole stream."""

    items: list[Item]
    last_event_id: str
    retry: int | None
    truncated: bool


def as_item(impl: Impl, parsed: object) -> Item:
    """An event as a tuple, a comment as its text; anything else fails the test."""
    if isinstance(parsed, impl.event):
        return (parsed.event, parsed.data, parsed.id, parsed.retry)
    if isinstance(parsed, impl.comment):
        text: str = parsed.text
        return text
    raise AssertionError(f"{impl.name} yielded {parsed!r}, neither Event nor Comment")


def feed(
    impl: Impl,
    chunks: Sequence[bytes],
    kind: InputType = "bytes",
    *,
    comments: bool = False,
    default_event: str | None = "message",
    via: Via = "feed",
    collect: Callable[[ParserLike], list[Any]] | None = None,
) -> Outcome:
    """Feeds the chunks one by one, collects items as they come, then closes.

    With ``via="parse"`` each chunk goes through ``parse()``, which returns the
    items; otherwise through ``feed()``, and ``collect`` takes the ready items
    after it (default: iterate the parser).
    """
    take = collect if collect is not None else list
    parser = impl.parser(comments=comments, default_event=default_event)
    parsed: list[Any] = []
    for chunk in chunks:
        if via == "parse":
            parsed += parser.parse(as_input(chunk, kind))
            continue
        parser.feed(as_input(chunk, kind))
        parsed += take(parser)
    parser.close()
    parsed += take(parser)
    items = [as_item(impl, p) for p in parsed]
    return Outcome(items, parser.last_event_id, parser.retry, parser.truncated)
