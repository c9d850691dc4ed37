"""Writing events: the ``text/event-stream`` wire format, for servers and tests.

>>> encode(data="line one\\nline two", event="note", id="7")
b'event: note\\nid: 7\\ndata: line one\\ndata: line two\\n\\n'
"""

from __future__ import annotations

import re
from typing import Final

from sseflow._checks import check_retry

__all__ = ["encode"]

_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n")
_FORBIDDEN: Final = re.compile(r"[\r\n\x00]")


def _field(name: str, value: str) -> str:
    # One space after the colon; the parser strips exactly one, so a value that
    # starts with a space keeps it.
    return f"{name}: {value}\n" if value else f"{name}\n"


def _single_line(name: str, value: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if _FORBIDDEN.search(value):
        raise ValueError(f"{name} must not contain CR, LF or NUL: {value!r}")
    return value


def encode(
    data: str | None = None,
    *,
    event: str | None = None,
    id: str | None = None,
    retry: int | None = None,
    comment: str | None = None,
) -> bytes:
    """Encodes one event (or a comment, or a field change) as UTF-8 wire bytes.

    The fields are written in the order comment, ``event``, ``id``, ``retry``,
    ``data``, then a blank line that dispatches the event. Data with several
    lines becomes several ``data:`` lines; a CR LF, a CR or an LF in it is a
    line break, so the parsed data has LF there. A comment with several lines
    becomes several comment lines. Given only a comment, no blank line is
    written, so the comment can go anywhere in a stream.

    Args:
        data: the event's data; ``None`` writes no ``data`` line, so the blank
            line dispatches nothing (useful to send only ``id`` or ``retry``).
            ``""`` dispatches an event with empty data.
        event: the event type; ``None`` writes no ``event`` line (type
            ``"message"``).
        id: the event ID; ``""`` resets the last event ID. ``None`` writes no
            ``id`` line (the last one stays).
        retry: the reconnection time in milliseconds, an int >= 0.
        comment: a comment (``: text``), e.g. ``""`` for a heartbeat.

    Returns:
        The bytes to write to the stream.

    Raises:
        ValueError: ``event`` or ``id`` contains CR, LF or NUL; ``retry`` is
            negative or more than 2**64 - 1; a string argument is not
            encodable as UTF-8 (a lone surrogate: the message names the
            argument).
        TypeError: an argument has the wrong type.
    """
    parts: list[str] = []
    if comment is not None:
        if not isinstance(comment, str):
            raise TypeError(f"comment must be a str, got {type(comment).__name__}")
        parts.extend(f": {line}\n" if line else ":\n" for line in _LINE_BREAK.split(comment))
    if event is not None:
        parts.append(_field("event", _single_line("event", event)))
    if id is not None:
        parts.append(_field("id", _single_line("id", id)))
    if retry is not None:
        check_retry(retry, optional=False)
        parts.append(f"retry: {retry}\n")
    if data is not None:
        if not isinstance(data, str):
            raise TypeError(f"data must be a str, got {type(data).__name__}")
        parts.extend(_field("data", line) for line in _LINE_BREAK.split(data))
    if data is not None or event is not None or id is not None or retry is not None:
        parts.append("\n")
    text = "".join(parts)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        fields = {"comment": comment, "event": event, "id": id, "data": data}
        raise _unencodable(fields) from error


def _unencodable(fields: dict[str, str | None]) -> ValueError:
    """The error naming the first field that UTF-8 cannot encode."""
    for name, value in fields.items():
        if value is None:
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            char = value[error.start]
            return ValueError(
                f"{name} is not encodable as UTF-8 ({error.reason}): "
                f"{char!r} at index {error.start}"
            )
    return ValueError("the event is not encodable as UTF-8")  # not reached: one field fails
