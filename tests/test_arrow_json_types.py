"""JSON decoding into the field types arrow-json alone reads, against ``json.loads``.

As in ``test_arrow_json.py``, the oracle is ``json.loads`` of each event's data
converted to the schema by pyarrow; here the schema holds float32, binary,
map and temporal fields, which arrow-json 60 read otherwise before 2026-12-03
(a float32 rounded once, binary as hexadecimal, a map's key given twice kept
twice, temporal numbers past int64 clamped into it). The values drawn stay
inside what pyarrow's conversion takes as ``json.loads`` gives it: integers in
float fields that the float holds exactly, no strings in numeric fields (see
the README's list of differences).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import sseflow
from sseflow.arrow import iter_batches

TEMPORAL = [
    ("ts", pa.timestamp("ms")),
    ("tz", pa.timestamp("s", tz="+01:00")),
    ("utc", pa.timestamp("us", tz="UTC")),
    ("ny", pa.timestamp("ns", tz="America/New_York")),
    ("d64", pa.date64()),
    ("dur", pa.duration("us")),
    ("t64", pa.time64("ns")),
    ("d32", pa.date32()),
    ("t32", pa.time32("s")),
]
FIELDS = [
    ("f16", pa.float16()),
    ("f32", pa.float32()),
    ("f64", pa.float64()),
    ("bin", pa.binary()),
    ("lbin", pa.large_binary()),
    ("vbin", pa.binary_view()),
    ("fbin", pa.binary(2)),
    ("m", pa.map_(pa.utf8(), pa.int64())),
    ("mm", pa.list_(pa.map_(pa.utf8(), pa.map_(pa.utf8(), pa.float32())))),
    *TEMPORAL,
]
TYPE = pa.struct(FIELDS)
SCHEMA = pa.schema(FIELDS)


def plain(kind: pa.DataType) -> pa.DataType:
    """``kind`` with its temporal types as the integers they store, which
    compare without a conversion to ``datetime`` (that refuses most of int64)."""
    if pa.types.is_temporal(kind):
        return pa.int32() if kind.bit_width == 32 else pa.int64()
    if pa.types.is_struct(kind):
        return pa.struct([pa.field(f.name, plain(f.type)) for f in kind])
    if pa.types.is_map(kind):
        return pa.map_(kind.key_type, plain(kind.item_type))
    if pa.types.is_list(kind):
        return pa.list_(plain(kind.value_type))
    return kind


def text(value: Any) -> str:
    return json.dumps(value)


def obj(pairs: list[tuple[str, str]]) -> str:
    """An object of JSON texts, keys given twice kept as written."""
    return "{" + ", ".join(f"{json.dumps(key)}: {value}" for key, value in pairs) + "}"


KEYS = st.sampled_from(["a", "b", "\u00e9", "a\\u0062"]).map(lambda k: k.replace("\\u0062", "b"))
FLOAT = st.floats(allow_nan=False, allow_infinity=False)
FLOAT_TEXT = st.one_of(
    FLOAT.map(text),
    st.integers(-(2**11), 2**11).map(text),  # float16 holds these exactly
    st.sampled_from(["-0", "0", "-0.0", "-0e0", "3.4028235677973366e38", "1e-46", "1e400"]),
    # Halfway cases of float32 that round differently from float64 than at once.
    st.sampled_from(["1.00000005960464477539062501", "0.100000001490116119384765625"]),
    st.sampled_from(["1.0004882814", "65520", "6e-8", "2.98023223876953125e-8"]),  # float16's
)
BYTES_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=4).map(text)
MAP = st.lists(st.tuples(KEYS, st.integers(-(2**63), 2**63 - 1).map(text)), max_size=4).map(obj)
INNER_MAP = st.lists(st.tuples(KEYS, FLOAT_TEXT), max_size=3).map(obj)
OUTER_MAP = st.lists(st.tuples(KEYS, INNER_MAP | st.just("null")), max_size=3).map(obj)
TEMPORAL_TEXT = st.one_of(
    st.integers(-(2**31), 2**31 - 1).map(text),
    st.integers(-(2**63), 2**63 - 1).map(text),
    st.sampled_from(
        [
            *["9223372036854775808", "-9223372036854775809", "18446744073709551616", "1e30"],
            *["-1e30", "1e19", "9.3e18", "1.5", "-1.5", "2147483648", "-2147483649", "1e3"],
        ]
    ),
)
VALUE = {
    "f16": FLOAT_TEXT,
    "f32": FLOAT_TEXT,
    "f64": FLOAT_TEXT,
    "bin": BYTES_TEXT,
    "lbin": BYTES_TEXT,
    "vbin": BYTES_TEXT,
    "fbin": BYTES_TEXT,
    "m": MAP,
    "mm": st.lists(OUTER_MAP, max_size=2).map(lambda maps: "[" + ", ".join(maps) + "]"),
    **{name: TEMPORAL_TEXT for name, _ in TEMPORAL},
}
FIELD = st.sampled_from(sorted(VALUE)).flatmap(
    lambda name: st.tuples(st.just(name), VALUE[name] | st.just("null"))
)
DATA = st.lists(FIELD, max_size=5).map(obj) | st.sampled_from(
    [
        *['{"bin": 1}', '{"fbin": [1, 2]}', '{"m": [1]}', '{"m": {"a": "x"}}', '{"ts": "x"}'],
        # A value a key given again replaces is not decoded, as in a struct field.
        *['{"m": {"a": "x", "a": 1}}', '{"mm": [{"a": {"b": "x"}, "b": null, "a": null}]}'],
        *['{"m": {"a": 1e30, "b": 2, "a": 1}}', '{"m": {"a": 1, "a": "x"}}'],
        # Lone surrogate escapes: refused in a string or binary field or a key.
        *['{"bin": "\\ud800"}', '{"m": {"\\udc00": 1}}', '{"zz": "\\ud800", "m": {}}'],
        '{"mm": [{"\\ud800": {"a": 1}}]}',
    ]
)


def _refuse(literal: str) -> Any:
    raise ValueError(f"{literal} is not JSON")


def oracle(data: str) -> tuple[Any, bool]:
    """``(value, bad)``: json.loads, then pyarrow's conversion to the type."""
    try:
        value = json.loads(data, parse_constant=_refuse)
        array = pa.array([value], type=TYPE)
    except (ValueError, TypeError, OverflowError, pa.ArrowException):
        return None, True
    return array.cast(plain(TYPE)).to_pylist()[0], False


def decoded(datas: list[str], **options: Any) -> list[tuple[Any, str | None]]:
    """Each row's ``json`` value (its temporal fields as integers) and error."""
    stream = b"".join(sseflow.encode(data) for data in datas)
    table = pa.table(iter_batches([stream], json_schema=SCHEMA, **options))
    values = table.column("json").cast(plain(TYPE)).to_pylist()
    return list(zip(values, table.column("json_error").to_pylist(), strict=True))


def same(got: Any, want: Any) -> bool:
    """Equality that tells -0.0 from 0.0 and keeps a map's entries in order."""
    if isinstance(want, float) and isinstance(got, float):
        return math.copysign(1, got) == math.copysign(1, want) and got == want
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    if isinstance(want, list | tuple) and isinstance(got, list | tuple):
        return len(got) == len(want) and all(map(same, got, want))
    return type(got) is type(want) and got == want


@pytest.mark.parametrize("decode_threads", [0, 1])
@given(st.lists(DATA, min_size=1, max_size=8), st.integers(1, 4))
@example(['{"f32": 1.00000005960464477539062501, "f64": -0}'], 1)
@example(['{"m": {"a": 1, "b": 2, "a": 3}}', '{"bin": "cafe", "fbin": "abc"}'], 4)
@example(['{"ts": -9223372036854775809}', '{"dur": 1e30}', '{"d32": 2147483648}'], 4)
def test_json_column_agrees_with_json_loads(
    decode_threads: int, datas: list[str], batch_rows: int
) -> None:
    got = decoded(datas, batch_rows=batch_rows, decode_threads=decode_threads)
    for data, (value, error) in zip(datas, got, strict=True):
        want, bad = oracle(data)
        assert (error is not None) == bad, (data, value, error)
        assert same(value, want), (data, value, want)


def test_what_arrow_json_60_read_otherwise() -> None:
    """Each correction, by name, with what arrow-json alone gave."""
    got = decoded(
        [
            # arrow-json: the float32 nearest the text, 1.0000001.
            '{"f32": 1.00000005960464477539062501}',
            '{"f32": -0, "f64": -0}',  # arrow-json: -0.0 (json.loads: the integer 0)
            '{"bin": "cafe", "lbin": "é", "fbin": "ab"}',  # arrow-json: hexadecimal
            '{"bin": "abc"}',  # arrow-json: b"\\xab\\x0c", with no error
            '{"m": {"a": 1, "b": 2, "a": 3}}',  # arrow-json: the three entries
            '{"ts": -9223372036854775809}',  # arrow-json: clamped to int64's least
            '{"dur": 1e30}',  # arrow-json: clamped to int64's greatest
            '{"fbin": "abc"}',
        ]
    )
    values = [value for value, _ in got]
    assert values[0]["f32"] == 1.0
    assert math.copysign(1, values[1]["f32"]) == math.copysign(1, values[1]["f64"]) == 1
    assert values[2] is not None
    assert (values[2]["bin"], values[2]["lbin"]) == (b"cafe", "é".encode())
    assert values[2]["fbin"] == b"ab"
    assert values[3]["bin"] == b"abc"
    assert values[4]["m"] == [("a", 3), ("b", 2)]
    errors = [error or "" for _, error in got]
    assert errors[:5] == [""] * 5
    assert "-9223372036854775809 is out of the range" in errors[5]
    assert "1e30 is out of the range" in errors[6]
    assert "3 bytes in UTF-8 does not fit FixedSizeBinary(2)" in errors[7]


def test_a_timestamp_field_takes_a_named_time_zone() -> None:
    """A zone's name (``tz="UTC"``) was refused when the parser was made, before
    2026-12-03 (the Arrow crates had no time zone database). A string without an
    offset, which arrow-json reads, is a time in the field's zone."""
    schema = pa.schema(
        [("u", pa.timestamp("ms", tz="UTC")), ("ny", pa.timestamp("s", tz="America/New_York"))]
    )
    datas = [
        '{"u": 1000, "ny": "2020-01-01T00:00:00"}',
        '{"ny": "2020-07-01T00:00:00Z"}',
        '{"ny": "2020-07-01T00:00:00"}',
    ]
    table = pa.table(iter_batches([sseflow.encode(d) for d in datas], json_schema=schema))
    assert table.schema.field("json").type == pa.struct(list(schema))
    json_column = table.column("json").combine_chunks()
    assert json_column.field("u").cast(pa.int64()).to_pylist() == [1000, None, None]
    # Midnight in New York is 05:00 UTC in winter and 04:00 in summer.
    assert json_column.field("ny").cast(pa.int64()).to_pylist() == [
        1577854800,
        1593561600,
        1593576000,
    ]
    with pytest.raises(ValueError, match="Invalid timezone"):
        iter_batches([b""], json_schema=pa.schema([("t", pa.timestamp("s", tz="Mars/Base"))]))


DECIMALS = [
    pa.decimal32(7, 2),
    pa.decimal64(12, 0),
    pa.decimal128(10, 3),
    pa.decimal128(5, -2),
    pa.decimal256(40, 12),
]
DIGITS = st.text("0123456789", min_size=1, max_size=14)
NUMBER_TEXT = st.builds(
    lambda sign, whole, fraction, exponent: f"{sign}{int(whole)}{fraction}{exponent}",
    st.sampled_from(["", "-"]),
    DIGITS,
    st.one_of(st.just(""), DIGITS.map(lambda d: "." + d)),
    st.one_of(st.just(""), st.integers(-20, 20).map(lambda e: f"e{e}")),
)


@given(kind=st.sampled_from(DECIMALS), numbers=st.lists(NUMBER_TEXT, min_size=1, max_size=6))
@example(kind=pa.decimal128(5, -2), numbers=["1", "1200", "999"])
@example(kind=pa.decimal128(10, 3), numbers=["1.2345", "0.001", "-0e5"])
def test_decimals_as_json_loads_and_pyarrow_take_them(
    kind: pa.DataType, numbers: list[str]
) -> None:
    """A number a decimal field would round is refused, as pyarrow refuses its exact
    value (``json.loads`` with ``parse_float=Decimal``); one it holds is that value."""
    from decimal import Context, Decimal

    field = pa.struct([("d", kind)])
    events = [sseflow.encode(f'{{"d": {number}}}') for number in numbers]
    table = pa.table(iter_batches(events, json_schema=pa.schema(list(field))))
    values, errors = table.column("json").to_pylist(), table.column("json_error").to_pylist()
    got = list(zip(values, errors, strict=True))
    for number, (value, error) in zip(numbers, got, strict=True):
        exact = json.loads(number, parse_float=Decimal)
        if isinstance(exact, Decimal):
            # Written in its fewest digits: pyarrow checks a Decimal's written digits
            # against the precision (it refuses 0e6 in decimal32(7, 2)), not its value.
            exact = exact.normalize(Context(prec=100))
        try:
            want = pa.array([{"d": exact}], type=field).to_pylist()[0]
            # pyarrow itself loses some: 1e-12 in decimal32(7, 2) is 0.00 there.
            lost = want["d"] != exact
        except (pa.ArrowInvalid, OverflowError):
            lost = True
        if lost:
            assert value is None, (number, value)
            assert error is not None
            assert f"{number} does not fit" in error
        else:
            assert error is None, (number, error)
            assert value == want, number
