"""Differential test of the opt-in options: native and reference agree, limits and all.

Random SSE-shaped streams, with lines long and short around small random limits
(0 to 64 bytes), are cut at random points and fed to both parsers in lockstep
with the same options. After every step everything observable must match: the
items, ``last_event_id``, ``retry``, ``truncated``, ``closed``, and any
:class:`sseflow.LimitExceeded` (type, ``limit_name``, ``limit`` and ``size``).

Each implementation must also agree with itself: however the stream is cut, the
items before the first error and the error's name and limit stay the same (its
``size`` may not: it is what had been seen when the parser stopped), and a
limit only ever cuts the unlimited parser's items short, never changes them.
Set SSEFLOW_HYPOTHESIS_EXAMPLES for longer runs.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

from chunking import INPUT_TYPES, NATIVE, REFERENCE, Impl, InputType, Item, as_input, as_item
from hypothesis import event, given
from hypothesis import strategies as st

from sseflow import LimitExceeded, ParserClosed

# -- streams ---------------------------------------------------------------------------

NAMES: tuple[bytes, ...] = (b"data", b"data", b"data", b"event", b"id", b"retry", b"", b"x")
"""Field names: mostly data (which the event limit counts); empty makes a comment."""

SEPARATORS: tuple[bytes, ...] = (b": ", b": ", b":", b"", b"::")

LINE_ENDS: tuple[bytes, ...] = (b"\n", b"\r\n", b"\r")

PIECES: tuple[bytes, ...] = (
    *(b" ", b":", b"0", b"7", b"\x00", b"\xef\xbb\xbf", b"\xef"),
    *(b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xff", b"\xc3", b"\xed\xa0\x80"),
)
"""Value pieces beside runs of letters: BOM, NUL, multi-byte, malformed UTF-8."""

long_value = st.sampled_from(range(81)).map(lambda size: b"v" * size)
"""A run of letters, shorter or longer than any limit drawn."""
value = st.one_of(
    long_value,
    long_value,
    st.lists(st.sampled_from(PIECES), max_size=6).map(b"".join),
    st.text("0123456789", max_size=21).map(str.encode),  # retry values
)
field_line = st.tuples(
    st.sampled_from(NAMES), st.sampled_from(SEPARATORS), value, st.sampled_from(LINE_ENDS)
).map(b"".join)
line = st.one_of(field_line, field_line, st.sampled_from(LINE_ENDS), st.binary(max_size=6))
"""A field or comment line, a blank line, or a few raw bytes (maybe a piece of a line)."""

limit = st.sampled_from((None, *range(65)))
"""Mostly a small limit, now and then none."""


class Options(NamedTuple):
    """The parser's options."""

    comments: bool
    max_line_size: int | None
    max_event_size: int | None


options = st.builds(Options, st.booleans(), limit, limit)


@st.composite
def chunked_streams(draw: st.DrawFn) -> list[bytes]:
    """An SSE-shaped stream, maybe after a BOM, cut at random points."""
    head = draw(st.sampled_from((b"", b"", b"\xef\xbb\xbf", b"\xef\xbb")))
    stream = head + b"".join(draw(st.lists(line, min_size=1, max_size=20)))
    points = sorted(draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    return [stream[a:b] for a, b in itertools.pairwise([0, *points, len(stream)])]


# -- running one implementation ------------------------------------------------------------

Failure = tuple[str, str, int, int]
"""An exception raised by feed(): (type name, limit name, limit, size); the last
three are empty for a ParserClosed."""


class Step(NamedTuple):
    """What one call to feed() or close() did, and the parser's state after it."""

    items: list[Item]
    failure: Failure | None
    last_event_id: str
    retry: int | None
    truncated: bool
    closed: bool


def failure_of(error: Exception) -> Failure:
    if isinstance(error, LimitExceeded):
        assert type(error) is LimitExceeded
        assert error.limit_name in ("max_line_size", "max_event_size")
        assert str(error).startswith(f"{error.limit_name}={error.limit} exceeded (")
        return ("LimitExceeded", error.limit_name, error.limit, error.size)
    assert isinstance(error, ParserClosed), f"unexpected {error!r}"
    return ("ParserClosed", "", 0, 0)


def trace(impl: Impl, chunks: list[bytes], kind: InputType, opts: Options) -> list[Step]:
    """Feeds every chunk (going on after an error), closes, and feeds once more."""
    parser: Any = impl.module.Parser(**opts._asdict())
    steps: list[Step] = []
    for chunk in [*chunks, None, b"data: after close\n\n"]:
        failure = None
        try:
            if chunk is None:
                parser.close()
            else:
                parser.feed(as_input(chunk, kind))
        except (LimitExceeded, ParserClosed) as error:
            failure = failure_of(error)
        items = [as_item(impl, item) for item in parser]
        closed = parser.closed
        steps.append(
            Step(items, failure, parser.last_event_id, parser.retry, parser.truncated, closed)
        )
    return steps


class Summary(NamedTuple):
    """What does not depend on the chunking: the items before the first limit
    error, that error's type, name and limit; without one, the end state."""

    items: list[Item]
    error: tuple[str, str, int] | None
    end: tuple[str, int | None, bool] | None


def summary(steps: list[Step]) -> Summary:
    items: list[Item] = []
    for step in steps:
        items += step.items
        if step.failure is not None and step.failure[0] == "LimitExceeded":
            return Summary(items, step.failure[:3], None)
    close = steps[-2]
    return Summary(items, None, (close.last_event_id, close.retry, close.truncated))


def check_after_a_limit(steps: list[Step]) -> None:
    """After a LimitExceeded the parser refuses all input until closed, truncated."""
    first = next(i for i, step in enumerate(steps) if step.failure is not None)
    error = steps[first].failure
    if error is not None and error[0] == "LimitExceeded":
        for step in steps[first + 1 : -2]:  # each later feed, before close()
            assert step.failure == error
            assert step.items == []
        assert steps[-2].failure is None  # close() does not raise
        assert steps[-2].truncated
    assert steps[-1].failure == ("ParserClosed", "", 0, 0)


# -- the tests -----------------------------------------------------------------------------


@given(chunks=chunked_streams(), kind=st.sampled_from(INPUT_TYPES), opts=options)
def test_native_matches_reference_with_options(
    chunks: list[bytes], kind: InputType, opts: Options
) -> None:
    native = trace(NATIVE, chunks, kind, opts)
    ref = trace(REFERENCE, chunks, kind, opts)
    for index, (mine, theirs) in enumerate(zip(native, ref, strict=True)):
        assert mine == theirs, f"step {index} of {chunks!r} with {opts}"
    check_after_a_limit(native)
    first = summary(native).error
    event(f"stopped by {first[1]}" if first else "no limit exceeded")

    # Each implementation: the same outcome for the stream whole, and the limited
    # parser's items a prefix of the unlimited parser's.
    stream = [b"".join(chunks)]
    unlimited = Options(opts.comments, None, None)
    for impl, steps in ((NATIVE, native), (REFERENCE, ref)):
        cut = summary(steps)
        assert cut == summary(trace(impl, stream, "bytes", opts)), f"{impl.name}: {chunks!r}"
        free = summary(trace(impl, stream, "bytes", unlimited))
        assert free.error is None
        if cut.error is None:
            assert cut == free
        else:
            assert cut.items == free.items[: len(cut.items)]
