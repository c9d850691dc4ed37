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
#[inline]
fn after_colon(line: &[u8], colon: usize) -> usize {
    if line.get(colon + 1) == Some(&b' ') {
        colon + 2
    } else {
        colon + 1
    }
}

/// Splits a line (without its line end) into its kind and where its value starts.
///
/// The common `data:`, `event:` and `id:` prefixes are matched before the
/// general search for the colon: a name ends at the first colon, so a line
/// that starts with one of them has that name. A line of 8 bytes or more, as
/// most field lines are, has them compared as one word.
#[inline]
pub(crate) fn classify(line: &[u8]) -> Line {
    if let Some(word) = line.first_chunk::<8>() {
        let word = u64::from_le_bytes(*word);
        let field = prefixed(word, DATA)
            .or_else(|| prefixed(word, EVENT))
            .or_else(|| prefixed(word, ID));
        if let Some(field) = field {
            return field;
        }
    }
    match line {
        [] => Line::Blank,
        [b':', ..] => Line::Comment(after_colon(line, 0)),
        [b'd', b'a', b't', b'a', b':', ..] => Line::Field(Name::Data, after_colon(line, 4)),
        [b'e', b'v', b'e', b'n', b't', b':', ..] => Line::Field(Name::Event, after_colon(line, 5)),
        [b'i', b'd', b':', ..] => Line::Field(Name::Id, after_colon(line, 2)),
        _ => {
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

/// A common name with its colon, as the low bytes of a little-endian word.
struct Prefix {
    name: Name,
    word: u64,
    /// The colon's offset.
    colon: usize,
}

const DATA: Prefix = prefix(Name::Data, b"data:");
const EVENT: Prefix = prefix(Name::Event, b"event:");
const ID: Prefix = prefix(Name::Id, b"id:");

const fn prefix(name: Name, text: &[u8]) -> Prefix {
    let mut word = 0;
    let mut at = 0;
    while at < text.len() {
        word |= (text[at] as u64) << (8 * at);
        at += 1;
    }
    Prefix {
        name,
        word,
        colon: text.len() - 1,
    }
}

/// The field a line's first 8 bytes (`word`) start, if they start `prefix`.
#[inline(always)]
fn prefixed(word: u64, prefix: Prefix) -> Option<Line> {
    let mask = (1u64 << (8 * (prefix.colon + 1))) - 1;
    if word & mask != prefix.word {
        return None;
    }
    // The byte after the colon is in the word too.
    let space = (word >> (8 * (prefix.colon + 1))) as u8 == b' ';
    Some(Line::Field(
        prefix.name,
        prefix.colon + 1 + usize::from(space),
    ))
}

/// A `data` line that began in an earlier slice: `head` (in the framer's
/// buffer) then `tail` (in the slice), its value starting at `value`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SplitData<'a> {
    pub(crate) head: &'a [u8],
    pub(crate) tail: &'a [u8],
    value: usize,
}

impl<'a> SplitData<'a> {
    /// The value's bytes in the head, then in the tail.
    pub(crate) fn value(&self) -> (&'a [u8], &'a [u8]) {
        let head = self.head.get(self.value..).unwrap_or_default();
        let from_tail = self.value.saturating_sub(self.head.len());
        (head, self.tail.get(from_tail..).unwrap_or_default())
    }
}

/// The line made of `head` then `tail` as a `data` line, once that can be
/// known: it starts with `data:` and holds a byte after the colon, which is
/// the value's unless it is a space.
pub(crate) fn split_data<'a>(head: &'a [u8], tail: &'a [u8]) -> Option<SplitData<'a>> {
    let value = open_data_value(head, tail)?;
    Some(SplitData { head, tail, value })
}

/// Where the value of the `data` line made of `head` then `tail` starts (see
/// [`split_data`]).
fn open_data_value(head: &[u8], tail: &[u8]) -> Option<usize> {
    let mut start = [0; 6];
    let from_head = head.len().min(start.len());
    start[..from_head].copy_from_slice(&head[..from_head]);
    let from_tail = (start.len() - from_head).min(tail.len());
    start[from_head..from_head + from_tail].copy_from_slice(&tail[..from_tail]);
    if from_head + from_tail < start.len() || &start[..5] != b"data:" {
        return None;
    }
    Some(if start[5] == b' ' { 6 } else { 5 })
}

/// Whether an `id` value sets the last event ID buffer: not if it contains NUL.
#[inline]
pub(crate) fn sets_id(value: &[u8]) -> bool {
    // A short value, as IDs mostly are, is read faster than memchr sets up.
    if value.len() <= 16 {
        value.iter().all(|&byte| byte != 0)
    } else {
        !value.contains(&0)
    }
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
        assert_eq!(classify(b"retry: 5"), Line::Field(Name::Retry, 7));
        assert_eq!(classify(b"foo:bar"), Line::Field(Name::Other, 4));
    }

    /// Lines of 8 bytes or more have their common name compared as a word:
    /// the same results as the byte patterns, on either side of 8 bytes.
    #[test]
    fn classifies_long_lines_by_their_first_word() {
        let cases: [(&[u8], Line); 12] = [
            (b"data:abc", Line::Field(Name::Data, 5)),
            (b"data: abc", Line::Field(Name::Data, 6)),
            (b"data:  ab", Line::Field(Name::Data, 6)),
            (b"event:ab", Line::Field(Name::Event, 6)),
            (b"event: ab", Line::Field(Name::Event, 7)),
            (b"event:\0\0", Line::Field(Name::Event, 6)),
            (b"id: 12345", Line::Field(Name::Id, 4)),
            (b"id:12345", Line::Field(Name::Id, 3)),
            (b"datum: abc", Line::Field(Name::Other, 7)),
            (b"data-x: abc", Line::Field(Name::Other, 8)),
            (b"events: ab", Line::Field(Name::Other, 8)),
            (b": data: ab", Line::Comment(2)),
        ];
        for (line, kind) in cases {
            assert_eq!(classify(line), kind, "{:?}", String::from_utf8_lossy(line));
            // Cut to 7 bytes, the byte patterns classify it the same.
            let short = &line[..7];
            let expected = match kind {
                Line::Field(name, value) if value <= short.len() => Line::Field(name, value),
                Line::Field(name, _) => Line::Field(name, short.len()),
                other => other,
            };
            assert_eq!(
                classify(short),
                expected,
                "{:?}",
                String::from_utf8_lossy(short)
            );
        }
    }

    /// The prefixes matched before the colon search give the same as the search.
    #[test]
    fn classifies_common_prefixes() {
        assert_eq!(classify(b"data:"), Line::Field(Name::Data, 5));
        assert_eq!(classify(b"data: "), Line::Field(Name::Data, 6));
        assert_eq!(classify(b"event:"), Line::Field(Name::Event, 6));
        assert_eq!(classify(b"event: x"), Line::Field(Name::Event, 7));
        assert_eq!(classify(b"event:  x"), Line::Field(Name::Event, 7));
        assert_eq!(classify(b"event"), Line::Field(Name::Event, 5));
        assert_eq!(classify(b"id:"), Line::Field(Name::Id, 3));
        assert_eq!(classify(b"id:7"), Line::Field(Name::Id, 3));
        assert_eq!(classify(b"id"), Line::Field(Name::Id, 2));
        assert_eq!(classify(b"ids: 7"), Line::Field(Name::Other, 5));
        assert_eq!(classify(b"dat: x"), Line::Field(Name::Other, 5));
        assert_eq!(classify(b"datax: y"), Line::Field(Name::Other, 7));
        assert_eq!(classify(b"events:e"), Line::Field(Name::Other, 7));
        assert_eq!(classify(b"i:d"), Line::Field(Name::Other, 2));
        assert_eq!(classify(b"Id: 7"), Line::Field(Name::Other, 4));
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
