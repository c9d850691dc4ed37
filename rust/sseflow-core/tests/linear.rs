//! Linear work, checked by counting rather than timing: `Parser::work()`
//! reports the bytes the line-end search read and the bytes copied into the
//! parser's buffers. Also that one-line data inside a chunk is borrowed.

use sseflow_core::{Config, DataSink, EndOfStream, Item, Parser, Work};

/// Feeds `input` in chunks of `size` bytes; returns the data of every event.
fn feed_in_chunks(parser: &mut Parser, input: &[u8], size: usize) -> Vec<Vec<u8>> {
    let mut data = Vec::new();
    for chunk in input.chunks(size) {
        let mut feed = parser.feed(chunk);
        while let Some(item) = feed.next_item().unwrap() {
            if let Item::Event(event) = item {
                data.push(event.data_bytes().to_vec());
            }
        }
    }
    data
}

/// [`feed_in_chunks`] by the fast lane (`Parser::parse_whole`) and
/// `Parser::parse` in turns, as the Arrow batch builder drives a parser.
fn lane_in_chunks(parser: &mut Parser, input: &[u8], size: usize) -> Vec<Vec<u8>> {
    let mut data = Vec::new();
    for chunk in input.chunks(size) {
        let mut rest = chunk;
        loop {
            rest = &rest[parser.parse_whole(rest, |event, _| {
                data.push(event.data_bytes().to_vec());
                true
            })..];
            let step = parser.parse(rest).unwrap();
            rest = &rest[step.consumed..];
            match step.item {
                None => break,
                Some(Item::Event(event)) => data.push(event.data_bytes().to_vec()),
                Some(Item::Comment(_)) => {}
            }
        }
    }
    data
}

/// A stream of one event whose single data line holds `len` bytes.
fn long_data_event(len: usize) -> Vec<u8> {
    let mut input = Vec::with_capacity(len + 8);
    input.extend_from_slice(b"data: ");
    input.resize(6 + len, b'a');
    input.extend_from_slice(b"\n\n");
    input
}

/// Checks one long data line fed in chunks of `size`: the search reads each
/// byte once and the line is copied at most twice over.
fn check_long_line(len: usize, size: usize) {
    let input = long_data_event(len);
    let mut parser = Parser::new();
    let data = feed_in_chunks(&mut parser, &input, size);
    assert_eq!(data.len(), 1);
    assert_eq!(data[0].len(), len);
    assert!(data[0].iter().all(|&byte| byte == b'a'));
    assert_eq!(parser.finish(), EndOfStream::Clean);
    let Work { scanned, copied } = parser.work();
    let fed = input.len() as u64;
    assert_eq!(scanned, fed, "each byte is scanned exactly once");
    assert!(
        copied <= 2 * fed,
        "copied {copied} bytes for {fed} bytes fed in {size}-byte chunks"
    );
    // The line spans chunks, so it must have been copied once.
    assert!(
        copied >= len as u64,
        "copied only {copied} of a {len}-byte line"
    );
}

/// With a data sink, a long data line fed in chunks is never copied: its
/// pieces go to the sink as they come, and each byte is searched once (the
/// open line the fast lane leaves to `parse_into` is not searched again).
#[test]
fn a_sunk_line_is_never_copied() {
    struct Count(u64);
    impl DataSink for Count {
        fn append(&mut self, bytes: &[u8]) {
            assert!(bytes.iter().all(|&byte| byte == b'a'));
            self.0 += bytes.len() as u64;
        }
    }
    let len = 4 << 20;
    let input = long_data_event(len);
    for size in [1, 7, 4096, 65536] {
        let mut parser = Parser::with_config(Config::default().data_sink(true));
        let mut sink = Count(0);
        let mut events = 0;
        for chunk in input.chunks(size) {
            let mut rest = chunk;
            loop {
                rest = &rest[parser.parse_whole(rest, |_, _| true)..];
                let step = parser.parse_into(rest, &mut sink).unwrap();
                rest = &rest[step.consumed..];
                match step.item {
                    Some(Item::Event(event)) => {
                        assert!(event.data_in_sink() && event.data_bytes().is_empty());
                        events += 1;
                    }
                    Some(Item::Comment(_)) => unreachable!("no comments asked for"),
                    None => break,
                }
            }
        }
        assert_eq!((events, sink.0), (1, len as u64), "{size}-byte chunks");
        let Work { scanned, copied } = parser.work();
        // Only the start of the line (6 bytes at most) waits in the buffer,
        // when the chunks are too short to tell it is a data line.
        assert!(copied <= 5, "copied {copied} bytes in {size}-byte chunks");
        assert_eq!(scanned, input.len() as u64, "{size}-byte chunks");
    }
}

/// With a data sink, no data byte is copied into the parser however the
/// stream is cut: not a line that spans chunks, nor a block's values joined
/// by LF, nor a value left waiting for its blank line when a chunk ends.
/// Only other lines, and the first 5 bytes of a line cut before it shows it
/// is a `data` line, are.
#[test]
fn a_sink_takes_all_the_data() {
    let value = "v".repeat(1000);
    let block = format!("event: e\ndata: {value}\ndata: {value}\nid: 1\n: note\ndata:{value}\n\n");
    let input = block.repeat(3);
    for comments in [false, true] {
        for size in [1, 5, 6, 7, 999, 1000, 1001, 4096] {
            let config = Config::default().data_sink(true).comments(comments);
            let mut parser = Parser::with_config(config);
            let mut sink = Vec::new();
            struct Kept<'v>(&'v mut Vec<u8>);
            impl DataSink for Kept<'_> {
                fn append(&mut self, bytes: &[u8]) {
                    self.0.extend_from_slice(bytes);
                }
            }
            let mut events = 0;
            for chunk in input.as_bytes().chunks(size) {
                let mut rest = chunk;
                loop {
                    let step = parser.parse_into(rest, &mut Kept(&mut sink)).unwrap();
                    rest = &rest[step.consumed..];
                    match step.item {
                        Some(Item::Event(event)) => {
                            assert!(event.data_in_sink());
                            events += 1;
                        }
                        Some(Item::Comment(_)) => {}
                        None => break,
                    }
                }
            }
            let data = format!("{value}\n{value}\n{value}");
            assert_eq!(
                (events, sink),
                (3, data.repeat(3).into_bytes()),
                "{size}-byte chunks"
            );
            // Lines that are not data (19 bytes a block) may be gathered in
            // the line buffer, and a type and an ID are copied from there.
            let copied = parser.work().copied as usize;
            let others = 3 * 2 * 19;
            let heads = 3 * 3 * 5;
            assert!(
                copied <= others + heads,
                "copied {copied}, {size}-byte chunks"
            );
        }
    }
}

/// A 10 MB data line fed one byte at a time.
#[test]
fn long_line_one_byte_chunks() {
    check_long_line(10 * 1024 * 1024, 1);
}

/// A 20 MB data line fed in 4 KiB chunks.
#[test]
fn long_line_4k_chunks() {
    check_long_line(20 * 1024 * 1024, 4096);
}

/// The fast lane hands the start of a line the chunk ends in to the framer:
/// a long line is searched once, as on the general path.
#[test]
fn the_lane_searches_a_long_line_once() {
    let input = long_data_event(4 << 20);
    for size in [1, 4096, 65536] {
        let mut parser = Parser::new();
        let data = lane_in_chunks(&mut parser, &input, size);
        assert_eq!(data.len(), 1);
        assert_eq!(data[0].len(), 4 << 20);
        assert_eq!(
            parser.work().scanned,
            input.len() as u64,
            "{size}-byte chunks"
        );
    }
}

/// The fast lane reads a chunk of whole blocks once, and copies only IDs;
/// a block cut by the end of a chunk is searched again by the general path,
/// but never more than once.
#[test]
fn the_lane_reads_whole_blocks_once() {
    let mut input = Vec::new();
    let mut id_bytes = 0;
    for n in 0..50_000 {
        let id = n.to_string();
        let kind = if n % 3 == 0 { "tick" } else { "tock" };
        input.extend_from_slice(
            format!("event: {kind}\nid: {id}\n: note\ndata: payload {n}\n\n").as_bytes(),
        );
        id_bytes += id.len();
    }
    let mut parser = Parser::new();
    let data = lane_in_chunks(&mut parser, &input, input.len());
    assert_eq!(data.len(), 50_000);
    assert_eq!(data[49_999], b"payload 49999");
    assert_eq!(parser.last_event_id(), "49999");
    assert_eq!(parser.work().scanned, input.len() as u64);
    // The first block is the general path's (a BOM could still come), which
    // copies its type, "tick", as well.
    assert_eq!(parser.work().copied, id_bytes as u64 + 4);

    let size = 16 * 1024;
    let mut parser = Parser::new();
    assert_eq!(lane_in_chunks(&mut parser, &input, size), data);
    let (fed, block) = (input.len() as u64, 60);
    let again = parser.work().scanned - fed;
    assert!(
        again <= fed.div_ceil(size as u64) * block,
        "searched {again} bytes again"
    );
}

/// Blocks the lane leaves to the general path, after reading some of them:
/// each byte is still searched at most twice, whatever the chunking.
#[test]
fn the_lane_searches_what_it_leaves_at_most_twice() {
    let shapes: [&[u8]; 6] = [
        b"event: e\ndata: a\ndata: b\n\n",
        b"event: e\nid: 1\ndata: a\r\n\r\n",
        b"event: e\nid: 1\n",
        b"data: a\n: comment\n\n",
        b"id: 7\nretry: 10\nfoo: bar\n\n",
        b"data: a\n\ndata\rdata: b\n\n",
    ];
    for shape in shapes {
        let input = shape.repeat((1 << 20) / shape.len());
        for (comments, size) in [(false, 4093), (true, 4093), (false, 1 << 20), (true, 7)] {
            let mut parser = Parser::with_config(Config::default().comments(comments));
            let laned = lane_in_chunks(&mut parser, &input, size);
            let scanned = parser.work().scanned;
            let mut plain = Parser::with_config(Config::default().comments(comments));
            assert_eq!(laned, feed_in_chunks(&mut plain, &input, size));
            assert!(
                scanned <= 2 * input.len() as u64,
                "{shape:?} in {size}-byte chunks: searched {scanned} of {}",
                input.len()
            );
        }
    }
}

/// Several long lines, data and not, with CRLF line ends, in odd-sized
/// chunks: the work stays within a constant factor of the input. An LF that
/// follows a CR is skipped without a search, so it may go unscanned.
#[test]
fn long_lines_of_every_kind() {
    let line = vec![b'b'; 1 << 20];
    let mut input = Vec::new();
    for name in [
        &b"data: "[..],
        b"data: ",
        b": ",
        b"event: ",
        b"id: ",
        b"foo: ",
        b"retry: ",
    ] {
        input.extend_from_slice(name);
        input.extend_from_slice(&line);
        input.extend_from_slice(b"\r\n");
    }
    input.extend_from_slice(b"\r\n");
    let line_ends = 8;
    let mut parser = Parser::with_config(Config::default().comments(true));
    let data = feed_in_chunks(&mut parser, &input, 4093);
    assert_eq!(data.len(), 1);
    assert_eq!(data[0].len(), 2 * line.len() + 1);
    let Work { scanned, copied } = parser.work();
    let fed = input.len() as u64;
    assert!(
        scanned <= fed && scanned >= fed - line_ends,
        "scanned {scanned} of {fed}"
    );
    assert!(
        copied <= 3 * fed,
        "copied {copied} bytes for {fed} bytes fed"
    );
}

/// Many small events in one chunk: single-line data is never copied; only
/// event and id values are.
#[test]
fn small_events_in_one_chunk_copy_only_type_and_id() {
    let count = 100_000;
    let mut plain = Vec::new();
    let mut typed = Vec::new();
    let mut type_and_id_bytes = 0;
    for n in 0..count {
        plain.extend_from_slice(format!("data: {n}\n\n").as_bytes());
        let id = n.to_string();
        let kind = if n % 2 == 0 { "tick" } else { "tock" };
        typed.extend_from_slice(
            format!("event: {kind}\nid: {id}\n: note\nretry: 5\ndata: payload {n}\n\n").as_bytes(),
        );
        type_and_id_bytes += kind.len() + id.len();
    }

    let mut parser = Parser::new();
    let data = feed_in_chunks(&mut parser, &plain, plain.len());
    assert_eq!(data.len(), count);
    assert_eq!(data[count - 1], format!("{}", count - 1).into_bytes());
    assert_eq!(parser.work().copied, 0);
    assert_eq!(parser.work().scanned, plain.len() as u64);

    let mut parser = Parser::with_config(Config::default().comments(true));
    let data = feed_in_chunks(&mut parser, &typed, typed.len());
    assert_eq!(data.len(), count);
    assert_eq!(parser.last_event_id(), (count - 1).to_string());
    assert_eq!(parser.work().copied, type_and_id_bytes as u64);
    assert_eq!(parser.work().scanned, typed.len() as u64);
}

/// The lane over text asks for the text once, at the first ID of a run, and
/// not at all without one (so a chunk that holds no ID is not checked for it);
/// it then copies only the last ID the run sets.
#[test]
fn the_text_lane_asks_once_and_copies_the_last_id() {
    // The first block goes to the general path (which passes the BOM).
    let mut with_ids = String::from("data: first\n\n");
    for n in 0..1000 {
        with_ids.push_str(&format!("id: {n}\ndata: {n}\n\n"));
    }
    let without = "data: a\n\n".repeat(1001);
    let digits: usize = (0..1000).map(|n: u32| n.to_string().len()).sum();
    let cases = [
        (&with_ids, true, 1, 3),
        (&without, true, 0, 0),
        // Text that is not the input itself is not used: each ID is decoded.
        (&with_ids, false, 1, digits),
    ];
    for (input, same, asked, copied) in cases {
        let other = input.clone();
        let text = if same { input.as_str() } else { other.as_str() };
        let mut parser = Parser::new();
        let first = parser.parse(input.as_bytes()).unwrap().consumed;
        let mut asks = 0;
        let mut events = 0;
        let rest = &input.as_bytes()[first..];
        let ask = || {
            asks += 1;
            Some(&text[first..])
        };
        let consumed = parser.parse_whole_text(rest, ask, |_, _| {
            events += 1;
            true
        });
        assert_eq!((consumed, events, asks), (rest.len(), 1000, asked));
        let last_id = if asked > 0 { "999" } else { "" };
        assert_eq!(parser.last_event_id(), last_id);
        assert_eq!(parser.work().copied, copied as u64);
    }
}

/// Multi-line data is copied once: every value once, whatever the number of lines.
#[test]
fn multi_line_data_copied_once() {
    let mut input = Vec::new();
    let mut value_bytes = 0;
    for n in 0..10_000 {
        let value = format!("line {n}");
        value_bytes += value.len();
        input.extend_from_slice(format!("data: {value}\n").as_bytes());
    }
    input.extend_from_slice(b"\n");
    let mut parser = Parser::new();
    let data = feed_in_chunks(&mut parser, &input, input.len());
    assert_eq!(data.len(), 1);
    assert_eq!(parser.work().copied, value_bytes as u64);
}

fn lies_inside(inner: &[u8], outer: &[u8]) -> bool {
    let outer = outer.as_ptr_range();
    let inner = inner.as_ptr_range();
    outer.start <= inner.start && inner.end <= outer.end
}

/// The data of a one-line event inside one chunk, and a comment's text,
/// borrow from the chunk.
#[test]
fn one_line_data_borrows_from_the_chunk() {
    let input: &[u8] = b"retry: 1\nevent: e\ndata: hello\nid: 1\n\n: note\ndata: x\n\n";
    let mut parser = Parser::with_config(Config::default().comments(true));
    let mut feed = parser.feed(input);
    let mut seen = 0;
    while let Some(item) = feed.next_item().unwrap() {
        let text = match item {
            Item::Event(event) => event.data_bytes(),
            Item::Comment(comment) => comment.text_bytes(),
        };
        assert!(
            lies_inside(text, input),
            "{} does not borrow from the input",
            text.escape_ascii()
        );
        seen += 1;
    }
    assert_eq!(seen, 3);
    assert_eq!(
        parser.work().copied,
        2,
        "only the event type and id are copied"
    );
}
