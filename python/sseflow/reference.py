"""A pure-Python Server-Sent Events parser: the readable reference.

It has the same API as the native :class:`sseflow.Parser` and follows the
WHATWG HTML Living Standard, section "Server-sent events", subsections
"Parsing an event stream" and "Interpreting an event stream", step by step.
The test suite judges the native parser against it.

The stream is split into lines on bytes and each line is decoded afterwards:
CR, LF and ``:`` never occur inside a multi-byte UTF-8 sequence, so this gives
the same text as decoding the whole stream first, and a character split across
chunks needs no special care.

>>> parser = Parser()
>>> parser.feed(b"data: hello\\n\\n")
>>> list(parser)
[Event(event='message', data='hello', id='', retry=None)]

Where each rule lives, here and in the Rust core (``rust/sseflow-core/src``), and the
tests that hold both to it (cases: ``tests/spec_cases.py``; ``*.rs``: the core's tests):

============================  ===================  =============================  ==================
Rule                          Reference (Parser.)  Core (module::function)        Tests
============================  ===================  =============================  ==================
one leading BOM, even split   _skip_bom            framing::Framer::start         cases: BOM
CRLF, LF, CR; CRLF split      _feed                framing::Framer::next_line     cases: line ends
a spanning line, copied once  _feed                framing::Framer::next_line     linear.rs
line limits                   _check_line          config::Config::line_limit     test_limits.py
comment; name, colon, space   _process_line        field::classify                cases: fields
data, event, id (not NUL)     _process_field       interpret::Interpreter::line   cases: data, id
retry: digits, saturating     _process_field       field::parse_retry             cases: retry
the event size limit          _process_field       interpret::check_data          test_limits.py
blank line: ID, dispatch      _dispatch            interpret::dispatch            cases: data, id
empty type: default_event     _dispatch            config::default_event          test_default_event
starting ID: no NUL, CR, LF   __init__             field::is_valid_last_event_id  test_resume.py
the end: drop, report         close, truncated     parser::Parser::finish         cases: end
UTF-8 with U+FFFD             _decode (module)     event::Event::data             cases: UTF-8
============================  ===================  =============================  ==================
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeVar, overload

from sseflow._checks import MAX_RETRY, check_last_event_id, check_retry
from sseflow.errors import LimitExceeded, ParserClosed

__all__ = ["Comment", "Event", "Parser"]

_BOM: Final = b"\xef\xbb\xbf"
_LINE_END: Final = re.compile(rb"\r\n|\r|\n")

# What iterating a parser yields: Event, or Event | Comment with comments=True.
_Item = TypeVar("_Item", covariant=True)

# The type of Event.event: str, or str | None from Parser(default_event=None). Only type
# checkers need its default; at run time a plain TypeVar does (typing_extensions is not
# a dependency).
if TYPE_CHECKING:
    from typing_extensions import Buffer
    from typing_extensions import TypeVar as _DefaultedTypeVar

    _Type = _DefaultedTypeVar("_Type", bound=str | None, covariant=True, default=str)
else:
    _Type = TypeVar("_Type", bound=str | None, covariant=True)


def _decode(raw: bytes) -> str:
    """UTF-8 with U+FFFD for malformed sequences, as the Encoding Standard decodes."""
    return raw.decode("utf-8", "replace")


def _text_arg(name: str, value: object, default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


class Event(Generic[_Type]):
    """One server-sent event; immutable.

    ``event`` is the type (``"message"`` by default; ``None`` for a block that
    set none, from ``Parser(default_event=None)``), ``data`` the data lines
    joined by LF, ``id`` the last event ID when it was dispatched, ``retry`` the
    reconnection time given in this event's block, or ``None``.
    """

    __slots__ = ("data", "event", "id", "retry")

    event: _Type
    data: str
    id: str
    retry: int | None

    @overload
    def __init__(
        self: Event[str],
        event: str = "message",
        data: str = "",
        id: str = "",
        retry: int | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self: Event[str | None],
        event: str | None,
        data: str = "",
        id: str = "",
        retry: int | None = None,
    ) -> None: ...
    def __init__(
        self,
        event: str | None = "message",
        data: str = "",
        id: str = "",
        retry: int | None = None,
    ) -> None:
        if event is not None:
            event = _text_arg("event", event, "message")
        object.__setattr__(self, "event", event)
        object.__setattr__(self, "data", _text_arg("data", data, ""))
        object.__setattr__(self, "id", _text_arg("id", id, ""))
        object.__setattr__(self, "retry", check_retry(retry, optional=True, state_range=True))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Event is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Event is immutable: cannot delete {name!r}")

    def json(self) -> Any:
        """Decodes the data as JSON (``json.loads(self.data)``)."""
        return json.loads(self.data)

    def _fields(self) -> tuple[_Type, str, str, int | None]:
        return (self.event, self.data, self.id, self.retry)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"Event(event={self.event!r}, data={self.data!r}, id={self.id!r}, retry={self.retry!r})"
        )

    def __reduce__(self) -> tuple[type[Event[_Type]], tuple[_Type, str, str, int | None]]:
        return (Event, self._fields())


class Comment:
    """A comment line (``: text``), yielded only by ``Parser(comments=True)``.

    ``text`` is what follows the colon, one leading space removed.
    """

    __slots__ = ("text",)

    text: str

    def __init__(self, text: str = "") -> None:
        object.__setattr__(self, "text", _text_arg("text", text, ""))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Comment is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Comment is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Comment):
            return NotImplemented
        return self.text == other.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Comment(text={self.text!r})"

    def __reduce__(self) -> tuple[type[Comment], tuple[str]]:
        return (Comment, (self.text,))


def _default_event_arg(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"default_event must be a str or None, got {type(value).__name__}")
    return value


def _limit_arg(name: str, value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int or None, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value}")
    return value


_EXPECTED: Final = "feed() expects a bytes-like object (bytes, bytearray, memoryview)"


def _as_bytes(data: object) -> bytes | memoryview:
    """The bytes of a bytes-like object, or a TypeError naming what is accepted."""
    if isinstance(data, bytes):
        return data
    if not isinstance(data, str):
        try:
            view = memoryview(data)  # type: ignore[arg-type]
        except TypeError:
            pass
        else:
            if view.format in ("B", "b", "c") and view.c_contiguous:
                return view.cast("B")  # read in place
            if view.format.lstrip("@=<>!") in ("B", "b", "c"):
                return view.tobytes()
            kind = type(data).__name__
            raise TypeError(f"{_EXPECTED}, got {kind} with items of format '{view.format}'")
    raise TypeError(f"{_EXPECTED}, got {type(data).__name__}")


class Parser(Generic[_Item]):
    """An incremental Server-Sent Events parser, in pure Python.

    Feed it chunks with :meth:`feed`, split anywhere; iterate it for the events
    ready so far. With ``comments=True`` it also yields :class:`Comment` items.

    ``max_line_size`` bounds each line, in bytes without its line end;
    ``max_event_size`` bounds an event's data buffer, in bytes (each ``data``
    value plus one LF), and every line at 5 bytes more. Going over either raises
    :class:`~sseflow.errors.LimitExceeded`, and the parser refuses further input.

    ``last_event_id`` is the last event ID to start from, as a reconnecting
    client has it: events dispatched before the stream sets an ``id`` carry it.

    ``default_event`` is the type of an event whose event type buffer is empty at
    dispatch: ``"message"`` by default, as the standard says; with ``None`` such an
    event's ``event`` is ``None``, so a block without an ``event`` field can be told
    from ``event: message``. An empty ``event:`` line leaves the buffer empty too,
    so it gives the default as well.
    """

    @overload
    def __init__(
        self: Parser[Event[str]],
        *,
        comments: Literal[False] = False,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
        default_event: str = "message",
    ) -> None: ...
    @overload
    def __init__(
        self: Parser[Event[str | None]],
        *,
        comments: Literal[False] = False,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
        default_event: None,
    ) -> None: ...
    @overload
    def __init__(
        self: Parser[Event[str] | Comment],
        *,
        comments: bool,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
        default_event: str = "message",
    ) -> None: ...
    @overload
    def __init__(
        self: Parser[Event[str | None] | Comment],
        *,
        comments: bool,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
        default_event: str | None,
    ) -> None: ...
    def __init__(
        self,
        *,
        comments: bool = False,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
        default_event: str | None = "message",
    ) -> None:
        if comments is None:  # None means the default, as in the native parser
            comments = False
        if not isinstance(comments, bool):
            raise TypeError(f"comments must be a bool, got {type(comments).__name__}")
        self._comments = comments
        self._max_line_size = _limit_arg("max_line_size", max_line_size)
        self._max_event_size = _limit_arg("max_event_size", max_event_size)
        # Lines are bounded by the line limit, and by the event limit plus 5 (the longest
        # "data: " line whose value fits); the smaller bound names the error, a tie the line.
        self._line_limit: tuple[str, int, int] | None = None
        if self._max_event_size is not None:
            self._line_limit = ("max_event_size", self._max_event_size, self._max_event_size + 5)
        if self._max_line_size is not None and (
            self._line_limit is None or self._max_line_size <= self._line_limit[2]
        ):
            self._line_limit = ("max_line_size", self._max_line_size, self._max_line_size)
        self._failure: tuple[str, int, int] | None = None  # LimitExceeded's arguments
        self._ready: deque[Any] = deque()  # of _Item: Events, and Comments if asked for
        self._lock = threading.Lock()  # one call at a time, from any thread
        self._closed = False
        # Stream state.
        self._at_start = True  # no byte after a possible BOM seen yet
        self._after_cr = False  # the last line ended with a CR; skip an LF next
        self._line = bytearray()  # the open line
        # The standard's buffers.
        self._data: list[str] = []  # data values; the data buffer is each + LF
        self._data_size = 0  # bytes of the data buffer
        self._event_type = ""
        start = "" if last_event_id is None else check_last_event_id(last_event_id)
        self._id_buffer = self._last_event_id = start
        self._default_event = _default_event_arg(default_event)
        self._retry: int | None = None
        # Beyond the standard.
        self._block_retry: int | None = None  # the retry of the current block
        self._in_event = False  # a data, event or valid id field awaits a blank line
        self._truncated = False  # how the stream ended, after close()

    # -- feeding -------------------------------------------------------------

    def feed(self, data: Buffer) -> None:
        """Parses a chunk of the stream.

        Raises:
            TypeError: ``data`` is not bytes-like.
            ParserClosed: the parser was closed.
        """
        chunk = _as_bytes(data)
        with self._lock:
            self._feed(chunk)

    def parse(self, data: Buffer) -> list[_Item]:
        """Parses a chunk of the stream and returns the items ready after it.

        The same as :meth:`feed` then :meth:`events`, in one call: the items the
        chunk completed, after any that earlier :meth:`feed` calls left unread.

        Raises:
            TypeError: ``data`` is not bytes-like.
            ParserClosed: the parser was closed.
            LimitExceeded: a line or event is over a limit (now or before); the
                items before the offending one stay ready, for :meth:`events`.
        """
        chunk = _as_bytes(data)
        with self._lock:
            self._feed(chunk)
            ready = list(self._ready)
            self._ready.clear()
            return ready

    def _feed(self, chunk: bytes | memoryview) -> None:
        if self._closed:
            raise ParserClosed("feed() after close(): the parser is closed")
        if self._failure:
            raise LimitExceeded(*self._failure)
        start = 0
        if self._at_start:
            start = self._skip_bom(chunk)
            if self._at_start:
                return
        if self._after_cr and start < len(chunk):
            self._after_cr = False
            if chunk[start : start + 1] == b"\n":
                start += 1
        for match in _LINE_END.finditer(chunk, start):
            self._check_line(match.start() - start)
            self._line += chunk[start : match.start()]
            line = bytes(self._line)
            self._line.clear()
            self._process_line(line)
            start = match.end()
        self._check_line(len(chunk) - start)
        self._line += chunk[start:]
        if chunk[-1:] == b"\r":
            self._after_cr = True

    def _skip_bom(self, chunk: bytes | memoryview) -> int:
        """Strips one BOM from the very start of the stream, even if split.

        The bytes seen so far wait in ``self._line``; returns where the
        rest of the chunk starts. ``self._at_start`` stays True while the
        stream could still begin with a BOM.
        """
        need = len(_BOM) - len(self._line)
        head = bytes(chunk[:need])
        self._line += head
        if _BOM.startswith(self._line) and len(self._line) < len(_BOM):
            return len(head)
        self._at_start = False
        if self._line == _BOM:
            self._line.clear()
            return len(head)
        # Not a BOM: what was seen is the start of the first line.
        self._line.clear()
        self._line += _BOM[: len(_BOM) - need]  # bytes from earlier chunks
        return 0

    # -- limits (beyond the standard) ----------------------------------------

    def _check_line(self, more: int) -> None:
        """Fails if the open line, grown by ``more`` bytes, is over a limit."""
        if self._line_limit is not None:
            name, limit, bound = self._line_limit
            if len(self._line) + more > bound:
                self._fail(name, limit, len(self._line) + more)

    def _fail(self, name: str, limit: int, size: int) -> None:
        self._failure = (name, limit, size)
        self._line.clear()
        self._data, self._data_size, self._event_type = [], 0, ""
        raise LimitExceeded(name, limit, size)

    # -- interpreting lines (the standard's "Interpreting an event stream") ---

    def _process_line(self, line: bytes) -> None:
        if not line:
            self._dispatch()
        elif line.startswith(b":"):
            if self._comments:
                text = _decode(line[1:])
                self._ready.append(Comment(text[1:] if text.startswith(" ") else text))
        elif b":" in line:
            name, _, value = line.partition(b":")
            if value.startswith(b" "):
                value = value[1:]
            self._process_field(name, value)
        else:
            self._process_field(line, b"")

    def _process_field(self, name: bytes, raw: bytes) -> None:
        value = _decode(raw)
        if name == b"event":
            self._event_type = value
            self._in_event = True
        elif name == b"data":
            size = self._data_size + len(raw) + 1
            if self._max_event_size is not None and size > self._max_event_size:
                self._fail("max_event_size", self._max_event_size, size)
            self._data.append(value)
            self._data_size = size
            self._in_event = True
        elif name == b"id":
            if "\0" not in value:
                self._id_buffer = value
                self._in_event = True
        elif name == b"retry" and value and all(c in "0123456789" for c in value):
            self._retry = self._block_retry = min(int(value), MAX_RETRY)
        # Any other field name is ignored.

    def _dispatch(self) -> None:
        """A blank line: dispatch the event, if its data buffer is not empty."""
        self._last_event_id = self._id_buffer
        self._in_event = False
        retry, self._block_retry = self._block_retry, None
        data, self._data, self._data_size = self._data, [], 0
        event_type, self._event_type = self._event_type, ""
        if not data:
            return
        # The data buffer is every value followed by LF, less the last LF.
        data_text = "\n".join(data)
        # An empty buffer (no event field, or an empty value) gives the default type.
        event = Event(event_type or self._default_event, data_text, self._last_event_id, retry)
        self._ready.append(event)

    # -- the end of the stream ----------------------------------------------

    def close(self) -> None:
        """Ends the stream: an incomplete event is discarded, as the standard says.

        :attr:`truncated` then tells whether there was one. Ready events stay
        iterable. Closing again does nothing.
        """
        with self._lock:
            if self._closed:
                return
            self._truncated = self.truncated
            self._closed = True
            self._line.clear()
            self._data, self._data_size = [], 0
            self._event_type = ""
            self._block_retry = None
            self._in_event = False

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def truncated(self) -> bool:
        """Whether the stream ended (or, before close, would end) truncated.

        True inside a line that is neither empty nor a comment, or after a
        ``data``, ``event`` or valid ``id`` field that no blank line followed.
        """
        if self._closed:
            return self._truncated
        if self._failure:
            return True  # stopped inside the line or the event that was too large
        inside_line = bool(self._line) and not self._line.startswith(b":")
        return inside_line or self._in_event

    @property
    def last_event_id(self) -> str:
        """The last event ID string (``""`` if none)."""
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The reconnection time in milliseconds set by the stream, or None."""
        return self._retry

    # -- reading events ------------------------------------------------------

    def events(self) -> list[_Item]:
        """All the ready items, in stream order, removed from the parser."""
        with self._lock:
            ready = list(self._ready)
            self._ready.clear()
            return ready

    def __iter__(self) -> Parser[_Item]:
        return self

    def __next__(self) -> _Item:
        try:
            item: _Item = self._ready.popleft()
            return item  # atomic, so safe beside a feeding thread
        except IndexError:
            raise StopIteration from None
