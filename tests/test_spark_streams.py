"""How the Spark source follows one stream, without Spark: positions, resumption,
reconnection and the outcomes of bad servers, against loopback servers."""

from __future__ import annotations

import itertools
import time

import pyarrow as pa
import pytest
from sse_server import Conn, SSEServer, numbered_events, resumable, sequence, static

from sseflow import ConnectionFailed, SSEError, encode
from sseflow.spark._options import Options
from sseflow.spark._position import Position, Resume
from sseflow.spark._rows import Framer
from sseflow.spark._streams import Streams, replay_one

pytestmark = pytest.mark.timeout(60)

EVENTS = numbered_events(30)
L = len(EVENTS[0])
CUTS = [(2, 3), (1, 9), (0, 12), (3, L - 1), (2, 0), (1, L - 2), (0, 0), (4, 6), (1, 1)]


def _streams(urls: list[str], **options: str) -> Streams:
    opts = Options({"urls": ",".join(urls), "retry": "10", "max_delay": "0.05", **options})
    return Streams(opts, {url: Position() for url in urls})


def _take_all(streams: Streams, count: int, timeout: float = 20) -> list[pa.RecordBatch]:
    """Takes batches until ``count`` rows arrived (raising what the streams raise)."""
    batches: list[pa.RecordBatch] = []
    deadline = time.monotonic() + timeout
    while sum(b.num_rows for b in batches) < count:
        assert time.monotonic() < deadline, "the rows did not arrive"
        batches += streams.take(1000, time.monotonic() + 0.1)
    return batches


def _column(batches: list[pa.RecordBatch], name: str) -> list[object]:
    return [value for batch in batches for value in batch.column(name).to_pylist()]


def test_position_after_rows() -> None:
    start = Position()
    assert start.after(pa.array(["1", "2", "3"])) == Position("3", 0)
    assert Position("3", 0).after(pa.array(["3", "3"])) == Position("3", 2)
    assert Position("3", 2).after(pa.array(["3", "4", "4"])) == Position("4", 1)
    # No IDs: the events are counted from the start of the stream.
    assert start.after(pa.array(["", ""])) == Position("", 2)
    assert Position("", 2).after(pa.array([""])) == Position("", 3)
    # Stepping one event at a time agrees with whole batches.
    for ids in (["1", "1", "2"], ["", "", "5", "5", "5"], ["7"]):
        position = Position("1", 1)
        for value in ids:
            position = position.step(value)
        assert position == Position("1", 1).after(pa.array(ids))


def test_resume_drops_what_was_delivered() -> None:
    batch = pa.record_batch({"id": pa.array(["4", "4", "4", "5"])})
    # After event 4 and one more with its ID, a resumed stream resends that one first.
    assert Resume(Position("4", 1)).fresh(batch).column("id").to_pylist() == ["4", "4", "5"]
    # An event with another ID ends the skipping, even if fewer were seen than expected.
    assert Resume(Position("4", 9)).fresh(batch).column("id").to_pylist() == ["5"]
    assert Resume(Position("4", 0)).fresh(batch).num_rows == 4
    # Skipping goes on across batches of one connection.
    resume = Resume(Position("", 5))
    empty = pa.record_batch({"id": pa.array(["", "", ""])})
    assert resume.fresh(empty).num_rows == 0
    assert resume.fresh(empty).column("id").to_pylist() == [""]


@pytest.mark.parametrize("mode", [{}, {"chunked": True}, {"reset": True}], ids=str)
def test_resumes_across_drops_with_last_event_id(mode: dict[str, bool]) -> None:
    with SSEServer() as server:
        url = server.route("/s", resumable(EVENTS, CUTS, **mode))
        streams = _streams([url], **{"header.X-Token": "t"})
        try:
            batches = _take_all(streams, 30)
        finally:
            streams.close()
        requests = server.requests_to("/s")
    assert _column(batches, "id") == [str(n) for n in range(1, 31)]
    assert _column(batches, "data")[0] == "event 1 line 0\nevent 1 line 1"
    assert set(_column(batches, "url")) == {url}
    assert streams.positions[url] == Position("30", 0)
    sent, delivered = [""], 0
    for whole, _ in CUTS:
        delivered += whole
        sent.append(str(delivered) if delivered else "")
    # After the clean end of the last response the stream is followed on, from event 30.
    last_ids = [r.headers.get("last-event-id", "") for r in requests]
    assert last_ids[: len(sent)] == sent
    assert set(last_ids[len(sent) :]) <= {"30"}
    assert {(r.headers["accept"], r.headers["x-token"]) for r in requests} == {
        ("text/event-stream", "t")
    }


def test_stream_without_ids_is_counted_and_replayed_from_its_start() -> None:
    body = b"".join(encode(f"e{n}") for n in range(10))

    def replay(conn: Conn) -> None:  # every connection sends the whole stream, then drops
        conn.start()
        conn.write(body)
        conn.drop()

    with SSEServer() as server:
        url = server.route("/s", replay)
        streams = _streams([url])
        try:
            batches = _take_all(streams, 10)
            assert server.wait_for(lambda: len(server.requests_to("/s")) >= 3)
            batches += streams.take(1000, time.monotonic() + 0.2)
        finally:
            streams.close()
        requests = server.requests_to("/s")
    assert _column(batches, "data") == [f"e{n}" for n in range(10)]
    assert streams.positions[url] == Position("", 10)
    assert {r.headers.get("last-event-id") for r in requests} == {None}


def test_204_ends_the_stream() -> None:
    first = static(b"".join(EVENTS[:3]))
    with SSEServer() as server:
        url = server.route("/s", sequence(first, static(status=204, content_type=None)))
        streams = _streams([url])
        try:
            batches = _take_all(streams, 3)
            (follower,) = streams.followers
            assert server.wait_for(lambda: follower.ended)
            time.sleep(0.2)  # long past the 10 ms reconnection time
            assert streams.take(1000, time.monotonic() + 0.05) == []
        finally:
            streams.close()
        assert len(server.requests_to("/s")) == 2
    assert _column(batches, "id") == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("status", "content_type"), [(500, "text/event-stream"), (200, "text/plain"), (200, None)]
)
def test_bad_answer_fails_naming_the_url(status: int, content_type: str | None) -> None:
    with SSEServer() as server:
        url = server.route("/s", static(b"data: x\n\n", status, content_type))
        streams = _streams([url])
        try:
            with pytest.raises(ConnectionFailed) as caught:
                _take_all(streams, 1)
        finally:
            streams.close()
        assert len(server.requests_to("/s")) == 1  # the connection failed: no reconnection
    assert url in str(caught.value)
    assert f"status {status}" in str(caught.value)
    assert (caught.value.status, caught.value.content_type) == (status, content_type)


def test_event_over_the_limit_fails_after_the_events_before_it() -> None:
    body = b"".join(EVENTS[:4]) + encode("x" * 500, id="5") + b"".join(EVENTS[5:])
    with SSEServer() as server:
        url = server.route("/s", static(body))
        streams = _streams([url], max_event_size="100")
        try:
            batches = _take_all(streams, 4)
            with pytest.raises(SSEError) as caught:
                _take_all(streams, 1)
        finally:
            streams.close()
    assert _column(batches, "id") == ["1", "2", "3", "4"]
    assert url in str(caught.value)
    assert "max_event_size" in str(caught.value)


def test_reconnects_after_the_streams_retry_time() -> None:
    def short(conn: Conn) -> None:
        conn.start()
        conn.write(encode("x", id=str(conn.request.index + 1), retry=300))

    with SSEServer() as server:
        url = server.route("/s", short)
        streams = _streams([url])
        try:
            _take_all(streams, 3)
        finally:
            streams.close()
        times = [r.time for r in server.requests_to("/s")]
    assert all(later - earlier >= 0.3 for earlier, later in itertools.pairwise(times))


def test_a_busy_stream_waits_for_spark() -> None:
    with SSEServer() as server:
        url = server.route("/s", static(b"".join(numbered_events(5000, lines=1))))
        streams = _streams([url], max_events_per_batch="100")
        try:
            (follower,) = streams.followers
            assert server.wait_for(lambda: follower.queued >= 200)
            time.sleep(0.2)
            assert follower.queued == 200  # twice max_events_per_batch
            first = streams.take(100, time.monotonic() + 1)
            assert sum(b.num_rows for b in first) == 100
        finally:
            streams.close()
    assert _column(first, "id") == [str(n) for n in range(1, 101)]


def test_replay_that_cannot_reach_the_end_offset_fails_naming_the_url() -> None:
    """After a restart a batch is read again between its offsets; a server that
    no longer has those events fails it once ``replay_timeout`` is over."""
    with SSEServer() as server:
        url = server.route("/s", static(b"".join(EVENTS[5:8])))  # events 6..8, then it ends
        options = Options({"url": url, "retry": "10", "replay_timeout": "1"})
        replayed = replay_one(options, url, Position("5", 0), Position("8", 0))
        assert [b.num_rows for b in replayed] == [3]
        with pytest.raises(TimeoutError) as caught:
            replay_one(options, url, Position("5", 0), Position("12", 0))
    assert f"event stream {url}: could not replay the events" in str(caught.value)
    assert "Last-Event-ID" in str(caught.value)


def test_json_data_is_decoded_into_the_json_column() -> None:
    json_type = pa.struct([("n", pa.int32()), ("tags", pa.list_(pa.string()))])
    framer = Framer("", None, None, json_type)
    body = b"".join(
        encode(data)
        for data in ('{"n": 1, "tags": ["a"]}', "[DONE]", '{"n": "x"}', "[1]", '{"n": 2, "z": 0}')
    )
    batch = framer.feed(body)
    assert batch is not None
    assert batch.column_names == ["event", "data", "id", "retry", "json", "json_error"]
    assert batch.column("json").to_pylist() == [
        {"n": 1, "tags": ["a"]},
        None,  # not JSON
        None,  # does not fit the type
        None,  # not an object
        {"n": 2, "tags": None},  # fields not in the type are left out
    ]
    errors = batch.column("json_error").to_pylist()
    assert [error is None for error in errors] == [True, False, False, False, True]
    assert errors[1].startswith("not JSON")
    assert "does not fit the schema" in errors[2]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "needs option url or urls"),
        ({"url": "http://127.0.0.1:1/a", "urls": "http://127.0.0.1:1/a"}, "name a stream twice"),
        ({"url": "http://127.0.0.1:1/a", "max_wait": "soon"}, "option max_wait must be a number"),
        ({"url": "http://127.0.0.1:1/a", "max_wait": "0"}, "option max_wait must be a finite"),
        ({"url": "http://127.0.0.1:1/a", "max_events_per_batch": "-3"}, "max_events_per_batch"),
        ({"url": "http://127.0.0.1:1/a", "max_event_size": "1.5"}, "option max_event_size"),
        ({"url": "http://127.0.0.1:1/a", "reader": "executors"}, "option reader must be one of"),
    ],
)
def test_bad_options_are_refused_naming_them(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Options(options)


def test_options_are_read() -> None:
    options = Options(
        {
            "url": "http://127.0.0.1:1/a",
            "urls": " http://127.0.0.1:1/b , http://127.0.0.1:1/c",
            "header.Authorization": "Bearer t",
            "max_line_size": "100",
            "max_events_per_batch": "7",
            "max_wait": "0.5",
            "retry": "250",
            "idle_timeout": "9",
        }
    )
    assert options.urls == [f"http://127.0.0.1:1/{name}" for name in "abc"]
    assert options.settings.headers == (("Authorization", "Bearer t"),)
    assert (options.settings.max_line_size, options.settings.max_event_size) == (100, None)
    assert (options.max_events, options.max_wait, options.shape) == (7, 0.5, "driver")
    assert (options.settings.retry, options.settings.idle_timeout) == (250, 9.0)
