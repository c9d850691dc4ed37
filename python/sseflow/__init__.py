"""sseflow: a fast, spec-exact, incremental Server-Sent Events parser.

>>> from sseflow import Parser
>>> parser = Parser()
>>> parser.feed(b"event: greet\\ndata: hello\\n\\n")
>>> [(event.event, event.data) for event in parser]
[('greet', 'hello')]

``sseflow.Parser`` and ``sseflow.Event`` are native (Rust); ``sseflow.reference``
holds a pure-Python implementation of the same API.
"""

from __future__ import annotations

from importlib.metadata import version as _version

from sseflow._native import Comment, Event, Parser
from sseflow.errors import (
    ConnectionFailed,
    LimitExceeded,
    ParserClosed,
    RetriesExhausted,
    SSEError,
    StreamTruncated,
)
from sseflow.eventsource import AsyncEventSource, EventSource, ReadyState, Reconnect
from sseflow.stream import aiter_events, iter_events
from sseflow.wire import encode

__all__ = [
    "AsyncEventSource",
    "Comment",
    "ConnectionFailed",
    "Event",
    "EventSource",
    "LimitExceeded",
    "Parser",
    "ParserClosed",
    "ReadyState",
    "Reconnect",
    "RetriesExhausted",
    "SSEError",
    "StreamTruncated",
    "__version__",
    "aiter_events",
    "encode",
    "iter_events",
]

__version__: str = _version("sseflow")
