//! A strict reader of one event's JSON text, for the direct decoder.
//!
//! It reads only what RFC 8259 allows, which arrow-json's tape decoder also
//! takes (that decoder is laxer: it lets commas be left out or repeated, and
//! numbers be any run of `0-9+-.eE`), and it gives up where the two could
//! differ: a lone surrogate escape, an escaped key. A control character in a
//! string, which the tape decoder keeps as it is but RFC 8259 does not allow,
//! gives up too, so that the batch's rows are checked (`strict.rs`); before
//! 2026-12-03 it was taken. Whitespace is JSON's four bytes, as for the tape
//! decoder.

use crate::strict::has_control;
use memchr::memchr2;
use std::fmt::Write;

/// The most bytes of a string searched before they are copied: a small part
/// of the L1 cache (a 64 KiB string searched whole, then copied, was read
/// from the L2 cache again: the decoding was 3-5% slower on such payloads).
const RUN: usize = 4096;

/// How deep a skipped value may nest (far more than data holds).
const SKIP_DEPTH: usize = 100;

/// Why the direct decoder stops: the batch goes to arrow-json instead.
#[derive(Debug)]
pub(crate) struct GiveUp;

/// A step of the direct decoder, or [`GiveUp`].
pub(crate) type Fit<T> = Result<T, GiveUp>;

/// Where a string's characters go: a column's value, or nowhere.
pub(crate) trait Sink {
    /// Text of the string as it stands in the input.
    fn run(&mut self, text: &str);
    /// The character of an escape.
    fn char(&mut self, ch: char);
}

/// The sink of a skipped string.
pub(crate) struct Discard;

impl Sink for Discard {
    fn run(&mut self, _: &str) {}
    fn char(&mut self, _: char) {}
}

impl<W: Write> Sink for W {
    fn run(&mut self, text: &str) {
        // A string builder's writes cannot fail.
        let _ = self.write_str(text);
    }
    fn char(&mut self, ch: char) {
        let _ = self.write_char(ch);
    }
}

/// A number as written: its text, and whether it is an integer literal (no
/// fraction, no exponent).
pub(crate) struct Number<'a> {
    pub text: &'a str,
    pub integer: bool,
}

/// One value's text, read from the front.
pub(crate) struct Input<'a> {
    text: &'a str,
    pos: usize,
    /// The closing bytes of the containers a skipped value has open.
    open: Vec<u8>,
    /// Whether the text holds a byte below 0x20 anywhere: only then are the
    /// strings searched for one (most data has none; some has line breaks
    /// between its values, which are whitespace).
    controls: bool,
}

impl<'a> Input<'a> {
    pub(crate) fn new(text: &'a str) -> Input<'a> {
        Input {
            text,
            pos: 0,
            open: Vec::new(),
            controls: any_control(text.as_bytes()),
        }
    }

    /// Starts on another text, keeping the buffer of open containers.
    pub(crate) fn reset(&mut self, text: &'a str) {
        self.text = text;
        self.pos = 0;
        self.open.clear();
        self.controls = any_control(text.as_bytes());
    }

    /// A run of a string's text, unless it holds a control character.
    #[inline]
    fn plain(&self, run: &'a str) -> Fit<&'a str> {
        match self.controls && has_control(run.as_bytes()) {
            true => Err(GiveUp),
            false => Ok(run),
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    pub(crate) fn skip_whitespace(&mut self) {
        let bytes = self.bytes();
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    /// Whether the next byte is `byte`, taken if so.
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    /// The next byte, taken.
    pub(crate) fn next(&mut self) -> Fit<u8> {
        let byte = self.peek().ok_or(GiveUp)?;
        self.pos += 1;
        Ok(byte)
    }

    pub(crate) fn expect(&mut self, byte: u8) -> Fit<()> {
        match self.next()? == byte {
            true => Ok(()),
            false => Err(GiveUp),
        }
    }

    /// `word` (`true`, `false`, `null`), whose first byte was peeked.
    pub(crate) fn literal(&mut self, word: &[u8]) -> Fit<()> {
        let end = self.pos + word.len();
        if self.bytes().get(self.pos..end) != Some(word) {
            return Err(GiveUp);
        }
        self.pos = end;
        Ok(())
    }

    /// A string's characters, after its opening quote, to `sink`.
    pub(crate) fn string(&mut self, sink: &mut impl Sink) -> Fit<()> {
        let bytes = self.bytes();
        loop {
            // A long run is searched and copied a piece at a time, each piece
            // copied while the search has just brought it into the L1 cache.
            let mut stop = bytes.len().min(self.pos + RUN);
            while !self.text.is_char_boundary(stop) {
                stop -= 1;
            }
            let Some(found) = memchr2(b'"', b'\\', &bytes[self.pos..stop]) else {
                if stop == bytes.len() {
                    return Err(GiveUp);
                }
                sink.run(self.plain(self.text.get(self.pos..stop).ok_or(GiveUp)?)?);
                self.pos = stop;
                continue;
            };
            // Both ends are at ASCII bytes, so on character boundaries.
            let end = self.pos + found;
            sink.run(self.plain(self.text.get(self.pos..end).ok_or(GiveUp)?)?);
            self.pos = end + 1;
            if bytes[end] == b'"' {
                return Ok(());
            }
            let ch = match self.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode()?,
                _ => return Err(GiveUp),
            };
            sink.char(ch);
        }
    }

    /// The character of a `\u` escape, after its `\u`: one code unit, or a
    /// high and a low surrogate. A lone surrogate gives up.
    fn unicode(&mut self) -> Fit<char> {
        let unit = self.hex()?;
        if !(0xD800..0xDC00).contains(&unit) {
            return char::from_u32(unit).ok_or(GiveUp);
        }
        self.expect(b'\\')?;
        self.expect(b'u')?;
        let low = self.hex()?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(GiveUp);
        }
        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)).ok_or(GiveUp)
    }

    fn hex(&mut self) -> Fit<u32> {
        let mut unit = 0;
        for _ in 0..4 {
            let digit = char::from(self.next()?).to_digit(16).ok_or(GiveUp)?;
            unit = unit << 4 | digit;
        }
        Ok(unit)
    }

    /// A key's text, after its opening quote; an escaped key gives up.
    pub(crate) fn key(&mut self) -> Fit<&'a [u8]> {
        let bytes = self.bytes();
        let found = memchr2(b'"', b'\\', &bytes[self.pos..]).ok_or(GiveUp)?;
        let end = self.pos + found;
        if bytes[end] != b'"' {
            return Err(GiveUp);
        }
        let key = &bytes[self.pos..end];
        if self.controls && has_control(key) {
            return Err(GiveUp);
        }
        self.pos = end + 1;
        Ok(key)
    }

    /// A number, as JSON writes one, whose first byte was peeked.
    pub(crate) fn number(&mut self) -> Fit<Number<'a>> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return Err(GiveUp),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.some_digits()?;
            integer = false;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.some_digits()?;
            integer = false;
        }
        let text = self.text.get(start..self.pos).ok_or(GiveUp)?;
        Ok(Number { text, integer })
    }

    fn digits(&mut self) {
        let bytes = self.bytes();
        while bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    fn some_digits(&mut self) -> Fit<()> {
        let start = self.pos;
        self.digits();
        match self.pos > start {
            true => Ok(()),
            false => Err(GiveUp),
        }
    }

    /// Skips a value of any type, checking its syntax; loops rather than
    /// recursing, so nesting of any depth is safe. A value nested
    /// [`SKIP_DEPTH`] deep gives up, for arrow-json's path to refuse it past
    /// `strict::MAX_DEPTH`, counting the levels above it.
    pub(crate) fn skip_value(&mut self) -> Fit<()> {
        let base = self.open.len();
        loop {
            if self.open.len() - base == SKIP_DEPTH {
                return Err(GiveUp);
            }
            self.skip_whitespace();
            match self.peek().ok_or(GiveUp)? {
                b'{' => {
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() != Some(b'}') {
                        self.open.push(b'}');
                        self.member_key()?;
                        continue;
                    }
                    self.pos += 1;
                }
                b'[' => {
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.peek() != Some(b']') {
                        self.open.push(b']');
                        continue;
                    }
                    self.pos += 1;
                }
                b'"' => {
                    self.pos += 1;
                    self.string(&mut Discard)?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => {
                    self.number()?;
                }
            }
            // A value ended: close what it ends, up to the next value.
            loop {
                if self.open.len() == base {
                    return Ok(());
                }
                let close = self.open[self.open.len() - 1];
                self.skip_whitespace();
                match self.next()? {
                    b',' if close == b'}' => {
                        self.member_key()?;
                        break;
                    }
                    b',' => break,
                    byte if byte == close => {
                        self.open.pop();
                    }
                    _ => return Err(GiveUp),
                }
            }
        }
    }

    /// A member's key and colon, in a skipped object.
    fn member_key(&mut self) -> Fit<()> {
        self.skip_whitespace();
        self.expect(b'"')?;
        self.string(&mut Discard)?;
        self.skip_whitespace();
        self.expect(b':')
    }
}

/// Whether `bytes` holds a byte below 0x20: its least byte, found without
/// stopping early, which over a whole event's data the compiler makes a vector
/// loop of byte minimums.
fn any_control(bytes: &[u8]) -> bool {
    bytes.iter().fold(u8::MAX, |least, &byte| least.min(byte)) < 0x20
}
