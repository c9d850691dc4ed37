//! The direct decoder against arrow-json's path alone: on generated types
//! and data, good and bad, [`Json::decode`] gives the same columns (and the
//! same error, when raising) either way.
//!
//! The strategy draws struct types of the types the direct decoder reads
//! (nested structs and lists, nullable or not, repeated names) and a few it
//! does not; data mostly fitting the type, with keys missing, repeated,
//! unknown (holding any JSON, lax or not) or escaped, values of other types,
//! numbers at the edges of each type, strings with every escape (surrogate
//! pairs, lone halves), any whitespace, and random cuts and insertions. It
//! leaves out what the framing gives (the `data` column is built here) and
//! data types outside its list.

use super::compare::{direct_differs, Setup};
use arrow_schema::{DataType, Field, Fields, TimeUnit};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::sync::Arc;

fn leaf() -> impl Strategy<Value = DataType> {
    let read = select(vec![
        DataType::Utf8,
        DataType::LargeUtf8,
        DataType::Boolean,
        DataType::Int8,
        DataType::Int16,
        DataType::Int32,
        DataType::Int64,
        DataType::UInt8,
        DataType::UInt16,
        DataType::UInt32,
        DataType::UInt64,
        DataType::Float32,
        DataType::Float64,
        DataType::Null,
    ]);
    let not_read = select(vec![
        DataType::Date32,
        DataType::Timestamp(TimeUnit::Second, None),
    ]);
    prop_oneof![40 => read, 1 => not_read]
}

fn name() -> impl Strategy<Value = &'static str> {
    select(vec!["a", "b", "c", "seq", "é", "a"])
}

/// A field; those of the null type nullable, as arrow's `concat` (in
/// arrow-json's path, for batches decoded in parts) panics on a non-nullable
/// one, and the direct decoder leaves them to arrow-json.
fn field(kind: impl Strategy<Value = DataType>) -> impl Strategy<Value = Field> {
    (name(), kind, prop::bool::weighted(0.95)).prop_map(|(name, kind, nullable)| {
        let nullable = nullable || kind == DataType::Null;
        Field::new(name, kind, nullable)
    })
}

fn kind() -> impl Strategy<Value = DataType> {
    leaf().prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(field(inner.clone()), 0..4)
                .prop_map(|fields| DataType::Struct(Fields::from(fields))),
            field(inner.clone()).prop_map(|item| DataType::List(Arc::new(item))),
            field(inner).prop_map(|item| DataType::LargeList(Arc::new(item))),
        ]
    })
}

fn top() -> impl Strategy<Value = Fields> {
    prop::collection::vec(field(kind()), 0..5).prop_map(Fields::from)
}

/// Whitespace, and a form feed (ASCII whitespace, not JSON's).
fn space() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        40 => Just(""),
        10 => select(vec![" ", "\n", "\t", "\r\n "]),
        1 => Just("\x0c"),
    ]
}

/// Strings' insides: plain text and every kind of escape, valid or not.
fn string() -> impl Strategy<Value = String> {
    let valid = select(vec![
        "x",
        "hello",
        "é",
        "😀",
        "\u{20000}",
        "\\\"",
        "\\\\",
        "\\/",
        "\\b\\f\\n\\r\\t",
        "\\u00e9",
        "\\u0000",
        "\\uD83D\\uDE00",
        "\\ud840\\udc00",
        "\\uDBFF\\uDFFF",
        "\n",
        "\u{1}",
    ]);
    let invalid = select(vec![
        "\\ud800",
        "\\udc00",
        "\\ud800x",
        "\\ud800\\u0041",
        "\\uZZZZ",
        "\\x",
        "\\",
    ]);
    let piece = prop_oneof![30 => valid, 1 => invalid];
    prop::collection::vec(piece, 0..5).prop_map(|pieces| format!("\"{}\"", pieces.concat()))
}

fn number() -> impl Strategy<Value = String> {
    let written = select(vec![
        "0",
        "-0",
        "1",
        "-1",
        "127",
        "128",
        "-128",
        "-129",
        "255",
        "256",
        "32767",
        "-32769",
        "65535",
        "65536",
        "2147483647",
        "-2147483649",
        "4294967295",
        "4294967296",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "100000000000000000000000000000000000000000",
        "1.0",
        "1.5",
        "-0.0",
        "1e2",
        "1E+2",
        "1e-2",
        "2.5e-3",
        "1e308",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
        "1e309",
        "-1e400",
        "5e-324",
        "2.4703282292062327e-324",
        "1e-400",
        "3.4028235e38",
        "3.4028236e38",
        "1.401298464324817e-45",
        "0.1",
        "0.30000000000000004",
        "9007199254740993",
        "1.00000000000000011102230246251565404236316680908203125",
        "01",
        "1.",
        ".5",
        "+1",
        "-",
        "1e",
        "1-2",
        "0x10",
        "NaN",
        "Infinity",
    ]);
    let drawn = prop_oneof![
        any::<f64>().prop_map(|v| format!("{v:e}")),
        any::<f64>().prop_map(|v| format!("{v}")),
        any::<f32>().prop_map(|v| format!("{v}")),
        any::<i64>().prop_map(|v| v.to_string()),
        (any::<u64>(), 0u32..25, -330i32..310).prop_map(|(m, d, e)| format!("{m}.{d}e{e}")),
    ];
    prop_oneof![1 => written.prop_map(str::to_owned), 2 => drawn]
}

/// A number that fits `kind`, mostly, else any.
fn number_for(kind: &DataType) -> BoxedStrategy<String> {
    let Some((min, max)) = crate::integers::range(kind) else {
        return number().boxed();
    };
    let near = prop_oneof![Just(min), Just(max), -3i128..3];
    prop_oneof![
        4 => (min..=max).prop_map(|n| n.to_string()),
        1 => near.prop_map(|n| n.to_string()),
        1 => number(),
    ]
    .boxed()
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => string(),
        10 => any::<i64>().prop_map(|n| n.to_string()),
        2 => number(),
        10 => select(vec!["true", "false", "null"]).prop_map(str::to_owned),
        1 => select(vec!["nul", "tru", "True"]).prop_map(str::to_owned),
    ]
}

/// Any JSON, and text near it: objects and lists with commas left out or
/// repeated, which arrow-json's tape takes.
fn any_json() -> impl Strategy<Value = String> {
    scalar().prop_recursive(4, 24, 4, |inner| {
        let comma = prop_oneof![20 => Just(","), 1 => Just(""), 1 => Just(",,")];
        prop_oneof![
            (
                prop::collection::vec((string(), space(), inner.clone()), 0..4),
                comma.clone()
            )
                .prop_map(|(members, comma)| {
                    let members: Vec<String> = members
                        .into_iter()
                        .map(|(key, space, value)| format!("{key}{space}:{space}{value}"))
                        .collect();
                    format!("{{{}}}", members.join(comma))
                }),
            (prop::collection::vec(inner, 0..4), comma)
                .prop_map(|(items, comma)| format!("[{}]", items.join(comma))),
        ]
    })
}

/// A value for `kind`: mostly one that fits, else null or anything.
fn value(kind: &DataType) -> BoxedStrategy<String> {
    let fitting: BoxedStrategy<String> = match kind {
        DataType::Utf8 | DataType::LargeUtf8 => string().boxed(),
        DataType::Boolean => select(vec!["true", "false"])
            .prop_map(str::to_owned)
            .boxed(),
        DataType::Struct(fields) => object(fields),
        DataType::List(item) | DataType::LargeList(item) => (
            prop::collection::vec(value(item.data_type()), 0..4),
            space(),
        )
            .prop_map(|(items, space)| format!("[{space}{}]", items.join(",")))
            .boxed(),
        DataType::Null => Just("null".to_owned()).boxed(),
        _ => number_for(kind),
    };
    prop_oneof![
        40 => fitting,
        2 => Just("null".to_owned()),
        1 => any_json(),
    ]
    .boxed()
}

/// An object for `fields`: some of their keys, in any order, some twice or
/// escaped, and unknown keys.
fn object(fields: &Fields) -> BoxedStrategy<String> {
    let member = |name: String, value: BoxedStrategy<String>| {
        (space(), value, prop::bool::weighted(0.01)).prop_map(move |(space, value, escape)| {
            let key = match escape {
                true => format!(
                    "\"\\u{:04x}{}\"",
                    name.chars().next().map_or(0, u32::from),
                    name.get(1..).unwrap_or("")
                ),
                false => format!("\"{name}\""),
            };
            format!("{space}{key}{space}:{space}{value}{space}")
        })
    };
    let mut members: Vec<BoxedStrategy<String>> = fields
        .iter()
        .map(|f| member(f.name().clone(), value(f.data_type())).boxed())
        .collect();
    members.push(member("zz".to_owned(), any_json().boxed()).boxed());
    members.push(member("".to_owned(), any_json().boxed()).boxed());
    let count = members.len();
    (
        members,
        prop::collection::vec(0..count, count / 2..count * 2),
        prop::bool::weighted(0.95),
    )
        .prop_map(move |(members, order, keep)| {
            // Each member once, in a shuffled order, or any members, repeats allowed.
            let picked: Vec<&String> = match keep {
                true => {
                    let mut seen = vec![false; members.len()];
                    order
                        .iter()
                        .filter(|&&i| !std::mem::replace(&mut seen[i], true))
                        .map(|&i| &members[i])
                        .collect()
                }
                false => order.iter().map(|&i| &members[i]).collect(),
            };
            let picked: Vec<&str> = picked.into_iter().map(String::as_str).collect();
            format!("{{{}}}", picked.join(","))
        })
        .boxed()
}

/// An event's data: an object for `fields`, maybe spoiled by a cut or an
/// inserted byte, with whitespace around.
fn data(fields: &Fields) -> impl Strategy<Value = String> {
    let spoil = prop_oneof![
        40 => Just(None),
        1 => (any::<prop::sample::Index>(), Just(None)).prop_map(Some),
        1 => (
            any::<prop::sample::Index>(),
            select(vec![",", "}", "]", ":", "\"", "\\", "x", " ", "{", "[", "1"]).prop_map(Some)
        )
            .prop_map(Some),
    ];
    (space(), object(fields), space(), spoil).prop_map(|(before, text, after, spoil)| {
        let mut text = format!("{before}{text}{after}");
        if let Some((at, insert)) = spoil {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match insert {
                Some(byte) => text.insert_str(at, byte),
                None => text.truncate(at),
            }
        }
        text
    })
}

fn case() -> impl Strategy<Value = (Fields, Vec<String>, usize, bool, bool, bool)> {
    top().prop_flat_map(|fields| {
        let rows = prop::collection::vec(data(&fields), 1..8);
        (
            Just(fields),
            rows,
            1usize..4,
            any::<bool>(),
            prop::bool::weighted(0.2),
            any::<bool>(),
        )
    })
}

/// Runs the comparison on `cases` generated cases; returns how many of their
/// rows the direct decoder reads, each alone.
fn compare(cases: u32) -> usize {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let taken = std::cell::Cell::new(0);
    let outcome = runner.run(
        &case(),
        |(fields, rows, batch_rows, large, raise, coerce)| {
            let kind = DataType::Struct(fields.clone());
            if let Some(mut direct) = super::Direct::new(&kind) {
                let rows = rows.iter().map(String::as_str);
                let read = rows.filter(|&row| direct.decode(std::iter::once(row)).is_some());
                taken.set(taken.get() + read.count());
            }
            let setup = Setup {
                batch_rows,
                raise,
                large,
                coerce,
            };
            let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
            match direct_differs(&fields, &rows, setup) {
                Some(difference) => Err(TestCaseError::fail(format!(
                    "{kind}, rows {rows:?}: {difference}"
                ))),
                None => Ok(()),
            }
        },
    );
    if let Err(error) = outcome {
        panic!("{error}");
    }
    taken.get()
}

/// The direct decoder agrees with arrow-json, and reads a fair share of the
/// rows (it gives up the others, and the batches holding them).
#[test]
fn direct_decoding_is_arrow_jsons() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(2048);
    let taken = compare(cases);
    // Each case has four rows on average; a batch with a raw control character
    // in a string (not JSON) or other data the decoder is not sure of is given up.
    assert!(
        taken >= cases as usize * 3 / 4,
        "{taken} rows read in {cases} cases"
    );
}

fn nullable(name: &str, kind: DataType) -> Field {
    Field::new(name, kind, true)
}

fn object_of(fields: Vec<Field>) -> DataType {
    DataType::Struct(Fields::from(fields))
}

fn list_of(kind: DataType) -> DataType {
    DataType::new_list(kind, true)
}

/// The benchmarks' events (`benches/workloads.py`), with the types pyarrow
/// infers for them: each batch is read by the direct decoder, as arrow-json
/// reads it.
#[test]
fn the_benchmarks_events_are_read_directly() {
    use DataType::{Boolean, Int64, Null, Utf8};
    let chat = vec![
        nullable("id", Utf8),
        nullable("created", Int64),
        nullable(
            "choices",
            list_of(object_of(vec![
                nullable("index", Int64),
                nullable(
                    "delta",
                    object_of(vec![
                        nullable("role", Utf8),
                        nullable("content", Utf8),
                        nullable("refusal", Null),
                    ]),
                ),
                nullable("logprobs", Null),
                nullable("finish_reason", Utf8),
            ])),
        ),
    ];
    let typed = vec![
        nullable("type", Utf8),
        nullable(
            "message",
            object_of(vec![
                nullable("id", Utf8),
                nullable("content", list_of(Null)),
                nullable("stop_reason", Null),
                nullable(
                    "usage",
                    object_of(vec![
                        nullable("input_tokens", Int64),
                        nullable("output_tokens", Int64),
                    ]),
                ),
            ]),
        ),
        nullable("index", Int64),
        nullable(
            "delta",
            object_of(vec![nullable("type", Utf8), nullable("text", Utf8)]),
        ),
    ];
    let feed = vec![
        nullable("seq", Int64),
        nullable("id", Utf8),
        nullable("changes", list_of(object_of(vec![nullable("rev", Utf8)]))),
        nullable("deleted", Boolean),
    ];
    let payload = vec![
        nullable("seq", Int64),
        nullable("ok", Boolean),
        nullable("blob", Utf8),
    ];
    let blob = "QUJD".repeat(16 * 1024);
    let cases: [(Vec<Field>, Vec<String>); 4] = [
        (
            chat,
            vec![
                r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732000000,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}"#.into(),
                r#"{"id":"chatcmpl-1","created":1732000000,"choices":[{"index":0,"delta":{"content":" caf\u00e9 \ud83d\ude00"},"logprobs":null,"finish_reason":null}]}"#.into(),
                r#"{"id":"chatcmpl-1","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}"#.into(),
            ],
        ),
        (
            typed,
            vec![
                r#"{"type":"message_start","message":{"id":"msg_1","type":"message","content":[],"stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}"#.into(),
                r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello\n\"world\""}}"#.into(),
                r#" {"type":"ping"} "#.into(),
            ],
        ),
        (
            feed,
            vec![
                r#"{"seq":1,"id":"doc-249523","changes":[{"rev":"38-216363698b529b4a"}],"deleted":false}"#.into(),
                r#"{"seq":2,"id":"doc-7","changes":[{"rev":"1-a"},{"rev":"2-b"}],"deleted":true}"#.into(),
            ],
        ),
        (
            payload,
            vec![
                format!(r#"{{"seq":0,"ok":true,"blob":"{blob}"}}"#),
                format!(r#"{{"seq":1,"ok":false,"blob":"{blob}\/+"}}"#),
            ],
        ),
    ];
    for (fields, rows) in cases {
        let fields = Fields::from(fields);
        let kind = DataType::Struct(fields.clone());
        let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        let mut direct = super::Direct::new(&kind).expect("a type the direct decoder reads");
        assert!(direct.decode(rows.iter().copied()).is_some(), "{kind}");
        let setup = Setup {
            batch_rows: 64,
            raise: false,
            large: false,
            coerce: false,
        };
        assert_eq!(direct_differs(&fields, &rows, setup), None, "{kind}");
    }
}

/// Decimal numbers of up to 30 digits, from the subnormals of float64 past
/// its largest, in floats of both widths: those the direct decoder reads (not
/// the overflows) come out as arrow-json reads them, rounded the same way.
#[test]
fn numbers_round_as_arrow_json_rounds_them() {
    let fields = Fields::from(vec![
        Field::new("d", DataType::Float64, true),
        Field::new("f", DataType::Float32, true),
    ]);
    // xorshift64: reproducible, and enough for digits.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut draw = move |below: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % below
    };
    let mut direct = super::Direct::new(&DataType::Struct(fields.clone())).expect("read");
    let setup = Setup {
        batch_rows: 1 << 16,
        raise: false,
        large: false,
        coerce: false,
    };
    for round in 0..12 {
        let rows: Vec<String> = (0..20_000)
            .map(|_| {
                let digits: String = (0..1 + draw(29))
                    .map(|_| char::from(b'0' + draw(10) as u8))
                    .collect();
                let digits = digits.trim_start_matches('0');
                let digits = if digits.is_empty() { "0" } else { digits };
                let (int, frac) = digits.split_at(digits.len().min(1 + draw(3) as usize));
                let dot = if frac.is_empty() { "" } else { "." };
                let exponent = match round % 3 {
                    0 => draw(650) as i64 - 340,
                    1 => draw(90) as i64 - 50,
                    _ => draw(60) as i64 - 30,
                };
                let sign = if draw(2) == 0 { "-" } else { "" };
                let number = format!("{sign}{int}{dot}{frac}e{exponent}");
                format!(r#"{{"d":{number},"f":{number}}}"#)
            })
            .collect();
        let read: Vec<&str> = rows
            .iter()
            .map(String::as_str)
            .filter(|&row| direct.decode(std::iter::once(row)).is_some())
            .collect();
        assert!(read.len() * 2 > rows.len(), "round {round}: {}", read.len());
        assert_eq!(direct_differs(&fields, &read, setup), None, "round {round}");
    }
}

/// A stream's first batch, with no batch before it to size its columns from,
/// shares its data bytes out among its string columns: a column holding most
/// of the data neither grows (doubling, and copying itself, a few times over)
/// nor takes much more than the batch's data.
#[test]
fn the_first_batch_shares_its_data_out_among_string_columns() {
    use arrow_array::cast::AsArray;
    use DataType::{Int64, Utf8};
    let fields = Fields::from(vec![nullable("seq", Int64), nullable("blob", Utf8)]);
    let blob = "QUJD".repeat(4096);
    let rows: Vec<String> = (0..10)
        .map(|seq| format!(r#"{{"seq":{seq},"blob":"{blob}"}}"#))
        .collect();
    let total: usize = rows.iter().map(String::len).sum();
    let mut direct = super::Direct::new(&DataType::Struct(fields)).expect("read");
    let array = direct
        .decode(rows.iter().map(String::as_str))
        .expect("read");
    let column = array.as_struct().column(1).to_data();
    let values = &column.buffers()[1];
    assert_eq!(values.len(), 10 * blob.len());
    assert!(
        values.capacity() <= total.next_multiple_of(64),
        "{} bytes for {total} bytes of data",
        values.capacity()
    );
}

/// Strings longer than the pieces the decoder searches at a time
/// (`input::RUN`), with multi-byte characters and escapes at and around the
/// pieces' ends, and unterminated ones: read as arrow-json reads them.
#[test]
fn long_strings_read_in_pieces() {
    use DataType::Utf8;
    let fields = Fields::from(vec![nullable("s", Utf8), nullable("t", Utf8)]);
    let kind = DataType::Struct(fields.clone());
    let setup = Setup {
        batch_rows: 64,
        raise: false,
        large: false,
        coerce: false,
    };
    for piece in [
        "é",
        "😀",
        "\u{20000}",
        "\\\"",
        "\\\\",
        "\\n",
        "\\u00e9",
        "\\uD83D\\uDE00",
    ] {
        let mut rows = Vec::new();
        for at in (4080..4104).chain(8180..8200) {
            let text = format!("{}{piece}{}", "x".repeat(at), "y".repeat(at % 7));
            rows.push(format!(r#"{{"s":"{text}","t":"{piece}{text}"}}"#));
        }
        let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        let mut direct = super::Direct::new(&kind).expect("read");
        assert!(direct.decode(rows.iter().copied()).is_some(), "{piece}");
        assert_eq!(direct_differs(&fields, &rows, setup), None, "{piece}");
        // Cut inside the string, or just before its closing quote.
        let cut: Vec<&str> = rows
            .iter()
            .flat_map(|row| [row.get(..row.len() - 3), row.get(..4096)])
            .flatten()
            .collect();
        assert_eq!(direct_differs(&fields, &cut, setup), None, "{piece} cut");
    }
}
