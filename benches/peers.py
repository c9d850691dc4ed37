"""The parsers compared, each as an adapter: workload -> (events, total data length).

Every adapter feeds the workload's chunks, in order, through the implementation's
usual path and consumes each event as a client would (reads its data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import httpx_sse
import sseclient
from openai._streaming import SSEDecoder

import sseflow
import sseflow.reference
from benches.workloads import Spec, Workload

# (events, total data length in characters)
Tally = tuple[int, int]
Adapter = Callable[[Workload], Tally]


def sseflow_native(workload: Workload) -> Tally:
    """``sseflow.Parser`` (Rust): feed each chunk, iterate the ready events."""
    return _feed_and_iterate(sseflow.Parser(), workload)


def sseflow_parse(workload: Workload) -> Tally:
    """``sseflow.Parser`` (Rust) through ``parse()``: one call per chunk returns its events."""
    parse = sseflow.Parser().parse
    count = total = 0
    for chunk in workload.chunks:
        for event in parse(chunk):
            count += 1
            total += len(event.data)
    return count, total


def sseflow_reference(workload: Workload) -> Tally:
    """``sseflow.reference.Parser`` (pure Python), used exactly like the native one."""
    return _feed_and_iterate(sseflow.reference.Parser(), workload)


def _feed_and_iterate(
    parser: sseflow.Parser[sseflow.Event] | sseflow.reference.Parser[sseflow.reference.Event],
    workload: Workload,
) -> Tally:
    feed = parser.feed
    count = total = 0
    for chunk in workload.chunks:
        feed(chunk)
        for event in parser:
            count += 1
            total += len(event.data)
    parser.close()
    for event in parser:
        count += 1
        total += len(event.data)
    return count, total


def httpx_sse_peer(workload: Workload) -> Tally:
    """httpx-sse: ``EventSource.iter_sse`` over an in-memory ``httpx.Response`` of the chunks."""
    response = httpx.Response(
        200,
        headers={"content-type": "text/event-stream"},
        content=iter(workload.chunks),
    )
    count = total = 0
    for event in httpx_sse.EventSource(response).iter_sse():
        count += 1
        total += len(event.data)
    return count, total


def openai_peer(workload: Workload) -> Tally:
    """The OpenAI SDK's decoder: ``openai._streaming.SSEDecoder().iter_bytes(chunks)``."""
    count = total = 0
    for event in SSEDecoder().iter_bytes(iter(workload.chunks)):
        count += 1
        total += len(event.data)
    return count, total


def sseclient_peer(workload: Workload) -> Tally:
    """sseclient-py: ``SSEClient(iterator of chunks).events()``."""
    count = total = 0
    for event in sseclient.SSEClient(iter(workload.chunks)).events():
        count += 1
        total += len(event.data)
    return count, total


def floor(workload: Workload) -> Tally:
    """No parsing: walk the chunks and build the same ``sseflow.Event`` objects from
    pre-split fields, decoding each event's data bytes (the least any parser must do)."""
    event_type = sseflow.Event
    count = total = 0
    for _chunk, ready in zip(workload.chunks, workload.ready, strict=True):
        for name, data, event_id, retry in ready:
            event = event_type(name, data.decode("utf-8", "replace"), event_id, retry)
            count += 1
            total += len(event.data)
    return count, total


@dataclass(frozen=True)
class Impl:
    """One implementation under test."""

    name: str
    run: Adapter
    peer: bool
    """Whether it is another project's parser (a peer to compare against)."""


IMPLS: tuple[Impl, ...] = (
    Impl("sseflow", sseflow_native, peer=False),
    Impl("sseflow parse()", sseflow_parse, peer=False),
    Impl("sseflow.reference", sseflow_reference, peer=False),
    Impl("httpx-sse", httpx_sse_peer, peer=True),
    Impl("openai", openai_peer, peer=True),
    Impl("sseclient-py", sseclient_peer, peer=True),
    Impl("floor", floor, peer=False),
)
BY_NAME = {impl.name: impl for impl in IMPLS}

# sseclient-py appends each piece of an unfinished event to a bytes object (``data +=
# line``), copying everything so far: about size**2 / (2 * chunk) bytes for one long line.
MAX_QUADRATIC_COPY = 200_000_000_000


def excluded(impl: Impl, spec: Spec) -> str | None:
    """Why ``impl`` is left out of the workload ``spec`` (too slow to run), or None."""
    if not spec.long_line:
        return None
    nbytes = spec.size + len(b"data: \n\n")
    copied = nbytes**2 // (2 * spec.chunk)
    if impl.name == "sseclient-py" and copied > MAX_QUADRATIC_COPY:
        return f"quadratic: would copy about {copied / 1e12:.1f} TB"
    return None


# Where a peer's events differ from the standard's on a workload: (peer, workload group).
_EMPTY_DISPATCH = (
    "dispatches an event with empty data at the blank line ending a retry-only block, and at "
    "each heartbeat block once an id was seen; the standard dispatches nothing when the data "
    "buffer is empty"
)
KNOWN_DEVIATIONS: dict[tuple[str, str], str] = {
    ("httpx-sse", "change-feed"): _EMPTY_DISPATCH,
    ("openai", "change-feed"): _EMPTY_DISPATCH,
}
