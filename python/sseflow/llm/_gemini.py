"""Google Gemini streams: ``streamGenerateContent?alt=sse``, as the google-genai SDK reads them.

Each event is unnamed and its data one ``GenerateContentResponse``: ``candidates[i]``
with ``content.parts`` (``text``, with ``thought: true`` for reasoning, or a whole
``functionCall`` with its ``args`` object) and, at the end, a ``finishReason``;
``usageMetadata`` (``promptTokenCount``, ``candidatesTokenCount``...), ``modelVersion``,
``responseId``; ``promptFeedback.blockReason`` when the prompt itself was blocked (then
no candidate comes). An error arrives as ``{"error": {"code": 429, "status":
"RESOURCE_EXHAUSTED", "message": ...}}``. Only candidate 0 is collected.

There is no terminal event, so the stream counts as whole when its bytes ended
cleanly (not inside an event) and its last event with a candidate gave a
``finishReason`` (or the prompt was blocked). Older models put ``finishReason:
STOP`` on every event; for them a stream cut between events looks whole.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from sseflow.llm._builder import Builder
from sseflow.llm._completion import Delta, Status
from sseflow.llm._errors import ProviderError, provider_error

__all__ = ["GeminiBuilder", "gemini_error", "is_gemini_error"]

COMPLETED_REASONS = frozenset({"STOP"})
"""The only finish reason of a whole answer; every other one (``MAX_TOKENS``, ``SAFETY``,
``RECITATION``, ``MALFORMED_FUNCTION_CALL``, ...) cuts the answer short."""


def is_gemini_error(body: object) -> bool:
    """Whether ``body`` is a Google API error: ``{"error": {"code": 429, "status": "..."}}``."""
    inner = body.get("error") if isinstance(body, dict) else None
    return isinstance(inner, dict) and isinstance(inner.get("status"), str)


def gemini_error(body: object, *, status: int | None = None) -> ProviderError:
    """The typed error for a Gemini error object: ``status`` (``"RESOURCE_EXHAUSTED"``)
    is its code, the numeric ``code`` its HTTP status."""
    outer = body if isinstance(body, dict) else {}
    inner = outer.get("error")
    fields = dict(inner) if isinstance(inner, dict) else {}
    number = fields.pop("code", None)
    if isinstance(fields.get("status"), str):
        fields["code"] = fields.pop("status")
    if status is None and isinstance(number, int) and not isinstance(number, bool):
        status = number
    return provider_error("google", {"error": fields}, status=status)


class GeminiBuilder(Builder):
    """Reads a Gemini ``streamGenerateContent`` stream."""

    format = "gemini"
    provider = "google"
    has_terminal_event: ClassVar[bool] = False

    def handle(self, event: str, data: str) -> list[Delta]:
        # No terminal event: every event is read, the last one with a candidate decides.
        self.events += 1
        return self._handle(event, data)

    def _handle(self, event: str, data: str) -> list[Delta]:
        body = self.load(event, data)
        if body is None:
            return []
        if isinstance(body.get("error"), dict):
            self.fail(gemini_error(body))
            return []
        if isinstance(body.get("modelVersion"), str):
            self.model = body["modelVersion"]
        if self.response_id is None and isinstance(body.get("responseId"), str):
            self.response_id = body["responseId"]
        if isinstance(body.get("usageMetadata"), dict):
            self.usage = body["usageMetadata"]
        feedback = body.get("promptFeedback")
        blocked = feedback.get("blockReason") if isinstance(feedback, dict) else None
        if isinstance(blocked, str):
            self.finish_reason = blocked
            self._ended(Status.INCOMPLETE)
            return []
        candidates = body.get("candidates")
        if not isinstance(candidates, list):
            if "usageMetadata" not in body:
                self.anomaly("data", "an event without 'candidates'")
            return []
        deltas: list[Delta] = []
        for candidate in candidates:
            if not isinstance(candidate, dict):
                continue
            index = candidate.get("index", 0)
            if index != 0:
                self.anomaly("index", f"candidate {index!r}: only candidate 0 is read")
                continue
            deltas += self._candidate(candidate)
        return deltas

    def _candidate(self, candidate: dict[str, Any]) -> list[Delta]:
        deltas: list[Delta] = []
        content = candidate.get("content")
        parts = content.get("parts") if isinstance(content, dict) else None
        for part in parts if isinstance(parts, list) else []:
            if not isinstance(part, dict):
                continue
            text = part.get("text")
            if isinstance(text, str) and text:
                if part.get("thought") is True:
                    deltas.append(self.reasoning(text, 0))
                else:
                    deltas.append(self.text(text, 0))
            call = part.get("functionCall")
            if isinstance(call, dict):
                deltas += self._function_call(call)
        reason = candidate.get("finishReason")
        if isinstance(reason, str) and reason:
            self.finish_reason = reason
            self._ended(Status.COMPLETED if reason in COMPLETED_REASONS else Status.INCOMPLETE)
        elif deltas:
            self.terminal = False  # more came after a finishReason: the last event decides
        return deltas

    def _function_call(self, call: dict[str, Any]) -> list[Delta]:
        """A function call comes whole: its arguments as an object."""
        name, id_ = call.get("name"), call.get("id")
        record = self.new_call(
            object(), id_ if isinstance(id_, str) else None, name if isinstance(name, str) else None
        )
        arguments = json.dumps(call.get("args", {}), ensure_ascii=False)
        ended = self.end_call(record, arguments)
        return [] if ended is None else [ended]

    def _ended(self, status: Status) -> None:
        self.terminal = True
        self.terminal_status = status
