"""A pytest plugin that runs httpx-sse's vendored suite against ``sseflow.httpx``.

With ``SSEFLOW_HTTPX_SSE=sseflow`` the name ``httpx_sse`` is ``sseflow.httpx``: the suite's
``from httpx_sse import connect_sse, EventSource, ...`` gets sseflow's. Its imports of
httpx-sse's private modules (``httpx_sse._api``, ``httpx_sse._decoders``) still find
httpx-sse's own, so those files import; the cases that test those internals are taken out
of the run by tests/test_httpx_sse_suite.py. Otherwise the suite runs on httpx-sse itself.
"""

from __future__ import annotations

import os
import sys

import httpx_sse._api
import httpx_sse._decoders  # noqa: F401

import sseflow.httpx

if os.environ.get("SSEFLOW_HTTPX_SSE") == "sseflow":
    sys.modules["httpx_sse"] = sseflow.httpx
