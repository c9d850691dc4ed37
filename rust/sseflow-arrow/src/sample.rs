//! An event's data as a `serde_json::Value`, for inferring the `json` type,
//! read as `json.loads` reads it.
//!
//! arrow-json infers from serde_json's values, but serde_json's reading
//! differs: it refuses a number past float64's range (`1e400`, which
//! `json.loads` reads as infinity) and nesting deeper than 128, and reads
//! `-0` as a float (`json.loads`: the integer 0). Data is read here, after
//! `strict.rs` found it JSON (so at most `strict::MAX_DEPTH` deep, which
//! bounds the recursion): a number past the range stands as float64's
//! largest, which is all inference needs of it (a float). A lone surrogate
//! escape is not read: no Arrow string holds it.

use crate::direct::input::{Fit, GiveUp, Input, Number};
use crate::strict::syntax_error;
use serde_json::{Map, Value};

/// The JSON value `data` is, if it is one.
pub(crate) fn value(data: &[u8]) -> Option<Value> {
    // The check bounds the depth of `read`'s recursion.
    if syntax_error(data).is_some() {
        return None;
    }
    // The direct decoder's reader, which gives up at a lone surrogate escape.
    let mut input = Input::new(std::str::from_utf8(data).ok()?);
    let value = read(&mut input).ok()?;
    input.skip_whitespace();
    input.at_end().then_some(value)
}

fn read(input: &mut Input<'_>) -> Fit<Value> {
    input.skip_whitespace();
    Ok(match input.peek().ok_or(GiveUp)? {
        b'{' => {
            input.next()?;
            let mut members = Map::new();
            input.skip_whitespace();
            if !input.eat(b'}') {
                loop {
                    input.skip_whitespace();
                    input.expect(b'"')?;
                    let key = string(input)?;
                    input.skip_whitespace();
                    input.expect(b':')?;
                    // The last of a key given twice, as in `json.loads`.
                    members.insert(key, read(input)?);
                    input.skip_whitespace();
                    if !input.eat(b',') {
                        break;
                    }
                }
                input.expect(b'}')?;
            }
            Value::Object(members)
        }
        b'[' => {
            input.next()?;
            let mut items = Vec::new();
            input.skip_whitespace();
            if !input.eat(b']') {
                loop {
                    items.push(read(input)?);
                    input.skip_whitespace();
                    if !input.eat(b',') {
                        break;
                    }
                }
                input.expect(b']')?;
            }
            Value::Array(items)
        }
        b'"' => {
            input.next()?;
            Value::String(string(input)?)
        }
        b't' => input.literal(b"true").map(|()| Value::Bool(true))?,
        b'f' => input.literal(b"false").map(|()| Value::Bool(false))?,
        b'n' => input.literal(b"null").map(|()| Value::Null)?,
        _ => number(input.number()?),
    })
}

/// A string's characters, after its opening quote.
fn string(input: &mut Input<'_>) -> Fit<String> {
    let mut text = String::new();
    input.string(&mut text)?;
    Ok(text)
}

/// A number as serde_json reads it, and past float64's range its largest.
fn number(number: Number<'_>) -> Value {
    if number.integer {
        if let Ok(integer) = number.text.parse::<i64>() {
            return integer.into();
        }
        if let Ok(integer) = number.text.parse::<u64>() {
            return integer.into();
        }
    }
    // The text is JSON's, which Rust's float parsing reads.
    let float: f64 = number.text.parse().unwrap_or(f64::INFINITY);
    let float = match float.is_finite() {
        true => float,
        false => f64::MAX.copysign(float),
    };
    float.into()
}

#[cfg(test)]
mod tests {
    use super::value;
    use serde_json::json;

    #[test]
    fn what_serde_json_refuses_but_json_takes_is_read() {
        assert_eq!(value(br#"{"a": 1e400}"#), Some(json!({"a": f64::MAX})));
        assert_eq!(value(br#"[-1e400, 2]"#), Some(json!([-f64::MAX, 2])));
        // An integer, as `json.loads` reads it (serde_json: the float -0.0).
        assert!(value(b"-0").expect("read").is_i64());
        let deep = format!("{}1{}", "[".repeat(500), "]".repeat(500));
        let mut got = value(deep.as_bytes()).expect("read");
        for _ in 0..500 {
            got = got.as_array().expect("a list")[0].clone();
        }
        assert_eq!(got, json!(1));
        let all = r#" {"s": "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "n": [null, true, false,
            -0, 18446744073709551615, 18446744073709551616, 1.5e3], "s": 1e999} "#;
        assert_eq!(
            value(all.as_bytes()),
            Some(json!({
                "s": f64::MAX,
                "n": [null, true, false, 0, 18446744073709551615u64, 18446744073709551616.0, 1500.0],
            }))
        );
    }

    #[test]
    fn what_is_not_json_or_holds_a_lone_surrogate_is_not_read() {
        for data in [
            r#"{"a": 1e400,}"#,
            r#"{"a": 1e400} x"#,
            r#"{"a": "\ud800", "b": 1e400}"#,
            r#"{"a": "\udc00", "b": 1e400}"#,
            r#"{"a": "\ud800\u0041", "b": 1e400}"#,
            "[1e400",
        ] {
            assert_eq!(value(data.as_bytes()), None, "{data}");
        }
        let too_deep = format!("{}{}", "[".repeat(1002), "]".repeat(1002));
        assert_eq!(value(too_deep.as_bytes()), None);
    }
}
