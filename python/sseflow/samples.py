"""Built-in sample streams, for the command line and the README."""

from __future__ import annotations

import json
from typing import Final

__all__ = ["SAMPLES", "sample"]


def _llm_tokens() -> bytes:
    """An OpenAI-style chat-completion token stream, ending in ``[DONE]``."""
    text = "Server-sent events stream over plain HTTP, one line at a time."
    words = text.split(" ")
    chunks = []
    for index, word in enumerate(words):
        delta = {"content": word if index == 0 else " " + word}
        payload = {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
        }
        chunks.append(f"data: {json.dumps(payload)}\n\n")
    final = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
    }
    chunks.append(f"data: {json.dumps(final)}\n\ndata: [DONE]\n\n")
    return "".join(chunks).encode()


def _typed() -> bytes:
    """A stream of named events (``event:`` + ``data:``), with CRLF line ends."""
    lines = [
        "event: job.started",
        'data: {"job": 42}',
        "",
        "event: job.progress",
        'data: {"job": 42, "percent": 50}',
        "",
        "event: job.log",
        "data: step 1 done",
        "data: step 2 done",
        "",
        "event: job.finished",
        'data: {"job": 42, "ok": true}',
        "",
        "",
    ]
    return "\r\n".join(lines).encode()


def _changes() -> bytes:
    """A change feed with ids, a retry and heartbeat comments."""
    return (
        b"\xef\xbb\xbf: change feed\n"
        b"retry: 5000\n\n"
        b'id: 1\nevent: insert\ndata: {"key": "a", "value": 1}\n\n'
        b": heartbeat\n\n"
        b'id: 2\nevent: update\ndata: {"key": "a", "value": 2}\n\n'
        b'id: 3\nevent: delete\ndata: {"key": "a"}\n\n'
        b": heartbeat\n"
        b'id: 4\nevent: insert\ndata: {"key": "b", "val'
    )


SAMPLES: Final[dict[str, tuple[str, bytes]]] = {
    "llm": ("an LLM chat-completion token stream ending in [DONE]", _llm_tokens()),
    "typed": ("named job events with multi-line data and CRLF line ends", _typed()),
    "changes": ("a change feed with ids, retry and heartbeats, cut mid-event", _changes()),
}


def sample(name: str) -> bytes:
    """The bytes of the built-in sample stream ``name``."""
    return SAMPLES[name][1]
