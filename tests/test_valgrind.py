"""The binding's one unsafe function, reading buffers in place, under valgrind.

CPython itself makes valgrind report a few uninitialised reads at start-up;
only errors with a frame in the native module count.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap

import pytest

EXERCISE = textwrap.dedent(
    """
    import array, mmap
    import sseflow

    expected = []
    parser = sseflow.Parser()
    for round in range(200):
        buffer = bytearray(b"data: %d\\n\\nid: x\\ndata: wor" % round)
        parser.feed(buffer)
        buffer[:] = b"mutated after feed"  # must change nothing already parsed
        parser.feed(memoryview(b"..ld\\n\\n")[2:])
        parser.feed(memoryview(bytearray(b"dxaxtxax:x xzx\\nx\\nx"))[::2])  # not contiguous
        parser.feed(array.array("b", b"data: a\\r"))
        parser.feed(array.array("B", b"\\n\\n"))
        expected += [str(round), "world", "z", "a"]
    with mmap.mmap(-1, 16) as shared:
        shared.write(b"data: mapped\\n\\n")
        parser.feed(shared)
    expected.append("mapped")
    assert [event.data for event in parser] == expected
    print("ok")
    """
)


@pytest.mark.timeout(600)
def test_reading_buffers_in_place_is_clean_under_valgrind() -> None:
    valgrind = shutil.which("valgrind")
    assert valgrind, "valgrind is part of every machine this project builds on"
    result = subprocess.run(
        [valgrind, "--leak-check=no", "--num-callers=40", sys.executable, "-c", EXERCISE],
        capture_output=True,
        text=True,
        env={"PYTHONMALLOC": "malloc"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ok"
    # valgrind separates error reports with blank "==pid==" lines.
    reports = re.split(r"^==\d+== ?$", result.stderr, flags=re.MULTILINE)
    ours = [report for report in reports if "_native" in report and "at 0x" in report]
    assert not ours, "\n".join(ours)
    assert "ERROR SUMMARY" in result.stderr
