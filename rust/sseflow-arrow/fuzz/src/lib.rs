//! The checks of the fuzz targets. `arrow_batches`: `sseflow-arrow`'s
//! `BatchParser` against the core parser, on inputs laid out as the core's
//! fuzz targets read them (`rust/fuzz/src/plan.rs`); the property itself is in
//! sseflow-arrow's tests (`tests/check`), which its proptest mirror runs on
//! stable. `direct_json`: the direct JSON decoder against arrow-json's path
//! alone, which sseflow-arrow's proptest (`src/direct/tests.rs`) mirrors.

#[path = "../../../fuzz/src/plan.rs"]
pub mod plan;

#[path = "../../tests/check/mod.rs"]
#[allow(dead_code)]
mod property;

use arrow_schema::{DataType, Field, Fields};
use plan::Plan;
use sseflow_arrow::{direct_differs, Setup};

/// Any bytes, limits and chunking, in batches of 1 to 5 rows, with JSON
/// decoding when the plan's first flag bit is set: no panic, and the rows are
/// the core parser's events, with the same error, ID, retry and end report.
pub fn arrow_batches(input: &[u8]) {
    let plan = Plan::decode(input);
    let batch_rows = 1 + plan.chunk_lens.len() % 5;
    let json = plan.comments;
    property::batches_match_events(plan.config(), &plan.chunks(), batch_rows, json);
}

/// A struct type of the benchmarks' shapes, or of every scalar type.
fn schema(pick: u8) -> Fields {
    let field = |name: &str, kind: DataType| Field::new(name, kind, true);
    let list = |kind: DataType| DataType::new_list(kind, true);
    let strct = |fields: Vec<Field>| DataType::Struct(Fields::from(fields));
    let fields = match pick % 4 {
        0 => vec![
            field("id", DataType::Utf8),
            field("created", DataType::Int64),
            field(
                "choices",
                list(strct(vec![
                    field("index", DataType::Int64),
                    field(
                        "delta",
                        strct(vec![
                            field("content", DataType::Utf8),
                            field("refusal", DataType::Null),
                        ]),
                    ),
                    field("finish_reason", DataType::Utf8),
                ])),
            ),
        ],
        1 => vec![
            field("seq", DataType::Int64),
            Field::new("ok", DataType::Boolean, false),
            field("blob", DataType::LargeUtf8),
            field("tags", DataType::new_large_list(list(DataType::Utf8), true)),
        ],
        2 => vec![
            field("i8", DataType::Int8),
            field("i16", DataType::Int16),
            field("i32", DataType::Int32),
            field("i64", DataType::Int64),
            field("u8", DataType::UInt8),
            field("u16", DataType::UInt16),
            field("u32", DataType::UInt32),
            field("u64", DataType::UInt64),
        ],
        _ => vec![
            field("f32", DataType::Float32),
            field("f64", DataType::Float64),
            field("n", list(DataType::Float64)),
            Field::new("s", strct(vec![field("f64", DataType::Float64)]), false),
        ],
    };
    Fields::from(fields)
}

/// A batch of rows (the input after two bytes, split at line feeds, as UTF-8
/// with bad bytes replaced) of the type byte 0 picks, in batches of 1 to 4
/// rows, raising or not, as `large_utf8` or not, numbers and booleans filling
/// string fields or not (byte 1): the direct decoder
/// gives arrow-json's columns, or its error.
pub fn direct_json(input: &[u8]) {
    let [pick, flags, text @ ..] = input else {
        return;
    };
    let text = String::from_utf8_lossy(text);
    let rows: Vec<&str> = text.split('\n').collect();
    let setup = Setup {
        batch_rows: 1 + usize::from(flags % 4),
        raise: flags & 4 != 0,
        large: flags & 8 != 0,
        coerce: flags & 16 != 0,
    };
    let fields = schema(*pick);
    if let Some(difference) = direct_differs(&fields, &rows, setup) {
        panic!("{fields:?}, rows {rows:?}: {difference}");
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The committed seeds, and the core fuzz targets' seeds, pass the check.
    #[test]
    fn seeds_give_the_events_in_batches() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut count = 0;
        for corpus in [root.join("corpus"), root.join("../../fuzz/corpus")] {
            for target in std::fs::read_dir(&corpus).expect("a seed corpus") {
                let seeds = std::fs::read_dir(target.expect("an entry").path()).expect("seeds");
                for seed in seeds {
                    let input = std::fs::read(seed.expect("a seed").path()).expect("readable");
                    super::arrow_batches(&input);
                    count += 1;
                }
            }
        }
        assert!(count > 0);
    }

    /// `direct_json`'s seeds pass its check.
    #[test]
    fn direct_json_seeds_agree() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/direct_json");
        let seeds = std::fs::read_dir(corpus).expect("direct_json's seeds");
        let mut count = 0;
        for seed in seeds {
            let input = std::fs::read(seed.expect("a seed").path()).expect("readable");
            super::direct_json(&input);
            count += 1;
        }
        assert!(count > 0);
    }
}
