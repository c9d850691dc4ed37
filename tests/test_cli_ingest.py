"""``sseflow ingest`` run as a process: files and live URLs into Parquet, Arrow, NDJSON."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sse_server import Conn, SSEServer, sequence, static, wait_for

from sseflow import encode

pytestmark = pytest.mark.timeout(60)

TOKENS = b"".join(
    encode(json.dumps({"n": n, "text": f"t{n}"}), id=str(n)) for n in range(10)
) + encode("[DONE]")


def ingest(
    *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sseflow", "ingest", *args],
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
        input=input,
        env=env,
    )


def test_file_to_parquet_with_an_inferred_schema(tmp_path: Path) -> None:
    source = tmp_path / "tokens.sse"
    source.write_bytes(TOKENS + b'data: {"n": 99')  # cut mid-event
    out = tmp_path / "out.parquet"
    result = ingest(str(source), "--to", str(out), "--schema", "infer", "--batch-rows", "4")
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.num_rows == 11
    assert table.column("json").to_pylist()[:2] == [{"n": 0, "text": "t0"}, {"n": 1, "text": "t1"}]
    assert table.column("json").to_pylist()[10] is None
    assert table.column("id").to_pylist()[9] == "9"
    assert "wrote 11 events in 3 batches" in result.stderr
    assert pq.ParquetFile(out).metadata.num_row_groups == 3  # a row group per --batch-rows
    assert "ended in the middle of an event" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_arrow_file_of_many_batches_holds_them_all(tmp_path: Path) -> None:
    # Each batch has dictionaries of its own, which an IPC file cannot hold.
    first, second = tmp_path / "a.sse", tmp_path / "b.sse"
    first.write_bytes(encode('{"n": 1}', event="x", id="1") + encode('{"n": 2}', event="y", id="2"))
    second.write_bytes(encode('{"n": 3}', event="y") + encode('{"n": 4}', event="z", id="4"))
    sources = (str(first), str(second), "--batch-rows", "1")
    parquet, arrow = tmp_path / "out.parquet", tmp_path / "out.arrow"
    for out in (parquet, arrow):
        result = ingest(*sources, "--to", str(out), "--schema", "infer")
        assert result.returncode == 0, result.stderr
        assert "wrote 4 events in 4 batches" in result.stderr
    with pa.ipc.open_file(arrow) as reader:
        assert reader.num_record_batches == 4
        table = reader.read_all()
    for name in ("event", "id", "stream"):
        assert table.schema.field(name).type == pa.utf8()
    assert table.to_pylist() == pq.read_table(parquet).to_pylist()
    assert table.column("id").to_pylist() == ["1", "2", "", "4"]


@pytest.mark.parametrize(
    ("compression", "stored"), [(None, "SNAPPY"), ("zstd", "ZSTD"), ("none", "UNCOMPRESSED")]
)
def test_compression_of_a_parquet_file(
    tmp_path: Path, compression: str | None, stored: str
) -> None:
    source = tmp_path / "s.sse"
    source.write_bytes(TOKENS)
    out = tmp_path / "o.parquet"
    chosen = () if compression is None else ("--compression", compression)
    result = ingest(str(source), "--to", str(out), "--schema", "infer", *chosen)
    assert result.returncode == 0, result.stderr
    metadata = pq.ParquetFile(out).metadata.row_group(0)
    assert {metadata.column(i).compression for i in range(metadata.num_columns)} == {stored}
    assert pq.read_table(out).num_rows == 11


@pytest.mark.parametrize("compression", ["zstd", "lz4", "none"])
def test_compression_of_an_arrow_file(tmp_path: Path, compression: str) -> None:
    source = tmp_path / "s.sse"
    source.write_bytes(TOKENS)
    out, plain = tmp_path / "o.arrow", tmp_path / "plain.arrow"
    result = ingest(str(source), "--to", str(out), "--compression", compression)
    assert result.returncode == 0, result.stderr
    assert ingest(str(source), "--to", str(plain)).returncode == 0
    with pa.ipc.open_file(out) as reader, pa.ipc.open_file(plain) as uncompressed:
        assert reader.read_all().equals(uncompressed.read_all())
    # Compressed buffers are smaller than the plain ones, and so is the file.
    assert (out.stat().st_size < plain.stat().st_size) == (compression != "none")


@pytest.mark.parametrize("data", ["not json", '{"a": {}}'])
def test_a_struct_with_no_fields_is_refused_for_parquet_with_a_clear_error(
    tmp_path: Path, data: str
) -> None:
    source = tmp_path / "s.sse"
    source.write_bytes(encode(data))
    out = tmp_path / "out.parquet"
    result = ingest(str(source), "--to", str(out), "--schema", "infer")
    assert result.returncode == 1
    where = "json" if data == "not json" else "json.a"
    assert f"Parquet cannot hold a struct with no fields, as {where} is" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    lines = tmp_path / "out.ndjson"  # which holds one
    result = ingest(str(source), "--to", str(lines), "--schema", "infer")
    assert result.returncode == 0, result.stderr
    assert "wrote 1 event in 1 batch" in result.stderr
    # A schema file can give one too: the message does not tell to give a file instead.
    schema = tmp_path / "schema.json"
    schema.write_text('{"a": {}}')
    result = ingest(str(source), "--to", str(out), "--schema", str(schema))
    assert result.returncode == 1
    assert "a schema FILE where it has {}): give --schema FILE with fields there" in result.stderr


def test_stdin_and_files_to_arrow_and_ndjson(tmp_path: Path) -> None:
    arrow = tmp_path / "out.arrow"
    result = ingest("-", "--to", str(arrow), input=TOKENS.decode())
    assert result.returncode == 0, result.stderr
    with pa.ipc.open_file(arrow) as reader:
        assert reader.read_all().column("data").to_pylist()[-1] == "[DONE]"
    first, second = tmp_path / "a.sse", tmp_path / "b.sse"
    first.write_bytes(encode("one", event="x"))
    second.write_bytes(encode("two") + encode("three"))
    lines = tmp_path / "out.ndjson"
    result = ingest(str(first), str(second), "--to", str(lines), "--offsets")
    assert result.returncode == 0, result.stderr
    got = [json.loads(line) for line in lines.read_text().splitlines()]
    assert got == [
        {"event": "x", "data": "one", "id": "", "offset": 20, "stream": str(first)},
        {"event": "message", "data": "two", "id": "", "offset": 11, "stream": str(second)},
        {"event": "message", "data": "three", "id": "", "offset": 24, "stream": str(second)},
    ]


def test_decode_threads_change_nothing_in_the_file(tmp_path: Path) -> None:
    """A file is decoded on threads by default (one fewer than the CPUs): the output is the
    same with 0, 1 or 2."""
    source = tmp_path / "tokens.sse"
    events = [encode(json.dumps({"n": n, "text": f"t{n}"}), id=str(n)) for n in range(3000)]
    source.write_bytes(b"".join(events) + encode("[DONE]"))
    outputs = []
    for threads in ("0", "1", "2"):
        out = tmp_path / f"out{threads}.ndjson"
        args = ("--schema", "infer", "--batch-rows", "100", "--decode-threads", threads)
        result = ingest(str(source), "--to", str(out), *args)
        assert result.returncode == 0, result.stderr
        assert "wrote 3,001 events in 31 batches" in result.stderr
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0].splitlines()[2999])["json"] == {"n": 2999, "text": "t2999"}


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_a_compressed_file_is_read_decompressed(tmp_path: Path, suffix: str) -> None:
    import bz2
    import gzip
    import lzma

    compressors: dict[str, Callable[[bytes], bytes]] = {
        ".gz": gzip.compress,
        ".bz2": bz2.compress,
        ".xz": lzma.compress,
    }
    compress = compressors[suffix]
    plain, packed = tmp_path / "s.sse", tmp_path / f"s.sse{suffix}"
    plain.write_bytes(TOKENS)
    packed.write_bytes(compress(TOKENS))
    tables = []
    for source in (plain, packed):
        out = tmp_path / f"{source.name}.parquet"
        result = ingest(str(source), "--to", str(out), "--schema", "infer")
        assert result.returncode == 0, result.stderr
        assert f"{len(TOKENS) / 1e6:,.1f} MB read" in result.stderr
        tables.append(pq.read_table(out))
    assert tables[1].equals(tables[0])
    assert tables[0].num_rows == 11


def test_a_damaged_compressed_file_keeps_the_events_before_and_is_named(tmp_path: Path) -> None:
    import gzip

    events = b"".join(b"id: %d\ndata: event %d\n\n" % (i, i) for i in range(5000))
    packed = gzip.compress(events)
    half = tmp_path / "half.sse.gz"
    half.write_bytes(packed[: len(packed) // 2])
    readable = bytearray()  # what gzip decompresses before it finds the file cut short
    with gzip.open(half) as file, contextlib.suppress(EOFError):
        while chunk := file.read1(8192):
            readable += chunk
    whole = bytes(readable).count(b"\n\n")
    out = tmp_path / "o.parquet"
    result = ingest(str(half), "--to", str(out))
    assert result.returncode == 1
    assert f"sseflow: cannot decompress {half}: Compressed file ended" in result.stderr
    assert "Traceback" not in result.stderr
    ids = pq.read_table(out).column("id").to_pylist()
    assert whole > 1000
    assert ids == [str(i) for i in range(whole)]
    garbage = tmp_path / "bad.sse.xz"
    garbage.write_bytes(b"garbage")
    result = ingest(str(garbage), "--to", str(tmp_path / "b.ndjson"))
    assert (result.returncode, "Traceback" in result.stderr) == (1, False)
    assert f"sseflow: cannot decompress {garbage}: Input format not supported" in result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--schema", "SCHEMA"], "Support for Interval(MonthDayNano) in JSON reader"),
        (["--batch-rows", str(2**31)], "--batch-rows must be from 1 to 2**31 - 1, got 2147483648"),
        (["--batch-rows", str(2**64)], "--batch-rows must be at most"),
        (["--schema", "infer", "--decode-threads", "65"], "--decode-threads must be at most 64"),
    ],
)
def test_options_the_parser_refuses_are_usage_errors(
    tmp_path: Path, options: list[str], message: str
) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text('{"x": "month_day_nano_interval"}')
    source = tmp_path / "s.sse"
    source.write_bytes(TOKENS)
    options = [str(schema) if option == "SCHEMA" else option for option in options]
    result = ingest(str(source), "--to", str(tmp_path / "o.ndjson"), *options)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("usage: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o.ndjson").exists()


@pytest.mark.parametrize("suffix", [".ndjson", ".arrow", ".parquet"])
def test_a_failed_write_names_the_output(tmp_path: Path, suffix: str) -> None:
    """A full disk (Linux's /dev/full) is the output's failure, not the stream's."""
    out = tmp_path / f"full{suffix}"
    out.symlink_to("/dev/full")
    source = tmp_path / "s.sse"
    source.write_bytes(TOKENS)
    result = ingest(str(source), "--to", str(out))
    assert result.returncode == 2
    assert f"sseflow: cannot write {out}: " in result.stderr
    assert "No space left on device" in result.stderr
    assert "cannot read" not in result.stderr


def test_a_closed_stdin_is_named(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sseflow", "ingest", "-", "--to", str(tmp_path / "o.ndjson")],
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
        stdin=subprocess.DEVNULL,
        preexec_fn=lambda: os.close(0),
    )
    assert result.returncode == 2
    assert "sseflow: cannot read -: standard input is closed" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_file_and_event_filter(tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"n": "int32", "text": "string"}))
    source = tmp_path / "s.sse"
    source.write_bytes(encode("keep-alive", event="ping") + TOKENS)
    out = tmp_path / "out.parquet"
    result = ingest(str(source), "--to", str(out), "--schema", str(schema), "--events", "message")
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.schema.field("json").type == pa.struct([("n", pa.int32()), ("text", pa.utf8())])
    assert table.column("json_error").to_pylist()[0] is None  # ping: not decoded
    assert table.column("json").to_pylist()[1] == {"n": 0, "text": "t0"}


CHAT = (
    encode(json.dumps({"id": "c1", "choices": [{"index": 0, "delta": {"content": "Hi"}}]}))
    + encode(json.dumps({"id": "c1", "choices": [], "usage": {"total": 7}}))
    + encode("[DONE]")
)


def test_an_inferred_type_decodes_the_next_sources_as_the_first(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sse", tmp_path / "b.sse"
    first.write_bytes(encode(json.dumps({"v": 1})) + encode(json.dumps({"v": "x"})))
    second.write_bytes(encode(json.dumps({"v": 2})))
    out = tmp_path / "out.parquet"
    result = ingest(str(first), str(second), "--to", str(out), "--schema", "infer")
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.column("json").to_pylist() == [{"v": "1"}, {"v": "x"}, {"v": "2"}]
    assert table.column("json_error").null_count == 3


def test_schema_file_with_structs_and_lists(tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    choice = {"index": "int64", "delta": {"content": "string"}}
    schema.write_text(
        json.dumps({"id": "string", "choices": [choice], "usage": {"total": "int32"}})
    )
    source = tmp_path / "chat.sse"
    source.write_bytes(CHAT)
    out = tmp_path / "out.parquet"
    result = ingest(str(source), "--to", str(out), "--schema", str(schema))
    assert result.returncode == 0, result.stderr
    assert "in 1 batch to" in result.stderr
    table = pq.read_table(out)
    delta = pa.struct([("content", pa.utf8())])
    assert table.schema.field("json").type == pa.struct(
        [
            ("id", pa.utf8()),
            ("choices", pa.list_(pa.struct([("index", pa.int64()), ("delta", delta)]))),
            ("usage", pa.struct([("total", pa.int32())])),
        ]
    )
    assert table.column("json").to_pylist() == [
        {"id": "c1", "choices": [{"index": 0, "delta": {"content": "Hi"}}], "usage": None},
        {"id": "c1", "choices": [], "usage": {"total": 7}},
        None,
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"n": "int"}', 'field "n": "int" is not a type: give a pyarrow type name'),
        ('{"o": {"x": 5}}', 'field "o.x": 5 is not a type'),
        ('{"l": [{"k": "nope"}]}', 'field "l[].k": "nope" is not a type'),
        ('{"l": ["int64", "string"]}', 'field "l": a list type is a list of one type'),
        ('["n", "int64"]', "a schema file holds a JSON object of fields"),
        ('{"n": "int64",}', "not JSON"),
    ],
)
def test_a_bad_schema_file_is_a_usage_error_naming_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(text)
    source = tmp_path / "s.sse"
    source.write_bytes(TOKENS)
    result = ingest(str(source), "--to", str(tmp_path / "o.ndjson"), "--schema", str(schema))
    assert result.returncode == 2
    assert f"--schema {schema}: " in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o.ndjson").exists()


def test_live_url_followed_across_a_drop(tmp_path: Path) -> None:
    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(encode("a", id="1", retry=10) + b"data: cut mid-ev"),
                static(encode("b", id="2") + encode("c")),
                static(status=204),
            ),
        )
        out = tmp_path / "live.parquet"
        result = ingest(url, "--to", str(out), "-H", "X-Token: t")
        assert result.returncode == 0, result.stderr
        assert pq.read_table(out).select(["data", "id", "retry"]).to_pylist() == [
            {"data": "a", "id": "1", "retry": 10},
            {"data": "b", "id": "2", "retry": None},
            {"data": "c", "id": "2", "retry": None},
        ]
        requests = server.requests_to("/s")
        assert [r.headers.get("last-event-id") for r in requests] == [None, "1", "2"]
        assert all(r.headers["x-token"] == "t" for r in requests)
    # Each reconnection is reported, as sseflow listen reports it.
    assert f"sseflow: event source {url}: " in result.stderr
    assert "reconnecting in 0.010 s (Last-Event-ID '1')" in result.stderr


def test_a_url_scheme_in_capitals_is_a_url(tmp_path: Path) -> None:
    """URL schemes are case-insensitive: ``HTTP://`` was taken for a file name."""
    with SSEServer() as server:
        url = server.route("/s", sequence(static(encode("a", id="1")), static(status=204)))
        out = tmp_path / "o.ndjson"
        result = ingest(url.replace("http://", "HTTP://", 1), "--to", str(out))
        assert result.returncode == 0, result.stderr
    assert [json.loads(line)["data"] for line in out.read_text().splitlines()] == ["a"]


def following(url: str, out: Path) -> subprocess.Popen[str]:
    """``sseflow ingest URL --to OUT``, started: it follows the stream until interrupted."""
    return subprocess.Popen(
        [sys.executable, "-m", "sseflow", "ingest", url, "--to", str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )


def interrupted(process: subprocess.Popen[str]) -> str:
    """Ctrl-C to ``process``, which must then end as Ctrl-C ends it; its stderr."""
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    return stderr


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_wait_for_a_named_pipes_writer(
    tmp_path: Path, signum: int, status: int
) -> None:
    """Opening a FIFO waits until a writer opens it: the signal ended nothing before."""
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)
    process = following(str(fifo), tmp_path / "o.ndjson")
    time.sleep(1.0)  # the command is in its open() by now (a slow start only tests less)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == status, stderr
    assert "sseflow: wrote no file" in stderr
    assert "Traceback" not in stderr


def test_the_first_of_two_signals_gives_the_status(tmp_path: Path) -> None:
    """SIGTERM, then Ctrl-C while the first is being acted on: still SIGTERM's 143."""
    from sseflow._interrupt import Interrupt

    interrupt = Interrupt()
    with interrupt:
        os.kill(os.getpid(), signal.SIGTERM)  # outside a read: it waits for check()
        os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            interrupt.check()
    assert interrupt.status == 143


def test_a_live_type_is_inferred_from_the_first_second_not_the_first_event(
    tmp_path: Path,
) -> None:
    """A token stream opens with a role, then content: both are fields of the type."""
    opening = encode(json.dumps({"role": "assistant"}), retry=10)
    tokens = b"".join(encode(json.dumps({"content": t})) for t in ("He", "llo"))
    with SSEServer() as server:
        url = server.route("/s", sequence(static(opening + tokens), static(status=204)))
        out = tmp_path / "live.parquet"
        result = ingest(url, "--to", str(out), "--schema", "infer")
        assert result.returncode == 0, result.stderr
        assert pq.read_table(out).column("json").to_pylist() == [
            {"role": "assistant", "content": None},
            {"role": None, "content": "He"},
            {"role": None, "content": "llo"},
        ]


def test_ctrl_c_writes_what_came(tmp_path: Path) -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("hello") + encode("world"))
        conn.idle(30)

    with SSEServer() as server:
        url = server.route("/s", route)
        out = tmp_path / "live.parquet"
        process = following(url, out)
        assert server.wait_for(lambda: len(server.requests_to("/s")) == 1)
        assert server.wait_for(lambda: out.exists(), timeout=10)  # the first batch is written
        time.sleep(0.5)  # "world", in the same write, is read meanwhile
        stderr = interrupted(process)
        assert pq.read_table(out).column("data").to_pylist() == ["hello", "world"]
    # Two events in over a second: the rate is given to a tenth, not as 0 or 1.
    assert re.search(r"wrote 2 events in 1 batch to .*, \d\.\d events/s\)$", stderr.strip()), stderr


def resuming(conn: Conn) -> None:
    """Three events after the Last-Event-ID the request sends (IDs count from 1), then
    silence."""
    start = int(conn.request.headers.get("last-event-id") or 0)
    conn.start()
    conn.write(b"".join(encode(f"e{n}", id=str(n)) for n in range(start + 1, start + 4)))
    conn.idle(30)


def test_sigterm_ends_the_file_whole_and_says_how_to_resume(tmp_path: Path) -> None:
    """As a service manager stops it: the Parquet file is closed whole (its footer
    written), the exit status is 143, and the last event ID written is given as the
    option that resumes after it."""
    with SSEServer() as server:
        url = server.route("/s", resuming)
        out = tmp_path / "live.parquet"
        process = following(url, out)
        assert server.wait_for(lambda: out.exists(), timeout=10)
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 143, stderr
    assert "Traceback" not in stderr
    assert pq.read_table(out).column("data").to_pylist() == ["e1", "e2", "e3"]
    assert "wrote 3 events" in stderr
    assert stderr.strip().endswith(
        f"sseflow: {url}: resume after the last event written with --last-event-id 3"
    ), stderr


def rows(out: Path) -> list[dict[str, str]]:
    """The rows of an NDJSON file, none while it is not made."""
    lines = out.read_text().splitlines() if out.exists() else []
    return [json.loads(line) for line in lines]


def test_last_event_id_resumes_into_a_new_file_with_every_event_once(tmp_path: Path) -> None:
    with SSEServer() as server:
        url = server.route("/s", resuming)
        first, second = tmp_path / "first.ndjson", tmp_path / "second.ndjson"
        process = following(url, first)
        assert server.wait_for(lambda: len(rows(first)) == 3, timeout=10)
        stderr = interrupted(process)
        resume = stderr.strip().splitlines()[-1].split(" with ")[-1].split()
        assert resume == ["--last-event-id", "3"]
        process = subprocess.Popen(
            [sys.executable, "-m", "sseflow", "ingest", url, "--to", str(second), *resume],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert server.wait_for(lambda: len(rows(second)) == 3, timeout=10)
        stderr = interrupted(process)
        sent = [r.headers.get("last-event-id") for r in server.requests_to("/s")]
    assert sent == [None, "3"]
    assert [row["data"] for row in rows(first) + rows(second)] == [f"e{n}" for n in range(1, 7)]
    assert stderr.strip().endswith("--last-event-id 6")


def test_several_urls_are_resumed_by_an_id_each_in_their_order(tmp_path: Path) -> None:
    def without_ids(conn: Conn) -> None:
        conn.start()
        conn.write(encode("x"))
        conn.idle(30)

    with SSEServer() as server:
        with_ids, plain = server.route("/a", resuming), server.route("/b", without_ids)
        out = tmp_path / "both.ndjson"
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "sseflow", "ingest", with_ids, plain),
                *("--to", str(out), "--last-event-id", "10", "--last-event-id", ""),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert server.wait_for(lambda: len(rows(out)) == 4, timeout=10)
        stderr = interrupted(process)
        assert server.requests_to("/a")[0].headers["last-event-id"] == "10"
        assert "last-event-id" not in server.requests_to("/b")[0].headers
    assert stderr.strip().endswith(
        "resume the URLs after the last events written with --last-event-id 13 --last-event-id ''"
    ), stderr


def test_idle_timeout_reconnects_a_silent_stream(tmp_path: Path) -> None:
    def silent(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a", id="1", retry=10))
        conn.idle(30)

    with SSEServer() as server:
        url = server.route("/s", sequence(silent, static(encode("b", id="2")), static(status=204)))
        out = tmp_path / "o.parquet"
        result = ingest(url, "--to", str(out), "--idle-timeout", "0.5")
        sent = [r.headers.get("last-event-id") for r in server.requests_to("/s")]
    assert result.returncode == 0, result.stderr
    assert pq.read_table(out).column("data").to_pylist() == ["a", "b"]
    assert sent == [None, "1", "2"]
    assert "reconnecting in" in result.stderr


def test_retry_statuses_reconnect_after_a_503(tmp_path: Path) -> None:
    with SSEServer() as server:
        busy = static(b"busy", 503, "text/plain", headers=[("Retry-After", "0")])
        url = server.route("/s", sequence(busy, static(encode("a", retry=10)), static(status=204)))
        out = tmp_path / "o.parquet"
        result = ingest(url, "--to", str(out), "--retry-statuses")
        assert result.returncode == 0, result.stderr
        assert pq.read_table(out).column("data").to_pylist() == ["a"]
        assert "503" in result.stderr  # the reconnection, reported
        # Without the option a 503 fails the URL, as EventSource fails it.
        refused = server.route("/busy", busy)
        result = ingest(refused, "--to", str(tmp_path / "none.parquet"))
    assert result.returncode == 1
    assert "503" in result.stderr


def test_the_last_events_are_written_while_the_server_is_silent(tmp_path: Path) -> None:
    """Each event reaches the file within about a second, not when the next one comes."""

    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("first"))
        time.sleep(1.5)  # "first" is cut alone meanwhile, a second after it came
        conn.write(encode("second") + encode("third"))
        conn.idle(30)

    def rows() -> list[str]:
        lines = out.read_text().splitlines() if out.exists() else []
        return [json.loads(line)["data"] for line in lines]

    with SSEServer() as server:
        url = server.route("/s", route)
        out = tmp_path / "live.ndjson"
        process = following(url, out)
        try:
            assert server.wait_for(lambda: len(rows()) == 3, timeout=10), rows()
            assert process.poll() is None  # still following the stream
        finally:
            stderr = interrupted(process)
        assert rows() == ["first", "second", "third"]
        assert "wrote 3 events in 2 batches" in stderr


def test_a_row_group_holds_at_most_batch_rows_rows(tmp_path: Path) -> None:
    """Batches cut at 1 MiB (about 38,800 of these events) are gathered only while the
    row group stays within --batch-rows (65,536): before, two made one of 77,672."""
    source, out = tmp_path / "s.sse", tmp_path / "o.parquet"
    source.write_bytes(encode("x" * 20) * 100_000)
    result = ingest(str(source), "--to", str(out))
    assert result.returncode == 0, result.stderr
    metadata = pq.ParquetFile(out).metadata
    groups = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert sum(groups) == 100_000
    assert max(groups) <= 65_536, groups


def test_a_live_streams_batches_make_one_row_group_not_one_each(tmp_path: Path) -> None:
    """A slow stream's batches are cut every second or so: written as a row group each, a
    day's Parquet file would be 86,400 row groups of a few rows (before 2026-12-03). They
    are gathered up to --batch-rows rows, in Parquet and Arrow files alike."""

    def route(conn: Conn) -> None:
        conn.start()
        for name in ("a", "b", "c"):
            conn.write(encode(name))
            time.sleep(1.3)  # each cut alone, a second after it came
        conn.idle(30)

    with SSEServer() as server:
        url = server.route("/s", route)
        for out in (tmp_path / "live.parquet", tmp_path / "live.arrow"):
            process = following(url, out)
            assert server.wait_for(lambda: out.exists(), timeout=10)  # noqa: B023
            time.sleep(3)
            stderr = interrupted(process)
            assert "wrote 3 events in 3 batches" in stderr
            if out.suffix == ".parquet":
                assert pq.ParquetFile(out).metadata.num_row_groups == 1
                assert pq.read_table(out).column("data").to_pylist() == ["a", "b", "c"]
            else:
                with pa.ipc.open_file(out) as reader:
                    assert reader.num_record_batches == 1
                    assert reader.read_all().column("data").to_pylist() == ["a", "b", "c"]


def test_roll_closes_a_file_whole_each_period_while_the_stream_goes_on(tmp_path: Path) -> None:
    """With --roll, each period's file is closed, and so readable, while the stream is still
    followed; the files together hold every event once, in order."""

    def route(conn: Conn) -> None:
        conn.start()
        for n in range(1, 4):
            conn.write(encode(f"e{n}", id=str(n)))
            time.sleep(1.6)
        conn.idle(30)

    def closed() -> list[Path]:
        found = []
        for path in sorted(tmp_path.glob("live-*.parquet")):
            try:
                pq.read_metadata(path)  # a file still open has no footer yet
            except pa.ArrowInvalid:
                continue
            found.append(path)
        return found

    with SSEServer() as server:
        url = server.route("/s", route)
        out = tmp_path / "live.parquet"
        process = subprocess.Popen(
            [sys.executable, "-m", "sseflow", "ingest", url, "--to", str(out), "--roll", "1s"],
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.wait_for(lambda: len(closed()) >= 2, timeout=15), closed()
            assert process.poll() is None  # still following
        finally:
            stderr = interrupted(process)
    files = sorted(tmp_path.glob("live-*.parquet"))
    assert not out.exists()
    assert all(re.fullmatch(r"live-\d{8}T\d{6}Z(_\d+)?\.parquet", path.name) for path in files)
    data = [pq.read_table(path).column("data").to_pylist() for path in files]
    assert [row for rows in data for row in rows] == ["e1", "e2", "e3"]
    assert all(data)  # a file is made only for a batch
    assert f"wrote 3 events in 3 batches to {len(files)} files, {files[0]} to {files[-1]}" in stderr
    assert stderr.strip().endswith("--last-event-id 3")


def test_a_rolled_file_name_taken_gets_a_number_that_sorts_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files begun in the same second (another run's, or after the clock went back) are
    numbered so that their names sort in the order they began."""
    from sseflow.arrow import iter_batches
    from sseflow.ingest import _Output

    instant = time.gmtime(1_796_299_200)  # 2026-12-03T12:00:00Z
    monkeypatch.setattr(time, "gmtime", lambda *_: instant)
    (tmp_path / "live-20261203T120000Z.parquet").write_bytes(b"another run's")
    output = _Output(str(tmp_path / "live.parquet"), 100, roll=3600.0)
    for n in range(3):
        [batch] = iter_batches([encode(f"e{n}")])
        output.write(batch)
        output.close()
    names = [Path(name).name for name in output.names]
    assert names == [f"live-20261203T120000Z_{n}.parquet" for n in (2, 3, 4)]
    files = sorted(tmp_path.glob("live-*.parquet"))
    assert [path.name for path in files[1:]] == names
    assert [pq.read_table(path).column("data")[0].as_py() for path in files[1:]] == [
        "e0",
        "e1",
        "e2",
    ]


def test_live_urls_are_followed_at_once(tmp_path: Path) -> None:
    """Two streams that never end: each one's events reach the file as they come, named by
    its URL in the ``stream`` column (before 2026-12-03 the second waited for the first's
    end, which never came)."""

    def live(name: str) -> Callable[[Conn], None]:
        def route(conn: Conn) -> None:
            conn.start()
            for n in range(3):
                conn.write(encode(f"{name}{n}", id=str(n)))
                time.sleep(0.2)
            conn.idle(30)

        return route

    def rows() -> list[dict[str, str]]:
        lines = out.read_text().splitlines() if out.exists() else []
        return [json.loads(line) for line in lines]

    with SSEServer() as server:
        first, second = server.route("/a", live("a")), server.route("/b", live("b"))
        out = tmp_path / "live.ndjson"
        process = subprocess.Popen(
            [sys.executable, "-m", "sseflow", "ingest", first, second, "--to", str(out)],
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.wait_for(lambda: len(rows()) == 6, timeout=10), rows()
        finally:
            stderr = interrupted(process)
    got = rows()
    assert [row["data"] for row in got if row["stream"] == first] == ["a0", "a1", "a2"]
    assert [row["data"] for row in got if row["stream"] == second] == ["b0", "b1", "b2"]
    assert all(row["id"] == row["data"][1] for row in got)  # each stream's own last ID
    assert "wrote 6 events" in stderr


def test_live_urls_decode_into_the_type_the_first_to_come_infers(tmp_path: Path) -> None:
    """With --schema infer, the URL whose events come first infers the type from its first
    second; the other's events wait for it, then decode into it (an unknown field is
    dropped, a number fills a string field), as a second file's do."""

    def late(conn: Conn) -> None:
        time.sleep(0.5)  # the other URL's event has come by then
        conn.start()
        conn.write(encode(json.dumps({"n": 3, "s": 4, "extra": True})))

    with SSEServer() as server:
        early = server.route(
            "/a",
            sequence(
                static(encode(json.dumps({"n": 1, "s": "x"})) + encode("[DONE]")),
                static(status=204),
            ),
        )
        later = server.route("/b", sequence(late, static(status=204)))
        out = tmp_path / "both.parquet"
        result = ingest(later, early, "--to", str(out), "--schema", "infer")
        assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.schema.field("json").type == pa.struct([("n", pa.int64()), ("s", pa.utf8())])
    rows = table.select(["stream", "data", "json"]).to_pylist()
    assert [row for row in rows if row["stream"] == early] == [
        {"stream": early, "data": '{"n": 1, "s": "x"}', "json": {"n": 1, "s": "x"}},
        {"stream": early, "data": "[DONE]", "json": None},
    ]
    assert [row["json"] for row in rows if row["stream"] == later] == [{"n": 3, "s": "4"}]


def test_a_url_that_fails_leaves_the_others_going(tmp_path: Path) -> None:
    with SSEServer() as server:
        broken = server.route("/gone", static(b"not found", 404, "text/plain"))
        fine = server.route("/s", sequence(static(encode("a") + encode("b")), static(status=204)))
        source = tmp_path / "first.sse"
        source.write_bytes(encode("from a file"))
        out = tmp_path / "o.parquet"
        # A URL is followed after the files, wherever it is in the list.
        result = ingest(broken, fine, str(source), "--to", str(out))
    assert result.returncode == 1
    assert pq.read_table(out).column("data").to_pylist() == ["from a file", "a", "b"]
    assert "wrote 3 events" in result.stderr
    assert f"sseflow: {broken}: " in result.stderr
    assert "404" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_url_that_fails_is_named_at_once_and_at_the_end_of_an_interrupted_run(
    tmp_path: Path,
) -> None:
    """A long run ends by a signal: a URL that failed at its start is named when it fails
    and in the last lines (before 2026-12-03, neither)."""

    def forever(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a", id="1"))
        conn.idle(30)

    with SSEServer() as server:
        good = server.route("/s", forever)
        broken = server.route("/gone", static(b"not found", 404, "text/plain"))
        out, log = tmp_path / "o.ndjson", tmp_path / "stderr.txt"
        with log.open("w") as stderr_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "sseflow", "ingest", good, broken, "--to", str(out)],
                stderr=stderr_file,
                text=True,
            )
            notice = f"sseflow: {broken}: "
            assert wait_for(lambda: notice in log.read_text(), timeout=10), log.read_text()
            assert "the other URLs go on" in log.read_text()
            assert wait_for(lambda: len(rows(out)) == 1, timeout=10)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)
    assert process.returncode == 143
    lines = log.read_text().strip().splitlines()
    assert lines[-2].startswith(notice), lines
    assert "404" in lines[-2]
    assert lines[-1].endswith("--last-event-id 1 --last-event-id ''")
    assert "Traceback" not in log.read_text()


def test_a_pipe_is_written_as_it_comes(tmp_path: Path) -> None:
    """``producer | sseflow ingest -``: rows reach the file about a second after they came,
    while the pipe is still open; at its end, the rest."""
    out = tmp_path / "piped.ndjson"
    process = subprocess.Popen(
        [sys.executable, "-m", "sseflow", "ingest", "-", "--to", str(out)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None

    def rows() -> list[str]:
        lines = out.read_text().splitlines() if out.exists() else []
        return [json.loads(line)["data"] for line in lines]

    try:
        process.stdin.write(encode("a") + encode("b") + b"data: c")
        process.stdin.flush()
        # The first two, with no more bytes for a second: cut, though the pipe is open.
        assert wait_for(lambda: rows() == ["a", "b"], timeout=10), rows()
        process.stdin.write(b"\n\n" + encode("d"))
    finally:
        _, stderr = process.communicate(timeout=20)  # closing the pipe
    assert process.returncode == 0, stderr
    assert rows() == ["a", "b", "c", "d"]
    assert b"wrote 4 events in 2 batches" in stderr


def test_the_bytes_read_are_counted_with_no_event(tmp_path: Path) -> None:
    source = tmp_path / "comments.sse"
    source.write_bytes(b": keep-alive\n" * 100_000)
    result = ingest(str(source), "--to", str(tmp_path / "out.ndjson"))
    assert result.returncode == 0, result.stderr
    assert "wrote 0 events in 0 batches" in result.stderr
    assert "(1.3 MB read in" in result.stderr


@pytest.mark.parametrize(
    ("args", "message", "status"),
    [
        (("--to", "{tmp}/out.csv"), "--to must end in .parquet, .arrow or .ndjson", 2),
        (("--to", "{tmp}/o.parquet", "--schema", "{tmp}/missing.json"), "No such file", 2),
        (
            ("--to", "{tmp}/o.ndjson", "--decode-threads", "-1"),
            "--decode-threads must be 0 or more",
            2,
        ),
        (
            ("--to", "{tmp}/o.ndjson", "--events", "a"),
            "--events is about decoding the data as JSON",
            2,
        ),
        (
            (
                "--to",
                "{tmp}/no/o.parquet",
            ),
            "there is no directory '{tmp}/no'",
            2,
        ),
        (
            ("--to", "{tmp}/o.ndjson", "--batch-rows", "0"),
            "--batch-rows must be 1 or more, got 0",
            2,
        ),
        (("--to", "{tmp}/o.ndjson", "--max-retries", "-1"), "--max-retries must be 0 or more", 2),
        (("--to", "{tmp}/o.ndjson", "--on-error", "raise"), "--on-error is about decoding", 2),
        (
            ("--to", "{tmp}/o.ndjson", "--compression", "zstd"),
            "--compression is for .parquet and",
            2,
        ),
        (("--to", "{tmp}/o.arrow", "--compression", "gzip"), "an Arrow file takes zstd, lz4 or", 2),
        (
            ("http://127.0.0.1:9/s", "--to", "{tmp}/o.ndjson", "--offsets"),
            "--offsets is for FILEs: a URL's events come over several connections",
            2,
        ),
        (("--to", "{tmp}/o.ndjson", "--roll", "10x"), "a duration is a number and s, m, h or d", 2),
        (("--to", "{tmp}/o.ndjson", "--roll", "0.5s"), "a duration is a second or more", 2),
        (("--to", "{tmp}/o.ndjson", "--roll", "1e12d"), "a duration is at most 366d", 2),
        (("--to", "{tmp}/o.ndjson", "--roll", "nand"), "a duration is a second or more", 2),
        (
            ("--to", "{tmp}/o.ndjson", "--last-event-id", "1"),
            "--last-event-id is given once for each URL, in their order: 0 URLs, 1 given",
            2,
        ),
        (
            ("http://127.0.0.1:9/s", "--to", "{tmp}/o.ndjson", "--idle-timeout", "0"),
            "--idle-timeout must be a finite number > 0, got 0.0",
            2,
        ),
        (
            ("http://127.0.0.1:9/s", "--to", "{tmp}/o.ndjson", "--last-event-id", "a\nb"),
            "--last-event-id cannot contain NUL, CR or LF",
            2,
        ),
        (("http://127.0.0.1:9/s", "--to", "{tmp}/o.ndjson", "-H", "X-A: a\rb"), "header", 2),
    ],
)
def test_usage_errors(tmp_path: Path, args: tuple[str, ...], message: str, status: int) -> None:
    source = tmp_path / "s.sse"
    source.write_bytes(TOKENS)
    result = ingest(str(source), *(a.format(tmp=tmp_path) for a in args))
    assert result.returncode == status
    assert message.format(tmp=tmp_path) in result.stderr
    assert "Traceback" not in result.stderr


def test_an_output_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    source = tmp_path / "s.sse"
    source.write_bytes(TOKENS)
    for suffix in (".parquet", ".arrow", ".ndjson"):
        out = tmp_path / f"taken{suffix}"
        out.mkdir()  # a directory where the file would be
        result = ingest(str(source), "--to", str(out))
        assert result.returncode == 2, result.stderr
        assert f"sseflow: cannot write {out}: " in result.stderr
        assert "Traceback" not in result.stderr


def test_a_url_that_is_not_an_event_stream(tmp_path: Path) -> None:
    with SSEServer() as server:
        url = server.route("/s", static(b"oops", 500, "text/plain"))
        result = ingest(url, "--to", str(tmp_path / "o.ndjson"))
        assert result.returncode == 1
        assert "500" in result.stderr
        assert "Traceback" not in result.stderr
    # No file is made, and the summary says so (before 2026-12-03: "wrote 0 events ... to").
    assert not (tmp_path / "o.ndjson").exists()
    assert "sseflow: wrote no file (0.0 MB read in " in result.stderr


def test_missing_pyarrow_names_the_extra(tmp_path: Path) -> None:
    """Run with pyarrow hidden: Parquet is refused with the extra to install; NDJSON works."""
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "pyarrow").mkdir()
    (hide / "pyarrow" / "__init__.py").write_text("raise ImportError('hidden for the test')")
    source = tmp_path / "s.sse"
    source.write_bytes(TOKENS)
    env = {**os.environ, "PYTHONPATH": str(hide)}
    result = ingest(str(source), "--to", str(tmp_path / "o.parquet"), env=env)
    assert result.returncode == 2
    assert "writing Parquet files needs pyarrow: pip install 'sseflow[arrow]'" in result.stderr
    lines = tmp_path / "o.ndjson"
    result = ingest(str(source), "--to", str(lines), "--schema", "infer", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(lines.read_text().splitlines()[3])["json"] == {"n": 3, "text": "t3"}


def test_missing_native_module_says_how_to_install_it(tmp_path: Path) -> None:
    hide = tmp_path / "hide"
    (hide / "sseflow_arrow").mkdir(parents=True)
    (hide / "sseflow_arrow" / "__init__.py").write_text("raise ImportError('hidden for the test')")
    env = {**os.environ, "PYTHONPATH": str(hide)}
    source = tmp_path / "s.sse"
    source.write_bytes(TOKENS)
    result = ingest(str(source), "--to", str(tmp_path / "o.ndjson"), env=env)
    assert result.returncode == 2
    assert "pip install ./rust/sseflow-arrow-py" in result.stderr
    help_result = subprocess.run(
        [sys.executable, "-m", "sseflow", "--help"], capture_output=True, text=True, env=env
    )
    assert help_result.returncode == 0  # the command line works without it
