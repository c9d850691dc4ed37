"""The I/O seam of the reconnecting sources: one transport per HTTP client library.

A source's loop asks its transport to ``stream`` the request the machine
decided on, and gets an open response: status, reason, headers, final URL and
the body as chunks of bytes, read only as fast as the loop iterates them. A
transport also says which errors are drops (to reconnect after) and which of
those is the idle timeout, and can abort what it has open.

httpx and httpx2 share one implementation (httpx2 keeps httpx's API); aiohttp,
async only, has its own. Each library is imported only when a source uses it.
"""

from __future__ import annotations

import contextlib
import importlib
import socket
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, Generic, Protocol, TypeAlias, TypeVar

from sseflow._checks import type_name

if TYPE_CHECKING:
    from sseflow._reconnect import Connect

_Body = TypeVar("_Body")

CLIENTS: Final = {"httpx": "Client", "httpx2": "Client"}
"""The libraries ``EventSource`` can use (the first is the default), with their client class."""
ASYNC_CLIENTS: Final = {"httpx": "AsyncClient", "httpx2": "AsyncClient", "aiohttp": "ClientSession"}
"""The same for ``AsyncEventSource``."""


@dataclass(frozen=True)
class Opened(Generic[_Body]):
    """An open response, as the loop sees it."""

    status: int
    reason: str
    headers: Mapping[str, str]
    """Looked up by lower-case name (the libraries' header mappings ignore case)."""
    url: str
    """The URL answered, after redirects."""
    body: _Body
    """Its chunks of bytes, read as they are iterated."""


SyncResponse: TypeAlias = "Opened[Iterator[bytes]]"
AsyncResponse: TypeAlias = "Opened[AsyncIterator[bytes]]"


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
    """The library whose class ``client`` is, looked up without importing anything
    (a client means its library is imported)."""
    for kind in type(client).__mro__:
        package = kind.__module__.partition(".")[0]
        if package in ASYNC_CLIENTS:
            return package
    return None


def _either(classes: list[str]) -> str:
    return ", ".join(classes[:-1]) + f" or {classes[-1]}" if len(classes) > 1 else classes[0]


def _pick(client: object, library: object, *, sync: bool) -> tuple[ModuleType, str]:
    """The module of the library to use, and its name, checking ``client`` and ``library``.

    Raises:
        TypeError: ``client`` is no client of a known library, or the other
            kind (async for sync); ``library`` is no str.
        ValueError: ``library`` names no known library, or not the client's.
    """
    clients, others = (CLIENTS, ASYNC_CLIENTS) if sync else (ASYNC_CLIENTS, CLIENTS)
    names = [repr(name) for name in clients]
    if library is not None:
        if not isinstance(library, str):
            raise TypeError(f"library must be {', '.join(names)} or None, got {type_name(library)}")
        if library not in clients:
            hint = ": it has no sync client, use AsyncEventSource" if library in others else ""
            raise ValueError(f"library must be {_either(names)}, got {library!r}{hint}")
    if client is None:
        chosen = library or next(iter(clients))
        return _import(chosen), chosen
    name = _library_of(client)
    wanted = clients.get(name or "")
    module = importlib.import_module(name) if name else None
    if module is None or wanted is None or not isinstance(client, getattr(module, wanted)):
        hint = ""
        other = others.get(name or "")
        if module is not None and other and isinstance(client, getattr(module, other)):
            source = "AsyncEventSource" if sync else "EventSource"
            hint = f": use {source} with an {name}.{other}"
        accepted = [f"{n}.{c}" for n, c in clients.items() if wanted is None or n == name]
        raise TypeError(
            f"client must be an {', an '.join(accepted)} or None, got {type_name(client)}{hint}"
        )
    if library is not None and library != name:
        raise ValueError(f"library is {library!r} but client is an {type_name(client)}")
    return module, str(name)


def sync_transport(client: object, library: object) -> SyncTransport:
    """The transport of an ``EventSource`` (see :func:`_pick` for the errors)."""
    module, _ = _pick(client, library, sync=True)
    return HttpxTransport(module, client)


def async_transport(client: object, library: object) -> AsyncTransport:
    """The transport of an ``AsyncEventSource`` (see :func:`_pick` for the errors)."""
    module, name = _pick(client, library, sync=False)
    if name == "aiohttp":
        return AiohttpTransport(module, client)
    return AsyncHttpxTransport(module, client)


def _opened(response: Any, body: _Body) -> Opened[_Body]:
    """An httpx (or httpx2) response, as the loop sees it."""
    return Opened(
        response.status_code, response.reason_phrase, response.headers, str(response.url), body
    )


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
                yield _opened(response, response.iter_bytes())
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
                yield _opened(response, response.aiter_bytes())
            finally:
                self._response = None

    async def abort(self) -> None:
        response, client = self._take()
        if response is not None:
            await response.aclose()
        if client is not None:
            await client.aclose()


class AiohttpTransport:
    """``AsyncEventSource`` on an ``aiohttp.ClientSession``."""

    def __init__(self, library: ModuleType, session: Any) -> None:
        self.library = library
        # A read timeout is both an aiohttp error and a TimeoutError.
        self.drops: tuple[type[Exception], ...] = (library.ClientError, TimeoutError)
        self._session = session
        self._own_session: Any = None
        self._response: Any = None

    def is_idle(self, error: Exception) -> bool:
        return isinstance(error, self.library.SocketTimeoutError)

    @contextlib.asynccontextmanager
    async def stream(self, request: Connect) -> AsyncIterator[AsyncResponse]:
        library, connect = self.library, request.connect_timeout
        session = self._session
        if session is None:
            if self._own_session is None:
                self._own_session = library.ClientSession()
            session = self._own_session
        timeout = library.ClientTimeout(
            total=None, connect=connect, sock_connect=connect, sock_read=request.idle_timeout
        )
        # aiohttp sends header values UTF-8 encoded, as the standard sends Last-Event-ID.
        headers = list(request.headers)
        async with session.get(request.url, headers=headers, timeout=timeout) as response:
            self._response = response
            try:
                yield Opened(
                    response.status,
                    response.reason or "",
                    response.headers,
                    str(response.url),
                    response.content.iter_any(),
                )
            finally:
                self._response = None

    async def abort(self) -> None:
        response, self._response = self._response, None
        session, self._own_session = self._own_session, None
        if response is not None:
            response.close()
        if session is not None:
            await session.close()
