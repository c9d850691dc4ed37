"""Many drops at random points, inside lines, CRLFs and UTF-8 characters: every event
arrives exactly once, in order, and each request resumes from the last whole event."""

from __future__ import annotations

import asyncio
import random

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
