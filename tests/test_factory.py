"""The parser seam: ``ParserLike`` (both ``Parser`` classes are one, checked by mypy on this
file) and how a ``parser_factory`` is called, with the last event ID or, for a factory of the
old zero-argument signature, without."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from sseflow import Event, Parser, reference
from sseflow._factory import ParserFactory, ParserLike, new_parser, takes_last_event_id


def test_both_parsers_are_parser_like() -> None:
    native: ParserLike[Event] = Parser()
    pure: ParserLike[reference.Event[str]] = reference.Parser()
    for parser in (native, pure):
        parser.feed(b"retry: 5\nid: 1\ndata: a\n\ndata: b")
        assert [event.data for event in parser] == ["a"]
        assert (parser.last_event_id, parser.retry, parser.truncated) == ("1", 5, True)
        parser.close()


def keyword_only(*, last_event_id: str = "") -> Parser[Event]:
    return Parser(last_event_id=last_event_id, max_line_size=100)


def positional_or_keyword(last_event_id: str = "") -> Parser[Event]:
    return Parser(last_event_id=last_event_id)


def any_keyword(**options: Any) -> Parser[Event]:
    return Parser(**options)


def zero_arguments() -> Parser[Event]:
    return Parser(max_event_size=100)


class CallableFactory:
    def __call__(self) -> Parser[Event]:
        return Parser()


@pytest.mark.parametrize(
    ("factory", "resumes"),
    [
        (Parser, True),
        (reference.Parser, True),
        (functools.partial(Parser, max_line_size=10), True),
        (keyword_only, True),
        (positional_or_keyword, True),
        (any_keyword, True),
        (lambda **kw: Parser(max_event_size=10, **kw), True),
        (zero_arguments, False),
        (lambda: Parser(), False),
        (CallableFactory(), False),
        (dict, False),  # no readable signature: called the old way
    ],
)
def test_a_factory_is_given_the_last_event_id_when_it_takes_one(
    factory: Any, resumes: bool
) -> None:
    assert takes_last_event_id(factory) is resumes


@pytest.mark.parametrize("factory", [Parser, keyword_only, any_keyword, positional_or_keyword])
def test_a_resuming_factory_starts_its_parser_from_the_id(factory: ParserFactory) -> None:
    parser = new_parser(factory, "41")
    parser.feed(b"data: a\n\n")
    assert [event.id for event in parser] == ["41"]


def test_without_an_id_every_factory_is_called_with_no_argument() -> None:
    for factory in (Parser, keyword_only, zero_arguments, CallableFactory()):
        parser = new_parser(factory)
        parser.feed(b"data: a\n\n")
        assert [event.id for event in parser] == [""]
