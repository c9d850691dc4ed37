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
from sseflow.errors import LimitExceeded, ParserClosed, SSEError

__all__ = [
    "Comment",
    "Event",
    "LimitExceeded",
    "Parser",
    "ParserClosed",
    "SSEError",
    "__version__",
]

__version__: str = _version("sseflow")
