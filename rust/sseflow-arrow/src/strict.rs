//! Whether an event's data is JSON as RFC 8259 defines it, for the rows that
//! arrow-json's decoder takes although they are not.
//!
//! That decoder is laxer than JSON: it takes a comma left out or repeated
//! (`{"a": 1,}`), a number as any run of `0-9+-.eE` (`01`, `1.`), and control
//! characters inside strings. `json.loads` refuses all three, and so must the
//! `json` column: such data is a null row with a reason, or the error. The
//! direct decoder is strict already (it gives such a batch up to arrow-json),
//! so this check runs only on rows arrow-json accepted.
//!
//! Only the first value is read: what follows it is the decoder's to refuse
//! (`not one JSON value`). Nesting of any depth is read with a stack, not by
//! recursion.

/// Why `data` does not start with one JSON value, with the offset at which
/// that shows; `None` if it does.
pub(crate) fn syntax_error(data: &[u8]) -> Option<String> {
    let mut reader = Reader {
        bytes: data,
        pos: 0,
        open: Vec::new(),
    };
    let what = reader.value().err()?;
    Some(format!("not JSON: {what} at byte {}", reader.pos))
}

/// Whether `bytes` holds a control character (a byte below 0x20), which JSON
/// strings must escape. Eight bytes are tested at a time, as one word: a byte
/// below 0x20 borrows in `word - 0x20...20` and sets its top bit, which `!word`
/// keeps only for bytes below 0x80 (the test is exact for "any", not for which
/// byte). The strings of a token stream are a few bytes long, where a vector
/// loop's set-up and tail cost more than the test.
#[inline]
pub(crate) fn has_control(bytes: &[u8]) -> bool {
    const LOW: u64 = 0x2020_2020_2020_2020;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |word: u64| word.wrapping_sub(LOW) & !word & HIGH != 0;
    let word = |at: usize| {
        bytes[at..]
            .first_chunk::<8>()
            .map_or(LOW, |chunk| u64::from_le_bytes(*chunk))
    };
    let len = bytes.len();
    if len < 8 {
        return bytes.iter().any(|&byte| byte < 0x20);
    }
    let mut seen = false;
    let mut at = 0;
    while at + 8 <= len {
        seen |= below(word(at));
        at += 8;
    }
    // The last eight bytes, overlapping those before.
    seen | below(word(len - 8))
}

/// The deepest arrays and objects may nest. arrow-json 60 writes a value that
/// does not fit its field into its error message recursively, and one nested
/// tens of thousands deep overflowed the stack there; `json.loads` refuses
/// about 1,000 deep (`RecursionError`).
pub(crate) const MAX_DEPTH: usize = 1000;

/// Whether `data` is to be refused before arrow-json reads it: it holds more
/// brackets than [`MAX_DEPTH`] (counted first, in one pass) and is not JSON,
/// nested too deep or otherwise.
pub(crate) fn refused_early(data: &[u8]) -> Option<String> {
    let brackets = data
        .iter()
        .filter(|&&byte| byte == b'[' || byte == b'{')
        .count();
    if brackets <= MAX_DEPTH {
        return None;
    }
    syntax_error(data)
}

/// What went wrong, in a few words.
type Step = Result<(), &'static str>;

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The closing byte of each object or array open.
    open: Vec<u8>,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Takes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    /// An object or array opened, which `close` ends.
    fn open(&mut self, close: u8) -> Step {
        if self.open.len() == MAX_DEPTH {
            return Err("arrays and objects nested more than 1000 deep");
        }
        self.open.push(close);
        Ok(())
    }

    fn value(&mut self) -> Step {
        loop {
            self.whitespace();
            match self.peek() {
                None => return Err("a value was expected"),
                Some(b'{') => {
                    self.pos += 1;
                    self.whitespace();
                    if !self.eat(b'}') {
                        self.open(b'}')?;
                        self.key()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.whitespace();
                    if !self.eat(b']') {
                        self.open(b']')?;
                        continue;
                    }
                }
                Some(b'"') => {
                    self.pos += 1;
                    self.string()?;
                }
                Some(b't') => self.word(b"true")?,
                Some(b'f') => self.word(b"false")?,
                Some(b'n') => self.word(b"null")?,
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(_) => return Err("a value was expected"),
            }
            // A value ended: close what it ends, up to the next value.
            loop {
                let Some(&close) = self.open.last() else {
                    return Ok(());
                };
                self.whitespace();
                if self.eat(close) {
                    self.open.pop();
                    continue;
                }
                if !self.eat(b',') {
                    return Err(match close {
                        b'}' => "a comma or } was expected",
                        _ => "a comma or ] was expected",
                    });
                }
                self.whitespace();
                if let Some(b'}' | b']') = self.peek() {
                    return Err("a value was expected after the comma");
                }
                if close == b'}' {
                    self.key()?;
                }
                break;
            }
        }
    }

    /// A member's key and its colon.
    fn key(&mut self) -> Step {
        self.whitespace();
        if !self.eat(b'"') {
            return Err("a key in double quotes was expected");
        }
        self.string()?;
        self.whitespace();
        match self.eat(b':') {
            true => Ok(()),
            false => Err("a colon was expected"),
        }
    }

    /// A string's characters, after its opening quote, and its closing quote.
    fn string(&mut self) -> Step {
        loop {
            let Some(found) = memchr::memchr2(b'"', b'\\', &self.bytes[self.pos..]) else {
                self.unescaped(self.bytes.len())?;
                self.pos = self.bytes.len();
                return Err("a string is not closed");
            };
            let end = self.pos + found;
            self.unescaped(end)?;
            self.pos = end + 1;
            if self.bytes[end] == b'"' {
                return Ok(());
            }
            match self.peek() {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 1,
                Some(b'u') => {
                    self.pos += 1;
                    for _ in 0..4 {
                        if !self.peek().is_some_and(|byte| byte.is_ascii_hexdigit()) {
                            return Err("four hex digits were expected after \\u");
                        }
                        self.pos += 1;
                    }
                }
                _ => return Err("an escape was expected after \\"),
            }
        }
    }

    /// Checks the text of a string up to `end` (no quote or backslash in it):
    /// no control character; `pos` is left at the first, if there is one.
    fn unescaped(&mut self, end: usize) -> Step {
        let text = &self.bytes[self.pos..end];
        if !has_control(text) {
            return Ok(());
        }
        self.pos += text.iter().position(|&byte| byte < 0x20).unwrap_or(0);
        Err("a control character in a string, which must be escaped")
    }

    fn word(&mut self, word: &[u8]) -> Step {
        match self.bytes[self.pos..].starts_with(word) {
            true => {
                self.pos += word.len();
                Ok(())
            }
            false => Err("a value was expected"),
        }
    }

    fn number(&mut self) -> Step {
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
                    return Err("a number with a leading zero");
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err("a digit was expected"),
        }
        if self.eat(b'.') {
            self.some_digits()?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.some_digits()?;
        }
        Ok(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn some_digits(&mut self) -> Step {
        match self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            true => {
                self.digits();
                Ok(())
            }
            false => Err("a digit was expected"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{has_control, refused_early, syntax_error, MAX_DEPTH};

    #[test]
    fn json_is_taken() {
        for data in [
            r#"{"a": [1, -0.5, 2e10, 3E-2, true, false, null, {}], "b\"\\\/\b\f\n\r\t\u00e9": ""}"#,
            " \t\r\n[] ",
            "0",
            "-0.0e+1",
            r#""\ud800""#,          // a lone surrogate is JSON text, if no character
            r#"{"a": 1} and more"#, // the decoder refuses what follows the value
        ] {
            assert_eq!(syntax_error(data.as_bytes()), None, "{data}");
        }
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert_eq!(syntax_error(deep.as_bytes()), None);
    }

    #[test]
    fn a_control_character_is_found_at_any_place_and_length() {
        for len in 0..40 {
            let text = vec![b'a'; len];
            assert!(!has_control(&text));
            for at in 0..len {
                for byte in [0x00, 0x09, 0x0a, 0x1f] {
                    let mut with = text.clone();
                    with[at] = byte;
                    assert!(has_control(&with), "{len} {at} {byte}");
                }
                // The bytes next to the range, and above 0x80, are no control.
                for byte in [0x20, 0x7f, 0x80, 0x9f, 0xa0, 0xff] {
                    let mut with = text.clone();
                    with[at] = byte;
                    assert!(!has_control(&with), "{len} {at} {byte}");
                }
            }
        }
    }

    #[test]
    fn nesting_past_the_limit_is_refused_before_arrow_json_reads_it() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        // (The innermost `[]` is empty: only the ones around it are open.)
        assert_eq!(syntax_error(nested(MAX_DEPTH + 1).as_bytes()), None);
        assert_eq!(refused_early(nested(MAX_DEPTH + 1).as_bytes()), None);
        let deep = nested(MAX_DEPTH + 2);
        let reason = "not JSON: arrays and objects nested more than 1000 deep at byte 1001";
        assert_eq!(refused_early(deep.as_bytes()).as_deref(), Some(reason));
        let deeper = format!("{{\"a\": {}}}", nested(1_000_000));
        assert!(refused_early(deeper.as_bytes()).is_some());
        // Many brackets side by side are not deep.
        let wide = format!("[{}]", vec!["[]"; 5000].join(","));
        assert_eq!(refused_early(wide.as_bytes()), None);
    }

    #[test]
    fn what_json_refuses_is_named_where_it_shows() {
        for (data, reason) in [
            (
                r#"{"s": "x",}"#,
                "a value was expected after the comma at byte 10",
            ),
            ("[1,]", "a value was expected after the comma at byte 3"),
            ("[1 2]", "a comma or ] was expected at byte 3"),
            (r#"{"a" 1}"#, "a colon was expected at byte 5"),
            (r#"{"a": 1 "b": 2}"#, "a comma or } was expected at byte 8"),
            ("{a: 1}", "a key in double quotes was expected at byte 1"),
            (r#"{"f": 01}"#, "a number with a leading zero at byte 7"),
            (r#"{"n": -01}"#, "a number with a leading zero at byte 8"),
            (r#"{"f": 1.}"#, "a digit was expected at byte 8"),
            ("1e", "a digit was expected at byte 2"),
            ("-", "a digit was expected at byte 1"),
            (
                "\"tab\there\"",
                "a control character in a string, which must be escaped at byte 4",
            ),
            ("\"a\\x\"", "an escape was expected after \\ at byte 3"),
            (
                "\"\\u12g4\"",
                "four hex digits were expected after \\u at byte 5",
            ),
            ("\"open", "a string is not closed at byte 5"),
            ("[1, [2", "a comma or ] was expected at byte 6"),
            ("nul", "a value was expected at byte 0"),
            ("NaN", "a value was expected at byte 0"),
            ("", "a value was expected at byte 0"),
        ] {
            assert_eq!(
                syntax_error(data.as_bytes()),
                Some(format!("not JSON: {reason}")),
                "{data}"
            );
        }
    }
}
