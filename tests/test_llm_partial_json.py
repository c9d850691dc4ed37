"""Partial JSON: the incremental parse gives what re-reading the whole text with jiter gave
(the implementation before it, kept as ``reparse``), on every prefix, reading each character
once."""

from __future__ import annotations

import json
import os
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sseflow import llm
from sseflow.llm._partial_json import MAX_DEPTH, PartialJSON, Snapshot, reparse
from sseflow.llm._samples import anthropic_events, chat_events

EXAMPLES = int(os.environ.get("SSEFLOW_HYPOTHESIS_EXAMPLES", "300"))

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
_spaces = st.sampled_from(["", " ", "\n", "\t", "\r\n  "])


@st.composite
def json_texts(draw: st.DrawFn) -> str:
    """A JSON text with the whitespace and escaping of any writer."""
    value = draw(_values)
    item, key = draw(_spaces), draw(_spaces)
    text = json.dumps(
        value,
        ensure_ascii=draw(st.booleans()),
        separators=(item + "," + draw(_spaces), key + ":" + draw(_spaces)),
    )
    return draw(_spaces) + text + draw(_spaces)


@st.composite
def broken_texts(draw: st.DrawFn) -> str:
    """A JSON text with characters put in, taken out or changed: mostly not JSON."""
    text = list(draw(json_texts()))
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(list('{}[]",: x1-.eE\\u\x01\ud800tfnNI0')))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or not text:
            text.insert(position, char)
        elif position < len(text):
            if action == "delete":
                del text[position]
            else:
                text[position] = char
    return "".join(text)


def same(left: Any, right: Any) -> bool:
    """Equal values of equal types (NaN equal to itself, -0.0 not equal to 0)."""
    return repr(left) == repr(right)


def check_every_prefix(text: str, cuts: list[int]) -> None:
    parser = PartialJSON()
    start = 0
    for end in [*sorted(cuts), len(text)]:
        parser.feed(text[start:end])
        start = end
        expected = reparse(text[:end])
        assert same(parser.value(), expected), (text[:end], parser.value(), expected)


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(json_texts())
def test_every_prefix_of_json_one_character_at_a_time(text: str) -> None:
    check_every_prefix(text, list(range(1, len(text))))


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(json_texts(), broken_texts()), st.randoms(use_true_random=False))
def test_every_prefix_in_random_pieces_broken_texts_included(text: str, rng: random.Random) -> None:
    cuts = [rng.randrange(len(text) + 1) for _ in range(rng.randrange(8))]
    check_every_prefix(text, cuts)
    check_every_prefix(text, list(range(1, len(text))))


@pytest.mark.parametrize(
    "text",
    ['{"a": "\\ud83d\\ude00 ok"}', '["\\ud83d"]', '["\\udc00"]', '["\\ud83d\\u0041"]',
     '[1 2]', '{"a": 1} x', '[truex]', '[-Infinity, NaN, Infinity]', '[-NaN]', '[+1]',
     '{"a": 1, "a": {"b": 2}, "a": "x"}', '[1e400, -0, -0.0, 123456789012345678901234567890]',
     '["\x01"]', '"\ud800"', "[" * (MAX_DEPTH + 5), "[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH,
     "  ", '{"a":1,}', "[1,]", '{"a" 1}', '["\\x"]', "[01]", "[1.e5]", "\ufeff[1]"],
)  # fmt: skip
def test_corners(text: str) -> None:
    check_every_prefix(text, list(range(1, len(text))))


# -- the work ---------------------------------------------------------------------------


def _big_argument(size: int) -> str:
    """A tool call's arguments of about ``size`` characters: a file to write, with escapes."""
    line = 'def f(x):\n    return "tab\\there" + x  # é ☃\n'
    content = line * (size // len(line))
    return json.dumps({"path": "big.py", "content": content, "lines": list(range(200))})


@pytest.mark.parametrize("size", [100_000, 400_000])
def test_each_character_is_read_once(size: int) -> None:
    text = _big_argument(size)
    parser = PartialJSON()
    for start in range(0, len(text), 10):
        parser.feed(text[start : start + 10])
    assert parser.scanned == len(text)
    assert parser.reparsed == 0
    assert parser.value() == json.loads(text)


def test_a_broken_text_falls_back_to_reparsing() -> None:
    parser = PartialJSON()
    parser.feed('{"a": [1 2')
    assert parser.value() == reparse('{"a": [1 2') == {"a": [1]}
    assert parser.reparsed == len('{"a": [1 2')


def test_a_snapshot_taken_earlier_is_the_parse_of_its_prefix() -> None:
    parser = PartialJSON()
    parser.feed('{"a": "x')
    early = parser.snapshot()
    parser.feed('yz", "b": [1')
    late = parser.snapshot()
    assert late() == {"a": "xyz", "b": [1]}
    assert early() == {"a": "x"}
    assert early() is early()


@pytest.mark.parametrize("format", ["openai-chat", "anthropic"])
def test_a_reader_reads_a_big_argument_in_linear_work(format: str) -> None:
    text = _big_argument(200_000)
    pieces = [text[start : start + 10] for start in range(0, len(text), 10)]
    tool = ("call_1", "write_file", pieces)
    if format == "openai-chat":
        events = chat_events(tool_calls=[tool], finish_reason="tool_calls")
    else:
        events = anthropic_events(tool_calls=[tool], stop_reason="tool_use")
    reader = llm.stream(b"".join(events), partial_json=True)
    deltas = [d for d in reader if isinstance(d, llm.ToolCallDelta)]
    assert len(deltas) == len(pieces)
    assert deltas[-1].partial == json.loads(text) == reader.completion.tool_calls[0].input
    assert deltas[len(deltas) // 2].partial == reparse("".join(pieces[: len(pieces) // 2 + 1]))
    snapshot = deltas[-1].parse
    assert isinstance(snapshot, Snapshot)
    parser = snapshot.parser
    assert (parser.scanned, parser.reparsed) == (len(text), 0)
