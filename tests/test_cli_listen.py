"""``sseflow listen`` run as a process against the test server."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable

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


def _then_silent(stream: bytes) -> Callable[[Conn], None]:
    """A route that sends ``stream``, then nothing, for 20 s."""

    def route(conn: Conn) -> None:
        conn.start()
        conn.write(stream)
        conn.idle(20)

    return route


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


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_it_and_says_how_to_resume(signum: int, status: int) -> None:
    with SSEServer() as server:
        url = server.route("/s", _then_silent(encode("hello", id="it's 7")))
        process = _listen(url)
        assert process.stdout is not None
        assert json.loads(process.stdout.readline())["data"] == "hello"
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=10)
        assert process.returncode == status
        assert stdout == ""
        assert "Traceback" not in stderr
        # The ID quoted as a shell takes it.
        resume = "sseflow: resume after the last event printed with --last-event-id "
        assert stderr.splitlines()[-1] == resume + """'it'"'"'s 7'"""
        assert server.wait_for(lambda: server.requests_to("/s")[0].hung_up is not None)


def test_a_signal_before_any_event_gives_back_the_id_it_was_given() -> None:
    with SSEServer() as server:
        url = server.route("/s", _then_silent(b": waiting\n"))
        process = _listen(url, "--last-event-id", "41")
        assert server.wait_for(lambda: len(server.requests_to("/s")) == 1)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=10)
        assert (process.returncode, stdout) == (143, "")
        assert stderr.splitlines()[-1] == "sseflow: resume with --last-event-id 41"


def test_no_resume_line_for_a_stream_without_ids() -> None:
    with SSEServer() as server:
        url = server.route("/s", _then_silent(encode("hello")))
        process = _listen(url)
        assert process.stdout is not None
        assert json.loads(process.stdout.readline())["data"] == "hello"
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
        assert process.returncode == 130
        assert "resume" not in stderr


def test_giving_up_says_how_to_resume() -> None:
    with SSEServer() as server:
        url = server.route(
            "/s",
            sequence(
                static(encode("a", id="1", retry=1) + encode("b", id="2")),
                static(b"oops", 500, "text/plain"),
            ),
        )
        process = _listen(url)
        stdout, stderr = process.communicate(timeout=20)
        assert process.returncode == 1
        assert [json.loads(line)["id"] for line in stdout.splitlines()] == ["1", "2"]
        lines = stderr.splitlines()
        assert "answered 500" in lines[-2]
        assert lines[-1] == "sseflow: resume after the last event printed with --last-event-id 2"


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
