"""The format-independent part of a reader: detection, the error policy, the end."""

from __future__ import annotations

from collections.abc import Callable

from sseflow.llm._anthropic import AnthropicBuilder
from sseflow.llm._builder import Builder
from sseflow.llm._completion import Anomaly, Completion, Delta, Status
from sseflow.llm._detect import detect
from sseflow.llm._errors import ProviderError
from sseflow.llm._gemini import GeminiBuilder
from sseflow.llm._openai_chat import ChatBuilder
from sseflow.llm._openai_responses import ResponsesBuilder
from sseflow.llm._options import Options
from sseflow.llm._partial_json import PartialJSON, partial_parser

__all__ = ["Core"]

_BUILDERS: dict[str, type[Builder]] = {
    "openai-chat": ChatBuilder,
    "openai-responses": ResponsesBuilder,
    "anthropic": AnthropicBuilder,
    "gemini": GeminiBuilder,
}


class Core:
    """Turns ``(event, data)`` pairs into deltas and, at the end, a :class:`Completion`."""

    def __init__(self, options: Options) -> None:
        self.format = options.format
        self.on_error = options.on_error
        self._partial: Callable[[], PartialJSON] | None = (
            partial_parser() if options.partial_json else None
        )
        self.request_id = options.request_id
        self.builder: Builder | None = (
            None if self.format == "auto" else _BUILDERS[self.format](self._partial)
        )
        self._pending: list[tuple[str, str]] = []
        self._error: ProviderError | None = None
        self._notes: list[Anomaly] = []
        """Anomalies of the reading itself, listed last."""
        self.result: Completion | None = None

    @property
    def ended(self) -> bool:
        """Whether the terminal event came: what follows is not part of the answer."""
        builder = self.builder
        return builder is not None and builder.terminal and builder.has_terminal_event

    def event(self, name: str, data: str) -> list[Delta]:
        """Reads one event.

        Raises:
            ProviderError: the event is an error and ``on_error`` is ``"raise"``
                (the stream is then finished, its record on the error).
        """
        if self.builder is None:
            found = detect(name, data)
            if found is None:
                self._pending.append((name, data))
                return []
            self.builder = _BUILDERS[found](self._partial)
            deltas: list[Delta] = []
            for pending in self._pending:
                deltas += self._feed(*pending)
            self._pending.clear()
            return deltas + self._feed(name, data)
        return self._feed(name, data)

    def _feed(self, name: str, data: str) -> list[Delta]:
        assert self.builder is not None
        deltas = self.builder.handle(name, data)
        error = self.builder.take_error()
        if error is not None and self.on_error == "raise":
            self.finish(truncated=False, cancelled=False)
            raise error
        return deltas

    def fail(self, error: ProviderError) -> None:
        """Records an error that came outside the events (an HTTP error answer); raises it
        if ``on_error`` is ``"raise"``."""
        if self.builder is not None:
            self.builder.fail(error)
            self.builder.take_error()
        else:
            self._error = error
        if self.on_error == "raise":
            self.finish(truncated=False, cancelled=False)
            raise error

    def broke(self, error: BaseException) -> None:
        """Ends the stream after reading failed (or was interrupted) with ``error``."""
        if self.result is not None:
            return
        if isinstance(error, Exception):
            self.note("cut", f"reading the stream failed: {type(error).__name__}: {error}")
            self.finish(truncated=True, cancelled=False)
        else:
            self.finish(truncated=False, cancelled=True)

    def note(self, kind: str, message: str) -> None:
        """Adds an anomaly of the reading itself (not of the events) to the record."""
        self._notes.append(Anomaly(kind, message))

    def finish(self, *, truncated: bool, cancelled: bool) -> Completion:
        """The record, made once; its error (if any) points back to it."""
        if self.result is not None:
            return self.result
        notes = tuple(self._notes)
        if self.builder is None:
            record = self._unknown(truncated, cancelled, notes)
        else:
            record = self.builder.completion(
                truncated=truncated,
                cancelled=cancelled,
                request_id=self.request_id,
                anomalies=notes,
            )
        if record.error is not None and record.error.completion is None:
            record.error.completion = record
        self.result = record
        return record

    def _unknown(self, truncated: bool, cancelled: bool, notes: tuple[Anomaly, ...]) -> Completion:
        anomalies: list[Anomaly] = []
        if self._pending:
            anomalies.append(
                Anomaly("data", f"{len(self._pending)} events, none of a known LLM stream format")
            )
        if truncated:
            anomalies.append(Anomaly("cut", "the stream ended inside an event"))
        error = self._error
        if error is not None:
            status = Status.FAILED
        elif cancelled:
            status = Status.CANCELLED
        else:
            status = Status.TRUNCATED
            anomalies.append(Anomaly("cut", "the stream ended without its terminal event"))
        return Completion(
            format=None if self.format == "auto" else self.format,
            status=status,
            finish_reason=None,
            text="",
            request_id=self.request_id,
            error=error,
            anomalies=(*anomalies, *notes),
            events=len(self._pending),
        )
