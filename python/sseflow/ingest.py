"""``sseflow ingest``: event streams, recorded or live, into Parquet, Arrow or NDJSON files.

It lives outside :mod:`sseflow.arrow` so that ``sseflow --help`` works without the
native module of that package; the command says how to install it when it is missing.
"""

from __future__ import annotations

import argparse
import errno
import io
import logging
import os
import select
import shlex
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, TypeVar

from sseflow._interrupt import Interrupt

if TYPE_CHECKING:
    from sseflow import Event
    from sseflow.arrow import BatchParser, RecordBatch, Schema
    from sseflow.arrow._live import Cadence

__all__ = ["add_command", "run"]

T = TypeVar("T")

FORMATS = {".parquet": "Parquet", ".arrow": "Arrow IPC", ".ndjson": "NDJSON", ".jsonl": "NDJSON"}

DEFAULT_DECODE_THREADS = max(0, min(4, (os.cpu_count() or 1) - 1))
"""``--decode-threads``: a file's JSON is decoded on the CPUs the calling thread (framing,
writing) leaves, up to 4; that changes nothing in the batches, and holds at most one more
batch than threads in flight."""


def add_command(commands: Any) -> None:
    """Adds the ``ingest`` subcommand to the ``sseflow`` command line's subparsers."""
    command = commands.add_parser(
        "ingest",
        help="write event streams (files or live URLs) to a Parquet, Arrow or NDJSON file",
        description="Parse event streams into Arrow record batches (one row per event: event, "
        "data, id, retry, and the JSON data decoded into typed columns with --schema) and "
        "write them to OUT. FILEs are read in turn; then the URLs are followed live, all at "
        "once, reconnecting with Last-Event-ID like EventSource, until the server ends each "
        "(204), or Ctrl-C or SIGTERM, which end the file whole. Progress is shown on a "
        "terminal; a summary is printed at the end. Parquet and Arrow files need pyarrow "
        "(pip install 'sseflow[arrow]').",
    )
    command.add_argument(
        "sources",
        nargs="+",
        metavar="FILE|URL",
        help="'-' reads stdin; a FILE ending in .gz, .bz2 or .xz is read decompressed",
    )
    command.add_argument(
        "--to", required=True, metavar="OUT", help="the output: .parquet, .arrow or .ndjson"
    )
    command.add_argument(
        "--schema",
        metavar="infer|FILE",
        help="decode each event's data as JSON: 'infer' it from the first batch, or a JSON "
        "file mapping field names to types: pyarrow type names, objects of fields (structs) "
        'and one-item lists ({"id": "string", "n": "int64", "tags": ["string"]})',
    )
    command.add_argument(
        "--events",
        metavar="TYPE,...",
        help="decode only the data of events of these types (default: all)",
    )
    command.add_argument(
        "--on-error",
        choices=("null", "raise"),
        default="null",
        help="data that is not JSON or does not fit: a null row (default) or stop",
    )
    command.add_argument(
        "--batch-rows", type=int, default=65536, metavar="N", help="rows per batch"
    )
    command.add_argument(
        "--compression",
        choices=("zstd", "lz4", "snappy", "gzip", "brotli", "none"),
        help="how a Parquet or Arrow file's columns are compressed (Parquet: any, default "
        "snappy; Arrow: zstd, lz4 or none, the default)",
    )
    command.add_argument(
        "--roll",
        type=_duration,
        metavar="DURATION",
        help="start a new file every DURATION (30s, 15m, 1h, 1d), each OUT's name with "
        "the UTC time its first batch came (out-20261203T120000Z.parquet)",
    )
    command.add_argument(
        "--offsets", action="store_true", help="for FILEs: add each event's byte offset"
    )
    command.add_argument(
        "--decode-threads",
        type=int,
        default=DEFAULT_DECODE_THREADS,
        metavar="N",
        help="for files: threads decoding the JSON while the stream is framed "
        f"(default here: {DEFAULT_DECODE_THREADS}, one fewer than the CPUs, at most 4)",
    )
    command.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="a request header for URLs (repeatable)",
    )
    command.add_argument(
        "--max-retries",
        type=int,
        metavar="N",
        help="for URLs: give up after N failed reconnections in a row (default: never)",
    )
    command.add_argument(
        "--last-event-id",
        action="append",
        metavar="ID",
        help="for URLs: resume after this ID (once per URL, in their order; '' for none)",
    )
    command.add_argument(
        "--idle-timeout",
        type=float,
        metavar="SECONDS",
        help="for URLs: reconnect after this long without a byte (default: wait forever)",
    )
    command.add_argument(
        "--retry-statuses",
        action="store_true",
        help="for URLs: also reconnect after 429 and 5xx answers (honouring Retry-After)",
    )


def _duration(text: str) -> float:
    """Seconds, from ``--roll``'s ``30s``, ``15m``, ``1h`` or ``1d`` (at least a second)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = text[:-1], text[-1:].lower()
    try:
        seconds = float(number) * units[unit]
    except (KeyError, ValueError):
        raise argparse.ArgumentTypeError(
            f"a duration is a number and s, m, h or d (30s, 15m, 1h), got {text!r}"
        ) from None
    if not seconds >= 1:
        raise argparse.ArgumentTypeError(f"a duration is a second or more, got {text!r}")
    if seconds > MAX_ROLL:
        raise argparse.ArgumentTypeError(f"a duration is at most 366d, got {text!r}")
    return seconds


MAX_ROLL = 366 * 86400
"""The longest ``--roll``: a year, far below what the waits can be given."""


class Writer(Protocol):
    def write(self, batch: RecordBatch) -> None: ...
    def close(self) -> None: ...


class Unwritable(Exception):
    """The batches' schema is one the output format cannot hold."""


class CannotWrite(Exception):
    """The output file cannot be made."""


def _created(path: str, make: Callable[[], T]) -> T:
    try:
        return make()
    except OSError as error:
        raise CannotWrite(f"cannot write {path}: {error.strerror or error}") from error


def _empty_struct(name: str, kind: Any) -> str | None:
    """The path of the first struct with no fields in ``kind`` (a column ``name``), if any."""
    import pyarrow as pa

    if pa.types.is_struct(kind):
        if kind.num_fields == 0:
            return name
        found = (_empty_struct(f"{name}.{field.name}", field.type) for field in kind)
        return next((path for path in found if path is not None), None)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _empty_struct(f"{name}[]", kind.value_type)
    return None


GATHERED_BYTES = 16 << 20
"""The most memory the batches gathered for one Parquet row group or IPC batch hold."""


class _Pyarrow:
    """A Parquet or Arrow IPC file, written through pyarrow.

    Batches are gathered and written together, as one Parquet row group or IPC batch,
    once they hold ``rows`` rows (``--batch-rows``; never more) or :data:`GATHERED_BYTES`,
    or at the end: a live stream's batches are cut every second, and a row group for each
    would make a day's file 86,400 row groups of a few rows, mostly metadata. (A
    Parquet or IPC file is read only once closed, so nothing comes later for it.)

    Each batch has dictionaries of its own (``event``, ``id``, ``stream``), which
    Parquet takes; an IPC file holds one dictionary per column for the whole file, so
    there those columns are written as plain strings (a dictionary unified across the
    file would hold every ID of the stream in memory)."""

    def __init__(
        self, path: str, schema: Schema, parquet: bool, rows: int, compression: str | None
    ) -> None:
        import pyarrow as pa

        self._pa = pa
        self._parquet = parquet
        self._rows = rows
        self._gathered: list[Any] = []
        self._gathered_rows = 0
        self._gathered_bytes = 0
        target = pa.schema(schema)
        self._cast: Any = None
        if parquet:
            import pyarrow.parquet as pq

            for field in target:
                empty = _empty_struct(field.name, field.type)
                if empty is not None:
                    raise Unwritable(
                        f"{path}: Parquet cannot hold a struct with no fields, as {empty} is "
                        "(--schema infer gives one when the first batch holds no JSON object "
                        "there, a schema FILE where it has {}): give --schema FILE with fields "
                        "there, or write .arrow or .ndjson"
                    )
            codec = {} if compression is None else {"compression": compression}
            self._writer: Any = _created(path, lambda: pq.ParquetWriter(path, target, **codec))
        else:
            plain = [
                field.with_type(field.type.value_type)
                if pa.types.is_dictionary(field.type)
                else field
                for field in target
            ]
            self._cast = pa.schema(plain, metadata=target.metadata)
            ipc_codec = None if compression in (None, "none") else compression
            options = pa.ipc.IpcWriteOptions(compression=ipc_codec)
            self._writer = _created(
                path, lambda: pa.ipc.new_file(path, self._cast, options=options)
            )

    def write(self, batch: RecordBatch) -> None:
        arrays = self._pa.record_batch(batch)
        if self._cast is not None:
            arrays = arrays.cast(self._cast)
        if self._gathered_rows + arrays.num_rows > self._rows:
            self._write_gathered()  # so that no row group holds more than ``rows``
        self._gathered.append(arrays)
        self._gathered_rows += arrays.num_rows
        self._gathered_bytes += arrays.nbytes
        if self._gathered_rows >= self._rows or self._gathered_bytes >= GATHERED_BYTES:
            self._write_gathered()

    def _write_gathered(self) -> None:
        if not self._gathered:
            return
        if self._parquet:
            table = self._pa.Table.from_batches(self._gathered)
            self._writer.write_table(table, row_group_size=max(1, table.num_rows))
        else:
            self._writer.write_batch(self._pa.concat_batches(self._gathered))
        self._gathered, self._gathered_rows, self._gathered_bytes = [], 0, 0

    def close(self) -> None:
        self._write_gathered()
        self._writer.close()


class _JsonLines:
    """An NDJSON file: one object per event, written natively (no pyarrow needed)."""

    def __init__(self, path: str) -> None:
        self._file: IO[bytes] = _created(path, lambda: open(path, "wb"))  # noqa: SIM115

    def write(self, batch: RecordBatch) -> None:
        self._file.write(batch.to_json_lines())
        # Whole lines reach the file batch by batch, for a reader following it.
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def _writer(path: str, schema: Schema, rows: int, compression: str | None) -> Writer:
    """The file at ``path``; a Parquet or Arrow one gathers batches into ``rows`` rows."""
    suffix = Path(path).suffix.lower()
    if suffix in (".ndjson", ".jsonl"):
        return _JsonLines(path)
    return _Pyarrow(path, schema, parquet=suffix == ".parquet", rows=rows, compression=compression)


ARROW_COMPRESSIONS = ("zstd", "lz4", "none")
"""What an Arrow IPC file may be compressed with (its format's codecs)."""


class _Output:
    """Where the batches go: the file OUT, or with ``--roll`` a file per period, each
    closed whole when the next begins. A rolled file is named after OUT, with the UTC
    time its first batch came (and ``_2``, ``_3`` when a file of that name exists, which
    sort after it), so that a run resumed later adds files beside those of the last one."""

    def __init__(
        self, path: str, rows: int, roll: float | None, compression: str | None = None
    ) -> None:
        self._path = Path(path)
        self._rows = rows
        self._roll = roll
        self._compression = compression
        self._writer: Writer | None = None
        self._opened = 0.0
        self.names: list[str] = []

    def write(self, batch: RecordBatch) -> None:
        self.tick()
        if self._writer is None:
            self._open(batch.schema)
        assert self._writer is not None
        with self._writing():
            self._writer.write(batch)

    def wait(self) -> float | None:
        """Seconds until the open file is due to be closed, if rolling."""
        if self._roll is None or self._writer is None:
            return None
        return max(0.0, self._opened + self._roll - time.monotonic())

    def tick(self) -> None:
        """Closes the open file once its period is over: the next batch opens one."""
        if self.wait() == 0.0:
            self.close()

    def ensure(self, schema: Schema) -> None:
        """A file, with no rows, when no batch came."""
        if not self.names:
            self._open(schema)

    def close(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            with self._writing():
                writer.close()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A failed write (a full disk) named as the output's, not as a read's."""
        try:
            yield
        except OSError as error:
            name = self.names[-1] if self.names else str(self._path)
            raise CannotWrite(f"cannot write {name}: {error.strerror or error}") from error

    def describe(self) -> str | None:
        """The files written, for the summary; None if none was made."""
        if not self.names:
            return None
        if len(self.names) == 1:
            return self.names[0]
        return f"{len(self.names)} files, {self.names[0]} to {self.names[-1]}"

    def _open(self, schema: Schema) -> None:
        name = str(self._path) if self._roll is None else self._rolled_name()
        self._writer = _writer(name, schema, self._rows, self._compression)
        self._opened = time.monotonic()
        self.names.append(name)

    def _rolled_name(self) -> str:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        stem, suffix = self._path.stem, self._path.suffix
        name, count = self._path.with_name(f"{stem}-{stamp}{suffix}"), 1
        while name.exists() or str(name) in self.names:
            count += 1
            name = self._path.with_name(f"{stem}-{stamp}_{count}{suffix}")
        return str(name)


def _rate(events: int, seconds: float) -> str:
    """Events per second, to a tenth under 10 (a slow live stream's 0.4 is not 0)."""
    rate = events / max(seconds, 1e-9)
    return f"{rate:,.0f}" if rate >= 10 else f"{rate:.1f}"


class _Progress:
    """Events, megabytes and events per second on stderr, when it is a terminal."""

    def __init__(self) -> None:
        self.events = 0
        self.batches = 0
        self.bytes = 0
        self.start = time.monotonic()
        self._shown = 0.0
        self._live = sys.stderr.isatty()

    def add(self, batch: RecordBatch, data_bytes: int) -> None:
        self.events += batch.num_rows
        self.batches += 1
        self.bytes = data_bytes
        now = time.monotonic()
        if self._live and now - self._shown >= 0.2:
            self._shown = now
            print(f"\r{self._line(now)}", end="", file=sys.stderr, flush=True)

    def _line(self, now: float) -> str:
        seconds = max(now - self.start, 1e-9)
        return (
            f"{self.events:,} events, {self.bytes / 1e6:,.1f} MB, "
            f"{_rate(self.events, seconds)} events/s"
        )

    def summary(self, out: str | None) -> str:
        """The last word on the run; ``out`` names the files written (None: none was)."""
        if self._live:
            print("\r\033[K", end="", file=sys.stderr)
        seconds = time.monotonic() - self.start
        read = f"{self.bytes / 1e6:,.1f} MB read in {seconds:.2f} s"
        if out is None:
            return f"sseflow: wrote no file ({read})"
        return (
            f"sseflow: wrote {self.events:,} event{'' if self.events == 1 else 's'} in "
            f"{self.batches:,} batch{'' if self.batches == 1 else 'es'} to {out} "
            f"({read}, {_rate(self.events, seconds)} events/s)"
        )


INTERRUPT = Interrupt()
"""Ctrl-C and SIGTERM: a batch being written, or an event being parsed, is finished
first, so the file is whole and holds every event read before the signal."""


class _Counted:
    """A binary file whose bytes read are counted, for the progress line."""

    def __init__(self, file: IO[bytes] | _Decompressed) -> None:
        self._read = getattr(file, "read1", None) or file.read
        self.fileno = file.fileno  # tells sseflow.arrow whether it is a regular file
        self.on_read: _Source | None = None

    def read(self, size: int = -1, /) -> bytes:
        chunk: bytes = INTERRUPT.read(lambda: self._read(size))
        if self.on_read is not None:
            self.on_read.read += len(chunk)
        return chunk


def _parser_options(args: argparse.Namespace, label: str | None) -> dict[str, Any]:
    options: dict[str, Any] = {"batch_rows": args.batch_rows, "offsets": args.offsets}
    if label is not None:
        options["label"] = label
    if args.json_schema is not None:
        options["json_schema"] = args.json_schema
        options["json_scalars_to_strings"] = args.json_scalars_to_strings
        options["on_error"] = args.on_error
        if args.events:
            options["json_events"] = args.events.split(",")
        options["decode_threads"] = args.decode_threads
    return options


class _Source:
    """One stream being ingested: its parser and its batches, with the bytes read so far."""

    def __init__(self, parser: BatchParser, batches: Iterator[RecordBatch]) -> None:
        self.parser = parser
        self.batches = batches
        self.read = 0
        self.decompressed: _Decompressed | None = None

    @property
    def damage(self) -> str | None:
        """Why a compressed file's bytes ended early, if they did."""
        return None if self.decompressed is None else self.decompressed.damage

    def finish(self) -> Iterator[RecordBatch]:
        """After an interruption: the events parsed so far, in a last batch."""
        close = getattr(self.batches, "close", None)
        if close is not None:
            close()
        self.parser.close()
        return iter(self.parser)


COMPRESSED = {".gz": "gzip", ".bz2": "bz2", ".xz": "lzma"}
"""A file whose name ends so is read through that standard-library module."""


def _open(source: str, stack: ExitStack) -> IO[bytes] | _Decompressed:
    """The file's bytes, decompressed when its name ends in .gz, .bz2 or .xz."""
    if source == "-":
        if sys.stdin is None:
            raise OSError(errno.EBADF, "standard input is closed", "-")
        return sys.stdin.buffer
    module = COMPRESSED.get(Path(source).suffix.lower())
    if module is None:
        # A named pipe's open waits for a writer: a signal stops the wait.
        return stack.enter_context(INTERRUPT.read(lambda: open(source, "rb")))
    import importlib

    library = importlib.import_module(module)
    opened: IO[bytes] = library.open(source, "rb")
    # What reading a damaged file raises: EOFError when it is cut short, else
    # OSError (gzip, bz2), zlib.error or lzma.LZMAError.
    errors: tuple[type[Exception], ...] = (EOFError, OSError)
    if module == "gzip":
        import zlib

        errors += (zlib.error,)
    elif module == "lzma":
        errors += (library.LZMAError,)
    return _Decompressed(stack.enter_context(opened), source, errors)


class _Decompressed:
    """A compressed file's bytes, which end where the file turns out damaged (cut
    short, or not of its format): the events before are kept, and ``damage`` says why."""

    def __init__(self, file: IO[bytes], name: str, errors: tuple[type[Exception], ...]) -> None:
        # One read of the compressed file at a time (read1): a read of several
        # would lose the bytes it decompressed before the damage.
        self._read = getattr(file, "read1", file.read)
        self._name = name
        self._errors = errors
        self.fileno = file.fileno
        self.damage: str | None = None

    def read(self, size: int = -1, /) -> bytes:
        if self.damage is not None:
            return b""
        try:
            chunk: bytes = self._read(size)
        except self._errors as error:
            reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
            self.damage = f"cannot decompress {self._name}: {reason}"
            return b""
        return chunk


def _file_source(source: str, options: dict[str, Any], stack: ExitStack) -> _Source:
    from sseflow.arrow import BatchParser, iter_batches

    file = _open(source, stack)
    if not isinstance(file, _Decompressed) and _is_live(file):
        parser = BatchParser(**options)
        ingested = _Source(parser, iter(()))
        ingested.batches = _pipe_batches(file.fileno(), parser, ingested)
        return ingested
    counted = _Counted(file)
    stream = iter_batches(counted, **options)
    ingested = _Source(stream.parser, stream)
    counted.on_read = ingested
    if isinstance(file, _Decompressed):
        ingested.decompressed = file
    return ingested


def _is_live(file: IO[bytes]) -> bool:
    """Whether ``file`` (not decompressed) is a pipe, a socket or a terminal, read as it is
    written, as ``producer | sseflow ingest -`` is: its rows are cut by time too."""
    if os.name != "posix" or not isinstance(file, io.BufferedReader):
        return False
    mode = os.fstat(file.fileno()).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)


def _pipe_batches(fd: int, parser: BatchParser, ingested: _Source) -> Iterator[RecordBatch]:
    """The batches of a pipe's stream (`select` waits for its next bytes while rows wait)."""
    from sseflow.arrow._live import Cadence
    from sseflow.stream import DEFAULT_CHUNK_SIZE

    cadence = Cadence(parser)
    while True:
        if INTERRUPT.read(partial(select.select, [fd], [], [], cadence.wait()))[0]:
            chunk = INTERRUPT.read(partial(os.read, fd, DEFAULT_CHUNK_SIZE))
            if not chunk:
                break
            ingested.read += len(chunk)
            parser.feed(chunk)
        yield from cadence.cut()
    parser.close()
    yield from parser


class _Followed:
    """A URL followed with the others: its parser, made at its first event (by then the
    type to decode into is known, when another URL infers it), the bytes its events came
    to, and how it ended."""

    def __init__(self, url: str, last_event_id: str = "") -> None:
        self.url = url
        self.parser: BatchParser | None = None
        self._cadence: Cadence | None = None
        self.read = 0
        self.ended = False
        self.failed: Exception | None = None
        self.interrupted = False
        #: The ID to resume after: the last event ID of the last event fed (and so
        #: written), not the reader's, which may have read further.
        self.last_event_id = last_event_id

    def feed(self, events: list[Event], options: Callable[[], dict[str, Any]]) -> None:
        """Writes ``events`` back to the wire format and parses them into rows, in one chunk."""
        from sseflow.arrow import BatchParser
        from sseflow.arrow._live import Cadence, wire

        if self.parser is None:
            # A live stream comes slower than one thread decodes it.
            self.parser = BatchParser(**{**options(), "decode_threads": 0})
            self._cadence = Cadence(self.parser)
        chunk = wire(events)
        self.read += len(chunk)
        self.parser.feed(chunk)
        self.last_event_id = events[-1].id

    def wait(self) -> float | None:
        """How long until its rows are due, if some wait (``Cadence.wait``)."""
        return None if self._cadence is None or self.ended else self._cadence.wait()

    def batches(self) -> Iterator[RecordBatch]:
        """The batches ready, its due rows cut; once it has ended, the rest."""
        if self.parser is None:
            return iter(())
        if self.ended or self._cadence is None:
            return iter(self.parser)
        return self._cadence.cut()

    def end(self, failed: Exception | None = None) -> None:
        self.ended = True
        self.failed = failed
        if self.parser is not None:
            self.parser.close()


def _takeable(followed: list[_Followed], args: argparse.Namespace) -> list[int]:
    """The URLs whose events may be fed now: all that go on, except that while the type
    is still to be inferred, only the one inferring it once one has begun (the others'
    events wait, to be decoded into the type its first batch infers)."""
    going = [index for index, url in enumerate(followed) if not url.ended]
    if args.json_schema != "infer":
        return going
    return [index for index in going if followed[index].parser is not None] or going


def _source_options(args: argparse.Namespace) -> dict[str, Any]:
    """The ``EventSource`` options of every URL, from the command line."""
    from sseflow.cli import _headers

    return {
        "headers": _headers(args.header, args.command_parser),
        "max_retries": args.max_retries,
        "idle_timeout": args.idle_timeout,
        "retry_statuses": args.retry_statuses,
    }


def _follow(
    followed: list[_Followed],
    args: argparse.Namespace,
    options: Callable[[str], dict[str, Any]],
    emit: Callable[[RecordBatch, int], None],
    output: _Output,
) -> None:
    """Follows every URL at once, each by ``EventSource`` (reconnecting) on a thread of
    its own, until each ends (204) or fails; each batch is handed to ``emit`` with the
    bytes the URLs' events came to so far. A URL's rows are cut by time too (``Cadence``),
    and ``output`` is woken when a rolled file is due to be closed.
    Reconnections are reported on stderr, as ``sseflow listen`` reports them."""
    from sseflow import EventSource
    from sseflow._arrivals import Ended, Together
    from sseflow.arrow._live import TURN
    from sseflow.errors import ConnectionFailed, RetriesExhausted

    sources = [
        EventSource(url.url, last_event_id=url.last_event_id, **_source_options(args))
        for url in followed
    ]

    def hand_over() -> None:
        for url in followed:
            for batch in url.batches():
                emit(batch, sum(each.read for each in followed))

    with closing(Together(sources)) as together, _reconnections_reported():
        try:
            while not all(url.ended for url in followed):
                output.tick()
                waits = [wait for url in followed if (wait := url.wait()) is not None]
                if (closing_in := output.wait()) is not None:
                    waits.append(closing_in)
                among = _takeable(followed, args)
                INTERRUPT.read(partial(together.wait, among, min(waits, default=None)))
                for index in among:
                    if index not in _takeable(followed, args):
                        continue  # another URL began inferring the type meanwhile
                    url = followed[index]
                    events: list[Event] = []
                    ended, failed = False, None
                    try:
                        while len(events) < TURN:
                            event = together.arrivals[index].take()
                            if event is None:
                                break
                            if isinstance(event, Ended):
                                ended = True
                                break
                            events.append(event)
                    except (ConnectionFailed, RetriesExhausted) as error:
                        ended, failed = True, error
                    if events:
                        url.feed(events, partial(options, url.url))
                    if ended:
                        url.end(failed)
                        if failed is not None and len(followed) > 1:
                            # Named at once too: the others may go on for days.
                            _notice(f"{url.url}: {failed}; the other URLs go on")
                hand_over()
        except KeyboardInterrupt:
            for url in followed:
                if not url.ended:
                    url.interrupted = True
                    url.end()
            hand_over()
            raise


class _Notices(logging.StreamHandler):  # type: ignore[type-arg]
    """Warnings on stderr, over the progress line on a terminal (redrawn at the next
    batch). Errors are left out: a failed URL is named once, at the end."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno == logging.WARNING

    def format(self, record: logging.LogRecord) -> str:
        return _over_progress(f"sseflow: {record.getMessage()}")


def _over_progress(line: str) -> str:
    """``line``, clearing the progress line first on a terminal."""
    return f"\r\033[K{line}" if sys.stderr.isatty() else line


def _notice(message: str) -> None:
    print(_over_progress(f"sseflow: {message}"), file=sys.stderr, flush=True)


@contextmanager
def _reconnections_reported() -> Iterator[None]:
    """``EventSource``'s warnings (each reconnection, why and when) on stderr meanwhile."""
    logger = logging.getLogger("sseflow.eventsource")
    handler = _Notices(sys.stderr)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _failures(followed: list[_Followed], many: bool) -> list[str]:
    """How each URL that failed failed, named when the command read more than one source."""
    return [
        f"{url.url}: {url.failed}" if many else str(url.failed)
        for url in followed
        if url.failed is not None
    ]


def _resumes(followed: list[_Followed]) -> list[str]:
    """What resumes the URLs that the interrupt or a failure stopped: each one's last
    event ID, as ``--last-event-id``, when there is one to give."""
    stopped = [url for url in followed if url.interrupted or url.failed is not None]
    if not any(url.last_event_id for url in stopped):
        return []
    if len(followed) == 1:
        [url] = followed
        return [f"{url.url}: resume after the last event written with {_resume_option(url)}"]
    # With several URLs every one needs its option, in their order.
    options = " ".join(_resume_option(url) for url in followed)
    return [f"resume the URLs after the last events written with {options}"]


def _resume_option(url: _Followed) -> str:
    return f"--last-event-id {shlex.quote(url.last_event_id)}"


def _is_url(source: str) -> bool:
    """Whether ``source`` is a URL to follow (its scheme in any case, as URLs allow)."""
    return source.lower().startswith(("http://", "https://"))


def run(args: argparse.Namespace, command_parser: argparse.ArgumentParser) -> int:
    """Runs ``sseflow ingest``; returns the exit status."""
    suffix = Path(args.to).suffix.lower()
    if suffix not in FORMATS:
        formats = ".parquet, .arrow or .ndjson (or .jsonl)"
        command_parser.error(f"--to must end in {formats}, got {args.to!r}")
    if args.decode_threads < 0:
        command_parser.error(f"--decode-threads must be 0 or more, got {args.decode_threads}")
    folder = Path(args.to).parent
    if not folder.is_dir():
        # Checked before any stream is read: the file is made at the first batch.
        command_parser.error(f"--to {args.to}: there is no directory {str(folder)!r}")
    if args.compression is not None and suffix not in (".parquet", ".arrow"):
        command_parser.error("--compression is for .parquet and .arrow files")
    if suffix == ".arrow" and args.compression not in (None, *ARROW_COMPRESSIONS):
        command_parser.error(
            f"--compression {args.compression}: an Arrow file takes zstd, lz4 or none"
        )
    if args.batch_rows < 1:
        command_parser.error(f"--batch-rows must be 1 or more, got {args.batch_rows}")
    if args.max_retries is not None and args.max_retries < 0:
        command_parser.error(f"--max-retries must be 0 or more, got {args.max_retries}")
    urls = [name for name in args.sources if _is_url(name)]
    if args.last_event_id is not None and len(args.last_event_id) != len(urls):
        command_parser.error(
            f"--last-event-id is given once for each URL, in their order: "
            f"{len(urls)} URL{'' if len(urls) == 1 else 's'}, "
            f"{len(args.last_event_id)} given"
        )
    args.command_parser = command_parser
    if urls and args.offsets:
        # A URL's events come over several connections, and are parsed again from
        # their wire format (see _Followed.feed): there is no one stream to count in.
        command_parser.error("--offsets is for FILEs: a URL's events come over several connections")
    if urls:
        _check_url_options(urls, args)
    if args.schema is None and (args.events is not None or args.on_error != "null"):
        # They say how the JSON is decoded, which only --schema asks for.
        given = "--events" if args.events is not None else "--on-error"
        command_parser.error(f"{given} is about decoding the data as JSON: give --schema too")
    try:
        import sseflow.arrow  # noqa: F401
    except ImportError as error:
        print(f"sseflow: {error}", file=sys.stderr)
        return 2
    if suffix in (".parquet", ".arrow") or args.schema not in (None, "infer"):
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            what = f"writing {FORMATS[suffix]} files" if suffix != ".ndjson" else "--schema FILE"
            print(f"sseflow: {what} needs pyarrow: pip install 'sseflow[arrow]'", file=sys.stderr)
            return 2
    args.json_scalars_to_strings = None  # as BatchParser: with an inferred type only
    if args.schema in (None, "infer"):
        args.json_schema = args.schema
    else:
        from sseflow import schema_file

        try:
            args.json_schema = schema_file.read(args.schema)
        except schema_file.SchemaFileError as error:
            command_parser.error(f"--schema {error}")
    _check_parser_options(args, command_parser)
    from sseflow.arrow import JSONDataError
    from sseflow.errors import ConnectionFailed, RetriesExhausted

    try:
        with INTERRUPT:
            return _ingest(args)
    except (ConnectionFailed, RetriesExhausted, JSONDataError, Unwritable) as error:
        print(f"sseflow: {error}", file=sys.stderr)
        return 1
    except CannotWrite as error:
        print(f"sseflow: {error}", file=sys.stderr)
        return 2


def _check_parser_options(
    args: argparse.Namespace, command_parser: argparse.ArgumentParser
) -> None:
    """Makes options the batch parser refuses (a schema type the JSON decoder cannot
    fill, a count out of its range) a usage error before any stream is read."""
    from sseflow.arrow import BatchParser

    try:
        BatchParser(**_parser_options(args, None))
    except (TypeError, ValueError) as error:
        message = str(error)
        for name in ("batch_rows", "decode_threads"):
            message = message.replace(name, "--" + name.replace("_", "-"))
        if args.schema not in (None, "infer"):
            message = message.replace("json_schema", "--schema")
        command_parser.error(message)


def _check_url_options(urls: list[str], args: argparse.Namespace) -> None:
    """Makes a bad URL, header, ID or timeout a usage error before any stream is read, as
    ``EventSource`` would refuse it later (its message, with the options' names)."""
    from sseflow import EventSource

    ids = args.last_event_id or [""] * len(urls)
    for url, last_id in zip(urls, ids, strict=True):
        try:
            EventSource(url, last_event_id=last_id, **_source_options(args)).close()
        except (TypeError, ValueError) as error:
            message = str(error)
            for name in ("last_event_id", "idle_timeout", "max_retries"):
                message = message.replace(name, "--" + name.replace("_", "-"))
            args.command_parser.error(message)


def _ingest(args: argparse.Namespace) -> int:
    from sseflow.arrow import BatchParser

    progress = _Progress()
    output = _Output(args.to, args.batch_rows, args.roll, args.compression)
    truncated: list[str] = []
    damaged: list[str] = []
    failed: list[str] = []
    many = len(args.sources) > 1

    def write(batch: RecordBatch, read: int) -> None:
        if many and args.json_schema == "infer":
            # The next sources decode into the type the first one inferred, as it
            # does (numbers and booleans fill its string fields).
            args.json_schema = batch.schema.json_schema
            args.json_scalars_to_strings = True
        output.write(batch)
        progress.add(batch, read)

    with ExitStack() as stack:
        stack.callback(output.close)
        read_before = 0
        # The files (and pipes) one after the other, then the URLs all at once.
        urls = [name for name in args.sources if _is_url(name)]
        for name in (name for name in args.sources if name not in urls):
            try:
                source = _file_source(name, _parser_options(args, name if many else None), stack)
            except KeyboardInterrupt:
                output.close()
                print(progress.summary(output.describe()), file=sys.stderr)
                return INTERRUPT.status
            try:
                for batch in source.batches:
                    write(batch, read_before + source.read)
                    INTERRUPT.check()
            except KeyboardInterrupt:
                for batch in source.finish():
                    write(batch, read_before + source.read)
                progress.bytes = read_before + source.read
                output.close()
                print(progress.summary(output.describe()), file=sys.stderr)
                return INTERRUPT.status
            read_before += source.read
            progress.bytes = read_before  # with no batch since the last, or none at all
            if source.damage is not None:
                damaged.append(source.damage)
            elif source.parser.truncated:
                truncated.append(name)
        ids = args.last_event_id or [""] * len(urls)
        followed = [_Followed(url, last_id) for url, last_id in zip(urls, ids, strict=True)]
        if urls:
            try:
                _follow(
                    followed,
                    args,
                    lambda url: _parser_options(args, url if many else None),
                    lambda batch, read: write(batch, read_before + read),
                    output,
                )
            except KeyboardInterrupt:
                output.close()
                print(progress.summary(output.describe()), file=sys.stderr)
                for message in _failures(followed, many) + _resumes(followed):
                    print(f"sseflow: {message}", file=sys.stderr)
                return INTERRUPT.status
            progress.bytes = read_before + sum(url.read for url in followed)
            failed = _failures(followed, many)
            for url in followed:
                if url.failed is None and url.parser is not None and url.parser.truncated:
                    truncated.append(url.url)
        failed = damaged + failed
        if not output.names and not failed:
            empty = BatchParser(**_parser_options(args, args.sources[0] if many else None))
            empty.close()
            schema = empty.schema
            assert schema is not None  # known once closed
            output.ensure(schema)
    print(progress.summary(output.describe()), file=sys.stderr)
    for name in truncated:
        print(f"sseflow: {name} ended in the middle of an event", file=sys.stderr)
    for message in failed + _resumes(followed):
        print(f"sseflow: {message}", file=sys.stderr)
    return 1 if failed else 0
