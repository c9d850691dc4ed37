"""The argument checks the readers, the sources, the writer and the reference share.

Each rule is stated once here: what a valid ``retry`` is, what a valid last
event ID is, the bounds of a ``chunk_size``. Every message names the argument
and what it got.
"""

from __future__ import annotations

from typing import Final

MAX_RETRY: Final = 2**64 - 1
"""The largest reconnection time, in milliseconds, a parser keeps: a larger
``retry:`` field saturates at it, and a larger ``retry`` argument is refused."""

MAX_CHUNK_SIZE: Final = 2**31
"""The largest ``chunk_size`` accepted (2 GiB): a larger one is refused with a
``ValueError`` rather than failing at the first read (or allocating that much)."""


def type_name(value: object) -> str:
    """The name of ``value``'s type for a message: ``str``, ``httpx.Response``."""
    kind = type(value)
    package = kind.__module__.partition(".")[0]
    if package in ("builtins", "__main__"):
        return kind.__qualname__
    return f"{package.lstrip('_')}.{kind.__qualname__}"  # _io.BytesIO: io.BytesIO


def check_retry(value: object, *, optional: bool, state_range: bool = False) -> int | None:
    """Checks a reconnection time in milliseconds: an int from 0 to :data:`MAX_RETRY`.

    Args:
        value: the argument.
        optional: ``None`` is accepted (and returned).
        state_range: a negative value is refused with the whole range in the
            message, as the native ``Event`` does, rather than with ``>= 0``.

    Raises:
        TypeError: ``value`` is not an int (a bool is refused too).
        ValueError: it is below 0 or above :data:`MAX_RETRY`.
    """
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        kind = "an int or None" if optional else "an int"
        raise TypeError(f"retry must be {kind}, got {type_name(value)}")
    if value < 0 and not state_range:
        raise ValueError(f"retry must be >= 0, got {value}")
    if not 0 <= value <= MAX_RETRY:
        raise ValueError(f"retry must be between 0 and 2**64 - 1, got {value}")
    return value


def check_last_event_id(value: object) -> str:
    """Checks a last event ID to start from: a str without NUL, CR or LF, as a
    stream's ``id`` field can set (the native ``Parser`` says the same).

    Raises:
        TypeError: ``value`` is not a str.
        ValueError: it contains NUL, CR or LF.
    """
    if not isinstance(value, str):
        raise TypeError(f"last_event_id must be a str, got {type_name(value)}")
    if "\0" in value or "\r" in value or "\n" in value:
        raise ValueError("last_event_id cannot contain NUL, CR or LF")
    return value


def check_chunk_size(chunk_size: object) -> None:
    """Checks a reader's ``chunk_size``: an int from 1 to :data:`MAX_CHUNK_SIZE`.

    Raises:
        TypeError: ``chunk_size`` is not an int (a bool is refused too).
        ValueError: it is less than 1 or more than :data:`MAX_CHUNK_SIZE`.
    """
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool):
        raise TypeError(f"chunk_size must be an int, got {type_name(chunk_size)}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    if chunk_size > MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be at most 2**31, got {chunk_size}")


def check_source(source: object) -> None:
    """Refuses a single buffer or string given where a source of chunks belongs."""
    if isinstance(source, str):
        raise TypeError(
            "the source must give chunks of bytes, not be a str: pass [text.encode()] for "
            "the text of a stream, or open(path, 'rb') for a file"
        )
    if isinstance(source, bytes | bytearray | memoryview):
        raise TypeError(
            f"the source must give chunks of bytes, not be a {type(source).__name__}: "
            "pass [data] or io.BytesIO(data) for one buffer"
        )
