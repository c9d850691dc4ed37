# Vendored test cases: tests/test_exceptions.py of https://github.com/florimondmanca/httpx-sse
# at commit e8fcd9e (version 0.4.3; MIT licence, copyright Florimond Manca).
# Run against sseflow.httpx (and httpx-sse 0.4.3) by tests/test_httpx_sse_suite.py; unchanged
# below this header.

import httpx

from httpx_sse import SSEError


def test_sse_error() -> None:
    assert issubclass(SSEError, httpx.TransportError)
