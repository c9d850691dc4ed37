"""sseflow.arrow against the object path, a byte scan and the NDJSON readers, in one run.

``python -m benches.arrow [--quick]`` times, on each workload (token stream, typed
stream, change feed, 64 KiB JSON payloads; in 16 KiB chunks and one event per chunk):

- framing: ``sseflow.Parser`` making ``Event`` objects, ``BatchParser`` making record
  batches (fed chunk by chunk from Python, and through ``iter_batches``, which pulls
  the chunks from Rust), and three floors: two native calls once per chunk, a memchr
  count of the chunk's LFs (``count_line_feeds``: any reader fed from Python makes at
  least that call and looks at every byte) and a memchr search for each LF in turn
  (``find_line_feeds``: what finding its lines costs a framer that uses memchr), and
  the count with the chunks pulled from Rust (``count_line_feeds_in``: the floor of a
  reader that pulls its chunks itself);
- framing plus JSON into typed columns: today's path (``sseflow.Parser``, then
  ``orjson.loads`` of each event's data, then ``pyarrow.Table.from_pylist``),
  ``BatchParser(json_schema=...)``, and DuckDB's ``read_ndjson`` and
  ``pyarrow.json.read_json``, each on one thread, on the same data written as NDJSON;
  and ``BatchParser(json_schema=..., decode_threads=1)`` and ``=2``, which decode on one
  or two more threads while the calling one frames (two or three threads, where the
  others use one);

and the peak memory of a 1 GB token stream ingested to Parquet (``--memory-only`` runs
only that). Each time is the best of several runs, taken in turns with the other
paths of the workload (each run after one untimed run of the same path), so that a
slow stretch of a busy machine falls on all of them.
Writes ``benches/arrow_results.md`` and ``benches/arrow_results.png``.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa
import pyarrow.json as pa_json
from sseflow_arrow import count_line_feeds, count_line_feeds_in, find_line_feeds

import sseflow
from benches.report import machine
from benches.workloads import NETWORK_CHUNK, PER_EVENT, Spec, Workload, build
from sseflow.arrow import BatchParser, iter_batches

HERE = Path(__file__).resolve().parent
KINDS = (("chat", 100_000), ("typed", 100_000), ("change-feed", 100_000), ("json-payload", 300))


@dataclass
class Row:
    workload: Workload
    seconds: dict[str, float]
    """Best time of each path."""


def arrow_specs(scale: float) -> list[Spec]:
    out = []
    for kind, count in KINDS:
        size = max(10, round(count * scale))
        for chunk, label in ((NETWORK_CHUNK, "16KiB"), (PER_EVENT, "per-event")):
            out.append(Spec(f"{kind}/{label}", kind, kind, size, chunk))
    return out


def timed(run: Callable[[], int], expected: int) -> float:
    """The time of one run, which must count ``expected`` rows."""
    start = time.perf_counter()
    count = run()
    seconds = time.perf_counter() - start
    if count != expected:
        raise AssertionError(f"{run.__name__} counted {count}, expected {expected}")
    return seconds


def best(
    runs: dict[str, Callable[[], int]], repeats: int, expected: dict[str, int]
) -> dict[str, float]:
    """The best time of each of ``runs`` over ``repeats`` rounds, each round running
    every one in turn, twice in a row, timing the second: a stream is read in its
    steady state, not just after other work (whose allocations, freed, leave a
    reader to fault its buffers' pages in afresh)."""
    seconds = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            timed(run, expected[name])
            seconds[name] = min(seconds[name], timed(run, expected[name]))
    return seconds


def json_rows(workload: Workload) -> list[bytes]:
    """The data of every event that is JSON (the token stream ends in ``[DONE]``)."""
    rows = []
    parser = sseflow.Parser()
    for chunk in workload.chunks:
        parser.feed(chunk)
        rows += [event.data.encode() for event in parser if event.data != "[DONE]"]
    return rows


def paths(workload: Workload, schema: pa.Schema, ndjson: Path) -> dict[str, Callable[[], int]]:
    chunks = workload.chunks

    def parser_events() -> int:
        parser = sseflow.Parser()
        count = 0
        for chunk in chunks:
            parser.feed(chunk)
            for _event in parser:
                count += 1
        return count

    def batches() -> int:
        parser = BatchParser()
        count = 0
        for chunk in chunks:
            parser.feed(chunk)
            for batch in parser:
                count += batch.num_rows
        parser.close()
        return count + sum(batch.num_rows for batch in parser)

    def pulled_batches() -> int:
        return sum(batch.num_rows for batch in iter_batches(chunks))

    line_feeds = sum(chunk.count(b"\n") for chunk in chunks)

    def memchr_pulled() -> int:
        return workload.events if count_line_feeds_in(chunks) == line_feeds else 0

    def memchr_scan() -> int:
        lines = 0
        for chunk in chunks:
            lines += count_line_feeds(chunk)
        return workload.events if lines == line_feeds else 0

    def memchr_line_search() -> int:
        lines = 0
        for chunk in chunks:
            lines += find_line_feeds(chunk)
        return workload.events if lines == line_feeds else 0

    def today() -> int:
        parser = sseflow.Parser()
        values = []
        loads = orjson.loads
        for chunk in chunks:
            parser.feed(chunk)
            for event in parser:
                if event.data != "[DONE]":
                    values.append(loads(event.data))
        return int(pa.Table.from_pylist(values, schema=schema).num_rows)

    def batches_json(decode_threads: int = 0) -> int:
        count = 0
        for batch in iter_batches(chunks, json_schema=schema, decode_threads=decode_threads):
            count += batch.num_rows
        return count - (workload.events - json_events)

    def batches_json_one_thread() -> int:
        return batches_json(decode_threads=1)

    def batches_json_two_threads() -> int:
        return batches_json(decode_threads=2)

    def duckdb_ndjson() -> int:
        con = duckdb.connect()
        con.execute("SET threads = 1")
        query = f"SELECT * FROM read_ndjson('{ndjson}', sample_size = -1)"
        table = con.sql(query).to_arrow_table()
        return int(table.num_rows)

    def pyarrow_json() -> int:
        options = pa_json.ReadOptions(use_threads=False, block_size=8 << 20)
        parse = pa_json.ParseOptions(explicit_schema=schema)
        return int(pa_json.read_json(str(ndjson), options, parse).num_rows)

    json_events = ndjson.read_bytes().count(b"\n")
    return {
        "sseflow.Parser (Events)": parser_events,
        "BatchParser": batches,
        "iter_batches": pulled_batches,
        "memchr scan": memchr_scan,
        "memchr line search": memchr_line_search,
        "memchr scan, pulled": memchr_pulled,
        "Parser + orjson + Arrow": today,
        "BatchParser + JSON": batches_json,
        THREADED[0]: batches_json_one_thread,
        THREADED[1]: batches_json_two_threads,
        "DuckDB read_ndjson": duckdb_ndjson,
        "pyarrow.json.read_json": pyarrow_json,
    }


FRAMING = (
    "sseflow.Parser (Events)",
    "BatchParser",
    "iter_batches",
    "memchr scan",
    "memchr line search",
    "memchr scan, pulled",
)
THREADED = ("BatchParser + JSON, 1 decode thread", "BatchParser + JSON, 2 decode threads")
"""Framing on the calling thread, decoding on one or two more: two or three threads in all."""
JSON_PATHS = (
    "Parser + orjson + Arrow",
    "BatchParser + JSON",
    *THREADED,
    "DuckDB read_ndjson",
    "pyarrow.json.read_json",
)


def measure(spec: Spec, repeats: int, tmp: Path) -> Row:
    workload = build(spec)
    rows = json_rows(workload)
    ndjson = tmp / f"{spec.kind}.ndjson"
    ndjson.write_bytes(b"\n".join(rows) + b"\n")
    schema = pa_json.read_json(io.BytesIO(ndjson.read_bytes())).schema
    expected = {name: workload.events for name in FRAMING}
    expected.update({name: len(rows) for name in JSON_PATHS})
    return Row(workload, best(paths(workload, schema, ndjson), repeats, expected))


def memory_child(gigabytes: float, out: str) -> None:
    """Ingests a token stream of ``gigabytes`` GB into Parquet; prints bytes and peak RSS."""
    import pyarrow.parquet as pq

    spec = Spec("chat", "chat", "chat", 20_000, NETWORK_CHUNK)
    stream = b"".join(build(spec).chunks)
    total = int(gigabytes * 1e9)

    def chunks() -> Iterator[bytes]:
        sent = 0
        while sent < total:
            for start in range(0, len(stream), NETWORK_CHUNK):
                yield stream[start : start + NETWORK_CHUNK]
            sent += len(stream)

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    batches = iter_batches(chunks(), batch_bytes=8 << 20)
    writer = None
    rows = 0
    for batch in batches:
        if writer is None:
            writer = pq.ParquetWriter(out, pa.schema(batch.schema))
        writer.write_batch(pa.record_batch(batch))
        rows += batch.num_rows
    assert writer is not None
    writer.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"bytes": total, "rows": rows, "baseline": baseline, "peak": peak}))


def peak_memory(gigabytes: float) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out.parquet")
        code = f"from benches.arrow import memory_child; memory_child({gigabytes}, {out!r})"
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
    measured: dict[str, int] = json.loads(result.stdout)
    return measured


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x"


def report(rows: list[Row], memory: dict[str, int] | None, quick: bool) -> str:
    lines = ["# sseflow.arrow benchmarks", ""]
    lines += [f"- {key}: {value}" for key, value in machine().items()]
    for package in ("pyarrow", "duckdb", "orjson", "polars"):
        from importlib.metadata import version

        lines.append(f"- {package}: {version(package)}")
    lines += ["", f"Scale: {'quick (a tenth)' if quick else 'full'}; best of several runs.", ""]
    lines += ["## Framing into Arrow", ""]
    lines.append(
        "| workload | MB | Parser events/s | BatchParser events/s | BatchParser vs Parser "
        "| at most (Parser vs memchr scan) | BatchParser time vs memchr scan "
        "| BatchParser time vs memchr line search | iter_batches events/s "
        "| iter_batches vs Parser | iter_batches time vs pulled memchr scan |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        s, w = row.seconds, row.workload
        lines.append(
            f"| {w.name} | {w.nbytes / 1e6:.1f} "
            f"| {w.events / s['sseflow.Parser (Events)']:,.0f} "
            f"| {w.events / s['BatchParser']:,.0f} "
            f"| {_ratio(s['sseflow.Parser (Events)'], s['BatchParser'])} "
            f"| {_ratio(s['sseflow.Parser (Events)'], s['memchr scan'])} "
            f"| {_ratio(s['BatchParser'], s['memchr scan'])} "
            f"| {_ratio(s['BatchParser'], s['memchr line search'])} "
            f"| {w.events / s['iter_batches']:,.0f} "
            f"| {_ratio(s['sseflow.Parser (Events)'], s['iter_batches'])} "
            f"| {_ratio(s['iter_batches'], s['memchr scan, pulled'])} |"
        )
    lines += [
        "",
        "`at most`: the ratio a framer would reach if it cost no more than the memchr scan,",
        "which makes one native call per chunk and looks at every byte once. The memchr line",
        "search makes the same call, in which it finds each LF with a memchr search from past",
        "the last one, as a framer using memchr finds its lines. `BatchParser` is fed one",
        "chunk per call from a Python loop; `iter_batches` pulls the chunks from Rust, as the",
        "pulled memchr scan does.",
    ]
    lines += ["", "## Framing plus JSON into typed columns", ""]
    lines.append(
        "| workload | BatchParser+JSON MB/s | vs Parser+orjson+Arrow | vs DuckDB read_ndjson "
        "| vs pyarrow.json.read_json | 1 decode thread: MB/s | vs Parser+orjson+Arrow "
        "| vs DuckDB | vs pyarrow | 2 decode threads: MB/s | vs Parser+orjson+Arrow "
        "| vs DuckDB | vs pyarrow |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        s, w = row.seconds, row.workload
        ours = s["BatchParser + JSON"]
        cells = [
            f"{w.nbytes / 1e6 / ours:,.0f}",
            _ratio(s["Parser + orjson + Arrow"], ours),
            _ratio(s["DuckDB read_ndjson"], ours),
            _ratio(s["pyarrow.json.read_json"], ours),
        ]
        for name in THREADED:
            cells += [
                f"{w.nbytes / 1e6 / s[name]:,.0f}",
                _ratio(s["Parser + orjson + Arrow"], s[name]),
                _ratio(s["DuckDB read_ndjson"], s[name]),
                _ratio(s["pyarrow.json.read_json"], s[name]),
            ]
        lines.append(f"| {w.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Ratios above 1x: sseflow.arrow is that many times faster. The NDJSON readers and "
        "the first columns use one thread; `decode_threads=1` uses two (framing on the "
        "calling thread, decoding on the other), `decode_threads=2` three, on this machine's "
        "cores.",
        "",
    ]
    lines += ["## Every time (seconds)", ""]
    names = list(rows[0].seconds)
    lines.append("| workload | " + " | ".join(names) + " |")
    lines.append("|---" * (len(names) + 1) + "|")
    for row in rows:
        times = " | ".join(f"{row.seconds[name]:.4f}" for name in names)
        lines.append(f"| {row.workload.name} | {times} |")
    if memory is not None:
        lines += ["", "## Memory", ""]
        lines.append(
            f"A {memory['bytes'] / 1e9:.1f} GB token stream ({memory['rows']:,} events) "
            "ingested to Parquet by `iter_batches(..., batch_bytes=8 MiB)` and "
            f"`pyarrow.parquet.ParquetWriter`: peak RSS {memory['peak'] / 1e6:.0f} MB "
            f"(the interpreter with pyarrow imported: {memory['baseline'] / 1e6:.0f} MB)."
        )
    return "\n".join(lines) + "\n"


def chart(rows: list[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (framing, decoding) = plt.subplots(1, 2, figsize=(13, 4.8))
    names = [row.workload.name for row in rows]
    positions = range(len(rows))
    for axis, group, title in (
        (framing, FRAMING, "Framing: events/s (higher is better)"),
        (decoding, JSON_PATHS, "Framing + JSON to typed columns: MB/s"),
    ):
        width = 0.8 / len(group)
        for index, name in enumerate(group):
            if axis is framing:
                values = [row.workload.events / row.seconds[name] for row in rows]
            else:
                values = [row.workload.nbytes / 1e6 / row.seconds[name] for row in rows]
            axis.bar([p + index * width for p in positions], values, width, label=name)
        axis.set_xticks([p + 0.4 - width / 2 for p in positions], names, rotation=35, ha="right")
        axis.set_yscale("log")
        axis.set_title(title)
        axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes, 2 runs")
    parser.add_argument("--memory-only", action="store_true", help="only the 1 GB Parquet run")
    parser.add_argument("--gigabytes", type=float, default=1.0, help="of the memory run")
    args = parser.parse_args(argv)
    memory = peak_memory(args.gigabytes)
    print(f"1 GB to Parquet: peak RSS {memory['peak'] / 1e6:.0f} MB", flush=True)
    if args.memory_only:
        return 0
    scale, repeats = (0.1, 2) if args.quick else (1.0, 5)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in arrow_specs(scale):
            rows.append(measure(spec, repeats, Path(tmp)))
            s = rows[-1].seconds
            print(
                f"{spec.name:24} framing {_ratio(s['sseflow.Parser (Events)'], s['BatchParser'])}"
                f" Parser, {_ratio(s['BatchParser'], s['memchr scan'])} scan; iter_batches "
                f"{_ratio(s['sseflow.Parser (Events)'], s['iter_batches'])} Parser, "
                f"{_ratio(s['iter_batches'], s['memchr scan, pulled'])} pulled scan; json "
                f"{_ratio(s['Parser + orjson + Arrow'], s['BatchParser + JSON'])} today, "
                f"{_ratio(s['DuckDB read_ndjson'], s['BatchParser + JSON'])} duckdb, "
                f"{_ratio(s['pyarrow.json.read_json'], s['BatchParser + JSON'])} pyarrow; "
                f"decode threads 1/2 {_ratio(s['Parser + orjson + Arrow'], s[THREADED[0]])}/"
                f"{_ratio(s['Parser + orjson + Arrow'], s[THREADED[1]])} today, "
                f"{_ratio(s['pyarrow.json.read_json'], s[THREADED[0]])}/"
                f"{_ratio(s['pyarrow.json.read_json'], s[THREADED[1]])} pyarrow",
                flush=True,
            )
    text = report(rows, memory, args.quick)
    (HERE / "arrow_results.md").write_text(text)
    chart(rows, HERE / "arrow_results.png")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
