"""What a parser is to the readers and sources, and how a ``parser_factory`` is called.

A factory may take the last event ID to start from, as ``sseflow.Parser`` and
``sseflow.reference.Parser`` do (``last_event_id=``): an ``EventSource`` passes
it at every connection, so that events before the stream's first ``id`` carry
the ID the source resumes from. A factory of the older signature, taking no
argument, is called with none; its parser then starts with no ID, and the
source keeps its own last event ID until the stream sets a non-empty one.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, TypeAlias, TypeVar

from sseflow._checks import type_name

if TYPE_CHECKING:
    from typing_extensions import Buffer

    from sseflow._native import Event

_Item_co = TypeVar("_Item_co", covariant=True)


class ParserLike(Protocol[_Item_co]):
    """What the readers and sources use of a parser; both ``Parser`` classes are one."""

    def feed(self, data: Buffer, /) -> None: ...
    def parse(self, data: Buffer, /) -> Sequence[_Item_co]: ...
    def events(self) -> Sequence[_Item_co]: ...
    def close(self) -> None: ...
    def __iter__(self) -> Iterator[_Item_co]: ...
    def __next__(self) -> _Item_co: ...
    @property
    def truncated(self) -> bool: ...
    @property
    def last_event_id(self) -> str: ...
    @property
    def retry(self) -> int | None: ...


class ResumingFactory(Protocol):
    """A factory that starts its parser from a last event ID (``sseflow.Parser`` is one)."""

    def __call__(self, *, last_event_id: str = ...) -> ParserLike[Event]: ...


ParserFactory: TypeAlias = "Callable[[], ParserLike[Event]] | ResumingFactory"
"""Makes the parser for one stream, e.g. ``lambda **kw: Parser(max_event_size=2**20, **kw)``;
a factory that takes no argument (``lambda: Parser(...)``) is accepted too."""


def check_parser_factory(parser_factory: object) -> None:
    """Checks that ``parser_factory`` is callable.

    Raises:
        TypeError: it is not.
    """
    if not callable(parser_factory):
        raise TypeError(
            "parser_factory must be a callable returning a parser, e.g. sseflow.Parser, "
            f"got {type_name(parser_factory)}"
        )


def takes_last_event_id(parser_factory: Callable[..., object]) -> bool:
    """Whether ``parser_factory`` accepts a ``last_event_id`` keyword (or any keyword)."""
    try:
        parameters = inspect.signature(parser_factory).parameters.values()
    except (TypeError, ValueError):  # no signature to read: call it the old way
        return False
    return any(
        parameter.kind is parameter.VAR_KEYWORD
        or (
            parameter.name == "last_event_id"
            and parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
        )
        for parameter in parameters
    )


def new_parser(
    parser_factory: ParserFactory, last_event_id: str | None = None
) -> ParserLike[Event]:
    """Calls ``parser_factory``, with ``last_event_id`` if one is given, and checks
    that it made a parser.

    Raises:
        TypeError: the result has no ``parse()`` or no ``close()``.
    """
    if last_event_id is None:
        parser = parser_factory()
    else:
        parser = parser_factory(last_event_id=last_event_id)  # type: ignore[call-arg]
    if not (callable(getattr(parser, "parse", None)) and callable(getattr(parser, "close", None))):
        raise TypeError(
            "parser_factory must return a parser (with parse() and close()), "
            f"got {type_name(parser)}"
        )
    return parser
