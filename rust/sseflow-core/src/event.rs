//! What the parser yields: events, comments, and the report at the end of a stream.

use std::borrow::Cow;

/// A dispatched event, borrowing from the chunk being parsed or from the parser.
///
/// Text is kept as the stream's bytes; [`data`](Event::data) and
/// [`event_type`](Event::event_type) decode it as UTF-8, replacing malformed
/// sequences with U+FFFD as the Encoding Standard does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// The event type buffer; when it is empty, `default_event` applies.
    pub(crate) event_type: &'a [u8],
    pub(crate) default_event: Option<&'a [u8]>,
    pub(crate) data: &'a [u8],
    /// The data went to a [`DataSink`](crate::DataSink); `data` is empty.
    pub(crate) in_sink: bool,
    pub(crate) id: &'a str,
    pub(crate) retry: Option<u64>,
}

impl<'a> Event<'a> {
    /// The event type: the last non-empty `event` value of the block, or else
    /// the parser's [default](crate::Config::default_event), `message` unless
    /// configured otherwise; empty when the parser has no default.
    pub fn event_type(&self) -> Cow<'a, str> {
        text(self.event_type_bytes())
    }

    /// The event type as the stream's bytes (see [`event_type`](Event::event_type)).
    pub fn event_type_bytes(&self) -> &'a [u8] {
        self.event_type_or_none().unwrap_or_default()
    }

    /// The event type as the stream's bytes, or `None` when the block set none
    /// and the parser was configured without a default.
    pub fn event_type_or_none(&self) -> Option<&'a [u8]> {
        if self.has_default_type() {
            self.default_event
        } else {
            Some(self.event_type)
        }
    }

    /// Whether the block set no event type, so that the event has the parser's
    /// default (or none).
    pub fn has_default_type(&self) -> bool {
        self.event_type.is_empty()
    }

    /// The data: the block's `data` values joined by LF.
    pub fn data(&self) -> Cow<'a, str> {
        text(self.data)
    }

    /// The data as the stream's bytes.
    pub fn data_bytes(&self) -> &'a [u8] {
        self.data
    }

    /// Whether the data went to the [`DataSink`](crate::DataSink) of
    /// [`Parser::parse_into`](crate::Parser::parse_into), as a `data` line
    /// spanned inputs: the sink then holds all of it, and
    /// [`data`](Event::data) is empty.
    pub fn data_in_sink(&self) -> bool {
        self.in_sink
    }

    /// The last event ID string when the event was dispatched (empty if none).
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// The reconnection time, in milliseconds, that a valid `retry` field of
    /// this event's block set, if any.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// Copies the event out of the parser's and the chunk's memory.
    pub fn to_owned_event(&self) -> OwnedEvent {
        OwnedEvent {
            event_type: self.event_type().into_owned(),
            data: self.data().into_owned(),
            id: self.id.to_owned(),
            retry: self.retry,
        }
    }
}

/// An [`Event`] that owns its text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct OwnedEvent {
    /// The event type (`message` by default; empty when the parser has no
    /// default and the block set none).
    pub event_type: String,
    /// The data.
    pub data: String,
    /// The last event ID string.
    pub id: String,
    /// The `retry` value given in this event's block.
    pub retry: Option<u64>,
}

/// Where a parser configured with [`Config::data_sink`](crate::Config::data_sink)
/// puts the data of an event whose `data` line spans inputs.
///
/// From the first such line on, the event's whole data goes here, in order
/// and as the stream's bytes: its values joined by LF, without the last LF,
/// as [`Event::data_bytes`] would have given them. The event then comes
/// with [`Event::data_in_sink`]. An event that is never dispatched (a limit
/// error, the end of the stream) leaves what it put here for the caller to
/// drop; the parser says no more about it.
pub trait DataSink {
    /// Appends the next bytes of the event's data.
    fn append(&mut self, bytes: &[u8]);
}

/// A comment line (one starting with `:`), yielded only when
/// [`Config::comments`](crate::Config::comments) asks for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment<'a> {
    pub(crate) text: &'a [u8],
}

impl<'a> Comment<'a> {
    /// The text after the colon, one leading space removed.
    pub fn text(&self) -> Cow<'a, str> {
        text(self.text)
    }

    /// The text as the stream's bytes.
    pub fn text_bytes(&self) -> &'a [u8] {
        self.text
    }
}

/// The text of `bytes`, each malformed UTF-8 sequence replaced by U+FFFD.
///
/// Valid text, the common case, is checked by `str::from_utf8`, which scans
/// ASCII a word at a time; `String::from_utf8_lossy` alone goes byte by byte
/// (on 64 KiB payloads that took most of the time of building Arrow columns).
fn text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// One thing the parser found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item<'a> {
    /// A dispatched event.
    Event(Event<'a>),
    /// A comment (only with [`Config::comments`](crate::Config::comments)).
    Comment(Comment<'a>),
}

/// How a stream ended, as [`Parser::finish`](crate::Parser::finish) reports it.
///
/// The standard discards an incomplete event at the end of a stream without a
/// word; this report lets a client tell a cut stream from a finished one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EndOfStream {
    /// At a line end, with no field pending that a blank line would dispatch.
    Clean,
    /// Inside a line that is neither empty nor a comment; the line is discarded.
    InsideLine,
    /// After a `data`, `event` or valid `id` field that no blank line followed;
    /// the incomplete event is discarded.
    InsideEvent,
}

impl EndOfStream {
    /// True unless the stream ended cleanly.
    pub fn is_truncated(self) -> bool {
        self != EndOfStream::Clean
    }
}
