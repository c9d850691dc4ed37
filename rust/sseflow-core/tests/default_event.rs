//! `Config::default_event`: the type of an event whose event type buffer is
//! empty at dispatch, under every chunking.

mod common;

use common::chunkings;
use sseflow_core::{Config, Item, Parser};

/// Blocks with no `event` field, `event: message`, an empty `event:` (the
/// buffer stays empty), a named type, and a type set in one block that does
/// not carry over to the next.
const STREAM: &[u8] = b"data: a\n\nevent: message\ndata: b\n\nevent:\ndata: c\r\n\r\n\
event: x\ndata: d\n\nevent: y\n\ndata: e\n\n";

/// Each event's type (`None`: no type) and data, for every chunking of `STREAM`.
fn types(config: &Config) -> Vec<(Option<String>, String)> {
    let mut first = None;
    for chunks in chunkings(STREAM) {
        let mut parser = Parser::with_config(config.clone());
        let mut seen = Vec::new();
        for chunk in chunks {
            let mut feed = parser.feed(chunk);
            while let Some(item) = feed.next_item().unwrap() {
                let Item::Event(event) = item else {
                    panic!("a comment without comments on");
                };
                let kind = event.event_type_or_none();
                assert_eq!(event.event_type_bytes(), kind.unwrap_or_default());
                let kind = kind.map(|bytes| String::from_utf8_lossy(bytes).into_owned());
                seen.push((kind, event.data().into_owned()));
            }
        }
        match &first {
            None => first = Some(seen),
            Some(first) => assert_eq!(&seen, first),
        }
    }
    first.unwrap()
}

fn expect(types: [Option<&str>; 5]) -> Vec<(Option<String>, String)> {
    types
        .into_iter()
        .zip(["a", "b", "c", "d", "e"])
        .map(|(kind, data)| (kind.map(str::to_owned), data.to_owned()))
        .collect()
}

#[test]
fn message_is_the_default() {
    let message = Some("message");
    assert_eq!(
        types(&Config::default()),
        expect([message, message, message, Some("x"), message])
    );
    assert_eq!(
        types(&Config::default().default_event(Some("message"))),
        types(&Config::default())
    );
}

#[test]
fn none_tells_no_event_field_from_event_message() {
    assert_eq!(
        types(&Config::default().default_event(None)),
        expect([None, Some("message"), None, Some("x"), None])
    );
}

#[test]
fn another_default() {
    let update = Some("update");
    assert_eq!(
        types(&Config::default().default_event(Some("update"))),
        expect([update, Some("message"), update, Some("x"), update])
    );
}

#[test]
fn owned_event_without_a_type_is_empty() {
    let mut parser = Parser::with_config(Config::default().default_event(None));
    let mut feed = parser.feed(b"data: a\n\n");
    let Some(Item::Event(event)) = feed.next_item().unwrap() else {
        panic!("no event");
    };
    assert_eq!(event.event_type(), "");
    assert_eq!(event.to_owned_event().event_type, "");
}

#[test]
fn has_default_type_says_whether_the_block_set_a_type() {
    let mut parser = Parser::new();
    let mut feed = parser.feed(b"data: a\n\nevent: message\ndata: b\n\nevent:\ndata: c\n\n");
    let mut seen = Vec::new();
    while let Some(item) = feed.next_item().unwrap() {
        let Item::Event(event) = item else {
            panic!("a comment without comments on");
        };
        seen.push(event.has_default_type());
    }
    assert_eq!(seen, [true, false, true]);
}
