"""Anthropic Messages streams: named events whose data repeats the name in ``type``.

``message_start`` (id, model, input usage), then for each content block
``content_block_start`` / ``content_block_delta`` (``text_delta``,
``input_json_delta`` for tool input, ``thinking_delta``) / ``content_block_stop``
with indices 0, 1, ...; then ``message_delta`` (``stop_reason``, output usage)
and ``message_stop``. ``ping`` events may come anywhere; an ``error`` event
(e.g. ``overloaded_error``) ends a stream early.

Block indices must start in order, deltas and stops must name an open block,
and every block must stop before ``message_stop``: anything else is an anomaly.
"""

from __future__ import annotations

import json
from typing import Any

from sseflow.llm._builder import Builder
from sseflow.llm._completion import Delta, Status

__all__ = ["AnthropicBuilder"]

_INCOMPLETE = frozenset({"max_tokens", "model_context_window_exceeded", "pause_turn", "refusal"})
"""Stop reasons of an answer cut short (``pause_turn``: the turn must be continued)."""
_TOOL_BLOCKS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})


class AnthropicBuilder(Builder):
    """Reads an Anthropic Messages stream."""

    format = "anthropic"
    provider = "anthropic"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._started = False
        self._blocks: dict[int, str] = {}
        """Block index -> block type, for the blocks started."""
        self._open: set[int] = set()
        self._tool_inputs: dict[int, object] = {}

    def _handle(self, event: str, data: str) -> list[Delta]:
        body = self.load(event, data)
        if body is None:
            return []
        kind = body.get("type")
        if not isinstance(kind, str):
            kind = event
        elif event not in ("message", kind):
            self.anomaly("data", f"event {event!r} carries data of type {kind!r}")
        if kind == "ping":
            return []
        if kind == "error":
            self.error_from(body)
            return []
        if kind == "message_start":
            self._message_start(body.get("message"))
            return []
        if not self._started and kind.startswith(("content_block", "message_")):
            self.anomaly("order", f"{kind} before message_start")
            self._started = True
        index = body.get("index")
        if kind == "content_block_start":
            return self._block_start(index, body.get("content_block"))
        if kind == "content_block_delta":
            return self._block_delta(index, body.get("delta"))
        if kind == "content_block_stop":
            return self._block_stop(index)
        if kind == "message_delta":
            self._message_delta(body)
        elif kind == "message_stop":
            self._message_stop()
        return []

    def _message_start(self, message: object) -> None:
        if self._started:
            self.anomaly("order", "a second message_start")
        self._started = True
        if not isinstance(message, dict):
            self.anomaly("data", "message_start without a message")
            return
        if isinstance(message.get("id"), str):
            self.response_id = message["id"]
        if isinstance(message.get("model"), str):
            self.model = message["model"]
        if isinstance(message.get("usage"), dict):
            self.usage = dict(message["usage"])

    def _block_index(self, kind: str, index: object) -> int | None:
        if not isinstance(index, int) or isinstance(index, bool):
            self.anomaly("index", f"{kind} without an integer index: {index!r}")
            return None
        if index not in self._open:
            state = "stopped" if index in self._blocks else "never started"
            self.anomaly("index", f"{kind} for block {index}, {state}")
        return index

    def _block_start(self, index: object, block: object) -> list[Delta]:
        if not isinstance(index, int) or isinstance(index, bool):
            self.anomaly("index", f"content_block_start without an integer index: {index!r}")
            return []
        if index in self._blocks:
            self.anomaly("index", f"block {index} started twice")
        elif index != len(self._blocks):
            self.anomaly("index", f"block {index} started after {len(self._blocks)} blocks")
        block = block if isinstance(block, dict) else {}
        kind = block.get("type")
        self._blocks[index] = kind if isinstance(kind, str) else ""
        self._open.add(index)
        if kind in _TOOL_BLOCKS:
            id_, name = block.get("id"), block.get("name")
            self.new_call(
                index,
                id_ if isinstance(id_, str) else None,
                name if isinstance(name, str) else None,
            )
            self._tool_inputs[index] = block.get("input")
        elif kind == "text" and isinstance(block.get("text"), str) and block["text"]:
            return [self.text(block["text"], index)]
        elif kind == "thinking" and isinstance(block.get("thinking"), str) and block["thinking"]:
            return [self.reasoning(block["thinking"], index)]
        return []

    def _block_delta(self, index: object, delta: object) -> list[Delta]:
        checked = self._block_index("content_block_delta", index)
        if checked is None or not isinstance(delta, dict):
            return []
        kind = delta.get("type")
        if kind == "text_delta" and isinstance(delta.get("text"), str):
            return [self.text(delta["text"], checked)]
        if kind == "thinking_delta" and isinstance(delta.get("thinking"), str):
            return [self.reasoning(delta["thinking"], checked)]
        if kind == "input_json_delta" and isinstance(delta.get("partial_json"), str):
            call = self.call(checked)
            if call is None:
                self.anomaly("index", f"input_json_delta for block {checked}, not a tool_use block")
                call = self.new_call(checked, None, None)
            return [self.call_delta(call, delta["partial_json"])]
        return []

    def _block_stop(self, index: object) -> list[Delta]:
        checked = self._block_index("content_block_stop", index)
        if checked is None:
            return []
        self._open.discard(checked)
        call = self.call(checked)
        if call is None:
            return []
        arguments = None
        if not call.arguments:
            # No input_json_delta (or only empty ones): the input is content_block_start's.
            call.pieces = []
            start = self._tool_inputs.get(checked)
            arguments = json.dumps(start if start is not None else {})
        record = self.end_call(call, arguments)
        return [] if record is None else [record]

    def _message_delta(self, body: dict[str, Any]) -> None:
        delta = body.get("delta")
        if isinstance(delta, dict):
            reason = delta.get("stop_reason")
            if isinstance(reason, str):
                self.finish_reason = reason
            sequence = delta.get("stop_sequence")
            if isinstance(sequence, str):
                self.stop_sequence = sequence
        usage = body.get("usage")
        if isinstance(usage, dict):
            merged = dict(self.usage or {})
            merged.update({key: value for key, value in usage.items() if value is not None})
            self.usage = merged

    def _message_stop(self) -> None:
        self.terminal = True
        for index in sorted(self._open):
            self.anomaly("index", f"block {index} never stopped")
        if self.finish_reason is None:
            self.anomaly("reason", "message_stop came but no message_delta gave a stop_reason")
            self.terminal_status = Status.COMPLETED
        elif self.finish_reason in _INCOMPLETE:
            self.terminal_status = Status.INCOMPLETE
        else:
            self.terminal_status = Status.COMPLETED
