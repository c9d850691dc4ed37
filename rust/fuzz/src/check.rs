//! The property each fuzz target checks, as a plain function of its input,
//! so the targets stay one line and the seeds can be replayed by `cargo test`.

use crate::drive::{error_kind, run_feed, run_steps, Drive, Limits, Owned};
use crate::plan::Plan;
use crate::reference::{interpret, TextItem};

fn limits(plan: &Plan<'_>) -> Limits {
    Limits {
        line: plan.max_line_size,
        event: plan.max_event_size,
    }
}

/// Any bytes, options and chunking: parse all of it and finish, checking
/// each step's invariants (see [`run_steps`]); nothing may panic.
pub fn never_panics(input: &[u8]) {
    let plan = Plan::decode(input);
    for drive in [Drive::Parse, Drive::Lane, Drive::Sink] {
        run_steps(
            plan.config(),
            limits(&plan),
            &plan.chunks(),
            drive,
            |_, _, _| {},
        );
    }
}

/// The stream fed whole (through `feed`/`next_item`) and fed in the
/// planned chunks (through `parse`, with and without the fast lane, and with
/// a data sink) gives
/// the same items, last event ID, retry, end report and, with limits, the
/// same error after the same items.
pub fn chunking_invariance(input: &[u8]) {
    let plan = Plan::decode(input);
    let limits = limits(&plan);
    let whole = run_feed(plan.config(), limits, &[plan.stream]);
    for drive in [Drive::Parse, Drive::Lane, Drive::Sink] {
        let chunked = run_steps(plan.config(), limits, &plan.chunks(), drive, |_, _, _| {});
        assert_eq!(error_kind(whole.error), error_kind(chunked.error), "error");
        assert_eq!(whole.items, chunked.items, "items ({drive:?})");
        assert_eq!(whole.last_event_id, chunked.last_event_id, "last event ID");
        assert_eq!(whole.retry, chunked.retry, "retry");
        assert_eq!(whole.end, chunked.end, "end of stream");
    }
}

fn text_items(items: &[Owned]) -> Vec<TextItem> {
    items.iter().map(TextItem::from_owned).collect()
}

/// Without limits, the parser fed in the planned chunks agrees with the
/// reference interpreter: after every chunk on the prefix fed so far (items,
/// last event ID, retry, and `end_of_stream()`), and at the end on the
/// whole stream (with `finish()`). The parser is driven with the fast lane,
/// with and without a data sink (`chunking_invariance` compares them with the
/// general path alone).
pub fn differential(input: &[u8]) {
    let plan = Plan::decode(input).without_limits();
    let stream = plan.stream;
    for drive in [Drive::Lane, Drive::Sink] {
        differential_by(&plan, stream, drive);
    }
}

/// [`differential`], with the parser driven one way.
fn differential_by(plan: &Plan<'_>, stream: &[u8], drive: Drive) {
    let outcome = run_steps(
        plan.config(),
        limits(plan),
        &plan.chunks(),
        drive,
        |parser, items, fed| {
            let expected = interpret(&stream[..fed], plan.comments);
            let prefix = &stream[..fed];
            assert_eq!(text_items(items), expected.items, "items after {prefix:?}");
            assert_eq!(
                parser.last_event_id(),
                expected.last_event_id,
                "last event ID after {prefix:?}"
            );
            assert_eq!(parser.retry(), expected.retry, "retry after {prefix:?}");
            assert_eq!(
                parser.end_of_stream(),
                expected.end,
                "end_of_stream() after {prefix:?}"
            );
        },
    );
    let expected = interpret(stream, plan.comments);
    assert_eq!(outcome.error, None);
    assert_eq!(text_items(&outcome.items), expected.items, "items");
    assert_eq!(
        outcome.last_event_id, expected.last_event_id,
        "last event ID"
    );
    assert_eq!(outcome.retry, expected.retry, "retry");
    assert_eq!(outcome.end, expected.end, "finish()");
}

#[cfg(test)]
mod tests {
    //! Replays the committed seeds through every check.
    use super::*;
    use std::path::Path;

    fn replay(check: fn(&[u8])) -> usize {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut count = 0;
        for target in std::fs::read_dir(&corpus).expect("the seed corpus") {
            for seed in
                std::fs::read_dir(target.expect("a corpus entry").path()).expect("a target's seeds")
            {
                let path = seed.expect("a seed").path();
                let input = std::fs::read(&path).expect("a readable seed");
                check(&input);
                count += 1;
            }
        }
        count
    }

    #[test]
    fn seeds_never_panic() {
        assert!(replay(never_panics) > 0);
    }

    #[test]
    fn seeds_are_chunking_invariant() {
        assert!(replay(chunking_invariance) > 0);
    }

    #[test]
    fn seeds_agree_with_the_reference() {
        assert!(replay(differential) > 0);
    }
}
