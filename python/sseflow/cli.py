"""The ``sseflow`` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from sseflow import Event, Parser, reference
from sseflow.samples import SAMPLES, sample

__all__ = ["main"]

CHUNK_SIZE = 64 * 1024


def _build_parser() -> argparse.ArgumentParser:
    samples = "\n".join(f"  {name:10} {about}" for name, (about, _) in SAMPLES.items())
    parser = argparse.ArgumentParser(
        prog="sseflow",
        description="Parse Server-Sent Events (text/event-stream).",
        epilog=f"built-in samples (--sample NAME):\n{samples}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser(
        "parse",
        help="print the events of a stream as JSON lines",
        description="Print each event as a JSON line (event, data, id, retry). A stream that "
        "ends truncated is reported on stderr and exits with status 1.",
        epilog=f"built-in samples:\n{samples}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parse.add_mutually_exclusive_group()
    source.add_argument("file", nargs="?", default="-", help="the stream to read ('-': stdin)")
    source.add_argument("--sample", choices=sorted(SAMPLES), help="parse a built-in sample stream")
    parse.add_argument(
        "--reference", action="store_true", help="use the pure-Python reference parser"
    )
    return parser


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def _print_event(event: Event | reference.Event) -> None:
    record = {"event": event.event, "data": event.data, "id": event.id, "retry": event.retry}
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def _parse(args: argparse.Namespace) -> int:
    parser = reference.Parser() if args.reference else Parser()
    if args.sample:
        chunks: Iterator[bytes] = iter([sample(args.sample)])
        name = f"sample {args.sample!r}"
    elif args.file == "-":
        chunks = _chunks(sys.stdin.buffer)
        name = "<stdin>"
    else:
        with open(args.file, "rb") as stream:
            chunks = iter(list(_chunks(stream)))
        name = args.file
    for chunk in chunks:
        parser.feed(chunk)
        for event in parser:
            _print_event(event)  # type: ignore[arg-type]
    parser.close()
    if parser.truncated:
        print(f"sseflow: {name} ended truncated: its last event is incomplete", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    args = _build_parser().parse_args(argv)
    try:
        return _parse(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
