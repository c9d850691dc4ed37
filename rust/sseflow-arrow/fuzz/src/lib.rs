//! The check of the `arrow_batches` target: `sseflow-arrow`'s `BatchParser`
//! against the core parser, on inputs laid out as the core's fuzz targets read
//! them (`rust/fuzz/src/plan.rs`). The property itself is in sseflow-arrow's
//! tests (`tests/check`), which its proptest mirror runs on stable.

#[path = "../../../fuzz/src/plan.rs"]
pub mod plan;

#[path = "../../tests/check/mod.rs"]
#[allow(dead_code)]
mod property;

use plan::Plan;

/// Any bytes, limits and chunking, in batches of 1 to 5 rows, with JSON
/// decoding when the plan's first flag bit is set: no panic, and the rows are
/// the core parser's events, with the same error, ID, retry and end report.
pub fn arrow_batches(input: &[u8]) {
    let plan = Plan::decode(input);
    let batch_rows = 1 + plan.chunk_lens.len() % 5;
    let json = plan.comments;
    property::batches_match_events(plan.config(), &plan.chunks(), batch_rows, json);
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
}
