"""The ``sseflow`` command line."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import shlex
import sys
from collections.abc import Iterator, Sequence
from functools import partial
from typing import BinaryIO

from sseflow import Event, Parser, reference
from sseflow._interrupt import Interrupt
from sseflow.samples import SAMPLES, sample

__all__ = ["main"]

CHUNK_SIZE = 64 * 1024


def _build_parser() -> argparse.ArgumentParser:
    samples = "\n".join(f"  {name:10} {about}" for name, (about, _) in SAMPLES.items())
    parser = argparse.ArgumentParser(
        prog="sseflow",
        description="Parse Server-Sent Events (text/event-stream).",
        epilog=f"samples of sseflow parse --sample NAME:\n{samples}\n\n"
        "sseflow llm --help lists the samples of LLM streams.",
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
    listen = commands.add_parser(
        "listen",
        help="follow a live stream, reconnecting, and print its events as JSON lines",
        description="Follow an event stream over HTTP like a browser's EventSource: reconnect "
        "after drops, resuming with Last-Event-ID, and print each event as a JSON line. "
        "Reconnections are reported on stderr. Ctrl-C stops it (status 130), and so does "
        "SIGTERM (status 143), after the line being printed; then, and after a failure, "
        "the last line on stderr gives the --last-event-id that resumes the stream. A "
        "failed connection or too many failed reconnections exit with status 1.",
    )
    listen.add_argument("url", help="the stream's URL")
    listen.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="add a request header (repeatable)",
    )
    listen.add_argument("--last-event-id", default="", metavar="ID", help="resume after this ID")
    listen.add_argument(
        "--idle-timeout",
        type=float,
        metavar="SECONDS",
        help="reconnect after this long without a byte (default: wait forever)",
    )
    listen.add_argument(
        "--max-retries",
        type=int,
        metavar="N",
        help="give up after N failed reconnections in a row (default: never)",
    )
    listen.add_argument(
        "--retry-statuses",
        action="store_true",
        help="also reconnect after 429 and 5xx answers (honouring Retry-After)",
    )
    from sseflow.llm._cli import add_command

    add_command(commands)
    from sseflow import ingest

    ingest.add_command(commands)
    return parser


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def _print_event(event: Event | reference.Event) -> None:
    record = {"event": event.event, "data": event.data, "id": event.id, "retry": event.retry}
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


def _parse(args: argparse.Namespace) -> int:
    parser: Parser[Event] | reference.Parser[reference.Event]
    parser = reference.Parser() if args.reference else Parser()
    with contextlib.ExitStack() as stack:
        if args.sample:
            chunks: Iterator[bytes] = iter([sample(args.sample)])
            name = f"sample {args.sample!r}"
        elif args.file == "-":
            chunks = _chunks(sys.stdin.buffer)
            name = "<stdin>"
        else:
            chunks = _chunks(stack.enter_context(open(args.file, "rb")))
            name = args.file
        for chunk in chunks:
            for event in parser.parse(chunk):
                _print_event(event)
    parser.close()
    if parser.truncated:
        print(f"sseflow: {name} ended truncated: its last event is incomplete", file=sys.stderr)
        return 1
    return 0


def _headers(values: list[str], parser: argparse.ArgumentParser) -> dict[str, str]:
    headers: dict[str, str] = {}
    for value in values:
        name, colon, rest = value.partition(":")
        if not colon or not name.strip():
            parser.error(f"a header is 'Name: value', got {value!r}")
        headers[name.strip()] = rest.strip()
    return headers


def _listen(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from sseflow.errors import ConnectionFailed, RetriesExhausted
    from sseflow.eventsource import EventSource

    try:
        import httpx  # noqa: F401
    except ImportError:
        print("sseflow: listen needs httpx: pip install 'sseflow[httpx]'", file=sys.stderr)
        return 2
    headers = _headers(args.header, parser)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sseflow: %(message)s"))
    logger = logging.getLogger("sseflow.eventsource")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    interrupt = Interrupt()
    last_id, printed = args.last_event_id, False
    try:
        with (
            interrupt,
            EventSource(
                args.url,
                headers=headers,
                last_event_id=args.last_event_id,
                idle_timeout=args.idle_timeout,
                max_retries=args.max_retries,
                retry_statuses=args.retry_statuses,
            ) as source,
        ):
            events = iter(source)
            while (event := interrupt.read(partial(next, events, None))) is not None:
                # A signal waits for the line to be printed whole.
                _print_event(event)
                sys.stdout.flush()
                last_id, printed = event.id, True
                interrupt.check()
    except KeyboardInterrupt:
        _resume_hint(last_id, printed)
        return interrupt.status
    except (ConnectionFailed, RetriesExhausted) as error:
        print(f"sseflow: {error}", file=sys.stderr)
        _resume_hint(last_id, printed)
        return 1
    finally:
        logger.removeHandler(handler)
    return 0


def _resume_hint(last_id: str, printed: bool) -> None:
    """Says what resumes a stopped stream: its last event ID, if it has one, which is the
    last printed event's (or the one given, when none was printed)."""
    if last_id:
        option = f"--last-event-id {shlex.quote(last_id)}"
        after = " after the last event printed" if printed else ""
        print(f"sseflow: resume{after} with {option}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "listen":
            return _listen(args, parser)
        if args.command == "ingest":
            from sseflow import ingest

            return ingest.run(args, parser)
        if args.command == "llm":
            from sseflow.llm._cli import run

            return run(args)
        return _parse(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        what = error.filename or "the stream"
        print(f"sseflow: cannot read {what}: {error.strerror}", file=sys.stderr)
        return 2
