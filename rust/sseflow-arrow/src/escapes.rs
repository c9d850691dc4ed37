//! Escaped surrogates, for arrow-json's decoding.
//!
//! arrow-json 60 joins the halves of a `\uD840\uDC00` escape with a bitwise or
//! where an addition is needed, so every character from U+20000 up whose bits
//! overlap comes out wrong (U+20000 as U+10000); emoji (U+1F000-U+1FFFF) come
//! out right. Data holding such an escape is given to the decoder with each
//! valid pair replaced by the character itself, in UTF-8, which JSON strings
//! may hold as is.
//!
//! Its tape refuses a lone surrogate escape (`\uD800` without its low half)
//! wherever it stands, where `json.loads` takes it: in a key or value outside
//! the schema it must not spoil the row. Each is replaced by [`LONE`], a
//! noncharacter, unless the data holds that character already; a row so marked
//! is checked alone, by a decoder whose string fields refuse [`LONE`]
//! (`corrections.rs`), as pyarrow refuses a lone surrogate in a string. Other
//! data is passed on untouched.

use std::borrow::Cow;

/// What stands for a lone surrogate escape in the decoder's input.
pub(crate) const LONE: char = '\u{FDD0}';

/// `data` as the decoder is given it (see the module's docs), and whether a
/// lone surrogate escape in it was replaced by [`LONE`]; with `mark` false,
/// none is (the schema names a field with [`LONE`], which a marked key would
/// match).
pub(crate) fn fix_surrogates(data: &[u8], mark: bool) -> (Cow<'_, [u8]>, bool) {
    // Most data holds no backslash: a memchr tells, quicker than a memmem
    // search, whose searcher is built anew for each call.
    let escape = |&at: &usize| data.get(at + 1) == Some(&b'u');
    let Some(first) = memchr::memchr_iter(b'\\', data).find(escape) else {
        return (Cow::Borrowed(data), false);
    };
    let mut out: Option<Vec<u8>> = None;
    let mut marked = false;
    let mut may_mark = (!mark).then_some(false);
    // Back to the backslashes before `first`: an even count escapes nothing.
    let mut pos = data[..first]
        .iter()
        .rposition(|&b| b != b'\\')
        .map_or(0, |i| i + 1);
    let mut copied = 0;
    while pos < data.len() {
        if data[pos] != b'\\' {
            pos += 1;
            continue;
        }
        let (put, len) = if let Some(ch) = pair_at(data, pos) {
            (ch, 12)
        } else if unit_at(data, pos).is_some_and(|unit| (0xD800..0xE000).contains(&unit))
            && *may_mark.get_or_insert_with(|| !holds_lone(data))
        {
            marked = true;
            (LONE, 6)
        } else {
            // Any other escape: its backslash and the next byte go as they are.
            pos += 2;
            continue;
        };
        let out = out.get_or_insert_with(|| Vec::with_capacity(data.len()));
        out.extend_from_slice(&data[copied..pos]);
        let mut utf8 = [0; 4];
        out.extend_from_slice(put.encode_utf8(&mut utf8).as_bytes());
        pos += len;
        copied = pos;
    }
    let text = match out {
        None => Cow::Borrowed(data),
        Some(mut out) => {
            out.extend_from_slice(&data[copied..]);
            Cow::Owned(out)
        }
    };
    (text, marked)
}

/// Whether `data` holds [`LONE`], as UTF-8 or escaped (`\\uFDD0` after an
/// escaped backslash is text).
fn holds_lone(data: &[u8]) -> bool {
    let mut utf8 = [0; 4];
    if memchr::memmem::find(data, LONE.encode_utf8(&mut utf8).as_bytes()).is_some() {
        return true;
    }
    let mut pos = 0;
    while let Some(found) = memchr::memchr(b'\\', &data[pos..]) {
        let at = pos + found;
        if unit_at(data, at) == Some(u32::from(LONE)) {
            return true;
        }
        // Past the escaped byte: the second backslash of a pair escapes nothing.
        pos = at + 2;
        if pos >= data.len() {
            break;
        }
    }
    false
}

/// The code unit of a `\uHHHH` escape at `pos`.
fn unit_at(data: &[u8], pos: usize) -> Option<u32> {
    let escape = data.get(pos..pos + 6)?;
    if &escape[..2] != b"\\u" {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(&escape[2..]).ok()?, 16).ok()
}

/// The character of a valid `\uHHHH\uLLLL` surrogate pair escape at `pos`.
fn pair_at(data: &[u8], pos: usize) -> Option<char> {
    let high = unit_at(data, pos).filter(|u| (0xD800..0xDC00).contains(u))?;
    let low = unit_at(data, pos + 6).filter(|u| (0xDC00..0xE000).contains(u))?;
    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
}

#[cfg(test)]
mod tests {
    use super::fix_surrogates;

    #[test]
    fn pairs_become_utf8_lone_halves_are_marked_and_the_rest_stays() {
        let cases: [(&[u8], &[u8], bool); 12] = [
            (br#"{"s": "plain"}"#, br#"{"s": "plain"}"#, false),
            (br#""\ud840\udc00""#, "\"\u{20000}\"".as_bytes(), false),
            (
                br#""a\ud83d\ude00b\u00e9""#,
                "\"a\u{1F600}b\\u00e9\"".as_bytes(),
                false,
            ),
            // An escaped backslash, then text, then a lone low half.
            (
                br#""\\ud840\udc00""#,
                "\"\\\\ud840\u{FDD0}\"".as_bytes(),
                true,
            ),
            (
                br#""\\\ud840\udc00""#,
                "\"\\\\\u{20000}\"".as_bytes(),
                false,
            ),
            (
                br#""\ud840x\udc00""#,
                "\"\u{FDD0}x\u{FDD0}\"".as_bytes(),
                true,
            ),
            (
                br#""\udc00\ud840""#,
                "\"\u{FDD0}\u{FDD0}\"".as_bytes(),
                true,
            ),
            (
                br#""\ud800\ud800\udc00\u0041""#,
                "\"\u{FDD0}\u{10000}\\u0041\"".as_bytes(),
                true,
            ),
            (br#""\\udc00""#, br#""\\udc00""#, false),
            // Data holding the mark itself keeps its lone halves (and is refused).
            (br#""\ud800\uFDD0""#, br#""\ud800\uFDD0""#, false),
            (
                "\"\\ud800\u{FDD0}\"".as_bytes(),
                "\"\\ud800\u{FDD0}\"".as_bytes(),
                false,
            ),
            // An escaped backslash, then the text uFDD0: no mark in the data.
            (
                br#"["C:\\uFDD0", "\ud800"]"#,
                "[\"C:\\\\uFDD0\", \"\u{FDD0}\"]".as_bytes(),
                true,
            ),
        ];
        for (data, want, marked) in cases {
            let (got, lone) = fix_surrogates(data, true);
            assert!(!fix_surrogates(data, false).1);
            let shown = String::from_utf8_lossy(data);
            assert_eq!(&*got, want, "{shown}");
            assert_eq!(lone, marked, "{shown}");
        }
    }
}
