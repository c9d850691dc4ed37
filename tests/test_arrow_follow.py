"""``sseflow.arrow.follow`` and ``afollow``: a live stream, reconnecting, into batches cut by
time as well as by size, on a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import polars as pl
import pytest
from arrow_rows import rows
from hypothesis import given
from sse_server import Conn, Route, SSEServer, sequence, static
from test_differential import chunked_streams

import sseflow
from sseflow.arrow import BatchParser, RecordBatch, afollow, follow, iter_batches
from sseflow.arrow._live import wire

pytestmark = pytest.mark.timeout(60)


def dropped_then_ended() -> Route:
    """An event, then the stream drops mid-event; two more events; then 204."""
    return sequence(
        static(sseflow.encode("a", id="1", retry=10) + b"data: cut mid-ev"),
        static(sseflow.encode("b", id="2") + sseflow.encode("c")),
        static(status=204),
    )


def events_then_gone() -> Route:
    """Two events, then the stream ends; the reconnection is answered 404."""
    return sequence(
        static(sseflow.encode("a") + sseflow.encode("b")),
        static(b"gone", 404, "text/plain"),
    )


def readers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "sseflow-live-reader"]


def data(batch: RecordBatch) -> list[str]:
    return [row["data"] for row in rows([batch])]


@given(chunked_streams())
def test_events_written_back_to_the_wire_are_the_same_rows(chunks: list[bytes]) -> None:
    """What follow() and sseflow ingest parse: the events of any stream, written back
    (types, data with its line breaks and spaces, IDs carried or reset, retry)."""
    events = list(sseflow.iter_events(chunks))
    parser = BatchParser()
    parser.feed(wire(events))
    parser.close()
    assert [tuple(row.values()) for row in rows(list(parser))] == [
        (event.event, event.data, event.id, event.retry) for event in events
    ]


def test_a_stream_followed_across_a_drop_into_one_frame() -> None:
    with SSEServer() as server:
        url = server.route("/s", dropped_then_ended())
        frame = pl.DataFrame(follow(url))
        assert frame.columns == ["event", "data", "id", "retry"]
        assert frame.select("data", "id", "retry").rows() == [
            ("a", "1", 10),
            ("b", "2", None),
            ("c", "2", None),
        ]
        requests = server.requests_to("/s")
        assert [r.headers.get("last-event-id") for r in requests] == [None, "1", "2"]
    assert not readers()


def test_rows_are_cut_by_time_while_the_server_is_silent() -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(sseflow.encode("first"))
        time.sleep(2)
        conn.write(sseflow.encode("second") + sseflow.encode("third"))
        conn.idle(30)

    with SSEServer() as server:
        url = server.route("/s", route)
        start = time.monotonic()
        with follow(url, flush_seconds=0.3) as stream:
            assert data(next(stream)) == ["first"]
            assert time.monotonic() - start < 1.8  # before "second" was written
            assert data(next(stream)) == ["second", "third"]
            assert stream.parser.pending_rows == 0
        # Leaving the block closed the source: the reading thread is gone.
        assert not readers()


def test_an_inferred_type_takes_the_first_second_of_rows() -> None:
    opening = sseflow.encode(json.dumps({"role": "assistant"}))
    tokens = b"".join(sseflow.encode(json.dumps({"content": t})) for t in ("He", "llo"))
    with SSEServer() as server:
        url = server.route("/s", sequence(static(opening + tokens), static(status=204)))
        stream = follow(sseflow.EventSource(url), json_schema="infer")
        assert [row["json"] for row in rows(list(stream))] == [
            {"role": "assistant", "content": None},
            {"role": None, "content": "He"},
            {"role": None, "content": "llo"},
        ]


def test_the_rows_before_a_failure_come_out_then_the_failure() -> None:
    with SSEServer() as server:
        url = server.route("/s", events_then_gone())
        stream = follow(sseflow.EventSource(url, retry=10), batch_rows=1)
        assert [data(batch) for batch in (next(stream), next(stream))] == [["a"], ["b"]]
        with pytest.raises(sseflow.ConnectionFailed) as failed:
            next(stream)
        assert failed.value.status == 404
    assert not readers()


@pytest.mark.parametrize(
    ("source", "options", "error", "message"),
    [
        (42, {}, TypeError, "follow() takes a URL or an sseflow.EventSource, not int"),
        ("http://127.0.0.1:9/", {"flush_seconds": "1"}, TypeError, "must be a number, not str"),
        ("http://127.0.0.1:9/", {"flush_seconds": True}, TypeError, "not bool"),
        ("http://127.0.0.1:9/", {"flush_seconds": 0}, ValueError, "above 0, got 0"),
        ("http://127.0.0.1:9/", {"flush_seconds": math.nan}, ValueError, "got nan"),
        ("http://127.0.0.1:9/", {"decode_threads": 2}, ValueError, "decode_threads must be 0"),
        ("http://127.0.0.1:9/", {"batch_rows": 0}, ValueError, "batch_rows"),
        ("ftp://127.0.0.1/", {}, ValueError, "http"),
        ("http://127.0.0.1:9/", {"offsets": True}, ValueError, "follow() has no offsets"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_read(
    source: Any, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        follow(source, **options)
    assert not readers()


async def collect(batches: AsyncIterator[RecordBatch]) -> list[RecordBatch]:
    return [batch async for batch in batches]


def test_the_stream_is_parsed_with_default_event_and_limits_by_the_sources_parser() -> None:
    """``default_event=None`` tells an event that named no type from one that named
    ``message``, in follow and afollow as in iter_batches (before 2026-12-03 both were
    ``message``); a limit is the source's parser's, on the stream's own lines, and the
    rows before it come out first."""
    stream = b"retry: 10\ndata:x\n\nevent: message\ndata: y\n\nevent: t\ndata: z\n\n"
    want = [(None, "x"), ("message", "y"), ("t", "z")]
    with SSEServer() as server:
        url = server.route("/s", sequence(static(stream), static(status=204)))
        assert [
            (r["event"], r["data"]) for r in rows(list(follow(url, default_event=None)))
        ] == want
        again = server.route("/again", sequence(static(stream), static(status=204)))
        got = rows(asyncio.run(collect(afollow(again, default_event=None))))
        assert [(row["event"], row["data"]) for row in got] == want
        assert [r["event"] for r in rows(list(iter_batches([stream], default_event=None)))] == [
            event for event, _ in want
        ]
        # data:x is 6 bytes on the wire; written back, "data: x" would be 7.
        over = server.route("/over", static(b"data:x\n\ndata:yyyyyy\n\n"))
        limited = follow(over, max_line_size=6, batch_rows=1)
        assert data(next(limited)) == ["x"]
        with pytest.raises(sseflow.LimitExceeded, match="max_line_size=6"):
            next(limited)
        limited.close()
        own = sseflow.EventSource(url)
        with pytest.raises(ValueError, match="give default_event to its parser_factory"):
            follow(own, default_event=None)
        own.close()
    assert not readers()


@pytest.mark.parametrize("default_event", [None, "", "message", "update"])
def test_an_event_source_given_keeps_the_type_its_parser_gives(default_event: str | None) -> None:
    """With an EventSource whose parser_factory sets ``default_event``, an event that named
    no type gets that type in the rows, in follow and afollow (before 2026-12-03, with
    ``None``, it was ``message``)."""
    stream = b"data:x\n\nevent: message\ndata: y\n\nevent: t\ndata: z\n\n"
    want = [(default_event, "x"), ("message", "y"), ("t", "z")]
    factory = partial(sseflow.Parser, default_event=default_event)
    with SSEServer() as server:
        url = server.route("/s", sequence(static(stream), static(status=204)))
        source = sseflow.EventSource(url, parser_factory=factory)
        got = rows(list(follow(source)))
        assert [(row["event"], row["data"]) for row in got] == want
        again = server.route("/again", sequence(static(stream), static(status=204)))

        async def main() -> list[RecordBatch]:
            return await collect(afollow(sseflow.AsyncEventSource(again, parser_factory=factory)))

        got = rows(asyncio.run(main()))
        assert [(row["event"], row["data"]) for row in got] == want
    assert not readers()


def test_afollow_across_a_drop_and_to_the_end() -> None:
    with SSEServer() as server:
        url = server.route("/s", dropped_then_ended())
        got = rows(asyncio.run(collect(afollow(url, label="live"))))
        assert [(row["data"], row["id"], row["stream"]) for row in got] == [
            ("a", "1", "live"),
            ("b", "2", "live"),
            ("c", "2", "live"),
        ]
        requests = server.requests_to("/s")
        assert [r.headers.get("last-event-id") for r in requests] == [None, "1", "2"]


def test_afollow_cuts_rows_by_time_and_aclose_closes_the_source() -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(sseflow.encode("first"))
        time.sleep(2)
        conn.write(sseflow.encode("second"))
        conn.idle(30)

    async def main(url: str) -> tuple[list[str], float, sseflow.ReadyState]:
        source = sseflow.AsyncEventSource(url)
        batches = afollow(source, flush_seconds=0.3)
        start = time.monotonic()
        first = await anext(batches)
        took = time.monotonic() - start
        # The loop ran meanwhile: a timer set now fires before the next batch.
        ticks: list[float] = []
        asyncio.get_running_loop().call_later(0.1, lambda: ticks.append(time.monotonic()))
        second = await anext(batches)
        assert ticks, "the loop was blocked while the rows waited"
        await batches.aclose()
        return [*data(first), *data(second)], took, source.ready_state

    with SSEServer() as server:
        got, took, state = asyncio.run(main(server.route("/s", route)))
    assert got == ["first", "second"]
    assert took < 1.8  # before "second" was written
    assert state == sseflow.ReadyState.CLOSED


def test_afollow_gives_the_rows_before_a_failure_then_the_failure() -> None:
    got: list[list[str]] = []

    async def main(url: str) -> None:
        async for batch in afollow(sseflow.AsyncEventSource(url, retry=10), batch_rows=1):
            got.append(data(batch))

    with SSEServer() as server:
        url = server.route("/s", events_then_gone())
        with pytest.raises(sseflow.ConnectionFailed):
            asyncio.run(main(url))
    assert got == [["a"], ["b"]]


def test_afollow_refuses_bad_arguments_at_once() -> None:
    with pytest.raises(TypeError, match=r"use follow\(\) for an EventSource"):
        afollow(sseflow.EventSource("http://127.0.0.1:9/"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="above 0"):
        afollow("http://127.0.0.1:9/", flush_seconds=-1)
    with pytest.raises(ValueError, match=r"afollow\(\) decodes in the calling thread"):
        afollow("http://127.0.0.1:9/", decode_threads=1)


def test_any_event_the_source_yields_becomes_a_row() -> None:
    """An event type holding NUL, which ``sseflow.encode`` refuses, made follow() raise
    and lose the rows before it; the events of ``sseflow.reference``'s parser, of
    another class, were dropped without a word."""
    from sseflow import reference

    stream = b"data: before\n\nevent: a\x00b\ndata: x\n\nid: 7\ndata: after\n\n"
    want = [("message", "before", ""), ("a\x00b", "x", ""), ("message", "after", "7")]
    factories: list[Any] = [sseflow.Parser, reference.Parser]
    with SSEServer() as server:
        for n, factory in enumerate(factories):
            url = server.route(f"/{n}", sequence(static(stream), static(status=204)))
            source = sseflow.EventSource(url, parser_factory=factory)
            got = [(r["event"], r["data"], r["id"]) for r in rows(list(follow(source)))]
            assert got == want, factory
        url = server.route("/a", sequence(static(stream), static(status=204)))
        got = [(r["event"], r["data"], r["id"]) for r in rows(asyncio.run(collect(afollow(url))))]
        assert got == want


def test_last_event_id_resumes_the_url_and_is_refused_with_a_source() -> None:
    """It went to the batch parser, where it changed nothing: no header was sent."""
    with SSEServer() as server:
        stream = sseflow.encode("a") + sseflow.encode("b", id="43")
        url = server.route("/s", sequence(static(stream), static(status=204)))
        got = [(r["data"], r["id"]) for r in rows(list(follow(url, last_event_id="41")))]
        assert got == [("a", "41"), ("b", "43")]
        assert server.requests_to("/s")[0].headers.get("last-event-id") == "41"
    with pytest.raises(ValueError, match="give last_event_id to the EventSource"):
        follow(sseflow.EventSource("http://127.0.0.1:9/"), last_event_id="41")
    assert not readers()


def test_a_flush_time_past_any_wait_cuts_by_size_only() -> None:
    """``queue.get`` refuses a timeout past ``threading.TIMEOUT_MAX``: follow() raised
    ``OverflowError`` at its first wait with rows pending (afollow did not)."""
    with SSEServer() as server:
        stream = sseflow.encode("a") + sseflow.encode("b")
        url = server.route("/s", sequence(static(stream), static(status=204)))
        assert [data(batch) for batch in follow(url, flush_seconds=1e12)] == [["a", "b"]]


def test_closing_a_stream_never_read_closes_its_source() -> None:
    source = sseflow.EventSource("http://127.0.0.1:9/")
    with follow(source):
        pass
    assert source.ready_state == sseflow.ReadyState.CLOSED
    assert list(source) == []


def test_aclose_of_an_afollow_never_iterated_closes_its_source() -> None:
    async def closed() -> sseflow.ReadyState:
        source = sseflow.AsyncEventSource("http://127.0.0.1:9/")
        await afollow(source).aclose()
        return source.ready_state

    assert asyncio.run(closed()) == sseflow.ReadyState.CLOSED


def test_leaving_early_keeps_the_events_read_ahead_for_the_parser() -> None:
    """The reading thread reads ahead of the consumer, and the source takes each ID as
    it reads: the events it had read were dropped when the consumer left, and resuming
    from the source's last event ID skipped them."""
    burst = b"".join(sseflow.encode(f"e{n}", id=str(n)) for n in range(500))

    def route(conn: Conn) -> None:
        conn.start()
        conn.write(burst)
        conn.idle(30)

    with SSEServer() as server:
        source = sseflow.EventSource(server.route("/s", route))
        with follow(source, batch_rows=10) as stream:
            first = rows([next(stream)])
            time.sleep(0.3)  # the thread reads on meanwhile
        stream.parser.close()
        kept = rows(list(stream.parser))
    ids = [row["id"] for row in first + kept]
    assert ids[:10] == [str(n) for n in range(10)]
    assert ids == [str(n) for n in range(int(source.last_event_id) + 1)]
    assert len(kept) > 100  # the thread had read well ahead
    assert not readers()


def test_afollow_left_early_keeps_the_events_read_ahead_for_its_parser() -> None:
    burst = b"".join(sseflow.encode(f"e{n}", id=str(n)) for n in range(500))

    def route(conn: Conn) -> None:
        conn.start()
        conn.write(burst)
        conn.idle(30)

    async def left_early(url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
        source = sseflow.AsyncEventSource(url)
        batches = afollow(source, batch_rows=10)
        first = rows([await anext(batches)])
        await asyncio.sleep(0.3)  # the task reads on meanwhile
        await batches.aclose()
        batches.parser.close()
        return first, rows(list(batches.parser)), source.last_event_id

    with SSEServer() as server:
        first, kept, last_event_id = asyncio.run(left_early(server.route("/s", route)))
    ids = [row["id"] for row in first + kept]
    assert ids == [str(n) for n in range(int(last_event_id) + 1)]
    assert len(kept) > 100
