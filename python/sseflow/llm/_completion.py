"""What a reader of an LLM stream yields while it streams, and the record it ends with."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias

if TYPE_CHECKING:
    from sseflow.llm._errors import ProviderError

__all__ = [
    "Anomaly",
    "Completion",
    "Delta",
    "Format",
    "ReasoningDelta",
    "Status",
    "TextDelta",
    "ToolCall",
    "ToolCallDelta",
]

Format: TypeAlias = Literal["openai-chat", "openai-responses", "anthropic", "gemini"]
"""The stream formats: OpenAI Chat Completions, OpenAI Responses, Anthropic Messages,
Google Gemini (``streamGenerateContent?alt=sse``)."""


class Status(enum.StrEnum):
    """How a stream ended. A ``str``: ``Status.COMPLETED == "completed"``."""

    COMPLETED = "completed"
    """The terminal event arrived, with a reason saying the answer is whole, or with
    no reason at all (then an anomaly of kind ``"reason"`` says so)."""
    INCOMPLETE = "incomplete"
    """The terminal event arrived, but the answer was cut short: a token or length
    limit, a content filter or refusal (the reason says which)."""
    FAILED = "failed"
    """An error event (or a failed terminal event, or an HTTP error answer) arrived."""
    TRUNCATED = "truncated"
    """The stream ended without its terminal event, or inside an event."""
    CANCELLED = "cancelled"
    """The reader was closed before the end, or the provider reported a cancelled response."""

    def __repr__(self) -> str:
        return repr(self.value)


class Anomaly(NamedTuple):
    """Something in the stream that breaks the format's rules, reported rather than ignored.

    ``kind`` is one of: ``"sequence"`` (a ``sequence_number`` missing, repeated,
    skipped or out of order), ``"index"`` (a content block, output or tool call
    index skipped, repeated, out of order, unknown or left open), ``"order"``
    (an event where the format does not allow it, e.g. after the terminal
    event), ``"data"`` (an event whose data is not the JSON expected),
    ``"mismatch"`` (a final value that differs from its deltas), ``"cut"``
    (the bytes ended inside an event or without the terminal event, or reading
    them failed), ``"reason"`` (a terminal event with no finish or stop reason).
    What came after the terminal event is listed here and nowhere else: it is
    not part of the answer.
    """

    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the answer's text."""

    text: str
    index: int = 0
    """The output it belongs to: the content block (Anthropic), the output item
    (Responses) or the choice (Chat)."""


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """A piece of reasoning text (Anthropic thinking, a Responses reasoning summary,
    ``reasoning_content`` in Chat streams of compatible servers)."""

    text: str
    index: int = 0


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a tool call's arguments (a JSON text that is incomplete until the call ends)."""

    index: int
    """The tool call's position among the tool calls of the answer (0, 1, ...)."""
    id: str | None
    name: str | None
    arguments: str
    """The new piece of the arguments' JSON text."""
    parse: Callable[[], Any] | None = field(default=None, repr=False, compare=False)
    """With ``partial_json=True``: gives the best parse of the arguments up to this
    delta (what :attr:`partial` is); else ``None``."""

    @property
    def partial(self) -> Any:
        """With ``partial_json=True``: the best parse of the arguments so far (a string
        cut short included); else ``None``. Made when first asked for, then kept:
        reading deltas without it costs nothing, and complete members are shared
        between the parses of successive deltas (treat them as read-only)."""
        return None if self.parse is None else self.parse()


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call of the answer. Also yielded while streaming, once it is complete."""

    index: int
    id: str | None
    name: str | None
    arguments: str
    """The arguments' JSON text, as received."""
    complete: bool
    """Whether the stream said the call ended (its block or item was closed, or a
    finish reason came). An incomplete call's arguments are never parsed."""
    input: Any = None
    """The arguments parsed as JSON: set only when the call is complete and its
    arguments are valid JSON (else ``None``, with an anomaly for invalid JSON)."""

    def to_dict(self) -> dict[str, Any]:
        """The call as a JSON-ready dict."""
        return {
            "index": self.index,
            "id": self.id,
            "name": self.name,
            "arguments": self.arguments,
            "complete": self.complete,
            "input": self.input,
        }


Delta: TypeAlias = TextDelta | ReasoningDelta | ToolCallDelta | ToolCall
"""What a stream yields while it is read."""


@dataclass(frozen=True, slots=True)
class Completion:
    """The final state of one LLM stream.

    Only ``status == "completed"`` (:attr:`ok`) says that the answer is whole;
    also look at :attr:`anomalies`, which lists what broke the format's rules.
    """

    format: Format | None
    """The stream's format (``None``: no event told it)."""
    status: Status
    finish_reason: str | None
    """The provider's own reason, as given: Chat's ``finish_reason``, Anthropic's
    ``stop_reason``, the Responses ``incomplete_details.reason`` (``None`` for a
    completed Responses stream, which has no reason)."""
    text: str
    """The answer's text (Chat: of choice 0)."""
    tool_calls: tuple[ToolCall, ...] = ()
    reasoning: str = ""
    refusal: str = ""
    """A refusal's text (OpenAI streams send it apart from the text)."""
    usage: dict[str, Any] | None = None
    """The provider's usage object, as given (Anthropic: ``message_start``'s,
    updated by ``message_delta``'s)."""
    model: str | None = None
    response_id: str | None = None
    request_id: str | None = None
    """The ``x-request-id`` / ``request-id`` header of the HTTP response, when the
    reader saw it (or was given it)."""
    error: ProviderError | None = None
    anomalies: tuple[Anomaly, ...] = ()
    stop_sequence: str | None = None
    """Anthropic: the stop sequence that ended the answer, if one did."""
    events: int = 0
    """How many events were read."""

    @property
    def ok(self) -> bool:
        """Whether the status is ``completed``."""
        return self.status is Status.COMPLETED

    @property
    def input_tokens(self) -> int | None:
        """Input tokens from the usage (Chat: ``prompt_tokens``, Gemini:
        ``promptTokenCount``), if given."""
        return self._tokens("input_tokens", "prompt_tokens", "promptTokenCount")

    @property
    def output_tokens(self) -> int | None:
        """Output tokens from the usage (Chat: ``completion_tokens``, Gemini:
        ``candidatesTokenCount`` plus ``thoughtsTokenCount``, reasoning being counted
        as output by the others too), if given."""
        tokens = self._tokens("output_tokens", "completion_tokens", "candidatesTokenCount")
        thoughts = self._tokens("thoughtsTokenCount")
        if tokens is not None and thoughts is not None and self.format == "gemini":
            return tokens + thoughts
        return tokens

    def _tokens(self, *names: str) -> int | None:
        if not self.usage:
            return None
        for name in names:
            value = self.usage.get(name)
            if isinstance(value, int):
                return value
        return None

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict."""
        return {
            "format": self.format,
            "status": str(self.status),
            "finish_reason": self.finish_reason,
            "stop_sequence": self.stop_sequence,
            "text": self.text,
            "reasoning": self.reasoning,
            "refusal": self.refusal,
            "tool_calls": [call.to_dict() for call in self.tool_calls],
            "usage": self.usage,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "model": self.model,
            "response_id": self.response_id,
            "request_id": self.request_id,
            "error": None if self.error is None else self.error.to_dict(),
            "anomalies": [{"kind": a.kind, "message": a.message} for a in self.anomalies],
            "events": self.events,
        }
