"""Type stubs for the sseflow_arrow extension module (see sseflow.arrow)."""

from collections.abc import Iterable, Iterator
from typing import Any, Literal, final

from typing_extensions import Buffer

__all__ = [
    "BatchParser",
    "RecordBatch",
    "Schema",
    "count_line_feeds",
    "count_line_feeds_in",
    "export_stream",
    "find_line_feeds",
]

@final
class Schema:
    """The schema of the batches: column names and Arrow types."""

    @property
    def names(self) -> list[str]: ...
    @property
    def json_schema(self) -> Schema | None: ...
    def __arrow_c_schema__(self) -> object: ...

@final
class RecordBatch:
    """A batch of events as Arrow columns, handed over through the PyCapsule interface."""

    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> list[str]: ...
    @property
    def schema(self) -> Schema: ...
    @property
    def nbytes(self) -> int: ...
    def __len__(self) -> int: ...
    def to_json_lines(self) -> bytes: ...
    def __arrow_c_schema__(self) -> object: ...
    def __arrow_c_array__(
        self, requested_schema: object | None = None
    ) -> tuple[object, object]: ...

@final
class BatchParser:
    """An incremental Server-Sent Events parser that hands out Arrow record batches."""

    def __new__(
        cls,
        *,
        batch_rows: int = 65536,
        batch_bytes: int = 1048576,
        offsets: bool = False,
        label: str | None = None,
        large_data: bool = False,
        json_schema: Literal["infer"] | Any | None = None,
        json_events: Iterable[str] | None = None,
        on_error: Literal["null", "raise"] = "null",
        infer_rows: int = 1000,
        json_scalars_to_strings: bool | None = None,
        max_line_size: int | None = None,
        max_event_size: int | None = None,
        last_event_id: str = "",
        default_event: str | None = "message",
        decode_threads: int = 0,
    ) -> BatchParser: ...
    def feed(self, data: Buffer) -> None: ...
    def parse(self, data: Buffer) -> list[RecordBatch]: ...
    def parse_from(
        self, chunks: Iterator[Buffer], /, *, wait: bool = False
    ) -> list[RecordBatch]: ...
    def flush(self) -> None: ...
    def wait(self) -> None: ...
    def may_wait(self, size: int) -> bool: ...
    def close(self) -> None: ...
    def batches(self) -> list[RecordBatch]: ...
    def events(self) -> list[RecordBatch]: ...
    def __iter__(self) -> Iterator[RecordBatch]: ...
    def __next__(self) -> RecordBatch: ...
    @property
    def schema(self) -> Schema | None: ...
    @property
    def in_flight(self) -> int: ...
    @property
    def pending_rows(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    @property
    def truncated(self) -> bool: ...
    @property
    def last_event_id(self) -> str: ...
    @property
    def retry(self) -> int | None: ...

def export_stream(iterator: Iterator[RecordBatch], schema: Schema) -> object:
    """An arrow_array_stream PyCapsule reading the batches of ``iterator``."""

def count_line_feeds(data: bytes) -> int:
    """The number of LFs in ``data``, counted with memchr (the benchmarks' floor)."""

def count_line_feeds_in(chunks: Iterable[Buffer]) -> int:
    """The number of LFs in the chunks of ``chunks``, pulled from Rust (a floor)."""

def find_line_feeds(data: bytes) -> int:
    """The number of LFs in ``data``, each found by a memchr search from past the last
    (the benchmarks' second floor: what finding the lines costs)."""
