"""The format-independent part of a reader: detection, the error policy, the end."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeAlias

from sseflow.llm._anthropic import AnthropicBuilder
from sseflow.llm._builder import Builder
from sseflow.llm._completion import Anomaly, Completion, Delta, Status
from sseflow.llm._detect import FORMATS, detect
from sseflow.llm._errors import ProviderError, provider_error
from sseflow.llm._openai_chat import ChatBuilder
from sseflow.llm._openai_responses import ResponsesBuilder
from sseflow.llm._partial_json import partial_parser

__all__ = ["Core", "FormatChoice", "OnError", "http_error", "request_id_of"]

FormatChoice: TypeAlias = Literal["auto", "openai-chat", "openai-responses", "anthropic"]
OnError: TypeAlias = Literal["raise", "record"]

_BUILDERS: dict[str, type[Builder]] = {
    "openai-chat": ChatBuilder,
    "openai-responses": ResponsesBuilder,
    "anthropic": AnthropicBuilder,
}

REQUEST_ID_HEADERS = ("x-request-id", "request-id")


def request_id_of(headers: Mapping[str, str] | None) -> str | None:
    """The request ID of an HTTP response: its ``x-request-id`` or ``request-id`` header."""
    if headers is None:
        return None
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def http_error(
    status: int, body: bytes, format: FormatChoice, request_id: str | None
) -> ProviderError:
    """The typed error for an HTTP error answer (its JSON body, if it has one)."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        parsed = {"message": body.decode("utf-8", "replace")[:500] or f"HTTP {status}"}
    if format == "anthropic" or (isinstance(parsed, dict) and parsed.get("type") == "error"):
        provider = "anthropic"
    else:
        provider = "openai"
    return provider_error(provider, parsed, status=status, request_id=request_id)


class Core:
    """Turns ``(event, data)`` pairs into deltas and, at the end, a :class:`Completion`."""

    def __init__(
        self,
        format: FormatChoice,
        on_error: OnError,
        partial_json: bool,
        request_id: str | None,
    ) -> None:
        if format != "auto" and format not in FORMATS:
            raise ValueError(
                f"format must be 'auto' or one of {', '.join(FORMATS)}, got {format!r}"
            )
        if on_error not in ("raise", "record"):
            raise ValueError(f"on_error must be 'raise' or 'record', got {on_error!r}")
        self.format = format
        self.on_error = on_error
        self._partial: Callable[[str], Any] | None = partial_parser() if partial_json else None
        self.request_id = request_id
        self.builder: Builder | None = (
            None if format == "auto" else _BUILDERS[format](self._partial)
        )
        self._pending: list[tuple[str, str]] = []
        self._error: ProviderError | None = None
        self._cut: str | None = None
        self.result: Completion | None = None

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
            self._cut = f"reading the stream failed: {type(error).__name__}: {error}"
            self.finish(truncated=True, cancelled=False)
        else:
            self.finish(truncated=False, cancelled=True)

    def finish(self, *, truncated: bool, cancelled: bool) -> Completion:
        """The record (made once)."""
        if self.result is not None:
            return self.result
        if self.builder is None:
            self.result = self._unknown(truncated, cancelled)
        else:
            self.result = self.builder.completion(
                truncated=truncated, cancelled=cancelled, request_id=self.request_id
            )
        if self._cut is not None:
            anomalies = (*self.result.anomalies, Anomaly("cut", self._cut))
            self.result = _replace_anomalies(self.result, anomalies)
        return self.result

    def _unknown(self, truncated: bool, cancelled: bool) -> Completion:
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
        record = Completion(
            format=None if self.format == "auto" else self.format,
            status=status,
            finish_reason=None,
            text="",
            request_id=self.request_id,
            error=error,
            anomalies=tuple(anomalies),
            events=len(self._pending),
        )
        if error is not None and error.completion is None:
            error.completion = record
        return record


def _replace_anomalies(record: Completion, anomalies: tuple[Anomaly, ...]) -> Completion:
    updated = dataclasses.replace(record, anomalies=anomalies)
    if record.error is not None and record.error.completion is record:
        record.error.completion = updated
    return updated
