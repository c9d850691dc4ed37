"""Stubs for the native module; the docstrings repeat the binding's."""

from typing import Any, Generic, Literal, Self, TypeVar, final, overload

from typing_extensions import Buffer

__all__ = ["Comment", "Event", "Parser"]

_Item = TypeVar("_Item", covariant=True)

@final
class Event:
    """One server-sent event.

    Args:
        event: the event type (``"message"`` unless the stream named one).
        data: the data, its lines joined by ``"\\n"``.
        id: the last event ID when the event was dispatched (``""`` if none).
        retry: the reconnection time in milliseconds given in this event's
            block, or ``None``.
    """

    @property
    def event(self) -> str:
        """The event type."""
    @property
    def data(self) -> str:
        """The data."""
    @property
    def id(self) -> str:
        """The last event ID string."""
    @property
    def retry(self) -> int | None:
        """The ``retry`` value of this event's block, or ``None``."""
    def __new__(
        cls, event: str = "message", data: str = "", id: str = "", retry: int | None = None
    ) -> Self: ...
    def json(self) -> Any:
        """Decodes the data as JSON (``json.loads(self.data)``)."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Event], tuple[str, str, str, int | None]]: ...

@final
class Comment:
    """A comment line of the stream (``: text``), yielded only when the parser
    was created with ``comments=True``.

    Args:
        text: the text after the colon, one leading space removed.
    """

    @property
    def text(self) -> str:
        """The comment's text."""
    def __new__(cls, text: str = "") -> Self: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Comment], tuple[str]]: ...

@final
class Parser(Generic[_Item]):
    """An incremental Server-Sent Events parser.

    Feed it chunks of the stream as they arrive, split anywhere, and iterate it
    for the events ready so far; each is yielded once. It follows the WHATWG
    HTML standard's event-stream format exactly.

    Args:
        comments: also yield comment lines (``: ping``) as :class:`Comment`
            objects, in stream order, e.g. to notice heartbeats.
        max_line_size: the longest line accepted, in bytes (default: no limit).
        max_event_size: the largest data of one event, in bytes, counting one
            LF per ``data`` line (default: no limit); it bounds every line too,
            at 5 bytes more (the longest ``data: `` line whose value fits).
        last_event_id: the last event ID to start from, as a client that
            reconnects has it (default: none).

    Going over a limit raises :class:`LimitExceeded` from :meth:`feed`, and the
    parser refuses further input; the events before the offending one stay
    ready.
    """

    @overload
    def __new__(
        cls,
        *,
        comments: Literal[False] = False,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
    ) -> Parser[Event]: ...
    @overload
    def __new__(
        cls,
        *,
        comments: bool,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
    ) -> Parser[Event | Comment]: ...
    def feed(self, data: Buffer) -> None:
        """Parses a chunk of the stream.

        Raises:
            TypeError: ``data`` is not bytes-like.
            ParserClosed: the parser was closed.
            LimitExceeded: a line or event is over a limit (now or before).
        """
    def close(self) -> None:
        """Ends the stream; an incomplete final event is discarded."""
    def events(self) -> list[_Item]:
        """All the ready items, in stream order, removed from the parser."""
    def __iter__(self) -> Self: ...
    def __next__(self) -> _Item: ...
    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
    @property
    def truncated(self) -> bool:
        """Whether the stream ended (or would end now) truncated."""
    @property
    def last_event_id(self) -> str:
        """The last event ID string (``""`` if none)."""
    @property
    def retry(self) -> int | None:
        """The reconnection time in milliseconds set by the stream, or ``None``."""
