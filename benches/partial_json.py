"""Partial JSON of one big tool-call argument arriving in small deltas, before and after.

``python -m benches.partial_json [--sizes 250000,500000,1000000] [--delta 10]`` builds a
tool call's arguments of each size (a file to write: ``{"path", "content", "lines"}``,
the content with escapes and non-ASCII text) and feeds them ``--delta`` characters at a
time, taking the best parse after every delta, three ways:

- ``reparse``: what ``partial_json=True`` did before: join the pieces so far and parse
  the whole text again with jiter (``sseflow.llm._partial_json.reparse``);
- ``incremental``: :class:`~sseflow.llm._partial_json.PartialJSON`, ``feed()`` then
  ``value()`` after every delta (a reader whose user looks at every ``partial``);
- ``incremental, unread``: ``feed()`` only (a reader whose user never looks).

Then ``llm.stream(..., partial_json=True)`` over a whole Chat Completions stream of the
largest size, reading ``partial`` at every delta. Each result is checked against
``json.loads``. Reported: seconds, and microseconds per character, whose growth with the
size tells linear (flat) from quadratic (proportional). ``reparse`` is skipped above
``--reparse-max`` characters (default 1,000,000), as it takes minutes there.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from sseflow import llm
from sseflow.llm._partial_json import PartialJSON, reparse
from sseflow.llm._samples import chat_events


def argument(size: int) -> str:
    """Tool-call arguments of about ``size`` characters."""
    line = 'def f(x):\n    return "tab\\there" + x  # é ☃\n'
    written = len(json.dumps(line)) - 2  # its length in the JSON text, escapes included
    content = line * max(1, (size - 1200) // written)
    return json.dumps({"path": "big.py", "content": content, "lines": list(range(200))})


def deltas(text: str, size: int) -> list[str]:
    return [text[start : start + size] for start in range(0, len(text), size)]


def by_reparse(pieces: list[str]) -> Any:
    seen: list[str] = []
    value = None
    for piece in pieces:
        seen.append(piece)
        value = reparse("".join(seen))
    return value


def by_incremental(pieces: list[str]) -> Any:
    parser = PartialJSON()
    value = None
    for piece in pieces:
        parser.feed(piece)
        value = parser.value()
    return value


def by_incremental_unread(pieces: list[str]) -> Any:
    parser = PartialJSON()
    for piece in pieces:
        parser.feed(piece)
    return parser.value()


def through_the_reader(pieces: list[str]) -> Any:
    tool = ("call_1", "write_file", pieces)
    data = b"".join(chat_events(tool_calls=[tool], finish_reason="tool_calls"))
    value = None
    for delta in llm.stream(data, partial_json=True):
        if isinstance(delta, llm.ToolCallDelta):
            value = delta.partial
    return value


def timed(run: Callable[[list[str]], Any], pieces: list[str], expected: Any) -> float:
    start = time.perf_counter()
    value = run(pieces)
    seconds = time.perf_counter() - start
    assert value == expected, "wrong final parse"
    return seconds


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--sizes", default="250000,500000,1000000")
    options.add_argument("--delta", type=int, default=10)
    options.add_argument("--reparse-max", type=int, default=1_000_000)
    args = options.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    ways: list[tuple[str, Callable[[list[str]], Any]]] = [
        ("reparse", by_reparse),
        ("incremental", by_incremental),
        ("incremental, unread", by_incremental_unread),
    ]
    print(f"{'way':22} {'characters':>11} {'deltas':>8} {'seconds':>9} {'us/char':>8}")
    for size in sizes:
        text = argument(size)
        pieces = deltas(text, args.delta)
        expected = json.loads(text)
        runs = [*ways, ("llm.stream, partial", through_the_reader)] if size == sizes[-1] else ways
        for name, run in runs:
            if name == "reparse" and len(text) > args.reparse_max:
                continue
            seconds = timed(run, pieces, expected)
            per = seconds / len(text) * 1e6
            print(f"{name:22} {len(text):>11,} {len(pieces):>8,} {seconds:>9.3f} {per:>8.3f}")


if __name__ == "__main__":
    main()
