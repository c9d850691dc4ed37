"""Runs every workload through every implementation in one process and reports.

``python -m benches.report [--quick]`` prints MB/s, events/s and the ratios to the
floor and to the fastest peer, the long lines' time per byte at the largest size
against the smallest, the cost of ``feed`` on a 1-byte chunk against a no-op native
call, and the peak memory of a 100 MB line fed in 4 KiB chunks (each in a fresh
subprocess: its peak resident set, VmHWM, or ``resource.getrusage`` without /proc).
Writes ``benches/results.md`` and ``benches/results.png``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import time
import timeit
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from types import FrameType

import sseflow
import sseflow.reference
from benches.peers import BY_NAME, IMPLS, KNOWN_DEVIATIONS, Impl, Tally, excluded
from benches.workloads import KIB, LONG_LINE_CHUNKS, PER_EVENT, Spec, Workload, build, specs

HERE = Path(__file__).resolve().parent
SMALL_EVENT_GROUPS = ("chat", "chat-crlf", "typed", "change-feed")
MEMORY_IMPLS = ("sseflow", "sseflow.reference", "httpx-sse", "openai")
PACKAGES = ("sseflow", "httpx", "httpx-sse", "openai", "sseclient-py", "pytest-benchmark")


@dataclass(frozen=True)
class Settings:
    """How big and how often."""

    scale: float
    repeats: int
    budget: float
    """Seconds of timed runs per case after the first."""
    limit: float
    """Seconds the first run of a case may take before it is abandoned."""
    memory_line: int
    feed_calls: int
    quick: bool


FULL = Settings(1.0, 7, 10.0, 120.0, 100_000_000, 200_000, quick=False)
QUICK = Settings(0.1, 3, 2.0, 30.0, 20_000_000, 50_000, quick=True)


@dataclass
class Result:
    """One implementation on one workload."""

    seconds: float | None = None
    runs: int = 0
    tally: Tally | None = None
    note: str = ""


@dataclass
class Row:
    """All implementations on one workload."""

    spec: Spec
    nbytes: int
    chunks: int
    events: int
    data_len: int
    results: dict[str, Result] = field(default_factory=dict)

    def seconds(self, name: str) -> float | None:
        """The best time of ``name``, if it ran."""
        result = self.results.get(name)
        return None if result is None else result.seconds

    def best_peer(self) -> tuple[str, float] | None:
        """The fastest peer that ran, and its time."""
        timed = [(s, i.name) for i in IMPLS if i.peer and (s := self.seconds(i.name)) is not None]
        if not timed:
            return None
        seconds, name = min(timed)
        return name, seconds


# ---------------------------------------------------------------- timing


class _TooSlow(Exception):
    pass


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _TooSlow


def _timed(run: Callable[[Workload], Tally], workload: Workload) -> tuple[float, Tally]:
    """One run with the garbage collector off, as timeit does."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        tally = run(workload)
        return time.perf_counter() - start, tally
    finally:
        gc.enable()


def _first_run(impl: Impl, workload: Workload, settings: Settings) -> Result:
    """One run, abandoned (SIGALRM) if it takes longer than ``settings.limit``."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, settings.limit)
    try:
        seconds, tally = _timed(impl.run, workload)
    except _TooSlow:
        return Result(note=f"abandoned after {settings.limit:g} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return Result(seconds=seconds, runs=1, tally=tally)


def measure_row(impls: list[Impl], workload: Workload, settings: Settings) -> dict[str, Result]:
    """Min of up to ``repeats`` runs of each implementation, as many as fit the budget.

    The runs go round the implementations in turn, so that a busy spell of the machine
    slows them all rather than one.
    """
    results = {impl.name: _first_run(impl, workload, settings) for impl in impls}
    spent = {name: result.seconds or 0.0 for name, result in results.items()}
    for _ in range(settings.repeats - 1):
        for impl in impls:
            result = results[impl.name]
            if result.seconds is None or spent[impl.name] + result.seconds > settings.budget:
                continue
            seconds, tally = _timed(impl.run, workload)
            if tally != result.tally:
                raise AssertionError(f"{impl.name} on {workload.name}: runs disagree")
            spent[impl.name] += seconds
            result.seconds = min(result.seconds, seconds)
            result.runs += 1
    return results


def run_matrix(settings: Settings, only: re.Pattern[str] | None) -> list[Row]:
    """Every implementation on every workload (that ``only`` matches)."""
    rows: list[Row] = []
    for spec in specs(settings.scale):
        if only is not None and not only.search(spec.name):
            continue
        workload = build(spec)
        row = Row(spec, workload.nbytes, len(workload.chunks), workload.events, workload.data_len)
        run = [impl for impl in IMPLS if excluded(impl, spec) is None]
        measured = measure_row(run, workload, settings)
        for impl in IMPLS:
            reason = excluded(impl, spec)
            row.results[impl.name] = measured.get(impl.name) or Result(note=f"left out: {reason}")
        rows.append(row)
        _progress(row)
        del workload
    return rows


def _progress(row: Row) -> None:
    parts = []
    for name, result in row.results.items():
        shown = f"{result.seconds * 1e3:.1f}ms" if result.seconds is not None else "-"
        parts.append(f"{name} {shown}")
    print(f"  {row.spec.name:<24} " + ", ".join(parts), file=sys.stderr, flush=True)


# ---------------------------------------------------------------- feed and memory


@dataclass(frozen=True)
class FeedCost:
    """Nanoseconds per call: ``feed`` of a 1-byte chunk and the no-op native calls."""

    native_feed: float
    reference_feed: float
    builtin_noop: float
    method_noop: float


def _per_call(stmt: str, names: dict[str, object], number: int) -> float:
    timer = timeit.Timer(stmt, globals=names)
    return min(timer.repeat(repeat=15, number=number)) / number * 1e9


def feed_cost(number: int) -> FeedCost:
    """``parser.feed(b"x")`` inside a long line against ``len(b"x")`` and ``{}.get(b"x")``."""
    costs = {}
    for name in ("sseflow", "sseflow.reference"):
        parser = _parser(name)
        parser.feed(b"data: ")
        costs[name] = _per_call("feed(one)", {"feed": parser.feed, "one": b"x"}, number)
    return FeedCost(
        native_feed=costs["sseflow"],
        reference_feed=costs["sseflow.reference"],
        builtin_noop=_per_call("noop(one)", {"noop": len, "one": b"x"}, number),
        method_noop=_per_call("noop(one)", {"noop": {}.get, "one": b"x"}, number),
    )


def _parser(
    name: str,
) -> sseflow.Parser[sseflow.Event] | sseflow.reference.Parser[sseflow.reference.Event]:
    return sseflow.Parser() if name == "sseflow" else sseflow.reference.Parser()


def _line_chunks(size: int) -> Iterator[bytes]:
    """``data: `` + ``size`` bytes + a blank line, in 4 KiB chunks, made lazily."""
    chunk = b"x" * (4 * KIB)
    whole, rest = divmod(size, len(chunk))
    yield b"data: "
    for _ in range(whole):
        yield chunk
    yield b"x" * rest + b"\n\n"


def _peak_rss() -> int:
    """This process's peak resident set size in bytes.

    On Linux, VmHWM of /proc/self/status: it belongs to the process image, so unlike
    ru_maxrss it does not start at the parent's size at fork. Elsewhere, ru_maxrss.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _reset_peak_rss() -> None:
    """Lowers the peak to the current size, where Linux allows it (clear_refs 5)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def memory_child(name: str, size: int) -> None:
    """In a fresh process: peak RSS growth while ``name`` parses one ``size``-byte line."""
    impl = BY_NAME[name]
    workload = Workload(
        name="memory",
        group="memory",
        chunks=_LazyChunks(size),
        events=1,
        data_len=size,
        nbytes=size + 8,
        ready=[],
    )
    gc.collect()
    _reset_peak_rss()
    before = _peak_rss()
    tally = impl.run(workload)
    after = _peak_rss()
    print(json.dumps({"tally": list(tally), "grown": after - before}))


class _LazyChunks:
    """Iterable of a long line's chunks, generated afresh on each iteration."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __iter__(self) -> Iterator[bytes]:
        return _line_chunks(self.size)

    def __len__(self) -> int:
        return 2 + self.size // (4 * KIB)

    def __contains__(self, item: object) -> bool:
        return any(chunk == item for chunk in self)


@dataclass(frozen=True)
class Memory:
    """Peak RSS growth for one implementation, in bytes, or why it is missing."""

    name: str
    grown: int | None
    note: str = ""


def peak_memory(size: int, names: Iterable[str]) -> list[Memory]:
    """Runs :func:`memory_child` for each implementation in its own subprocess."""
    out = []
    for name in names:
        command = [sys.executable, "-m", "benches.report", "--memory-child", name, str(size)]
        done = subprocess.run(
            command, capture_output=True, text=True, cwd=HERE.parent, check=False, timeout=600
        )
        if done.returncode != 0:
            out.append(Memory(name, None, done.stderr.strip().splitlines()[-1]))
            continue
        found = json.loads(done.stdout)
        if tuple(found["tally"]) != (1, size):
            out.append(Memory(name, None, f"wrong events: {found['tally']}"))
            continue
        out.append(Memory(name, int(found["grown"])))
    return out


# ---------------------------------------------------------------- machine


def machine() -> dict[str, str]:
    """CPU, cores, OS, Python, package versions and the commit measured."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "OS": platform.platform(),
        "Python": platform.python_version(),
    }
    for package in PACKAGES:
        try:
            info[package] = version(package)
        except Exception:
            info[package] = "?"
    info["commit"] = _command("git", "rev-parse", "--short", "HEAD")
    if _command("git", "status", "--porcelain", "--untracked-files=no"):
        info["commit"] += " (with uncommitted changes)"
    info["rustc"] = _command("rustc", "--version")
    if hasattr(os, "getloadavg"):
        info["load average at start"] = f"{os.getloadavg()[0]:.2f}"
    return info


def _command(*argv: str) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, cwd=HERE.parent, check=False)
    except OSError:
        return "?"
    return done.stdout.strip()


# ---------------------------------------------------------------- formatting


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _correct(row: Row, name: str) -> str:
    tally = row.results[name].tally
    if tally is None:
        return "-"
    if tally == (row.events, row.data_len):
        return "yes"
    if (name, row.spec.group) in KNOWN_DEVIATIONS:
        return f"no ({tally[0]} events)*"
    return f"NO ({tally[0]} events, {tally[1]} chars)"


def detail_table(rows: list[Row]) -> list[list[str]]:
    """One line per (workload, implementation)."""
    table = [
        [
            "workload",
            "implementation",
            "time ms",
            "MB/s",
            "events/s",
            "x floor",
            "x best peer",
            "spec events",
        ]
    ]
    for row in rows:
        floor = row.seconds("floor")
        best = row.best_peer()
        for name, result in row.results.items():
            seconds = result.seconds
            if seconds is None:
                table.append([row.spec.name, name, result.note, "", "", "", "", ""])
                continue
            table.append(
                [
                    row.spec.name,
                    name,
                    f"{seconds * 1e3:.2f}",
                    f"{row.nbytes / seconds / 1e6:.1f}",
                    f"{row.events / seconds:,.0f}",
                    _ratio(seconds / floor if floor else None),
                    _ratio(seconds / best[1] if best else None),
                    _correct(row, name),
                ]
            )
    return table


def summary_table(rows: list[Row]) -> list[list[str]]:
    """One line per workload: sseflow against the floor and the fastest peer."""
    table = [
        [
            "workload",
            "bytes",
            "chunks",
            "events",
            "sseflow MB/s",
            "sseflow x floor",
            "fastest peer",
            "sseflow speed-up",
        ]
    ]
    for row in rows:
        ours, floor, best = row.seconds("sseflow"), row.seconds("floor"), row.best_peer()
        table.append(
            [
                row.spec.name,
                f"{row.nbytes:,}",
                f"{row.chunks:,}",
                f"{row.events:,}",
                "-" if ours is None else f"{row.nbytes / ours / 1e6:.0f}",
                _ratio(ours / floor if ours and floor else None),
                "-" if best is None else best[0],
                _ratio(best[1] / ours if ours and best else None),
            ]
        )
    return table


def _growth(rows: list[Row], name: str, chunk: int) -> tuple[float, float | None] | None:
    """For a long-line series: time per byte at the largest size that ``name`` ran over the
    smallest, and the same for ``name``'s time relative to the floor's (None without it)."""
    timed = sorted(
        (r.spec.size, t / r.nbytes, r.seconds("floor"))
        for r in rows
        if r.spec.long_line and r.spec.chunk == chunk and (t := r.seconds(name))
    )
    if len(timed) < 2:
        return None
    (_, first, first_floor), (_, last, last_floor) = timed[0], timed[-1]
    if first_floor is None or last_floor is None:
        return last / first, None
    return last / first, (last * timed[-1][0]) / last_floor / ((first * timed[0][0]) / first_floor)


def linearity_table(rows: list[Row]) -> list[list[str]]:
    """Long lines: ns per byte at each size, and the largest size's against the smallest
    (also relative to the floor, which cancels the cost of walking a huge chunk list)."""
    long_rows = [row for row in rows if row.spec.long_line]
    sizes = sorted({row.spec.size for row in long_rows})
    if not sizes:
        return []
    head = ["implementation", "chunk"] + [f"ns/B @ {size:,} B" for size in sizes]
    table = [[*head, "largest / smallest", "same, x floor"]]
    for impl in IMPLS:
        for chunk in LONG_LINE_CHUNKS:
            per_byte: list[float | None] = []
            for size in sizes:
                match = [r for r in long_rows if r.spec.size == size and r.spec.chunk == chunk]
                seconds = match[0].seconds(impl.name) if match else None
                per_byte.append(None if seconds is None else seconds / match[0].nbytes * 1e9)
            measured = [s for s, v in zip(sizes, per_byte, strict=True) if v is not None]
            growth = _growth(rows, impl.name, chunk)
            ratio = relative = "-"
            if growth is not None:
                ratio = f"{growth[0]:.2f}x"
                if measured[-1] != sizes[-1]:
                    ratio += f" (at {measured[-1]:,} B)"
                relative = _ratio(growth[1])
            cells = ["-" if v is None else f"{v:.2f}" for v in per_byte]
            table.append([impl.name, f"{chunk} B", *cells, ratio, relative])
    return table


def targets(rows: list[Row], feed: FeedCost | None, memory: list[Memory], line: int) -> list[str]:
    """The issue's targets, each with the measured value."""
    lines = []

    def check(label: str, value: float | None, limit: float, above: bool = False) -> None:
        if value is None:
            lines.append(f"- {label}: not measured")
            return
        met = value >= limit if above else value <= limit
        sign = ">=" if above else "<="
        status = "met" if met else "NOT met"
        lines.append(f"- {label}: {value:.2f}x (target {sign} {limit:g}x): {status}")

    for row in rows:
        ours, floor, best = row.seconds("sseflow"), row.seconds("floor"), row.best_peer()
        if ours is None or floor is None:
            continue
        if row.spec.group in SMALL_EVENT_GROUPS:
            check(f"{row.spec.name}: sseflow / floor", ours / floor, 2.0)
            speedup = best[1] / ours if best else None
            check(f"{row.spec.name}: fastest peer / sseflow", speedup, 5.0, above=True)
        parsed = row.seconds("sseflow parse()")
        if row.spec.group == "chat" and row.spec.chunk == PER_EVENT and parsed is not None:
            # The one-event-per-chunk token stream through parse() (issue 11, section 4).
            check(f"{row.spec.name}: sseflow parse() / floor", parsed / floor, 1.5)
            speedup = best[1] / parsed if best else None
            check(f"{row.spec.name}: fastest peer / sseflow parse()", speedup, 7.0, above=True)
        elif row.spec.group.startswith("payload"):
            check(f"{row.spec.name}: sseflow / floor", ours / floor, 1.5)
        elif row.spec.long_line and row.spec.chunk == 64:
            check(f"{row.spec.name}: sseflow / floor", ours / floor, 3.0)
    for chunk in LONG_LINE_CHUNKS:
        growth = _growth(rows, "sseflow", chunk)
        if growth is not None:
            sizes = sorted(r.spec.size for r in rows if r.spec.long_line and r.spec.chunk == chunk)
            label = f"long line, {chunk} B chunks: ns/B at {sizes[-1]:,} B / at {sizes[0]:,} B"
            check(label, growth[0], 1.3)
            if growth[1] is not None:
                lines.append(f"  (the same relative to the floor: {growth[1]:.2f}x)")
    if feed is not None:
        check("feed(1 byte) / no-op native method call", feed.native_feed / feed.method_noop, 3.0)
    for entry in memory:
        if entry.name == "sseflow":
            grown = None if entry.grown is None else entry.grown / line
            check(f"peak memory growth / line size ({line:,} B line, 4 KiB chunks)", grown, 2.5)
    return lines


def render_text(table: list[list[str]]) -> str:
    """A plain aligned table."""
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    out = []
    for index, line in enumerate(table):
        out.append("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if index == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out)


def render_markdown(table: list[list[str]]) -> str:
    """A GitHub-flavoured markdown table."""
    out = ["| " + " | ".join(table[0]) + " |", "|" + "---|" * len(table[0])]
    out.extend("| " + " | ".join(line) + " |" for line in table[1:])
    return "\n".join(out)


# ---------------------------------------------------------------- outputs


def chart(rows: list[Row], path: Path, title: str) -> None:
    """Horizontal bars: each implementation's time relative to the floor, per workload."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [impl.name for impl in IMPLS if impl.name != "floor"]
    fig_height = 1.0 + 0.55 * len(rows)
    fig, axis = plt.subplots(figsize=(10, fig_height))
    height = 0.8 / len(names)
    for index, name in enumerate(names):
        values, positions = [], []
        for position, row in enumerate(rows):
            seconds, floor = row.seconds(name), row.seconds("floor")
            if seconds is not None and floor:
                values.append(seconds / floor)
                positions.append(position + index * height)
        axis.barh(positions, values, height=height, label=name)
    axis.set_yticks([p + 0.4 - height / 2 for p in range(len(rows))])
    axis.set_yticklabels([row.spec.name for row in rows], fontsize=8)
    axis.invert_yaxis()
    axis.set_xscale("log")
    axis.axvline(1.0, color="black", linewidth=0.8)
    axis.set_xlabel(
        "time relative to the floor (1 = building the events, no parsing; lower is better)"
    )
    axis.legend(fontsize=8, ncol=len(names), loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.suptitle(title, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def markdown(
    rows: list[Row],
    info: dict[str, str],
    command: str,
    feed: FeedCost | None,
    memory: list[Memory],
    settings: Settings,
    elapsed: float,
) -> str:
    """The whole report as markdown."""
    parts = [
        "# sseflow benchmark results",
        "",
        f"Command: `{command}` ({'quick' if settings.quick else 'full'} run, workload scale "
        f"{settings.scale:g}, min of up to {settings.repeats} runs, {elapsed:.0f} s in all).",
        "",
        "Machine and versions: " + "; ".join(f"{k} {v}" for k, v in info.items()) + ".",
        "",
        "The floor walks the same chunks and builds the same `sseflow.Event` objects from",
        "pre-split fields, decoding each event's data bytes: no scanning, no line splitting,",
        "no buffering. `x floor` is an implementation's time over the floor's; `x best peer`",
        "its time over the fastest of httpx-sse, openai and sseclient-py on that workload.",
        "",
        "## Summary",
        "",
        render_markdown(summary_table(rows)),
        "",
        "## Targets",
        "",
        *targets(rows, feed, memory, settings.memory_line),
        "",
        "## Every implementation",
        "",
        render_markdown(detail_table(rows)),
        "",
    ]
    deviations = sorted({(n, g) for n, g in KNOWN_DEVIATIONS for r in rows if r.spec.group == g})
    if deviations:
        parts.append("\\* Known deviation from the standard, timed as it is:")
        parts.extend(f"- {n} on {g}: {KNOWN_DEVIATIONS[(n, g)]}." for n, g in deviations)
        parts.append("")
    linear = linearity_table(rows)
    if linear:
        parts += ["## Long lines: time per byte", "", render_markdown(linear), ""]
    if feed is not None:
        parts += [
            "## `feed` of a 1-byte chunk",
            "",
            "| call | ns per call |",
            "|---|---|",
            f"| `sseflow.Parser.feed(b'x')` | {feed.native_feed:.1f} |",
            f"| `sseflow.reference.Parser.feed(b'x')` | {feed.reference_feed:.1f} |",
            f"| `len(b'x')` (no-op builtin) | {feed.builtin_noop:.1f} |",
            f"| `{{}}.get(b'x')` (no-op native method call) | {feed.method_noop:.1f} |",
            "",
        ]
    if memory:
        parts += [
            f"## Peak memory: one {settings.memory_line:,}-byte line in 4 KiB chunks",
            "",
            "Growth of the peak resident set of a fresh subprocess while it parses the line",
            "(VmHWM of /proc/self/status, reset to the current size first; ru_maxrss where",
            "there is no /proc); the chunks are made lazily, so the input is not counted, the",
            "event's data string is.",
            "",
            "| implementation | peak growth MB | x line |",
            "|---|---|---|",
        ]
        for entry in memory:
            if entry.grown is None:
                parts.append(f"| {entry.name} | {entry.note} | - |")
            else:
                ratio = entry.grown / settings.memory_line
                parts.append(f"| {entry.name} | {entry.grown / 1e6:.1f} | {ratio:.2f}x |")
        parts.append("")
    left_out = [
        f"- {row.spec.name} x {name}: {result.note}"
        for row in rows
        for name, result in row.results.items()
        if result.seconds is None
    ]
    if left_out:
        parts += ["## Not measured", "", *left_out, ""]
    return "\n".join(parts)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benches.report", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes, fewer runs")
    parser.add_argument("--repeat", type=int, help="runs per case (min is kept)")
    parser.add_argument("--only", help="only workloads whose name matches this regex")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument("--no-chart", action="store_true", help="do not write the PNG chart")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for results.md/.png")
    parser.add_argument("--memory-child", nargs=2, metavar=("IMPL", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child[0], int(args.memory_child[1]))
        return 0
    settings = QUICK if args.quick else FULL
    if args.repeat:
        settings = Settings(**{**settings.__dict__, "repeats": args.repeat})
    command = "python -m benches.report" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    started = time.perf_counter()
    info = machine()
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    only = re.compile(args.only) if args.only else None
    rows = run_matrix(settings, only)
    feed = feed_cost(settings.feed_calls)
    memory = [] if args.no_memory else peak_memory(settings.memory_line, MEMORY_IMPLS)
    elapsed = time.perf_counter() - started
    if hasattr(os, "getloadavg"):
        info["at end"] = f"{os.getloadavg()[0]:.2f}"
    print()
    print(render_text(summary_table(rows)))
    print()
    print(render_text(detail_table(rows)))
    linear = linearity_table(rows)
    if linear:
        print()
        print(render_text(linear))
    print()
    print(
        f"feed(b'x'): sseflow {feed.native_feed:.1f} ns, reference {feed.reference_feed:.1f} ns; "
        f"no-op len(b'x') {feed.builtin_noop:.1f} ns, {{}}.get(b'x') {feed.method_noop:.1f} ns"
    )
    for entry in memory:
        shown = entry.note if entry.grown is None else f"{entry.grown / 1e6:.1f} MB"
        print(f"peak memory growth, {settings.memory_line:,} B line: {entry.name}: {shown}")
    print()
    print("\n".join(targets(rows, feed, memory, settings.memory_line)))
    args.out.mkdir(parents=True, exist_ok=True)
    text = markdown(rows, info, command, feed, memory, settings, elapsed)
    text += wrapper_section(settings, only)
    (args.out / "results.md").write_text(text + "\n")
    if not args.no_chart:
        title = (
            f"{info['CPU']}, {info['cores']} cores; Python {info['Python']}; httpx-sse "
            f"{info['httpx-sse']}, openai {info['openai']}, sseclient-py {info['sseclient-py']}; "
            f"{command}"
        )
        chart(rows, args.out / "results.png", title)
    print(f"\nwrote {args.out / 'results.md'}" + ("" if args.no_chart else " and results.png"))
    return 0


# ---------------------------------------------------------------- wrappers (issue 5, last part)
# Kept apart from the rest: the httpx wrappers on in-memory responses, and many concurrent
# streams on loopback (benches/wrappers.py, benches/concurrent.py). Returns a markdown section.


def wrapper_section(settings: Settings, only: re.Pattern[str] | None) -> str:
    """Times ``sseflow.httpx`` against httpx-sse on in-memory responses of the wrapper
    workloads (those ``only`` matches), beside the bare ``sseflow.Parser``; then runs
    ``python -m benches.concurrent --json`` in a subprocess (unless ``only`` is given and
    does not match "concurrent"). Prints the tables; returns them as markdown."""
    import asyncio

    from benches import concurrent
    from benches.wrappers import WORKLOADS, WRAPPERS, rival

    table = [["workload", "client", "time ms", "events/s", "x bare sseflow.Parser"]]
    table[0] += ["speed-up over httpx-sse", "spec events"]
    chosen = [s for s in specs(settings.scale) if s.name in WORKLOADS]
    with asyncio.Runner() as runner:
        impls = [BY_NAME["sseflow"], *(wrapper.bind(runner) for wrapper in WRAPPERS)]
        parsers = {wrapper.name: wrapper.parser for wrapper in WRAPPERS}
        for spec in chosen:
            if only is not None and not only.search(spec.name):
                continue
            workload = build(spec)
            results = measure_row(impls, workload, settings)
            bare = results["sseflow"].seconds
            for name, result in results.items():
                seconds = result.seconds
                if seconds is None:
                    table.append([spec.name, name, result.note, "", "", "", ""])
                    continue
                other = results[rival(name)].seconds if name in parsers else None
                speedup = _ratio(other / seconds if other and name.startswith("sseflow") else None)
                if result.tally == (workload.events, workload.data_len):
                    correct = "yes"
                elif (parsers.get(name), spec.group) in KNOWN_DEVIATIONS:
                    correct = f"no ({result.tally[0] if result.tally else '?'} events)*"
                else:
                    correct = f"NO ({result.tally})"
                label = "sseflow.Parser (bare)" if name == "sseflow" else name
                table.append(
                    [
                        spec.name,
                        label,
                        f"{seconds * 1e3:.2f}",
                        f"{workload.events / seconds:,.0f}",
                        _ratio(seconds / bare if bare else None),
                        speedup,
                        correct,
                    ]
                )
            del workload
    parts = [
        "",
        "## Through the wrappers",
        "",
        "`sseflow.httpx.connect_sse(client, ...)` + `iter_sse()` against `httpx_sse.connect_sse`",
        "(and `aconnect_sse` + `aiter_sse` with an `httpx.AsyncClient`, one event loop for all",
        "runs), each reading the workload's chunks from an in-memory response served by an",
        "`httpx.MockTransport` (benches/wrappers.py). `sseflow.Parser (bare)` feeds the same",
        "chunks to the parser directly. Speed-up: httpx-sse's time in the same (sync or async)",
        "form over sseflow.httpx's.",
        "",
    ]
    parts += [render_markdown(table), ""] if len(table) > 1 else []
    if any("*" in line[-1] for line in table[1:]):
        parts += [f"\\* Known deviation of httpx-sse: {_EMPTY_NOTE}.", ""]
    print()
    print(render_text(table))
    if only is not None and not only.search("concurrent"):
        return "\n".join(parts)
    plan = concurrent.Plan() if not settings.quick else concurrent.Plan(streams=50, events=2000)
    command = [sys.executable, "-m", "benches.concurrent", "--json"]
    command += ["--streams", str(plan.streams), "--events", str(plan.events)]
    command += ["--rounds", str(plan.rounds)]
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=HERE.parent, check=False, timeout=1800
    )
    parts += ["### Many concurrent streams on loopback", ""]
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no output"]
        parts += [f"Failed: `{' '.join(command[1:])}`: {lines[-1]}", ""]
        print(f"concurrent streams: failed: {lines[-1]}")
        return "\n".join(parts)
    found = json.loads(done.stdout)
    streams = [concurrent.Result(**entry) for entry in found["results"]]
    rows = concurrent.table(streams)
    parts += [
        f"`python -m benches.concurrent --streams {plan.streams} --events {plan.events} "
        f"--rounds {plan.rounds}`: {concurrent.describe(plan)} (aiohttp {version('aiohttp')}).",
        "CPU is this client process's user + system time; CPU / wall under 100% means",
        "the client waited (for the server process or the shared machine).",
        "",
        render_markdown(rows),
        "",
    ]
    print()
    print(concurrent.describe(plan))
    print(render_text(rows))
    return "\n".join(parts)


_EMPTY_NOTE = KNOWN_DEVIATIONS.get(("httpx-sse", "change-feed"), "see above")


if __name__ == "__main__":
    sys.exit(main())
