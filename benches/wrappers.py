"""The httpx wrappers compared, each as an adapter: workload -> (events, total data length).

``sseflow.httpx`` and httpx-sse are used the way their documentation shows:
``connect_sse(client, "GET", url)`` then ``iter_sse()`` (``aconnect_sse`` and
``aiter_sse`` with an ``httpx.AsyncClient``). The client's transport is an
``httpx.MockTransport`` whose response streams the workload's chunks from memory, so
both wrappers read the same chunks through the same httpx machinery, with no socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Collection, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, Final

import httpx
import httpx_sse

import sseflow.httpx
from benches.peers import Impl, Tally
from benches.workloads import Workload

URL: Final = "http://sse.invalid/events"
"""Never resolved: the mock transport answers every request."""

WORKLOADS: Final = ("chat/16KiB", "typed/16KiB", "change-feed/16KiB", "payload-64KiB/16KiB")
"""The workloads (names from :func:`benches.workloads.specs`) run through the wrappers."""


class ChunkStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """An in-memory response body: the chunks, in order, to a sync or an async reader."""

    def __init__(self, chunks: Collection[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


def transport(workload: Workload) -> httpx.MockTransport:
    """A transport answering every request with the workload as an event stream."""

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            stream=ChunkStream(workload.chunks),
            request=request,
        )

    return httpx.MockTransport(respond)


def sseflow_httpx(workload: Workload) -> Tally:
    """``sseflow.httpx.connect_sse`` + ``EventSource.iter_sse`` with an ``httpx.Client``."""
    count = total = 0
    with (
        httpx.Client(transport=transport(workload), trust_env=False) as client,
        sseflow.httpx.connect_sse(client, "GET", URL) as source,
    ):
        for event in source.iter_sse():
            count += 1
            total += len(event.data)
    return count, total


def httpx_sse_sync(workload: Workload) -> Tally:
    """``httpx_sse.connect_sse`` + ``EventSource.iter_sse`` with an ``httpx.Client``."""
    count = total = 0
    with (
        httpx.Client(transport=transport(workload), trust_env=False) as client,
        httpx_sse.connect_sse(client, "GET", URL) as source,
    ):
        for event in source.iter_sse():
            count += 1
            total += len(event.data)
    return count, total


async def sseflow_httpx_async(workload: Workload) -> Tally:
    """``sseflow.httpx.aconnect_sse`` + ``aiter_sse`` with an ``httpx.AsyncClient``."""
    count = total = 0
    async with (
        httpx.AsyncClient(transport=transport(workload), trust_env=False) as client,
        sseflow.httpx.aconnect_sse(client, "GET", URL) as source,
    ):
        async for event in source.aiter_sse():
            count += 1
            total += len(event.data)
    return count, total


async def httpx_sse_async(workload: Workload) -> Tally:
    """``httpx_sse.aconnect_sse`` + ``aiter_sse`` with an ``httpx.AsyncClient``."""
    count = total = 0
    async with (
        httpx.AsyncClient(transport=transport(workload), trust_env=False) as client,
        httpx_sse.aconnect_sse(client, "GET", URL) as source,
    ):
        async for event in source.aiter_sse():
            count += 1
            total += len(event.data)
    return count, total


@dataclass(frozen=True)
class Wrapper:
    """One wrapper under test, sync or async."""

    name: str
    parser: str
    """The name in :data:`benches.peers.IMPLS` of the parser it goes through."""
    peer: bool
    sync: Callable[[Workload], Tally] | None = None
    coroutine: Callable[[Workload], Coroutine[Any, Any, Tally]] | None = None

    def bind(self, runner: asyncio.Runner) -> Impl:
        """The wrapper as a plain adapter; an async one runs in ``runner``'s event loop."""
        if self.sync is not None:
            return Impl(self.name, self.sync, self.peer)
        coroutine = self.coroutine
        assert coroutine is not None

        def run(workload: Workload) -> Tally:
            return runner.run(coroutine(workload))

        return Impl(self.name, run, self.peer)


WRAPPERS: Final = (
    Wrapper("sseflow.httpx", "sseflow", peer=False, sync=sseflow_httpx),
    Wrapper("httpx-sse", "httpx-sse", peer=True, sync=httpx_sse_sync),
    Wrapper("sseflow.httpx async", "sseflow", peer=False, coroutine=sseflow_httpx_async),
    Wrapper("httpx-sse async", "httpx-sse", peer=True, coroutine=httpx_sse_async),
)
BY_NAME: Final = {wrapper.name: wrapper for wrapper in WRAPPERS}


def rival(name: str) -> str:
    """The wrapper ``name`` is compared with: the other library, same sync or async form."""
    swap = {"sseflow.httpx": "httpx-sse", "httpx-sse": "sseflow.httpx"}
    base, _, mode = name.partition(" ")
    return swap[base] + (f" {mode}" if mode else "")
