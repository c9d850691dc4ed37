"""A source's streams, followed together; a micro-batch read again between its offsets."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sseflow.spark._follow import Follower
from sseflow.spark._options import Options
from sseflow.spark._position import Position

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "Streams",
    "next_batch",
    "offsets_of",
    "positions_of",
    "replay",
    "replay_one",
    "with_url",
]


def with_url(batch: pa.RecordBatch, url: str) -> pa.RecordBatch:
    """The batch with the stream's ``url`` column, in the place Spark's schema has it."""
    import pyarrow as pa

    urls = pa.repeat(pa.scalar(url, pa.string()), batch.num_rows)
    return batch.add_column(4, "url", urls)  # after the event's columns, before the JSON ones


def offsets_of(positions: Mapping[str, Position]) -> dict[str, Any]:
    """The offset Spark checkpoints: each stream's position, by URL."""
    return {url: position.to_json() for url, position in positions.items()}


class Streams:
    """A source's followers, one per URL, under one lock."""

    def __init__(self, options: Options, start: Mapping[str, Position]) -> None:
        self.lock = threading.Condition()
        self.positions = dict(start)
        """Each stream's position after the rows taken so far."""
        capacity = 2 * options.max_events
        self.followers = [
            Follower(url, position, options.settings, self.lock, capacity)
            for url, position in start.items()
        ]

    def close(self) -> None:
        for follower in self.followers:
            follower.close()

    def take(self, limit: int, deadline: float, until_full: bool = False) -> list[pa.RecordBatch]:
        """The next rows of every stream: up to ``limit`` each, once one has
        ``limit`` queued (every one, with ``until_full``) or at ``deadline``."""
        with self.lock:
            while not self._ready(limit, until_full):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.lock.wait(left)
            batches = []
            for follower in self.followers:
                if not follower.queued and follower.error is not None:
                    raise follower.error
                for batch in follower.take(limit):
                    self.positions[follower.url] = self.positions[follower.url].after(
                        batch.column("id")
                    )
                    batches.append(with_url(batch, follower.url))
            return batches

    def _ready(self, limit: int, every: bool) -> bool:
        full = [f.queued >= limit or f.ended for f in self.followers]
        if any(not f.queued and f.error is not None for f in self.followers):
            return True
        return all(full) if every else any(full)


def next_batch(
    streams: Streams | None, options: Options, start: Mapping[str, Any]
) -> tuple[Streams, list[pa.RecordBatch]]:
    """The micro-batch after ``start``, from ``streams`` if they stand there (the
    connections kept from the batch before), else from streams started anew."""
    positions = positions_of(start, options.urls)
    if streams is None or streams.positions != positions:
        if streams is not None:
            streams.close()
        streams = Streams(options, positions)
    deadline = time.monotonic() + options.max_wait
    return streams, streams.take(options.max_events, deadline)


def positions_of(offsets: Mapping[str, Any], urls: Sequence[str]) -> dict[str, Position]:
    """Each stream's position in a checkpointed offset (the start, for a stream new to it)."""
    return {url: Position.from_json(offsets.get(url, {"id": "", "skip": 0})) for url in urls}


def replay(options: Options, start: Mapping[str, Any], end: Mapping[str, Any]) -> list[Any]:
    """The rows between two offsets, read again from the servers."""
    first, last = positions_of(start, options.urls), positions_of(end, options.urls)
    batches: list[pa.RecordBatch] = []
    for url in options.urls:
        if first[url] != last[url]:
            batches.extend(replay_one(options, url, first[url], last[url]))
    return batches


def replay_one(options: Options, url: str, first: Position, last: Position) -> list[Any]:
    streams = Streams(options, {url: first})
    (follower,) = streams.followers
    deadline = time.monotonic() + options.replay_timeout
    batches = []
    position = first
    try:
        with streams.lock:
            while position != last:
                if not follower.queued:
                    if follower.error is not None:
                        raise follower.error
                    if follower.ended or time.monotonic() >= deadline:
                        raise TimeoutError(
                            f"event stream {url}: could not replay the events from {first} to "
                            f"{last} (got to {position}): does the server honour Last-Event-ID?"
                        )
                    streams.lock.wait(deadline - time.monotonic())
                    continue
                for batch in follower.take(follower.queued):
                    rows, position = _cut(position, batch.column("id"), last)
                    batches.append(with_url(batch.slice(0, rows), url))
                    if position == last:
                        break
    finally:
        streams.close()
    return batches


def _cut(position: Position, ids: pa.Array, end: Position) -> tuple[int, Position]:
    """How many rows, from ``position``, reach ``end`` (all if none does)."""
    for row, value in enumerate(ids.to_pylist()):
        position = position.step(value)
        if position == end:
            return row + 1, position
    return len(ids), position
