"""iter_batches and aiter_batches from every source: bytes, files, async readers, and the
httpx, httpx2, requests and aiohttp responses of a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator

import aiohttp
import httpx
import httpx2
import pyarrow as pa
import pytest
import requests
from arrow_rows import rows
from sse_server import SSEServer, static

import sseflow
import sseflow.httpx
import sseflow.httpx2
from sseflow.arrow import RecordBatch, aiter_batches, iter_batches

pytestmark = pytest.mark.timeout(30)

BODY = b"".join(sseflow.encode(f'{{"n": {n}}}', id=str(n)) for n in range(25)) + b"data: cut"
WANT = [(str(n), f'{{"n": {n}}}') for n in range(25)]


def pairs(batches: list[RecordBatch]) -> list[tuple[str, str]]:
    return [(r["id"], r["data"]) for r in rows(batches)]


async def collect(batches: AsyncIterator[RecordBatch]) -> list[RecordBatch]:
    return [batch async for batch in batches]


def test_chunks_files_and_truncation() -> None:
    assert pairs(list(iter_batches([BODY[i : i + 7] for i in range(0, len(BODY), 7)]))) == WANT
    stream = iter_batches(io.BytesIO(BODY), chunk_size=5, batch_rows=10)
    assert [batch.num_rows for batch in stream] == [10, 10, 5]
    assert stream.parser.truncated
    with pytest.raises(sseflow.StreamTruncated):
        list(iter_batches([BODY], raise_on_truncated=True))
    with pytest.raises(TypeError, match="not be a bytes"):
        iter_batches(BODY)


def test_the_stream_goes_whole_to_arrow() -> None:
    table = pa.table(iter_batches([BODY], batch_rows=4, json_schema="infer"))
    assert table.num_rows == 25
    assert table.column("json").to_pylist()[24] == {"n": 24}
    reader = pa.RecordBatchReader.from_stream(iter_batches([BODY], batch_rows=10))
    assert [batch.num_rows for batch in reader] == [10, 10, 5]


# pyarrow reads and frees a stream with the GIL released, also inside a call into
# sseflow_arrow; each of these aborted or crashed the interpreter before 2026-12-03.
C_STREAM_USES = {
    "an error caught, then more sseflow": """
        def read():
            reader = pa.RecordBatchReader.from_stream(iter_batches([BODY], max_line_size=50))
            return [batch.num_rows for batch in reader]
        try:
            read()
        except pa.ArrowInvalid as error:
            print(error)
        parser = BatchParser()
        parser.feed(b"data: x\\n\\n")
        parser.close()
        print(sum(batch.num_rows for batch in parser))
        """,
    "the reader freed inside a parse": """
        held = [pa.RecordBatchReader.from_stream(iter_batches([BODY]))]
        def chunks():
            held.clear()
            yield b"data: x\\n\\n"
        parser = BatchParser()
        parser.parse_from(chunks())
        parser.close()
        print(sum(batch.num_rows for batch in parser))
        """,
    "a stream read by another's source": """
        upstream = pa.RecordBatchReader.from_stream(iter_batches([b"data: a\\n\\ndata: b\\n\\n"]))
        def shouted():
            for batch in upstream:
                for data in batch.column("data").to_pylist():
                    yield sseflow.encode(data.upper())
        print(pa.table(iter_batches(shouted())).column("data").to_pylist())
        """,
}
C_STREAM_OUTPUT = {
    "an error caught, then more sseflow": (
        "External error: LimitExceeded: max_line_size=50 exceeded (106 bytes seen)\n1\n"
    ),
    "the reader freed inside a parse": "1\n",
    "a stream read by another's source": "['A', 'B']\n",
}


@pytest.mark.parametrize("use", sorted(C_STREAM_USES))
def test_the_exported_stream_takes_the_gil_it_calls_python_with(use: str) -> None:
    program = (
        "import pyarrow as pa\nimport sseflow\n"
        "from sseflow.arrow import BatchParser, iter_batches\n"
        "BODY = b'data: a\\n\\ndata: ' + b'x' * 100 + b'\\n\\n'\n"
        + textwrap.dedent(C_STREAM_USES[use])
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == C_STREAM_OUTPUT[use]


def test_async_sources() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(BODY), 9):
            yield BODY[start : start + 9]

    async def reader() -> list[RecordBatch]:
        stream = asyncio.StreamReader()
        stream.feed_data(BODY)
        stream.feed_eof()
        return await collect(aiter_batches(stream, batch_rows=7))

    assert pairs(asyncio.run(collect(aiter_batches(chunks())))) == WANT
    assert pairs(asyncio.run(reader())) == WANT


def test_httpx_and_requests_responses() -> None:
    with SSEServer() as server:
        url = server.route("/s", static(BODY))
        with httpx.Client() as client, client.stream("GET", url) as response:
            assert pairs(list(iter_batches(response, batch_rows=10))) == WANT
        with httpx.Client() as client, sseflow.httpx.connect_sse(client, "GET", url) as source:
            assert pairs(list(iter_batches(source))) == WANT
        with requests.get(url, stream=True, timeout=10) as answer:
            assert pairs(list(iter_batches(answer, chunk_size=11))) == WANT


def test_httpx2_responses() -> None:
    async def run(url: str) -> list[RecordBatch]:
        async with httpx2.AsyncClient() as client, client.stream("GET", url) as response:
            return await collect(aiter_batches(response, batch_rows=4))

    with SSEServer() as server:
        url = server.route("/s", static(BODY))
        with httpx2.Client() as client, client.stream("GET", url) as response:
            assert pairs(list(iter_batches(response, batch_rows=10))) == WANT
        with httpx2.Client() as client, sseflow.httpx2.connect_sse(client, "GET", url) as source:
            assert pairs(list(iter_batches(source))) == WANT
        assert pairs(asyncio.run(run(url))) == WANT


def test_async_httpx_and_aiohttp_responses() -> None:
    async def run(url: str) -> tuple[list[RecordBatch], list[RecordBatch]]:
        async with httpx.AsyncClient() as client, client.stream("GET", url) as response:
            from_httpx = await collect(aiter_batches(response))
        async with aiohttp.ClientSession() as session, session.get(url) as answer:
            from_aiohttp = await collect(aiter_batches(answer, batch_rows=3))
        return from_httpx, from_aiohttp

    with SSEServer() as server:
        url = server.route("/s", static(BODY))
        from_httpx, from_aiohttp = asyncio.run(run(url))
    assert pairs(from_httpx) == WANT
    assert pairs(from_aiohttp) == WANT


def test_chunk_size_is_checked_for_httpx_responses_too() -> None:
    """It was ignored unchecked for httpx and httpx2 before 2026-12-03."""

    async def read(url: str) -> None:
        async with httpx.AsyncClient() as client, client.stream("GET", url) as response:
            aiter_batches(response, chunk_size=-5)

    with SSEServer() as server:
        url = server.route("/s", static(BODY))
        for library in (httpx, httpx2):
            with library.Client() as client, client.stream("GET", url) as response:
                with pytest.raises(ValueError, match="chunk_size must be at least 1, got 0"):
                    iter_batches(response, chunk_size=0)
                with pytest.raises(TypeError, match="chunk_size must be an int, got str"):
                    iter_batches(response, chunk_size="big")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="got -5"):
            asyncio.run(read(url))


def test_a_response_that_is_not_an_event_stream() -> None:
    with SSEServer() as server:
        url = server.route("/s", static(b"{}", 200, "application/json"))
        with (
            requests.get(url, stream=True, timeout=10) as answer,
            pytest.raises(sseflow.ConnectionFailed),
        ):
            list(iter_batches(answer))
        with (
            httpx.Client() as client,
            client.stream("GET", url) as response,
            pytest.raises(sseflow.SSEError),
        ):
            list(iter_batches(response))
