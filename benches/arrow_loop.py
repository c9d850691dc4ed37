"""What ``aiter_batches`` leaves the event loop doing, against the reader that ran every call on it.

``python -m benches.arrow_loop [--batch-bytes N]`` reads, from an async source, the token
stream and the typed stream (200,000 events each, in 16 KiB chunks and one event per
chunk) and 600 64 KiB JSON payloads, with 0, 1 and 2 decoding threads, two ways:

- ``off loop``: ``sseflow.arrow.aiter_batches`` as it is: the calls that may wait for a
  decoding thread run on the loop's default executor;
- ``on loop``: the same reader with every call on the loop, as ``aiter_batches`` read
  before (``aiter_events`` with the sync reader's ``_Waiting`` wrapper of the parser, which
  it does not recognise).

For each: the best time of 5 reads; and, in one read with a profile hook on the loop's
thread, how many times that thread blocked (voluntary context switches, from
``getrusage``) inside ``BatchParser`` calls and for how long, and the CPU time of the
longest call (what decoding in a call holds the loop for). Counting switches rather than
gaps between a ticker's steps keeps the numbers clear of a shared machine's preemptions.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import resource
import sys
import time
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import pyarrow as pa
import pyarrow.json as pa_json

import sseflow
from benches.workloads import NETWORK_CHUNK, PER_EVENT, Spec, build
from sseflow.arrow import BatchParser, RecordBatch, aiter_batches
from sseflow.arrow._offload import off_loop
from sseflow.arrow._stream import _Waiting

SPECS = (
    Spec("chat/16KiB", "chat", "chat", 200_000, NETWORK_CHUNK),
    Spec("chat/per-event", "chat", "chat", 200_000, PER_EVENT),
    Spec("typed/16KiB", "typed", "typed", 200_000, NETWORK_CHUNK),
    Spec("json-payload/16KiB", "json-payload", "json-payload", 600, NETWORK_CHUNK),
)


async def _source(chunks: Collection[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
        await asyncio.sleep(0)


def reader(chunks: Collection[bytes], on_loop: bool, **options: Any) -> AsyncIterator[RecordBatch]:
    if not on_loop:
        return aiter_batches(_source(chunks), **options)
    # Not a BatchParser to aiter_events, which drives those off the loop now; without
    # threads, it only forwards the calls.
    wrapped = _Waiting(BatchParser(**options))
    events = sseflow.aiter_events(_source(chunks), parser_factory=lambda: wrapped)  # type: ignore[arg-type,return-value]
    return events  # type: ignore[return-value]


@dataclass
class LoopCalls:
    """The BatchParser calls made on the loop's thread in one read."""

    blocked: int = 0
    """Voluntary context switches inside them."""
    blocked_seconds: float = 0.0
    """Wall time of the calls that blocked."""
    longest_blocked: float = 0.0
    cpu: list[float] = field(default_factory=list)
    """Each call's CPU time."""


async def profiled(chunks: Collection[bytes], on_loop: bool, **options: Any) -> LoopCalls:
    calls = LoopCalls()
    begun: dict[int, tuple[float, int, float]] = {}

    def switches() -> int:
        return resource.getrusage(resource.RUSAGE_THREAD).ru_nvcsw

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if event == "c_call" and getattr(arg, "__qualname__", "").startswith("BatchParser."):
            begun[id(frame)] = (time.perf_counter(), switches(), time.thread_time())
        elif event in ("c_return", "c_exception") and id(frame) in begun:
            start, before, cpu = begun.pop(id(frame))
            calls.cpu.append(time.thread_time() - cpu)
            if count := switches() - before:
                took = time.perf_counter() - start
                calls.blocked += count
                calls.blocked_seconds += took
                calls.longest_blocked = max(calls.longest_blocked, took)

    sys.setprofile(hook)
    try:
        async for _ in reader(chunks, on_loop, **options):
            pass
    finally:
        sys.setprofile(None)
    return calls


async def read(chunks: Collection[bytes], on_loop: bool, **options: Any) -> float:
    start = time.perf_counter()
    async for _ in reader(chunks, on_loop, **options):
        pass
    return time.perf_counter() - start


async def hop(count: int = 2000) -> float:
    """Seconds an ``off_loop`` call of nothing takes, there and back."""
    for _ in range(50):
        await off_loop(int)
    start = time.perf_counter()
    for _ in range(count):
        await off_loop(int)
    return (time.perf_counter() - start) / count


def schema_of(chunks: Collection[bytes]) -> pa.Schema:
    parser = sseflow.Parser()
    rows = []
    for chunk in chunks:
        parser.feed(chunk)
        rows += [event.data.encode() for event in parser if event.data != "[DONE]"]
    return pa_json.read_json(io.BytesIO(b"\n".join(rows) + b"\n")).schema


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.partition("\n")[0] if __doc__ else "")
    arguments.add_argument("--batch-bytes", type=int, default=1 << 20)
    batch_bytes = arguments.parse_args(argv).batch_bytes
    print(f"a hop to the executor and back: {asyncio.run(hop()) * 1e6:.0f} us")
    print(f"batch_bytes={batch_bytes}")
    for spec in SPECS:
        chunks = list(build(spec).chunks)
        schema = schema_of(chunks)
        for threads in (0, 1, 2):
            options = {"json_schema": schema, "decode_threads": threads, "batch_bytes": batch_bytes}
            for on_loop in (True, False):
                seconds = min(asyncio.run(read(chunks, on_loop, **options)) for _ in range(5))
                gc.disable()
                try:
                    calls = asyncio.run(profiled(chunks, on_loop, **options))
                finally:
                    gc.enable()
                print(
                    f"{spec.name:19} threads={threads} {'on loop ' if on_loop else 'off loop'}"
                    f" {seconds * 1e3:7.1f} ms; the loop blocked {calls.blocked:3} times in"
                    f" parser calls, {calls.blocked_seconds * 1e3:6.1f} ms in all, longest"
                    f" {calls.longest_blocked * 1e3:5.1f} ms; longest call's CPU"
                    f" {max(calls.cpu) * 1e3:5.2f} ms"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
