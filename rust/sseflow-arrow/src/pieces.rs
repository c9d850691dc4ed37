//! Text that comes in pieces: the data of an event whose `data` line spans
//! chunks, decoded as UTF-8 across the cuts as the core's data sink hands it
//! on, so that it is written straight into the `data` column.
//!
//! Each malformed sequence becomes U+FFFD, as `String::from_utf8_lossy` of
//! the whole data would make it. A character cut by a piece's end is held
//! back (3 bytes at most) until the next piece completes it or shows it
//! malformed. That is exact because every byte that is not a continuation
//! byte (`80`-`BF`) starts a new character or malformed sequence, whatever
//! came before it: decoding can start over at any such byte.

/// A UTF-8 decoder fed piece by piece.
#[derive(Clone, Debug, Default)]
pub(crate) struct Utf8Pieces {
    /// The start of a character cut by the end of the last piece.
    held: [u8; 4],
    held_len: usize,
}

impl Utf8Pieces {
    /// Decodes the next piece, handing its text to `out`; `text` is the piece
    /// as text, when it is known to be valid.
    pub(crate) fn write(&mut self, bytes: &[u8], text: Option<&str>, out: &mut impl FnMut(&str)) {
        if let (Some(text), 0) = (text, self.held_len) {
            return out(text);
        }
        let Some(bytes) = self.complete(bytes, out) else {
            return;
        };
        let cut = cut_character(bytes);
        let (whole, tail) = bytes.split_at(cut);
        match simdutf8::basic::from_utf8(whole) {
            Ok(text) => out(text),
            Err(_) => lossy(whole, out),
        }
        self.held[..tail.len()].copy_from_slice(tail);
        self.held_len = tail.len();
    }

    /// The text has ended: a character still cut is malformed.
    pub(crate) fn finish(&mut self, out: &mut impl FnMut(&str)) {
        if std::mem::take(&mut self.held_len) > 0 {
            out("\u{fffd}");
        }
    }

    /// Completes the held character with the first bytes of `bytes`, and
    /// returns the rest; `None` when they are too few to tell, and are held too.
    fn complete<'b>(&mut self, bytes: &'b [u8], out: &mut impl FnMut(&str)) -> Option<&'b [u8]> {
        let held = self.held_len;
        if held == 0 {
            return Some(bytes);
        }
        let need = width(self.held[0]);
        let taken = (need - held).min(bytes.len());
        let mut character = self.held;
        character[held..held + taken].copy_from_slice(&bytes[..taken]);
        match std::str::from_utf8(&character[..held + taken]) {
            Ok(text) => {
                out(text);
                self.held_len = 0;
                Some(&bytes[taken..])
            }
            Err(error) => match error.error_len() {
                // Still a character's start: the piece was too short.
                None => {
                    self.held = character;
                    self.held_len = held + taken;
                    None
                }
                // The held bytes start a malformed sequence, which takes
                // some of `bytes` or none.
                Some(len) if len >= held => {
                    out("\u{fffd}");
                    self.held_len = 0;
                    Some(&bytes[len - held..])
                }
                // (A held character's start is never malformed inside
                // itself; were it so, what follows is decoded in place.)
                Some(len) => {
                    out("\u{fffd}");
                    self.held_len = 0;
                    lossy(&character[len..held], out);
                    Some(bytes)
                }
            },
        }
    }
}

/// How many bytes a character starting with `byte` takes (1 for a byte that
/// cannot start one: it is malformed alone).
fn width(byte: u8) -> usize {
    match byte {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

/// Where the character cut by the end of `bytes` starts, if one is: it is
/// then the start of a valid character with bytes missing. Else `bytes.len()`.
fn cut_character(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let start = bytes.len() - back;
        if bytes[start] & 0xC0 == 0x80 {
            continue;
        }
        let cut = width(bytes[start]) > back
            && std::str::from_utf8(&bytes[start..]).is_err_and(|error| error.error_len().is_none());
        return if cut { start } else { bytes.len() };
    }
    bytes.len()
}

/// Decodes `bytes`, which are not valid UTF-8, replacing what is malformed.
fn lossy(bytes: &[u8], out: &mut impl FnMut(&str)) {
    for chunk in bytes.utf8_chunks() {
        out(chunk.valid());
        if !chunk.invalid().is_empty() {
            out("\u{fffd}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Utf8Pieces;

    /// The text of `pieces` decoded one by one.
    fn decode(pieces: &[&[u8]]) -> String {
        let mut text = String::new();
        let mut decoder = Utf8Pieces::default();
        for piece in pieces {
            // Valid pieces go both ways.
            let valid = std::str::from_utf8(piece)
                .ok()
                .filter(|_| piece.len() % 2 == 0);
            decoder.write(piece, valid, &mut |part| text.push_str(part));
        }
        decoder.finish(&mut |part| text.push_str(part));
        text
    }

    /// Every cut of valid and malformed text in two and in three decodes as
    /// the whole does.
    #[test]
    fn every_cut_decodes_as_the_whole() {
        let samples: &[&[u8]] = &[
            "aé€😀z".as_bytes(),
            b"\xe2\x82",
            b"\xe2\x82A",
            b"\xf0\x9f\x98",
            b"\xf0\x9f\x98\xf0\x9f\x98\x80",
            b"\xe0\x80\x80x",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
            b"\xc0\xc1\xf5\xff\x80\xbf",
            b"a\xc3\xa9\xc3",
            b"\xef\xbb\xbf\xe2\x82\xac\xe2",
            b"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3",
        ];
        for sample in samples {
            let whole = String::from_utf8_lossy(sample);
            assert_eq!(decode(&[sample]), whole, "{sample:x?}");
            for i in 0..=sample.len() {
                let (a, rest) = sample.split_at(i);
                assert_eq!(decode(&[a, rest]), whole, "{sample:x?} cut at {i}");
                for j in 0..=rest.len() {
                    let (b, c) = rest.split_at(j);
                    assert_eq!(
                        decode(&[a, b, c]),
                        whole,
                        "{sample:x?} cut at {i}, {}",
                        i + j
                    );
                }
            }
            let bytewise: Vec<&[u8]> = sample.chunks(1).collect();
            assert_eq!(decode(&bytewise), whole, "{sample:x?} a byte at a time");
        }
    }

    /// Random bytes, mostly from the edges of UTF-8's ranges, cut at random.
    #[test]
    fn random_cuts_decode_as_the_whole() {
        const BYTES: &[u8] =
            b"a\x7f\x80\x8f\x90\x9f\xa0\xbf\xc0\xc2\xdf\xe0\xed\xef\xf0\xf4\xf5\xff";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        for _ in 0..20_000 {
            let sample: Vec<u8> = (0..next(24)).map(|_| BYTES[next(BYTES.len())]).collect();
            let mut pieces = Vec::new();
            let mut rest = &sample[..];
            while !rest.is_empty() {
                let (piece, after) = rest.split_at(next(rest.len() + 1));
                pieces.push(piece);
                rest = after;
            }
            let whole = String::from_utf8_lossy(&sample);
            assert_eq!(decode(&pieces), whole, "{pieces:x?}");
        }
    }
}
