"""A pytest plugin with the fixtures the vendored SDK suites need: ``client`` and
``async_client``.

The clients parse with sseflow unless ``SSEFLOW_SDK_DECODER=sdk`` asks for the SDK's own
decoder. The suites are files named ``vendored_*.py``, collected only when
tests/test_sdk_suites.py runs them (see tests/vendored_suites.py).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

import sseflow.sdk


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
