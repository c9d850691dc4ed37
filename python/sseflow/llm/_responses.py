"""The HTTP response behind a source: httpx's, httpx2's, or one the OpenAI, Anthropic and
Groq SDKs wrap (their ``Stream`` objects, ``with_raw_response`` and
``with_streaming_response`` results); its request ID, status and body.

No HTTP library is imported here: an object of one can exist only once its module
is, so each is looked up in ``sys.modules``.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Mapping
from typing import Any, Final

from sseflow import _httpx_family as family
from sseflow._http import check_event_stream
from sseflow.errors import ConnectionFailed
from sseflow.llm._errors import ProviderError, provider_error
from sseflow.llm._gemini import gemini_error, is_gemini_error
from sseflow.llm._options import Options, ParserFactory

__all__ = [
    "REQUEST_ID_HEADERS",
    "check_response",
    "factory_of",
    "http_error",
    "request_id_of",
    "response_of",
]

REQUEST_ID_HEADERS: Final = ("x-request-id", "request-id")
_CLIENTS: Final = ("httpx", "httpx2")
_SSEFLOW_WRAPPERS: Final = ("sseflow.httpx", "sseflow.httpx2")
_SDKS: Final = frozenset({"openai", "anthropic", "groq"})


def request_id_of(headers: Mapping[str, str] | None) -> str | None:
    """The request ID of an HTTP response: its ``x-request-id`` or ``request-id`` header."""
    if headers is None:
        return None
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def _is_response(source: object) -> bool:
    for name in _CLIENTS:
        module = sys.modules.get(name)
        if module is not None and isinstance(source, module.Response):
            return True
    return False


def response_of(source: object) -> Any:
    """The httpx or httpx2 response behind ``source``, or ``None`` if it has none."""
    if _is_response(source):
        return source
    for name in _SSEFLOW_WRAPPERS:
        wrapper = sys.modules.get(name)
        if wrapper is not None and isinstance(source, wrapper.EventSource):
            return source.response
    if type(source).__module__.partition(".")[0] in _SDKS:
        # Raw responses hold it as http_response, Stream / AsyncStream as response.
        for attribute in ("http_response", "response"):
            inner = getattr(source, attribute, None)
            if _is_response(inner):
                return inner
    return None


def http_error(status: int, body: bytes, format: str, request_id: str | None) -> ProviderError:
    """The typed error for an HTTP error answer (its JSON body, if it has one)."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        parsed = {"message": body.decode("utf-8", "replace")[:500] or f"HTTP {status}"}
    if isinstance(parsed, list) and parsed and isinstance(parsed[0], dict):
        parsed = parsed[0]  # Gemini without alt=sse answers with a JSON array
    if format == "gemini" or is_gemini_error(parsed):
        error: ProviderError = gemini_error(parsed, status=status)
        error.request_id = request_id
        return error
    if format == "anthropic" or (isinstance(parsed, dict) and parsed.get("type") == "error"):
        provider = "anthropic"
    else:
        provider = "openai"
    return provider_error(provider, parsed, status=status, request_id=request_id)


def check_response(response: Any) -> None:
    """Raises unless the response is an event stream: the ``SSEError`` of the client's
    wrapper (``sseflow.httpx`` for httpx, ``sseflow.httpx2`` for httpx2)."""
    for client, wrapper in zip(_CLIENTS, _SSEFLOW_WRAPPERS, strict=True):
        module = sys.modules.get(client)
        if module is not None and isinstance(response, module.Response):
            # The wrapper imports only its client, which is imported already.
            error = importlib.import_module(wrapper).SSEError
            family.check_response(response, error)
            return
    check_event_stream(response.status_code, response.headers.get("content-type"), ConnectionFailed)


def factory_of(source: object, options: Options) -> ParserFactory:
    """The parser factory for an HTTP source: the options', or an ``sseflow`` event
    source's own when the reader was given no parser option."""
    own: ParserFactory | None = getattr(source, "_parser_factory", None)
    if own is None or options.parses_bytes:
        return options.factory()
    return own
