//! Classifying one complete line: blank, comment, or a field with its value.

use memchr::memchr;

/// The field names the standard gives a meaning to (compared case-sensitively).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Name {
    Data,
    Event,
    Id,
    Retry,
    /// Any other name: the field is ignored.
    Other,
}

/// What a line is, with offsets into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Line {
    /// An empty line: dispatch the event.
    Blank,
    /// A line starting with `:`; the text starts at the offset (one space after the colon skipped).
    Comment(usize),
    /// A field; its value starts at the offset and runs to the end of the line.
    Field(Name, usize),
}

/// Index just past `colon`, skipping one space if it follows.
fn after_colon(line: &[u8], colon: usize) -> usize {
    if line.get(colon + 1) == Some(&b' ') {
        colon + 2
    } else {
        colon + 1
    }
}

/// Splits a line (without its line end) into its kind and where its value starts.
pub(crate) fn classify(line: &[u8]) -> Line {
    match line.first() {
        None => Line::Blank,
        Some(b':') => Line::Comment(after_colon(line, 0)),
        Some(_) => {
            let (name, value) = match memchr(b':', line) {
                Some(colon) => (&line[..colon], after_colon(line, colon)),
                None => (line, line.len()),
            };
            let name = match name {
                b"data" => Name::Data,
                b"event" => Name::Event,
                b"id" => Name::Id,
                b"retry" => Name::Retry,
                _ => Name::Other,
            };
            Line::Field(name, value)
        }
    }
}

/// Whether an `id` value sets the last event ID buffer: not if it contains NUL.
#[inline]
pub(crate) fn sets_id(value: &[u8]) -> bool {
    !value.contains(&0)
}

/// Whether `id` is a last event ID that a stream could set: an `id` field's
/// value holds no CR or LF (they end lines) and, to count, no NUL.
///
/// [`Config::last_event_id`](crate::Config::last_event_id) takes any string;
/// callers that take one from users check it with this.
pub fn is_valid_last_event_id(id: &str) -> bool {
    !id.contains(['\0', '\r', '\n'])
}

/// The reconnection time of a `retry` value: ASCII digits only, at least one.
///
/// Values above `u64::MAX` saturate rather than overflow.
pub(crate) fn parse_retry(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(value.iter().fold(0u64, |acc, &digit| {
        acc.saturating_mul(10)
            .saturating_add(u64::from(digit - b'0'))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_lines() {
        assert_eq!(classify(b""), Line::Blank);
        assert_eq!(classify(b":"), Line::Comment(1));
        assert_eq!(classify(b": ping"), Line::Comment(2));
        assert_eq!(classify(b"data"), Line::Field(Name::Data, 4));
        assert_eq!(classify(b"data:x"), Line::Field(Name::Data, 5));
        assert_eq!(classify(b"data:  x"), Line::Field(Name::Data, 6));
        assert_eq!(classify(b"Data: x"), Line::Field(Name::Other, 6));
        assert_eq!(classify(b"id: a:b"), Line::Field(Name::Id, 4));
    }

    #[test]
    fn checks_ids() {
        assert!(sets_id(b"a:b c"));
        assert!(sets_id(b""));
        assert!(!sets_id(b"a\0"));
        assert!(is_valid_last_event_id(""));
        assert!(is_valid_last_event_id("7 \u{e9}"));
        for bad in ["\0", "a\rb", "a\n", "\r\n"] {
            assert!(!is_valid_last_event_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn parses_retry() {
        assert_eq!(parse_retry(b"0"), Some(0));
        assert_eq!(parse_retry(b"0010"), Some(10));
        assert_eq!(parse_retry(b""), None);
        assert_eq!(parse_retry(b" 1"), None);
        assert_eq!(parse_retry(b"1.5"), None);
        assert_eq!(parse_retry(b"-1"), None);
        assert_eq!(parse_retry(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_retry(b"99999999999999999999999999"), Some(u64::MAX));
    }
}
