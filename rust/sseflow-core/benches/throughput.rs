//! Byte throughput of the tokenizer on generated, seeded workloads, grouped by
//! workload and chunk size, beside a memchr-only scan of the same chunks for
//! line ends (the floor: no tokenizer can find its lines with less work).
//!
//! Run: `cargo bench -p sseflow-core --bench throughput`; compile only:
//! `cargo bench --no-run -p sseflow-core`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sseflow_core::{Item, Parser};

/// About how many bytes each generated stream holds.
const TARGET_BYTES: usize = 1 << 20;

/// The chunk sizes each workload is cut into; `usize::MAX` is the whole stream.
const CHUNK_SIZES: [usize; 4] = [1, 64, 4096, usize::MAX];

/// A small seeded generator (SplitMix64), so every run parses the same bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A word-like token of lowercase letters, sometimes with a leading space.
    fn token(&mut self) -> String {
        let len = 1 + self.below(8);
        let mut token = String::with_capacity(len + 1);
        if self.below(2) == 0 {
            token.push(' ');
        }
        for _ in 0..len {
            token.push(char::from(b'a' + self.below(26) as u8));
        }
        token
    }

    /// `len` printable ASCII bytes (no CR, LF or colon).
    fn text(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| b'a' + self.below(26) as u8).collect()
    }
}

/// One generated stream and the events it holds (counted as it was written).
struct Workload {
    name: &'static str,
    bytes: Vec<u8>,
    events: usize,
    data_len: usize,
}

fn chat(name: &'static str, line_end: &str) -> Workload {
    let mut rng = Rng(1);
    let (mut out, mut events, mut data_len) = (String::new(), 0, 0);
    while out.len() < TARGET_BYTES {
        let data = format!(
            r#"{{"id":"chatcmpl-{:08x}","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[{{"index":0,"delta":{{"content":"{}"}},"finish_reason":null}}]}}"#,
            rng.next() as u32,
            rng.token()
        );
        out.push_str(&format!("data: {data}{line_end}{line_end}"));
        events += 1;
        data_len += data.len();
    }
    out.push_str(&format!("data: [DONE]{line_end}{line_end}"));
    Workload {
        name,
        bytes: out.into_bytes(),
        events: events + 1,
        data_len: data_len + "[DONE]".len(),
    }
}

fn typed() -> Workload {
    let mut rng = Rng(2);
    let (mut out, mut events, mut data_len) = (String::new(), 0, 0);
    while out.len() < TARGET_BYTES {
        let data = format!(
            r#"{{"type":"content_block_delta","index":0,"delta":{{"type":"text_delta","text":"{}"}}}}"#,
            rng.token()
        );
        out.push_str(&format!("event: content_block_delta\ndata: {data}\n\n"));
        events += 1;
        data_len += data.len();
    }
    Workload {
        name: "typed",
        bytes: out.into_bytes(),
        events,
        data_len,
    }
}

fn change_feed() -> Workload {
    let mut rng = Rng(3);
    let (mut out, mut events, mut data_len) = (String::new(), 0, 0);
    while out.len() < TARGET_BYTES {
        if events % 10 == 0 {
            out.push_str(": heartbeat\n\n");
        }
        let data = format!(
            r#"{{"op":"update","key":"k{}","rev":{}}}"#,
            rng.below(100_000),
            events
        );
        out.push_str(&format!("id: {events}\nretry: 5000\ndata: {data}\n\n"));
        events += 1;
        data_len += data.len();
    }
    Workload {
        name: "change-feed",
        bytes: out.into_bytes(),
        events,
        data_len,
    }
}

fn multiline() -> Workload {
    let mut rng = Rng(4);
    let (mut out, mut events, mut data_len) = (Vec::new(), 0, 0);
    while out.len() < TARGET_BYTES {
        for line in 0..20 {
            let len = 20 + rng.below(40);
            let text = rng.text(len);
            out.extend_from_slice(b"data: ");
            out.extend_from_slice(&text);
            out.push(b'\n');
            data_len += text.len() + usize::from(line > 0);
        }
        out.push(b'\n');
        events += 1;
    }
    Workload {
        name: "multiline-20",
        bytes: out,
        events,
        data_len,
    }
}

fn payloads() -> Workload {
    let mut rng = Rng(5);
    let (mut out, mut events, mut data_len) = (Vec::new(), 0, 0);
    while out.len() < TARGET_BYTES {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(&rng.text(64 * 1024));
        out.extend_from_slice(b"\n\n");
        events += 1;
        data_len += 64 * 1024;
    }
    Workload {
        name: "payload-64k",
        bytes: out,
        events,
        data_len,
    }
}

fn long_line() -> Workload {
    let mut out = b"data: ".to_vec();
    out.extend_from_slice(&Rng(6).text(TARGET_BYTES));
    out.extend_from_slice(b"\n\n");
    Workload {
        name: "long-line-1MB",
        bytes: out,
        events: 1,
        data_len: TARGET_BYTES,
    }
}

/// Parses `bytes` fed in chunks of `size`; returns (events, total data bytes).
fn parse(bytes: &[u8], size: usize) -> (usize, usize) {
    let mut parser = Parser::new();
    let (mut events, mut data_len) = (0, 0);
    for chunk in bytes.chunks(size) {
        let mut feed = parser.feed(chunk);
        while let Some(item) = feed.next_item().expect("no limits are set") {
            if let Item::Event(event) = item {
                events += 1;
                data_len += event.data_bytes().len();
            }
        }
    }
    parser.finish();
    (events, data_len)
}

/// The floor: finds every CR and LF of the same chunks with memchr, nothing else.
fn scan(bytes: &[u8], size: usize) -> usize {
    bytes
        .chunks(size)
        .map(|chunk| memchr::memchr2_iter(b'\n', b'\r', chunk).count())
        .sum()
}

fn chunk_label(size: usize) -> String {
    match size {
        usize::MAX => "whole".to_owned(),
        4096 => "4KiB".to_owned(),
        _ => format!("{size}B"),
    }
}

fn throughput(c: &mut Criterion) {
    let workloads = [
        chat("chat", "\n"),
        chat("chat-crlf", "\r\n"),
        typed(),
        change_feed(),
        multiline(),
        payloads(),
        long_line(),
    ];
    for workload in &workloads {
        assert_eq!(
            parse(&workload.bytes, 4096),
            (workload.events, workload.data_len),
            "{}: the parser disagrees with the generator",
            workload.name
        );
        for size in CHUNK_SIZES {
            let mut group = c.benchmark_group(format!("{}/{}", workload.name, chunk_label(size)));
            group.throughput(Throughput::Bytes(workload.bytes.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter("parser"), &size, |b, &size| {
                b.iter(|| parse(black_box(&workload.bytes), size))
            });
            group.bench_with_input(BenchmarkId::from_parameter("memchr"), &size, |b, &size| {
                b.iter(|| scan(black_box(&workload.bytes), size))
            });
            group.finish();
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = throughput
}
criterion_main!(benches);
