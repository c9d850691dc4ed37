"""Generated, seeded benchmark workloads: event streams cut into chunks.

Every workload is built from a list of blocks (the bytes of one event, or of a
block that dispatches nothing, such as a heartbeat), so its expected event count
and total data length come from how it was generated, never from a parser.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice

KIB = 1024
NETWORK_CHUNK = 16 * KIB
PER_EVENT = 0  # chunk size meaning "one block per chunk"
LONG_LINE_SIZES = (100_000, 1_000_000, 10_000_000)
LONG_LINE_CHUNKS = (1, 64, 4 * KIB)

# An expected event as the floor rebuilds it: type, UTF-8 data, last event ID, retry.
EventTuple = tuple[str, bytes, str, int | None]
# One block of the stream: its bytes, and the event it dispatches (None: nothing).
Block = tuple[bytes, EventTuple | None]

_NO_EVENTS: tuple[EventTuple, ...] = ()


@dataclass(frozen=True)
class Workload:
    """A stream cut into chunks, with what the standard says it holds."""

    name: str
    group: str
    chunks: Collection[bytes]
    events: int
    data_len: int
    nbytes: int
    ready: list[tuple[EventTuple, ...]]
    """For each chunk, the events whose final byte it holds (for the floor)."""


@dataclass(frozen=True)
class Spec:
    """How to build one workload; cheap to hold, built on demand."""

    name: str
    group: str
    kind: str
    size: int
    """Events for event streams, the line's data length for a long line."""
    chunk: int
    """Chunk size in bytes, or PER_EVENT."""
    line_end: str = "\n"

    @property
    def long_line(self) -> bool:
        """Whether this is one of the long-line workloads."""
        return self.kind == "long-line"


def _chunk_label(chunk: int) -> str:
    if chunk == PER_EVENT:
        return "per-event"
    if chunk % KIB == 0:
        return f"{chunk // KIB}KiB"
    return f"{chunk}B"


def _size_label(size: int) -> str:
    if size >= 1_000_000:
        return f"{size // 1_000_000}MB"
    return f"{size // 1000}KB"


def specs(scale: float = 1.0) -> list[Spec]:
    """Every workload, sized by ``scale`` (1.0: the issue's sizes; names keep the nominal size)."""

    def n(count: int) -> int:
        return max(10, round(count * scale))

    out = [
        Spec("chat/16KiB", "chat", "chat", n(100_000), NETWORK_CHUNK),
        Spec("chat/per-event", "chat", "chat", n(100_000), PER_EVENT),
        Spec("chat-crlf/16KiB", "chat-crlf", "chat", n(100_000), NETWORK_CHUNK, "\r\n"),
        Spec("chat-crlf/per-event", "chat-crlf", "chat", n(100_000), PER_EVENT, "\r\n"),
        Spec("typed/16KiB", "typed", "typed", n(100_000), NETWORK_CHUNK),
        Spec("change-feed/16KiB", "change-feed", "change-feed", n(100_000), NETWORK_CHUNK),
        Spec("multiline-20/16KiB", "multiline-20", "multiline", n(20_000), NETWORK_CHUNK),
        Spec("payload-64KiB/16KiB", "payload-64KiB", "payload", n(300), NETWORK_CHUNK),
    ]
    for size in LONG_LINE_SIZES:
        for chunk in LONG_LINE_CHUNKS:
            label = _size_label(size)
            out.append(
                Spec(
                    f"long-line-{label}/{_chunk_label(chunk)}",
                    f"long-line-{label}",
                    "long-line",
                    max(1000, round(size * scale)),
                    chunk,
                )
            )
    return out


# ---------------------------------------------------------------- generators


_WORDS = (
    "the",
    "model",
    "stream",
    "token",
    "delta",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "was",
    "on",
    "be",
    "at",
    "by",
    "this",
    "from",
    "or",
    "an",
    "are",
    "not",
    "but",
    "have",
    "they",
    "which",
    "you",
    "were",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "json",
    "parse",
    "event",
    "server",
    "client",
    "data",
    "line",
    "chunk",
    "buffer",
    "fast",
    "rust",
    "python",
)
_EXOTIC = ("é", "ü", "—", "你好", "🙂", "ß", "…", "\n", '"quoted"', "\\")


def _token(rng: random.Random) -> str:
    """A plausible LLM token: mostly a word with a leading space, sometimes not ASCII."""
    if rng.random() < 0.03:
        return rng.choice(_EXOTIC)
    word = rng.choice(_WORDS)
    return " " + word if rng.random() < 0.8 else word


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _block(fields: list[tuple[str, str]], line_end: str) -> bytes:
    """The bytes of one block: ``name: value`` lines (or ``:comment``), then a blank line."""
    lines = [f"{name}: {value}" if name else f":{value}" for name, value in fields]
    return (line_end.join(lines) + line_end + line_end).encode()


def _event(
    data: str, line_end: str, *, event: str = "", event_id: str = "", retry: int | None = None
) -> tuple[list[tuple[str, str]], EventTuple]:
    fields: list[tuple[str, str]] = []
    if event_id:
        fields.append(("id", event_id))
    if retry is not None:
        fields.append(("retry", str(retry)))
    if event:
        fields.append(("event", event))
    fields.extend(("data", line) for line in data.split("\n"))
    return fields, (event or "message", data.encode(), event_id, retry)


def _chat(count: int, line_end: str) -> Iterator[Block]:
    """An OpenAI-style chat-completion stream: ``count`` events, the last ``data: [DONE]``."""
    rng = random.Random(1)
    head = {
        "id": "chatcmpl-" + "".join(rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123", k=29)),
        "object": "chat.completion.chunk",
        "created": 1732000000,
        "model": "gpt-4o-2024-08-06",
        "system_fingerprint": "fp_" + "".join(rng.choices("0123456789abcdef", k=10)),
    }
    for index in range(count - 1):
        if index == 0:
            delta: dict[str, object] = {"role": "assistant", "content": "", "refusal": None}
            finish = None
        elif index == count - 2:
            delta, finish = {}, "stop"
        else:
            delta, finish = {"content": _token(rng)}, None
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        fields, event = _event(_dumps({**head, "choices": [choice]}), line_end)
        yield _block(fields, line_end), event
    fields, event = _event("[DONE]", line_end)
    yield _block(fields, line_end), event


def _typed(count: int) -> Iterator[Block]:
    """An Anthropic-style typed stream (``event:`` + ``data:``) of ``count`` events."""
    rng = random.Random(2)
    message: dict[str, object] = {
        "id": "msg_"
        + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", k=24)),
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {"input_tokens": 25, "output_tokens": 1},
    }
    opening: list[tuple[str, object]] = [
        ("message_start", {"type": "message_start", "message": message}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        ("ping", {"type": "ping"}),
    ]
    closing: list[tuple[str, object]] = [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": count},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    deltas = max(0, count - len(opening) - len(closing))
    body: Iterator[tuple[str, object]] = (
        (
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": _token(rng)},
            },
        )
        for _ in range(deltas)
    )
    for name, value in islice(chain(opening, body, closing), count):
        fields, event = _event(_dumps(value), "\n", event=name)
        yield _block(fields, "\n"), event


def _change_feed(count: int) -> Iterator[Block]:
    """A change feed: ids on every event, ``retry`` now and then, ``:`` heartbeats between."""
    rng = random.Random(3)
    yield _block([("retry", "3000")], "\n"), None
    for seq in range(1, count + 1):
        if seq % 20 == 0:
            yield _block([("", " heartbeat")], "\n"), None
        change = {
            "seq": seq,
            "id": f"doc-{rng.randrange(1_000_000):06d}",
            "changes": [{"rev": f"{rng.randrange(1, 50)}-{rng.getrandbits(64):016x}"}],
            "deleted": rng.random() < 0.05,
        }
        retry = 5000 if seq % 1000 == 0 else None
        fields, event = _event(_dumps(change), "\n", event_id=str(seq), retry=retry)
        yield _block(fields, "\n"), event


def _multiline(count: int) -> Iterator[Block]:
    """Events of 20 data lines each (pretty-printed text)."""
    rng = random.Random(4)
    for _ in range(count):
        lines = [" ".join(rng.choices(_WORDS, k=rng.randrange(4, 12))) for _ in range(20)]
        fields, event = _event("\n".join(lines), "\n")
        yield _block(fields, "\n"), event


def _payloads(count: int) -> Iterator[Block]:
    """Single-line 64 KiB payloads (base64 text)."""
    rng = random.Random(5)
    for _ in range(count):
        payload = base64.b64encode(rng.randbytes(48 * KIB)).decode()
        fields, event = _event(payload, "\n")
        yield _block(fields, "\n"), event


def _json_payloads(count: int) -> Iterator[Block]:
    """64 KiB JSON payloads: an object holding base64 text and a few scalars (sseflow.arrow)."""
    rng = random.Random(7)
    for index in range(count):
        blob = base64.b64encode(rng.randbytes(48 * KIB - 60)).decode()
        fields, event = _event(_dumps({"seq": index, "ok": True, "blob": blob}), "\n")
        yield _block(fields, "\n"), event


def _long_line(size: int) -> Iterator[Block]:
    """One event whose single data line holds ``size`` characters."""
    rng = random.Random(6)
    tile = base64.b64encode(rng.randbytes(3 * 4099)).decode()  # 16396 chars, no CR/LF
    payload = (tile * (size // len(tile) + 1))[:size]
    fields, event = _event(payload, "\n")
    yield _block(fields, "\n"), event


_GENERATORS: dict[str, Callable[[Spec], Iterator[Block]]] = {
    "chat": lambda spec: _chat(spec.size, spec.line_end),
    "typed": lambda spec: _typed(spec.size),
    "change-feed": lambda spec: _change_feed(spec.size),
    "multiline": lambda spec: _multiline(spec.size),
    "payload": lambda spec: _payloads(spec.size),
    "json-payload": lambda spec: _json_payloads(spec.size),
    "long-line": lambda spec: _long_line(spec.size),
}


# ---------------------------------------------------------------- chunking


def _cut(blocks: list[Block], chunk: int) -> tuple[list[bytes], list[tuple[EventTuple, ...]]]:
    """The chunks, and for each the events whose last byte it holds."""
    if chunk == PER_EVENT:
        return [raw for raw, _ in blocks], [(e,) if e else _NO_EVENTS for _, e in blocks]
    stream = b"".join(raw for raw, _ in blocks)
    chunks = [stream[start : start + chunk] for start in range(0, len(stream), chunk)]
    grouped: dict[int, list[EventTuple]] = {}
    end = 0
    for raw, event in blocks:
        end += len(raw)
        if event is not None:
            grouped.setdefault((end - 1) // chunk, []).append(event)
    ready = [_NO_EVENTS] * len(chunks)
    for index, events in grouped.items():
        ready[index] = tuple(events)
    return chunks, ready


def build(spec: Spec) -> Workload:
    """Generates the workload ``spec`` describes."""
    blocks = list(_GENERATORS[spec.kind](spec))
    chunks, ready = _cut(blocks, spec.chunk)
    events = [event for _, event in blocks if event is not None]
    return Workload(
        name=spec.name,
        group=spec.group,
        chunks=chunks,
        events=len(events),
        data_len=sum(len(data.decode()) for _, data, _, _ in events),
        nbytes=sum(len(raw) for raw, _ in blocks),
        ready=ready,
    )


@lru_cache(maxsize=1)
def cached(spec: Spec) -> Workload:
    """``build(spec)``, keeping the last one (tests run every parser on a workload in a row)."""
    return build(spec)
