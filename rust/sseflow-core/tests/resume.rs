//! Starting from a last event ID, as a reconnecting client does.

use sseflow_core::{Config, Item, Parser};

/// The (data, id) of every event of `input`, fed whole, and the final last event ID.
fn run(start: &str, input: &[u8]) -> (Vec<(String, String)>, String) {
    let mut parser = Parser::with_config(Config::default().last_event_id(start));
    let mut events = Vec::new();
    let mut feed = parser.feed(input);
    while let Some(item) = feed.next_item().unwrap() {
        if let Item::Event(event) = item {
            events.push((event.data().into_owned(), event.id().to_owned()));
        }
    }
    (events, parser.last_event_id().to_owned())
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn events_before_any_id_carry_the_starting_id() {
    let (events, last) = run("41", b"data: a\n\nid: 42\ndata: b\n\ndata: c\n\n");
    assert_eq!(events, pairs(&[("a", "41"), ("b", "42"), ("c", "42")]));
    assert_eq!(last, "42");
}

#[test]
fn an_empty_id_resets_the_starting_id() {
    let (events, last) = run("41", b"id\ndata: a\n\n");
    assert_eq!((events, last), (pairs(&[("a", "")]), String::new()));
}

#[test]
fn the_starting_id_is_readable_before_any_input() {
    let parser = Parser::with_config(Config::default().last_event_id("7"));
    assert_eq!(parser.last_event_id(), "7");
    assert_eq!(Parser::new().last_event_id(), "");
}
