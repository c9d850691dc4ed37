"""``BatchParser.parse_from``: the parser pulls its chunks, with what one ``parse()`` a chunk gives.

``iter_batches`` reads an iterable of chunks or a binary file with ``parse_from``;
before, it ran ``sseflow.iter_events`` with the BatchParser as its parser, one
``parse()`` call a chunk. That path is kept here as the oracle (``per_chunk``): on
drawn streams (JSON data good and bad, SSE-shaped bytes, truncated ends), random
chunkings with empty and one-byte chunks of every buffer type, limits, schemas
given and inferred, both error policies, with and without decoding threads, from
recorded and live sources, both give the same batches, column by column, then the
same error at the same place, and leave the parser in the same state. Then what
the source does: raising, giving a wrong type, text from a file, being left
early; files read with ``read1`` or ``read``; signal handlers run during the loop.
"""

from __future__ import annotations

import array
import doctest
import io
import itertools
import signal
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pyarrow as pa
import pytest
from arrow_rows import rows
from hypothesis import event, given
from hypothesis import strategies as st
from test_arrow_json import DATA, SCHEMA
from test_arrow_threads import HEADS, stream_of, ticks_during
from test_differential import line
from test_feed_types import byte_buffers

import sseflow
from sseflow import LimitExceeded, StreamTruncated
from sseflow.arrow import BatchParser, JSONDataError, RecordBatch, iter_batches
from sseflow.arrow._stream import _factory
from sseflow.stream import DEFAULT_CHUNK_SIZE


def per_chunk(
    source: Any,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    raise_on_truncated: bool = False,
    **options: Any,
) -> tuple[Iterator[RecordBatch], BatchParser]:
    """What ``iter_batches`` did before ``parse_from``: ``iter_events`` with the parser."""
    parser, factory = _factory(options, source)
    batches = sseflow.iter_events(
        source,
        chunk_size=chunk_size,
        raise_on_truncated=raise_on_truncated,
        parser_factory=factory,
    )
    return iter(batches), parser  # type: ignore[arg-type]


def pulled(source: Any, **options: Any) -> tuple[Iterator[RecordBatch], BatchParser]:
    stream = iter_batches(source, **options)
    return stream, stream.parser


def described(error: BaseException) -> tuple[object, ...]:
    """An error as the comparison sees it: type, message, cause, and a JSON error's fields."""
    cause = error.__cause__
    fields = tuple(getattr(error, name, None) for name in ("index", "event", "id", "limit", "size"))
    return (type(error), str(error), type(cause), str(cause), fields)


def outcome(batches: Iterator[RecordBatch], parser: BatchParser) -> list[object]:
    """Every batch handed out (as pyarrow batches), then the error, then the parser's state."""
    log: list[object] = []
    try:
        for batch in batches:
            log.append(pa.record_batch(batch))
    except (LimitExceeded, JSONDataError, StreamTruncated, TypeError, ValueError) as error:
        log.append(described(error))
    log.append((parser.last_event_id, parser.retry, parser.truncated, parser.closed))
    return log


def live(chunks: Iterable[Any]) -> Iterator[Any]:
    """The chunks from a generator: a source that is not recorded."""
    yield from chunks


TYPES: tuple[Callable[[bytes], Any], ...] = (bytes, bytearray, memoryview)
SOURCES: tuple[Callable[[list[Any]], Iterable[Any]], ...] = (list, tuple, live)
"""Recorded sources (read on while threads decode) and a live one (waited for)."""


@st.composite
def chunkings(draw: st.DrawFn, stream: bytes) -> list[Any]:
    """``stream`` cut at random points, or into single bytes, with empty chunks put in, each
    chunk of a random buffer type."""
    if draw(st.booleans()):
        points = sorted(draw(st.lists(st.integers(0, len(stream)), max_size=8)))
        pieces = [stream[a:b] for a, b in itertools.pairwise([0, *points, len(stream)])]
    else:
        pieces = [stream[i : i + 1] for i in range(len(stream))]
    for at in draw(st.lists(st.integers(0, len(pieces)), max_size=3)):
        pieces.insert(at, b"")
    return [draw(st.sampled_from(TYPES))(piece) for piece in pieces]


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    """Events whose data is JSON (good and bad), SSE-shaped bytes, and an end cut or not."""
    events = stream_of(draw(st.lists(st.tuples(HEADS, DATA), max_size=10)))
    noise = b"".join(draw(st.lists(line, max_size=6)))
    pieces = [events, noise] if draw(st.booleans()) else [noise, events]
    return b"".join(pieces) + draw(st.sampled_from([b"", b"data: cut", b"data: {\n", b"\r"]))


OPTIONS = st.fixed_dictionaries(
    {
        "batch_rows": st.integers(1, 5),
        "max_line_size": st.none() | st.integers(0, 60),
        "max_event_size": st.none() | st.integers(0, 120),
        "json_schema": st.sampled_from([None, SCHEMA, "infer"]),
        "on_error": st.sampled_from(["null", "raise"]),
        "raise_on_truncated": st.booleans(),
        "offsets": st.booleans(),
    }
)


@given(data=st.data(), stream=streams(), options=OPTIONS, threads=st.sampled_from([0, 0, 1]))
def test_the_pulled_batches_are_those_of_one_parse_a_chunk(
    data: st.DataObject, stream: bytes, options: dict[str, Any], threads: int
) -> None:
    chunks = data.draw(chunkings(stream))
    source = data.draw(st.sampled_from(SOURCES))
    threaded = dict(options)
    if options["json_schema"] is not None and threads:
        threaded["decode_threads"] = threads
        if options["on_error"] == "raise":
            # A thread's JSON error comes from a later call: a limit error met meanwhile,
            # further on in the stream, would come first.
            options.update(max_line_size=None, max_event_size=None)
            threaded.update(max_line_size=None, max_event_size=None)
    # The oracle decodes in its calls: with threads, when a limit error or close() comes,
    # iter_events hands out the batches decoded by then, the pulled path all before it.
    want = outcome(*per_chunk(source(chunks), **options))
    got = outcome(*pulled(source(chunks), **threaded))
    errors = [item[0].__name__ for item in got[:-1] if isinstance(item, tuple)]
    if threads and errors == ["JSONDataError"]:
        # A thread meets the error while framing goes on: the parser's state after it (how
        # far it read, whether close() ended the stream) is not the oracle's.
        got, want = got[:-1], want[:-1]
    assert got == want
    event(f"ends with {errors[0] if errors else 'no error'}")


@given(stream=streams(), options=OPTIONS, chunk_size=st.integers(1, 40))
def test_a_file_gives_the_batches_of_one_parse_a_read(
    stream: bytes, options: dict[str, Any], chunk_size: int
) -> None:
    want = outcome(*per_chunk(io.BytesIO(stream), chunk_size=chunk_size, **options))
    assert outcome(*pulled(io.BytesIO(stream), chunk_size=chunk_size, **options)) == want


def numbered(count: int, start: int = 0) -> bytes:
    return b"".join(sseflow.encode(f'{{"i": {n}}}', id=str(n)) for n in range(start, count))


class SourceFailed(Exception):
    pass


def test_the_sources_error_comes_out_unchanged_after_the_batches_before_it() -> None:
    raised = SourceFailed("the connection dropped")
    pulled_chunks = 0

    def failing() -> Iterator[bytes]:
        nonlocal pulled_chunks
        for chunk in (numbered(3), b"", numbered(5, 3) + b"data: cut"):
            pulled_chunks += 1
            yield chunk
        raise raised

    stream = iter_batches(failing(), batch_rows=2)
    handed: list[int] = []
    with pytest.raises(SourceFailed) as caught:
        handed.extend(batch.num_rows for batch in stream)
    assert caught.value is raised
    assert (handed, pulled_chunks) == ([2, 2], 3)  # the fifth event waits in the parser
    assert (stream.parser.pending_rows, stream.parser.closed) == (1, False)
    assert stream.parser.last_event_id == "4"


def test_a_chunk_of_the_wrong_type_is_refused_as_feed_refuses_it() -> None:
    for bad in ("data: x\n\n", 42, None, [b"data: x\n\n"]):
        chunks = [numbered(2), bad, numbered(4, 2)]
        want = outcome(*per_chunk(chunks, batch_rows=1))
        got = outcome(*pulled(chunks, batch_rows=1))
        assert got == want
        assert len(got) == 4  # two batches, the TypeError, the state
        error = got[2]
        assert isinstance(error, tuple)
        assert error[0] is TypeError
        assert str(error[1]).startswith("feed() expects a bytes-like object")


def test_text_from_a_file_is_refused_with_the_hint(tmp_path: Path) -> None:
    path = tmp_path / "events.sse"
    path.write_bytes(numbered(3))
    with path.open(encoding="utf-8") as text:
        want = outcome(*per_chunk(text))
    with path.open(encoding="utf-8") as text:
        got = outcome(*pulled(text))
    assert got == want
    assert got[0] == (
        TypeError,
        "feed() expects a bytes-like object (bytes, bytearray, memoryview), got str: "
        "the file gives text: open the file in binary mode ('rb')",
        TypeError,
        "feed() expects a bytes-like object (bytes, bytearray, memoryview), got str",
        (None, None, None, None, None),
    )


def test_a_json_error_comes_after_the_batches_ready_before_it_then_from_the_next_chunk() -> None:
    stream = numbered(4) + sseflow.encode("[DONE]", id="bad") + numbered(10, 5)
    options = {"json_schema": SCHEMA, "on_error": "raise", "batch_rows": 2}
    for chunks in ([stream], [numbered(4) + sseflow.encode("[DONE]"), b"", numbered(10, 5)]):
        got = outcome(*pulled(chunks, **options))
        assert got == outcome(*per_chunk(chunks, **options))
        assert [len(item) for item in got[:2] if isinstance(item, pa.RecordBatch)] == [2, 2]
        assert isinstance(got[2], tuple)
        assert got[2][0] is JSONDataError


@pytest.mark.parametrize("threads", [0, 1, 2])
def test_the_batches_before_a_json_error_at_close_come_out_first(threads: int) -> None:
    """The bad event is in the last batch, cut by ``close()``, while the one before it may
    still be decoding on a thread: that one comes out, then the error, as without threads."""
    stream = numbered(20_000) + sseflow.encode("[DONE]", id="bad")
    options = {"json_schema": SCHEMA, "on_error": "raise", "batch_rows": 20_000}
    batches = iter_batches([stream], **options, decode_threads=threads)
    got: list[RecordBatch] = []
    with pytest.raises(JSONDataError, match="event 20000") as raised:
        got.extend(batches)
    assert (raised.value.index, raised.value.id) == (20_000, "bad")
    assert [batch.num_rows for batch in got] == [20_000]


@pytest.mark.parametrize("threads", [0, 1, 2])
def test_the_batches_in_flight_at_a_limit_error_come_out_first(threads: int) -> None:
    chunks = [numbered(20_000), b"data: " + b"x" * 100 + b"\n\n"]
    options = {"json_schema": SCHEMA, "batch_rows": 20_000, "max_line_size": 50}
    batches = iter_batches(chunks, **options, decode_threads=threads)
    got: list[RecordBatch] = []
    with pytest.raises(LimitExceeded):
        got.extend(batches)
    assert [batch.num_rows for batch in got] == [20_000]


def test_parse_from_returns_at_the_first_chunk_that_makes_a_batch_and_nothing_at_the_end() -> None:
    parser = BatchParser(batch_rows=2)
    chunks = iter([b"data: a\n\n", b"", b"data: b\n", b"\ndata: c\n\n", b"data: d\n\n"])
    assert [batch.num_rows for batch in parser.parse_from(chunks)] == [2]
    assert next(chunks) == b"data: d\n\n"  # not pulled yet
    assert parser.parse_from(chunks) == []
    assert parser.parse_from(chunks) == []  # exhausted stays exhausted
    assert (parser.pending_rows, parser.closed) == (1, False)
    parser.close()
    assert [batch.num_rows for batch in parser] == [1]


def test_the_docstring_example_runs() -> None:
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner()
    globs = {"BatchParser": BatchParser}
    for test in finder.find(BatchParser.parse_from, "parse_from", globs=globs):
        runner.run(test)
    assert runner.summarize(verbose=False) == (0, 4)


@pytest.mark.parametrize("buffer", byte_buffers(), ids=lambda buffer: type(buffer).__name__)
def test_every_buffer_feed_reads_is_pulled(buffer: Any) -> None:
    parser = BatchParser(batch_rows=1)
    assert rows(parser.parse_from(iter([buffer]))) == [
        {"event": "message", "data": "x", "id": "", "retry": None}
    ]


REFUSED = (array.array("h", [1]), array.array("d", [1.0]), "data: x\n\n", 7, None)
"""Chunks ``feed`` refuses (tests/test_feed_types.py): wider items, text, not buffers."""


@pytest.mark.parametrize("refused", REFUSED, ids=lambda value: type(value).__name__)
def test_what_feed_refuses_is_refused_with_its_message(refused: Any) -> None:
    with pytest.raises(TypeError) as expected:
        BatchParser().feed(refused)
    parser = BatchParser(batch_rows=1)
    chunks = iter([b"data: a\n\n", refused, b"data: b\n\n"])
    assert len(parser.parse_from(chunks)) == 1
    with pytest.raises(TypeError) as got:
        parser.parse_from(chunks)
    assert str(got.value) == str(expected.value)
    assert len(parser.parse_from(chunks)) == 1  # the parser takes the next chunk


def test_a_released_memoryview_raises_what_python_raises() -> None:
    view = memoryview(b"data: x\n\n")
    view.release()
    parser = BatchParser()
    with pytest.raises(ValueError, match="released memoryview"):
        parser.parse_from(iter([view]))
    assert parser.parse_from(iter([b"data: y\n\n"])) == []
    parser.close()
    assert [row["data"] for row in rows(parser)] == ["y"]


def test_the_source_may_use_the_parser_between_chunks() -> None:
    """The parser is not locked while its next chunk is pulled: the source's own code may
    read it (as `sseflow ingest`'s progress does) or feed it."""
    parser = BatchParser(batch_rows=3)
    seen: list[tuple[int, str]] = []

    def source() -> Iterator[bytes]:
        for n in range(4):
            seen.append((parser.pending_rows, parser.last_event_id))
            yield numbered(n + 1, n)
        parser.feed(numbered(5, 4))

    chunks = source()
    assert [batch.num_rows for batch in parser.parse_from(chunks)] == [3]
    assert parser.parse_from(chunks) == []
    assert seen == [(0, ""), (1, "0"), (2, "1"), (0, "2")]
    parser.close()
    assert [row["id"] for row in rows(parser)] == ["3", "4"]


def test_parse_from_takes_only_an_iterator() -> None:
    parser = BatchParser()
    for value in ([b"data: a\n\n"], b"data: a\n\n", 3):
        with pytest.raises(TypeError, match=r"parse_from\(\) expects an iterator of bytes-like"):
            parser.parse_from(value)  # type: ignore[arg-type]
    assert parser.pending_rows == 0


def test_parse_from_holds_a_json_error_back_as_parse_does() -> None:
    chunk = numbered(2) + sseflow.encode("[DONE]")
    for call in ("parse", "parse_from"):
        parser = BatchParser(json_schema=SCHEMA, on_error="raise", batch_rows=2)
        chunks = iter([chunk, b"data: more\n\n"])
        first = parser.parse(next(chunks)) if call == "parse" else parser.parse_from(chunks)
        assert [batch.num_rows for batch in first] == [2]
        with pytest.raises(JSONDataError, match="event 2"):
            parser.parse(next(chunks)) if call == "parse" else parser.parse_from(chunks)
        with pytest.raises(JSONDataError):  # refused from then on
            parser.feed(b"data: x\n\n")


def test_leaving_early_reads_no_further() -> None:
    pulled_chunks: list[int] = []

    def source() -> Iterator[bytes]:
        for n in range(100):
            pulled_chunks.append(n)
            yield numbered(n + 1, n)

    for make in (per_chunk, pulled):
        pulled_chunks.clear()
        batches, parser = make(source(), batch_rows=3)
        assert next(batches).num_rows == 3
        assert pulled_chunks == [0, 1, 2]
        batches.close()  # type: ignore[attr-defined]
        assert next(batches, None) is None
        assert (pulled_chunks, parser.closed, parser.pending_rows) == ([0, 1, 2], False, 0)
    with iter_batches(source(), batch_rows=3) as stream:
        assert next(stream).num_rows == 3
    assert next(stream, None) is None


class ReadOnly:
    """A binary file with ``read`` and no ``read1``."""

    def __init__(self, data: bytes) -> None:
        self._file = io.BytesIO(data)
        self.sizes: list[int] = []

    def read(self, size: int) -> bytes:
        self.sizes.append(size)
        return self._file.read(size)


def test_files_are_read_in_chunk_size_reads_with_read1_else_read(tmp_path: Path) -> None:
    stream = numbered(300) + b"data: cut"
    path = tmp_path / "events.sse"
    path.write_bytes(stream)
    want = outcome(*per_chunk([stream], json_schema=SCHEMA, batch_rows=64))
    for chunk_size in (1, 7, 4096, DEFAULT_CHUNK_SIZE):
        with path.open("rb") as file:
            got = outcome(*pulled(file, chunk_size=chunk_size, json_schema=SCHEMA, batch_rows=64))
        assert got == want
        with path.open("rb", buffering=0) as raw:
            got = outcome(*pulled(raw, chunk_size=chunk_size, json_schema=SCHEMA, batch_rows=64))
        assert got == want
        reader = ReadOnly(stream)
        assert outcome(*pulled(reader, chunk_size=chunk_size, batch_rows=64)) == outcome(
            *per_chunk([stream], batch_rows=64)
        )
        assert set(reader.sizes) == {chunk_size}
        assert len(reader.sizes) == -(-len(stream) // chunk_size) + 1  # the last gives b""


def test_truncation_and_the_stream_to_arrow_are_as_before(tmp_path: Path) -> None:
    stream = numbered(50) + b"data: cut"
    with pytest.raises(StreamTruncated):
        list(iter_batches(io.BytesIO(stream), raise_on_truncated=True, chunk_size=16))
    table = pa.table(iter_batches(io.BytesIO(stream), json_schema="infer", batch_rows=7))
    assert table.column("id").to_pylist() == [str(n) for n in range(50)]
    assert table.column("json").combine_chunks().field("i").to_pylist() == list(range(50))
    done = iter_batches([stream], batch_rows=7)
    assert sum(batch.num_rows for batch in done) == 50
    assert (done.parser.truncated, done.parser.closed, done.parser.last_event_id) == (
        True,
        True,
        "49",
    )


def test_a_limit_error_comes_after_the_batches_before_it() -> None:
    """The second chunk cuts two more batches, then a line goes over the limit: the three
    batches come out, then the event after them in a batch of its own, then the error, as
    the events do from ``sseflow.iter_events``. (Until 2026-12-01, ``parse()`` dropped the
    batches a chunk cut before its limit error; until 2026-12-03 the event after them
    waited in the batch being built, which the reader never handed out.)"""
    chunks = [numbered(3), numbered(7, 3) + b"data: " + b"x" * 100 + b"\n\n", numbered(9, 8)]
    events = sseflow.iter_events(chunks, parser_factory=lambda: sseflow.Parser(max_line_size=50))
    ids: list[str] = []
    with pytest.raises(LimitExceeded):
        ids.extend(event.id for event in events)
    assert ids == [str(n) for n in range(7)]
    for make in (per_chunk, pulled):
        for source in (chunks, live(chunks)):
            batches, parser = make(source, batch_rows=2, max_line_size=50)
            got: list[RecordBatch] = []
            with pytest.raises(LimitExceeded, match="max_line_size=50"):
                got.extend(batches)
            assert [row["id"] for row in rows(got)] == ids
            assert [batch.num_rows for batch in got] == [2, 2, 2, 1]
            assert parser.pending_rows == 0


def test_parse_leaves_the_batches_before_a_limit_error_for_batches() -> None:
    for call in ("parse", "parse_from"):
        parser = BatchParser(batch_rows=2, max_event_size=30)
        chunk = numbered(5) + b"data: " + b"x" * 40 + b"\n\n"
        with pytest.raises(LimitExceeded, match="max_event_size=30"):
            parser.parse(chunk) if call == "parse" else parser.parse_from(iter([chunk]))
        assert [batch.num_rows for batch in parser.batches()] == [2, 2]
        assert parser.pending_rows == 1


def test_other_python_threads_run_while_a_pulled_chunk_waits_for_the_decoding_threads() -> None:
    """The chunk cuts 2,000 batches, so its feed may wait for a decoding thread: it lets go of
    the interpreter, as ``feed`` does, and a Python thread counts meanwhile. (Pulling from a
    list runs no Python code, so without that no other thread would run during the call.)"""
    parser = BatchParser(json_schema=SCHEMA, batch_rows=100, decode_threads=1)
    stream = numbered(200_000)
    batches, during = ticks_during(lambda: parser.parse_from(iter([stream])))
    parser.close()
    assert sum(b.num_rows for b in [*batches, *parser]) == 200_000
    assert during > 1000


class Interrupted(Exception):
    pass


@pytest.mark.timeout(30)
def test_signal_handlers_run_between_chunks() -> None:
    """An endless source of comments, iterated in C, makes no batch: only the signal check
    between chunks lets the handler's exception stop the loop."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with pytest.raises(Interrupted):
            BatchParser().parse_from(itertools.repeat(b": keep-alive\n"))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
