"""One event stream followed in a thread, after the standard's ``EventSource``.

A :class:`Follower` connects with ``Last-Event-ID``, frames the bytes into
record batches, drops the events a resumed connection sends again, and queues
the rest for the micro-batches to take. When a connection drops it waits the
stream's reconnection time (doubled after each connection in a row that
delivered nothing, up to a cap) and connects again; a 204 ends the stream; any
other status than 200, or a ``Content-Type`` other than ``text/event-stream``,
fails it with an error naming the URL, as does an event over a parser limit
(the events before it are still delivered). The queue is bounded: a stream
read faster than Spark takes it waits (TCP pushes back on the server).
"""

from __future__ import annotations

import contextlib
import http.client
import random
import socket
import threading
import urllib.parse
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from sseflow._http import STREAM_HEADERS, is_event_stream
from sseflow.errors import ConnectionFailed, SSEError
from sseflow.spark._position import Position, Resume
from sseflow.spark._rows import Framer

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Follower", "Settings", "one_response"]

_CHUNK: Final = 64 * 1024


@dataclass(frozen=True)
class Settings:
    """How every stream of a source is read (from the source's options)."""

    headers: tuple[tuple[str, str], ...] = ()
    max_line_size: int | None = None
    max_event_size: int | None = None
    retry: int = 3000
    """The reconnection time in ms until a stream sets one."""
    max_delay: float = 30.0
    """The cap, in seconds, of the backoff after failed connections."""
    connect_timeout: float = 10.0
    idle_timeout: float | None = None
    """Seconds without a byte after which a connection counts as dropped."""
    json_type: pa.StructType | None = None
    """The type of the ``json`` column, if the events' data is decoded."""


class Follower:
    """Follows the stream at ``url`` from ``position`` in a daemon thread.

    ``lock`` is shared by every follower of a source, so that one wait sees
    them all; :meth:`take` must be called holding it. At most ``capacity``
    rows wait in the queue.
    """

    def __init__(
        self,
        url: str,
        position: Position,
        settings: Settings,
        lock: threading.Condition,
        capacity: int,
    ) -> None:
        self.url = url
        self.queued = 0
        """Rows waiting to be taken."""
        self.error: SSEError | None = None
        """What failed the stream, raised once the rows before it are taken."""
        self.ended = False
        """The server answered 204: no more events."""
        self._position = position
        self._settings = settings
        self._lock = lock
        self._capacity = capacity
        self._queue: deque[pa.RecordBatch] = deque()
        self._closed = False
        self._wake = threading.Event()
        self._sock: socket.socket | None = None
        self._conn: http.client.HTTPConnection | None = None
        self._response: http.client.HTTPResponse | None = None
        self._thread = threading.Thread(target=self._run, name=f"sse {url}", daemon=True)
        self._thread.start()

    def take(self, limit: int) -> list[pa.RecordBatch]:
        """Up to ``limit`` queued rows, in order (hold the lock)."""
        taken: list[pa.RecordBatch] = []
        while self._queue and limit > 0:
            batch = self._queue.popleft()
            if batch.num_rows > limit:
                self._queue.appendleft(batch.slice(limit))
                batch = batch.slice(0, limit)
            taken.append(batch)
            limit -= batch.num_rows
            self.queued -= batch.num_rows
        self._lock.notify_all()
        return taken

    def close(self) -> None:
        """Stops following: the thread ends at its next step."""
        self._closed = True
        self._wake.set()
        sock = self._sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with self._lock:
            self._lock.notify_all()

    def _put(self, batch: pa.RecordBatch) -> None:
        with self._lock:
            while batch.num_rows and not self._closed:
                room = self._capacity - self.queued
                if room <= 0:
                    self._lock.wait()
                    continue
                part, batch = batch.slice(0, room), batch.slice(room)
                self._queue.append(part)
                self.queued += part.num_rows
                self._position = self._position.after(part.column("id"))
                self._lock.notify_all()

    def _finish(self, error: SSEError | None) -> None:
        with self._lock:
            self.error = error
            self.ended = error is None
            self._lock.notify_all()

    def _run(self) -> None:
        retry = self._settings.retry
        failures = 0
        while not self._closed:
            delivered = False
            try:
                response = self._connect()
                if response is None:
                    return
                settings = self._settings
                framer = Framer(
                    self._position.id,
                    settings.max_line_size,
                    settings.max_event_size,
                    settings.json_type,
                )
                resume = Resume(self._position)
                while not self._closed and (chunk := response.read1(_CHUNK)):
                    batch = framer.feed(chunk)
                    if framer.retry is not None:
                        retry = framer.retry
                    if batch is not None and (batch := resume.fresh(batch)).num_rows:
                        self._put(batch)
                        delivered = True
                    if framer.error is not None:
                        error = SSEError(f"event stream {self.url}: {framer.error}")
                        error.__cause__ = framer.error
                        self._finish(error)
                        return
            except ConnectionFailed as error:
                self._finish(error)
                return
            except (OSError, http.client.HTTPException):
                pass  # dropped: reconnect
            finally:
                self._disconnect()
            failures = 0 if delivered else failures + 1
            self._wake.wait(self._delay(retry, failures))

    def _delay(self, retry: int, failures: int) -> float:
        base = retry / 1000
        if not failures:
            return base
        backoff = min(self._settings.max_delay, base * 2.0**failures)
        return max(base, backoff * random.uniform(0.5, 1.0))

    def _connect(self) -> http.client.HTTPResponse | None:
        """Sends the request; ``None`` if the stream ended (204) or was closed."""
        conn = _connection(self.url, self._settings)
        self._conn = conn
        conn.connect()
        self._sock = conn.sock
        if self._closed:
            return None
        self._response = _request(conn, self.url, self._settings, self._position.id)
        if not _is_stream(self.url, self._response):
            self._finish(None)
            return None
        return self._response

    def _disconnect(self) -> None:
        conn, self._conn, self._sock = self._conn, None, None
        response, self._response = self._response, None
        with contextlib.suppress(OSError):
            if response is not None:
                response.close()
            if conn is not None:
                conn.close()


def _connection(url: str, settings: Settings) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    return kind(parts.hostname or "", parts.port, timeout=settings.connect_timeout)


def _request(
    conn: http.client.HTTPConnection, url: str, settings: Settings, last_event_id: str
) -> http.client.HTTPResponse:
    parts = urllib.parse.urlsplit(url)
    headers = {**STREAM_HEADERS, **dict(settings.headers)}
    if last_event_id:
        headers["Last-Event-ID"] = last_event_id
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn.request("GET", target, headers=headers)
    response = conn.getresponse()
    if conn.sock is not None:
        conn.sock.settimeout(settings.idle_timeout)
    return response


def _is_stream(url: str, response: http.client.HTTPResponse) -> bool:
    """Whether the response is an event stream to read (``False`` for a 204).

    Raises:
        ConnectionFailed: neither 200 with ``text/event-stream`` nor 204.
    """
    if response.status == 204:
        return False
    content_type = response.getheader("Content-Type")
    if response.status != 200 or not is_event_stream(content_type):
        raise ConnectionFailed(
            f"event stream {url}: expected status 200 with Content-Type "
            f"'text/event-stream', got status {response.status} with {content_type!r}",
            status=response.status,
            content_type=content_type,
        )
    return True


def one_response(url: str, settings: Settings) -> Iterator[bytes]:
    """The body of one request for the stream at ``url`` (nothing for a 204)."""
    conn = _connection(url, settings)
    try:
        with _request(conn, url, settings, "") as response:
            if _is_stream(url, response):
                while chunk := response.read1(_CHUNK):
                    yield chunk
    finally:
        conn.close()
