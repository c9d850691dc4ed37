//! The parser's options.

use crate::error::Limit;

/// How much longer a `data: ` line is than the data buffer its value fills:
/// `data: ` less the LF that follows the value in the buffer.
const DATA_LINE_OVERHEAD: usize = 5;

/// Options for a [`Parser`](crate::Parser).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub(crate) comments: bool,
    pub(crate) max_line_size: Option<usize>,
    pub(crate) max_event_size: Option<usize>,
    pub(crate) last_event_id: String,
    pub(crate) default_event: Option<Box<[u8]>>,
    pub(crate) data_sink: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            comments: false,
            max_line_size: None,
            max_event_size: None,
            last_event_id: String::new(),
            default_event: Some(Box::from(&b"message"[..])),
            data_sink: false,
        }
    }
}

impl Config {
    /// The last event ID to start from (default: none), as a client that
    /// reconnects has it: events dispatched before the stream sets an `id` carry
    /// it. It is taken as given; an `id` field could never set one that
    /// [`is_valid_last_event_id`](crate::is_valid_last_event_id) refuses.
    pub fn last_event_id(mut self, id: impl Into<String>) -> Self {
        self.last_event_id = id.into();
        self
    }

    /// Whether to yield comment lines as [`Item::Comment`](crate::Item::Comment)
    /// (default: no).
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

    /// Whether the data of a `data` line that spans inputs goes to the
    /// [`DataSink`](crate::DataSink) given to
    /// [`parse_into`](crate::Parser::parse_into), piece by piece as the inputs
    /// come, rather than into the parser's line buffer (default: no).
    ///
    /// Such a parser is fed with `parse_into` only (and its fast lane leaves a
    /// line that the input ends inside to it); [`parse`](crate::Parser::parse)
    /// refuses input with [`Error::SinkNeeded`](crate::Error::SinkNeeded).
    pub fn data_sink(mut self, yes: bool) -> Self {
        self.data_sink = yes;
        self
    }

    /// The default event type set (see [`default_event`](Config::default_event)).
    pub fn default_event_type(&self) -> Option<&[u8]> {
        self.default_event.as_deref()
    }

    /// The line limit in force: the option that names it, its value, and the
    /// longest line it allows.
    pub(crate) fn line_limit(&self) -> Option<(Limit, usize, usize)> {
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
