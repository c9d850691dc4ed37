//! Times one recorded stream four ways, in Rust alone, for profiling: the core
//! parser yielding events, without and with its fast lane, [`BatchParser`]
//! building record batches, and a memchr count of the LFs (the floor of any
//! framing).
//!
//! `cargo run --release -p sseflow-arrow --example frame_file -- FILE [CHUNK]`
//! cuts FILE into CHUNK-byte chunks (16 KiB by default; 0 cuts it after each
//! blank line, one event per chunk). With `JSON=1` in the
//! environment the batches also decode each event's data as JSON (the type
//! inferred from the first 1,000 events, or `INFER` if set: a few, to time
//! decoding with the type known, as with a given schema), on `THREADS`
//! decoding threads if set. `BATCH_BYTES` sets the batches' byte bound.
//! `ONLY=core`, `ONLY=lane` (the core with its fast lane) or `ONLY=batches`
//! runs that one 30 times (`RUNS` if set), for `perf record`
//! or `valgrind --tool=cachegrind`.

use sseflow_arrow::{BatchParser, JsonOptions, JsonSchema, OnError, Options};
use sseflow_core::{Config, Item, Parser};
use std::time::{Duration, Instant};

/// The allocator of the sseflow_arrow module, so that times here are its times.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: frame_file FILE [CHUNK]");
    let chunk: usize = args
        .next()
        .map_or(16 * 1024, |c| c.parse().expect("a chunk size"));
    let bytes = std::fs::read(path).expect("a readable file");
    let chunks = cut(&bytes, chunk);
    let chunk = &chunks[..];
    let json = std::env::var_os("JSON").map(|_| JsonOptions {
        schema: JsonSchema::Infer {
            rows: std::env::var("INFER").map_or(1000, |n| n.parse().expect("a count")),
        },
        events: None,
        on_error: OnError::Null,
        scalars_to_strings: None,
    });
    if let Ok(only) = std::env::var("ONLY") {
        let runs = std::env::var("RUNS").map_or(30, |n| n.parse().expect("a count"));
        for _ in 0..runs {
            std::hint::black_box(match only.as_str() {
                "core" => core_events(chunk, false),
                "lane" => core_events(chunk, true),
                "batches" => batch_rows(chunk, json.clone()),
                _ => panic!("ONLY is core, lane or batches"),
            });
        }
        return;
    }
    // The best of ten runs of each, which a busy machine disturbs least.
    let mut best = [Duration::MAX; 4];
    let mut counts = [0; 4];
    for _ in 0..10 {
        let runs: [(usize, Duration); 4] = [
            timed(|| core_events(chunk, false)),
            timed(|| core_events(chunk, true)),
            timed(|| batch_rows(chunk, json.clone())),
            timed(|| {
                chunk
                    .iter()
                    .map(|piece| memchr::memchr_iter(b'\n', piece).count())
                    .sum::<usize>()
            }),
        ];
        for (i, (count, time)) in runs.into_iter().enumerate() {
            counts[i] = count;
            best[i] = best[i].min(time);
        }
    }
    let [events, lane_events, rows, lines] = counts;
    assert_eq!(events, lane_events, "the lane finds every event");
    assert_eq!(events, rows, "the batches hold every event");
    println!(
        "{events} events: core {} | lane {} | batches {} | memchr ({lines} LFs) {}",
        per_event(best[0], events),
        per_event(best[1], events),
        per_event(best[2], events),
        per_event(best[3], events),
    );
}

/// `bytes` in `size`-byte chunks, or (`size` 0) one event per chunk.
fn cut(bytes: &[u8], size: usize) -> Vec<&[u8]> {
    if size > 0 {
        return bytes.chunks(size).collect();
    }
    let mut chunks = Vec::new();
    let mut start = 0;
    for end in memchr::memmem::find_iter(bytes, b"\n\n") {
        chunks.push(&bytes[start..end + 2]);
        start = end + 2;
    }
    chunks.push(&bytes[start..]);
    chunks
}

/// The core parser's events, with its fast lane as [`BatchParser`] drives it
/// (`lane`) or without.
fn core_events(chunks: &[&[u8]], lane: bool) -> usize {
    let mut parser = Parser::new();
    let mut events = 0;
    for &piece in chunks {
        let mut rest = piece;
        loop {
            if lane {
                let consumed = parser.parse_whole(rest, |event, _| {
                    events += 1;
                    std::hint::black_box(event.data());
                    true
                });
                rest = &rest[consumed..];
            }
            let step = parser.parse(rest).expect("no limits are set");
            rest = &rest[step.consumed..];
            match step.item {
                None => break,
                Some(Item::Event(event)) => {
                    events += 1;
                    std::hint::black_box(event.data());
                }
                Some(Item::Comment(_)) => {}
            }
        }
    }
    events
}

fn batch_rows(chunks: &[&[u8]], json: Option<JsonOptions>) -> usize {
    let decode_threads = std::env::var("THREADS").map_or(0, |n| n.parse().expect("a count"));
    let options = Options {
        json,
        decode_threads,
        batch_bytes: std::env::var("BATCH_BYTES").map_or(Options::default().batch_bytes, |n| {
            n.parse().expect("a size")
        }),
        ..Options::default()
    };
    let mut parser = BatchParser::new(Config::default(), options).expect("valid options");
    let mut rows = 0;
    for piece in chunks {
        parser.feed(piece).expect("no limits are set");
        while let Some(batch) = parser.next_batch() {
            rows += batch.num_rows();
        }
    }
    parser.finish().expect("no JSON error is raised");
    while let Some(batch) = parser.next_batch() {
        rows += batch.num_rows();
    }
    rows
}

fn timed<T>(run: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = run();
    (out, start.elapsed())
}

fn per_event(time: Duration, events: usize) -> String {
    format!(
        "{:.2} ms ({:.0} ns/event)",
        time.as_secs_f64() * 1e3,
        time.as_secs_f64() * 1e9 / events.max(1) as f64
    )
}
