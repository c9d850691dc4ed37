"""The final state of LLM streams: a finished answer told from a cut, failed or cut-short one.

>>> from sseflow import llm
>>> completion = llm.read(llm.sample("anthropic-completed"))
>>> completion.status, completion.finish_reason, completion.text
('completed', 'end_turn', 'Hello! How can I help you today?')

Reads OpenAI Chat Completions (and OpenAI-compatible servers), OpenAI Responses,
Anthropic Messages and Google Gemini streams from bytes, byte chunks, files, HTTP
responses (httpx, httpx2, the OpenAI, Anthropic and Groq SDKs' streams) or any
iterable of events, sync (:func:`stream`, :func:`read`) or async (:func:`astream`, :func:`aread`).
While streaming it yields :class:`TextDelta`, :class:`ReasoningDelta`,
:class:`ToolCallDelta` and, once each is complete, :class:`ToolCall`; at the
end it gives one :class:`Completion`: the status (``completed``,
``incomplete``, ``failed``, ``truncated``, ``cancelled``), the finish or stop
reason, usage, model, response and request IDs, the text, the tool calls with
their arguments parsed once complete, and the anomalies seen.
"""

from __future__ import annotations

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
from sseflow.llm._detect import FORMATS, detect
from sseflow.llm._drain import DRAIN_BYTES, DRAIN_SECONDS
from sseflow.llm._errors import (
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
    OverloadedError,
    ProviderError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    provider_error,
)
from sseflow.llm._options import ByteOptions, EventOptions, FormatChoice, OnError
from sseflow.llm._responses import request_id_of
from sseflow.llm._samples import SAMPLES, sample
from sseflow.llm._stream import AsyncLLMStream, LLMStream, aread, astream, read, stream

__all__ = [
    "DRAIN_BYTES",
    "DRAIN_SECONDS",
    "FORMATS",
    "SAMPLES",
    "Anomaly",
    "AsyncLLMStream",
    "AuthenticationError",
    "ByteOptions",
    "Completion",
    "Delta",
    "EventOptions",
    "Format",
    "FormatChoice",
    "InvalidRequestError",
    "LLMStream",
    "NotFoundError",
    "OnError",
    "OverloadedError",
    "ProviderError",
    "QuotaExceededError",
    "RateLimitError",
    "ReasoningDelta",
    "ServerError",
    "Status",
    "TextDelta",
    "ToolCall",
    "ToolCallDelta",
    "aread",
    "astream",
    "detect",
    "provider_error",
    "read",
    "request_id_of",
    "sample",
    "stream",
]
