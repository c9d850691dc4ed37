"""``sseflow llm``: the final state of an LLM stream, from a file, stdin or a sample."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sseflow.llm._completion import TextDelta
from sseflow.llm._detect import FORMATS
from sseflow.llm._samples import SAMPLES
from sseflow.llm._stream import stream

__all__ = ["add_command", "run"]


def add_command(commands: Any) -> None:
    """Adds the ``llm`` subcommand to the ``sseflow`` command line's subparsers."""
    listing = "\n".join(f"  {name:30} {about}" for name, (about, _) in SAMPLES.items())
    command = commands.add_parser(
        "llm",
        help="read an LLM stream and print its text and final state",
        description="Read an OpenAI Chat Completions, OpenAI Responses, Anthropic Messages or "
        "Google Gemini (streamGenerateContent?alt=sse) stream; print its text as it arrives, "
        "then the completion record as JSON (status, finish reason, usage, tool calls, error, "
        "anomalies). The exit status is 0 only for status 'completed', else 1.",
        epilog=f"built-in samples (--sample NAME):\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = command.add_mutually_exclusive_group()
    source.add_argument("file", nargs="?", default="-", help="the stream to read ('-': stdin)")
    source.add_argument(
        "--sample", choices=sorted(SAMPLES), metavar="NAME", help="read a built-in sample"
    )
    command.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="the stream's format (default: auto, told from the first events)",
    )
    command.add_argument(
        "--json", action="store_true", help="print only the completion record, not the text"
    )


def run(args: argparse.Namespace) -> int:
    """Runs ``sseflow llm``; returns the exit status."""
    if args.sample:
        source: Any = SAMPLES[args.sample][1]
    elif args.file == "-":
        source = sys.stdin.buffer
    else:
        try:
            with open(args.file, "rb") as file:
                source = file.read()
        except OSError as error:
            print(f"sseflow: cannot read {args.file}: {error.strerror}", file=sys.stderr)
            return 2
    with stream(source, format=args.format, on_error="record") as reader:
        for delta in reader:
            if isinstance(delta, TextDelta) and not args.json:
                sys.stdout.write(delta.text)
                sys.stdout.flush()
        completion = reader.completion
    if not args.json:
        sys.stdout.write("\n")
    sys.stdout.write(json.dumps(completion.to_dict(), indent=2, ensure_ascii=False) + "\n")
    if not completion.ok:
        print(f"sseflow: status {completion.status}, not completed", file=sys.stderr)
    return 0 if completion.ok else 1
