"""OpenAI Responses streams: named events, each with a ``sequence_number``.

``response.created``, then per output item ``response.output_item.added`` /
``...done``, with ``response.output_text.delta`` (text),
``response.function_call_arguments.delta`` (tool call arguments),
``response.reasoning_summary_text.delta`` and ``response.refusal.delta`` in
between; the stream ends with ``response.completed``, ``response.incomplete``
or ``response.failed``, each carrying the whole response (status, usage,
``incomplete_details``, ``error``). An ``error`` event reports an error. There
is no ``[DONE]``.

Sequence numbers must count up by one from 0: a gap, a repeat or a step back
is an anomaly. The final text joins each text part's deltas in
sequence-number order (the part's ``done`` text wins when one came).
"""

from __future__ import annotations

from typing import Any

from sseflow.llm._builder import Builder
from sseflow.llm._completion import Delta, Status

__all__ = ["ResponsesBuilder"]

_TERMINAL = {
    "response.completed": Status.COMPLETED,
    "response.incomplete": Status.INCOMPLETE,
    "response.failed": Status.FAILED,
    "response.cancelled": Status.CANCELLED,
}
_STATUSES = {status.value: status for status in Status}
_TOOL_ITEMS = frozenset({"function_call", "custom_tool_call"})


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class ResponsesBuilder(Builder):
    """Reads an OpenAI Responses stream."""

    format = "openai-responses"
    provider = "openai"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_sequence: int | None = None
        self._seen_sequences: set[int] = set()
        self._outputs: set[int] = set()
        self._added_parts: set[tuple[int, int]] = set()

    def _handle(self, event: str, data: str) -> list[Delta]:
        body = self.load(event, data)
        if body is None:
            return []
        kind = body.get("type")
        if not isinstance(kind, str):
            kind = event
        elif event not in ("message", kind):
            self.anomaly("data", f"event {event!r} carries data of type {kind!r}")
        order = self._sequence(kind, body)
        response = body.get("response")
        if isinstance(response, dict):
            self._response(response)
        if kind in _TERMINAL:
            return self._terminal(kind, response if isinstance(response, dict) else {})
        if kind == "error":
            self.error_from(body)
            return []
        output = _int(body.get("output_index"))
        output = -1 if output is None else output
        content = _int(body.get("content_index")) or 0
        if kind == "response.output_item.added":
            return self._item_added(output, body.get("item"))
        if kind == "response.output_item.done":
            return self._item_done(output, body.get("item"))
        if kind == "response.content_part.added":
            self._part_added(output, content)
        elif kind == "response.output_text.delta":
            delta = body.get("delta")
            if isinstance(delta, str):
                self._check_part(output, content, kind)
                return [self.text(delta, output, content, order)]
        elif kind == "response.output_text.done":
            text = body.get("text")
            if isinstance(text, str):
                self.final_text(text, output, content)
        elif kind in ("response.refusal.delta",):
            delta = body.get("delta")
            if isinstance(delta, str):
                self.refusal(delta)
        elif kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            delta = body.get("delta")
            if isinstance(delta, str):
                return [self.reasoning(delta, output)]
        elif kind in (
            "response.function_call_arguments.delta",
            "response.custom_tool_call_input.delta",
        ):
            return self._arguments(body, output)
        elif kind in (
            "response.function_call_arguments.done",
            "response.custom_tool_call_input.done",
        ):
            return self._arguments_done(body, output)
        return []

    # -- ordering ------------------------------------------------------------

    def _sequence(self, kind: str, body: dict[str, Any]) -> int | None:
        number = _int(body.get("sequence_number"))
        if number is None:
            self.anomaly("sequence", f"{kind}: no sequence_number")
            return None
        last = self._last_sequence
        if number in self._seen_sequences:
            self.anomaly("sequence", f"{kind}: sequence_number {number} repeated")
        elif last is None:
            if number != 0:
                self.anomaly(
                    "sequence", f"{kind}: the stream starts at sequence_number {number}, not 0"
                )
        elif number < last:
            self.anomaly("sequence", f"{kind}: sequence_number {number} after {last}")
        elif number > last + 1:
            missing = number - last - 1
            self.anomaly(
                "sequence",
                f"{kind}: sequence_number {number} after {last} ({missing} missing)",
            )
        self._seen_sequences.add(number)
        self._last_sequence = number if last is None else max(last, number)
        return number

    def _item_added(self, output: int, item: object) -> list[Delta]:
        if output in self._outputs:
            self.anomaly("index", f"output item {output} added twice")
        elif output != len(self._outputs):
            self.anomaly("index", f"output item {output} added after {len(self._outputs)} items")
        self._outputs.add(output)
        if isinstance(item, dict) and item.get("type") in _TOOL_ITEMS:
            call_id = item.get("call_id")
            name = item.get("name")
            call = self.new_call(
                output,
                call_id if isinstance(call_id, str) else None,
                name if isinstance(name, str) else None,
            )
            item_id = item.get("id")
            if isinstance(item_id, str):
                self._calls[item_id] = call
            arguments = item.get("arguments", item.get("input"))
            if isinstance(arguments, str) and arguments:
                return [self.call_delta(call, arguments)]
        return []

    def _item_done(self, output: int, item: object) -> list[Delta]:
        if output not in self._outputs:
            self.anomaly("index", f"output item {output} done but never added")
        if not isinstance(item, dict):
            return []
        if item.get("type") in _TOOL_ITEMS:
            call = self._find_call(item.get("id"), output)
            arguments = item.get("arguments", item.get("input"))
            if call is not None:
                record = self.end_call(call, arguments if isinstance(arguments, str) else None)
                return [] if record is None else [record]
        elif item.get("type") == "message":
            self._message(output, item, fill_only=False)
        return []

    def _message(self, output: int, item: dict[str, Any], *, fill_only: bool) -> None:
        """Takes the text parts of a whole message item (``fill_only``: where none streamed)."""
        content = item.get("content")
        if not isinstance(content, list):
            return
        for sub, part in enumerate(content):
            if isinstance(part, dict) and part.get("type") == "output_text":
                text = part.get("text")
                if isinstance(text, str) and not (fill_only and self.has_text(output, sub)):
                    self.final_text(text, output, sub)

    def _part_added(self, output: int, content: int) -> None:
        if output not in self._outputs:
            self.anomaly("index", f"content part {output}/{content} of an item never added")
        if (output, content) in self._added_parts:
            self.anomaly("index", f"content part {output}/{content} added twice")
        self._added_parts.add((output, content))

    def _check_part(self, output: int, content: int, kind: str) -> None:
        if output not in self._outputs:
            self.anomaly("index", f"{kind} for output item {output}, never added")

    def _find_call(self, item_id: object, output: int) -> Any:
        call = self.call(item_id) if isinstance(item_id, str) else None
        return call if call is not None else self.call(output)

    def _arguments(self, body: dict[str, Any], output: int) -> list[Delta]:
        call = self._find_call(body.get("item_id"), output)
        if call is None:
            self.anomaly("index", f"arguments for output item {output}, never added as a call")
            call = self.new_call(output, None, None)
        delta = body.get("delta")
        return [self.call_delta(call, delta)] if isinstance(delta, str) else []

    def _arguments_done(self, body: dict[str, Any], output: int) -> list[Delta]:
        call = self._find_call(body.get("item_id"), output)
        if call is None:
            self.anomaly("index", f"arguments done for output item {output}, never added")
            return []
        name = body.get("name")
        if isinstance(name, str) and call.name is None:
            call.name = name
        arguments = body.get("arguments", body.get("input"))
        record = self.end_call(call, arguments if isinstance(arguments, str) else None)
        return [] if record is None else [record]

    # -- the response object and the end ----------------------------------------

    def _response(self, response: dict[str, Any]) -> None:
        if isinstance(response.get("id"), str):
            self.response_id = response["id"]
        if isinstance(response.get("model"), str):
            self.model = response["model"]
        if isinstance(response.get("usage"), dict):
            self.usage = response["usage"]

    def _terminal(self, kind: str, response: dict[str, Any]) -> list[Delta]:
        self.terminal = True
        status = _STATUSES.get(str(response.get("status")), _TERMINAL[kind])
        if status is not _TERMINAL[kind]:
            self.anomaly("data", f"{kind} carries a response with status {status.value!r}")
        self.terminal_status = status
        details = response.get("incomplete_details")
        if isinstance(details, dict) and isinstance(details.get("reason"), str):
            self.finish_reason = details["reason"]
        if status is Status.FAILED:
            self.error_from(response.get("error") or {"message": "the response failed"})
        deltas: list[Delta] = []
        items = response.get("output")
        for output, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            if item.get("type") == "message":
                self._message(output, item, fill_only=True)
            elif item.get("type") in _TOOL_ITEMS and status is Status.COMPLETED:
                deltas += self._item_done(output, item) if output in self._outputs else []
        if status is Status.COMPLETED:
            deltas += self.end_calls()
        return deltas
