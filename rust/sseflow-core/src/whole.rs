//! The fast lane: blocks that lie whole in the slice, each read in one pass
//! and handed over as one event ([`Parser::parse_whole`](crate::Parser::parse_whole)).
//!
//! Most streams are runs of short blocks, each a few fields and a blank line
//! ended by LF, that lie whole in the chunk they arrive in. Between two blocks
//! the parser is at rest: no open line, no field awaiting a blank line, past
//! the BOM and any CR. From there a block's lines need none of the framer's
//! and interpreter's state: they are found and classified here, and the
//! interpreter applies the block's fields at once, as its lines would have.
//!
//! A block the lane does not take is left whole, from its first byte, to the
//! general path, which then reads it from the same state: one with a CR, a
//! second `data` line (the values would need joining), a comment that is to be
//! returned, a line or data past a limit (the error is the general path's to
//! raise), or one cut by the end of the slice. When the slice ends inside a
//! block's first line, that line's start is handed to the framer as the open
//! line, so that a long line is searched once, as on the general path.

use crate::field::{self, Line, Name};
use std::ops::Range;

/// Finds the first CR or LF, with the vector searcher set up once per parser:
/// `memchr2` picks and sets one up on every call, which cost a third of the
/// search on lines of a few dozen bytes (and setting it up for each run of
/// the lane cost a tenth of a one-event chunk).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LineEnds {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::Two>,
}

impl LineEnds {
    pub(crate) fn new() -> LineEnds {
        LineEnds {
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::Two::new(b'\n', b'\r'),
        }
    }

    #[inline]
    fn find(&self, bytes: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = &self.avx2 {
            return avx2.find(bytes);
        }
        memchr::memchr2(b'\n', b'\r', bytes)
    }
}

/// A whole block, as ranges of the slice it lies in.
#[derive(Clone, Debug, Default)]
pub(crate) struct Block {
    /// Just past the LF of the blank line that ends it.
    pub(crate) end: usize,
    /// The value of its one `data` line.
    pub(crate) data: Option<Range<usize>>,
    /// The value of its last `event` line.
    pub(crate) event_type: Option<Range<usize>>,
    /// The value of its last `id` line that sets the ID (one without NUL).
    pub(crate) id: Option<Range<usize>>,
    /// The value of its last valid `retry` line.
    pub(crate) retry: Option<u64>,
}

/// What a block may hold and still take the lane, and how its lines are found.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bounds<'p> {
    pub(crate) line_ends: &'p LineEnds,
    /// The longest line, without its LF.
    pub(crate) line: usize,
    /// The longest data value.
    pub(crate) data: usize,
    /// Comments are returned as items, so a block with one is not taken.
    pub(crate) comments: bool,
}

/// The IDs a run of the lane sets, when its input can be had as text: the
/// last one set is a slice of it, which becomes the last event ID string only
/// when the run stops, rather than each being checked and copied into it.
pub(crate) struct Ids<'i, 'a> {
    input: &'i [u8],
    /// Asked for the input's text at the first ID (then dropped).
    ask: Option<&'a mut dyn FnMut() -> Option<&'i str>>,
    text: Option<&'i str>,
    /// The ID set last in this run, if it was taken from the text.
    pub(crate) last: Option<&'i str>,
}

impl<'i, 'a> Ids<'i, 'a> {
    pub(crate) fn new(
        input: &'i [u8],
        ask: Option<&'a mut dyn FnMut() -> Option<&'i str>>,
    ) -> Ids<'i, 'a> {
        Ids {
            input,
            ask,
            text: None,
            last: None,
        }
    }

    /// Takes the value at `range` of the input as the ID, unless there is no
    /// text to take it from (then false: it is to be decoded at once).
    #[inline]
    pub(crate) fn set(&mut self, range: &Range<usize>) -> bool {
        if let Some(ask) = self.ask.take() {
            // Only the input itself, as text, will do.
            let input = self.input;
            self.text = ask().filter(|text| std::ptr::eq(text.as_bytes(), input));
        }
        // A value runs from after the colon (and a space) to before the LF:
        // both are character boundaries of valid text.
        self.last = self.text.and_then(|text| text.get(range.clone()));
        self.last.is_some()
    }
}

/// Why the lane took no block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The slice ends inside the block's first line, within the line limit:
    /// the rest of the slice is the start of that line (searched already).
    OpenLine,
    /// The block is left to the general path.
    Elsewhere,
}

/// The block starting at `start`, if it lies whole in `input` and the lane
/// takes it. Every byte searched for a line end is counted in `scanned`.
#[inline]
pub(crate) fn block(
    input: &[u8],
    start: usize,
    bounds: &Bounds<'_>,
    scanned: &mut u64,
) -> Result<Block, Stop> {
    let mut block = Block::default();
    let mut pos = start;
    loop {
        let rest = &input[pos..];
        // A blank line, one in every block, is seen at its first byte.
        let found = match rest.first() {
            None => return Err(Stop::Elsewhere),
            Some(b'\n') => {
                *scanned += 1;
                block.end = pos + 1;
                return Ok(block);
            }
            Some(_) => bounds.line_ends.find(rest),
        };
        let len = match found {
            Some(len) if rest[len] == b'\n' => len,
            Some(cr) => {
                *scanned += cr as u64 + 1;
                return Err(Stop::Elsewhere);
            }
            None => {
                *scanned += rest.len() as u64;
                let open = pos == start && rest.len() <= bounds.line;
                return Err(if open {
                    Stop::OpenLine
                } else {
                    Stop::Elsewhere
                });
            }
        };
        *scanned += len as u64 + 1;
        if len > bounds.line {
            return Err(Stop::Elsewhere);
        }
        let line = &rest[..len];
        match field::classify(line) {
            // (A line here is never blank: that is seen at its first byte.)
            Line::Blank => return Err(Stop::Elsewhere),
            Line::Comment(_) if bounds.comments => return Err(Stop::Elsewhere),
            Line::Comment(_) => {}
            Line::Field(name, value) => {
                let range = pos + value..pos + len;
                match name {
                    Name::Data if block.data.is_some() || range.len() >= bounds.data => {
                        return Err(Stop::Elsewhere);
                    }
                    Name::Data => block.data = Some(range),
                    Name::Event => block.event_type = Some(range),
                    Name::Id if field::sets_id(&line[value..]) => block.id = Some(range),
                    Name::Id => {}
                    Name::Retry => {
                        if let Some(retry) = field::parse_retry(&line[value..]) {
                            block.retry = Some(retry);
                        }
                    }
                    Name::Other => {}
                }
            }
        }
        pos += len + 1;
    }
}
