"""The best parse of a JSON text that is still arriving, in time linear in its length.

The best parse of a prefix is what jiter's partial mode (``trailing-strings``)
gives for it: open objects and arrays hold their complete members, a string
still open is included as far as it came (less an escape cut in the middle),
a number is included once what came is a whole JSON number, and a member
whose key or literal is unfinished is left out. :func:`reparse` is exactly that,
re-reading the whole text each time; :class:`PartialJSON` gives the same results
reading each character once.

How it works. :meth:`PartialJSON.feed` runs a resumable scanner over the new
characters only. It keeps a stack of the open containers, each a ``dict`` or
``list`` of its complete members, already as Python values (a member is built
once, when it ends, and never changes after), and the one value still open at
the innermost level: a string (its decoded pieces) or a bare token (a number or
literal). :meth:`PartialJSON.value` then copies only the open containers, with
the open value put in place, so its cost is what the prefix's value adds to the
complete members: the open containers and the open string.

The trap is agreeing with jiter where the text is not a prefix of valid JSON:
jiter then has quirks (``[1 2`` gives ``[1]``, a complete value may be followed
by anything, nesting deeper than 201 fails, a lone surrogate escape fails). The
scanner does not copy them: at the first character that it does not accept as
strict JSON (plus jiter's ``NaN``, ``Infinity`` and ``-Infinity``), it gives up
and every later :meth:`~PartialJSON.value` is :func:`reparse` of the whole text,
which is right by definition and costs what it did before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

__all__ = ["MISSING_JITER", "PartialJSON", "Snapshot", "partial_parser", "reparse"]

MISSING_JITER: Final = (
    "partial_json=True needs the jiter package: pip install 'sseflow[llm]' (or pip install jiter)"
)

MAX_DEPTH: Final = 200
"""Deeper nesting is left to :func:`reparse` (jiter fails past 201 levels)."""

_WHITESPACE: Final = re.compile(r"[ \t\n\r]*")
_STRING_RUN: Final = re.compile(r'[^"\\\x00-\x1f\ud800-\udfff]+')
_TOKEN_RUN: Final = re.compile(r"[0-9A-Za-z+\-.]+")
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NUMBER_PREFIX: Final = re.compile(
    r"-?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:(?<=[0-9])[eE][+-]?[0-9]*)?)?"
)
_LITERALS: Final = ("true", "false", "null", "NaN", "Infinity", "-Infinity")
_ESCAPES: Final = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_HEX: Final = frozenset("0123456789abcdefABCDEF")

_MISSING: Any = object()

# What the innermost open container expects next.
_FIRST_KEY, _KEY, _COLON, _MEMBER, _AFTER_MEMBER = range(5)  # objects
_FIRST_ITEM, _ITEM, _AFTER_ITEM = range(5, 8)  # arrays
_ROOT, _DONE = range(8, 10)  # the top level


def _jiter() -> Any:
    try:
        import jiter
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(MISSING_JITER) from error
    return jiter


def reparse(text: str) -> Any:
    """The best parse of ``text``, re-read whole with jiter (``None`` if nothing parses)."""
    if not text.strip():
        return None
    try:
        return _jiter().from_json(text.encode(), partial_mode="trailing-strings")
    except ValueError:  # UnicodeEncodeError (a lone surrogate) included
        return None


class _Open:
    """An open container: its complete members, its state, the key of the member to come."""

    __slots__ = ("container", "key", "state")

    def __init__(self, container: dict[str, Any] | list[Any], state: int) -> None:
        self.container = container
        self.key: str | None = None
        self.state = state


class PartialJSON:
    """Reads a JSON text piece by piece; :meth:`value` is the best parse so far.

    >>> parser = PartialJSON()
    >>> parser.feed('{"city": "Par')
    >>> parser.value()
    {'city': 'Par'}
    >>> parser.feed('is", "days": [1, 2')
    >>> parser.value()
    {'city': 'Paris', 'days': [1, 2]}
    """

    def __init__(self) -> None:
        self._jiter = _jiter()
        self._pieces: list[str] = []
        self._stack: list[_Open] = [_Open([], _ROOT)]
        self._root: Any = _MISSING
        self._string: list[str] | None = None
        """The decoded pieces of the open string, if one is open."""
        self._string_is_key = False
        self._escape = ""
        """An escape begun in the open string, as far as it came (``\\u00``)."""
        self._high: int | None = None
        """A high surrogate escape waiting for its low half."""
        self._token: list[str] | None = None
        """The characters of the open number or literal, if one is open."""
        self._failed = False
        self._cached: Any = _MISSING
        self.length = 0
        """Characters fed so far."""
        self.scanned = 0
        """Characters read by the scanner (each once): the work of :meth:`feed`."""
        self.reparsed = 0
        """Characters re-read by :func:`reparse`, once the scanner gave up."""

    @property
    def text(self) -> str:
        """The whole text fed so far."""
        if len(self._pieces) > 1:
            self._pieces[:] = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    def feed(self, piece: str) -> None:
        """Reads the next piece of the text."""
        if not piece:
            return
        self._pieces.append(piece)
        self.length += len(piece)
        self._cached = _MISSING
        if not self._failed:
            self._scan(piece)

    def value(self) -> Any:
        """The best parse of the text so far (``None`` if nothing parses yet)."""
        if self._cached is _MISSING:
            if self._failed:
                text = self.text
                self.reparsed += len(text)
                self._cached = reparse(text)
            else:
                self._cached = self._materialize()
        return self._cached

    def snapshot(self) -> Snapshot:
        """The best parse of the text as it is now, made when first asked, even once
        more came (it is then parsed again up to here)."""
        return Snapshot(self)

    # -- the scanner ------------------------------------------------------------

    def _fail(self) -> int:
        self._failed = True
        return -1

    def _scan(self, text: str) -> None:
        position, end = 0, len(text)
        while 0 <= position < end:
            if self._string is not None:
                position = self._in_string(text, position)
            elif self._token is not None:
                position = self._in_token(text, position)
            else:
                position = self._between(text, position)
        self.scanned += end if position < 0 else position

    def _between(self, text: str, position: int) -> int:
        """Reads whitespace and one structural character (or the start of a value)."""
        position = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
        if position == len(text):
            return position
        char = text[position]
        top = self._stack[-1]
        state = top.state
        if state in (_ROOT, _MEMBER, _ITEM, _FIRST_ITEM):
            if char == "]" and state == _FIRST_ITEM:
                return self._close(position)
            return self._start_value(char, position)
        if state in (_FIRST_KEY, _KEY):
            if char == '"':
                self._open_string(key=True)
                return position + 1
            if char == "}" and state == _FIRST_KEY:
                return self._close(position)
            return self._fail()
        if state == _COLON:
            if char != ":":
                return self._fail()
            top.state = _MEMBER
            return position + 1
        if state in (_AFTER_MEMBER, _AFTER_ITEM):
            if char == ",":
                top.state = _KEY if state == _AFTER_MEMBER else _ITEM
                return position + 1
            if char == ("}" if state == _AFTER_MEMBER else "]"):
                return self._close(position)
            return self._fail()
        return self._fail()  # _DONE: anything but whitespace after the value

    def _start_value(self, char: str, position: int) -> int:
        if char == '"':
            self._open_string(key=False)
        elif char in "{[":
            if len(self._stack) > MAX_DEPTH:
                return self._fail()
            if char == "{":
                self._stack.append(_Open({}, _FIRST_KEY))
            else:
                self._stack.append(_Open([], _FIRST_ITEM))
        elif char in "-0123456789tfnNI":
            self._token = []
            return position
        else:
            return self._fail()
        return position + 1

    def _close(self, position: int) -> int:
        done = self._stack.pop()
        self._deliver(done.container)
        return position + 1

    def _deliver(self, value: Any) -> None:
        """Puts a complete value in the innermost open container."""
        top = self._stack[-1]
        if top.state == _ROOT:
            self._root = value
            top.state = _DONE
        elif isinstance(top.container, dict):
            assert top.key is not None
            top.container[top.key] = value
            top.state = _AFTER_MEMBER
        else:
            top.container.append(value)
            top.state = _AFTER_ITEM

    # -- strings --------------------------------------------------------------------

    def _open_string(self, *, key: bool) -> None:
        self._string = []
        self._string_is_key = key
        self._escape = ""
        self._high = None

    def _in_string(self, text: str, position: int) -> int:
        assert self._string is not None
        end = len(text)
        while position < end:
            if self._escape:
                position = self._in_escape(text, position)
                if position < 0:
                    return position
                continue
            run = _STRING_RUN.match(text, position)
            if run is not None:
                if self._high is not None:
                    return self._fail()  # a high surrogate not followed by its low half
                self._string.append(run.group())
                position = run.end()
                continue
            char = text[position]
            if char == "\\":
                self._escape = "\\"
                position += 1
            elif char == '"':
                if self._high is not None:
                    return self._fail()
                return self._end_string(position)
            else:
                return self._fail()  # a control character or a lone surrogate
        return position

    def _in_escape(self, text: str, position: int) -> int:
        assert self._string is not None
        char = text[position]
        escape = self._escape + char
        if len(escape) == 2:
            if char == "u":
                self._escape = escape
                return position + 1
            if self._high is not None or char not in _ESCAPES:
                return self._fail()
            self._string.append(_ESCAPES[char])
            self._escape = ""
            return position + 1
        if char not in _HEX:
            return self._fail()
        if len(escape) < 6:
            self._escape = escape
            return position + 1
        self._escape = ""
        code = int(escape[2:], 16)
        if self._high is not None:
            if not 0xDC00 <= code <= 0xDFFF:
                return self._fail()
            self._string.append(chr(0x10000 + ((self._high - 0xD800) << 10) + (code - 0xDC00)))
            self._high = None
        elif 0xD800 <= code <= 0xDBFF:
            self._high = code
        elif 0xDC00 <= code <= 0xDFFF:
            return self._fail()
        else:
            self._string.append(chr(code))
        return position + 1

    def _end_string(self, position: int) -> int:
        assert self._string is not None
        value = "".join(self._string)
        self._string = None
        top = self._stack[-1]
        if self._string_is_key:
            top.key = value
            top.state = _COLON
        else:
            self._deliver(value)
        return position + 1

    # -- numbers and literals -------------------------------------------------------

    def _in_token(self, text: str, position: int) -> int:
        assert self._token is not None
        run = _TOKEN_RUN.match(text, position)
        if run is not None:
            self._token.append(run.group())
            position = run.end()
            if position == len(text):
                return position
        token = "".join(self._token)
        self._token = None
        value = self._token_value(token)
        if value is _MISSING:
            return self._fail()
        self._deliver(value)
        return position

    def _token_value(self, token: str) -> Any:
        """The value of a whole number or literal; ``_MISSING`` if it is not one."""
        if token in _LITERALS or _NUMBER.fullmatch(token):
            try:
                return self._jiter.from_json(token.encode())
            except ValueError:
                return _MISSING
        return _MISSING

    # -- the value ----------------------------------------------------------------------

    def _materialize(self) -> Any:
        if self._root is not _MISSING:
            return self._root
        child: Any = _MISSING
        if self._string is not None and not self._string_is_key:
            if len(self._string) > 1:
                self._string[:] = ["".join(self._string)]
            child = self._string[0] if self._string else ""
        elif self._token is not None:
            token = "".join(self._token)
            self._token = [token]
            child = self._token_value(token)
            if child is _MISSING and not (
                any(literal.startswith(token) for literal in _LITERALS)
                or _NUMBER_PREFIX.fullmatch(token)
            ):
                self._failed = True  # not the start of a number or literal: jiter decides
                text = self.text
                self.reparsed += len(text)
                return reparse(text)
        for open_ in reversed(self._stack[1:]):
            copy: Any = (
                dict(open_.container)
                if isinstance(open_.container, dict)
                else list(open_.container)
            )
            if child is not _MISSING:
                if isinstance(copy, dict):
                    if open_.state == _MEMBER:
                        copy[open_.key] = child
                else:
                    copy.append(child)
            child = copy
        return None if child is _MISSING else child


class Snapshot:
    """A callable giving the best parse of a :class:`PartialJSON`'s text at one moment."""

    __slots__ = ("_length", "_value", "parser")

    def __init__(self, parser: PartialJSON) -> None:
        self.parser = parser
        self._length = parser.length
        self._value: Any = _MISSING

    def __call__(self) -> Any:
        if self._value is _MISSING:
            if self.parser.length == self._length:
                self._value = self.parser.value()
            else:
                again = PartialJSON()
                again.feed(self.parser.text[: self._length])
                self._value = again.value()
        return self._value


def partial_parser() -> Callable[[], PartialJSON]:
    """Makes a :class:`PartialJSON` for each tool call.

    Raises:
        ImportError: jiter is not installed.
    """
    _jiter()
    return PartialJSON
