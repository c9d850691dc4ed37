"""A real event-stream server for the client tests, with fault injection.

It is the standard library's threading HTTP server on 127.0.0.1 with an
ephemeral port. Each test registers routes: a route is a function given a
:class:`Conn` to answer one request with, so it can send any status and
headers, write an event stream in pieces, drip it byte by byte, go silent, or
drop the connection mid-event. The server records every request (headers and
arrival time), when each response ended, and when a client hung up.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from sseflow import encode

__all__ = [
    "Conn",
    "Request",
    "Route",
    "SSEServer",
    "numbered_events",
    "resumable",
    "sequence",
    "static",
]


@dataclass
class Request:
    """One request the server received."""

    index: int
    method: str
    path: str
    headers: dict[str, str]
    """Header names in lower case."""
    time: float
    """``time.monotonic()`` when the request's headers were read."""
    ended: float | None = None
    """``time.monotonic()`` just before the server closed the response."""
    hung_up: float | None = None
    """``time.monotonic()`` when the server saw the client close, if it did."""


class Conn:
    """The server side of one request, handed to a route."""

    def __init__(self, handler: _Handler, request: Request) -> None:
        self._handler = handler
        self.request = request
        self._chunked = False
        self.gone = False
        """Whether the client hung up (a write failed or EOF was seen)."""

    def start(
        self,
        status: int = 200,
        content_type: str | None = "text/event-stream",
        headers: Sequence[tuple[str, str]] = (),
        *,
        chunked: bool = False,
    ) -> None:
        """Sends the status line and headers.

        Without ``chunked`` the body is delimited by closing the connection,
        so a drop looks like a clean end to HTTP; with it, a drop mid-body is
        an HTTP protocol error for the client.
        """
        handler = self._handler
        handler.send_response(status)
        if content_type is not None:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Cache-Control", "no-store")
        for name, value in headers:
            handler.send_header(name, value)
        if chunked:
            handler.send_header("Transfer-Encoding", "chunked")
        elif status not in (204, 304):
            handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.flush()
        self._chunked = chunked

    @property
    def chunked(self) -> bool:
        """Whether the body is sent chunked (so the connection may serve another request)."""
        return self._chunked

    def write(self, data: bytes) -> bool:
        """Sends body bytes at once; returns False if the client is gone."""
        if self.gone:
            return False
        if self._chunked and data:
            data = b"%x\r\n%s\r\n" % (len(data), data)
        try:
            self._handler.wfile.write(data)
            self._handler.wfile.flush()
        except OSError:
            self._hung_up()
            return False
        return True

    def drip(self, data: bytes, delay: float) -> bool:
        """Sends ``data`` one byte at a time, ``delay`` seconds apart."""
        for index in range(len(data)):
            if not self.write(data[index : index + 1]):
                return False
            time.sleep(delay)
        return True

    def idle(self, seconds: float) -> bool:
        """Sends nothing for up to ``seconds``; returns True as soon as the client hangs up."""
        deadline = time.monotonic() + seconds
        sock = self._handler.connection
        while not self.gone:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            readable, _, _ = select.select([sock], [], [], min(left, 0.05))
            if readable:
                try:
                    peeked = sock.recv(1, socket.MSG_PEEK)
                except OSError:
                    peeked = b""
                if not peeked:
                    self._hung_up()
                else:  # a pipelined request: not expected here
                    return False
        return True

    def end(self) -> None:
        """Ends the body cleanly (the last chunk, or closing the connection)."""
        if self._chunked:
            self.write(b"")
            try:
                self._handler.wfile.write(b"0\r\n\r\n")
                self._handler.wfile.flush()
            except OSError:
                self._hung_up()

    def drop(self, *, reset: bool = False) -> None:
        """Closes the connection now, mid-body; ``reset`` sends a TCP RST instead of a FIN."""
        self.request.ended = time.monotonic()
        sock = self._handler.connection
        try:
            if reset:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._handler.close_connection = True
        self.gone = True

    def _hung_up(self) -> None:
        if not self.gone:
            self.gone = True
            self.request.hung_up = time.monotonic()


Route = Callable[[Conn], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        with self.server.owner.lock:
            self.server.owner.connections += 1

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._serve()

    def _serve(self) -> None:
        owner = self.server.owner
        path = self.path.partition("?")[0]
        headers = {name.lower(): value for name, value in self.headers.items()}
        with owner.lock:
            request = Request(
                len(owner.requests), self.command, self.path, headers, time.monotonic()
            )
            owner.requests.append(request)
            route = owner.routes.get(path)
        conn = Conn(self, request)
        if route is None:
            conn.start(404, "text/plain")
            conn.write(b"no such route")
        else:
            route(conn)
        if request.ended is None:
            conn.end()
            request.ended = time.monotonic()
        if owner.keep_alive and conn.chunked and not conn.gone:
            return
        # Every response of this server ends its connection: a client that
        # reconnects always opens a new one, which the tests count.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: SSEServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up mid-response is part of the tests


class SSEServer:
    """The test server: ``with SSEServer() as server: server.route("/s", route)``.

    With ``keep_alive``, a connection whose response was chunked and ended cleanly
    serves the next request too, as API servers do; ``connections`` counts them.
    """

    def __init__(self, *, keep_alive: bool = False) -> None:
        self.keep_alive = keep_alive
        self.connections = 0
        """How many connections the server accepted."""
        self.lock = threading.Lock()
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> SSEServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def route(self, path: str, route: Route) -> str:
        """Answers requests for ``path`` with ``route``; returns the URL."""
        with self.lock:
            self.routes[path] = route
        return self.url(path)

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def requests_to(self, path: str) -> list[Request]:
        """The requests received for ``path`` (ignoring the query), in order."""
        with self.lock:
            return [r for r in self.requests if r.path.partition("?")[0] == path]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Polls ``predicate`` until it is true or ``timeout`` seconds passed."""
        return wait_for(predicate, timeout)


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Polls ``predicate`` until it is true or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def numbered_events(count: int, *, lines: int = 2) -> list[bytes]:
    """Events ``id: 1`` .. ``id: count``, each with ``lines`` data lines, as wire bytes."""
    return [
        encode("\n".join(f"event {n} line {k}" for k in range(lines)), id=str(n))
        for n in range(1, count + 1)
    ]


@dataclass
class _Resumable:
    events: list[bytes]
    cuts: list[tuple[int, int]]
    retry: int
    chunked: bool
    reset: bool
    served: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, conn: Conn) -> None:
        with self.lock:
            attempt = self.served
            self.served += 1
        last = conn.request.headers.get("last-event-id", "")
        start = int(last) if last else 0
        conn.start(chunked=self.chunked)
        conn.write(encode(retry=self.retry))
        if attempt >= len(self.cuts):
            conn.write(b"".join(self.events[start:]))
            return
        whole, extra = self.cuts[attempt]
        body = b"".join(self.events[start : start + whole])
        if start + whole < len(self.events):
            body += self.events[start + whole][:extra]
        conn.write(body)
        time.sleep(0.005)  # let the bytes leave before the drop
        conn.drop(reset=self.reset)


def resumable(
    events: list[bytes],
    cuts: list[tuple[int, int]],
    *,
    retry: int = 10,
    chunked: bool = False,
    reset: bool = False,
) -> Route:
    """A route that resumes after the ``Last-Event-ID`` it is sent and drops connections.

    ``events[n - 1]`` must carry ``id: n``. Connection ``k`` (from 0) sends
    ``retry``, then, for ``cuts[k] == (whole, extra)``, ``whole`` complete
    events and the first ``extra`` bytes of the next one, and drops; once the
    cuts are used up it sends the rest and ends cleanly.
    """
    return _Resumable(events, cuts, retry, chunked, reset)


def static(
    body: bytes = b"",
    status: int = 200,
    content_type: str | None = "text/event-stream",
    headers: Sequence[tuple[str, str]] = (),
) -> Route:
    """A route that answers every request with the same response."""

    def route(conn: Conn) -> None:
        conn.start(status, content_type, headers)
        conn.write(body)

    return route


def sequence(*routes: Route) -> Route:
    """A route that answers the n-th request with ``routes[n]`` (the last one after that)."""
    served = [0]
    lock = threading.Lock()

    def route(conn: Conn) -> None:
        with lock:
            index = min(served[0], len(routes) - 1)
            served[0] += 1
        routes[index](conn)

    return route
