//! A work-around for arrow-json's decoding of escaped surrogate pairs.
//!
//! arrow-json 60 joins the halves of a `\uD840\uDC00` escape with a bitwise or
//! where an addition is needed, so every character from U+20000 up whose bits
//! overlap comes out wrong (U+20000 as U+10000); emoji (U+1F000-U+1FFFF) come
//! out right. Data holding such an escape is given to the decoder with each
//! valid pair replaced by the character itself, in UTF-8, which JSON strings
//! may hold as is. Other data is passed on untouched.

use std::borrow::Cow;

/// `data` with its escaped surrogate pairs written as UTF-8.
pub(crate) fn unescape_pairs(data: &[u8]) -> Cow<'_, [u8]> {
    // Most data holds no backslash: a memchr tells, quicker than a memmem
    // search, whose searcher is built anew for each call.
    let escape = |&at: &usize| data.get(at + 1) == Some(&b'u');
    let Some(first) = memchr::memchr_iter(b'\\', data).find(escape) else {
        return Cow::Borrowed(data);
    };
    let mut out: Option<Vec<u8>> = None;
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
        if let Some(ch) = pair_at(data, pos) {
            let out = out.get_or_insert_with(|| Vec::with_capacity(data.len()));
            out.extend_from_slice(&data[copied..pos]);
            let mut utf8 = [0; 4];
            out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
            pos += 12;
            copied = pos;
        } else {
            // Any other escape: its backslash and the next byte go as they are.
            pos += 2;
        }
    }
    match out {
        None => Cow::Borrowed(data),
        Some(mut out) => {
            out.extend_from_slice(&data[copied..]);
            Cow::Owned(out)
        }
    }
}

/// The character of a valid `\uHHHH\uLLLL` surrogate pair escape at `pos`.
fn pair_at(data: &[u8], pos: usize) -> Option<char> {
    let escape = data.get(pos..pos + 12)?;
    let unit = |at: usize| -> Option<u32> {
        if &escape[at..at + 2] != b"\\u" {
            return None;
        }
        let hex = std::str::from_utf8(&escape[at + 2..at + 6]).ok()?;
        u32::from_str_radix(hex, 16).ok()
    };
    let high = unit(0).filter(|u| (0xD800..0xDC00).contains(u))?;
    let low = unit(6).filter(|u| (0xDC00..0xE000).contains(u))?;
    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
}

#[cfg(test)]
mod tests {
    use super::unescape_pairs;

    #[test]
    fn pairs_become_utf8_and_the_rest_stays() {
        let cases: [(&[u8], &[u8]); 7] = [
            (br#"{"s": "plain"}"#, br#"{"s": "plain"}"#),
            (br#""\ud840\udc00""#, "\"\u{20000}\"".as_bytes()),
            (
                br#""a\ud83d\ude00b\u00e9""#,
                "\"a\u{1F600}b\\u00e9\"".as_bytes(),
            ),
            (br#""\\ud840\udc00""#, br#""\\ud840\udc00""#),
            (br#""\\\ud840\udc00""#, "\"\\\\\u{20000}\"".as_bytes()),
            (br#""\ud840x\udc00""#, br#""\ud840x\udc00""#),
            (br#""\udc00\ud840""#, br#""\udc00\ud840""#),
        ];
        for (data, want) in cases {
            assert_eq!(
                &*unescape_pairs(data),
                want,
                "{}",
                String::from_utf8_lossy(data)
            );
        }
    }
}
