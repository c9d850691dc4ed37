"""sseflow.iter_events and sseflow.aiter_events over byte sources, files, pipes and sockets."""

from __future__ import annotations

import asyncio
import io
import os
import threading
import urllib.request
from collections.abc import AsyncIterator

import pytest
from sse_server import Conn, SSEServer
from typing_extensions import Buffer

import sseflow
from sseflow import Event, LimitExceeded, StreamTruncated, aiter_events, iter_events

STREAM = b"\xef\xbb\xbfevent: a\r\ndata: 1\r\n\r\nid: 7\ndata: two\ndata: lines\n\n: c\n\ndata: t\r"
EXPECTED = [Event("a", "1"), Event("message", "two\nlines", "7")]


def test_chunks_split_anywhere() -> None:
    for size in (1, 2, 3, 7, len(STREAM)):
        chunks = [STREAM[i : i + size] for i in range(0, len(STREAM), size)]
        assert list(iter_events(chunks)) == EXPECTED
        # "data: t\r" is a whole line but not a whole event: the blank line completes it.
        assert list(iter_events([*chunks, b"\n\n"])) == [*EXPECTED, Event("message", "t", "7")]


def test_bytes_like_chunks() -> None:
    chunks: list[Buffer] = [bytearray(b"data: x"), memoryview(b"\n\n")]
    assert list(iter_events(chunks)) == [Event(data="x")]


def test_file_object_read_in_chunks_of_at_most_chunk_size() -> None:
    class Recorder(io.BytesIO):
        sizes: list[int]

        def read1(self, size: int | None = -1, /) -> bytes:
            self.sizes.append(-1 if size is None else size)
            return super().read1(size)

    source = Recorder(STREAM + b"\n\n")
    source.sizes = []
    assert list(iter_events(source, chunk_size=5)) == [*EXPECTED, Event("message", "t", "7")]
    assert set(source.sizes) == {5}


def test_truncated_end_dropped_by_default_and_raised_on_request() -> None:
    cut = [b"data: complete\n\ndata: partial"]
    assert [e.data for e in iter_events(cut)] == ["complete"]
    events = iter_events(cut, raise_on_truncated=True)
    assert next(events).data == "complete"
    with pytest.raises(StreamTruncated):
        next(events)
    # A finished stream and one cut after a comment or retry line are not truncated.
    assert [e.data for e in iter_events([b"data: x\n\n: bye"], raise_on_truncated=True)] == ["x"]
    assert list(iter_events([b"retry: 5\n"], raise_on_truncated=True)) == []


def test_events_arrive_before_the_source_ends() -> None:
    read_fd, write_fd = os.pipe()
    with open(read_fd, "rb") as reader, open(write_fd, "wb", buffering=0) as writer:
        writer.write(b"data: first\n\n")
        events = iter_events(reader)
        # The pipe stays open: a read that waited for a full chunk would hang here.
        assert next(events) == Event(data="first")
        writer.write(b"data: second\n\n")
        assert next(events) == Event(data="second")
        writer.close()
        assert list(events) == []


def test_parser_factory_sets_limits() -> None:
    with pytest.raises(LimitExceeded):
        list(iter_events([b"data: " + b"x" * 100 + b"\n\n"], parser_factory=_small_parser))


def _small_parser() -> sseflow.Parser[Event]:
    return sseflow.Parser(max_line_size=20)


@pytest.mark.parametrize("bad", [b"data: x\n\n", bytearray(b"x")])
def test_a_buffer_is_not_a_source(bad: bytes | bytearray) -> None:
    with pytest.raises(TypeError, match=r"pass \[data\]"):
        iter_events(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"pass \[data\]"):
        aiter_events(bad)  # type: ignore[arg-type]


def test_a_str_is_not_a_source() -> None:
    # Its text, or a file's path: either way, what to pass is said.
    hint = r"pass \[text.encode\(\)\] for the text of a stream, or open\(path, 'rb'\) for a file"
    with pytest.raises(TypeError, match=hint):
        iter_events("data: x\n\n")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=hint):
        aiter_events("data: x\n\n")  # type: ignore[arg-type]


def test_text_chunks_are_rejected() -> None:
    with pytest.raises(TypeError, match="str"):
        list(iter_events(["data: x\n\n"]))  # type: ignore[list-item]


def test_bad_chunk_size() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        iter_events([], chunk_size=0)


async def _chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        await asyncio.sleep(0)
        yield data[start : start + size]


async def _collect(source: AsyncIterator[Event]) -> list[Event]:
    return [event async for event in source]


def test_async_iterable() -> None:
    for size in (1, 4, len(STREAM)):
        events = asyncio.run(_collect(aiter_events(_chunks(STREAM, size))))
        assert events == EXPECTED


def test_async_truncated() -> None:
    async def run() -> list[str]:
        events = aiter_events(_chunks(STREAM[:-1], 5), raise_on_truncated=True)
        seen = [(await anext(events)).data, (await anext(events)).data]
        with pytest.raises(StreamTruncated):
            await anext(events)
        return seen

    assert asyncio.run(run()) == ["1", "two\nlines"]


def test_async_stream_reader_is_read_not_iterated_by_line() -> None:
    async def run() -> list[Event]:
        reader = asyncio.StreamReader()
        reader.feed_data(b"data: a\rdata: b\r\r")  # CR-only line ends: readline() would not split
        reader.feed_eof()
        return await _collect(aiter_events(reader))

    assert asyncio.run(run()) == [Event(data="a\nb")]


def test_file_over_http_and_asyncio_socket_against_the_server() -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(b"data: one\n\n")
        conn.drip(b"data: two\r\n\r\n", 0.001)
        conn.write(b"data: cut")

    with SSEServer() as server:
        url = server.route("/s", route)
        with urllib.request.urlopen(url, timeout=5) as response:
            assert [e.data for e in iter_events(response)] == ["one", "two"]

        async def over_socket() -> list[str]:
            host, _, port = url.removeprefix("http://").partition("/")[0].partition(":")
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(b"GET /s HTTP/1.1\r\nHost: x\r\n\r\n")
            # The response head ends at the first blank line; the stream follows.
            while (await reader.readline()) not in (b"\r\n", b""):
                pass
            try:
                return [e.data async for e in aiter_events(reader)]
            finally:
                writer.close()

        assert asyncio.run(over_socket()) == ["one", "two"]


def test_threaded_producer() -> None:
    read_fd, write_fd = os.pipe()
    payload = b"".join(sseflow.encode(f"event {n}", id=str(n)) for n in range(500))

    def produce() -> None:
        with open(write_fd, "wb", buffering=0) as writer:
            for start in range(0, len(payload), 997):
                writer.write(payload[start : start + 997])

    thread = threading.Thread(target=produce)
    thread.start()
    with open(read_fd, "rb") as reader:
        events = list(iter_events(reader, chunk_size=4096))
    thread.join()
    assert [e.data for e in events] == [f"event {n}" for n in range(500)]
    assert [e.id for e in events] == [str(n) for n in range(500)]
