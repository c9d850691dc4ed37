//! The tokenizing rules of the WHATWG HTML standard ("Parsing an event
//! stream", "Interpreting an event stream"), one table row per case, with the
//! expected results written by hand from the standard.
//!
//! Every row runs under every chunking of `common::chunkings` (whole, one
//! byte at a time, every cut in two and, for short rows, every cut in three),
//! through both `Feed` and the raw `parse` loop, and with comments on and off
//! (off: the same rows without their comments).

mod common;

use common::{chunkings, comment, run, Got, Outcome};
use sseflow_core::{EndOfStream, Error, Item, Parser};

/// An event with type, data, id and block retry.
fn ev(event_type: &str, data: &str, id: &str, retry: Option<u64>) -> Got {
    common::event(event_type, data, id, retry)
}

/// A `message` event with this data, no id, no retry.
fn msg(data: &str) -> Got {
    ev("message", data, "", None)
}

/// Shows chunks as escaped text for failure messages.
fn show(chunks: &[&[u8]]) -> Vec<String> {
    chunks
        .iter()
        .map(|chunk| chunk.escape_ascii().to_string())
        .collect()
}

fn check(input: &[u8], items: &[Got], last_event_id: &str, retry: Option<u64>, end: EndOfStream) {
    let with_comments = Outcome {
        items: items.to_vec(),
        last_event_id: last_event_id.to_owned(),
        retry,
        end,
    };
    let without_comments = Outcome {
        items: items
            .iter()
            .filter(|item| matches!(item, Got::Event(_)))
            .cloned()
            .collect(),
        ..with_comments.clone()
    };
    for chunks in chunkings(input) {
        assert_eq!(
            run(true, &chunks),
            with_comments,
            "comments on, chunks {:?}",
            show(&chunks)
        );
        assert_eq!(
            run(false, &chunks),
            without_comments,
            "comments off, chunks {:?}",
            show(&chunks)
        );
    }
}

/// `name: input => [items], id: last_event_id, retry: retry, end: EndOfStream;`
macro_rules! spec {
    ($(
        $(#[$attr:meta])*
        $name:ident: $input:expr => [$($item:expr),* $(,)?],
            id: $id:expr, retry: $retry:expr, end: $end:ident;
    )*) => {$(
        $(#[$attr])*
        #[test]
        fn $name() {
            check($input, &[$($item),*], $id, $retry, EndOfStream::$end);
        }
    )*};
}

const MAX: Option<u64> = Some(u64::MAX);

spec! {
    // A leading BOM (EF BB BF) is stripped once, only at the start of the stream.
    bom_stripped: b"\xEF\xBB\xBFdata: x\n\n" => [msg("x")], id: "", retry: None, end: Clean;
    bom_before_comment: b"\xEF\xBB\xBF: hi\n" => [comment("hi")], id: "", retry: None, end: Clean;
    bom_before_blank_line: b"\xEF\xBB\xBF\ndata: x\n\n"
        => [msg("x")], id: "", retry: None, end: Clean;
    bom_only_is_clean: b"\xEF\xBB\xBF" => [], id: "", retry: None, end: Clean;
    bom_then_partial_line: b"\xEF\xBB\xBFdata" => [], id: "", retry: None, end: InsideLine;
    partial_bom_two_bytes_inside_line: b"\xEF\xBB" => [], id: "", retry: None, end: InsideLine;
    partial_bom_one_byte_inside_line: b"\xEF" => [], id: "", retry: None, end: InsideLine;
    second_bom_in_value_is_data: b"\xEF\xBB\xBFdata: \xEF\xBB\xBFx\n\n"
        => [msg("\u{FEFF}x")], id: "", retry: None, end: Clean;
    second_bom_starts_field_name: b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\n"
        => [], id: "", retry: None, end: Clean;
    bom_on_later_line_is_name_text: b"data: a\n\n\xEF\xBB\xBFdata: b\n\n"
        => [msg("a")], id: "", retry: None, end: Clean;
    broken_bom_is_line_text: b"\xEF\xBBdata: x\n\n" => [], id: "", retry: None, end: Clean;
    broken_bom_one_byte_is_line_text: b"\xEFdata: x\n\n" => [], id: "", retry: None, end: Clean;
    broken_bom_then_line_end: b"\xEF\xBB\n" => [], id: "", retry: None, end: Clean;
    bom_bytes_reordered: b"\xBB\xEF\xBF\ndata: x\n\n"
        => [msg("x")], id: "", retry: None, end: Clean;

    // Lines end at CRLF, LF or a lone CR.
    lf_line_ends: b"data: a\ndata: b\n\n" => [msg("a\nb")], id: "", retry: None, end: Clean;
    cr_line_ends: b"data: a\rdata: b\r\r" => [msg("a\nb")], id: "", retry: None, end: Clean;
    crlf_line_ends: b"data: a\r\ndata: b\r\n\r\n" => [msg("a\nb")], id: "", retry: None, end: Clean;
    mixed_line_ends: b"data: a\r\ndata: b\rdata: c\n\r\n"
        => [msg("a\nb\nc")], id: "", retry: None, end: Clean;
    lf_then_cr_is_two_line_ends: b"data: a\n\rdata: b\n\n"
        => [msg("a"), msg("b")], id: "", retry: None, end: Clean;
    cr_then_crlf: b"data: a\r\r\ndata: b\r\n\r"
        => [msg("a"), msg("b")], id: "", retry: None, end: Clean;
    crlf_then_lf_dispatches: b"data: a\r\n\ndata: b\n\n"
        => [msg("a"), msg("b")], id: "", retry: None, end: Clean;
    cr_at_end_ends_line: b"data: a\r" => [], id: "", retry: None, end: InsideEvent;
    cr_at_end_ends_blank_line: b"data: a\n\r" => [msg("a")], id: "", retry: None, end: Clean;
    crlf_at_end: b"data: a\r\n" => [], id: "", retry: None, end: InsideEvent;
    only_line_ends: b"\r\n\r\n\n\r\r" => [], id: "", retry: None, end: Clean;

    // A line starting with ':' is a comment; its text loses one leading space.
    comment_one_space_stripped: b": ping\n" => [comment("ping")], id: "", retry: None, end: Clean;
    comment_without_space: b":ping\n" => [comment("ping")], id: "", retry: None, end: Clean;
    comment_empty: b":\n" => [comment("")], id: "", retry: None, end: Clean;
    comment_only_one_space_stripped: b":  two\n"
        => [comment(" two")], id: "", retry: None, end: Clean;
    comment_keeps_colons: b": a: b\n" => [comment("a: b")], id: "", retry: None, end: Clean;
    comment_between_data_lines: b"data: x\n: mid\ndata: y\n\n"
        => [comment("mid"), msg("x\ny")], id: "", retry: None, end: Clean;
    comments_with_each_line_end: b": a\r: b\r\n:c\n"
        => [comment("a"), comment("b"), comment("c")], id: "", retry: None, end: Clean;
    comment_does_not_dispatch: b"data: x\n:\n"
        => [comment("")], id: "", retry: None, end: InsideEvent;
    comment_lossy: b": \xFF\n" => [comment("\u{FFFD}")], id: "", retry: None, end: Clean;
    partial_comment_at_end_is_clean: b": partial" => [], id: "", retry: None, end: Clean;
    partial_comment_inside_event: b"data: x\n: partial"
        => [], id: "", retry: None, end: InsideEvent;

    // name ':' value; no colon: the whole line is the name and the value is empty.
    field_without_colon: b"data\n\n" => [msg("")], id: "", retry: None, end: Clean;
    field_with_empty_value: b"data:\n\n" => [msg("")], id: "", retry: None, end: Clean;
    no_space_after_colon: b"data:x\n\n" => [msg("x")], id: "", retry: None, end: Clean;
    one_space_stripped: b"data: x\n\n" => [msg("x")], id: "", retry: None, end: Clean;
    only_one_space_stripped: b"data:  x\n\n" => [msg(" x")], id: "", retry: None, end: Clean;
    tab_not_stripped: b"data:\tx\n\n" => [msg("\tx")], id: "", retry: None, end: Clean;
    trailing_space_kept: b"data: x \n\n" => [msg("x ")], id: "", retry: None, end: Clean;
    first_colon_splits: b"data:x:y\n\n" => [msg("x:y")], id: "", retry: None, end: Clean;
    value_may_start_with_colon: b"data: :x\n\n" => [msg(":x")], id: "", retry: None, end: Clean;
    event_without_colon: b"event\ndata: x\n\n" => [msg("x")], id: "", retry: None, end: Clean;
    space_before_colon_is_in_name: b"data : x\n\n" => [], id: "", retry: None, end: Clean;
    leading_space_is_in_name: b" data: x\n\n" => [], id: "", retry: None, end: Clean;

    // Field names are case-sensitive.
    data_capitalised_ignored: b"Data: x\n\n" => [], id: "", retry: None, end: Clean;
    data_upper_case_ignored: b"DATA: x\n\n" => [], id: "", retry: None, end: Clean;
    event_capitalised_ignored: b"Event: e\ndata: x\n\n"
        => [msg("x")], id: "", retry: None, end: Clean;
    id_upper_case_ignored: b"ID: 1\ndata: x\n\n" => [msg("x")], id: "", retry: None, end: Clean;
    retry_capitalised_ignored: b"Retry: 5\nRETRY: 6\n" => [], id: "", retry: None, end: Clean;
    event_value_keeps_case: b"event: E\ndata: x\n\n"
        => [ev("E", "x", "", None)], id: "", retry: None, end: Clean;

    // Other field names are ignored and carry nothing.
    unknown_field_between: b"foo: bar\ndata: x\n\n" => [msg("x")], id: "", retry: None, end: Clean;
    unknown_field_alone: b"foo\n\n" => [], id: "", retry: None, end: Clean;
    unknown_field_not_truncated: b"foo: bar\n" => [], id: "", retry: None, end: Clean;
    longer_names_unknown: b"datas: x\nevents: y\nids: z\n\n" => [], id: "", retry: None, end: Clean;
    shorter_name_unknown: b"dat: x\n\n" => [], id: "", retry: None, end: Clean;

    // Data values are joined by LF; one trailing LF is removed.
    data_three_lines: b"data: a\ndata: b\ndata: c\n\n"
        => [msg("a\nb\nc")], id: "", retry: None, end: Clean;
    data_empty_middle_line: b"data: a\ndata\ndata: b\n\n"
        => [msg("a\n\nb")], id: "", retry: None, end: Clean;
    data_two_empty_lines: b"data\ndata\n\n" => [msg("\n")], id: "", retry: None, end: Clean;
    data_two_empty_values: b"data:\ndata:\n\n" => [msg("\n")], id: "", retry: None, end: Clean;
    data_empty_last_line: b"data: a\ndata\n\n" => [msg("a\n")], id: "", retry: None, end: Clean;
    data_two_events: b"data: a\n\ndata: b\n\n"
        => [msg("a"), msg("b")], id: "", retry: None, end: Clean;
    data_around_unknown_field: b"data: a\nfoo: z\ndata: b\n\n"
        => [msg("a\nb")], id: "", retry: None, end: Clean;
    extra_blank_lines_dispatch_nothing: b"data: a\n\n\n\ndata: b\n\n"
        => [msg("a"), msg("b")], id: "", retry: None, end: Clean;

    // The event type is reset at every blank line, dispatch or not.
    type_reset_after_dispatch: b"event: a\ndata: 1\n\ndata: 2\n\n"
        => [ev("a", "1", "", None), msg("2")], id: "", retry: None, end: Clean;
    type_reset_without_dispatch: b"event: a\n\ndata: 2\n\n"
        => [msg("2")], id: "", retry: None, end: Clean;
    type_last_wins: b"event: a\nevent: b\ndata: x\n\n"
        => [ev("b", "x", "", None)], id: "", retry: None, end: Clean;
    type_set_empty_is_message: b"event: a\nevent\ndata: x\n\n"
        => [msg("x")], id: "", retry: None, end: Clean;
    type_set_empty_value_is_message: b"event: a\nevent:\ndata: x\n\n"
        => [msg("x")], id: "", retry: None, end: Clean;
    type_after_data: b"data: x\nevent: late\n\n"
        => [ev("late", "x", "", None)], id: "", retry: None, end: Clean;
    type_alone_dispatches_nothing: b"event: a\ndata: 1\n\nevent: b\n\n"
        => [ev("a", "1", "", None)], id: "", retry: None, end: Clean;

    // The last event ID persists; an empty id resets it; an id with NUL is ignored.
    id_persists: b"id: 1\ndata: a\n\ndata: b\n\n"
        => [ev("message", "a", "1", None), ev("message", "b", "1", None)], id: "1", retry: None, end: Clean;
    id_reset_without_colon: b"id: 1\ndata: a\n\nid\ndata: b\n\n"
        => [ev("message", "a", "1", None), msg("b")], id: "", retry: None, end: Clean;
    id_reset_with_empty_value: b"id: 1\n\nid:\n\n" => [], id: "", retry: None, end: Clean;
    id_with_nul_ignored: b"id: 1\n\nid: a\0b\ndata: x\n\n"
        => [ev("message", "x", "1", None)], id: "1", retry: None, end: Clean;
    id_only_nul_ignored: b"id: 7\n\nid: \0\n\n" => [], id: "7", retry: None, end: Clean;
    id_nul_after_valid_in_block: b"id: 1\nid: \0\ndata: x\n\n"
        => [ev("message", "x", "1", None)], id: "1", retry: None, end: Clean;
    id_with_nul_not_truncated: b"id: a\0\n" => [], id: "", retry: None, end: Clean;
    id_pending_at_end_not_committed: b"id: 5\n" => [], id: "", retry: None, end: InsideEvent;
    id_pending_after_event: b"id: 1\ndata: a\n\nid: 2\ndata: b\n"
        => [ev("message", "a", "1", None)], id: "1", retry: None, end: InsideEvent;
    id_only_block: b"id: 42\n\n" => [], id: "42", retry: None, end: Clean;
    id_only_block_then_event: b"id: 42\n\ndata: x\n\n"
        => [ev("message", "x", "42", None)], id: "42", retry: None, end: Clean;
    id_with_type_only_block: b"id: 3\nevent: e\n\n" => [], id: "3", retry: None, end: Clean;
    id_after_data_in_block: b"data: x\nid: 7\n\n"
        => [ev("message", "x", "7", None)], id: "7", retry: None, end: Clean;
    id_last_wins: b"id: 1\nid: 2\ndata: x\n\n"
        => [ev("message", "x", "2", None)], id: "2", retry: None, end: Clean;
    id_keeps_colon_and_second_space: b"id:  a:b\ndata: x\n\n"
        => [ev("message", "x", " a:b", None)], id: " a:b", retry: None, end: Clean;
    id_lossy: b"id: \xFF\ndata: x\n\n"
        => [ev("message", "x", "\u{FFFD}", None)], id: "\u{FFFD}", retry: None, end: Clean;

    // retry: ASCII digits only, non-empty; saturates at u64::MAX.
    retry_sets: b"retry: 1000\n" => [], id: "", retry: Some(1000), end: Clean;
    retry_zero: b"retry: 0\n" => [], id: "", retry: Some(0), end: Clean;
    retry_leading_zeros: b"retry: 007\n" => [], id: "", retry: Some(7), end: Clean;
    retry_many_leading_zeros: b"retry: 0000000000000000000000000000001\n"
        => [], id: "", retry: Some(1), end: Clean;
    retry_max: b"retry: 18446744073709551615\n" => [], id: "", retry: MAX, end: Clean;
    retry_saturates_just_above: b"retry: 18446744073709551616\n"
        => [], id: "", retry: MAX, end: Clean;
    retry_saturates_far_above: b"retry: 99999999999999999999999999999999999999\n"
        => [], id: "", retry: MAX, end: Clean;
    retry_letter_ignored: b"retry: 10a\n" => [], id: "", retry: None, end: Clean;
    retry_negative_ignored: b"retry: -1\n" => [], id: "", retry: None, end: Clean;
    retry_plus_ignored: b"retry: +5\n" => [], id: "", retry: None, end: Clean;
    retry_fraction_ignored: b"retry: 1.5\n" => [], id: "", retry: None, end: Clean;
    retry_second_space_ignored: b"retry:  5\n" => [], id: "", retry: None, end: Clean;
    retry_trailing_space_ignored: b"retry: 5 \n" => [], id: "", retry: None, end: Clean;
    retry_fullwidth_digit_ignored: b"retry: \xEF\xBC\x95\n" => [], id: "", retry: None, end: Clean;
    retry_empty_ignored: b"retry:\nretry\nretry: \n" => [], id: "", retry: None, end: Clean;
    retry_invalid_keeps_previous: b"retry: 5\nretry: x\nretry:\n"
        => [], id: "", retry: Some(5), end: Clean;
    retry_last_valid_wins: b"retry: 5\nretry: 6\n" => [], id: "", retry: Some(6), end: Clean;
    retry_with_cr: b"retry: 5\r" => [], id: "", retry: Some(5), end: Clean;
    retry_partial_line_not_applied: b"retry: 5" => [], id: "", retry: None, end: InsideLine;
    retry_does_not_truncate: b"data: a\n\nretry: 5\n"
        => [msg("a")], id: "", retry: Some(5), end: Clean;

    // Event::retry is the valid retry of the event's own block.
    block_retry_once: b"retry: 10\ndata: a\n\ndata: b\n\n"
        => [ev("message", "a", "", Some(10)), msg("b")], id: "", retry: Some(10), end: Clean;
    block_retry_forgotten_without_dispatch: b"retry: 5\n\ndata: x\n\n"
        => [msg("x")], id: "", retry: Some(5), end: Clean;
    block_retry_after_data: b"data: a\nretry: 7\n\n"
        => [ev("message", "a", "", Some(7))], id: "", retry: Some(7), end: Clean;
    block_retry_last_wins: b"retry: 1\nretry: 2\ndata: x\n\n"
        => [ev("message", "x", "", Some(2))], id: "", retry: Some(2), end: Clean;
    block_retry_invalid_ignored: b"retry: 3\nretry: bad\ndata: x\n\n"
        => [ev("message", "x", "", Some(3))], id: "", retry: Some(3), end: Clean;
    block_retry_invalid_alone: b"retry: 3\ndata: a\n\nretry: x\ndata: b\n\n"
        => [ev("message", "a", "", Some(3)), msg("b")], id: "", retry: Some(3), end: Clean;

    // UTF-8 decoded with replacement: one U+FFFD per maximal subpart.
    lossy_lone_byte: b"data: \xFF\n\n" => [msg("\u{FFFD}")], id: "", retry: None, end: Clean;
    lossy_truncated_three_byte: b"data: a\xE2\x82b\n\n"
        => [msg("a\u{FFFD}b")], id: "", retry: None, end: Clean;
    lossy_truncated_four_byte_at_line_end: b"data: \xF0\x9F\x98\n\n"
        => [msg("\u{FFFD}")], id: "", retry: None, end: Clean;
    lossy_overlong_three_byte: b"data: \xE0\x80\n\n"
        => [msg("\u{FFFD}\u{FFFD}")], id: "", retry: None, end: Clean;
    lossy_overlong_two_byte: b"data: \xC0\xAF\n\n"
        => [msg("\u{FFFD}\u{FFFD}")], id: "", retry: None, end: Clean;
    lossy_surrogate: b"data: \xED\xA0\x80\n\n"
        => [msg("\u{FFFD}\u{FFFD}\u{FFFD}")], id: "", retry: None, end: Clean;
    lossy_above_max: b"data: \xF4\x90\x80\x80\n\n"
        => [msg("\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}")], id: "", retry: None, end: Clean;
    lossy_across_data_lines: b"data: \xE2\x82\ndata: \xAC\n\n"
        => [msg("\u{FFFD}\n\u{FFFD}")], id: "", retry: None, end: Clean;
    lossy_valid_then_truncated: b"data: \xF0\x9F\x98\x80\xF0\x9F\n\n"
        => [msg("\u{1F600}\u{FFFD}")], id: "", retry: None, end: Clean;
    multibyte_valid: b"data: \xE2\x82\xAC \xF0\x9F\x98\x80 \xC3\xA9\n\n"
        => [msg("\u{20AC} \u{1F600} \u{E9}")], id: "", retry: None, end: Clean;
    lossy_event_type: b"event: \xFF\xFE\ndata: x\n\n"
        => [ev("\u{FFFD}\u{FFFD}", "x", "", None)], id: "", retry: None, end: Clean;
    truncated_sequence_at_end_of_stream: b"data: x\n\n\xE2\x82"
        => [msg("x")], id: "", retry: None, end: InsideLine;

    // End of stream: an incomplete line and an incomplete event are discarded.
    empty_stream: b"" => [], id: "", retry: None, end: Clean;
    blank_line_only: b"\n" => [], id: "", retry: None, end: Clean;
    partial_data_line: b"data: x" => [], id: "", retry: None, end: InsideLine;
    data_without_blank_line: b"data: x\n" => [], id: "", retry: None, end: InsideEvent;
    second_event_without_blank_line: b"data: a\n\ndata: b\n"
        => [msg("a")], id: "", retry: None, end: InsideEvent;
    second_event_partial_line: b"data: a\n\ndata: b"
        => [msg("a")], id: "", retry: None, end: InsideLine;
    event_field_without_blank_line: b"event: e\n" => [], id: "", retry: None, end: InsideEvent;
    event_field_then_blank_line: b"event: e\n\n" => [], id: "", retry: None, end: Clean;
    inside_line_wins_over_inside_event: b"data: x\ndata: y"
        => [], id: "", retry: None, end: InsideLine;
    inside_line_wins_after_retry: b"data: x\nretry: 1" => [], id: "", retry: None, end: InsideLine;
    partial_unknown_field: b"foo" => [], id: "", retry: None, end: InsideLine;
    unknown_field_after_data: b"data: x\nfoo\n" => [], id: "", retry: None, end: InsideEvent;
}

/// Bytes that decode to text with replacement characters in every way the
/// maximal-subpart rule distinguishes, plus valid text for contrast.
fn utf8_samples() -> Vec<Vec<u8>> {
    let mut samples: Vec<Vec<u8>> = [
        &b"\xC2\xA9"[..],
        b"\xC2",
        b"\xC2\xC2\xA9",
        b"\xE0\xA0\x80",
        b"\xE0\x9F\x80",
        b"\xE2\x82",
        b"\xE2\x82\xAC\xE2",
        b"\xED\x9F\xBF",
        b"\xED\xBF\xBF",
        b"\xEF\xBF\xBE",
        b"\xF0\x90\x80\x80",
        b"\xF0\x8F\xBF\xBF",
        b"\xF0\x90\x80",
        b"\xF0\x90",
        b"\xF4\x8F\xBF\xBF",
        b"\xF5\x80\x80\x80",
        b"\xF8\x88\x80\x80\x80",
        b"\xFC\x84\x80\x80\x80\x80",
        b"\x80\x80\xBF",
        b"a\xF1\x80\x80b\xF1\x80c",
    ]
    .iter()
    .map(|sample| sample.to_vec())
    .collect();
    // Every one- and two-byte sequence that does not end the line.
    for first in 0..=255u8 {
        for second in [
            None,
            Some(0x80u8),
            Some(0xA0),
            Some(0xBF),
            Some(0xC0),
            Some(b'x'),
        ] {
            let mut sample = vec![first];
            sample.extend(second);
            samples.push(sample);
        }
    }
    samples.retain(|sample| !sample.contains(&b'\n') && !sample.contains(&b'\r'));
    samples
}

/// Lossy decoding of data, event type, id and comment agrees with
/// `String::from_utf8_lossy` on the same bytes (which follows the Encoding
/// Standard's maximal-subpart rule), whole and fed byte by byte.
#[test]
fn lossy_decoding_matches_from_utf8_lossy() {
    for sample in utf8_samples() {
        let text = String::from_utf8_lossy(&sample).into_owned();
        let mut input = Vec::new();
        input.extend_from_slice(b": ");
        input.extend_from_slice(&sample);
        input.extend_from_slice(b"\nevent: ");
        input.extend_from_slice(&sample);
        input.extend_from_slice(b"\ndata: ");
        input.extend_from_slice(&sample);
        input.extend_from_slice(b"\n");
        let with_id = !sample.contains(&0);
        if with_id {
            input.extend_from_slice(b"id: ");
            input.extend_from_slice(&sample);
            input.extend_from_slice(b"\n");
        }
        input.extend_from_slice(b"\n");
        let id = if with_id { text.as_str() } else { "" };
        // An empty event type (a lone NUL is not empty) falls back to "message".
        let event_type = if text.is_empty() {
            "message"
        } else {
            text.as_str()
        };
        let expected = Outcome {
            items: vec![comment(&text), ev(event_type, &text, id, None)],
            last_event_id: id.to_owned(),
            retry: None,
            end: EndOfStream::Clean,
        };
        for chunks in [common::whole(&input), common::bytewise(&input)] {
            assert_eq!(
                run(true, &chunks),
                expected,
                "sample {}",
                sample.escape_ascii()
            );
        }
    }
}

#[test]
fn feed_after_finish_is_refused() {
    let mut parser = Parser::new();
    let mut feed = parser.feed(b"id: 1\ndata: x\n\nretry: 9\n");
    let mut events = 0;
    while let Some(item) = feed.next_item().unwrap() {
        assert!(matches!(item, Item::Event(_)));
        events += 1;
    }
    assert_eq!(events, 1);
    assert_eq!(parser.finish(), EndOfStream::Clean);
    for chunk in [&b"data: y\n\n"[..], b""] {
        assert_eq!(parser.feed(chunk).next_item().err(), Some(Error::Finished));
        assert_eq!(parser.parse(chunk).err(), Some(Error::Finished));
    }
    assert_eq!(
        Error::Finished.to_string(),
        "feed() after close(): the parser is closed"
    );
    // The state reached before finishing stays readable.
    assert_eq!(parser.last_event_id(), "1");
    assert_eq!(parser.retry(), Some(9));
}

#[test]
fn finish_twice_gives_the_same_report() {
    for (input, end) in [
        (&b"data: x\n\n"[..], EndOfStream::Clean),
        (b"data: x\n", EndOfStream::InsideEvent),
        (b"data: x", EndOfStream::InsideLine),
        (b"\xEF\xBB", EndOfStream::InsideLine),
    ] {
        let mut parser = Parser::new();
        let mut feed = parser.feed(input);
        while feed.next_item().unwrap().is_some() {}
        assert_eq!(parser.finish(), end, "{}", input.escape_ascii());
        assert_eq!(parser.finish(), end, "{}", input.escape_ascii());
        assert_eq!(parser.end_of_stream(), end);
        assert!(end.is_truncated() == (end != EndOfStream::Clean));
    }
}

/// `end_of_stream()` reports live, after each chunk, how the stream would end.
#[test]
fn end_of_stream_is_live() {
    let steps: [(&[u8], EndOfStream); 9] = [
        (b"", EndOfStream::Clean),
        (b"\xEF", EndOfStream::InsideLine),
        (b"\xBB\xBF", EndOfStream::Clean),
        (b"data", EndOfStream::InsideLine),
        (b": x\n", EndOfStream::InsideEvent),
        (b": comment", EndOfStream::InsideEvent),
        (b"\n\r", EndOfStream::Clean),
        (b"retry: 1\n", EndOfStream::Clean),
        (b"id: 2\r", EndOfStream::InsideEvent),
    ];
    let mut parser = Parser::new();
    for (chunk, end) in steps {
        let mut feed = parser.feed(chunk);
        while feed.next_item().unwrap().is_some() {}
        assert_eq!(
            parser.end_of_stream(),
            end,
            "after {}",
            chunk.escape_ascii()
        );
    }
    assert_eq!(parser.finish(), EndOfStream::InsideEvent);
    assert_eq!(parser.last_event_id(), "");
    assert_eq!(parser.retry(), Some(1));
}

/// `parse` stops right after the line that completes an item.
#[test]
fn parse_consumes_up_to_the_item() {
    let input: &[u8] = b"data: a\n\n: c\ndata: b\r\n\r\ndata: rest";
    let mut parser = Parser::with_config(sseflow_core::Config::default().comments(true));
    let mut rest = input;
    let mut seen = Vec::new();
    loop {
        let step = parser.parse(rest).unwrap();
        let consumed = step.consumed;
        let Some(item) = step.item else {
            assert_eq!(consumed, rest.len());
            break;
        };
        let text = match item {
            Item::Event(event) => event.data().into_owned(),
            Item::Comment(comment) => comment.text().into_owned(),
        };
        seen.push((text, consumed));
        rest = &rest[consumed..];
    }
    let expected = [("a", 9), ("c", 4), ("b", 11)];
    let expected: Vec<(String, usize)> = expected
        .iter()
        .map(|&(text, consumed)| (text.to_owned(), consumed))
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(parser.finish(), EndOfStream::InsideLine);
}

/// A dropped `Feed` leaves the unparsed rest of its chunk to be fed again.
#[test]
fn feed_rest_can_be_fed_again() {
    let input: &[u8] = b"data: a\n\ndata: b\n\n";
    let mut parser = Parser::new();
    let rest = {
        let mut feed = parser.feed(input);
        match feed.next_item().unwrap() {
            Some(Item::Event(event)) => assert_eq!(event.data(), "a"),
            other => panic!("expected an event, got {other:?}"),
        }
        feed.rest().to_vec()
    };
    assert_eq!(rest, b"data: b\n\n");
    let mut feed = parser.feed(&rest);
    match feed.next_item().unwrap() {
        Some(Item::Event(event)) => assert_eq!(event.data(), "b"),
        other => panic!("expected an event, got {other:?}"),
    }
    assert!(feed.next_item().unwrap().is_none());
}
