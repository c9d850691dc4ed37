"""sseflow.arrow's API: columns, batch cuts, the PyCapsule hand-over, errors."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import pytest
from arrow_rows import feed_all, rows

import sseflow
from sseflow.arrow import BatchParser, aiter_batches, iter_batches

STREAM = b"event: a\ndata: x\nid: 1\n\ndata: y\nretry: 5\n\r\ndata: z\nid: 2\n\n"


def test_columns_and_types() -> None:
    parser = BatchParser(offsets=True, label="s1")
    batches = feed_all(parser, [STREAM])
    assert len(batches) == 1
    batch = pa.record_batch(batches[0])
    dictionary = pa.dictionary(pa.int32(), pa.utf8())
    assert batch.schema == pa.schema(
        [
            pa.field("event", dictionary, nullable=False),
            pa.field("data", pa.utf8(), nullable=False),
            pa.field("id", dictionary, nullable=False),
            pa.field("retry", pa.uint64()),
            pa.field("offset", pa.uint64(), nullable=False),
            pa.field("stream", dictionary, nullable=False),
        ]
    )
    assert batch.to_pylist() == [
        {"event": "a", "data": "x", "id": "1", "retry": None, "offset": 24, "stream": "s1"},
        {"event": "message", "data": "y", "id": "1", "retry": 5, "offset": 42, "stream": "s1"},
        {"event": "message", "data": "z", "id": "2", "retry": None, "offset": 58, "stream": "s1"},
    ]
    # Each offset is just past the line end that dispatched the event; for CRLF, past its CR.
    assert STREAM[:24].endswith(b"\n\n")
    assert STREAM[:42].endswith(b"\r")
    assert len(STREAM) == 58
    assert pa.schema(parser.schema) == batch.schema


def test_consumers_take_batches_without_importing_anything() -> None:
    batches = feed_all(BatchParser(), [STREAM])
    frame = pl.DataFrame(batches[0])
    assert frame["data"].to_list() == ["x", "y", "z"]
    assert pa.table(batches[0]).num_rows == 3
    # DuckDB reads a whole stream through __arrow_c_stream__.
    relation = duckdb.from_arrow(iter_batches([STREAM]))
    assert relation.aggregate("count(*), max(data)").fetchall() == [(3, "z")]
    # A stream to a frame, and what the README says of polars.from_arrow.
    assert pl.DataFrame(iter_batches([STREAM]))["id"].to_list() == ["1", "1", "2"]
    structs = pl.from_arrow(iter_batches([STREAM]))
    assert isinstance(structs, pl.Series)
    assert structs.struct.unnest().equals(pl.DataFrame(iter_batches([STREAM])))


def test_large_data_column() -> None:
    batches = feed_all(BatchParser(large_data=True), [STREAM])
    assert pa.record_batch(batches[0]).schema.field("data").type == pa.large_utf8()


def test_batches_cut_by_rows_bytes_flush_and_close() -> None:
    parser = BatchParser(batch_rows=2)
    parser.feed(b"data: 1\n\ndata: 2\n\ndata: 3\n\n")
    assert [b.num_rows for b in parser.batches()] == [2]
    assert parser.pending_rows == 1
    parser.flush()
    assert [b.num_rows for b in parser] == [1]
    parser.flush()  # nothing pending: no empty batch
    assert parser.batches() == []
    by_bytes = BatchParser(batch_bytes=20)  # each row counts its type: 7 + 5 bytes
    by_bytes.feed(b"data: 12345\n\ndata: 67890\n\ndata: x\n\n")
    by_bytes.close()
    assert [b.num_rows for b in by_bytes] == [2, 1]


def test_an_event_spanning_chunks_is_whole_after_a_flush_inside_it() -> None:
    # Its data is written into the batch's column as the chunks come; a flush
    # inside it cuts the rows before, and the event's data moves on with it.
    parser = BatchParser()
    parser.feed(b"data: one\n\ndata: tw\xc3")
    parser.flush()
    parser.feed(b"\xa9 and")
    parser.flush()
    parser.feed(b" three\n\n")
    parser.close()
    batches = [pa.record_batch(batch) for batch in parser]
    for batch in batches:
        batch.validate(full=True)
    assert [batch.column("data").to_pylist() for batch in batches] == [["one"], ["twé and three"]]


def test_default_batch_bytes_is_one_mib() -> None:
    # Each row counts 64 KiB of data plus its type, "message": the 16th row
    # passes 1 MiB and cuts the batch, the 17th starts the next.
    parser = BatchParser()
    parser.feed((b"data: " + b"x" * (64 << 10) + b"\n\n") * 17)
    assert [b.num_rows for b in parser.batches()] == [16]
    assert parser.pending_rows == 1


def test_ids_repeat_and_types_interleave() -> None:
    stream = b"".join(
        b"event: %s\nid: %d\ndata: %d\n\n" % (b"ab"[i % 2 : i % 2 + 1], i // 3, i)
        for i in range(30)
    )
    got = rows(feed_all(BatchParser(batch_rows=7), [stream]))
    assert [(r["event"], r["id"], r["data"]) for r in got] == [
        ("ab"[i % 2], str(i // 3), str(i)) for i in range(30)
    ]


def test_limits_like_parser() -> None:
    parser = BatchParser(max_line_size=16)
    parser.feed(b"data: fine\n\n")
    with pytest.raises(sseflow.LimitExceeded) as raised:
        parser.feed(b"data: " + b"x" * 100)
    assert (raised.value.limit_name, raised.value.limit) == ("max_line_size", 16)
    with pytest.raises(sseflow.LimitExceeded):
        parser.feed(b"\n\n")
    assert parser.truncated
    parser.close()
    assert [r["data"] for r in rows(parser)] == ["fine"]


def test_close_then_feed() -> None:
    parser = BatchParser(last_event_id="41")
    parser.feed(b"data: a\n\ndata: cut")
    parser.close()
    parser.close()
    assert parser.closed
    assert parser.truncated
    assert [(r["data"], r["id"]) for r in rows(parser)] == [("a", "41")]
    with pytest.raises(sseflow.ParserClosed):
        parser.feed(b"data: b\n\n")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"batch_rows": 0}, ValueError, "batch_rows must be at least 1"),
        ({"batch_rows": "2"}, TypeError, "batch_rows must be an int"),
        ({"max_line_size": -1}, ValueError, "max_line_size must be a non-negative int"),
        ({"offsets": 1}, TypeError, "offsets must be a bool"),
        ({"label": 3}, TypeError, "label must be a str"),
        ({"last_event_id": "a\nb"}, ValueError, "last_event_id cannot contain"),
        ({"json_schema": "guess"}, ValueError, "json_schema must be 'infer'"),
        ({"json_schema": 5}, TypeError, "json_schema must be 'infer' or an Arrow schema"),
        ({"json_schema": pa.int64()}, TypeError, "must be a schema or a struct type"),
        ({"json_schema": "infer", "on_error": "skip"}, ValueError, "on_error must be"),
        ({"json_schema": "infer", "json_events": "message"}, TypeError, "json_events must"),
        # Checked without a schema too, where they change nothing.
        ({"on_error": "skip"}, ValueError, "on_error must be"),
        ({"json_events": "message"}, TypeError, "json_events must"),
        ({"infer_rows": 0}, ValueError, "infer_rows must be at least 1"),
        (
            {"infer_rows": 2**64},
            ValueError,
            r"infer_rows must be at most \d+, got 18446744073709551616",
        ),
        (
            {"batch_bytes": 2**64},
            ValueError,
            r"batch_bytes must be at most \d+, got 18446744073709551616",
        ),
        ({"batch_rows": 2**31}, ValueError, r"^batch_rows must be from 1 to 2\*\*31 - 1"),
        (
            {"decode_threads": 2**64},
            ValueError,
            "decode_threads must be at most 64, got 18446744073709551616",
        ),
        ({"decode_threads": -1}, ValueError, "decode_threads must be a non-negative int"),
        ({"json_scalars_to_strings": 1}, TypeError, "json_scalars_to_strings must be a bool"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        BatchParser(**kwargs)


def test_json_options_without_a_schema_change_nothing() -> None:
    """What a configuration may pass with the schema switched off."""
    parser = BatchParser(json_events=["message"], on_error="raise", infer_rows=5)
    parser.feed(b"data: not json\n\n")
    parser.close()
    assert [batch.column_names for batch in parser] == [["event", "data", "id", "retry"]]


def test_a_wrong_source_is_refused_naming_the_reader_and_what_to_pass(tmp_path: Path) -> None:
    path = tmp_path / "s.sse"
    path.write_bytes(b"data: x\n\n")
    with pytest.raises(
        TypeError, match=r"^iter_batches\(\) expects .* got pathlib.\w+Path: open\("
    ):
        iter_batches(path)
    with pytest.raises(TypeError, match=r"not be a str: pass \[text.encode\(\)\] .* open\(path"):
        iter_batches(str(path))
    sync = r": use iter_batches\(\) for a sync source$"
    with pytest.raises(TypeError, match=r"^aiter_batches\(\) expects .* got list" + sync):
        aiter_batches([b"data: x\n\n"])
    with path.open("rb") as file, pytest.raises(TypeError, match=r"got io.BufferedReader" + sync):
        aiter_batches(file)
    with pytest.raises(TypeError, match=r"got io.BytesIO" + sync):
        aiter_batches(io.BytesIO(b""))
    with pytest.raises(TypeError, match=r"not be a bytes: pass \[data\] or io.BytesIO"):
        aiter_batches(b"data: x\n\n")


def test_feed_types() -> None:
    parser = BatchParser()
    parser.feed(bytearray(b"data: a\n\n"))
    parser.feed(memoryview(b"data: b\n\n"))
    with pytest.raises(TypeError, match="bytes-like"):
        parser.feed("data: c\n\n")  # type: ignore[arg-type]
    parser.close()
    assert [r["data"] for r in rows(parser)] == ["a", "b"]


def test_parse_is_feed_then_batches() -> None:
    parser = BatchParser(batch_rows=2)
    assert [b.num_rows for b in parser.parse(b"data: 1\n\ndata: 2\n\ndata: 3\n\n")] == [2]
    assert parser.parse(b"data: 4\n") == []
    parser.close()
    assert [b.num_rows for b in parser.events()] == [1]


def test_docstring_examples() -> None:
    """The ``>>>`` examples of the module and of the native BatchParser run as written."""
    import doctest

    import sseflow.arrow

    assert doctest.testmod(sseflow.arrow).failed == 0
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner()
    for test in finder.find(BatchParser, "BatchParser", globs={"BatchParser": BatchParser}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("threads", [0, 1])
def test_a_failed_inference_refuses_the_input_after_it(threads: int) -> None:
    """The first batch's objects have no one type: its events cannot be decoded, and
    the parser refuses what follows (before, it inferred again from the next batch,
    and the first batch's events were gone without a row)."""
    parser = BatchParser(json_schema="infer", batch_rows=2, decode_threads=threads)
    parser.feed(b'id: 0\ndata: {"a": [1]}\n\n')
    message = r"^cannot infer one JSON type from the first 2 objects of the stream"
    with pytest.raises(ValueError, match=message):
        parser.feed(b'id: 1\ndata: {"a": [{}]}\n\n')
    with pytest.raises(ValueError, match=message):
        parser.feed(b'id: 2\ndata: {"a": [2]}\n\nid: 3\ndata: {"a": [3]}\n\n')
    with pytest.raises(ValueError, match=message):
        parser.flush()
    assert list(parser) == []


def test_an_id_that_comes_back_is_one_value_of_the_dictionary() -> None:
    """pyarrow counts a dictionary value stored twice as two: IDs that came back
    made ``group_by`` and ``unique`` count each row apart (before 2026-12-04)."""
    import pyarrow.compute as pc

    ids = ["A", "B", "A", "B", "A", "B", "10", "9", "9", "A"]
    stream = b"".join(sseflow.encode(str(n), id=id_) for n, id_ in enumerate(ids))
    table = pa.table(iter_batches([stream]))
    assert table.column("id").to_pylist() == ids
    counts = table.group_by("id").aggregate([("data", "count")]).to_pylist()
    assert sorted((row["id"], row["data_count"]) for row in counts) == [
        ("10", 1),
        ("9", 2),
        ("A", 4),
        ("B", 3),
    ]
    assert sorted(pc.unique(table.column("id")).to_pylist()) == ["10", "9", "A", "B"]


def test_a_stream_refuses_a_batch_of_another_schema() -> None:
    """A consumer reads every batch as of the stream's schema: a ``large_utf8``
    batch read as ``utf8`` was read out of bounds (polars crashed)."""
    from sseflow.arrow import BatchStream

    plain, large = BatchParser(), BatchParser(large_data=True)
    for parser, data in ((plain, b"data: x\n\n"), (large, b"data: y\n\n")):
        parser.feed(data)
        parser.close()
    stream = BatchStream(iter([*plain, *large]), plain)
    with pytest.raises(ValueError, match="a batch's schema differs from the stream's"):
        pa.table(stream)


def test_after_a_failed_inference_close_and_the_schema_raise_it_again() -> None:
    """``close()`` made up a ``struct<>`` type after the failure, and a stream's schema,
    read again, looked for a batch forever."""
    data = b'data: {"a": [1]}\n\ndata: {"a": [{}]}\n\n'
    stream = iter_batches([data], json_schema="infer")
    for _ in range(2):
        with pytest.raises(ValueError, match=r"^cannot infer one JSON type"):
            pa.table(stream)
    assert stream.parser.schema is None
    parser = BatchParser(json_schema="infer", batch_rows=2)
    with pytest.raises(ValueError, match=r"^cannot infer one JSON type"):
        parser.feed(data)
    for _ in range(2):
        with pytest.raises(ValueError, match=r"^cannot infer one JSON type"):
            parser.close()
    assert parser.closed
    assert parser.schema is None
