"""Stubs for the native module; the docstrings repeat the binding's."""

from typing import Any, Generic, Literal, Self, TypeVar, final, overload

from typing_extensions import Buffer
from typing_extensions import TypeVar as _DefaultedTypeVar

__all__ = ["Comment", "Event", "Parser"]

_Item = TypeVar("_Item", covariant=True)
# The type of Event.event: str, or str | None from Parser(default_event=None).
_Type = _DefaultedTypeVar("_Type", bound=str | None, covariant=True, default=str)

@final
class Event(Generic[_Type]):
    """One server-sent event.

    Args:
        event: the event type (``"message"`` unless the stream named one), or
            ``None`` for a block without one, from a parser made with
            ``default_event=None``.
        data: the data, its lines joined by ``"\\n"``.
        id: the last event ID when the event was dispatched (``""`` if none).
        retry: the reconnection time in milliseconds given in this event's
            block, or ``None``.
    """

    @property
    def event(self) -> _Type:
        """The event type, or ``None``."""
    @property
    def data(self) -> str:
        """The data."""
    @property
    def id(self) -> str:
        """The last event ID string."""
    @property
    def retry(self) -> int | None:
        """The ``retry`` value of this event's block, or ``None``."""
    @overload
    def __new__(
        cls, event: str = "message", data: str = "", id: str = "", retry: int | None = None
    ) -> Event[str]: ...
    @overload
    def __new__(
        cls, event: str | None, data: str = "", id: str = "", retry: int | None = None
    ) -> Event[str | None]: ...
    def json(self) -> Any:
        """Decodes the data as JSON (``json.loads(self.data)``)."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> tuple[type[Event[_Type]], tuple[_Type, str, str, int | None]]: ...

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
        default_event: the type of an event whose block set none (default:
            ``"message"``, as the standard says). With ``None``, such an event's
            :attr:`Event.event` is ``None``, telling a block without an
            ``event`` field from one with ``event: message``. An empty
            ``event:`` line sets no type either, as in the standard, so it also
            gives the default.

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
        default_event: str = "message",
    ) -> Parser[Event[str]]: ...
    @overload
    def __new__(
        cls,
        *,
        comments: Literal[False] = False,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
        default_event: None,
    ) -> Parser[Event[str | None]]: ...
    @overload
    def __new__(
        cls,
        *,
        comments: bool,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
        default_event: str = "message",
    ) -> Parser[Event[str] | Comment]: ...
    @overload
    def __new__(
        cls,
        *,
        comments: bool,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
        default_event: str | None,
    ) -> Parser[Event[str | None] | Comment]: ...
    def feed(self, data: Buffer) -> None:
        """Parses a chunk of the stream.

        Raises:
            TypeError: ``data`` is not bytes-like.
            ParserClosed: the parser was closed.
            LimitExceeded: a line or event is over a limit (now or before).
        """
    def parse(self, data: Buffer) -> list[_Item]:
        """Parses a chunk of the stream and returns the items ready after it.

        The same as :meth:`feed` then :meth:`events`, in one call: the events
        (and comments, with ``comments=True``) the chunk completed, in stream
        order, after any that earlier :meth:`feed` calls left unread. They are
        removed from the parser.

        Raises:
            TypeError: ``data`` is not bytes-like.
            ParserClosed: the parser was closed.
            LimitExceeded: a line or event is over a limit (now or before); the
                items before the offending one stay ready, for :meth:`events`.
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
