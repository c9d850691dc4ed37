"""sseflow as an Apache Spark source: ``spark.readStream.format("sse")``.

::

    import sseflow.spark

    sseflow.spark.register(spark)
    events = spark.readStream.format("sse").option("url", "http://127.0.0.1:8000/events").load()

Needs the ``spark`` extra (``pip install 'sseflow[spark]'``): PySpark 4 and
pyarrow, imported only here. The offsets Spark checkpoints are, per stream,
its last event ID and the events delivered since the first one with it; on
restart each stream reconnects with ``Last-Event-ID`` from the committed
offset. See the README, "Apache Spark", for what exactly once means here.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from pyspark.errors import PySparkNotImplementedError
from pyspark.sql.datasource import (
    DataSource,
    DataSourceReader,
    DataSourceStreamReader,
    InputPartition,
    SimpleDataSourceStreamReader,
)

from sseflow.errors import SSEError
from sseflow.spark._follow import Follower, Settings, one_response
from sseflow.spark._position import Position
from sseflow.spark._rows import COLUMNS, JSON_COLUMNS, Framer

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import SparkSession
    from pyspark.sql.streaming.datasource import ReadLimit
    from pyspark.sql.types import StructType

__all__ = ["SCHEMA", "EventStreamSource", "register"]

SCHEMA: Final = f"{COLUMNS}, url string"
"""The rows' columns, as a Spark DDL string."""

_HEADER: Final = "header."
_SHAPES: Final = ("driver", "partitions", "reread")
"""Where a micro-batch's events are read: see the README's "Apache Spark"."""


def register(spark: SparkSession) -> None:
    """Registers the data source ``"sse"`` with ``spark``."""
    spark.dataSource.register(EventStreamSource)


def _number(options: Mapping[str, str], name: str, default: float | None) -> float | None:
    value = options.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"option {name} must be a number, got {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise ValueError(f"option {name} must be a finite number > 0, got {value!r}")
    return number


def _integer(options: Mapping[str, str], name: str, default: int | None) -> int | None:
    value = options.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) <= 0:
        raise ValueError(f"option {name} must be an integer > 0, got {value!r}")
    return int(value)


class _Options:
    """The source's options, checked once."""

    def __init__(self, options: Mapping[str, str], schema: StructType | None = None) -> None:
        urls = [u.strip() for u in options.get("urls", "").split(",") if u.strip()]
        if options.get("url"):
            urls.insert(0, options["url"].strip())
        if options.get("path"):
            urls.append(options["path"])
        if not urls:
            raise ValueError('the "sse" source needs option url or urls (or a path to load)')
        if len(set(urls)) != len(urls):
            raise ValueError(f"options url and urls name a stream twice: {urls}")
        self.urls: list[str] = urls
        headers = tuple(
            (name[len(_HEADER) :], value)
            for name, value in options.items()
            if name.lower().startswith(_HEADER)
        )
        self.settings = Settings(
            headers=headers,
            json_type=_json_type(schema),
            max_line_size=_integer(options, "max_line_size", None),
            max_event_size=_integer(options, "max_event_size", None),
            retry=int(_integer(options, "retry", 3000) or 3000),
            max_delay=float(_number(options, "max_delay", 30.0) or 30.0),
            connect_timeout=float(_number(options, "connect_timeout", 10.0) or 10.0),
            idle_timeout=_number(options, "idle_timeout", None),
        )
        self.max_events = int(_integer(options, "max_events_per_batch", 10_000) or 10_000)
        self.max_wait = float(_number(options, "max_wait", 1.0) or 1.0)
        self.replay_timeout = float(_number(options, "replay_timeout", 60.0) or 60.0)
        self.shape = options.get("reader", "driver").lower()
        if self.shape not in _SHAPES:
            raise ValueError(f"option reader must be one of {_SHAPES}, got {self.shape!r}")


def _json_type(schema: StructType | None) -> pa.StructType | None:
    """The Arrow type of the ``json`` column of ``schema``, if it has one."""
    if schema is None or "json" not in schema.fieldNames():
        return None
    from pyspark.sql.pandas.types import to_arrow_type

    return to_arrow_type(schema["json"].dataType, timezone="UTC")


class EventStreamSource(DataSource):
    """The ``"sse"`` data source: rows ``event, data, id, retry, url``."""

    @classmethod
    def name(cls) -> str:
        return "sse"

    def schema(self) -> str:
        fields = self.options.get("json_schema", "").strip()
        return f"{SCHEMA}, json struct<{fields}>, {JSON_COLUMNS}" if fields else SCHEMA

    def simpleStreamReader(self, schema: StructType) -> SimpleDataSourceStreamReader:
        return _StreamReader(_Options(self.options, schema))

    def streamReader(self, schema: StructType) -> DataSourceStreamReader:
        options = _Options(self.options, schema)
        if options.shape == "driver":
            # Spark then asks for simpleStreamReader.
            raise PySparkNotImplementedError(
                errorClass="NOT_IMPLEMENTED", messageParameters={"feature": "streamReader"}
            )
        return _PartitionedReader(options)

    def reader(self, schema: StructType) -> DataSourceReader:
        return _BatchReader(_Options(self.options, schema))


def _with_url(batch: pa.RecordBatch, url: str) -> pa.RecordBatch:
    import pyarrow as pa

    urls = pa.repeat(pa.scalar(url, pa.string()), batch.num_rows)
    return batch.add_column(4, "url", urls)  # after the event's columns, before the JSON ones


def _offsets(positions: Mapping[str, Position]) -> dict[str, Any]:
    return {url: position.to_json() for url, position in positions.items()}


class _Streams:
    """A source's followers, one per URL, under one lock."""

    def __init__(self, options: _Options, start: Mapping[str, Position]) -> None:
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
                    batches.append(_with_url(batch, follower.url))
            return batches

    def _ready(self, limit: int, every: bool) -> bool:
        full = [f.queued >= limit or f.ended for f in self.followers]
        if any(not f.queued and f.error is not None for f in self.followers):
            return True
        return all(full) if every else any(full)


def _positions(offsets: Mapping[str, Any], urls: Sequence[str]) -> dict[str, Position]:
    return {url: Position.from_json(offsets.get(url, {"id": "", "skip": 0})) for url in urls}


class _StreamReader(SimpleDataSourceStreamReader):
    """Reads every stream on the driver, each over one live connection kept
    across micro-batches; replays a batch from its offsets after a restart."""

    def __init__(self, options: _Options) -> None:
        self._options = options
        self._streams: _Streams | None = None

    def initialOffset(self) -> dict[str, Any]:
        return _offsets({url: Position() for url in self._options.urls})

    def read(self, start: dict[str, Any]) -> tuple[Iterator[pa.RecordBatch], dict[str, Any]]:
        positions = _positions(start, self._options.urls)
        if self._streams is None or self._streams.positions != positions:
            if self._streams is not None:
                self._streams.close()
            self._streams = _Streams(self._options, positions)
        deadline = time.monotonic() + self._options.max_wait
        batches = self._streams.take(self._options.max_events, deadline)
        return iter(batches), _offsets(self._streams.positions)

    def readBetweenOffsets(
        self, start: dict[str, Any], end: dict[str, Any]
    ) -> Iterator[pa.RecordBatch]:
        return iter(_replay(self._options, start, end))

    def commit(self, end: dict[str, Any]) -> None:
        pass


def _replay(options: _Options, start: Mapping[str, Any], end: Mapping[str, Any]) -> list[Any]:
    """The rows between two offsets, read again from the servers."""
    first, last = _positions(start, options.urls), _positions(end, options.urls)
    batches: list[pa.RecordBatch] = []
    for url in options.urls:
        if first[url] != last[url]:
            batches.extend(_replay_one(options, url, first[url], last[url]))
    return batches


def _replay_one(options: _Options, url: str, first: Position, last: Position) -> list[Any]:
    streams = _Streams(options, {url: first})
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
                    batches.append(_with_url(batch.slice(0, rows), url))
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


class _Slice(InputPartition):
    """One stream's rows of a micro-batch: read already (``batches``), or to
    read again from the server between two positions."""

    def __init__(
        self,
        url: str,
        first: Position,
        last: Position,
        batches: list[pa.RecordBatch] | None,
        options: _Options,
    ) -> None:
        super().__init__(url)
        self.url = url
        self.first = first
        self.last = last
        self.batches = batches
        self.options = options


class _PartitionedReader(DataSourceStreamReader):
    """Reads every stream on the driver like the simple reader, but hands each
    stream's rows to its own partition, so executors process them in parallel;
    with ``reader=reread`` (and always after a restart) the partitions read
    their rows again from the servers instead."""

    def __init__(self, options: _Options) -> None:
        self._options = options
        self._streams: _Streams | None = None
        self._read: dict[str, tuple[dict[str, Position], dict[str, list[pa.RecordBatch]]]] = {}
        """The batches read, by the JSON of their end offset."""

    def initialOffset(self) -> dict[str, Any]:
        return _offsets({url: Position() for url in self._options.urls})

    def latestOffset(self, start: dict[str, Any], limit: ReadLimit) -> dict[str, Any]:
        positions = _positions(start, self._options.urls)
        if self._streams is None or self._streams.positions != positions:
            if self._streams is not None:
                self._streams.close()
            self._streams = _Streams(self._options, positions)
        deadline = time.monotonic() + self._options.max_wait
        by_url: dict[str, list[pa.RecordBatch]] = {url: [] for url in self._options.urls}
        for batch in self._streams.take(self._options.max_events, deadline):
            by_url[batch.column("url")[0].as_py()].append(batch)
        end = _offsets(self._streams.positions)
        if self._options.shape == "partitions":
            self._read[json.dumps(end, sort_keys=True)] = (positions, by_url)
        return end

    def partitions(self, start: dict[str, Any], end: dict[str, Any]) -> Sequence[InputPartition]:
        first, last = _positions(start, self._options.urls), _positions(end, self._options.urls)
        read = self._read.get(json.dumps(end, sort_keys=True))
        held = read[1] if read is not None and read[0] == first else None
        return [
            _Slice(url, first[url], last[url], None if held is None else held[url], self._options)
            for url in self._options.urls
            if first[url] != last[url]
        ]

    def read(self, partition: InputPartition) -> Iterator[pa.RecordBatch]:
        assert isinstance(partition, _Slice)
        if partition.batches is not None:
            return iter(partition.batches)
        return iter(_replay_one(partition.options, partition.url, partition.first, partition.last))

    def commit(self, end: dict[str, Any]) -> None:
        self._read.pop(json.dumps(end, sort_keys=True), None)

    def stop(self) -> None:
        if self._streams is not None:
            self._streams.close()


class _Partition(InputPartition):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class _BatchReader(DataSourceReader):
    """Reads each stream (a URL or a file) to its end: one partition each."""

    def __init__(self, options: _Options) -> None:
        self._options = options

    def partitions(self) -> Sequence[InputPartition]:
        return [_Partition(url) for url in self._options.urls]

    def read(self, partition: InputPartition) -> Iterator[pa.RecordBatch]:
        assert isinstance(partition, _Partition)
        settings = self._options.settings
        framer = Framer("", settings.max_line_size, settings.max_event_size, settings.json_type)
        for chunk in _chunks(partition.url, settings):
            batch = framer.feed(chunk)
            if batch is not None:
                yield _with_url(batch, partition.url)
            if framer.error is not None:
                raise SSEError(f"event stream {partition.url}: {framer.error}") from framer.error


def _chunks(url: str, settings: Settings) -> Iterator[bytes]:
    """The bytes of a file, or of one HTTP response (which must be an event stream)."""
    if "://" not in url or url.startswith("file://"):
        path = url.removeprefix("file://")
        with open(path, "rb") as file:
            while chunk := file.read(64 * 1024):
                yield chunk
        return
    yield from one_response(url, settings)
