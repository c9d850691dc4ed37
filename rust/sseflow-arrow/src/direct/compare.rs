//! One batch decoded with the direct decoder and with arrow-json alone, for
//! the proptest (`tests.rs`) and the `direct_json` fuzz target (through the
//! `fuzzing` feature).

use crate::json::{Batch, Json, JsonOptions, JsonSchema, OnError};
use arrow_array::types::Int32Type;
use arrow_array::{Array, ArrayRef, DictionaryArray, LargeStringArray, StringArray};
use arrow_schema::Fields;
use std::sync::Arc;

/// How one batch of `rows` (the `data` column) is decoded as `fields`: in
/// batches of `batch_rows` rows, raising or not, in `large_utf8` or not,
/// numbers and booleans filling string fields or not.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// The decoder's rows before a flush.
    pub batch_rows: usize,
    /// [`OnError::Raise`], else [`OnError::Null`].
    pub raise: bool,
    /// Whether the `data` column is `large_utf8`.
    pub large: bool,
    /// Whether a number or boolean fills a string field as its text
    /// (`JsonOptions::scalars_to_strings`).
    pub coerce: bool,
}

/// How the direct decoder and arrow-json alone differ on `rows`, decoding them
/// twice (so the second batch has the first's capacities); `None` if they
/// give the same columns, or the same error.
pub fn direct_differs(fields: &Fields, rows: &[&str], setup: Setup) -> Option<String> {
    let mut fast = json(fields, setup);
    let mut slow = json(fields, setup).arrow_json_only();
    for _ in 0..2 {
        let want = decoded(&mut slow, rows, setup.large);
        let got = decoded(&mut fast, rows, setup.large);
        if got != want {
            return Some(format!("direct {got:?}, arrow-json {want:?}"));
        }
    }
    None
}

fn json(fields: &Fields, setup: Setup) -> Json {
    let options = JsonOptions {
        schema: JsonSchema::Fields(fields.clone()),
        events: None,
        on_error: if setup.raise {
            OnError::Raise
        } else {
            OnError::Null
        },
        scalars_to_strings: Some(setup.coerce),
    };
    Json::new(options, setup.batch_rows.max(1)).expect("a decoder of the type")
}

/// What `json` makes of one batch of `rows`: the columns, or the error.
fn decoded(json: &mut Json, rows: &[&str], large: bool) -> Result<Columns, String> {
    let data: Arc<dyn Array> = match large {
        true => Arc::new(LargeStringArray::from_iter_values(rows)),
        false => Arc::new(StringArray::from_iter_values(rows)),
    };
    let labels: DictionaryArray<Int32Type> = rows.iter().map(|_| "message").collect();
    let batch = Batch {
        event: &labels,
        data: data.as_ref(),
        id: &labels,
        first_index: 0,
        mark: true,
    };
    match json.decode(&batch) {
        Ok(decoded) => Ok(Columns(decoded.json, decoded.errors)),
        Err(error) => Err(error.to_string()),
    }
}

/// The `json` column and the `json_error` one.
#[derive(Debug)]
struct Columns(ArrayRef, Option<ArrayRef>);

impl PartialEq for Columns {
    fn eq(&self, other: &Columns) -> bool {
        self.0.to_data() == other.0.to_data()
            && self.1.as_ref().map(|e| e.to_data()) == other.1.as_ref().map(|e| e.to_data())
    }
}
