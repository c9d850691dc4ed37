"""The I/O seam of the reconnecting sources: one transport per HTTP client library.

A source's loop asks its transport to ``stream`` the request the machine
decided on, and gets an open response: status, reason, headers, final URL and
the body as chunks of bytes, read only as fast as the loop iterates them. A
transport also says which errors are drops (to reconnect after) and which of
those is the idle timeout, and can abort what it has open.

httpx and httpx2 share one implementation (httpx2 keeps httpx's API), imported
only when a source uses it. Another client library (aiohttp) is another pair of
classes with the same methods.
"""

from __future__ import annotations

import contextlib
import importlib
import socket
from collections.abc import AsyncIterator, Iterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, Protocol

from sseflow._checks import type_name

if TYPE_CHECKING:
    from sseflow._reconnect import Connect

LIBRARIES: Final = ("httpx", "httpx2")
"""The HTTP client libraries a source can use; the first is the default."""


class Response(Protocol):
    """An open response, as the loop sees it."""

    @property
    def status(self) -> int: ...
    @property
    def reason(self) -> str: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def url(self) -> str: ...


class SyncResponse(Response, Protocol):
    def chunks(self) -> Iterator[bytes]: ...


class AsyncResponse(Response, Protocol):
    def chunks(self) -> AsyncIterator[bytes]: ...


class SyncTransport(Protocol):
    """What ``EventSource`` needs of an HTTP client."""

    drops: tuple[type[Exception], ...]

    def stream(self, request: Connect) -> contextlib.AbstractContextManager[SyncResponse]: ...
    def is_idle(self, error: Exception) -> bool: ...
    def abort(self) -> None:
        """Ends the open response (waking a read blocked in another thread) and
        closes the client the transport made."""


class AsyncTransport(Protocol):
    """What ``AsyncEventSource`` needs of an HTTP client."""

    drops: tuple[type[Exception], ...]

    def stream(self, request: Connect) -> contextlib.AbstractAsyncContextManager[AsyncResponse]: ...
    def is_idle(self, error: Exception) -> bool: ...
    async def abort(self) -> None:
        """Closes the open response and the client the transport made."""


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise ImportError(
            f"an event source on {name} needs it installed: pip install 'sseflow[{name}]'"
        ) from error


def _library_of(client: object) -> str | None:
    """The library (``httpx`` or ``httpx2``) whose class ``client`` is, looked up
    without importing anything (a client means its library is imported)."""
    for kind in type(client).__mro__:
        package = kind.__module__.partition(".")[0]
        if package in LIBRARIES:
            return package
    return None


def pick_library(client: object, library: object, *, sync: bool) -> ModuleType:
    """The module of the library to use, checking ``client`` and ``library``.

    Raises:
        TypeError: ``client`` is no client of a known library, or the other
            kind (async for sync); ``library`` is no str.
        ValueError: ``library`` names no known library, or not the client's.
    """
    if library is not None:
        if not isinstance(library, str):
            raise TypeError(f"library must be 'httpx', 'httpx2' or None, got {type_name(library)}")
        if library not in LIBRARIES:
            raise ValueError(f"library must be 'httpx' or 'httpx2', got {library!r}")
    if client is None:
        return _import(library or LIBRARIES[0])
    name = _library_of(client)
    wanted, other = ("Client", "AsyncClient") if sync else ("AsyncClient", "Client")
    if name is None:
        raise TypeError(
            f"client must be an httpx.{wanted}, an httpx2.{wanted} or None, got {type_name(client)}"
        )
    module = importlib.import_module(name)
    if not isinstance(client, getattr(module, wanted)):
        hint = ""
        if isinstance(client, getattr(module, other)):
            source = "AsyncEventSource" if sync else "EventSource"
            hint = f": use {source} with an {name}.{other}"
        raise TypeError(f"client must be an {name}.{wanted} or None, got {type_name(client)}{hint}")
    if library is not None and library != name:
        raise ValueError(f"library is {library!r} but client is an {type_name(client)}")
    return module


class _HttpxResponse:
    """An httpx (or httpx2) response, as the loop sees it."""

    def __init__(self, response: Any) -> None:
        self._response = response

    @property
    def status(self) -> int:
        return int(self._response.status_code)

    @property
    def reason(self) -> str:
        return str(self._response.reason_phrase)

    @property
    def headers(self) -> Mapping[str, str]:
        headers: Mapping[str, str] = self._response.headers
        return headers

    @property
    def url(self) -> str:
        return str(self._response.url)

    def chunks(self) -> Any:
        return self._response.iter_bytes()


class _HttpxAsyncResponse(_HttpxResponse):
    def chunks(self) -> Any:
        return self._response.aiter_bytes()


class _HttpxFamily:
    """What the sync and async transports on httpx (or httpx2) share."""

    def __init__(self, library: ModuleType, client: Any) -> None:
        self.library = library
        self.drops: tuple[type[Exception], ...] = (library.TransportError, library.DecodingError)
        self._client = client
        self._own_client: Any = None
        self._response: Any = None

    def is_idle(self, error: Exception) -> bool:
        return isinstance(error, self.library.ReadTimeout)

    def _http(self, kind: str) -> Any:
        if self._client is not None:
            return self._client
        if self._own_client is None:
            self._own_client = getattr(self.library, kind)()
        return self._own_client

    def _arguments(self, request: Connect) -> dict[str, Any]:
        """The arguments of ``client.stream()`` for ``request``."""
        library, connect = self.library, request.connect_timeout
        return {
            "method": "GET",
            "url": request.url,
            # Values are sent UTF-8 encoded, as the standard sends Last-Event-ID.
            "headers": library.Headers(list(request.headers), encoding="utf-8"),
            "timeout": library.Timeout(
                connect=connect, read=request.idle_timeout, write=connect, pool=connect
            ),
            "follow_redirects": True,
        }

    def _take(self) -> tuple[Any, Any]:
        """The open response and the client made here, forgotten."""
        response, self._response = self._response, None
        client, self._own_client = self._own_client, None
        return response, client


class HttpxTransport(_HttpxFamily):
    """``EventSource`` on an ``httpx.Client`` or an ``httpx2.Client``."""

    @contextlib.contextmanager
    def stream(self, request: Connect) -> Iterator[SyncResponse]:
        with self._http("Client").stream(**self._arguments(request)) as response:
            self._response = response
            try:
                yield _HttpxResponse(response)
            finally:
                self._response = None

    def abort(self) -> None:
        response, client = self._take()
        if response is not None:
            # Shutting the socket down wakes a read blocked in another thread.
            stream = response.extensions.get("network_stream")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            response.close()
        if client is not None:
            client.close()


class AsyncHttpxTransport(_HttpxFamily):
    """``AsyncEventSource`` on an ``httpx.AsyncClient`` or an ``httpx2.AsyncClient``."""

    @contextlib.asynccontextmanager
    async def stream(self, request: Connect) -> AsyncIterator[AsyncResponse]:
        async with self._http("AsyncClient").stream(**self._arguments(request)) as response:
            self._response = response
            try:
                yield _HttpxAsyncResponse(response)
            finally:
                self._response = None

    async def abort(self) -> None:
        response, client = self._take()
        if response is not None:
            await response.aclose()
        if client is not None:
            await client.aclose()
