"""``sseflow._arrivals``: the thread that reads a live URL for ``sseflow ingest``, on a real
server: events in order, at most ``WAITING`` read ahead, errors handed over, a quick close."""

from __future__ import annotations

import time
from contextlib import closing

import pytest
from sse_server import Conn, SSEServer, sequence, static, wait_for

from sseflow import ConnectionFailed, Event, EventSource, encode
from sseflow._arrivals import ENDED, WAITING, Arrivals, Ended, Together

pytestmark = pytest.mark.timeout(60)


def data(item: Event | Ended | None) -> str:
    assert isinstance(item, Event), item
    return item.data


def test_events_in_order_then_the_end_and_a_timeout_meanwhile() -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("a"))
        time.sleep(0.5)
        conn.write(encode("b"))

    with SSEServer() as server:
        url = server.route("/s", sequence(route, static(status=204)))
        source = EventSource(url)
        with closing(Arrivals(source)) as arrivals:
            assert data(arrivals.next(5)) == "a"
            assert arrivals.next(0.05) is None  # "b" is half a second away
            assert data(arrivals.next(5)) == "b"
            # The stream ends, then the server answers 204: the source ends.
            assert arrivals.next(10) is ENDED


def test_reading_stops_at_most_waiting_events_ahead_and_close_ends_it() -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(b"".join(encode(str(n)) for n in range(3 * WAITING)))
        conn.idle(30)

    with SSEServer() as server:
        url = server.route("/s", route)
        arrivals = Arrivals(EventSource(url))
        assert wait_for(lambda: arrivals.waiting == WAITING)
        time.sleep(0.2)
        assert arrivals.waiting == WAITING  # the reader waits for room
        assert data(arrivals.next(1)) == "0"
        start = time.monotonic()
        arrivals.close()
        assert not arrivals.reading
        assert time.monotonic() - start < 2


def test_a_failed_connection_is_raised_by_next() -> None:
    with SSEServer() as server:
        url = server.route("/s", static(b"not found", status=404))
        with closing(Arrivals(EventSource(url))) as arrivals, pytest.raises(ConnectionFailed):
            arrivals.next(10)


def test_together_waits_for_the_next_item_of_the_sources_asked_about() -> None:
    def later(conn: Conn) -> None:
        time.sleep(0.5)
        conn.start()
        conn.write(encode("late"))
        conn.idle(30)

    def now(conn: Conn) -> None:
        conn.start()
        conn.write(encode("now"))
        conn.idle(30)

    with SSEServer() as server:
        sources = [
            EventSource(server.route("/late", later)),
            EventSource(server.route("/now", now)),
        ]
        with closing(Together(sources)) as together:
            late, early = together.arrivals
            assert together.wait([1], 5)
            assert data(early.next(0)) == "now"
            start = time.monotonic()
            assert not together.wait([1], 0.2)  # nothing more from "/now"
            assert together.wait([0, 1], 5)  # until "/late" writes
            assert time.monotonic() - start < 2
            assert data(late.next(0)) == "late"
            assert early.next(0) is None
        assert not late.reading
        assert not early.reading


def test_together_never_sleeps_through_an_item() -> None:
    """Items put while the consumer looks and waits, many times over: a wait with no limit
    wakes for each (a lost wake-up would hang it until the test's timeout)."""

    def drip(conn: Conn) -> None:
        conn.start()
        for n in range(400):
            conn.write(encode(str(n)))
            if n % 7 == 0:
                time.sleep(0.001)
        conn.idle(30)

    with SSEServer() as server:
        sources = [EventSource(server.route(f"/{name}", drip)) for name in "ab"]
        with closing(Together(sources)) as together:
            got: list[list[str]] = [[], []]
            while sum(map(len, got)) < 800:
                assert together.wait([0, 1], None)
                for index, arrivals in enumerate(together.arrivals):
                    while (item := arrivals.take()) is not None:
                        got[index].append(data(item))
    assert got == [[str(n) for n in range(400)]] * 2
