//! The push tokenizer: [`Parser::parse`] hands each line that the framing
//! module (`framing.rs`) finds to the interpreting module (`interpret.rs`).
//!
//! It takes a slice of input and runs until it has an item to return or the
//! slice is used up, and says how many bytes it consumed; the caller passes
//! the rest back in.

use crate::config::Config;
use crate::error::{Error, Limit};
use crate::event::{DataSink, EndOfStream, Event, Item};
use crate::field;
use crate::framing::{Framed, Framer};
use crate::interpret::{Found, Interpreter, LineAt};
use crate::whole::{self, Ids, LineEnds, Stop};
use std::ops::Range;

/// What one call to [`Parser::parse`] did.
#[derive(Debug)]
pub struct Step<'a> {
    /// How many bytes of the input were used. When `item` is `None`, all of them.
    pub consumed: usize,
    /// The item found, if any.
    pub item: Option<Item<'a>>,
}

/// Bytes of work done, for checking that parsing is linear in its input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Bytes read by the line-end search.
    pub scanned: u64,
    /// Bytes copied into the parser's own buffers.
    pub copied: u64,
}

/// An incremental event-stream tokenizer. See the [crate docs](crate).
#[derive(Clone, Debug)]
pub struct Parser {
    framer: Framer,
    interpreter: Interpreter,
    finished: Option<EndOfStream>,
    /// A limit was exceeded: all further input is refused with this error.
    failed: Option<Error>,
    /// [`Config::data_sink`]: fed with [`parse_into`](Parser::parse_into).
    data_sink: bool,
    /// The fast lane's line search. Boxed: its vectors need 32-byte alignment,
    /// which a parser inside a Python object (allocated 16-byte aligned by
    /// CPython) would not have, and its aligned loads would fault.
    line_ends: Box<LineEnds>,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

impl Parser {
    /// A parser with the default [`Config`].
    pub fn new() -> Parser {
        Parser::with_config(Config::default())
    }

    /// A parser with the given options.
    pub fn with_config(config: Config) -> Parser {
        Parser {
            data_sink: config.data_sink,
            framer: Framer::new(config.line_limit()),
            interpreter: Interpreter::new(config),
            finished: None,
            failed: None,
            line_ends: Box::new(LineEnds::new()),
        }
    }

    /// The last event ID string: set from the `id` fields at each blank line.
    pub fn last_event_id(&self) -> &str {
        self.interpreter.last_event_id()
    }

    /// The reconnection time in milliseconds, if a valid `retry` field set it.
    pub fn retry(&self) -> Option<u64> {
        self.interpreter.retry()
    }

    /// Bytes scanned and copied so far.
    pub fn work(&self) -> Work {
        Work {
            scanned: self.framer.scanned,
            copied: self.framer.copied + self.interpreter.copied,
        }
    }

    /// Whether [`finish`](Parser::finish) has been called.
    pub fn is_finished(&self) -> bool {
        self.finished.is_some()
    }

    /// How the stream would end if it ended now, or how it ended after
    /// [`finish`](Parser::finish).
    pub fn end_of_stream(&self) -> EndOfStream {
        if let Some(end) = self.finished {
            end
        } else if let Some(Error::LimitExceeded {
            limit: Limit::LineSize,
            ..
        }) = self.failed
        {
            EndOfStream::InsideLine
        } else if self.failed.is_some() {
            EndOfStream::InsideEvent
        } else if self.framer.inside_line() {
            EndOfStream::InsideLine
        } else if self.interpreter.in_event() {
            EndOfStream::InsideEvent
        } else {
            EndOfStream::Clean
        }
    }

    /// Ends the stream: an open line and an incomplete event are discarded, as
    /// the standard says, and the report says whether there were any.
    ///
    /// Calling it again returns the same report.
    pub fn finish(&mut self) -> EndOfStream {
        let end = self.end_of_stream();
        if self.finished.is_none() {
            self.finished = Some(end);
            self.framer.finish();
            self.interpreter.finish();
        }
        end
    }

    /// Feeds a chunk: [`Feed::next_item`] then yields its items one by one.
    pub fn feed<'p, 'c>(&'p mut self, chunk: &'c [u8]) -> Feed<'p, 'c> {
        Feed {
            parser: self,
            rest: chunk,
        }
    }

    /// Parses `input` up to the next item, or to its end.
    ///
    /// Pass the unconsumed rest, `&input[step.consumed..]`, to the next call.
    /// When [`Step::item`] is `None`, the whole input was consumed.
    ///
    /// A parser configured with [`Config::data_sink`] refuses it
    /// ([`Error::SinkNeeded`]): it is fed with [`parse_into`](Parser::parse_into).
    pub fn parse<'a>(&'a mut self, input: &'a [u8]) -> Result<Step<'a>, Error> {
        if self.data_sink {
            return Err(Error::SinkNeeded);
        }
        self.run(input, None)
    }

    /// [`parse`](Parser::parse), for a parser configured with
    /// [`Config::data_sink`]: a `data` line that `input` ends inside sends the
    /// event's data to `sink` from then on, and the event comes with
    /// [`Event::data_in_sink`]. Other parsers never use `sink`.
    pub fn parse_into<'a>(
        &'a mut self,
        input: &'a [u8],
        sink: &mut dyn DataSink,
    ) -> Result<Step<'a>, Error> {
        let sink = if self.data_sink { Some(sink) } else { None };
        self.run(input, sink)
    }

    /// Parses `input` up to the next item, sinking data when given `sink`.
    fn run<'a>(
        &'a mut self,
        input: &'a [u8],
        mut sink: Option<&mut (dyn DataSink + '_)>,
    ) -> Result<Step<'a>, Error> {
        if self.finished.is_some() {
            return Err(Error::Finished);
        }
        if let Some(error) = self.failed {
            return Err(error);
        }
        self.interpreter.begin();
        let mut pos = self.framer.start(input);
        loop {
            let framed = match self.framer.next_line(input, &mut pos) {
                Ok(framed) => framed,
                Err(error) => return Err(self.fail(error)),
            };
            let found = match framed {
                Framed::Input(range) => {
                    let line = LineAt::Input(range);
                    self.interpreter.line(input, line, sink.as_deref_mut())
                }
                Framed::Joined(range) => {
                    let tail = &input[range];
                    let head = self.framer.open_bytes();
                    match (sink.as_deref_mut(), field::split_data(head, tail)) {
                        (Some(sink), Some(line)) => {
                            let sunk = self.interpreter.sink_line(input, line, sink);
                            self.framer.line_done();
                            sunk.map(|()| None)
                        }
                        _ => {
                            self.framer.keep_open(tail);
                            let line = LineAt::Buffered(self.framer.buffered());
                            let found = self.interpreter.line(input, line, sink.as_deref_mut());
                            self.framer.line_done();
                            found
                        }
                    }
                }
                // (A line is sunk only when there is a sink.)
                Framed::SunkEnd(range) => match sink.as_deref_mut() {
                    Some(sink) => self
                        .interpreter
                        .sink_end(&input[range], sink)
                        .map(|()| None),
                    None => Ok(None),
                },
                Framed::Open(range) => {
                    self.open_line(input, range, sink.as_deref_mut());
                    self.interpreter.end(input, sink);
                    return Ok(Step {
                        consumed: input.len(),
                        item: None,
                    });
                }
            };
            let item = match found {
                Ok(None) => continue,
                Ok(Some(Found::Event { data, retry })) => {
                    Item::Event(self.interpreter.event(input, data, retry))
                }
                Ok(Some(Found::Comment(text))) => {
                    Item::Comment(self.interpreter.comment(input, text))
                }
                Err(error) => return Err(self.fail(error)),
            };
            return Ok(Step {
                consumed: pos,
                item: Some(item),
            });
        }
    }

    /// Parses the whole events at the start of `input` that the fast lane
    /// takes, calling `each` with each event and the offset in `input` just
    /// past the LF that dispatched it, until `each` returns false; returns the
    /// bytes consumed. The lane stops at the first block it does not take, or
    /// at once unless the parser is between blocks: pass the rest to
    /// [`parse`](Parser::parse), which takes everything. Used in turns with
    /// `parse`, it gives the same events and state as `parse` alone.
    ///
    /// It takes blocks that lie whole in `input`, with LF line ends and at
    /// most one `data` line, and no comment when comments are returned; and
    /// when `input` ends inside a block's first line, that line's start,
    /// unless it is a `data` line and the parser has a [data
    /// sink](Config::data_sink) (then it is left to `parse_into`, which is
    /// to be given that rest unchanged next: it is not searched again). It
    /// never raises a limit error (the block that would is left to `parse`).
    pub fn parse_whole(
        &mut self,
        input: &[u8],
        each: impl FnMut(Event<'_>, usize) -> bool,
    ) -> usize {
        self.run_whole(input, None, each)
    }

    /// [`parse_whole`](Parser::parse_whole), with `text` to give `input` as
    /// text if it is valid UTF-8 (asked at the lane's first ID, at most once):
    /// each ID is then a slice of it, neither checked nor copied per event
    /// (only the last one set is kept, when the lane stops). Text that is not
    /// `input` itself is not used.
    pub fn parse_whole_text<'i>(
        &mut self,
        input: &'i [u8],
        mut text: impl FnMut() -> Option<&'i str>,
        each: impl FnMut(Event<'_>, usize) -> bool,
    ) -> usize {
        self.run_whole(input, Some(&mut text), each)
    }

    /// The fast lane over `input`, asking `text` for it as text at the first ID.
    #[inline]
    fn run_whole<'i>(
        &mut self,
        input: &'i [u8],
        text: Option<&mut dyn FnMut() -> Option<&'i str>>,
        mut each: impl FnMut(Event<'_>, usize) -> bool,
    ) -> usize {
        if self.finished.is_some() || self.failed.is_some() {
            return 0;
        }
        self.interpreter.begin();
        if !self.framer.at_rest() || !self.interpreter.at_rest() {
            return 0;
        }
        let bounds = self
            .interpreter
            .bounds(self.framer.longest_line(), &self.line_ends);
        let mut ids = Ids::new(input, text);
        let mut pos = 0;
        let consumed = loop {
            match whole::block(input, pos, &bounds, &mut self.framer.scanned) {
                Ok(block) => {
                    pos = block.end;
                    if let Some(event) = self.interpreter.whole(input, &block, &mut ids) {
                        if !each(event, pos) {
                            break pos;
                        }
                    }
                }
                Err(Stop::OpenLine) => break self.lane_open(input, pos),
                Err(Stop::Elsewhere) => break pos,
            }
        };
        self.interpreter.keep_id(ids);
        consumed
    }

    /// The fast lane stopped inside a line at `pos`, which `input` ends
    /// inside: it becomes the open line, or is left to `parse_into` if it is a
    /// `data` line to be sunk. Returns the bytes the lane consumed. (Out of the
    /// lane's loop, where it cost each block more instructions.)
    #[inline(never)]
    fn lane_open(&mut self, input: &[u8], pos: usize) -> usize {
        let line = &input[pos..];
        if self.data_sink && field::split_data(&[], line).is_some() {
            self.framer.searched_open(line);
            return pos;
        }
        self.framer.keep_open(line);
        input.len()
    }

    /// The line that `input` ends inside, `input[range]` of it: into the sink
    /// if it is a `data` line (or already sunk) and there is one, else into
    /// the framer's buffer.
    fn open_line(
        &mut self,
        input: &[u8],
        range: Range<usize>,
        sink: Option<&mut (dyn DataSink + '_)>,
    ) {
        let tail = &input[range];
        let Some(sink) = sink else {
            self.framer.keep_open(tail);
            return;
        };
        if self.framer.is_sunk() {
            self.interpreter.sink_more(tail, sink);
        } else if let Some(line) = field::split_data(self.framer.open_bytes(), tail) {
            self.interpreter.sink_open(input, line, sink);
        } else {
            self.framer.keep_open(tail);
            return;
        }
        self.framer.sink_open(tail.len());
    }

    /// Refuses this and all further input; drops what was buffered.
    fn fail(&mut self, error: Error) -> Error {
        self.failed = Some(error);
        self.framer.drop_line();
        self.interpreter.drop_event();
        error
    }
}

/// The items of one chunk, from [`Parser::feed`].
///
/// Items borrow from the parser, so each must be dropped before the next is
/// taken. Input left when a `Feed` is dropped is not parsed:
/// [`rest`](Feed::rest) returns it, to be fed again.
#[must_use = "a Feed parses nothing until next_item is called"]
#[derive(Debug)]
pub struct Feed<'p, 'c> {
    parser: &'p mut Parser,
    rest: &'c [u8],
}

impl Feed<'_, '_> {
    /// The next item of the chunk, or `None` once all of it is parsed.
    pub fn next_item(&mut self) -> Result<Option<Item<'_>>, Error> {
        let step = self.parser.parse(self.rest)?;
        self.rest = &self.rest[step.consumed..];
        Ok(step.item)
    }

    /// The part of the chunk not parsed yet.
    pub fn rest(&self) -> &[u8] {
        self.rest
    }
}

#[cfg(test)]
mod tests {
    use super::Parser;

    /// The Python modules keep a parser inside a Python object, which CPython
    /// aligns to 16 bytes only: a parser that needed more (the lane's vector
    /// searcher held inline needed 32) faulted on aligned vector loads.
    #[test]
    fn a_parser_needs_no_more_than_16_byte_alignment() {
        assert!(std::mem::align_of::<Parser>() <= 16);
    }
}
