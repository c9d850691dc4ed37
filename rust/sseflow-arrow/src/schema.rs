//! The JSON schemas refused when a parser is built: those for which arrow-json
//! would build arrays that break Arrow's rules, or panic.
//!
//! arrow-json checks a non-nullable field only against its array's validity
//! bitmap. An array of type null has none: its rows are all null, logically.
//! So arrow-json takes a null in a non-nullable null field (every row is one),
//! and the struct it builds fails the check of the first kernel that rebuilds
//! it: `take`, which places the rows of a batch around a bad or skipped event,
//! panics on it; `concat`, which joins a batch decoded in parts, refuses it.
//! Such a field cannot hold a single valid row. Run-end encoded arrays have no
//! bitmap either, and arrow-json 60's decoder of them misbehaves beyond that:
//! it panics on run ends other than int16, int32 and int64, `take` fails on
//! one whose values are not nullable, and int16 run ends overflow in a batch
//! of more than 32,767 rows; the plain type of its values decodes the same
//! data.

use arrow_schema::{ArrowError, DataType, Field};

/// Refuses the struct type of the `json` column if a field of it, at any
/// depth, is one the decoders cannot fill soundly; the error names the field
/// by its path (`s.x`, `l.item`).
pub(crate) fn check(kind: &DataType) -> Result<(), ArrowError> {
    children(kind, "")
}

fn children(kind: &DataType, path: &str) -> Result<(), ArrowError> {
    match kind {
        DataType::Struct(fields) => fields.iter().try_for_each(|f| field(f, path)),
        DataType::List(item)
        | DataType::LargeList(item)
        | DataType::ListView(item)
        | DataType::LargeListView(item)
        | DataType::FixedSizeList(item, _)
        | DataType::Map(item, _) => field(item, path),
        DataType::Dictionary(_, values) => children(values, path),
        _ => Ok(()),
    }
}

fn field(field: &Field, parent: &str) -> Result<(), ArrowError> {
    let path = match parent {
        "" => field.name().clone(),
        _ => format!("{parent}.{}", field.name()),
    };
    let refused = |why: &str| {
        Err(ArrowError::InvalidArgumentError(format!(
            "JSON schema field {path:?} {why}"
        )))
    };
    match field.data_type() {
        DataType::Null if !field.is_nullable() => refused(
            "is of type null but not nullable: a null column holds only nulls; \
             make it nullable",
        ),
        DataType::RunEndEncoded(_, values) => refused(&format!(
            "is run-end encoded, which the JSON decoder does not read; \
             give its values' type, {}",
            values.data_type()
        )),
        kind => children(kind, &path),
    }
}
