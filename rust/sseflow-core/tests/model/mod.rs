//! A deliberately simple event-stream interpreter: the model that the core's
//! property tests and the differential fuzz target (`rust/fuzz`, which includes
//! this file) compare the parser with.
//!
//! It works on the whole stream at once, the way the WHATWG HTML standard
//! describes it, with none of the parser's incremental machinery: strip one
//! leading BOM, decode lossily, split into lines on CRLF, CR or LF, then
//! interpret each line in turn.

use sseflow_core::EndOfStream;

/// An item as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextItem {
    /// An event.
    Event {
        /// The event type (`message` if none).
        event_type: String,
        /// The data.
        data: String,
        /// The last event ID at dispatch.
        id: String,
        /// The block's valid `retry` value.
        retry: Option<u64>,
    },
    /// A comment's text.
    Comment(String),
}

/// What the whole stream means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meaning {
    /// Events, and comments if asked for.
    pub items: Vec<TextItem>,
    /// The last event ID string.
    pub last_event_id: String,
    /// The last valid `retry` value.
    pub retry: Option<u64>,
    /// How the stream ended.
    pub end: EndOfStream,
}

/// Splits text into complete lines and the unterminated rest.
fn lines(text: &str) -> (Vec<String>, String) {
    let mut complete = Vec::new();
    let mut line = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                complete.push(std::mem::take(&mut line));
            }
            '\n' => complete.push(std::mem::take(&mut line)),
            other => line.push(other),
        }
    }
    (complete, line)
}

/// A `retry` value: ASCII digits only, at least one, saturating.
fn retry_value(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut total: u64 = 0;
    for digit in value.bytes() {
        total = total
            .saturating_mul(10)
            .saturating_add(u64::from(digit - b'0'));
    }
    Some(total)
}

/// Interprets a whole stream.
pub fn interpret(stream: &[u8], comments: bool) -> Meaning {
    let body = stream.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(stream);
    let text = String::from_utf8_lossy(body);
    let (complete, rest) = lines(&text);

    let mut items = Vec::new();
    let mut data = String::new();
    let mut event_type = String::new();
    let mut id_buffer = String::new();
    let mut last_event_id = String::new();
    let mut retry = None;
    let mut block_retry = None;
    let mut in_event = false;

    for line in &complete {
        if line.is_empty() {
            last_event_id = id_buffer.clone();
            in_event = false;
            let this_retry = block_retry.take();
            if data.is_empty() {
                event_type.clear();
                continue;
            }
            data.pop(); // the LF after the last value
            items.push(TextItem::Event {
                event_type: if event_type.is_empty() {
                    "message".to_owned()
                } else {
                    std::mem::take(&mut event_type)
                },
                data: std::mem::take(&mut data),
                id: last_event_id.clone(),
                retry: this_retry,
            });
            event_type.clear();
            continue;
        }
        if let Some(comment) = line.strip_prefix(':') {
            if comments {
                let text = comment.strip_prefix(' ').unwrap_or(comment);
                items.push(TextItem::Comment(text.to_owned()));
            }
            continue;
        }
        let (name, value) = match line.split_once(':') {
            Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_str(), ""),
        };
        match name {
            "data" => {
                data.push_str(value);
                data.push('\n');
                in_event = true;
            }
            "event" => {
                event_type = value.to_owned();
                in_event = true;
            }
            "id" if !value.contains('\0') => {
                id_buffer = value.to_owned();
                in_event = true;
            }
            "retry" => {
                if let Some(value) = retry_value(value) {
                    retry = Some(value);
                    block_retry = Some(value);
                }
            }
            _ => {}
        }
    }

    let end = if !rest.is_empty() && !rest.starts_with(':') {
        EndOfStream::InsideLine
    } else if in_event {
        EndOfStream::InsideEvent
    } else {
        EndOfStream::Clean
    };
    Meaning {
        items,
        last_event_id,
        retry,
        end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(event_type: &str, data: &str, id: &str, retry: Option<u64>) -> TextItem {
        TextItem::Event {
            event_type: event_type.to_owned(),
            data: data.to_owned(),
            id: id.to_owned(),
            retry,
        }
    }

    #[test]
    fn interprets_the_standard_examples() {
        let meaning = interpret(b"data: YHOO\ndata: +2\ndata: 10\n\n", false);
        assert_eq!(meaning.items, [event("message", "YHOO\n+2\n10", "", None)]);
        assert_eq!(meaning.end, EndOfStream::Clean);

        let meaning = interpret(b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n", true);
        assert_eq!(
            meaning.items,
            [
                TextItem::Comment("test stream".to_owned()),
                event("message", "first event", "1", None),
                event("message", "second event", "", None),
            ]
        );
        assert_eq!(meaning.end, EndOfStream::InsideEvent);

        let meaning = interpret(b"data\n\ndata\ndata\n\ndata:", false);
        assert_eq!(
            meaning.items,
            [
                event("message", "", "", None),
                event("message", "\n", "", None)
            ]
        );
        assert_eq!(meaning.end, EndOfStream::InsideLine);
    }

    #[test]
    fn handles_bom_line_ends_ids_and_retry() {
        let meaning = interpret(
            b"\xEF\xBB\xBFevent: a\r\nid: 7\rretry: 99999999999999999999\n\r\n",
            false,
        );
        assert!(meaning.items.is_empty(), "no data, no event");
        assert_eq!(meaning.last_event_id, "7");
        assert_eq!(meaning.retry, Some(u64::MAX));

        let meaning = interpret(
            b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\nretry: 5\nid: a\0b\n\n",
            false,
        );
        assert!(
            meaning.items.is_empty(),
            "a second BOM is data: the field name is not data"
        );
        let meaning = interpret(b"data: x\nretry: 5\nid: a\0b\n\n", false);
        assert_eq!(meaning.items, [event("message", "x", "", Some(5))]);
        assert_eq!(interpret(b"\xEF\xBB", false).end, EndOfStream::InsideLine);
        assert_eq!(interpret(b"\xEF\xBB\xBF", false).end, EndOfStream::Clean);
        assert_eq!(interpret(b"retry: 1\n: c", false).end, EndOfStream::Clean);
        assert_eq!(
            interpret(b"id: 1\n: c", false).end,
            EndOfStream::InsideEvent
        );
    }
}
