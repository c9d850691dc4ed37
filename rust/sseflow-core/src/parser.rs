//! The push tokenizer.
//!
//! # How it works
//!
//! [`Parser::parse`] takes a slice of input and runs until it has an item to
//! return or the slice is used up, and says how many bytes it consumed; the
//! caller passes the rest back in. Lines are found with one `memchr2` scan for
//! CR or LF from where the previous line ended, so no byte is scanned twice.
//!
//! A line that lies wholly inside the slice is handled in place. Only a line
//! that is still open when the slice ends is copied into `line`, and the next
//! slice appends to it, so a long line costs one copy whatever the chunking.
//!
//! A block's single `data` line that lies inside the slice is returned as a
//! borrow of it. When a second `data` line arrives, or the slice ends first,
//! the value is copied into `data`, which then holds the standard's data
//! buffer (every value followed by LF).
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
//! * A returned event borrows `data` and `event_type`; they are cleared at the
//!   start of the next call (`dispatched`), not before returning.

use crate::error::{Error, Limit};
use crate::event::{Comment, EndOfStream, Event, Item};
use crate::field::{self, Line, Name};
use memchr::memchr2;
use std::ops::Range;

const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// How much longer a `data: ` line is than the data buffer its value fills:
/// `data: ` less the LF that follows the value in the buffer.
const DATA_LINE_OVERHEAD: usize = 5;

/// Buffers larger than this are freed, not kept for reuse, once emptied.
const KEEP_CAPACITY: usize = 256 * 1024;

/// Options for a [`Parser`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    comments: bool,
    max_line_size: Option<usize>,
    max_event_size: Option<usize>,
    last_event_id: String,
    default_event: Option<Box<[u8]>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            comments: false,
            max_line_size: None,
            max_event_size: None,
            last_event_id: String::new(),
            default_event: Some(Box::from(&b"message"[..])),
        }
    }
}

impl Config {
    /// The type of an event whose event type buffer is empty when it is
    /// dispatched (default: `message`, as the standard says).
    ///
    /// With `None`, such an event has no type
    /// ([`Event::event_type_or_none`](crate::Event::event_type_or_none)), so a
    /// block without an `event` field can be told from one saying
    /// `event: message`. An `event` field with an empty value leaves the buffer
    /// empty too, so it gives the default as well.
    pub fn default_event(mut self, event_type: Option<&str>) -> Self {
        self.default_event = event_type.map(|text| Box::from(text.as_bytes()));
        self
    }

    /// The last event ID to start from (default: none), as a client that
    /// reconnects has it: events dispatched before the stream sets an `id` carry
    /// it. It is taken as given; an `id` field could never set one containing
    /// NUL, CR or LF.
    pub fn last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = id.into();
        self
    }

    /// Whether to yield comment lines as [`Item::Comment`] (default: no).
    pub fn comments(mut self, yes: bool) -> Self {
        self.comments = yes;
        self
    }

    /// The longest line accepted, in bytes without its line end (default: no limit).
    pub fn max_line_size(mut self, max: Option<usize>) -> Self {
        self.max_line_size = max;
        self
    }

    /// The largest data buffer of one event, in bytes: its `data` values plus one
    /// LF each (default: no limit).
    ///
    /// It bounds every line too, at 5 bytes more: the longest `data: ` line
    /// whose value fits.
    pub fn max_event_size(mut self, max: Option<usize>) -> Self {
        self.max_event_size = max;
        self
    }

    /// The line limit in force, with its option and its value there.
    fn line_limit(&self) -> Option<(Limit, usize, usize)> {
        let line = self.max_line_size.map(|max| (Limit::LineSize, max, max));
        let event = self.max_event_size.map(|max| {
            (
                Limit::EventSize,
                max,
                max.saturating_add(DATA_LINE_OVERHEAD),
            )
        });
        match (line, event) {
            (Some(line), Some(event)) => Some(if event.2 < line.2 { event } else { line }),
            (line, event) => line.or(event),
        }
    }
}

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

/// Progress through a leading byte-order mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bom {
    /// This many bytes of the BOM have been seen at the start of the stream.
    Matched(u8),
    /// The start of the stream is behind us.
    Done,
}

/// An incremental event-stream tokenizer. See the [crate docs](crate).
#[derive(Clone, Debug)]
pub struct Parser {
    config: Config,
    bom: Bom,
    /// The last byte seen was a CR that ended a line.
    after_cr: bool,
    /// The open line, when it began in an earlier slice.
    line: Vec<u8>,
    /// The data buffer is `data[data_start..]`, when it does not borrow from the
    /// current slice. A long first value keeps the `data:` prefix of the line it
    /// came in ahead of it, rather than being moved.
    data: Vec<u8>,
    data_start: usize,
    event_type: Vec<u8>,
    id_buffer: Vec<u8>,
    /// `id_buffer` was set since `last_event_id` was last updated.
    id_set: bool,
    last_event_id: String,
    retry: Option<u64>,
    /// The retry value given in the current block.
    block_retry: Option<u64>,
    /// A `data`, `event` or valid `id` field awaits a blank line.
    in_event: bool,
    /// An event borrowing `data` and `event_type` was returned.
    dispatched: bool,
    /// A comment that spanned slices, kept for the returned item to borrow.
    comment: Vec<u8>,
    finished: Option<EndOfStream>,
    /// A limit was exceeded: all further input is refused with this error.
    failed: Option<Error>,
    work: Work,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

/// What handling one line asks of the caller.
enum Action {
    /// Nothing more.
    Done,
    /// A `data` value starting at this offset must be appended.
    Data(usize),
    /// A comment starting at this offset.
    Comment(usize),
    /// A blank line: dispatch.
    Dispatch,
}

impl Parser {
    /// A parser with the default [`Config`].
    pub fn new() -> Parser {
        Parser::with_config(Config::default())
    }

    /// A parser with the given options.
    pub fn with_config(mut config: Config) -> Parser {
        let last_event_id = std::mem::take(&mut config.last_event_id);
        Parser {
            config,
            bom: Bom::Matched(0),
            after_cr: false,
            line: Vec::new(),
            data: Vec::new(),
            data_start: 0,
            event_type: Vec::new(),
            id_buffer: last_event_id.as_bytes().to_vec(),
            id_set: false,
            last_event_id,
            retry: None,
            block_retry: None,
            in_event: false,
            dispatched: false,
            comment: Vec::new(),
            finished: None,
            failed: None,
            work: Work::default(),
        }
    }

    /// The last event ID string: set from the `id` fields at each blank line.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The reconnection time in milliseconds, if a valid `retry` field set it.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// Bytes scanned and copied so far.
    pub fn work(&self) -> Work {
        self.work
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
        } else if matches!(self.bom, Bom::Matched(n) if n > 0)
            || self.line.first().is_some_and(|&byte| byte != b':')
        {
            EndOfStream::InsideLine
        } else if self.in_event {
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
            self.bom = Bom::Done;
            self.after_cr = false;
            for buffer in [
                &mut self.line,
                &mut self.data,
                &mut self.event_type,
                &mut self.comment,
            ] {
                *buffer = Vec::new();
            }
            self.data_start = 0;
            self.block_retry = None;
            self.in_event = false;
            self.dispatched = false;
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
    pub fn parse<'a>(&'a mut self, input: &'a [u8]) -> Result<Step<'a>, Error> {
        if self.finished.is_some() {
            return Err(Error::Finished);
        }
        if let Some(error) = self.failed {
            return Err(error);
        }
        if self.dispatched {
            self.dispatched = false;
            clear(&mut self.data);
            self.data_start = 0;
            self.event_type.clear();
        }
        let mut pos = self.skip_bom(input);
        if self.after_cr && pos < input.len() {
            self.after_cr = false;
            if input[pos] == b'\n' {
                pos += 1;
            }
        }
        // The block's one data value so far, when it lies in `input`.
        let mut data_in_input: Option<Range<usize>> = None;
        loop {
            let rest = &input[pos..];
            let Some(found) = memchr2(b'\r', b'\n', rest) else {
                self.work.scanned += rest.len() as u64;
                self.check_line(rest.len())?;
                self.copy_into_line(rest);
                self.own_data(input, data_in_input);
                return Ok(Step {
                    consumed: input.len(),
                    item: None,
                });
            };
            self.work.scanned += found as u64 + 1;
            self.check_line(found)?;
            let end = pos + found;
            let mut next = end + 1;
            if input[end] == b'\r' {
                match input.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }

            if !self.line.is_empty() {
                // The line began in an earlier slice: finish it in `line`.
                self.copy_into_line(&input[pos..end]);
                pos = next;
                let line = std::mem::take(&mut self.line);
                match self.handle(&line) {
                    Action::Data(start) => {
                        self.check_data(data_in_input.as_ref(), line.len() - start)?;
                        self.own_data(input, data_in_input.take());
                        self.append_data(line, start);
                    }
                    Action::Comment(start) if self.config.comments => {
                        self.own_data(input, data_in_input.take());
                        self.line = std::mem::replace(&mut self.comment, line);
                        self.line.clear();
                        let text = &self.comment[start..];
                        let item = Some(Item::Comment(Comment { text }));
                        return Ok(Step {
                            consumed: pos,
                            item,
                        });
                    }
                    // A line that began earlier is never blank.
                    Action::Comment(_) | Action::Done | Action::Dispatch => {
                        self.line = line;
                        clear(&mut self.line);
                    }
                }
                continue;
            }

            let line = &input[pos..end];
            let start = pos;
            pos = next;
            match self.handle(line) {
                Action::Done => {}
                Action::Data(value) => {
                    let value = start + value..end;
                    self.check_data(data_in_input.as_ref(), value.len())?;
                    if data_in_input.is_none() && self.data_len() == 0 {
                        data_in_input = Some(value);
                    } else {
                        self.own_data(input, data_in_input.take());
                        self.copy_data(&input[value]);
                    }
                }
                Action::Comment(text) => {
                    if self.config.comments {
                        self.own_data(input, data_in_input.take());
                        let text = &input[start + text..end];
                        let item = Some(Item::Comment(Comment { text }));
                        return Ok(Step {
                            consumed: pos,
                            item,
                        });
                    }
                }
                Action::Dispatch => {
                    let retry = self.block_retry.take();
                    let in_input = data_in_input.take();
                    if in_input.is_none() && self.data_len() == 0 {
                        self.event_type.clear();
                        continue;
                    }
                    self.dispatched = true;
                    let data = match in_input {
                        Some(range) => &input[range],
                        // Without the LF that ends the last value.
                        None => &self.data[self.data_start..self.data.len() - 1],
                    };
                    let event_type = if self.event_type.is_empty() {
                        self.config.default_event.as_deref()
                    } else {
                        Some(&self.event_type[..])
                    };
                    let event = Event {
                        event_type,
                        data,
                        id: &self.last_event_id,
                        retry,
                    };
                    return Ok(Step {
                        consumed: pos,
                        item: Some(Item::Event(event)),
                    });
                }
            }
        }
    }

    /// Handles a complete line, except for appending data and returning items.
    fn handle(&mut self, line: &[u8]) -> Action {
        match field::classify(line) {
            Line::Blank => {
                if self.id_set {
                    self.id_set = false;
                    self.last_event_id = String::from_utf8_lossy(&self.id_buffer).into_owned();
                }
                self.in_event = false;
                Action::Dispatch
            }
            Line::Comment(text) => Action::Comment(text),
            Line::Field(name, value) => {
                let value_bytes = &line[value..];
                match name {
                    Name::Data => {
                        self.in_event = true;
                        return Action::Data(value);
                    }
                    Name::Event => {
                        self.in_event = true;
                        self.event_type.clear();
                        self.event_type.extend_from_slice(value_bytes);
                        self.work.copied += value_bytes.len() as u64;
                    }
                    Name::Id => {
                        if !value_bytes.contains(&0) {
                            self.in_event = true;
                            self.id_set = true;
                            self.id_buffer.clear();
                            self.id_buffer.extend_from_slice(value_bytes);
                            self.work.copied += value_bytes.len() as u64;
                        }
                    }
                    Name::Retry => {
                        if let Some(retry) = field::parse_retry(value_bytes) {
                            self.retry = Some(retry);
                            self.block_retry = Some(retry);
                        }
                    }
                    Name::Other => {}
                }
                Action::Done
            }
        }
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
    fn check_line(&mut self, more: usize) -> Result<(), Error> {
        match self.config.line_limit() {
            Some((limit, max, bound)) if self.line.len() + more > bound => {
                self.fail(limit, max, self.line.len() + more)
            }
            _ => Ok(()),
        }
    }

    /// Fails if a data value of `len` bytes would overfill the event limit.
    fn check_data(&mut self, in_input: Option<&Range<usize>>, len: usize) -> Result<(), Error> {
        let Some(max) = self.config.max_event_size else {
            return Ok(());
        };
        let buffered = in_input.map_or(self.data_len(), |range| range.len() + 1);
        if buffered + len + 1 > max {
            return self.fail(Limit::EventSize, max, buffered + len + 1);
        }
        Ok(())
    }

    /// Refuses this and all further input; drops what was buffered.
    fn fail(&mut self, limit: Limit, max: usize, size: usize) -> Result<(), Error> {
        let error = Error::LimitExceeded { limit, max, size };
        self.failed = Some(error);
        for buffer in [&mut self.line, &mut self.data, &mut self.event_type] {
            *buffer = Vec::new();
        }
        self.data_start = 0;
        Err(error)
    }

    fn copy_into_line(&mut self, bytes: &[u8]) {
        self.line.extend_from_slice(bytes);
        self.work.copied += bytes.len() as u64;
    }

    /// The size of the data buffer, in bytes.
    fn data_len(&self) -> usize {
        self.data.len() - self.data_start
    }

    /// Appends a data value and its LF to the data buffer.
    fn copy_data(&mut self, value: &[u8]) {
        self.data.reserve(value.len() + 1);
        self.data.extend_from_slice(value);
        self.data.push(b'\n');
        self.work.copied += value.len() as u64;
    }

    /// Copies a data value that borrows from `input` into the data buffer.
    fn own_data(&mut self, input: &[u8], range: Option<Range<usize>>) {
        if let Some(range) = range {
            self.copy_data(&input[range]);
        }
    }

    /// Appends the data value of a line held in `line`, starting at `start`.
    ///
    /// The first value of a block takes the line's buffer over, where it
    /// stays, so a long line is not copied a second time.
    fn append_data(&mut self, mut line: Vec<u8>, start: usize) {
        if self.data_len() == 0 {
            line.push(b'\n');
            self.data_start = start;
            self.line = std::mem::replace(&mut self.data, line);
        } else {
            self.copy_data(&line[start..]);
            self.line = line;
            clear(&mut self.line);
        }
    }
}

/// Empties a buffer, freeing it if it grew large.
fn clear(buffer: &mut Vec<u8>) {
    if buffer.capacity() > KEEP_CAPACITY {
        *buffer = Vec::new();
    } else {
        buffer.clear();
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
