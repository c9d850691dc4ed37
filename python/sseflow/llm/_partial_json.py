"""The best parse of an incomplete JSON text, through jiter's partial mode (optional)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["partial_parser"]

MISSING_JITER = (
    "partial_json=True needs the jiter package: pip install 'sseflow[llm]' (or pip install jiter)"
)


def partial_parser() -> Callable[[str], Any]:
    """A function giving the best parse of a JSON prefix (``None`` if nothing parses yet).

    Raises:
        ImportError: jiter is not installed.
    """
    try:
        import jiter
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(MISSING_JITER) from error

    def parse(text: str) -> Any:
        if not text.strip():
            return None
        try:
            return jiter.from_json(text.encode(), partial_mode="trailing-strings")
        except ValueError:
            return None

    return parse
