"""Telling the format of a stream from its first events."""

from __future__ import annotations

import json

from sseflow.llm._completion import Format
from sseflow.llm._gemini import is_gemini_error

__all__ = ["FORMATS", "detect"]

FORMATS: tuple[Format, ...] = ("openai-chat", "openai-responses", "anthropic", "gemini")

_ANTHROPIC = frozenset(
    {
        "message_start",
        "message_delta",
        "message_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "ping",
    }
)


def detect(event: str, data: str) -> Format | None:
    """The format an event belongs to, or ``None`` if it does not tell.

    Anthropic events are named (``message_start``, ``ping``...) and Responses
    events start with ``response.``; an ``error`` event tells by its shape (a
    ``sequence_number``: Responses; an ``error`` object: Anthropic). An unnamed
    event with ``choices``, ``"object": "error"``, a top-level ``error`` object or
    ``[DONE]`` is Chat; one with ``candidates``, ``promptFeedback`` or
    ``usageMetadata``, or an error with a ``status`` string, is Gemini.
    """
    if event in _ANTHROPIC:
        return "anthropic"
    if event.startswith("response."):
        return "openai-responses"
    if data.strip() == "[DONE]":
        return "openai-chat"
    try:
        body = json.loads(data)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    kind = body.get("type")
    if isinstance(kind, str):
        if kind in _ANTHROPIC:
            return "anthropic"
        if kind.startswith("response."):
            return "openai-responses"
        if kind == "error":
            if "sequence_number" in body or "code" in body:
                return "openai-responses"
            if isinstance(body.get("error"), dict):
                return "anthropic"
            return None
    if "choices" in body or body.get("object") in ("chat.completion.chunk", "error"):
        return "openai-chat"
    if "candidates" in body or "promptFeedback" in body or "usageMetadata" in body:
        return "gemini"
    if isinstance(body.get("error"), dict):
        return "gemini" if is_gemini_error(body) else "openai-chat"
    return None
