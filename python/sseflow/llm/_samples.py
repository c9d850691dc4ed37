"""Generated LLM streams in each format and end state, for the command line, the README and tests.

The shapes follow each provider's documented streaming format; IDs and numbers are made up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Final

from sseflow.wire import encode

__all__ = [
    "ANSWER",
    "END_STATES",
    "SAMPLES",
    "TOOL_ARGUMENTS",
    "anthropic_events",
    "chat_events",
    "end_state",
    "gemini_events",
    "responses_events",
    "sample",
]

ANSWER: Final = "Hello! How can I help you today?"
TOOL_ARGUMENTS: Final = '{"location": "Paris, France", "unit": "celsius"}'
TOOL_NAME: Final = "get_weather"

END_STATES: Final[dict[str, str]] = {
    "completed": "a whole answer",
    "length": "cut short by the token limit",
    "error": "an error event mid-stream",
    "cut-inside": "the bytes end inside an event",
    "cut-between": "the bytes end between events, mid-answer",
    "no-terminal": "every event but the terminal one",
    "tool-calls": "a tool call whose arguments come in many deltas",
    "out-of-order": "out-of-order sequence numbers (Responses) or block/tool indices",
}


def words(text: str) -> list[str]:
    """``text`` in word-sized pieces (a space starts each piece but the first)."""
    parts = text.split(" ")
    return [part if i == 0 else " " + part for i, part in enumerate(parts)]


def pieces(text: str, size: int = 4) -> list[str]:
    """``text`` in pieces of ``size`` characters."""
    return [text[i : i + size] for i in range(0, len(text), size)]


def _event(body: dict[str, Any], name: str | None = None) -> bytes:
    return encode(json.dumps(body, separators=(",", ":")), event=name)


# -- OpenAI Chat Completions --------------------------------------------------


def chat_events(
    text: Sequence[str] = (),
    *,
    tool_calls: Sequence[tuple[str, str, Sequence[str]]] = (),
    finish_reason: str | None = "stop",
    usage: bool = True,
    done: bool = True,
    error: dict[str, Any] | None = None,
    tool_indices: Sequence[int] | None = None,
) -> list[bytes]:
    """A Chat Completions stream, one item per event.

    Args:
        text: the content pieces.
        tool_calls: ``(call id, name, argument pieces)`` for each call.
        finish_reason: the last choice chunk's reason (``None``: no such chunk).
        usage: add the usage chunk (``stream_options.include_usage``).
        done: end with ``data: [DONE]``.
        error: end with this error object (after the text) instead.
        tool_indices: the ``index`` of each tool call (default 0, 1, ...).
    """
    base = {
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "object": "chat.completion.chunk",
        "created": 1741570283,
        "model": "gpt-4o-2024-08-06",
        "service_tier": "default",
        "system_fingerprint": "fp_eb9dce56a8",
    }

    def chunk(delta: dict[str, Any], reason: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": reason}
        return _event({**base, "choices": [choice], "usage": None})

    events = [
        chunk({"role": "assistant", "content": "" if not tool_calls else None, "refusal": None})
    ]
    events += [chunk({"content": piece}) for piece in text]
    indices = list(tool_indices) if tool_indices is not None else list(range(len(tool_calls)))
    for index, (call_id, name, arguments) in zip(indices, tool_calls, strict=True):
        start = {
            "index": index,
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        events.append(chunk({"tool_calls": [start]}))
        for piece in arguments:
            events.append(
                chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
            )
    if error is not None:
        return [*events, _event({"error": error})]
    if finish_reason is not None:
        events.append(chunk({}, finish_reason))
    if usage:
        completion_tokens = len(text) + sum(len(args) for _, _, args in tool_calls) + 1
        totals = {
            "prompt_tokens": 19,
            "completion_tokens": completion_tokens,
            "total_tokens": 19 + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        }
        events.append(_event({**base, "choices": [], "usage": totals}))
    if done:
        events.append(encode("[DONE]"))
    return events


# -- OpenAI Responses ---------------------------------------------------------


class _Sequenced:
    """Numbers the events of a Responses stream."""

    def __init__(self) -> None:
        self.events: list[bytes] = []

    def add(self, kind: str, **fields: Any) -> None:
        body = {"type": kind, "sequence_number": len(self.events), **fields}
        self.events.append(_event(body, kind))


def responses_events(
    text: Sequence[str] = (),
    *,
    tool_calls: Sequence[tuple[str, str, Sequence[str]]] = (),
    end: str = "completed",
    error: dict[str, Any] | None = None,
) -> list[bytes]:
    """A Responses stream, one item per event.

    Args:
        text: the ``output_text`` deltas of one message item (none: no message item).
        tool_calls: ``(call id, name, argument pieces)``: one ``function_call`` item each.
        end: ``"completed"``, ``"incomplete"`` (``max_output_tokens``) or ``"failed"``.
        error: end with an ``error`` event with these fields (after the deltas) instead.
    """
    resp_id = "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b"
    response: dict[str, Any] = {
        "id": resp_id,
        "object": "response",
        "created_at": 1741476542,
        "status": "in_progress",
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "model": "gpt-4.1-2025-04-14",
        "output": [],
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "usage": None,
    }
    stream = _Sequenced()
    stream.add("response.created", response=response)
    stream.add("response.in_progress", response=response)
    item_status = "incomplete" if end == "incomplete" else "completed"
    outputs: list[dict[str, Any]] = []
    if text:
        msg_id = "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b"
        message = {"id": msg_id, "type": "message", "status": "in_progress", "role": "assistant"}
        stream.add("response.output_item.added", output_index=0, item={**message, "content": []})
        where = {"item_id": msg_id, "output_index": 0, "content_index": 0}
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        stream.add("response.content_part.added", **where, part=part)
        for piece in text:
            stream.add("response.output_text.delta", **where, delta=piece, logprobs=[])
        if error is not None:
            stream.add("error", **error)
            return stream.events
        whole = "".join(text)
        stream.add("response.output_text.done", **where, text=whole, logprobs=[])
        stream.add("response.content_part.done", **where, part={**part, "text": whole})
        done = {**message, "status": item_status, "content": [{**part, "text": whole}]}
        stream.add("response.output_item.done", output_index=0, item=done)
        outputs.append(done)
    for call_id, name, arguments in tool_calls:
        output = len(outputs)
        item_id = f"fc_67ccd2c0a8e48190{output:04d}"
        item = {
            "id": item_id,
            "type": "function_call",
            "status": "in_progress",
            "arguments": "",
            "call_id": call_id,
            "name": name,
        }
        stream.add("response.output_item.added", output_index=output, item=item)
        for piece in arguments:
            stream.add(
                "response.function_call_arguments.delta",
                item_id=item_id,
                output_index=output,
                delta=piece,
            )
        whole = "".join(arguments)
        stream.add(
            "response.function_call_arguments.done",
            item_id=item_id,
            output_index=output,
            name=name,
            arguments=whole,
        )
        done = {**item, "status": "completed", "arguments": whole}
        stream.add("response.output_item.done", output_index=output, item=done)
        outputs.append(done)
    if error is not None:
        stream.add("error", **error)
        return stream.events
    output_tokens = len(text) + sum(len(args) for _, _, args in tool_calls)
    usage = {
        "input_tokens": 36,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 36 + output_tokens,
    }
    final = {**response, "status": end, "output": outputs, "usage": usage}
    if end == "incomplete":
        final["incomplete_details"] = {"reason": "max_output_tokens"}
    if end == "failed":
        final["error"] = {"code": "server_error", "message": "The model failed to respond."}
    stream.add(f"response.{end}", response=final)
    return stream.events


# -- Anthropic Messages -------------------------------------------------------


def anthropic_events(
    text: Sequence[str] = (),
    *,
    tool_calls: Sequence[tuple[str, str, Sequence[str]]] = (),
    stop_reason: str | None = "end_turn",
    error: dict[str, Any] | None = None,
    stop: bool = True,
    block_indices: Sequence[int] | None = None,
) -> list[bytes]:
    """An Anthropic Messages stream, one item per event.

    Args:
        text: the text deltas of a text block (none: no text block).
        tool_calls: ``(tool use id, name, partial_json pieces)``: one ``tool_use`` block each.
        stop_reason: ``message_delta``'s reason (``None``: no ``message_delta``).
        error: end with an ``error`` event with this ``error`` object (after the deltas).
        stop: end with ``message_stop``.
        block_indices: the index of each block (default 0, 1, ...).
    """
    message: dict[str, Any] = {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 472,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": 2,
        },
    }
    events = [_event({"type": "message_start", "message": message}, "message_start")]
    count = (1 if text else 0) + len(tool_calls)
    indices = list(block_indices) if block_indices is not None else list(range(count))
    position = 0

    def block(start: dict[str, Any], deltas: list[dict[str, Any]]) -> None:
        nonlocal position
        index = indices[position]
        position += 1
        events.append(
            _event(
                {"type": "content_block_start", "index": index, "content_block": start},
                "content_block_start",
            )
        )
        if position == 1:
            events.append(_event({"type": "ping"}, "ping"))
        for delta in deltas:
            body = {"type": "content_block_delta", "index": index, "delta": delta}
            events.append(_event(body, "content_block_delta"))
        if error is None:
            body = {"type": "content_block_stop", "index": index}
            events.append(_event(body, "content_block_stop"))

    if text:
        block(
            {"type": "text", "text": ""},
            [{"type": "text_delta", "text": piece} for piece in text],
        )
    for tool_id, name, arguments in tool_calls:
        block(
            {"type": "tool_use", "id": tool_id, "name": name, "input": {}},
            [{"type": "input_json_delta", "partial_json": piece} for piece in arguments],
        )
    if error is not None:
        body = {"type": "error", "error": error, "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"}
        return [*events, _event(body, "error")]
    if stop_reason is not None:
        output_tokens = len(text) + sum(len(args) for _, _, args in tool_calls) + 1
        delta = {"stop_reason": stop_reason, "stop_sequence": None}
        body = {"type": "message_delta", "delta": delta, "usage": {"output_tokens": output_tokens}}
        events.append(_event(body, "message_delta"))
    if stop:
        events.append(_event({"type": "message_stop"}, "message_stop"))
    return events


# -- Google Gemini -----------------------------------------------------------


def gemini_events(
    text: Sequence[str] = (),
    *,
    tool_calls: Sequence[tuple[str, dict[str, Any]]] = (),
    finish_reason: str | None = "STOP",
    error: dict[str, Any] | None = None,
    other_candidate: bool = False,
) -> list[bytes]:
    """A Gemini ``streamGenerateContent?alt=sse`` stream, one item per event.

    Args:
        text: the text of each event (one part each).
        tool_calls: ``(name, args)`` of each function call, one event each.
        finish_reason: the last event's ``finishReason`` (``None``: no last event).
        error: end with this error object (after the text) instead.
        other_candidate: add an event for candidate 1 after the text.
    """
    base = {"modelVersion": "gemini-2.5-flash", "responseId": "9wMtacnGHL7Ez7IP5c6V2Q4"}
    prompt = {"promptTokenCount": 9, "totalTokenCount": 9, "promptTokensDetails": []}

    def event(parts: list[dict[str, Any]], index: int = 0, **more: Any) -> bytes:
        candidate = {"content": {"parts": parts, "role": "model"}, "index": index, **more}
        return _event({"candidates": [candidate], "usageMetadata": prompt, **base})

    events = [event([{"text": piece}]) for piece in text]
    if other_candidate:
        events.append(event([{"text": "another answer"}], index=1))
    events += [event([{"functionCall": {"name": name, "args": args}}]) for name, args in tool_calls]
    if error is not None:
        return [*events, _event({"error": error})]
    if finish_reason is not None:
        output = len(text) + 5 * len(tool_calls)
        usage = {
            "promptTokenCount": 9,
            "candidatesTokenCount": output,
            "totalTokenCount": 9 + output,
        }
        last = {
            "content": {"parts": [{"text": ""}], "role": "model"},
            "finishReason": finish_reason,
        }
        events.append(
            _event({"candidates": [{**last, "index": 0}], "usageMetadata": usage, **base})
        )
    return events


# -- end states ---------------------------------------------------------------

_TOOL = (("call_DdmO9pD3xa9XTPNJ32zg2hcA", TOOL_NAME, pieces(TOOL_ARGUMENTS, 3)),)
_TOOL_USE = (("toolu_01T1x1fJ34qAmk2tNTrN7Up6", TOOL_NAME, pieces(TOOL_ARGUMENTS, 3)),)
_TWO_TOOLS = (
    ("call_DdmO9pD3xa9XTPNJ32zg2hcA", TOOL_NAME, pieces(TOOL_ARGUMENTS, 5)),
    ("call_Q3mUbD4nLJ5aDjFkNYcdxGB2", "get_time", pieces('{"timezone": "Europe/Paris"}', 5)),
)
_TEXT = words(ANSWER)
_CUT_TEXT = _TEXT[:4]
_SERVER_ERROR = {
    "message": "The server had an error while processing your request. Sorry about that!",
    "type": "server_error",
    "param": None,
    "code": None,
}


def _cut_inside(events: list[bytes], keep: int) -> list[bytes]:
    """The first ``keep`` events, then half of the next one."""
    following = events[keep]
    return [*events[:keep], following[: len(following) // 2]]


def _swap(events: list[bytes], first: int) -> list[bytes]:
    swapped = list(events)
    swapped[first], swapped[first + 1] = swapped[first + 1], swapped[first]
    return swapped


def _chat(state: str) -> list[bytes]:
    if state == "completed":
        return chat_events(_TEXT)
    if state == "length":
        return chat_events(_CUT_TEXT, finish_reason="length")
    if state == "error":
        return chat_events(_CUT_TEXT, error=_SERVER_ERROR)
    if state == "tool-calls":
        return chat_events(tool_calls=_TOOL, finish_reason="tool_calls")
    return chat_events(tool_calls=_TWO_TOOLS, finish_reason="tool_calls", tool_indices=(0, 2))


def _responses(state: str) -> list[bytes]:
    whole = responses_events(_TEXT)
    if state == "completed":
        return whole
    if state == "length":
        return responses_events(_CUT_TEXT, end="incomplete")
    if state == "error":
        error = {
            "code": "server_error",
            "message": "An error occurred while processing your request.",
            "param": None,
        }
        return responses_events(_CUT_TEXT, error=error)
    if state == "tool-calls":
        return responses_events(tool_calls=_TOOL)
    return _swap(whole, 5)  # the second and third text deltas trade places


def _anthropic(state: str) -> list[bytes]:
    if state == "completed":
        return anthropic_events(_TEXT)
    if state == "length":
        return anthropic_events(_CUT_TEXT, stop_reason="max_tokens")
    if state == "error":
        return anthropic_events(
            _CUT_TEXT, error={"type": "overloaded_error", "message": "Overloaded"}
        )
    text = words("Let me check the weather.")
    if state == "tool-calls":
        return anthropic_events(text, tool_calls=_TOOL_USE, stop_reason="tool_use")
    return anthropic_events(
        text, tool_calls=_TOOL_USE, stop_reason="tool_use", block_indices=(0, 2)
    )


def _gemini(state: str) -> list[bytes]:
    if state == "completed":
        return gemini_events(_TEXT)
    if state == "length":
        return gemini_events(_CUT_TEXT, finish_reason="MAX_TOKENS")
    if state == "error":
        overloaded = {
            "code": 503,
            "message": "The model is overloaded. Please try again later.",
            "status": "UNAVAILABLE",
        }
        return gemini_events(_CUT_TEXT, error=overloaded)
    if state == "tool-calls":
        return gemini_events(tool_calls=[(TOOL_NAME, json.loads(TOOL_ARGUMENTS))])
    return gemini_events(_TEXT, other_candidate=True)


# The end states made by cutting the completed stream, alike in every format.
_CUTS: Final[dict[str, Callable[[list[bytes], int], list[bytes]]]] = {
    "cut-inside": _cut_inside,
    "cut-between": lambda whole, kept: whole[:kept],
    "no-terminal": lambda whole, _kept: whole[:-1],
}

# How many whole events a cut stream keeps: the opening events and four text deltas.
_KEPT: Final = {
    "openai-chat": 1 + len(_CUT_TEXT),  # the role chunk and four content chunks
    "openai-responses": 4 + len(_CUT_TEXT),  # created, in_progress, item and part added
    "anthropic": 3 + len(_CUT_TEXT),  # message_start, block start, ping
    "gemini": len(_CUT_TEXT),  # one event per piece of text
}

_BUILDERS: Final[dict[str, Callable[[str], list[bytes]]]] = {
    "openai-chat": _chat,
    "openai-responses": _responses,
    "anthropic": _anthropic,
    "gemini": _gemini,
}


def end_state(format: str, state: str) -> list[bytes]:
    """The sample stream of ``format`` in end state ``state`` (see :data:`END_STATES`),
    one item per event (the last may be a piece of one)."""
    if state not in END_STATES:
        raise KeyError(f"unknown end state {state!r}; known: {', '.join(END_STATES)}")
    if state in _CUTS:
        return _CUTS[state](_BUILDERS[format]("completed"), _KEPT[format])
    return _BUILDERS[format](state)


_OUT_OF_ORDER: Final = {
    "openai-chat": "tool call indices 0 then 2 (1 missing)",
    "openai-responses": "two text deltas swapped: sequence numbers out of order",
    "anthropic": "content block indices 0 then 2 (1 missing)",
    "gemini": "an event for candidate 1, of which only candidate 0 is read",
}


def _about(format: str, state: str) -> str:
    return _OUT_OF_ORDER[format] if state == "out-of-order" else END_STATES[state]


SAMPLES: Final[dict[str, tuple[str, bytes]]] = {
    f"{format}-{state}": (_about(format, state), b"".join(end_state(format, state)))
    for format in _BUILDERS
    for state in END_STATES
}
"""Every sample: ``name -> (description, bytes)``; names are ``FORMAT-STATE``."""


def sample(name: str) -> bytes:
    """The bytes of the sample stream ``name`` (e.g. ``"anthropic-completed"``).

    Raises:
        KeyError: no such sample (the message lists them).
    """
    try:
        return SAMPLES[name][1]
    except KeyError:
        raise KeyError(f"no sample {name!r}; samples: {', '.join(SAMPLES)}") from None
