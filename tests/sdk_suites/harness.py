"""A pytest plugin with what the vendored SDK suites need: their ``client`` and
``async_client`` fixtures, and a runner for their ``async def`` tests (they use
pytest-asyncio's marker; asyncio.run serves).

The clients parse with sseflow unless ``SSEFLOW_SDK_DECODER=sdk`` asks for the SDK's own
decoder. The suites are files named ``vendored_*.py``, collected only when
tests/test_sdk_suites.py runs them with this plugin and ``-o python_files=vendored_*.py``.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from typing import Any

import pytest

import sseflow.sdk


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "asyncio: an async test, run with asyncio.run")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Runs a coroutine test function to its end on a new event loop."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


def _make(request: pytest.FixtureRequest, asynchronous: bool) -> Any:
    module = request.module.__name__
    options: dict[str, Any] = {"api_key": "test-key", "base_url": "http://127.0.0.1:4010"}
    if "openai" in module:
        import openai

        client: Any = (openai.AsyncOpenAI if asynchronous else openai.OpenAI)(**options)
    elif "anthropic" in module:
        import anthropic

        client = (anthropic.AsyncAnthropic if asynchronous else anthropic.Anthropic)(**options)
    else:
        import groq

        client = (groq.AsyncGroq if asynchronous else groq.Groq)(**options)
    if os.environ.get("SSEFLOW_SDK_DECODER") == "sdk":
        return client
    return sseflow.sdk.install(client)


@pytest.fixture(scope="module")
def client(request: pytest.FixtureRequest) -> Any:
    """The suite's SDK sync client."""
    return _make(request, asynchronous=False)


@pytest.fixture(scope="module")
def async_client(request: pytest.FixtureRequest) -> Any:
    """The suite's SDK async client."""
    return _make(request, asynchronous=True)
