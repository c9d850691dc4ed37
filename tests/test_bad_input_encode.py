"""Wrong fields given to ``sseflow.encode``: the documented error and a clear message.
The row type: ``bad_input.Bad``.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from bad_input import Bad, raised, rows
from chunking import Impl

import sseflow
from sseflow import encode

pytestmark = pytest.mark.timeout(30)


def encoding(**fields: Any) -> functools.partial[bytes]:
    """A call encoding ``fields``."""
    return functools.partial(encode, **fields)


ENCODE: list[Bad] = [
    Bad("data-int", encoding(data=5), TypeError, ("data must be a str, got int",)),
    Bad("data-bytes", encoding(data=b"x"), TypeError, ("data must be a str, got bytes",)),
    Bad("comment-int", encoding(comment=5), TypeError, ("comment must be a str, got int",)),
    Bad("event-int", encoding(event=5), TypeError, ("event must be a str, got int",)),
    Bad("id-bytes", encoding(id=b"1"), TypeError, ("id must be a str, got bytes",)),
    *(
        Bad(
            f"{field}-{name}",
            encoding(**{field: f"a{char}b"}),
            ValueError,
            (f"{field} must not", "CR, LF or NUL"),
        )
        for field in ("event", "id")
        for name, char in (("LF", "\n"), ("CR", "\r"), ("CRLF", "\r\n"), ("NUL", "\0"))
    ),
    Bad("retry-negative", encoding(retry=-1), ValueError, ("retry must be >= 0, got -1",)),
    Bad("retry-bool", encoding(retry=True), TypeError, ("retry must be an int, got bool",)),
    Bad("retry-float", encoding(retry=1.5), TypeError, ("retry must be an int, got float",)),
    Bad("retry-str", encoding(retry="5"), TypeError, ("retry must be an int, got str",)),
    Bad("data-surrogate", encoding(data="\ud800"), ValueError, ("surrogates not allowed",)),
    Bad("event-surrogate", encoding(event="\udfff"), ValueError, ("surrogates not allowed",)),
    Bad("unknown-field", encoding(type="x"), TypeError, ("type",)),
]


@rows(ENCODE)
def test_encode_rejects(bad: Bad) -> None:
    raised(bad)


def test_encode_takes_data_positionally_only() -> None:
    with pytest.raises(TypeError, match="positional"):
        encode("x", "message")  # type: ignore[call-arg]


@pytest.mark.parametrize("retry", [0, 1, 2**64 - 1])
def test_encode_line_breaks_nul_and_retry_round_trip(impl: Impl, retry: int) -> None:
    parser = impl.module.Parser(comments=True)
    parser.feed(encode("a\r\nb\rc\nd\0e", event="t", id="x y", retry=retry, comment="p\rq"))
    assert parser.events() == [
        impl.comment("p"),
        impl.comment("q"),
        impl.event("t", "a\nb\nc\nd\0e", "x y", retry),
    ]
    assert (parser.retry, parser.last_event_id, parser.truncated) == (retry, "x y", False)


# -- retry beyond 2**64 - 1, strings UTF-8 cannot encode --------------------------------------


@pytest.mark.parametrize("retry", [2**64, 2**64 + 1, 10**30])
def test_encode_rejects_a_retry_no_parser_keeps_like_event_does(retry: int) -> None:
    with pytest.raises(ValueError, match=r"retry must be between 0 and 2\*\*64 - 1") as caught:
        encode(retry=retry)
    assert str(caught.value).endswith(f"got {retry}")
    with pytest.raises(ValueError, match="retry") as event_error:
        sseflow.Event(retry=retry)
    assert str(caught.value) == str(event_error.value)


@pytest.mark.parametrize("field", ["data", "event", "id", "comment"])
@pytest.mark.parametrize("code", [0xD800, 0xDFFF, 0xDC80], ids=hex)
def test_encode_names_the_field_utf8_cannot_encode(field: str, code: int) -> None:
    char = chr(code)
    fields: dict[str, Any] = {field: f"ok{char}"}
    with pytest.raises(ValueError, match=field) as caught:
        encode(**fields)
    assert str(caught.value) == (
        f"{field} is not encodable as UTF-8 (surrogates not allowed): {char!r} at index 2"
    )
    assert isinstance(caught.value.__cause__, UnicodeEncodeError)


def test_encode_names_the_first_unencodable_field_in_wire_order() -> None:
    with pytest.raises(ValueError, match=r"^event is not encodable"):
        encode("\ud800", event="\ud800", id="\ud800")
    with pytest.raises(ValueError, match=r"^id is not encodable"):
        encode("\ud800", event="fine", id="a\udfff")
