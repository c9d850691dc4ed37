"""Memory, threads and re-entrancy, for both implementations."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest
from chunking import Impl

FLAT_MEMORY = textwrap.dedent(
    """
    import os, sys
    import sseflow
    from sseflow import reference

    impl = reference if sys.argv[1] == "reference" else sseflow
    total = int(sys.argv[2])

    def rss_kib():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

    # 1 MiB chunks of mixed events, cut mid-event at chunk ends.
    block = b"".join(
        b"id: %d\\nevent: tick\\ndata: " % i + b"x" * (i % 300) + b"\\ndata: y\\n\\n: hb\\n"
        for i in range(600)
    )
    chunk = (block * (2 * (1 << 20) // len(block)))[: 1 << 20]
    parser = impl.Parser()
    fed, events, baseline = 0, 0, None
    while fed < total:
        parser.feed(chunk)
        fed += len(chunk)
        events += len(parser.events())
        if baseline is None and fed >= 16 << 20:
            baseline = rss_kib()
    grown_feeding = rss_kib() - baseline
    for _ in range(int(sys.argv[3])):
        impl.Parser().feed(b"data: x\\n\\ndata: open")
    grown_parsers = rss_kib() - baseline
    print(events, grown_feeding, grown_parsers)
    """
)


FLAT_MEMORY_SIZES = {"native": (1 << 30, 1_000_000), "reference": (128 << 20, 100_000)}
"""Bytes fed, then parsers made, by implementation."""


@pytest.mark.timeout(600)
def test_memory_stays_flat(impl: Impl) -> None:
    """1 GB through one native parser (128 MB through the slower reference), then
    a million parsers created and dropped: resident memory does not grow."""
    total, parsers = FLAT_MEMORY_SIZES[impl.name]
    result = subprocess.run(
        [sys.executable, "-c", FLAT_MEMORY, impl.name, str(total), str(parsers)],
        capture_output=True,
        text=True,
        check=True,
    )
    events, grown_feeding, grown_parsers = map(int, result.stdout.split())
    assert events > total // 1024  # the stream was really parsed: events are ~200 bytes
    assert grown_feeding < 8 * 1024, f"RSS grew by {grown_feeding} KiB while feeding"
    assert grown_parsers < 8 * 1024, f"RSS grew by {grown_parsers} KiB creating parsers"


def test_two_threads_feeding_one_parser(impl: Impl) -> None:
    """Each feed() is atomic: whole events fed from two threads stay whole."""
    parser = impl.module.Parser()
    count = 5_000

    def produce(name: str) -> None:
        for i in range(count):
            parser.feed(b"event: %s\ndata: %d\n\n" % (name.encode(), i))

    threads = [threading.Thread(target=produce, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    events = parser.events()
    assert len(events) == 2 * count
    for name in ("a", "b"):
        assert [int(e.data) for e in events if e.event == name] == list(range(count))


def test_one_thread_feeds_while_another_iterates(impl: Impl) -> None:
    parser = impl.module.Parser()
    count = 5_000
    done = threading.Event()
    seen: list[str] = []

    def consume() -> None:
        while not done.is_set():
            seen.extend(event.data for event in parser)
        seen.extend(event.data for event in parser)  # what was fed before `done`

    consumer = threading.Thread(target=consume)
    consumer.start()
    for i in range(count):
        parser.feed(b"data: %d\n\n" % i)
    done.set()
    consumer.join()
    assert seen == [str(i) for i in range(count)]


def test_feeding_from_inside_the_loop_that_iterates(impl: Impl) -> None:
    """Events fed while iterating are yielded by the same loop, in order."""
    parser = impl.module.Parser()
    parser.feed(b"data: 0\n\n")
    seen = []
    for event in parser:
        seen.append(event.data)
        if len(seen) < 5:
            parser.feed(b"data: %d\n\n" % len(seen))
    assert seen == ["0", "1", "2", "3", "4"]
