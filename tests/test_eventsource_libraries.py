"""EventSource and AsyncEventSource on httpx2 as on httpx, and AsyncEventSource on aiohttp: the
client the user passes, or the library named; only the library used is imported. (The behaviours
that depend on the client, resumption across drops, idle timeouts and closes among them, run on
every library in test_eventsource.py.)"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import aiohttp
import httpx
import httpx2
import pytest
import yarl
from sse_server import SSEServer, sequence, static

from sseflow import AsyncEventSource, EventSource, encode

pytestmark = pytest.mark.timeout(30)

GOOD_URL = "http://127.0.0.1:9/"


def _stream(server: SSEServer) -> str:
    return server.route(
        "/s",
        sequence(static(encode("a", id="1", retry=10)), static(encode("b")), static(status=204)),
    )


def test_an_httpx2_client_is_used_and_left_open() -> None:
    with SSEServer() as server, httpx2.Client(headers={"X-Mine": "1"}) as client:
        url = _stream(server)
        with EventSource(url, client=client) as source:
            assert [(e.data, e.id) for e in source] == [("a", "1"), ("b", "1")]
        assert not client.is_closed
        requests = server.requests_to("/s")
        assert [r.headers["x-mine"] for r in requests] == ["1", "1", "1"]
        assert [r.headers.get("last-event-id") for r in requests] == [None, "1", "1"]
        assert all(r.headers["user-agent"].startswith("python-httpx2/") for r in requests)


@pytest.mark.parametrize(
    ("make", "user_agent"),
    [(httpx2.AsyncClient, "python-httpx2/"), (aiohttp.ClientSession, " aiohttp/")],
    ids=["httpx2", "aiohttp"],
)
def test_an_async_client_is_used_and_left_open(make: Callable[..., Any], user_agent: str) -> None:
    async def run(url: str) -> list[str]:
        async with make(headers={"X-Mine": "1"}) as client:
            async with AsyncEventSource(url, client=client) as source:
                got = [event.data async for event in source]
            assert not getattr(client, "is_closed", False)  # httpx2's flag
            assert not getattr(client, "closed", False)  # aiohttp's
        return got

    with SSEServer() as server:
        assert asyncio.run(run(_stream(server))) == ["a", "b"]
        requests = server.requests_to("/s")
        assert [r.headers["x-mine"] for r in requests] == ["1", "1", "1"]
        assert [r.headers.get("last-event-id") for r in requests] == [None, "1", "1"]
        assert all(user_agent in r.headers["user-agent"] for r in requests)


def test_a_url_object_of_any_library_is_accepted() -> None:
    assert EventSource(httpx2.URL("HTTPS://example.com/e")).url == "https://example.com/e"
    assert AsyncEventSource(httpx.URL("http://example.com/e"), library="httpx2").url == (
        "http://example.com/e"
    )
    url = yarl.URL("http://example.com/a b")
    assert AsyncEventSource(url, library="aiohttp").url == "http://example.com/a%20b"


WRONG_CLIENTS: list[tuple[type[EventSource | AsyncEventSource], str, str]] = [
    (
        AsyncEventSource,
        "httpx2.Client",
        "client must be an httpx2.AsyncClient or None, got httpx2.Client: "
        "use EventSource with an httpx2.Client",
    ),
    (
        EventSource,
        "httpx2.AsyncClient",
        "client must be an httpx2.Client or None, got httpx2.AsyncClient: "
        "use AsyncEventSource with an httpx2.AsyncClient",
    ),
    (
        EventSource,
        "aiohttp.ClientSession",
        "client must be an httpx.Client, an httpx2.Client or None, got "
        "aiohttp.ClientSession: use AsyncEventSource with an aiohttp.ClientSession",
    ),
    (EventSource, "object", "client must be an httpx.Client, an httpx2.Client or None, got object"),
    (
        AsyncEventSource,
        "str",
        "client must be an httpx.AsyncClient, an httpx2.AsyncClient, an aiohttp.ClientSession "
        "or None, got str",
    ),
]
MAKERS: dict[str, Callable[[], object]] = {
    "httpx2.Client": httpx2.Client,
    "httpx2.AsyncClient": httpx2.AsyncClient,
    "aiohttp.ClientSession": aiohttp.ClientSession,
    "object": object,
    "str": str,
}


@pytest.mark.parametrize(("cls", "client", "message"), WRONG_CLIENTS)
def test_the_wrong_kind_of_client_is_refused(
    cls: type[EventSource | AsyncEventSource], client: str, message: str
) -> None:
    async def refused() -> None:  # in a loop, where an async client may be made
        given = MAKERS[client]()
        with pytest.raises(TypeError) as caught:
            cls(GOOD_URL, client=given)  # type: ignore[arg-type]
        assert str(caught.value) == message
        close = getattr(given, "aclose", None) or getattr(given, "close", None)
        if close is not None:
            result = close()
            if asyncio.iscoroutine(result):
                await result

    asyncio.run(refused())


@pytest.mark.parametrize(
    ("library", "client", "error", "message"),
    [
        ("httpx3", None, ValueError, "library must be 'httpx' or 'httpx2', got 'httpx3'"),
        (
            "aiohttp",
            None,
            ValueError,
            "library must be 'httpx' or 'httpx2', got 'aiohttp': it has no sync client, "
            "use AsyncEventSource",
        ),
        (2, None, TypeError, "library must be 'httpx', 'httpx2' or None, got int"),
        ("httpx", httpx2.Client, ValueError, "library is 'httpx' but client is an httpx2.Client"),
        ("httpx2", httpx.Client, ValueError, "library is 'httpx2' but client is an httpx.Client"),
    ],
)
def test_a_library_is_named_right(
    library: object, client: type[httpx.Client | httpx2.Client] | None, error: type, message: str
) -> None:
    given = None if client is None else client()
    with pytest.raises(error) as caught:
        EventSource(GOOD_URL, library=library, client=given)  # type: ignore[arg-type]
    assert str(caught.value) == message
    if given is not None:
        given.close()


@pytest.mark.parametrize(
    ("make", "imported", "not_imported"),
    [
        ("EventSource(URL)", "httpx", "httpx2"),
        ("EventSource(URL, library='httpx2')", "httpx2", "httpx"),
        ("AsyncEventSource(URL, library='httpx2')", "httpx2", "httpx"),
        ("AsyncEventSource(URL, library='httpx')", "httpx", "httpx2"),
        ("AsyncEventSource(URL, library='aiohttp')", "aiohttp", "httpx"),
    ],
)
def test_only_the_library_used_is_imported(make: str, imported: str, not_imported: str) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        from sseflow import AsyncEventSource, EventSource
        assert not {{"httpx", "httpx2", "aiohttp"}} & set(sys.modules)
        URL = "http://127.0.0.1:9/"
        {make}
        assert {imported!r} in sys.modules, sorted(sys.modules)
        assert {not_imported!r} not in sys.modules, sorted(sys.modules)
        assert "httpx2" == {imported!r} or "httpx2" not in sys.modules
        assert "aiohttp" == {imported!r} or "aiohttp" not in sys.modules
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
