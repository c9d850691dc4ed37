"""``sseflow listen`` run as a process against the test server."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
from sse_server import Conn, SSEServer, sequence, static

from sseflow import encode

pytestmark = pytest.mark.timeout(30)


def _listen(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sseflow", "listen", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_follows_the_stream_across_a_drop_and_stops_at_204() -> None:
    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(encode("a", id="6", retry=10) + b"data: cut mid-ev"),
                static(encode("b\nc", event="e", id="7")),
                static(status=204),
            ),
        )
        process = _listen(url, "-H", "X-Token: secret", "--last-event-id", "5")
        stdout, stderr = process.communicate(timeout=20)
        assert process.returncode == 0, stderr
        assert [json.loads(line) for line in stdout.splitlines()] == [
            {"event": "message", "data": "a", "id": "6", "retry": 10},
            {"event": "e", "data": "b\nc", "id": "7", "retry": None},
        ]
        requests = server.requests_to("/s")
        assert [r.headers.get("last-event-id") for r in requests] == ["5", "6", "7"]
        assert all(r.headers["x-token"] == "secret" for r in requests)
        assert "stream ended mid-event; reconnecting" in stderr
        assert "Traceback" not in stderr


def test_ctrl_c_exits_130_without_a_traceback() -> None:
    def route(conn: Conn) -> None:
        conn.start()
        conn.write(encode("hello"))
        conn.idle(20)

    with SSEServer() as server:
        url = server.route("/s", route)
        process = _listen(url)
        assert process.stdout is not None
        assert json.loads(process.stdout.readline())["data"] == "hello"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
        assert process.returncode == 130
        assert "Traceback" not in stderr
        assert server.wait_for(lambda: server.requests_to("/s")[0].hung_up is not None)


@pytest.mark.parametrize(
    ("args", "message"),
    [((), "answered 500"), (("-H", "no colon"), "'Name: value'")],
)
def test_failures_exit_non_zero_with_a_message(args: tuple[str, ...], message: str) -> None:
    with SSEServer() as server:
        url = server.route("/s", static(b"oops", 500, "text/plain"))
        process = _listen(url, *args)
        _, stderr = process.communicate(timeout=20)
        assert process.returncode in (1, 2)
        assert message in stderr
        assert "Traceback" not in stderr
