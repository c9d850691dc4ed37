"""JSON decoding in the same pass: the ``json`` column against ``json.loads``.

The oracle decodes each event's data with ``json.loads`` (refusing the NaN and
Infinity literals, which are not JSON) and converts the value to the schema with
pyarrow; a value either refuses is a null row with a reason in ``json_error``.
The corpus is drawn by Hypothesis: nested lists and structs, nulls, missing and
unknown keys, unicode (escaped or not), integers at the edges of int64, any
finite float, and malformed data.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from arrow_rows import feed_all, rows
from hypothesis import given
from hypothesis import strategies as st

import sseflow
from sseflow.arrow import BatchParser, JSONDataError, iter_batches

INNER = pa.struct([("x", pa.float64()), ("t", pa.list_(pa.utf8()))])
SCHEMA = pa.schema(
    [
        ("i", pa.int64()),
        ("f", pa.float64()),
        ("s", pa.utf8()),
        ("b", pa.bool_()),
        ("l", pa.list_(pa.int64())),
        ("o", INNER),
        ("lo", pa.list_(pa.struct([("k", pa.utf8()), ("v", pa.int64())]))),
    ]
)
TYPE = pa.struct(list(SCHEMA))

INT64 = st.integers(-(2**63), 2**63 - 1)
FLOAT = st.floats(allow_nan=False, allow_infinity=False)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)


def nullable(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def record(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with any subset of the fields, and now and then an unknown key."""
    return st.fixed_dictionaries({}, optional={**fields, "zz_unknown": st.integers() | TEXT})


VALUES = record(
    {
        "i": nullable(INT64),
        "f": nullable(FLOAT | st.integers(-(2**53), 2**53)),
        "s": nullable(TEXT),
        "b": nullable(st.booleans()),
        "l": nullable(st.lists(nullable(INT64), max_size=4)),
        "o": nullable(record({"x": nullable(FLOAT), "t": nullable(st.lists(TEXT, max_size=3))})),
        "lo": nullable(
            st.lists(nullable(record({"k": nullable(TEXT), "v": nullable(INT64)})), max_size=3)
        ),
    }
)

MALFORMED = st.sampled_from(
    [
        "",
        "[DONE]",
        '{"i": 1',
        '{"i": 1}}',
        '{"i":1}{"i":2}',
        "1 2",
        "tru",
        '{"i": NaN}',
        '{"f": Infinity}',
        '{"s": "\\q"}',
        '{"s": "\\ud800"}',
        "{'i': 1}",
        '{"i": 9223372036854775808}',
        '{"i": -9223372036854775809}',
        '{"s": 5}',
        '{"b": "true"}',
        '{"l": 5}',
        '{"o": [1]}',
        "[1]",
        "5",
        '"text"',
        "null",
        # What arrow-json's decoder takes but JSON is not (refused since 2026-12-03).
        '{"i": 1,}',
        '{"l": [1,]}',
        '{,"i": 1}',
        '{"i": 1 "s": "x"}',
        '{"l": [1 2]}',
        '{"i": 01}',
        '{"i": -01}',
        '{"f": 1.}',
        '{"f": .5}',
        '{"f": 1e}',
        '{"f": +1}',
        '{"f": -}',
        '{"s": "a\tb"}',  # a raw tab in a string
        '{"s": "a\nb"}',  # two data lines, joined by a raw LF inside the string
        '{"o": {"t": ["\u0001"]}}',
    ]
)


def dumps(value: Any, ascii_only: bool, spaced: bool) -> str:
    separators = (", ", ": ") if spaced else (",", ":")
    return json.dumps(value, ensure_ascii=ascii_only, separators=separators)


# Lone surrogate escapes, which json.loads takes: in a string of the schema pyarrow
# refuses them (no UTF-8 holds them); elsewhere the row is good (a null row before
# 2026-12-03).
LONE = st.sampled_from(
    [
        '{"zz_unknown": "\\ud800", "i": 1}',
        '{"\\udc00": 1, "s": "a"}',
        '{"zz_unknown": ["\\ud83d", {"\\ude00": "\\udbff\\udfff"}], "b": true}',
        '{"s": "\\ud800\\u0041"}',
        '{"s": "\\ud800\\ud800\\udc00"}',
        '{"o": {"t": ["x", "\\udfff"]}}',
        '{"lo": [{"k": "\\ud83d", "v": 1}]}',
        '{"s": "\\ufdd0", "i": 2}',
        '{"s": "\\ud840\\udc00", "zz_unknown": "\\\\ud800"}',
    ]
)

DATA = st.one_of(
    st.builds(dumps, VALUES, st.booleans(), st.booleans()),
    st.builds(lambda v: json.dumps(v, indent=1), VALUES),  # data over several lines
    MALFORMED,
    LONE,
)


def _refuse(literal: str) -> Any:
    raise ValueError(f"{literal} is not JSON")


def oracle(data: str) -> tuple[Any, bool]:
    """``(value, bad)``: json.loads, then pyarrow's conversion to the schema."""
    try:
        value = json.loads(data, parse_constant=_refuse)
    except ValueError:
        return None, True
    try:
        converted = pa.array([value], type=TYPE).to_pylist()[0]
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, UnicodeEncodeError):
        return None, True
    return converted, False


def decode(datas: list[str], **options: Any) -> list[dict[str, Any]]:
    stream = b"".join(sseflow.encode(data) if data else b"data\n\n" for data in datas)
    return rows(iter_batches([stream], json_schema=SCHEMA, **options))


def same(got: Any, want: Any) -> bool:
    """Equality that tells -0.0 from 0.0 (the decoders must agree on the bits)."""
    if isinstance(want, float) and isinstance(got, float):
        return math.copysign(1, got) == math.copysign(1, want) and got == want
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    if isinstance(want, list) and isinstance(got, list):
        return len(got) == len(want) and all(map(same, got, want))
    return type(got) is type(want) and got == want


@pytest.mark.parametrize("decode_threads", [0, 2])
@given(st.lists(DATA, max_size=12), st.integers(1, 5))
def test_json_column_agrees_with_json_loads(
    decode_threads: int, datas: list[str], batch_rows: int
) -> None:
    got = decode(datas, batch_rows=batch_rows, decode_threads=decode_threads)
    assert [row["data"] for row in got] == datas
    for data, row in zip(datas, got, strict=True):
        value, bad = oracle(data)
        assert (row["json_error"] is not None) == bad, (data, row)
        assert same(row["json"], value), (data, row["json"], value)


def test_edges() -> None:
    datas = [
        '{"i": 9223372036854775807, "f": 1.7976931348623157e308}',
        '{"i": -9223372036854775808, "f": 5e-324}',
        '{"f": -0.0, "s": "\\u00e9\\ud83d\\ude00 \\"q\\" \\\\ \\n"}',
        '{"f": 1e400}',  # out of float64's range: inf, as json.loads gives
        '{"o": {"x": null, "t": []}, "lo": [null, {"k": "a"}]}',
        '{"i": 1, "i": 2}',  # the last duplicate wins, as in json.loads
    ]
    got = decode(datas)
    for data, row in zip(datas, got, strict=True):
        value, bad = oracle(data)
        assert not bad
        assert row["json_error"] is None
        assert same(row["json"], value), data


def test_numbers_in_strings_fill_numeric_fields() -> None:
    """arrow-json's one leniency, documented: "5" fills an int64 or float64 field."""
    got = decode(['{"i": "5", "f": "2.5"}', '{"i": "five"}'])
    assert got[0]["json"]["i"] == 5
    assert got[0]["json"]["f"] == 2.5
    assert got[1]["json"] is None
    assert "failed to parse" in got[1]["json_error"]


def test_an_unexpected_character_is_named_as_it_is() -> None:
    """arrow-json shows an unexpected byte as a character: a non-ASCII one's first byte
    would read as another character (``é`` as ``Ã``)."""
    got = decode(["é!", "hello"])
    assert [row["json_error"] for row in got] == [
        "not JSON: Json error: Encountered unexpected byte 0xC3, the start of a non-ASCII "
        "character, whilst parsing value",
        "not JSON: Json error: Encountered unexpected 'h' whilst parsing value",
    ]


def test_only_chosen_event_types_are_decoded() -> None:
    stream = b'event: ping\ndata: ok\n\ndata: {"i": 1}\n\nevent: done\ndata: [DONE]\n\n'
    got = rows(iter_batches([stream], json_schema=SCHEMA, json_events=["message"]))
    assert [(r["event"], r["json"] and r["json"]["i"], r["json_error"]) for r in got] == [
        ("ping", None, None),
        ("message", 1, None),
        ("done", None, None),
    ]


def test_on_error_raise_names_the_event() -> None:
    parser = BatchParser(json_schema=SCHEMA, on_error="raise", batch_rows=2)
    parser.feed(b'data: {"i": 1}\n\ndata: {"i": 2}\n\n')
    assert len(parser.batches()) == 1
    parser.feed(b'id: 7\ndata: {"i": 3}\n\n')
    with pytest.raises(JSONDataError) as raised:
        parser.feed(b"event: tail\ndata: [DONE]\n\n")
    error = raised.value
    assert (error.index, error.event, error.id) == (3, "tail", "7")
    assert isinstance(error, ValueError)
    assert isinstance(error, sseflow.SSEError)
    with pytest.raises(JSONDataError):  # refused from then on, like a limit
        parser.feed(b"data: {}\n\n")
    parser.close()
    assert parser.batches() == []  # the batch holding the bad event is not delivered


def test_schema_inferred_from_the_first_batch() -> None:
    stream = b'data: {"n": 1, "tags": ["a"], "o": {"x": 1.5}}\n\ndata: [DONE]\n\n'
    parser = BatchParser(json_schema="infer", batch_rows=2)
    assert parser.schema is None
    batches = feed_all(parser, [stream, b'data: {"n": "x"}\n\n'])
    schema = pa.schema(parser.schema)
    assert schema.field("json").type == pa.struct(
        [("n", pa.int64()), ("o", pa.struct([("x", pa.float64())])), ("tags", pa.list_(pa.utf8()))]
    )
    got = rows(batches)
    assert got[0]["json"] == {"n": 1, "o": {"x": 1.5}, "tags": ["a"]}
    assert got[1]["json"] is None
    assert got[1]["json_error"] is not None
    assert got[2]["json"] is None
    assert "failed to parse" in got[2]["json_error"]


@pytest.mark.parametrize("threads", [0, 1])
def test_objects_with_no_one_type_refuse_inference_with_a_clear_error(threads: int) -> None:
    stream = b'data: {"lo": [1]}\n\ndata: {"lo": [{}]}\n\n'
    parser = BatchParser(json_schema="infer", decode_threads=threads)
    parser.feed(stream)
    with pytest.raises(ValueError, match=r"cannot infer one JSON type from the first 2 ") as e:
        parser.close()
    assert str(e.value).endswith("give a schema instead")
    assert not isinstance(e.value, JSONDataError)  # no one event is to blame


def test_inferred_schema_of_an_empty_stream() -> None:
    stream = iter_batches([b": nothing\n"], json_schema="infer")
    assert pa.schema(stream.schema).field("json").type == pa.struct([])
    assert list(stream) == []


@pytest.mark.parametrize("threads", [0, 1])
def test_an_inferred_string_field_takes_numbers_and_booleans_as_their_text(threads: int) -> None:
    # arrow-json infers a string for a field that mixes strings with numbers or
    # booleans; the type then holds those objects, and the later ones like them.
    first = b'data: {"v": 1.50}\n\ndata: {"v": "x"}\n\n'
    later = b'data: {"v": 2}\n\ndata: {"v": false}\n\ndata: {"v": [1]}\n\n'
    stream = iter_batches([first, later], json_schema="infer", batch_rows=2, decode_threads=threads)
    got = rows(stream)
    assert pa.schema(stream.schema).field("json").type == pa.struct([("v", pa.utf8())])
    texts = ["1.50", "x", "2", "false"]
    assert [row["json"] for row in got] == [{"v": text} for text in texts] + [None]
    assert [row["json_error"] is None for row in got] == [True] * 4 + [False]


@pytest.mark.parametrize("threads", [0, 1])
def test_json_scalars_to_strings_for_a_given_type(threads: int) -> None:
    schema = pa.schema([("v", pa.utf8()), ("l", pa.list_(pa.utf8()))])
    stream = [b'data: {"v": 1, "l": [true, "a", 2.5]}\n\n']
    [strict] = rows(iter_batches(stream, json_schema=schema, decode_threads=threads))
    assert strict["json"] is None
    assert "expected string got 1" in strict["json_error"]
    options = {"json_schema": schema, "decode_threads": threads, "json_scalars_to_strings": True}
    [lenient] = rows(iter_batches(stream, **options))
    assert lenient["json"] == {"v": "1", "l": ["true", "a", "2.5"]}


def test_json_scalars_to_strings_false_makes_an_inferred_type_strict() -> None:
    stream = b'data: {"v": "x"}\n\ndata: {"v": 1}\n\n'
    parser = BatchParser(json_schema="infer", json_scalars_to_strings=False)
    parser.feed(stream)
    with pytest.raises(ValueError, match=r"event 1's data does not fit .* expected string got 1"):
        parser.close()
    with pytest.raises(TypeError, match="json_scalars_to_strings must be a bool, got str"):
        BatchParser(json_schema="infer", json_scalars_to_strings="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("threads", [0, 1])
def test_a_type_that_does_not_hold_its_objects_refuses_inference_naming_the_event(
    threads: int,
) -> None:
    # arrow-json infers a list of numbers from 1 and [2], which 1 does not fill.
    stream = b'data: [DONE]\n\ndata: {"a": [2]}\n\ndata: {"a": 1}\n\n'
    parser = BatchParser(json_schema="infer", decode_threads=threads)
    parser.feed(stream)
    with pytest.raises(ValueError, match=r"cannot infer one JSON type from the first 2 ") as e:
        parser.close()
    assert "event 2's data does not fit the type inferred from them" in str(e.value)
    assert "expected [ got 1" in str(e.value)
    assert str(e.value).endswith("give a schema instead")


SCALAR = st.none() | st.booleans() | INT64 | FLOAT | TEXT
MIXED = record({"a": SCALAR, "b": SCALAR | st.lists(SCALAR, max_size=3)}) | record(
    {"b": st.lists(SCALAR, max_size=3), "o": record({"x": SCALAR})}
)


def inferred(value: Any, kind: pa.DataType) -> Any:
    """What a JSON value becomes in a field of an inferred type: as json.loads
    converts it, except that a number or boolean fills a string field as its text."""
    if value is None:
        return None
    if pa.types.is_string(kind):
        return value if isinstance(value, str) else json.dumps(value)
    if pa.types.is_list(kind):
        return [inferred(item, kind.value_type) for item in value]
    if pa.types.is_struct(kind):
        return {field.name: inferred(value.get(field.name), field.type) for field in kind}
    if pa.types.is_floating(kind):  # also an integer past int64, which arrow-json infers so
        return float(value)
    return pa.array([value], type=kind).to_pylist()[0]


@given(st.lists(MIXED, min_size=1, max_size=8))
def test_an_inferred_type_holds_every_object_it_was_inferred_from(
    objects: list[dict[str, Any]],
) -> None:
    stream = b"".join(b"data: " + json.dumps(o).encode() + b"\n\n" for o in objects)
    parser = BatchParser(json_schema="infer")
    refused: str | None
    try:
        got = rows(feed_all(parser, [stream]))
    except ValueError as error:
        refused = str(error)
    else:
        refused = None
    if refused is not None:
        assert "cannot infer one JSON type" in refused
        return
    kind = pa.schema(parser.schema).field("json").type
    assert [row["json_error"] for row in got] == [None] * len(objects)
    assert [row["json"] for row in got] == [inferred(o, kind) for o in objects]


STRICT_NULL = pa.field("x", pa.null()).with_nullable(False)


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        (pa.schema([STRICT_NULL]), "x"),
        (pa.schema([("s", pa.struct([STRICT_NULL]))]), "s.x"),
        (pa.schema([("l", pa.list_(STRICT_NULL))]), "l.x"),
    ],
)
def test_a_null_field_that_is_not_nullable_is_refused_naming_it(
    schema: pa.Schema, path: str
) -> None:
    # Every row of a null column is null, so such a field cannot hold a row:
    # refused when the parser is built, not by a panic at the first bad event.
    message = f'JSON schema field "{path}" is of type null but not nullable'
    with pytest.raises(ValueError, match=message):
        BatchParser(json_schema=schema)
    with pytest.raises(ValueError, match=message):
        list(iter_batches([b"data: {}\n\ndata: [DONE]\n\n"], json_schema=schema))


def test_a_run_end_encoded_field_is_refused_naming_its_values_type() -> None:
    schema = pa.schema([("r", pa.run_end_encoded(pa.int32(), pa.utf8()))])
    with pytest.raises(ValueError, match=r'field "r" is run-end encoded, .*, Utf8$'):
        BatchParser(json_schema=schema)


def test_a_fixed_size_binary_field_refuses_a_number_as_binary_does() -> None:
    stream = b'data: {"f": 1}\n\ndata: {"f": "abc"}\n\n'
    got = {
        kind: [
            (r["json"], r["json_error"])
            for r in rows(iter_batches([stream], json_schema=pa.schema([("f", kind)])))
        ]
        for kind in (pa.binary(3), pa.binary())
    }
    assert got[pa.binary(3)] == got[pa.binary()]
    assert got[pa.binary(3)][1] == ({"f": b"abc"}, None)
    assert got[pa.binary(3)][0][1].endswith("expected binary data encoded as string got 1")


DEEP_PROGRAM = """
import json
import sys
import pyarrow as pa
import sseflow
from sseflow.arrow import iter_batches
depth, threads, where = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
nested = "[" * depth + "]" * depth
key = {"field": "n", "unknown": "zz"}.get(where)
data = nested if key is None else '{"' + key + '": ' + nested + "}"
batches = iter_batches(
    [sseflow.encode(data) + sseflow.encode('{"n": 1}')],
    json_schema=pa.schema([("n", pa.int64())]),
    decode_threads=threads,
)
table = pa.table(batches)
print(json.dumps([table.column("json").to_pylist(), table.column("json_error").to_pylist()]))
"""


@pytest.mark.parametrize("where", ["top", "field", "unknown"])
@pytest.mark.parametrize(("depth", "threads"), [(200_000, 0), (50_000, 1), (1_002, 0)])
def test_data_nested_too_deep_is_a_null_row_not_a_crash(
    depth: int, threads: int, where: str
) -> None:
    """arrow-json 60 wrote such a value into its error message recursively, and the stack
    overflowed (before 2026-12-03); ``json.loads`` refuses it too (``RecursionError``).
    In a key outside the schema the direct decoder took it (before 2026-12-03)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", DEEP_PROGRAM, str(depth), str(threads), where],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    reason = "not JSON: arrays and objects nested more than 1000 deep at byte "
    values, errors = json.loads(done.stdout)
    assert values == [None, {"n": 1}]
    assert errors[0].startswith(reason)
    assert errors[1] is None


def test_inference_reads_what_serde_json_refuses_as_json_loads_does() -> None:
    """A number past float64 is part of the inference (before 2026-12-03 its object was
    left out without a word); an object with a lone surrogate escape, which no Arrow
    string holds, is still left out (its row then holds the fields of the type).
    (Nesting past serde_json's 128 levels, also read now, is tested in ``sample.rs``:
    pyarrow imports no type nested that deep.)"""
    datas = ['{"big": 1e400, "n": 1}', '{"lone": "\\ud800", "z": 1}', '{"big": -1.5}']
    stream = b"".join(sseflow.encode(data) for data in datas)
    parser = BatchParser(json_schema="infer")
    got = rows(feed_all(parser, [stream]))
    kind = pa.schema(parser.schema).field("json").type
    assert kind == pa.struct([("big", pa.float64()), ("n", pa.int64())])
    want = [{"big": math.inf, "n": 1}, {"big": None, "n": None}, {"big": -1.5, "n": None}]
    assert [row["json"] for row in got] == want
    assert [row["json_error"] for row in got] == [None] * 3


def test_a_lone_surrogate_spoils_only_a_string_that_holds_it() -> None:
    """Outside the schema's strings a lone surrogate escape leaves the row good; in a
    string it is refused with its reason (before 2026-12-03, both were null rows, as
    "not JSON"). Data that also holds U+FDD0, the character that marks a lone
    surrogate, keeps the old refusal (documented)."""
    got = decode(
        [
            '{"zz": "\\ud800", "i": 1}',
            '{"s": "a\\udc00b"}',
            '{"s": "\\ufdd0", "zz": "\\ud800"}',
            '{"s": "\\ufdd0"}',
        ]
    )
    assert [row["json"] for row in got] == [
        {**dict.fromkeys(TYPE.names), "i": 1},
        None,
        None,
        {**dict.fromkeys(TYPE.names), "s": "\ufdd0"},
    ]
    assert "lone surrogate escape" in got[1]["json_error"]
    assert "lone surrogate escape" not in got[2]["json_error"]
    assert [got[0]["json_error"], got[3]["json_error"]] == [None, None]


@pytest.mark.parametrize("extra", ["", ', "b": 1e400'])
def test_inference_reads_minus_zero_as_the_integer_json_loads_makes(extra: str) -> None:
    """serde_json reads ``-0`` as a float (an int64 field for ``json.loads``); before
    2026-12-03 the type depended on whether serde_json read the object at all."""
    parser = BatchParser(json_schema="infer")
    got = rows(feed_all(parser, [sseflow.encode('{"a": -0' + extra + "}")]))
    assert pa.schema(parser.schema).field("json").type.field("a").type == pa.int64()
    assert got[0]["json"]["a"] == 0


def test_an_inferred_type_deeper_than_pyarrow_imports_is_refused() -> None:
    """pyarrow imports no batch whose ``json`` type nests past 62 levels (and polars
    crashed on one): such a type is refused by name, and one at the limit (a struct
    of 61 lists) reaches pyarrow."""

    def nested(depth: int) -> bytes:
        return sseflow.encode('{"n": ' + "[" * depth + "1" + "]" * depth + "}")

    parser = BatchParser(json_schema="infer")
    batches = feed_all(parser, [nested(61)])
    assert rows(batches)[0]["json"] is not None
    with pytest.raises(ValueError, match="one nests more than 62 levels, deeper than pyarrow"):
        feed_all(BatchParser(json_schema="infer"), [nested(62)])


def test_what_a_lone_surrogate_mark_must_not_change() -> None:
    """The mark of a lone surrogate escape (U+FDD0) is never seen: text that only looks
    like its escape (after an escaped backslash) does not stop the marking, a key holding
    a lone surrogate never fills a field named with U+FDD0 (such a schema turns marking
    off: the row is refused, as before 2026-12-03), and a reason quoting a marked value
    names the lone surrogate (found by a review, 2026-12-03)."""
    got = decode(['{"i": 1, "path": "C:\\\\uFDD0", "zz": "\\ud800"}'])
    assert (got[0]["json"]["i"], got[0]["json_error"]) == (1, None)
    schema = pa.schema([("\ufdd0", pa.int64()), ("k", pa.int64())])
    stream = sseflow.encode('{"\\ud800": 5, "k": 1}')
    named = rows(iter_batches([stream], json_schema=schema))
    assert named[0]["json"] is None
    assert "surrogate" in named[0]["json_error"]
    quoted = decode(['{"i": "1\\udc00"}'])[0]
    assert quoted["json"] is None
    assert 'failed to parse "1<lone surrogate>" as Int64' in quoted["json_error"]


@pytest.mark.parametrize(
    ("kind", "data", "kept"),
    [
        (pa.decimal128(10, 2), "1.23", "1.23"),
        (pa.decimal128(10, 2), "1.2300", "1.23"),
        (pa.decimal128(10, 2), '"4.5"', "4.50"),
        (pa.decimal128(5, -2), "1200", "1.2E+3"),
        (pa.decimal256(40, 5), "-0.0e9", "0E-5"),
        (pa.decimal128(10, 2), "1.235", None),
        (pa.decimal128(10, 1), "2.25", None),
        (pa.decimal128(5, -2), "1", None),
        (pa.decimal128(5, -2), "999", None),
        (pa.decimal256(40, 5), "1e-10", None),
        (pa.decimal128(10, 2), '"1.235"', None),
        (pa.decimal128(7, 2), "100000", None),
    ],
)
def test_a_decimal_field_refuses_what_it_would_round(
    kind: pa.DataType, data: str, kept: str | None
) -> None:
    """arrow-json rounded to the scale without a word (1 into decimal128(5, -2) was 0);
    pyarrow refuses such a value ("would cause data loss"), and so does sseflow."""
    schema = pa.schema([("d", kind)])
    table = pa.table(iter_batches([sseflow.encode(f'{{"d": {data}}}')], json_schema=schema))
    value = table.column("json").to_pylist()[0]
    error = table.column("json_error").to_pylist()[0]
    if kept is None:
        assert value is None
        assert f"does not fit {str(kind).replace('decimal', 'Decimal')}" in error
        assert data.strip('"') in error
    else:
        assert error is None
        assert value == {"d": Decimal(kept)}
