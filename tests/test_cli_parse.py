"""``sseflow parse``: events as JSON lines, and a truncated end reported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sseflow import reference
from sseflow.samples import SAMPLES, sample


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sseflow", *args], input=stdin, capture_output=True, check=False
    )


def expected(stream: bytes) -> tuple[list[dict[str, object]], bool]:
    """What the reference parser makes of a stream: records, and whether it was cut."""
    parser = reference.Parser()
    parser.feed(stream)
    parser.close()
    records: list[dict[str, object]] = [
        {"event": e.event, "data": e.data, "id": e.id, "retry": e.retry} for e in parser
    ]
    return records, parser.truncated


def records(output: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.decode().splitlines()]


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("implementation", [[], ["--reference"]], ids=["native", "reference"])
def test_samples(name: str, implementation: list[str]) -> None:
    result = run("parse", "--sample", name, *implementation)
    events, truncated = expected(sample(name))
    assert events, "every sample has events"
    assert records(result.stdout) == events
    assert result.returncode == (1 if truncated else 0)
    assert (b"ended truncated" in result.stderr) == truncated


def test_the_samples_cover_a_clean_and_a_cut_end() -> None:
    ends = {expected(sample(name))[1] for name in SAMPLES}
    assert ends == {True, False}


def test_a_file_and_stdin(tmp_path: Path) -> None:
    stream = b"\xef\xbb\xbfevent: a\r\ndata: 1\r\n\r\nid: 7\ndata: \xff\n\n"
    path = tmp_path / "stream.sse"
    path.write_bytes(stream)
    events, _ = expected(stream)
    assert (events[1]["data"], events[1]["id"]) == ("\ufffd", "7")
    for result in (
        run("parse", str(path)),
        run("parse", "-", stdin=stream),
        run("parse", stdin=stream),
    ):
        assert result.returncode == 0, result.stderr
        assert records(result.stdout) == events


def test_a_cut_stream_exits_non_zero() -> None:
    result = run("parse", "-", stdin=b"data: whole\n\ndata: cut")
    assert records(result.stdout) == [
        {"event": "message", "data": "whole", "id": "", "retry": None}
    ]
    assert result.returncode == 1
    assert b"ended truncated" in result.stderr


def test_help_lists_the_samples() -> None:
    result = run("parse", "--help")
    assert result.returncode == 0
    for name in SAMPLES:
        assert name.encode() in result.stdout


def test_a_missing_file_is_an_error() -> None:
    result = run("parse", "/nonexistent/stream.sse")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"sseflow: cannot read /nonexistent/stream.sse" in result.stderr
