//! Turning a fuzz input into parser options, chunk boundaries and a stream.
//!
//! Layout of an input (every part optional; a short input leaves the rest out):
//!
//! ```text
//! byte 0   bit 0: comments
//!          bit 1: a max_line_size byte follows
//!          bit 2: a max_event_size byte follows
//!          bits 3-7: how many cut bytes follow (0-31)
//! [limit]  max_line_size, if bit 1 (see `limit`)
//! [limit]  max_event_size, if bit 2
//! [cuts]   each the length of one chunk; the last chunk is what is left
//! stream   the rest: the bytes of the event stream
//! ```
//!
//! Like memchr's fuzz targets, which take the needle from the first bytes,
//! the options ride in front of the data so libFuzzer mutates both.

use sseflow_core::Config;

/// What one fuzz input asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan<'a> {
    /// Yield comments.
    pub comments: bool,
    /// `Config::max_line_size`.
    pub max_line_size: Option<usize>,
    /// `Config::max_event_size`.
    pub max_event_size: Option<usize>,
    /// Lengths of the chunks before the last one (zero-length chunks included).
    pub chunk_lens: Vec<usize>,
    /// The event stream.
    pub stream: &'a [u8],
}

/// A limit from one byte: 0-127 as is, 128-255 in steps of 64 up to 8256.
fn limit(byte: u8) -> usize {
    if byte < 128 {
        usize::from(byte)
    } else {
        128 + usize::from(byte - 128) * 64
    }
}

impl<'a> Plan<'a> {
    /// Reads a fuzz input.
    pub fn decode(input: &'a [u8]) -> Plan<'a> {
        let Some((&head, mut rest)) = input.split_first() else {
            return Plan {
                comments: false,
                max_line_size: None,
                max_event_size: None,
                chunk_lens: Vec::new(),
                stream: input,
            };
        };
        let mut take = |wanted: bool| -> Option<u8> {
            if !wanted {
                return None;
            }
            let (&byte, tail) = rest.split_first()?;
            rest = tail;
            Some(byte)
        };
        let max_line_size = take(head & 2 != 0).map(limit);
        let max_event_size = take(head & 4 != 0).map(limit);
        let cuts = usize::from(head >> 3);
        let chunk_lens = (0..cuts)
            .map_while(|_| take(true).map(usize::from))
            .collect();
        Plan {
            comments: head & 1 != 0,
            max_line_size,
            max_event_size,
            chunk_lens,
            stream: rest,
        }
    }

    /// The same plan without limits.
    pub fn without_limits(mut self) -> Plan<'a> {
        self.max_line_size = None;
        self.max_event_size = None;
        self
    }

    /// The parser options.
    pub fn config(&self) -> Config {
        Config::default()
            .comments(self.comments)
            .max_line_size(self.max_line_size)
            .max_event_size(self.max_event_size)
    }

    /// The stream cut into chunks (their concatenation is the stream).
    pub fn chunks(&self) -> Vec<&'a [u8]> {
        let mut chunks = Vec::with_capacity(self.chunk_lens.len() + 1);
        let mut rest = self.stream;
        for &len in &self.chunk_lens {
            let (chunk, tail) = rest.split_at(len.min(rest.len()));
            chunks.push(chunk);
            rest = tail;
        }
        chunks.push(rest);
        chunks
    }

    /// Encodes a plan back into a fuzz input (for seeds); limits must be
    /// values `limit` can produce, and at most 31 chunk lengths below 256.
    pub fn encode(&self) -> Vec<u8> {
        fn limit_byte(max: usize) -> u8 {
            (0..=255u8)
                .find(|&byte| limit(byte) == max)
                .expect("a limit a byte can encode")
        }
        assert!(self.chunk_lens.len() < 32, "at most 31 cuts");
        let mut head = (self.chunk_lens.len() as u8) << 3;
        head |= u8::from(self.comments);
        let mut out = vec![0];
        if let Some(max) = self.max_line_size {
            head |= 2;
            out.push(limit_byte(max));
        }
        if let Some(max) = self.max_event_size {
            head |= 4;
            out.push(limit_byte(max));
        }
        out[0] = head;
        for &len in &self.chunk_lens {
            out.push(u8::try_from(len).expect("a chunk length below 256"));
        }
        out.extend_from_slice(self.stream);
        out
    }
}
