"""Exceptions raised by sseflow, shared by the native parser and the reference."""

from __future__ import annotations

__all__ = ["ParserClosed", "SSEError"]


class SSEError(Exception):
    """Base class of every error sseflow raises on purpose."""


class ParserClosed(SSEError, ValueError):
    """Data was fed to a parser after :meth:`Parser.close` ended its stream."""
