"""Running other projects' test suites, vendored beside ours (tests/*_suite*/).

Their files are named ``vendored_*.py``, so that our own run never collects them. A test of
ours runs them with :func:`start` in a fresh interpreter, with this module loaded as a pytest
plugin (it runs their ``async def`` tests, marked for pytest-asyncio, on one event loop) and
each suite's harness plugin (its fixtures), then reads each case's outcome with
:func:`outcomes`.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_loop: asyncio.AbstractEventLoop | None = None


def loop() -> asyncio.AbstractEventLoop:
    """The one event loop of a suite's run."""
    global _loop
    if _loop is None:
        _loop = asyncio.new_event_loop()
    return _loop


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "asyncio: an async test, run on the suite's event loop")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _loop is not None:
        _loop.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Runs a coroutine test function to its end on the suite's event loop."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    loop().run_until_complete(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


def start(
    suite: Path, harness: str, report: Path, env: dict[str, str], deselect: Sequence[str] = ()
) -> subprocess.Popen[bytes]:
    """Starts pytest on the vendored files of ``suite`` with ``harness`` (a module in it)
    loaded as a plugin, writing JUnit XML to ``report``; ``deselect`` takes cases (or
    whole files) out."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "vendored_suites", "-p", harness, "-o", "python_files=vendored_*.py"]
    command += [f"--junit-xml={report}", str(suite)]
    where = suite.relative_to(HERE.parent)  # node IDs are relative to the root, the cwd
    for case in deselect:  # a whole file is left out with --ignore
        command += ["--deselect" if "::" in case else "--ignore", f"{where}/{case}"]
    path = os.pathsep.join([str(suite), str(HERE)])
    return subprocess.Popen(
        command,
        env={**os.environ, **env, "PYTHONPATH": path},
        cwd=HERE.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def outcomes(report: Path) -> dict[str, str]:
    """``{"vendored_x.py::[Class::]test_y[id]": "passed" | "failed"}`` from a JUnit XML report."""
    found = {}
    for case in ElementTree.parse(report).iter("testcase"):
        # classname: the dotted path of the file, then the class if any.
        parts = case.attrib["classname"].split(".")
        first = next(i for i, part in enumerate(parts) if part.startswith("vendored_"))
        where = "::".join([f"{parts[first]}.py", *parts[first + 1 :], case.attrib["name"]])
        failed = any(child.tag in ("failure", "error", "skipped") for child in case)
        found[where] = "failed" if failed else "passed"
    return found
