"""Exceptions raised by sseflow, shared by the native parser and the reference."""

from __future__ import annotations

__all__ = [
    "ConnectionFailed",
    "LimitExceeded",
    "ParserClosed",
    "RetriesExhausted",
    "SSEError",
    "StreamTruncated",
]


class SSEError(Exception):
    """Base class of every error sseflow raises on purpose."""


class ParserClosed(SSEError, ValueError):
    """Data was fed to a parser after :meth:`Parser.close` ended its stream."""


class LimitExceeded(SSEError, ValueError):
    """A line or an event grew past a limit set on the parser.

    The parser then refuses all further input with this error; the events it
    yielded before stay valid, and the offending event is never yielded.

    Attributes:
        limit_name: ``"max_line_size"`` or ``"max_event_size"``.
        limit: the limit, in bytes.
        size: the size seen when the parser stopped, in bytes: of the line, or
            of the event's data.
    """

    def __init__(self, limit_name: str, limit: int, size: int) -> None:
        super().__init__(f"{limit_name}={limit} exceeded ({size} bytes seen)")
        self.limit_name = limit_name
        self.limit = limit
        self.size = size

    def __reduce__(self) -> tuple[type[LimitExceeded], tuple[str, int, int]]:
        return (LimitExceeded, (self.limit_name, self.limit, self.size))


class StreamTruncated(SSEError):
    """The stream ended in the middle of an event (only raised on request).

    By default an incomplete final event is dropped silently, as the standard
    says; pass ``raise_on_truncated=True`` to the readers to get this instead,
    after every complete event was delivered.
    """


class ConnectionFailed(SSEError):
    """The server answered with something other than an event stream.

    Raised for a status other than 200 (and 204, which ends an
    :class:`sseflow.EventSource` quietly) or a ``Content-Type`` other than
    ``text/event-stream``: the standard's "fail the connection", after which no
    reconnection is tried.

    Attributes:
        status: the HTTP status code, or ``None`` if unknown.
        content_type: the response's ``Content-Type`` header, or ``None``.
    """

    def __init__(
        self, message: str, *, status: int | None = None, content_type: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.content_type = content_type

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


class RetriesExhausted(SSEError):
    """An :class:`sseflow.EventSource` gave up reconnecting.

    Its ``__cause__`` is the error of the last attempt, if there was one.

    Attributes:
        attempts: the number of consecutive failed connections.
    """

    def __init__(self, message: str, *, attempts: int) -> None:
        super().__init__(message)
        self.attempts = attempts

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[SSEError], args: tuple[object, ...], state: dict[str, object]) -> SSEError:
    """Unpickles an error whose constructor takes keyword-only arguments."""
    error = SSEError.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error
