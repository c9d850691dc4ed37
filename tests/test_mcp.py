"""sseflow.mcp: the mcp package's own client transports (streamable HTTP and SSE) talking to an
MCP server from the same package, served by uvicorn on 127.0.0.1, with sseflow's parser."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import mcp.client.sse
import mcp.client.streamable_http
import pytest
import uvicorn
from mcp import ClientSession
from mcp.server.mcpserver import MCPServer
from mcp.shared._httpx_utils import sse_within_origin

import sseflow.mcp

pytestmark = pytest.mark.timeout(120)

BIG = 2 * 2**20  # 2 MiB of text in one tool result: one event over MCP's 1 MiB default


def _app_server() -> MCPServer:
    server = MCPServer("sseflow-test")

    @server.tool()
    def text(size: int) -> str:
        """Returns ``size`` characters."""
        return "z" * size

    return server


class _Uvicorn:
    """A uvicorn server for one ASGI app, on an ephemeral port of 127.0.0.1, in a thread."""

    def __init__(self, app: Any) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self) -> _Uvicorn:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._socket.close()


@pytest.fixture(scope="module")
def streamable_url() -> Iterator[str]:
    with _Uvicorn(_app_server().streamable_http_app()) as server:
        yield f"http://127.0.0.1:{server.port}/mcp"


@pytest.fixture(scope="module")
def sse_url() -> Iterator[str]:
    with _Uvicorn(_app_server().sse_app()) as server:
        yield f"http://127.0.0.1:{server.port}/sse"


@pytest.fixture
def with_sseflow() -> Iterator[None]:
    sseflow.mcp.install()
    try:
        yield
    finally:
        sseflow.mcp.uninstall()


async def _call(transport: Any, size: int) -> str:
    async with transport as streams, ClientSession(streams[0], streams[1]) as session:
        await session.initialize()
        result = await asyncio.wait_for(session.call_tool("text", {"size": size}), 60)
        (content,) = result.content
        assert isinstance(content.text, str)  # type: ignore[union-attr]
        return content.text  # type: ignore[union-attr]


def test_mcp_s_own_parser_refuses_a_2_mib_event(streamable_url: str) -> None:
    assert not sseflow.mcp.installed()
    transport = mcp.client.streamable_http.streamable_http_client(streamable_url)
    with pytest.raises(BaseExceptionGroup) as caught:
        asyncio.run(_call(transport, BIG))
    assert "exceeded the 1048576 byte limit" in repr(caught.value)


@pytest.mark.usefixtures("with_sseflow")
def test_streamable_http_reads_a_2_mib_event_with_sseflow(streamable_url: str) -> None:
    for size in (10, BIG):
        transport = mcp.client.streamable_http.streamable_http_client(streamable_url)
        assert asyncio.run(_call(transport, size)) == "z" * size


@pytest.mark.usefixtures("with_sseflow")
def test_sse_transport_reads_a_2_mib_event_with_sseflow(sse_url: str) -> None:
    for size in (10, BIG):
        assert asyncio.run(_call(mcp.client.sse.sse_client(sse_url), size)) == "z" * size


def test_a_limit_set_with_install_is_sseflows(streamable_url: str) -> None:
    sseflow.mcp.install(max_event_size=2**20)
    try:
        transport = mcp.client.streamable_http.streamable_http_client(streamable_url)
        assert asyncio.run(_call(transport, 10)) == "z" * 10
        with pytest.raises(BaseExceptionGroup) as caught:
            asyncio.run(
                _call(mcp.client.streamable_http.streamable_http_client(streamable_url), BIG)
            )
        # An httpx2.SSEError, as for httpx2's own limit: the request fails, naming the limit.
        assert "SSE stream failed: max_event_size=1048576 exceeded" in repr(caught.value)
    finally:
        sseflow.mcp.uninstall()


def test_install_patches_the_named_points_and_uninstall_restores_them() -> None:
    points = [
        (mcp.client.streamable_http, "EventSource"),
        (mcp.client.streamable_http, "sse_within_origin"),
        (mcp.client.sse, "sse_within_origin"),
    ]
    before = [getattr(module, name) for module, name in points]
    assert before == [httpx2.EventSource, sse_within_origin, sse_within_origin]
    sseflow.mcp.install()
    sseflow.mcp.install()  # again: replaces the options, keeps the originals
    try:
        assert all(
            getattr(module, name) is not old
            for (module, name), old in zip(points, before, strict=True)
        )
        assert sseflow.mcp.installed()
    finally:
        sseflow.mcp.uninstall()
    assert [getattr(module, name) for module, name in points] == before
    assert not sseflow.mcp.installed()


def test_install_refuses_an_mcp_whose_patch_points_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(mcp.client.streamable_http, "EventSource")
    with pytest.raises(
        RuntimeError, match=r"cannot patch mcp\.client\.streamable_http\.EventSource"
    ):
        sseflow.mcp.install()
    assert not sseflow.mcp.installed()
    assert vars(mcp.client.sse)["sse_within_origin"] is sse_within_origin
