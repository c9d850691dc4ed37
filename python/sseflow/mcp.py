"""sseflow's parser in the client transports of the MCP Python SDK (the ``mcp`` package).

::

    import sseflow.mcp

    sseflow.mcp.install()   # then use mcp.client.streamable_http / mcp.client.sse as before

The MCP transports parse event streams with httpx2's ``EventSource``, which
refuses an event over ``max_sse_event_size`` (1 MiB by default) and offers no
way to plug in another parser: no transport option, no factory. So this module
patches two names, process-wide, and checks each before it does:

- ``mcp.client.streamable_http.EventSource``, the class the streamable-HTTP
  transport reads a POST's event-stream response with;
- ``sse_within_origin`` as imported by ``mcp.client.streamable_http`` (the GET
  stream) and ``mcp.client.sse`` (the SSE transport): the replacement lets MCP's
  own function send the request and follow redirects, then reads its response
  with sseflow.

Events keep httpx2's fields (``event``, ``data``, ``id``, ``retry``, same
defaults); a wrong content type is still an ``httpx2.SSEError``. sseflow's
``max_event_size`` replaces MCP's ``max_sse_event_size`` (default: no limit).
Needs the ``mcp`` extra.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from typing import Any, Final

import httpx2

from sseflow._native import Event, Parser
from sseflow.errors import LimitExceeded
from sseflow.httpx2 import EventSource
from sseflow.stream import ParserFactory

__all__ = ["PATCH_POINTS", "EventTooLarge", "install", "installed", "uninstall"]

PATCH_POINTS: Final = (
    ("mcp.client.streamable_http", "EventSource"),
    ("mcp.client.streamable_http", "sse_within_origin"),
    ("mcp.client.sse", "sse_within_origin"),
)
"""The ``(module, name)`` pairs :func:`install` replaces."""

_originals: dict[tuple[str, str], Any] = {}


class EventTooLarge(LimitExceeded, httpx2.SSEError):
    """An event over :func:`install`'s ``max_event_size``.

    A :class:`sseflow.LimitExceeded` and an ``httpx2.SSEError``, which MCP
    takes, as for httpx2's own limit, for a failed stream rather than one to
    reconnect.
    """

    _request = None  # httpx2's errors keep their request here; this one has none


class _MCPEventSource(EventSource):
    """sseflow's httpx2 event source, raising :class:`EventTooLarge` for a limit."""

    async def aiter_sse(self, *, raise_on_truncated: bool = False) -> AsyncIterator[Event]:
        events = super().aiter_sse(raise_on_truncated=raise_on_truncated)
        try:
            async for event in events:
                yield event
        except LimitExceeded as error:
            raise EventTooLarge(error.limit_name, error.limit, error.size) from error


def _event_source(parser_factory: ParserFactory) -> Callable[..., EventSource]:
    """Stands for ``httpx2.EventSource(response, max_event_size=...)``."""

    def make(response: httpx2.Response, max_event_size: int | None = None) -> EventSource:
        return _MCPEventSource(response, parser_factory=parser_factory)

    return make


def _sse_within_origin(
    original: Callable[..., AbstractAsyncContextManager[Any]], parser_factory: ParserFactory
) -> Callable[..., AbstractAsyncContextManager[EventSource]]:
    """Wraps MCP's ``sse_within_origin``: its request and redirects, sseflow's parser."""

    @asynccontextmanager
    async def sse_within_origin(
        client: httpx2.AsyncClient, url: httpx2.URL | str, **kwargs: Any
    ) -> AsyncIterator[EventSource]:
        kwargs["max_event_size"] = None  # httpx2's limit is never reached: it reads nothing
        async with original(client, url, **kwargs) as theirs:
            yield _MCPEventSource(theirs.response, parser_factory=parser_factory)

    return sse_within_origin


def install(*, max_event_size: int | None = None) -> None:
    """Makes the MCP client transports parse event streams with sseflow (process-wide).

    Calling it again replaces the options; :func:`uninstall` restores MCP's own.

    Args:
        max_event_size: the largest data of one event, in bytes (sseflow's
            meaning); default: no limit, whatever ``max_sse_event_size`` the
            transport was given.

    Raises:
        RuntimeError: a patch point is missing or not what this module
            expects: the installed ``mcp`` differs from the tested 2.3.0.
        ValueError: ``max_event_size`` is negative.
    """
    Parser(max_event_size=max_event_size)  # the binding's TypeError or ValueError, now
    factory: ParserFactory = Parser
    if max_event_size is not None:
        factory = partial(Parser, max_event_size=max_event_size)
    uninstall()
    modules = {name: importlib.import_module(name) for name, _ in PATCH_POINTS}
    expected = {
        "EventSource": httpx2.EventSource,
        "sse_within_origin": importlib.import_module("mcp.shared._httpx_utils").sse_within_origin,
    }
    for module_name, attribute in PATCH_POINTS:
        current = getattr(modules[module_name], attribute, None)
        if current is not expected[attribute]:
            raise RuntimeError(
                f"sseflow.mcp cannot patch {module_name}.{attribute}: it is {current!r}; "
                "this mcp version is not one sseflow.mcp supports (tested: mcp 2.3.0)"
            )
    for module_name, attribute in PATCH_POINTS:
        module = modules[module_name]
        original = getattr(module, attribute)
        _originals[module_name, attribute] = original
        if attribute == "EventSource":
            setattr(module, attribute, _event_source(factory))
        else:
            setattr(module, attribute, _sse_within_origin(original, factory))


def uninstall() -> None:
    """Gives the MCP transports their own parser back (nothing if not installed)."""
    for (module_name, attribute), original in _originals.items():
        setattr(importlib.import_module(module_name), attribute, original)
    _originals.clear()


def installed() -> bool:
    """Whether :func:`install` is in effect."""
    return bool(_originals)
