"""Where a stream stands: the offsets that Spark checkpoints.

A stream's position is the last event ID string of the last event delivered
(``id``) and how many events delivered after the first one that carried that
ID (``skip``). A server that honours ``Last-Event-ID`` resumes after the event
that set the ID, so on reconnection those ``skip`` events come again and are
dropped. A stream that sends no IDs keeps ``id == ""`` and ``skip`` counts all
its events: a new connection is taken to replay the stream from its first
event, which holds only for a server that sends the same events every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Position", "Resume"]


@dataclass(frozen=True)
class Position:
    """A stream's offset: after ``skip`` events past the first with ID ``id``."""

    id: str = ""
    skip: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "skip": self.skip}

    @classmethod
    def from_json(cls, value: object) -> Position:
        if not isinstance(value, dict):
            raise ValueError(f"a stream offset must be an object, got {value!r}")
        last_id, skip = value.get("id"), value.get("skip")
        if not isinstance(last_id, str) or not isinstance(skip, int) or skip < 0:
            raise ValueError(f"a stream offset needs a str id and an int skip >= 0: {value!r}")
        return cls(last_id, skip)

    def step(self, event_id: str) -> Position:
        """The position after one more event, whose ``id`` is ``event_id``."""
        if event_id == self.id:
            return Position(event_id, self.skip + 1)
        return Position(event_id, 1 if event_id == "" else 0)

    def after(self, ids: pa.Array) -> Position:
        """The position after rows whose ``id`` column is ``ids`` (non-empty)."""
        import pyarrow.compute as pc

        last = ids[-1].as_py()
        changed = pc.indices_nonzero(pc.not_equal(ids, last))
        tail = len(ids) - (changed[-1].as_py() + 1 if len(changed) else 0)
        if tail == len(ids) and last == self.id:
            return Position(last, self.skip + tail)
        # The first row with the new ID carries it; a stream without IDs counts them all.
        return Position(last, tail if last == "" else tail - 1)


class Resume:
    """Drops the events a new connection sends again, from ``position``."""

    def __init__(self, position: Position) -> None:
        self._id = position.id
        self._left = position.skip

    def fresh(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """The rows of ``batch`` not delivered before."""
        import pyarrow.compute as pc

        if not self._left:
            return batch
        other = pc.indices_nonzero(pc.not_equal(batch.column("id"), self._id))
        same = other[0].as_py() if len(other) else batch.num_rows
        drop = min(self._left, same)
        # Skipping stops at the first event with another ID: it is new.
        self._left = self._left - drop if drop == same == batch.num_rows else 0
        return batch.slice(drop)
