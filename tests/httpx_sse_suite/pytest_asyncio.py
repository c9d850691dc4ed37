"""The one part of pytest-asyncio that httpx-sse's suite uses: ``pytest_asyncio.fixture`` on
an async generator. The fixture is entered and left on the suite's one event loop (see
tests/vendored_suites.py), where its tests run too. Found first on the suite's path only."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import vendored_suites


def fixture(function: Callable[..., AsyncIterator[Any]]) -> Any:
    """An async generator fixture, as a fixture pytest can run itself."""

    @functools.wraps(function)
    def entered(*args: Any, **kwargs: Any) -> Iterator[Any]:
        loop = vendored_suites.loop()
        generator = function(*args, **kwargs)
        yield loop.run_until_complete(anext(generator))
        with contextlib.suppress(StopAsyncIteration):
            loop.run_until_complete(anext(generator))

    return pytest.fixture(entered)
