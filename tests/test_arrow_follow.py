"""``sseflow.arrow.follow``: a live stream, reconnecting, into batches cut by time as well as by
size, on a real server on 127.0.0.1."""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any

import polars as pl
import pytest
from arrow_rows import rows
from sse_server import Conn, SSEServer, sequence, static

import sseflow
from sseflow.arrow import RecordBatch, follow

pytestmark = pytest.mark.timeout(60)


def readers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "sseflow-live-reader"]


def data(batch: RecordBatch) -> list[str]:
    return [row["data"] for row in rows([batch])]


def test_a_stream_followed_across_a_drop_into_one_frame() -> None:
    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(sseflow.encode("a", id="1", retry=10) + b"data: cut mid-ev"),
                static(sseflow.encode("b", id="2") + sseflow.encode("c")),
                static(status=204),
            ),
        )
        frame = pl.DataFrame(follow(url, offsets=True))
        assert frame.columns == ["event", "data", "id", "retry", "offset"]
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
        url = server.route(
            "/s",
            sequence(
                static(sseflow.encode("a") + sseflow.encode("b")),
                static(b"gone", 404, "text/plain"),
            ),
        )
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
    ],
)
def test_bad_arguments_are_refused_before_anything_is_read(
    source: Any, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        follow(source, **options)
    assert not readers()
