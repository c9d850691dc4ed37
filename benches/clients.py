"""End to end: sseflow inside the clients people run, each against the client's own parser.

``python -m benches.clients [--quick]`` runs, in one process, and prints (and writes to
benches/clients.md):

- **openai**: the OpenAI SDK streaming a chat completion of 10,000 one-token chunks from a
  loopback HTTP server (a thread of this process), read with ``for chunk in stream``, and the
  same stream's events only (``Stream._iter_events()``, the part a decoder does). CPU time of
  the reading thread per token (``time.thread_time``, so the server's is not counted), with the
  SDK's own decoder, with ``sseflow.sdk.install``, and with a floor decoder that reads the
  bytes and hands over events made beforehand (what the SDK costs without any parsing).
- **anthropic**: the Anthropic SDK reading one 16 MiB ``input_json_delta`` event (a tool's
  arguments) in 1,460-byte chunks (one TCP segment's payload) from an in-memory transport,
  both ways.
- **httpx2**: httpx2's ``client.sse()`` against ``sseflow.httpx2.sse()`` (and, through it,
  the pure-Python reference) on the same in-memory responses of the wrapper workloads; the
  floor reads the same response's raw chunks and builds the events from pre-split fields.
- **httpx**: ``sseflow.httpx`` against httpx-sse (benches/wrappers.py's readers and
  responses), one event per chunk and in 16 KiB chunks, with the same floor.

Every run checks what it read against what the stream holds.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

import anthropic
import httpx
import httpx2
import openai

import sseflow.httpx2
import sseflow.reference
import sseflow.sdk
from benches.workloads import Spec, Workload, cached, specs
from benches.wrappers import httpx_sse_sync, sseflow_httpx, transport
from sseflow.llm._samples import anthropic_events, chat_events

HERE: Final = Path(__file__).resolve().parent
SEGMENT: Final = 1460
"""Bytes of payload in one TCP segment of a 1,500-byte MTU: the network-sized read."""
HTTPX2_WORKLOADS: Final = ("chat/16KiB", "chat/per-event", "typed/16KiB", "payload-64KiB/16KiB")
HTTPX_WORKLOADS: Final = ("chat/16KiB", "chat/per-event")
DECODERS: Final = ("sdk", "sseflow", "floor")


@dataclass(frozen=True)
class Plan:
    """How big and how often."""

    tokens: int = 10_000
    big_event: int = 16 * 2**20
    scale: float = 1.0
    """Of the httpx2 workloads (as in benches.workloads)."""
    repeats: int = 5


QUICK: Final = Plan(tokens=2_000, big_event=2 * 2**20, scale=0.1, repeats=3)
TINY: Final = Plan(tokens=100, big_event=64 * 2**10, scale=0.01, repeats=1)
"""For the run-once tests."""


def _best(run: Callable[[], object], repeats: int, expected: object) -> float:
    """The least CPU time of the calling thread over ``repeats`` runs; checks each result."""
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        got = run()
        best = min(best, time.thread_time() - start)
        assert got == expected, f"read {got!r}, expected {expected!r}"
    return best


# ---------------------------------------------------------------- the SDKs


class Prebuilt:
    """A floor decoder: reads every chunk, then hands over events made beforehand."""

    def __init__(self, events: Sequence[Any]) -> None:
        self._events = events

    def iter_bytes(self, iterator: Iterator[bytes]) -> Iterator[Any]:
        for _ in iterator:
            pass
        return iter(self._events)

    async def aiter_bytes(self, iterator: AsyncIterator[bytes]) -> AsyncIterator[Any]:
        async for _ in iterator:
            pass
        for event in self._events:
            yield event


def with_decoder(client: Any, decoder: str, body: bytes) -> Any:
    """``client`` parsing with its SDK's decoder, sseflow's, or the floor (for ``body``)."""
    if decoder == "sseflow":
        return sseflow.sdk.install(client)
    if decoder == "floor":
        made = list(sseflow.sdk.install(client.copy())._make_sse_decoder().iter_bytes([body]))
        client._make_sse_decoder = lambda: Prebuilt(made)
    return client


class Loopback:
    """An HTTP server on 127.0.0.1 (a thread) answering every POST with ``body``."""

    def __init__(self, body: bytes) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.root = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Loopback:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def token_stream(tokens: int) -> bytes:
    """A Chat Completions stream of ``tokens`` one-token chunks (and role, finish, usage, DONE)."""
    return b"".join(chat_events([f" t{i % 100}" for i in range(tokens)]))


def openai_per_token(plan: Plan) -> dict[tuple[str, str], float]:
    """CPU seconds per token, ``{(part, decoder): s}``, part ``"stream"`` or ``"events"``."""
    body = token_stream(plan.tokens)
    text = "".join(f" t{i % 100}" for i in range(plan.tokens))
    events = body.count(b"\n\n")
    out: dict[tuple[str, str], float] = {}
    with Loopback(body) as server:
        for decoder in DECODERS:
            plain = openai.OpenAI(api_key="k", base_url=f"{server.root}/v1", max_retries=0)
            client = with_decoder(plain, decoder, body)

            def create(client: Any = client) -> Any:
                messages = [{"role": "user", "content": "hi"}]
                return client.chat.completions.create(model="m", messages=messages, stream=True)

            def read(create: Callable[[], Any] = create) -> str:
                chunks = create()
                return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)

            def read_events(create: Callable[[], Any] = create) -> int:
                with create() as stream:
                    return sum(1 for _ in stream._iter_events())

            out["stream", decoder] = _best(read, plan.repeats, text) / plan.tokens
            out["events", decoder] = _best(read_events, plan.repeats, events) / plan.tokens
            client.close()
    return out


class _Chunked(httpx2.SyncByteStream):
    def __init__(self, body: bytes, size: int) -> None:
        self._body = body
        self._size = size

    def __iter__(self) -> Iterator[bytes]:
        body, size = self._body, self._size
        return (body[i : i + size] for i in range(0, len(body), size))


def _in_memory(body: bytes, size: int) -> httpx2.MockTransport:
    """A transport answering every request with ``body`` in chunks of ``size`` bytes."""

    def respond(request: httpx2.Request) -> httpx2.Response:
        headers = {"content-type": "text/event-stream"}
        return httpx2.Response(200, headers=headers, stream=_Chunked(body, size), request=request)

    return httpx2.MockTransport(respond)


def anthropic_big_event(plan: Plan, decoders: Sequence[str] = DECODERS) -> dict[str, float]:
    """CPU seconds to read one ``plan.big_event``-byte tool-argument event, per decoder."""
    argument = '{"blob": "' + "x" * (plan.big_event - 12) + '"}'
    events = anthropic_events(tool_calls=[("toolu_1", "store", [argument])], stop_reason="tool_use")
    body = b"".join(events)
    out: dict[str, float] = {}
    for decoder in decoders:
        http = httpx2.Client(transport=_in_memory(body, SEGMENT))
        plain = anthropic.Anthropic(api_key="k", http_client=http, max_retries=0)
        client = with_decoder(plain, decoder, body)

        def read(client: Any = client) -> int:
            messages = [{"role": "user", "content": "hi"}]
            stream = client.messages.create(model="m", max_tokens=8, messages=messages, stream=True)
            deltas = (e.delta for e in stream if e.type == "content_block_delta")
            return sum(len(delta.partial_json) for delta in deltas)

        out[decoder] = _best(read, 1, len(argument))
    return out


# ---------------------------------------------------------------- httpx2


def _httpx2_tally(events: Any) -> tuple[int, int]:
    count = total = 0
    for event in events:
        count += 1
        total += len(event.data)
    return count, total


def _httpx2_own(client: httpx2.Client) -> tuple[int, int]:
    with client.sse("http://sse.invalid/", max_event_size=None) as source:
        return _httpx2_tally(source)


def _sseflow_httpx2(client: httpx2.Client) -> tuple[int, int]:
    with sseflow.httpx2.sse(client, "http://sse.invalid/") as source:
        return _httpx2_tally(source)


def _sseflow_reference(client: httpx2.Client) -> tuple[int, int]:
    factory: Any = sseflow.reference.Parser
    with sseflow.httpx2.sse(client, "http://sse.invalid/", parser_factory=factory) as source:
        return _httpx2_tally(source)


def _floor(
    client: httpx2.Client | httpx.Client, ready: Sequence[tuple[Any, ...]]
) -> tuple[int, int]:
    """No parsing: the response's raw chunks (the least a reader takes them with), and for
    each the events it completes built from pre-split fields (as benches.peers.floor does
    for the parsers)."""
    event_type = sseflow.Event
    count = total = 0
    with client.stream("GET", "http://sse.invalid/") as response:
        for _chunk, events in zip(response.iter_raw(), ready, strict=True):
            for name, data, event_id, retry in events:
                event = event_type(name, data.decode("utf-8", "replace"), event_id, retry)
                count += 1
                total += len(event.data)
    return count, total


HTTPX2_READERS: Final[dict[str, Callable[[httpx2.Client], tuple[int, int]]]] = {
    "httpx2 client.sse()": _httpx2_own,
    "sseflow.httpx2.sse()": _sseflow_httpx2,
    "sseflow.httpx2.sse(), reference parser": _sseflow_reference,
}


class _Chunks(httpx2.SyncByteStream):
    def __init__(self, chunks: Collection[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)


def httpx2_times(plan: Plan) -> dict[tuple[str, str], float]:
    """CPU seconds per workload and reader, ``{(workload, reader): s}``."""
    out: dict[tuple[str, str], float] = {}
    for spec in _httpx2_specs(plan):
        workload = cached(spec)

        def respond(request: httpx2.Request, workload: Workload = workload) -> httpx2.Response:
            headers = {"content-type": "text/event-stream"}
            stream = _Chunks(workload.chunks)
            return httpx2.Response(200, headers=headers, stream=stream, request=request)

        expected = (workload.events, workload.data_len)
        with httpx2.Client(transport=httpx2.MockTransport(respond)) as client:
            for name, read in HTTPX2_READERS.items():
                repeats = 1 if "reference" in name else plan.repeats
                out[spec.name, name] = _best(partial(read, client), repeats, expected)
            floor = partial(_floor, client, workload.ready)
            out[spec.name, "floor"] = _best(floor, plan.repeats, expected)
    return out


def httpx_times(plan: Plan) -> dict[tuple[str, str], float]:
    """``sseflow.httpx`` against httpx-sse and the floor (benches/wrappers.py's responses),
    one event per chunk and in 16 KiB chunks: ``{(workload, reader): s}``."""
    out: dict[tuple[str, str], float] = {}
    for spec in specs(plan.scale):
        if spec.name not in HTTPX_WORKLOADS:
            continue
        workload = cached(spec)
        expected = (workload.events, workload.data_len)
        for name, read in (("sseflow.httpx", sseflow_httpx), ("httpx-sse", httpx_sse_sync)):
            out[spec.name, name] = _best(partial(read, workload), plan.repeats, expected)
        with httpx.Client(transport=transport(workload), trust_env=False) as client:
            floor = partial(_floor, client, workload.ready)
            out[spec.name, "floor"] = _best(floor, plan.repeats, expected)
    return out


def _httpx2_specs(plan: Plan) -> list[Spec]:
    return [spec for spec in specs(plan.scale) if spec.name in HTTPX2_WORKLOADS]


# ---------------------------------------------------------------- report


def _table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])


def _timed_row(
    name: str, times: Sequence[float], peer: float, ours: float, floor: float
) -> list[str]:
    """A table row: the times in ms, then the peer's time over ours and ours over the floor's."""
    return [
        name,
        *(f"{t * 1e3:.2f} ms" for t in times),
        f"{peer / ours:.2f}x",
        f"{ours / floor:.2f}x",
    ]


def report(plan: Plan) -> str:
    """Runs everything once and returns the markdown."""
    started = time.monotonic()
    per_token = openai_per_token(plan)
    big = anthropic_big_event(plan)
    httpx2_cpu = httpx2_times(plan)
    httpx_cpu = httpx_times(plan)
    rows = [["part", "SDK's decoder µs/token", "sseflow µs/token", "floor µs/token"]]
    rows[0] += ["SDK / sseflow", "sseflow / floor"]
    for part in ("stream", "events"):
        sdk, ours, floor = (per_token[part, d] for d in DECODERS)
        rows.append(
            [
                "chunks (`for chunk in stream`)" if part == "stream" else "events only",
                f"{sdk * 1e6:.2f}",
                f"{ours * 1e6:.2f}",
                f"{floor * 1e6:.2f}",
                f"{sdk / ours:.2f}x",
                f"{ours / floor:.2f}x",
            ]
        )
    big_rows = [["decoder", "CPU s", "x sseflow"]]
    big_rows += [[d, f"{big[d]:.3f}", f"{big[d] / big['sseflow']:.2f}x"] for d in DECODERS]
    names = [*HTTPX2_READERS, "floor"]
    httpx2_rows = [["workload", *names, "client.sse() / sseflow", "sseflow / floor"]]
    for spec in _httpx2_specs(plan):
        times = [httpx2_cpu[spec.name, name] for name in names]
        theirs, ours, floor = times[0], times[1], times[3]
        httpx2_rows.append(_timed_row(spec.name, times, theirs, ours, floor))
    httpx_rows = [["workload", "sseflow.httpx", "httpx-sse", "floor", "httpx-sse / sseflow"]]
    httpx_rows[0].append("sseflow / floor")
    for name in HTTPX_WORKLOADS:
        ours, theirs, floor = (httpx_cpu[name, r] for r in ("sseflow.httpx", "httpx-sse", "floor"))
        httpx_rows.append(_timed_row(name, (ours, theirs, floor), theirs, ours, floor))
    versions = ", ".join(
        f"{module.__name__} {module.__version__}" for module in (openai, anthropic, httpx2, httpx)
    )
    return "\n".join(
        [
            "# sseflow inside the clients: end-to-end results",
            "",
            f"Command: `python -m benches.clients{' --quick' if plan != Plan() else ''}` "
            f"({time.monotonic() - started:.0f} s in all; {versions}; Python "
            f"{sys.version.split()[0]}; CPU time of the reading thread, best of "
            f"{plan.repeats} but the single runs of the big event and the reference).",
            "",
            f"## OpenAI SDK: a {plan.tokens:,}-token chat completion from a loopback server",
            "",
            _table(rows),
            "",
            f"## Anthropic SDK: one {plan.big_event / 2**20:g} MiB tool-argument event in "
            f"{SEGMENT}-byte chunks",
            "",
            _table(big_rows),
            "",
            "## httpx2: `client.sse()` against `sseflow.httpx2.sse()`, in-memory responses",
            "",
            _table(httpx2_rows),
            "",
            "## httpx: `sseflow.httpx` against httpx-sse, in-memory responses",
            "",
            _table(httpx_rows),
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benches.clients", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller streams, fewer runs")
    args = parser.parse_args(argv)
    text = report(QUICK if args.quick else Plan())
    print(text)
    (HERE / "clients.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
