//! Line framing, the standard's "parsing an event stream": a leading BOM, the
//! three line ends (CRLF, LF, CR), and a line that spans slices, with the line
//! limit and the count of bytes scanned and copied.
//!
//! Lines are found with one `memchr2` scan for CR or LF from where the previous
//! line ended (a blank line by its first byte alone), so no byte is scanned twice. A line that lies wholly inside the
//! slice is handed out as a range of it. Only a line still open when the slice
//! ends is copied into the framer's buffer, and the next slice appends to it,
//! so a long line costs one copy whatever the chunking. With a data sink
//! ([`Config::data_sink`](crate::Config::data_sink)), an open `data` line is
//! not copied at all: the parser hands its pieces on, and the framer counts
//! its length (`sunk`).
//!
//! # Traps
//!
//! * CRLF split across slices: a CR ends its line at once (a stream that ends
//!   in CR ends that line) and sets `after_cr`, so an LF starting the next
//!   slice is skipped rather than read as a blank line.
//! * The BOM split across slices: `bom` counts the matched bytes of EF BB BF;
//!   if the stream turns out not to start with a BOM, those bytes are put back
//!   as the start of the first line.
//! * UTF-8 split across slices is no trap: CR, LF and `:` never occur inside a
//!   multi-byte sequence, so lines and fields are split on bytes and decoded
//!   afterwards, which gives the same text as decoding the whole stream first.

use crate::buffer::clear;
use crate::error::{Error, Limit};
use memchr::memchr2;
use std::ops::Range;

const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// Progress through a leading byte-order mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bom {
    /// This many bytes of the BOM have been seen at the start of the stream.
    Matched(u8),
    /// The start of the stream is behind us.
    Done,
}

/// Where the next line lies.
pub(crate) enum Framed {
    /// In the slice: `input[range]`.
    Input(Range<usize>),
    /// The end of a line whose start went to a data sink: its last bytes
    /// are `input[range]`.
    SunkEnd(Range<usize>),
    /// The end of a line whose start is in the framer's buffer
    /// ([`Framer::open_bytes`]): its last bytes are `input[range]`. The
    /// caller sinks the line whole, or keeps the end ([`Framer::keep_open`]),
    /// reads the whole line from [`Framer::buffered`] and empties the buffer
    /// ([`Framer::line_done`]).
    Joined(Range<usize>),
    /// The slice ends inside the line, whose bytes in it are `input[range]`
    /// (after those in the buffer, if any, or in a sink): the caller keeps them
    /// ([`Framer::keep_open`]) or sinks them ([`Framer::sink_open`]).
    Open(Range<usize>),
}

/// The first CR or LF of `bytes`.
///
/// A blank line, one in every event, is seen at its first byte, without the
/// call and setup of `memchr2`, which cost more than its search here.
#[inline]
fn find_line_end(bytes: &[u8]) -> Option<usize> {
    match bytes.first() {
        Some(b'\n' | b'\r') => Some(0),
        _ => memchr2(b'\r', b'\n', bytes),
    }
}

/// Where `bytes` lie in memory: the same slice when the same again.
fn address(bytes: &[u8]) -> (usize, usize) {
    (bytes.as_ptr() as usize, bytes.len())
}

/// Splits a stream, given slice by slice, into lines.
#[derive(Clone, Debug)]
pub(crate) struct Framer {
    bom: Bom,
    /// The last byte seen was a CR that ended a line.
    after_cr: bool,
    /// The open line, when it began in an earlier slice.
    line: Vec<u8>,
    /// The length of the open line, when its bytes went to a data sink
    /// rather than to `line` (0 when none did: such a line is 6 bytes at least).
    sunk: usize,
    /// Where a slice that the fast lane found to be one open line lies
    /// (its address and length), for the next slice, which is that one.
    searched: Option<(usize, usize)>,
    /// The slice begun is known to be one open line: it is not searched again.
    open_slice: bool,
    /// The line limit: the option that names it, its value, the longest line.
    limit: Option<(Limit, usize, usize)>,
    /// Bytes read by the line-end search.
    pub(crate) scanned: u64,
    /// Bytes copied into `line`.
    pub(crate) copied: u64,
}

impl Framer {
    pub(crate) fn new(limit: Option<(Limit, usize, usize)>) -> Framer {
        Framer {
            bom: Bom::Matched(0),
            after_cr: false,
            line: Vec::new(),
            sunk: 0,
            searched: None,
            open_slice: false,
            limit,
            scanned: 0,
            copied: 0,
        }
    }

    /// Where the lines of a new slice start: past a leading BOM (or as much of
    /// it as the slice holds) and past an LF that completes a CRLF.
    pub(crate) fn start(&mut self, input: &[u8]) -> usize {
        self.open_slice = self.searched.take() == Some(address(input));
        let mut pos = self.skip_bom(input);
        if self.after_cr && pos < input.len() {
            self.after_cr = false;
            if input[pos] == b'\n' {
                pos += 1;
            }
        }
        pos
    }

    /// The next line of `input[*pos..]`, moving `pos` past its line end, or
    /// to the end of the slice when the line is still open there.
    #[inline]
    pub(crate) fn next_line(&mut self, input: &[u8], pos: &mut usize) -> Result<Framed, Error> {
        let start = *pos;
        let rest = &input[start..];
        let searched = std::mem::take(&mut self.open_slice);
        let found = match searched {
            true => None,
            false => find_line_end(rest),
        };
        let Some(found) = found else {
            if !searched {
                self.scanned += rest.len() as u64;
            }
            self.check(rest.len())?;
            *pos = input.len();
            return Ok(Framed::Open(start..input.len()));
        };
        self.scanned += found as u64 + 1;
        self.check(found)?;
        let end = start + found;
        let mut next = end + 1;
        if input[end] == b'\r' {
            match input.get(next) {
                Some(b'\n') => next += 1,
                Some(_) => {}
                None => self.after_cr = true,
            }
        }
        *pos = next;
        if self.sunk > 0 {
            self.sunk = 0;
            return Ok(Framed::SunkEnd(start..end));
        }
        if self.line.is_empty() {
            return Ok(Framed::Input(start..end));
        }
        Ok(Framed::Joined(start..end))
    }

    /// The fast lane searched `rest`, the start of a line, to its end: the
    /// next slice, if it is `rest`, is not searched (nor counted) again. The
    /// framer is at rest.
    pub(crate) fn searched_open(&mut self, rest: &[u8]) {
        self.searched = Some(address(rest));
    }

    /// Keeps the open line's bytes of this slice ([`Framed::Open`]) in the buffer.
    pub(crate) fn keep_open(&mut self, bytes: &[u8]) {
        self.copy_into_line(bytes);
    }

    /// The open line's bytes, `len` of this slice after those in the buffer,
    /// went to a data sink: the framer keeps only the count.
    pub(crate) fn sink_open(&mut self, len: usize) {
        self.sunk += self.line.len() + len;
        clear(&mut self.line);
    }

    /// Whether the open line went to a data sink.
    pub(crate) fn is_sunk(&self) -> bool {
        self.sunk > 0
    }

    /// The open line's bytes in the buffer (empty when it is sunk).
    pub(crate) fn open_bytes(&self) -> &[u8] {
        &self.line
    }

    /// The buffered line ([`Framed::Joined`], kept). Whoever borrows it may swap in
    /// another buffer; [`line_done`](Framer::line_done) then empties what is there.
    pub(crate) fn buffered(&mut self) -> &mut Vec<u8> {
        &mut self.line
    }

    /// Empties the buffer after a buffered line was interpreted.
    pub(crate) fn line_done(&mut self) {
        clear(&mut self.line);
    }

    /// Whether a new line starts with the next slice: past the BOM, with no
    /// line open and no CR whose LF may follow.
    #[inline]
    pub(crate) fn at_rest(&self) -> bool {
        self.bom == Bom::Done && !self.after_cr && self.line.is_empty() && self.sunk == 0
    }

    /// The longest line the limit allows.
    pub(crate) fn longest_line(&self) -> usize {
        self.limit.map_or(usize::MAX, |(_, _, bound)| bound)
    }

    /// Whether the stream stopped inside a line that is neither empty nor a
    /// comment (the standard discards it at the end).
    pub(crate) fn inside_line(&self) -> bool {
        matches!(self.bom, Bom::Matched(n) if n > 0)
            || self.line.first().is_some_and(|&byte| byte != b':')
            || self.sunk > 0
    }

    /// Drops the open line (after a limit was exceeded, or at the end).
    pub(crate) fn drop_line(&mut self) {
        self.line = Vec::new();
        self.sunk = 0;
    }

    /// The end of the stream: nothing more to frame.
    pub(crate) fn finish(&mut self) {
        self.bom = Bom::Done;
        self.after_cr = false;
        self.drop_line();
    }

    /// Consumes a leading BOM, or as much of it as `input` holds.
    fn skip_bom(&mut self, input: &[u8]) -> usize {
        let Bom::Matched(before) = self.bom else {
            return 0;
        };
        let before = usize::from(before);
        let mut matched = before;
        for &byte in input {
            if matched == BOM.len() {
                break;
            }
            if byte != BOM[matched] {
                // Not a BOM: bytes matched in earlier slices start the first line;
                // those of this slice are read again as line bytes.
                self.bom = Bom::Done;
                self.copy_into_line(&BOM[..before]);
                return 0;
            }
            matched += 1;
        }
        if matched == BOM.len() {
            self.bom = Bom::Done;
        } else {
            // `input` ended inside the BOM (matched < 3, so it fits in a u8).
            self.bom = Bom::Matched(matched as u8);
        }
        matched - before
    }

    /// Fails if the open line, grown by `more` bytes, exceeds the line limit.
    #[inline]
    fn check(&self, more: usize) -> Result<(), Error> {
        match self.limit {
            Some((limit, max, bound)) if self.line.len() + self.sunk + more > bound => {
                Err(Error::LimitExceeded {
                    limit,
                    max,
                    size: self.line.len() + self.sunk + more,
                })
            }
            _ => Ok(()),
        }
    }

    fn copy_into_line(&mut self, bytes: &[u8]) {
        self.line.extend_from_slice(bytes);
        self.copied += bytes.len() as u64;
    }
}
