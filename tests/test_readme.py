"""The README's Python examples run as written.

Each runs in its own interpreter; the examples that read
``http://127.0.0.1:8000/events`` read a live test server instead, which serves
two events, then a cut one, then answers 204 so that reconnecting clients stop.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from sse_server import SSEServer, sequence, static

from sseflow import encode

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
PLACEHOLDER = "http://127.0.0.1:8000/events"


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.timeout(60)
@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_readme_example(code: str) -> None:
    body = encode(retry=10) + encode("hello", event="greet", id="42") + encode("bye", event="bye")
    with SSEServer() as server:
        url = server.route("/events", sequence(static(body + b"data: cut"), static(status=204)))
        result = subprocess.run(
            [sys.executable, "-c", code.replace(PLACEHOLDER, url)],
            capture_output=True,
            text=True,
            timeout=50,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        if PLACEHOLDER in code:
            assert server.requests_to("/events"), "the example never reached the server"
