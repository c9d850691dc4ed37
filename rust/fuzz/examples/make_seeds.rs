//! Writes the seed corpus: the same representative streams, each with its
//! options and chunking encoded in front (see `sseflow_fuzz::plan`), into
//! `corpus/<target>/` for every target.
//!
//! `cargo run --example make_seeds` (from rust/fuzz).

use sseflow_fuzz::plan::Plan;
use std::path::Path;

const TARGETS: [&str; 3] = ["never_panics", "chunking_invariance", "differential"];

/// One seed: a name, the stream, and its options.
struct Seed {
    name: &'static str,
    stream: Vec<u8>,
    comments: bool,
    max_line_size: Option<usize>,
    max_event_size: Option<usize>,
    chunk_lens: Vec<usize>,
}

fn seed(name: &'static str, stream: &[u8], chunk_lens: &[usize]) -> Seed {
    Seed {
        name,
        stream: stream.to_vec(),
        comments: false,
        max_line_size: None,
        max_event_size: None,
        chunk_lens: chunk_lens.to_vec(),
    }
}

impl Seed {
    fn comments(mut self) -> Seed {
        self.comments = true;
        self
    }

    fn limits(mut self, line: Option<usize>, event: Option<usize>) -> Seed {
        self.max_line_size = line;
        self.max_event_size = event;
        self
    }
}

fn seeds() -> Vec<Seed> {
    let mut long_line = b"data: ".to_vec();
    long_line.extend(std::iter::repeat_n(b'a', 3000));
    long_line.extend_from_slice(b"\n\n: after\ndata: b\n\n");
    let mut long_comment = b": ".to_vec();
    long_comment.extend(std::iter::repeat_n(b'c', 400));
    long_comment.extend_from_slice(b"\r\ndata: x\r\n\r\n");
    let events: Vec<u8> = b"id: 1\nevent: a\ndata: one\n\nid: 2\ndata: two\r\n\r\n".to_vec();
    vec![
        seed("empty", b"", &[]),
        seed("spec_yhoo", b"data: YHOO\ndata: +2\ndata: 10\n\n", &[]),
        seed(
            "spec_comments_ids",
            b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n",
            &[3, 10, 1],
        )
        .comments(),
        seed("spec_empty_data", b"data\n\ndata\ndata\n\ndata:", &[7]),
        seed("bom", b"\xEF\xBB\xBFdata: x\n\n", &[]),
        seed("bom_split", b"\xEF\xBB\xBFdata: x\n\n", &[1, 1]),
        seed("bom_twice", b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\ndata: y\n\n", &[2, 3]),
        seed("bom_partial", b"\xEF\xBBdata: x\n\n", &[1]),
        seed("bom_prefix_only", b"\xEF\xBB", &[1]),
        seed("crlf", b"event: a\r\ndata: 1\r\n\r\n", &[9, 1, 9]),
        seed("lone_cr", b"data: a\rdata: b\r\r", &[8]),
        seed("cr_then_lf_next_chunk", b"data: x\r\n\r\n", &[8, 1]),
        seed("line_ends_mixed", b"\r\n\r\n\n\r\rdata\n\r", &[1, 1, 1, 1, 1]),
        seed("utf8_split", "data: héllo €😀\n\n".as_bytes(), &[8, 6, 1]),
        seed("utf8_invalid", b"data: \xFF\xC3(\xE2\x82\nevent: \xED\xA0\x80\n\n", &[9]),
        seed("ids", b"id: 1\ndata: a\n\nid\ndata: b\n\nid: x\0y\ndata: c\n\nid: 7\n\n", &[20]),
        seed(
            "retry",
            b"retry: 1000\ndata: a\n\nretry: x\ndata: b\n\nretry: 99999999999999999999999\nretry:  5\nretry\n\n",
            &[4, 30],
        ),
        seed("retry_forgotten_block", b"retry: 5\n\ndata: x\n\n", &[]),
        seed("comments", b": ping\n:\n:x\n::y\n:  two\ndata: z\n\n", &[2, 5]).comments(),
        seed("fields_odd", b"data\nevent\nfoo: bar\nData: no\n data: no\nid:\n\n", &[]),
        seed("event_types", b"event: update\ndata: {\"a\":1}\n\nevent:\ndata: m\n\n", &[13]),
        seed("truncated_event", b"data: x\nid: 3\n", &[]),
        seed("truncated_line", b"data: x\n\ndata: y", &[]),
        seed("truncated_comment", b"id: 1\n\n: part", &[]),
        seed("one_byte_chunks", &events, &[1; 31]),
        seed("long_line", &long_line, &[100, 255, 255, 7]),
        seed("long_line_limited", &long_line, &[200, 255]).limits(Some(100), None),
        seed("long_comment_limited", &long_comment, &[255]).comments().limits(Some(64), Some(960)),
        seed("event_size_exceeded", b"data: 12345\ndata: 67890\n\n", &[8]).limits(None, Some(8)),
        seed("event_size_exact", b"data: abc\n\ndata: abcd\n\n", &[5]).limits(None, Some(4)),
        seed("line_size_crlf", b"data:\r\n12345\r\n123456\r\n", &[6, 1]).limits(Some(5), None),
        seed("both_limits", &events, &[2, 2, 2]).comments().limits(Some(12), Some(8)),
    ]
}

fn main() -> std::io::Result<()> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let seeds = seeds();
    for target in TARGETS {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir)?;
        for seed in &seeds {
            let plan = Plan {
                comments: seed.comments,
                max_line_size: seed.max_line_size,
                max_event_size: seed.max_event_size,
                chunk_lens: seed.chunk_lens.clone(),
                stream: &seed.stream,
            };
            let input = plan.encode();
            assert_eq!(
                Plan::decode(&input),
                plan,
                "{} does not round-trip",
                seed.name
            );
            std::fs::write(dir.join(seed.name), input)?;
        }
    }
    println!(
        "{} seeds for each of {} targets",
        seeds.len(),
        TARGETS.len()
    );
    Ok(())
}
