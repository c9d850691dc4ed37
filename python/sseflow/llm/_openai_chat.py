"""OpenAI Chat Completions streams: ``data:`` chunks, then ``data: [DONE]``.

Each chunk is a ``chat.completion.chunk`` object whose ``choices[i].delta``
carries ``content``, ``refusal`` and ``tool_calls`` pieces (tool call arguments
as pieces of a JSON text, keyed by the tool call's ``index``); a choice ends
with a ``finish_reason``. With ``stream_options.include_usage`` a last chunk
with empty ``choices`` carries ``usage``. An error arrives as a top-level
``{"error": {...}}`` object. Only choice 0 is collected.

The shapes of OpenAI-compatible servers and gateways recognised too: an error
object in the data without ``event: error`` (``{"error": {...}}``, its ``message``
alone or a bare string, with a numeric HTTP ``code`` as vLLM and llama.cpp send),
vLLM's flat ``{"object": "error", "message", "type", "code"}``, ``usage`` in the
last content chunk or in Groq's ``x_groq.usage``, ``reasoning_content`` /
``reasoning`` deltas, ``[DONE]`` with any spaces around it, a stream whose chunks
never give a ``finish_reason``; comments such as ``: OPENROUTER PROCESSING`` are
skipped by the SSE parser.
"""

from __future__ import annotations

from typing import Any

from sseflow.llm._builder import Builder
from sseflow.llm._completion import Delta, Status

__all__ = ["ChatBuilder", "is_done"]

_INCOMPLETE = frozenset({"length", "content_filter", "max_tokens"})
"""Finish reasons of an answer cut short."""


def is_done(data: str) -> bool:
    """Whether the data is the ``[DONE]`` sentinel (spaces around it allowed)."""
    return data.strip() == "[DONE]"


class ChatBuilder(Builder):
    """Reads an OpenAI Chat Completions stream."""

    format = "openai-chat"
    provider = "openai"

    def _handle(self, event: str, data: str) -> list[Delta]:
        if is_done(data):
            return self._done()
        chunk = self.load(event, data)
        if chunk is None:
            return []
        if event == "error" or chunk.get("error") or chunk.get("object") == "error":
            self.error_from(chunk)
            return []
        if self.response_id is None and isinstance(chunk.get("id"), str):
            self.response_id = chunk["id"]
        if isinstance(chunk.get("model"), str):
            self.model = chunk["model"]
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        groq = chunk.get("x_groq")
        if isinstance(groq, dict) and isinstance(groq.get("usage"), dict):
            self.usage = groq["usage"]
        deltas: list[Delta] = []
        choices = chunk.get("choices")
        if not isinstance(choices, list):
            if "usage" not in chunk:
                self.anomaly("data", "a chunk without 'choices'")
            return deltas
        for choice in choices:
            if isinstance(choice, dict) and choice.get("index", 0) == 0:
                deltas += self._choice(choice)
        return deltas

    def _done(self) -> list[Delta]:
        if self.terminal:
            return []
        self.terminal = True
        if self.finish_reason is None:
            # Some compatible servers never send one; a cut stream never sends [DONE].
            self.anomaly("reason", "[DONE] came but no chunk gave a finish_reason")
        return self.end_calls()

    def _choice(self, choice: dict[str, Any]) -> list[Delta]:
        deltas: list[Delta] = []
        delta = choice.get("delta")
        if isinstance(delta, dict):
            if self.finish_reason is not None and (delta.get("content") or delta.get("tool_calls")):
                self.anomaly("order", "a delta after the finish_reason")
            content = delta.get("content")
            if isinstance(content, str) and content:
                deltas.append(self.text(content, 0))
            for name in ("reasoning_content", "reasoning"):
                reasoning = delta.get(name)
                if isinstance(reasoning, str) and reasoning:
                    deltas.append(self.reasoning(reasoning, 0))
            refusal = delta.get("refusal")
            if isinstance(refusal, str):
                self.refusal(refusal)
            tool_calls = delta.get("tool_calls")
            if isinstance(tool_calls, list):
                for tool_call in tool_calls:
                    if isinstance(tool_call, dict):
                        deltas += self._tool_call(tool_call)
            function_call = delta.get("function_call")
            if isinstance(function_call, dict):
                deltas += self._tool_call({"index": 0, "function": function_call})
        reason = choice.get("finish_reason")
        if isinstance(reason, str) and reason:
            if self.finish_reason is not None and reason != self.finish_reason:
                self.anomaly("order", f"a second finish_reason {reason!r}")
            self.finish_reason = reason
            if reason == "error":
                self.error_from({"message": "the choice finished with finish_reason 'error'"})
            self.terminal_status = Status.INCOMPLETE if reason in _INCOMPLETE else Status.COMPLETED
            deltas += self.end_calls()
        return deltas

    def _tool_call(self, tool_call: dict[str, Any]) -> list[Delta]:
        key = tool_call.get("index")
        function = tool_call.get("function")
        function = function if isinstance(function, dict) else {}
        name = function.get("name") if isinstance(function.get("name"), str) else None
        id_ = tool_call.get("id") if isinstance(tool_call.get("id"), str) else None
        if not isinstance(key, int):
            self.anomaly("index", f"a tool call delta without an integer index: {key!r}")
            key = len(self._calls) - 1 if self._calls and id_ is None else len(self._calls)
        call = self.call(key)
        if call is None:
            if key != len(self._calls):
                self.anomaly(
                    "index", f"tool call index {key} started after {len(self._calls)} calls"
                )
            call = self.new_call(key, id_, name)
        else:
            if id_ is not None and call.id not in (None, id_):
                self.anomaly("index", f"tool call index {key} changed its id to {id_!r}")
            call.id = call.id or id_
            call.name = call.name or name
        arguments = function.get("arguments")
        if isinstance(arguments, str) and arguments:
            return [self.call_delta(call, arguments)]
        return []
