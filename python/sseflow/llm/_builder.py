"""The state every format's reader keeps, and how it becomes a :class:`Completion`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sseflow.llm._completion import (
    Anomaly,
    Completion,
    Delta,
    Format,
    ReasoningDelta,
    Status,
    TextDelta,
    ToolCall,
    ToolCallDelta,
)
from sseflow.llm._errors import ProviderError, provider_error
from sseflow.llm._partial_json import PartialJSON

__all__ = ["Builder"]


@dataclass
class _Part:
    """One piece of output text, assembled from its deltas in order."""

    pieces: list[tuple[int, int, str]] = field(default_factory=list)
    """``(order, arrival, text)``: joined sorted, so an ordering key can repair arrival order."""
    final: str | None = None
    """The text a ``done`` event gave for the whole part, if one did."""

    def text(self) -> str:
        if self.final is not None:
            return self.final
        return "".join(piece for _, _, piece in sorted(self.pieces))


@dataclass
class _Call:
    index: int
    id: str | None
    name: str | None
    pieces: list[str] = field(default_factory=list)
    record: ToolCall | None = None
    parser: PartialJSON | None = None
    """The arguments read so far, with ``partial_json=True``."""

    @property
    def arguments(self) -> str:
        return "".join(self.pieces)


class Builder:
    """Reads the events of one format; subclasses implement :meth:`_handle`."""

    format: ClassVar[Format]
    provider: ClassVar[str]
    has_terminal_event: ClassVar[bool] = True
    """Whether the format ends with a terminal event (Gemini's does not: its last event
    decides, and an end inside an event leaves it cut)."""

    def __init__(self, partial: Callable[[], PartialJSON] | None = None) -> None:
        self._partial = partial
        self._parts: dict[tuple[int, int], _Part] = {}
        self._arrivals = 0
        self._reasoning: list[str] = []
        self._refusal: list[str] = []
        self._calls: dict[object, _Call] = {}
        self.anomalies: list[Anomaly] = []
        self.usage: dict[str, Any] | None = None
        self.model: str | None = None
        self.response_id: str | None = None
        self.finish_reason: str | None = None
        self.stop_sequence: str | None = None
        self.error: ProviderError | None = None
        self._error_pending = False
        self.terminal = False
        """Whether the format's terminal event arrived."""
        self.terminal_status: Status = Status.COMPLETED
        """The status the terminal event gave (used only if ``terminal``)."""
        self.events = 0

    # -- what the readers call ------------------------------------------------

    def handle(self, event: str, data: str) -> list[Delta]:
        """Reads one event; returns the deltas it carried."""
        self.events += 1
        if self.terminal:
            # Not part of the answer: listed, never read into the record.
            self.anomaly(
                "order",
                f"event {event!r} after the terminal event, left out "
                f"({len(data)} characters of data)",
            )
            return []
        return self._handle(event, data)

    def take_error(self) -> ProviderError | None:
        """The error of the last event, once (``None`` if it carried none)."""
        if not self._error_pending:
            return None
        self._error_pending = False
        return self.error

    def fail(self, error: ProviderError) -> None:
        """Records an error; only the first one is kept."""
        if self.error is None:
            self.error = error
            self._error_pending = True

    def completion(
        self,
        *,
        truncated: bool,
        cancelled: bool,
        request_id: str | None,
        anomalies: Sequence[Anomaly] = (),
    ) -> Completion:
        """The record, for a stream whose bytes ended (``truncated``: inside an event)
        or that the reader closed early (``cancelled``); ``anomalies`` go last."""
        found = list(self.anomalies)
        ended = self.terminal and (self.has_terminal_event or not truncated)
        if self.error is not None:
            status = Status.FAILED
        elif ended:
            status = self.terminal_status
        elif cancelled:
            status = Status.CANCELLED
        else:
            status = Status.TRUNCATED
        if truncated:
            where = " after the terminal event" if ended else ""
            found.append(Anomaly("cut", f"the stream ended inside an event{where}"))
        elif status is Status.TRUNCATED:
            found.append(Anomaly("cut", "the stream ended without its terminal event"))
        for call in self._ordered_calls():
            if call.record is None and self.terminal:
                found.append(Anomaly("index", f"tool call {call.index} never ended"))
        error = self.error
        if error is not None and error.request_id is None:
            error.request_id = request_id
        return Completion(
            format=self.format,
            status=status,
            finish_reason=self.finish_reason,
            text="".join(part.text() for _, part in sorted(self._parts.items())),
            tool_calls=tuple(self._record(call) for call in self._ordered_calls()),
            reasoning="".join(self._reasoning),
            refusal="".join(self._refusal),
            usage=self.usage,
            model=self.model,
            response_id=self.response_id,
            request_id=request_id,
            error=error,
            anomalies=(*found, *anomalies),
            stop_sequence=self.stop_sequence,
            events=self.events,
        )

    # -- helpers for the formats ----------------------------------------------

    def _handle(self, event: str, data: str) -> list[Delta]:
        raise NotImplementedError

    def anomaly(self, kind: str, message: str) -> None:
        self.anomalies.append(Anomaly(kind, message))

    def load(self, event: str, data: str) -> dict[str, Any] | None:
        """The event's data as a JSON object, or ``None`` with an anomaly."""
        try:
            value = json.loads(data)
        except ValueError:
            self.anomaly("data", f"event {event!r}: data is not JSON: {data[:80]!r}")
            return None
        if not isinstance(value, dict):
            self.anomaly("data", f"event {event!r}: data is not a JSON object: {data[:80]!r}")
            return None
        return value

    def error_from(self, body: object, *, status: int | None = None) -> None:
        self.fail(provider_error(self.provider, body, status=status))

    def text(self, piece: str, index: int, sub: int = 0, order: int | None = None) -> TextDelta:
        """Adds a piece of text to part ``(index, sub)``; ``order`` sorts it (default: arrival)."""
        self._arrivals += 1
        part = self._parts.setdefault((index, sub), _Part())
        key = self._arrivals if order is None else order
        part.pieces.append((key, self._arrivals, piece))
        return TextDelta(piece, index)

    def final_text(self, text: str, index: int, sub: int = 0) -> None:
        """Sets the whole text of a part from a ``done`` event, reporting a mismatch."""
        part = self._parts.setdefault((index, sub), _Part())
        streamed = part.text()
        if part.pieces and streamed != text:
            self.anomaly(
                "mismatch",
                f"output {index}/{sub}: the final text differs from the deltas "
                f"({len(text)} characters, deltas {len(streamed)})",
            )
        part.final = text

    def has_text(self, index: int, sub: int = 0) -> bool:
        """Whether part ``(index, sub)`` has any text yet."""
        part = self._parts.get((index, sub))
        return part is not None and (bool(part.pieces) or part.final is not None)

    def reasoning(self, piece: str, index: int) -> ReasoningDelta:
        self._reasoning.append(piece)
        return ReasoningDelta(piece, index)

    def refusal(self, piece: str) -> None:
        self._refusal.append(piece)

    def call(self, key: object) -> _Call | None:
        return self._calls.get(key)

    def new_call(self, key: object, id: str | None, name: str | None) -> _Call:
        call = _Call(len(self._ordered_calls()), id, name)
        self._calls[key] = call
        return call

    def call_delta(self, call: _Call, piece: str) -> ToolCallDelta:
        if call.record is not None:
            self.anomaly("order", f"tool call {call.index}: arguments after it ended")
        call.pieces.append(piece)
        if self._partial is None:
            return ToolCallDelta(call.index, call.id, call.name, piece)
        if call.parser is None:
            call.parser = self._partial()
        call.parser.feed(piece)
        return ToolCallDelta(call.index, call.id, call.name, piece, call.parser.snapshot())

    def end_call(self, call: _Call, arguments: str | None = None) -> ToolCall | None:
        """Marks a call complete and parses its arguments; ``None`` if it already was."""
        if call.record is not None:
            return None
        if arguments is not None and arguments != call.arguments:
            if call.pieces:
                self.anomaly(
                    "mismatch",
                    f"tool call {call.index}: the final arguments differ from the deltas",
                )
            call.pieces = [arguments]
        text = call.arguments
        parsed: Any = None
        try:
            parsed = json.loads(text)
        except ValueError:
            self.anomaly(
                "data", f"tool call {call.index}: the arguments are not JSON: {text[:80]!r}"
            )
        call.record = ToolCall(call.index, call.id, call.name, text, True, parsed)
        return call.record

    def end_calls(self) -> list[Delta]:
        """Ends every open call (a finish reason ends them all)."""
        ended: list[Delta] = []
        for call in self._ordered_calls():
            record = self.end_call(call)
            if record is not None:
                ended.append(record)
        return ended

    def _ordered_calls(self) -> list[_Call]:
        unique = {id(call): call for call in self._calls.values()}
        return sorted(unique.values(), key=lambda call: call.index)

    @staticmethod
    def _record(call: _Call) -> ToolCall:
        if call.record is not None:
            return call.record
        return ToolCall(call.index, call.id, call.name, call.arguments, False, None)
