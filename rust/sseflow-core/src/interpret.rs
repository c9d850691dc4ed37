//! Line interpretation, the standard's "interpreting an event stream": what
//! each field does, and dispatch at a blank line.
//!
//! A block's single `data` value that lies inside the slice is kept as a range
//! of it, and a dispatched event borrows it. When a second `data` line
//! arrives, or the slice ends first, the value is copied into `data`, which
//! then holds the standard's data buffer (every value followed by LF).
//!
//! A returned event borrows `data` and `event_type`; they are cleared when the
//! next slice begins (`dispatched`), not before returning.
//!
//! With a data sink, a `data` line that the slice ends inside sends the
//! block's data so far to the sink, and from then on the sink holds the data
//! buffer (`sunk`): every value goes there, and the LF after each is handed
//! on only when the next value begins, so that the last one never is.

use crate::buffer::clear;
use crate::config::Config;
use crate::error::{Error, Limit};
use crate::event::{Comment, DataSink, Event};
use crate::field::{self, Line, Name, SplitData};
use crate::whole::{Block, Bounds, Ids, LineEnds};
use std::ops::Range;

/// Where a line to interpret lies.
pub(crate) enum LineAt<'b> {
    /// In the slice: `input[range]`.
    Input(Range<usize>),
    /// In the framer's buffer. A first data value or a kept comment takes the
    /// buffer over, leaving another (empty) one in its place.
    Buffered(&'b mut Vec<u8>),
}

/// Where the text of an item found lies.
#[derive(Clone, Debug)]
pub(crate) enum Span {
    /// In the slice: `input[range]`.
    Input(Range<usize>),
    /// In the interpreter's own buffer (of data, or of the comment), from this offset.
    Kept(usize),
    /// In the caller's data sink.
    Sunk,
}

/// The data buffer of a block, when it went to a data sink.
#[derive(Clone, Copy, Debug, Default)]
struct Sunk {
    /// The data buffer's length: each value so far and its LF, and the bytes
    /// of the value still open.
    len: usize,
    /// The bytes of the value still open (its line is open).
    open: usize,
    /// The LF after the last value is owed to the sink.
    lf_owed: bool,
}

/// An item that a line completed.
pub(crate) enum Found {
    /// An event, for [`Interpreter::event`].
    Event { data: Span, retry: Option<u64> },
    /// A comment (when comments are asked for), for [`Interpreter::comment`].
    Comment(Span),
}

impl Sunk {
    /// A value begins: the LF after the one before is handed on.
    fn begin_value(&mut self, sink: &mut dyn DataSink) {
        if self.lf_owed {
            self.lf_owed = false;
            sink.append(b"\n");
        }
    }

    /// Bytes of the open value.
    fn append(&mut self, bytes: &[u8], sink: &mut dyn DataSink) {
        if !bytes.is_empty() {
            sink.append(bytes);
            self.len += bytes.len();
            self.open += bytes.len();
        }
    }

    /// The value ends: its LF is counted, and owed.
    fn end_value(&mut self) {
        self.len += 1;
        self.open = 0;
        self.lf_owed = true;
    }
}

/// The standard's buffers and what goes beyond them (limits, block retry, the
/// end-of-stream report), fed one complete line at a time.
#[derive(Clone, Debug)]
pub(crate) struct Interpreter {
    comments: bool,
    max_event_size: Option<usize>,
    default_event: Option<Box<[u8]>>,
    /// The data buffer is `data[data_start..]`, when it does not borrow from the
    /// current slice. A long first value keeps the `data:` prefix of the line it
    /// came in ahead of it, rather than being moved.
    data: Vec<u8>,
    data_start: usize,
    /// The block's one data value so far, when it lies in the current slice.
    pending: Option<Range<usize>>,
    /// The data buffer went to a data sink.
    sunk: Option<Sunk>,
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
    /// Bytes copied into the buffers.
    pub(crate) copied: u64,
}

impl Interpreter {
    pub(crate) fn new(config: Config) -> Interpreter {
        Interpreter {
            comments: config.comments,
            max_event_size: config.max_event_size,
            default_event: config.default_event,
            data: Vec::new(),
            data_start: 0,
            pending: None,
            sunk: None,
            event_type: Vec::new(),
            id_buffer: config.last_event_id.as_bytes().to_vec(),
            id_set: false,
            last_event_id: config.last_event_id,
            retry: None,
            block_retry: None,
            in_event: false,
            dispatched: false,
            comment: Vec::new(),
            copied: 0,
        }
    }

    pub(crate) fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    pub(crate) fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// Whether a `data`, `event` or valid `id` field awaits a blank line.
    pub(crate) fn in_event(&self) -> bool {
        self.in_event
    }

    /// A new slice begins: the buffers an event returned before borrowed are freed.
    #[inline]
    pub(crate) fn begin(&mut self) {
        if self.dispatched {
            self.dispatched = false;
            clear(&mut self.data);
            self.data_start = 0;
            self.event_type.clear();
        }
    }

    /// The slice ends: a data value that borrows from it is copied, or sent
    /// to the sink if there is one.
    #[inline]
    pub(crate) fn end(&mut self, input: &[u8], sink: Option<&mut (dyn DataSink + '_)>) {
        self.keep_pending(input, sink);
    }

    /// A data value that borrows from `input`, which is about to be left, is
    /// copied, or sent to the sink if there is one (the block's data is then sunk).
    fn keep_pending(&mut self, input: &[u8], sink: Option<&mut (dyn DataSink + '_)>) {
        match sink {
            Some(sink) if self.pending.is_some() => self.sunk = Some(self.take_sunk(input, sink)),
            _ => self.own_pending(input),
        }
    }

    /// Interprets one complete line of the slice `input`; `sink` is where the
    /// data goes, once it is sunk.
    #[inline]
    pub(crate) fn line(
        &mut self,
        input: &[u8],
        at: LineAt<'_>,
        sink: Option<&mut (dyn DataSink + '_)>,
    ) -> Result<Option<Found>, Error> {
        let line = match &at {
            LineAt::Input(range) => &input[range.clone()],
            LineAt::Buffered(buffer) => &buffer[..],
        };
        let (name, value) = match field::classify(line) {
            Line::Blank => return Ok(self.dispatch()),
            Line::Comment(text) if self.comments => {
                // The next slice is another input: a data value borrowing this one is kept.
                self.keep_pending(input, sink);
                return Ok(Some(self.keep_comment(at, text)));
            }
            Line::Comment(_) => return Ok(None),
            Line::Field(name, value) => (name, value),
        };
        let value_bytes = &line[value..];
        match name {
            Name::Data => {
                self.in_event = true;
                self.check_data(value_bytes.len())?;
                // With a sink, a block's second value sends the data there
                // rather than copying the first.
                let joins = self.sunk.is_some() || self.pending.is_some() || self.data_len() > 0;
                match sink {
                    Some(sink) if joins => {
                        let mut sunk = self.take_sunk(input, sink);
                        sunk.begin_value(sink);
                        sunk.append(value_bytes, sink);
                        sunk.end_value();
                        self.sunk = Some(sunk);
                    }
                    _ => self.append_data(input, at, value),
                }
            }
            Name::Event => {
                self.in_event = true;
                self.event_type.clear();
                self.event_type.extend_from_slice(value_bytes);
                self.copied += value_bytes.len() as u64;
            }
            Name::Id => {
                if field::sets_id(value_bytes) {
                    self.in_event = true;
                    self.set_id(value_bytes);
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
        Ok(None)
    }

    /// The event a [`Found::Event`] describes.
    pub(crate) fn event<'a>(
        &'a self,
        input: &'a [u8],
        data: Span,
        retry: Option<u64>,
    ) -> Event<'a> {
        let (data, in_sink) = match data {
            Span::Input(range) => (&input[range], false),
            // Without the LF that ends the last value.
            Span::Kept(_) => (&self.data[self.data_start..self.data.len() - 1], false),
            Span::Sunk => (&[][..], true),
        };
        Event {
            event_type: &self.event_type,
            default_event: self.default_event.as_deref(),
            data,
            in_sink,
            id: &self.last_event_id,
            retry,
        }
    }

    /// The comment a [`Found::Comment`] describes.
    pub(crate) fn comment<'a>(&'a self, input: &'a [u8], text: Span) -> Comment<'a> {
        let text = match text {
            Span::Input(range) => &input[range],
            Span::Kept(start) => &self.comment[start..],
            // (Only data is sunk.)
            Span::Sunk => &[],
        };
        Comment { text }
    }

    /// A blank line: the standard's dispatch, if the data buffer is not empty.
    fn dispatch(&mut self) -> Option<Found> {
        self.settle_id();
        self.in_event = false;
        let retry = self.block_retry.take();
        let data = match self.pending.take() {
            Some(range) => Span::Input(range),
            None if self.sunk.take().is_some() => Span::Sunk,
            None if self.data_len() == 0 => {
                self.event_type.clear();
                return None;
            }
            None => Span::Kept(self.data_start),
        };
        self.dispatched = true;
        Some(Found::Event { data, retry })
    }

    /// What the fast lane may take: data within the event limit, and no
    /// comment when comments are returned.
    pub(crate) fn bounds<'p>(&self, line: usize, line_ends: &'p LineEnds) -> Bounds<'p> {
        Bounds {
            line_ends,
            line,
            data: self.max_event_size.unwrap_or(usize::MAX),
            comments: self.comments,
        }
    }

    /// Whether no field awaits a blank line: a block read from here on starts
    /// from the standard's empty buffers. (After [`begin`](Interpreter::begin).)
    #[inline]
    pub(crate) fn at_rest(&self) -> bool {
        !self.in_event && self.block_retry.is_none() && !self.dispatched
    }

    /// A whole block of `input` from the fast lane (`whole.rs`), read from
    /// rest: its fields are applied as its lines would have been, then it is
    /// dispatched. The event borrows its type and data from `input`.
    #[inline]
    pub(crate) fn whole<'a, 'i: 'a>(
        &'a mut self,
        input: &'a [u8],
        block: &Block,
        ids: &mut Ids<'i, '_>,
    ) -> Option<Event<'a>> {
        if let Some(id) = &block.id {
            if !ids.set(id) {
                // Straight into the string: the buffer is read only after a
                // field sets it again.
                set_text(&mut self.last_event_id, &input[id.clone()]);
                self.copied += id.len() as u64;
            }
        }
        if block.retry.is_some() {
            self.retry = block.retry;
        }
        // With no data line the data buffer is empty: nothing is dispatched.
        let data = &input[block.data.clone()?];
        let event_type = block
            .event_type
            .clone()
            .map_or(&[][..], |range| &input[range]);
        Some(Event {
            event_type,
            default_event: self.default_event.as_deref(),
            data,
            in_sink: false,
            id: ids.last.unwrap_or(&self.last_event_id),
            retry: block.retry,
        })
    }

    /// The end of a run of the lane: the last ID it took from its text, if
    /// any, becomes the last event ID string.
    pub(crate) fn keep_id(&mut self, ids: Ids<'_, '_>) {
        if let Some(id) = ids.last {
            self.last_event_id.clear();
            self.last_event_id.push_str(id);
            self.copied += id.len() as u64;
        }
    }

    /// An `id` value that sets the last event ID buffer.
    fn set_id(&mut self, value: &[u8]) {
        self.id_set = true;
        self.id_buffer.clear();
        self.id_buffer.extend_from_slice(value);
        self.copied += value.len() as u64;
    }

    /// The dispatch's first step: the last event ID string becomes the buffer.
    fn settle_id(&mut self) {
        if !self.id_set {
            return;
        }
        self.id_set = false;
        set_text(&mut self.last_event_id, &self.id_buffer);
    }

    /// A comment to return, its text starting at `text` in the line.
    fn keep_comment(&mut self, at: LineAt<'_>, text: usize) -> Found {
        match at {
            LineAt::Input(range) => Found::Comment(Span::Input(range.start + text..range.end)),
            LineAt::Buffered(buffer) => {
                std::mem::swap(buffer, &mut self.comment);
                Found::Comment(Span::Kept(text))
            }
        }
    }

    /// Appends a data value, starting at `value` in the line, to the data buffer.
    fn append_data(&mut self, input: &[u8], at: LineAt<'_>, value: usize) {
        match at {
            LineAt::Input(range) => {
                let value = range.start + value..range.end;
                if self.pending.is_none() && self.data_len() == 0 {
                    self.pending = Some(value);
                } else {
                    self.own_pending(input);
                    self.copy_data(&input[value]);
                }
            }
            LineAt::Buffered(buffer) => {
                self.own_pending(input);
                if self.data_len() == 0 {
                    // The first value takes the line's buffer over, where it stays,
                    // so a long line is not copied a second time.
                    buffer.push(b'\n');
                    self.data_start = value;
                    std::mem::swap(buffer, &mut self.data);
                } else {
                    self.copy_data(&buffer[value..]);
                }
            }
        }
    }

    /// Fails if a data value of `len` bytes would overfill the event limit.
    #[inline]
    fn check_data(&self, len: usize) -> Result<(), Error> {
        let Some(max) = self.max_event_size else {
            return Ok(());
        };
        let buffered = match (&self.pending, &self.sunk) {
            (Some(range), _) => range.len() + 1,
            (None, Some(sunk)) => sunk.len - sunk.open,
            (None, None) => self.data_len(),
        };
        if buffered + len + 1 > max {
            return Err(Error::LimitExceeded {
                limit: Limit::EventSize,
                max,
                size: buffered + len + 1,
            });
        }
        Ok(())
    }

    /// The size of the data buffer, in bytes (a pending value not counted).
    fn data_len(&self) -> usize {
        self.data.len() - self.data_start
    }

    /// Appends a data value and its LF to the data buffer.
    fn copy_data(&mut self, value: &[u8]) {
        self.data.reserve(value.len() + 1);
        self.data.extend_from_slice(value);
        self.data.push(b'\n');
        self.copied += value.len() as u64;
    }

    /// Copies a data value that borrows from `input` into the data buffer.
    fn own_pending(&mut self, input: &[u8]) {
        if let Some(range) = self.pending.take() {
            self.copy_data(&input[range]);
        }
    }

    /// A `data` line that the slice `input` ends inside (its tail is there):
    /// the data buffer so far, unless it went there already, then the value's
    /// bytes so far, go to `sink`.
    pub(crate) fn sink_open(&mut self, input: &[u8], line: SplitData<'_>, sink: &mut dyn DataSink) {
        let mut sunk = self.take_sunk(input, sink);
        sunk.begin_value(sink);
        let (head, tail) = line.value();
        sunk.append(head, sink);
        sunk.append(tail, sink);
        self.sunk = Some(sunk);
    }

    /// A whole `data` line that began in an earlier slice and ends in `input`:
    /// into `sink`, with the block's data so far.
    pub(crate) fn sink_line(
        &mut self,
        input: &[u8],
        line: SplitData<'_>,
        sink: &mut dyn DataSink,
    ) -> Result<(), Error> {
        let (head, tail) = line.value();
        self.check_data(head.len() + tail.len())?;
        self.in_event = true;
        self.sink_open(input, line, sink);
        if let Some(sunk) = &mut self.sunk {
            sunk.end_value();
        }
        Ok(())
    }

    /// The block's data buffer, sent to `sink` unless it is there already.
    fn take_sunk(&mut self, input: &[u8], sink: &mut dyn DataSink) -> Sunk {
        let mut sunk = self.sunk.take().unwrap_or_default();
        // The buffer so far holds each value and its LF: the last LF is owed.
        if let Some(range) = self.pending.take() {
            sink.append(&input[range.clone()]);
            sunk.len = range.len() + 1;
            sunk.lf_owed = true;
        } else if self.data_len() > 0 {
            sink.append(&self.data[self.data_start..self.data.len() - 1]);
            sunk.len = self.data_len();
            sunk.lf_owed = true;
            clear(&mut self.data);
            self.data_start = 0;
        }
        sunk
    }

    /// More of the sunk `data` line, which the slice ends inside too.
    pub(crate) fn sink_more(&mut self, bytes: &[u8], sink: &mut dyn DataSink) {
        if let Some(sunk) = &mut self.sunk {
            sunk.append(bytes, sink);
        }
    }

    /// The end of the sunk `data` line: its last bytes.
    pub(crate) fn sink_end(&mut self, bytes: &[u8], sink: &mut dyn DataSink) -> Result<(), Error> {
        let Some(open) = self.sunk.map(|sunk| sunk.open) else {
            return Ok(());
        };
        self.check_data(open + bytes.len())?;
        self.in_event = true;
        if let Some(sunk) = &mut self.sunk {
            sunk.append(bytes, sink);
            sunk.end_value();
        }
        Ok(())
    }

    /// Drops the event being built (after a limit was exceeded).
    pub(crate) fn drop_event(&mut self) {
        self.data = Vec::new();
        self.event_type = Vec::new();
        self.data_start = 0;
        self.pending = None;
        self.sunk = None;
    }

    /// The end of the stream: the incomplete event is discarded.
    pub(crate) fn finish(&mut self) {
        self.drop_event();
        self.comment = Vec::new();
        self.block_retry = None;
        self.in_event = false;
        self.dispatched = false;
    }
}

/// Sets `text` to `bytes` decoded, malformed sequences replaced, in the
/// string's own buffer: a stream whose every event has a new ID would
/// otherwise allocate (and free) a string per event.
fn set_text(text: &mut String, bytes: &[u8]) {
    text.clear();
    match std::str::from_utf8(bytes) {
        Ok(id) => text.push_str(id),
        Err(_) => text.push_str(&String::from_utf8_lossy(bytes)),
    }
}
