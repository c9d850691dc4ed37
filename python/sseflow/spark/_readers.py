"""The ``"sse"`` source's readers: streaming (three shapes) and batch."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pyspark.sql.datasource import (
    DataSourceReader,
    DataSourceStreamReader,
    InputPartition,
    SimpleDataSourceStreamReader,
)

from sseflow.errors import SSEError
from sseflow.spark._follow import Settings, one_response
from sseflow.spark._position import Position
from sseflow.spark._rows import Framer

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql.streaming.datasource import ReadLimit

from sseflow.spark._options import Options
from sseflow.spark._streams import (
    Streams,
    next_batch,
    offsets_of,
    positions_of,
    replay,
    replay_one,
    with_url,
)

__all__ = ["BatchReader", "PartitionedReader", "StreamReader"]


class StreamReader(SimpleDataSourceStreamReader):
    """Reads every stream on the driver, each over one live connection kept
    across micro-batches; replays a batch from its offsets after a restart."""

    def __init__(self, options: Options) -> None:
        self._options = options
        self._streams: Streams | None = None

    def initialOffset(self) -> dict[str, Any]:
        return offsets_of({url: Position() for url in self._options.urls})

    def read(self, start: dict[str, Any]) -> tuple[Iterator[pa.RecordBatch], dict[str, Any]]:
        self._streams, batches = next_batch(self._streams, self._options, start)
        return iter(batches), offsets_of(self._streams.positions)

    def readBetweenOffsets(
        self, start: dict[str, Any], end: dict[str, Any]
    ) -> Iterator[pa.RecordBatch]:
        return iter(replay(self._options, start, end))

    def commit(self, end: dict[str, Any]) -> None:
        pass


class _Slice(InputPartition):
    """One stream's rows of a micro-batch: read already (``batches``), or to
    read again from the server between two positions."""

    def __init__(
        self,
        url: str,
        first: Position,
        last: Position,
        batches: list[pa.RecordBatch] | None,
        options: Options,
    ) -> None:
        super().__init__(url)
        self.url = url
        self.first = first
        self.last = last
        self.batches = batches
        self.options = options


class PartitionedReader(DataSourceStreamReader):
    """Reads every stream on the driver like the simple reader, but hands each
    stream's rows to its own partition, so executors process them in parallel;
    with ``reader=reread`` (and always after a restart) the partitions read
    their rows again from the servers instead."""

    def __init__(self, options: Options) -> None:
        self._options = options
        self._streams: Streams | None = None
        self._read: dict[str, tuple[dict[str, Position], dict[str, list[pa.RecordBatch]]]] = {}
        """The batches read, by the JSON of their end offset."""

    def initialOffset(self) -> dict[str, Any]:
        return offsets_of({url: Position() for url in self._options.urls})

    def latestOffset(self, start: dict[str, Any], limit: ReadLimit) -> dict[str, Any]:
        self._streams, batches = next_batch(self._streams, self._options, start)
        by_url: dict[str, list[pa.RecordBatch]] = {url: [] for url in self._options.urls}
        for batch in batches:
            by_url[batch.column("url")[0].as_py()].append(batch)
        end = offsets_of(self._streams.positions)
        if self._options.shape == "partitions":
            first = positions_of(start, self._options.urls)
            self._read[json.dumps(end, sort_keys=True)] = (first, by_url)
        return end

    def partitions(self, start: dict[str, Any], end: dict[str, Any]) -> Sequence[InputPartition]:
        first, last = positions_of(start, self._options.urls), positions_of(end, self._options.urls)
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
        return iter(replay_one(partition.options, partition.url, partition.first, partition.last))

    def commit(self, end: dict[str, Any]) -> None:
        self._read.pop(json.dumps(end, sort_keys=True), None)

    def stop(self) -> None:
        if self._streams is not None:
            self._streams.close()


class _Partition(InputPartition):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class BatchReader(DataSourceReader):
    """Reads each stream (a URL or a file) to its end: one partition each."""

    def __init__(self, options: Options) -> None:
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
                yield with_url(batch, partition.url)
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
