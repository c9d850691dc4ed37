"""Many drops at random points, inside lines, CRLFs and UTF-8 characters: every event
arrives exactly once, in order, and each request resumes from the last whole event.

The last test runs 200 AsyncEventSources at once through 2,000 drops and measures that
memory stays flat; ``SSEFLOW_SOAK_SCALE=10`` makes it ten times bigger."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import random
from collections.abc import Callable

import httpx
import pytest
from sse_server import SSEServer, resumable

from sseflow import AsyncEventSource, Event, EventSource, encode

COUNT = 80
DROPS = 40


def events() -> list[bytes]:
    """Events ``id: 1`` .. ``id: COUNT`` with CRLF line ends and multi-byte text."""
    return [
        encode(f"caf\u00e9 {n}\n\u2603 line two", event="tick", id=str(n)).replace(b"\n", b"\r\n")
        for n in range(1, COUNT + 1)
    ]


def cuts(seed: int, wire: list[bytes]) -> list[tuple[int, int]]:
    """For each connection, whole events sent (one or more) and the bytes of the next."""
    rng = random.Random(seed)
    return [(rng.randint(1, 2), rng.randrange(len(wire[0]))) for _ in range(DROPS)]


def check(received: list[Event], server: SSEServer, plan: list[tuple[int, int]]) -> None:
    assert [e.id for e in received] == [str(n) for n in range(1, COUNT + 1)]
    assert all(e.event == "tick" for e in received)
    assert [e.data for e in received] == [
        f"caf\u00e9 {n}\n\u2603 line two" for n in range(1, COUNT + 1)
    ]
    sent_ids = [r.headers.get("last-event-id", "") for r in server.requests_to("/s")]
    expected, delivered = [""], 0
    for whole, _ in plan:
        if delivered >= COUNT:
            break
        delivered = min(delivered + whole, COUNT)
        expected.append(str(delivered))
    assert sent_ids[: len(expected)] == expected


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("reset", [False, True], ids=["close", "reset"])
def test_sync_soak(seed: int, reset: bool) -> None:
    wire = events()
    plan = cuts(seed, wire)
    with SSEServer() as server:
        url = server.route("/s", resumable(wire, plan, retry=1, reset=reset))
        received: list[Event] = []
        with EventSource(url) as source:
            for event in source:
                received.append(event)
                if len(received) == COUNT:
                    break
        check(received, server, plan)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seed", [4, 5, 6])
@pytest.mark.parametrize("reset", [False, True], ids=["close", "reset"])
def test_async_soak(seed: int, reset: bool) -> None:
    wire = events()
    plan = cuts(seed, wire)

    async def run(url: str) -> list[Event]:
        received: list[Event] = []
        async with AsyncEventSource(url) as source:
            async for event in source:
                received.append(event)
                if len(received) == COUNT:
                    break
        return received

    with SSEServer() as server:
        url = server.route("/s", resumable(wire, plan, retry=1, reset=reset))
        check(asyncio.run(run(url)), server, plan)


# -- 200 sources at once ------------------------------------------------------------------------

SCALE = int(os.environ.get("SSEFLOW_SOAK_SCALE", "1"))
"""``SSEFLOW_SOAK_SCALE=10`` makes the soak below 10 times bigger (drops and events)."""
MANY_SOURCES = 200
EVENTS_PER_SOURCE = 40 * SCALE
MANY_DROPS = 2000 * SCALE
CUT_KINDS = ("crlf", "utf8", "after-id", "anywhere")


def soak_event(n: int) -> bytes:
    return f"id: {n}\r\ndata: caf\u00e9 {n} \u2603\r\ndata: two\r\n\r\n".encode()


def cut_point(event: bytes, kind: str, rng: random.Random) -> int:
    """Where to cut ``event``: between a CR and its LF, inside a UTF-8 character, after
    the ``id`` line but before the blank line, or anywhere."""
    if kind == "crlf":
        return rng.choice([i + 1 for i in range(len(event)) if event[i : i + 2] == b"\r\n"])
    if kind == "utf8":
        return rng.choice([i for i in range(1, len(event)) if 0x80 <= event[i] < 0xC0])
    if kind == "after-id":
        return rng.randrange(event.index(b"\r\n") + 2, len(event) - 2)
    return rng.randrange(len(event))


class SoakServer:
    """An asyncio event-stream server for many sources: ``/s/<k>`` resumes source ``k``
    after its ``Last-Event-ID`` and drops the connection at planned points."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.drops_left = MANY_DROPS
        self.drops = 0
        self.requests = [0] * MANY_SOURCES
        """Requests per source (counts, not a record: memory is measured)."""
        self.resumed_wrong = 0
        """Requests whose Last-Event-ID was not the last event the server dispatched."""
        self._dispatched = [0] * MANY_SOURCES
        self.on_drop: list[Callable[[int], None]] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=512)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/s/"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        source = int(lines[0].split()[1].rsplit("/", 1)[1])
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        last = headers.get("last-event-id", "")
        self.requests[source] += 1
        start = int(last) if last else 0
        self.resumed_wrong += start != self._dispatched[source]
        # Drops go to whoever asks while some are left: about MANY_DROPS / MANY_SOURCES each.
        drop = self.drops_left > 0 and start < EVENTS_PER_SOURCE
        chunked = self.rng.random() < 0.5
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + (b"Transfer-Encoding: chunked\r\n" if chunked else b"Connection: close\r\n")
            + b"\r\n"
        )
        body = b"retry: 1\r\n\r\n"
        if drop:
            self.drops_left -= 1
            whole = self.rng.randint(0, 3)
            end = min(start + whole, EVENTS_PER_SOURCE)
            body += b"".join(soak_event(n) for n in range(start + 1, end + 1))
            self._dispatched[source] = end
            if end < EVENTS_PER_SOURCE:
                following = soak_event(end + 1)
                cut = cut_point(following, self.rng.choice(CUT_KINDS), self.rng)
                body += following[:cut]
                if cut > len(following) - 2:  # the CR of the blank line dispatches it
                    self._dispatched[source] = end + 1
        else:
            body += b"".join(soak_event(n) for n in range(start + 1, EVENTS_PER_SOURCE + 1))
        writer.write(b"%x\r\n%s\r\n" % (len(body), body) if chunked else body)
        if chunked and not drop:
            writer.write(b"0\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()  # mid-body for a drop: a clean end, or a broken chunked body
        if drop:
            self.drops += 1
            for listener in self.on_drop:
                listener(self.drops)


def resident_bytes() -> int:
    """This process's resident set size, from /proc (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.timeout(600)
def test_200_sources_at_once_every_event_exactly_once_and_memory_flat(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="sseflow.eventsource")  # records would pile up
    samples: dict[int, tuple[int, int]] = {}
    """Per tenth of the drops done: (resident bytes, live objects), after a collection."""

    def sample(drops: int) -> None:
        if drops % (MANY_DROPS // 10) == 0:
            gc.collect()
            samples[drops * 10 // MANY_DROPS] = (resident_bytes(), len(gc.get_objects()))

    async def consume(source: AsyncEventSource) -> int:
        """Checks each event as it comes, keeping none (memory is measured); returns how
        many came in order, each exactly once."""
        got = 0
        async with source:
            async for event in source:
                got += 1
                assert event.id == str(got), f"{source.url}: {event.id} after {got - 1}"
                assert event.data == f"caf\u00e9 {got} \u2603\ntwo"
                if got == EVENTS_PER_SOURCE:
                    break
        return got

    async def run() -> tuple[SoakServer, list[int]]:
        server = SoakServer(seed=7)
        server.on_drop.append(sample)
        url = await server.start()
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
        async with httpx.AsyncClient(limits=limits) as client:
            sources = [AsyncEventSource(f"{url}{k}", client=client) for k in range(MANY_SOURCES)]
            received = await asyncio.gather(*(consume(source) for source in sources))
        await server.stop()
        return server, received

    server, received = asyncio.run(run())
    assert server.drops == MANY_DROPS
    assert received == [EVENTS_PER_SOURCE] * MANY_SOURCES
    # Each request resumed after the last event dispatched, so none came twice.
    assert server.resumed_wrong == 0
    assert sum(server.requests) > MANY_DROPS
    assert sorted(samples) == list(range(1, 11))
    rss = [samples[k][0] for k in range(1, 11)]
    objects = [samples[k][1] for k in range(1, 11)]
    print(
        f"soak: {MANY_DROPS} drops, {MANY_SOURCES} sources; resident MiB at each tenth "
        f"{[round(r / 2**20, 1) for r in rss]}, live objects {objects}"
    )
    # Flat after the first tenth: a few MiB of warm-up (the allocator's arenas for the
    # connections in flight), then nothing that grows with the drops.
    assert max(rss) - rss[0] < 8 * 2**20
    assert rss[-1] - rss[4] < 2 * 2**20
    assert max(objects[1:]) < objects[0] * 1.15
