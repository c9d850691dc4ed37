"""The readers' options, checked once, and the types of the sources they take."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias, TypedDict

from sseflow._native import Parser
from sseflow.llm._detect import FORMATS
from sseflow.stream import SupportsAsyncRead, SupportsRead, check_parser_factory

if TYPE_CHECKING:
    from typing_extensions import Buffer

__all__ = [
    "AsyncByteSource",
    "AsyncEventSource",
    "ByteOptions",
    "ByteSource",
    "CommonOptions",
    "EventLike",
    "EventOptions",
    "EventSource",
    "FormatChoice",
    "OnError",
    "Options",
    "ParserFactory",
    "Truncated",
]

FormatChoice: TypeAlias = Literal["auto", "openai-chat", "openai-responses", "anthropic", "gemini"]
OnError: TypeAlias = Literal["raise", "record"]
ParserFactory: TypeAlias = Callable[..., Any]
"""Makes a parser (:class:`sseflow.Parser`, ``sseflow.reference.Parser`` or one like them),
called with the size limits as keyword arguments when they are given."""
Truncated: TypeAlias = bool | Callable[[], bool]
"""Whether an event source ended inside an event: a flag, or a function asked at the end
(e.g. ``lambda: parser.truncated``)."""


class EventLike(Protocol):
    """An event: :class:`sseflow.Event`, httpx-sse's, an SDK's ``ServerSentEvent``..."""

    @property
    def data(self) -> str: ...
    @property
    def event(self) -> str | None: ...


class HasHeaders(Protocol):
    """An HTTP response (httpx, httpx2) or an SDK's raw response: it has ``headers``."""

    @property
    def headers(self) -> Mapping[str, str]: ...


class HasResponse(Protocol):
    """An object over an HTTP response: an SDK's ``Stream``, an ``sseflow.httpx.EventSource``."""

    @property
    def response(self) -> HasHeaders: ...


ByteSource: TypeAlias = "Buffer | SupportsRead | Iterable[Buffer] | HasHeaders | HasResponse"
"""What the readers parse themselves: bytes, a binary file, byte chunks, an HTTP response."""
EventSource: TypeAlias = Iterable[EventLike]
"""Events parsed elsewhere."""
AsyncByteSource: TypeAlias = "ByteSource | SupportsAsyncRead | AsyncIterable[Buffer]"
AsyncEventSource: TypeAlias = Iterable[EventLike] | AsyncIterable[EventLike]


class CommonOptions(TypedDict, total=False):
    """The options of every reader (see :func:`sseflow.llm.stream`)."""

    format: FormatChoice
    on_error: OnError
    partial_json: bool
    request_id: str | None


class ByteOptions(CommonOptions, total=False):
    """The options of a reader that parses bytes itself."""

    parser_factory: ParserFactory
    max_line_size: int | None
    max_event_size: int | None


class EventOptions(CommonOptions, total=False):
    """The options of a reader of events parsed elsewhere."""

    truncated: Truncated


@dataclass(frozen=True, slots=True)
class Options:
    """Every reader option, checked once by :meth:`of`."""

    format: FormatChoice = "auto"
    on_error: OnError = "raise"
    partial_json: bool = False
    request_id: str | None = None
    truncated: Truncated = False
    parser_factory: ParserFactory = Parser
    max_line_size: int | None = None
    max_event_size: int | None = None

    @classmethod
    def of(cls, caller: str, options: Mapping[str, Any]) -> Options:
        """The options given to ``caller`` as keyword arguments.

        Raises:
            TypeError: an unknown option, or a ``parser_factory`` that is not callable.
            ValueError: an unknown ``format`` or ``on_error``.
        """
        for name in options:
            if name not in cls.__dataclass_fields__:
                raise TypeError(f"{caller}() got an unexpected keyword argument {name!r}")
        made = cls(**options)
        if made.format != "auto" and made.format not in FORMATS:
            raise ValueError(
                f"format must be 'auto' or one of {', '.join(FORMATS)}, got {made.format!r}"
            )
        if made.on_error not in ("raise", "record"):
            raise ValueError(f"on_error must be 'raise' or 'record', got {made.on_error!r}")
        check_parser_factory(made.parser_factory)
        return made

    @property
    def parses_bytes(self) -> bool:
        """Whether an option for parsing bytes was given (meaningless for events)."""
        return (
            self.parser_factory is not Parser
            or self.max_line_size is not None
            or self.max_event_size is not None
        )

    def factory(self) -> ParserFactory:
        """The parser factory, given the size limits as keyword arguments when they are set."""
        limits = {
            name: value
            for name, value in (
                ("max_line_size", self.max_line_size),
                ("max_event_size", self.max_event_size),
            )
            if value is not None
        }
        if not limits:
            return self.parser_factory
        made: ParserFactory = functools.partial(self.parser_factory, **limits)
        return made
