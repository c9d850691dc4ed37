"""The exception for event data that JSON decoding refused."""

from __future__ import annotations

from sseflow.errors import SSEError

__all__ = ["JSONDataError"]


class JSONDataError(SSEError, ValueError):
    """An event's data is not JSON or does not fit the schema (with ``on_error="raise"``).

    Attributes:
        index: the event's position in the stream, counting from 0.
        event: its type.
        id: its last event ID.
        reason: what was wrong.
    """

    def __init__(self, index: int, event: str, id: str, reason: str) -> None:
        super().__init__(f"event {index} (type {event!r}, id {id!r}): {reason}")
        self.index = index
        self.event = event
        self.id = id
        self.reason = reason

    def __reduce__(self) -> tuple[type[JSONDataError], tuple[int, str, str, str]]:
        return (JSONDataError, (self.index, self.event, self.id, self.reason))
