"""Many concurrent event streams on loopback, consumed by one asyncio process.

``python -m benches.concurrent [--streams 100] [--events 10000] [--rounds 2]`` starts an
event-stream server in a subprocess (the standard library's asyncio streams on
127.0.0.1, an ephemeral port, chunked HTTP/1.1 responses), then opens every stream at
once from this process and reads them to the end with each client in turn:

- ``sseflow.httpx``: ``sseflow.httpx.aconnect_sse`` + ``aiter_sse`` (``httpx.AsyncClient``)
- ``httpx-sse``: ``httpx_sse.aconnect_sse`` + ``aiter_sse`` (the same client settings)
- ``sseflow.aiohttp``: ``sseflow.aiohttp.iter_sse`` over ``aiohttp.ClientSession.get``

Each stream holds ``--events`` chat-completion-style events with ids 1, 2, ...; every
event's id is checked as it arrives (in order, none missing), and at the end each
stream's event count and total data length (so every stream arrived whole). Reported
per client: events/s (all streams' events over the wall time of the round) and the CPU
time of this process per event, best of ``--rounds`` rounds taken in turn. The server
runs in another process, so its CPU time is not counted. It exits when this process
closes its stdin, or after a lifetime bound, whichever comes first.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import random
import re
import select
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final, Protocol

import aiohttp
import httpx
import httpx_sse

import sseflow.aiohttp
import sseflow.httpx

ROOT: Final = Path(__file__).resolve().parent.parent
CLIENTS: Final = ("sseflow.httpx", "httpx-sse", "sseflow.aiohttp")
BASELINE: Final = "httpx-sse"
TAG: Final = b"@@@@"
"""Placeholder in the stream template for the stream's number (4 digits)."""
MAX_STREAMS: Final = 500
MAX_EVENTS: Final = 1_000_000
MAX_TOTAL_EVENTS: Final = 20_000_000
SERVER_START: Final = 30.0
"""Seconds the server may take to start listening."""

_TOKENS = (" the", " stream", " token", " of", " and", " server", " event", " é", " 你好", "🙂")


@dataclass(frozen=True)
class Plan:
    """How many streams of how many events, written how, measured how often."""

    streams: int = 100
    events: int = 10_000
    write_size: int = 16 * 1024
    """The server writes whole events in HTTP chunks of about this many bytes."""
    rounds: int = 2
    timeout: float = 300.0
    """Seconds one client's round may take before the run fails."""

    def check(self) -> None:
        """Raises ValueError if the plan is out of bounds."""
        if not 1 <= self.streams <= MAX_STREAMS:
            raise ValueError(f"streams must be in 1..{MAX_STREAMS}")
        if not 1 <= self.events <= MAX_EVENTS:
            raise ValueError(f"events must be in 1..{MAX_EVENTS}")
        if self.streams * self.events > MAX_TOTAL_EVENTS:
            raise ValueError(f"streams * events must be at most {MAX_TOTAL_EVENTS:,}")
        if not 1 <= self.rounds <= 20 or self.write_size < 1 or self.timeout <= 0:
            raise ValueError("rounds must be in 1..20, write_size and timeout positive")


@dataclass
class Result:
    """One client reading every stream: totals, and the best round's times."""

    client: str
    events: int
    data_len: int
    nbytes: int
    wall: float
    """Seconds from opening the first stream to the end of the last (best round)."""
    cpu: float
    """CPU seconds (user + system) of this process in that time (best round)."""

    @property
    def events_per_s(self) -> float:
        """Events of all streams over the wall time."""
        return self.events / self.wall

    @property
    def cpu_per_event(self) -> float:
        """CPU seconds of this process per event."""
        return self.cpu / self.events


# ---------------------------------------------------------------- the streams


def _event_data(seq: int, rng: random.Random) -> str:
    delta = json.dumps({"content": rng.choice(_TOKENS)}, ensure_ascii=False)
    return f'{{"stream":"@@@@","seq":{seq},"choices":[{{"index":0,"delta":{delta}}}]}}'


def _datas(events: int) -> Iterator[str]:
    rng = random.Random(7)
    return (_event_data(seq, rng) for seq in range(1, events + 1))


def stream_data_len(events: int) -> int:
    """Total data length, in characters, of one stream of ``events`` events."""
    return sum(len(data) for data in _datas(events))


def stream_pieces(events: int, write_size: int) -> list[bytes]:
    """One stream's body, with :data:`TAG` for its number, as pieces of whole events."""
    pieces: list[bytes] = []
    pending: list[bytes] = []
    size = 0
    for seq, data in enumerate(_datas(events), start=1):
        block = f"id: {seq}\ndata: {data}\n\n".encode()
        pending.append(block)
        size += len(block)
        if size >= write_size:
            pieces.append(b"".join(pending))
            pending, size = [], 0
    if pending:
        pieces.append(b"".join(pending))
    return pieces


# ---------------------------------------------------------------- the server


_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/event-stream\r\n"
    b"Cache-Control: no-store\r\n"
    b"Transfer-Encoding: chunked\r\n"
    b"Connection: close\r\n\r\n"
)
_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
_PATH = re.compile(rb"GET /streams/(\d{1,4}) HTTP/1\.1")


async def _answer(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pieces: Sequence[bytes]
) -> None:
    """Serves one connection: ``GET /streams/<n>`` gets stream ``n``, then the server closes."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        match = _PATH.fullmatch(head.split(b"\r\n", 1)[0])
        if match is None:
            writer.write(_NOT_FOUND)
        else:
            tag = b"%04d" % int(match[1])
            writer.write(_HEAD)
            for piece in pieces:
                writer.writelines((b"%x\r\n" % len(piece), piece.replace(TAG, tag), b"\r\n"))
                await writer.drain()
            writer.write(b"0\r\n\r\n")
        await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass  # the client went away: nothing to serve
    except asyncio.CancelledError:
        pass  # the server is stopping (a client gave up on a stream and did not hang up)
    finally:
        writer.close()


async def _stdin_closed() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.read()


async def serve(events: int, write_size: int, lifetime: float) -> None:
    """Listens on 127.0.0.1, prints the port, serves until stdin closes or ``lifetime`` ends."""
    pieces = stream_pieces(events, write_size)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _answer(reader, writer, pieces)

    server = await asyncio.start_server(answer, "127.0.0.1", 0, backlog=1024)
    async with server:
        print(server.sockets[0].getsockname()[1], flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_stdin_closed(), lifetime)


@contextlib.contextmanager
def server_process(plan: Plan) -> Iterator[str]:
    """Runs :func:`serve` in a subprocess for the plan; yields its base URL."""
    lifetime = plan.rounds * len(CLIENTS) * plan.timeout + 60
    command = [
        *(sys.executable, "-m", "benches.concurrent", "--serve"),
        *("--events", str(plan.events), "--write-size", str(plan.write_size)),
        *("--lifetime", str(lifetime)),
    ]
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, text=True
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], SERVER_START)
        line = process.stdout.readline() if ready else ""
        if not line.strip().isdigit():
            raise RuntimeError(f"the server did not start (said {line!r})")
        yield f"http://127.0.0.1:{int(line)}"
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


# ---------------------------------------------------------------- the clients


class _Event(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def data(self) -> str: ...


class StreamMismatch(AssertionError):
    """A stream's events were not the ones the server sent."""


async def _tally(events: AsyncIterator[_Event], stream: int, ids: Sequence[str]) -> int:
    """Reads one stream, checking each event's id; returns its total data length."""
    prefix = f'{{"stream":"{stream:04d}",'
    count = total = 0
    try:
        async for event in events:
            if event.id != ids[count] or (count == 0 and not event.data.startswith(prefix)):
                raise StreamMismatch(f"stream {stream}: event {count + 1} is {event!r}")
            count += 1
            total += len(event.data)
    except IndexError:
        raise StreamMismatch(f"stream {stream}: more than {len(ids)} events") from None
    if count != len(ids):
        raise StreamMismatch(f"stream {stream}: {count} events of {len(ids)}")
    return total


StreamReader = Callable[[str, int, Sequence[str]], Awaitable[int]]


@contextlib.asynccontextmanager
async def _httpx_client(plan: Plan) -> AsyncIterator[httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=plan.streams, max_keepalive_connections=plan.streams)
    async with httpx.AsyncClient(
        limits=limits, timeout=httpx.Timeout(plan.timeout), trust_env=False
    ) as client:
        yield client


@contextlib.asynccontextmanager
async def _reader(client: str, plan: Plan) -> AsyncIterator[StreamReader]:
    """A function reading one stream with ``client``, and the connection pool it uses."""
    if client == "sseflow.httpx":
        async with _httpx_client(plan) as pool:

            async def sseflow_httpx(url: str, stream: int, ids: Sequence[str]) -> int:
                async with sseflow.httpx.aconnect_sse(pool, "GET", url) as source:
                    return await _tally(source.aiter_sse(), stream, ids)

            yield sseflow_httpx
    elif client == "httpx-sse":
        async with _httpx_client(plan) as pool:

            async def httpx_sse_reader(url: str, stream: int, ids: Sequence[str]) -> int:
                async with httpx_sse.aconnect_sse(pool, "GET", url) as source:
                    return await _tally(source.aiter_sse(), stream, ids)

            yield httpx_sse_reader
    elif client == "sseflow.aiohttp":
        connector = aiohttp.TCPConnector(limit=plan.streams)
        timeout = aiohttp.ClientTimeout(total=None, sock_read=plan.timeout)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

            async def sseflow_aiohttp(url: str, stream: int, ids: Sequence[str]) -> int:
                async with session.get(url, headers=sseflow.aiohttp.STREAM_HEADERS) as response:
                    return await _tally(sseflow.aiohttp.iter_sse(response), stream, ids)

            yield sseflow_aiohttp
    else:
        raise ValueError(f"unknown client {client!r}")


async def _round(client: str, base: str, plan: Plan, ids: Sequence[str]) -> tuple[float, float]:
    """Every stream at once with ``client``: (wall seconds, CPU seconds), all checked."""
    expected = stream_data_len(plan.events)
    async with _reader(client, plan) as read:
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        reads = (read(f"{base}/streams/{n}", n, ids) for n in range(plan.streams))
        totals = await asyncio.wait_for(asyncio.gather(*reads), plan.timeout)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    for stream, total in enumerate(totals):
        if total != expected:
            raise StreamMismatch(f"{client}, stream {stream}: data length {total} != {expected}")
    return wall, cpu


async def measure(base: str, plan: Plan) -> list[Result]:
    """Rounds of every client in turn against the server at ``base``; best of each."""
    ids = [str(seq) for seq in range(1, plan.events + 1)]
    nbytes = sum(len(piece) for piece in stream_pieces(plan.events, plan.write_size))
    best: dict[str, tuple[float, float]] = {}
    for _ in range(plan.rounds):
        for client in CLIENTS:
            wall, cpu = await _round(client, base, plan, ids)
            previous = best.get(client, (wall, cpu))
            best[client] = (min(wall, previous[0]), min(cpu, previous[1]))
    return [
        Result(
            client=client,
            events=plan.streams * plan.events,
            data_len=plan.streams * stream_data_len(plan.events),
            nbytes=plan.streams * nbytes,
            wall=wall,
            cpu=cpu,
        )
        for client, (wall, cpu) in best.items()
    ]


def run(plan: Plan) -> list[Result]:
    """Starts the server, measures every client, stops the server."""
    plan.check()
    with server_process(plan) as base:
        return asyncio.run(measure(base, plan))


# ---------------------------------------------------------------- output


def table(results: Sequence[Result]) -> list[list[str]]:
    """One line per client, with the ratio to httpx-sse."""
    base = {r.client: r for r in results}.get(BASELINE)
    out = [["client", "events/s", "MB/s", "CPU us/event", "CPU / wall", f"x {BASELINE} events/s"]]
    for result in results:
        ratio = "-" if base is None else f"{result.events_per_s / base.events_per_s:.2f}x"
        out.append(
            [
                result.client,
                f"{result.events_per_s:,.0f}",
                f"{result.nbytes / result.wall / 1e6:.1f}",
                f"{result.cpu_per_event * 1e6:.2f}",
                f"{result.cpu / result.wall:.0%}",
                ratio,
            ]
        )
    return out


def describe(plan: Plan) -> str:
    """The run in one sentence."""
    return (
        f"{plan.streams} concurrent streams x {plan.events:,} events "
        f"({plan.streams * plan.events:,} events, HTTP chunks of about {plan.write_size:,} B), "
        f"served on 127.0.0.1 by a separate process, read by one asyncio process; "
        f"best of {plan.rounds} rounds, every stream checked whole and in order"
    )


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m benches.concurrent", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    defaults = Plan()
    parser.add_argument("--streams", type=int, default=defaults.streams)
    parser.add_argument("--events", type=int, default=defaults.events, help="per stream")
    parser.add_argument("--write-size", type=int, default=defaults.write_size)
    parser.add_argument("--rounds", type=int, default=defaults.rounds)
    parser.add_argument("--timeout", type=float, default=defaults.timeout, help="per round, s")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--lifetime", type=float, default=600.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(serve(args.events, args.write_size, args.lifetime))
        return 0
    plan = Plan(args.streams, args.events, args.write_size, args.rounds, args.timeout)
    try:
        plan.check()
    except ValueError as error:
        parser.error(str(error))
    results = run(plan)
    if args.json:
        print(json.dumps({"plan": asdict(plan), "results": [asdict(r) for r in results]}))
        return 0
    print(describe(plan) + ".")
    rows = table(results)
    widths = [max(len(line[i]) for line in rows) for i in range(len(rows[0]))]
    for line in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
