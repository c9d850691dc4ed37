"""What feed() accepts, and how it refuses the rest, alike in both implementations."""

from __future__ import annotations

import array
import ctypes
from typing import Any

import pytest
from chunking import Impl

STREAM = b"data: x\n\n"


def byte_buffers() -> list[object]:
    """Buffers of single bytes in every format and layout Python offers."""
    ctypes_bytes = (ctypes.c_ubyte * len(STREAM)).from_buffer_copy(STREAM)  # format '<B'
    doubled = bytearray(b"".join(bytes([byte, 0]) for byte in STREAM))
    return [
        STREAM,
        bytearray(STREAM),
        memoryview(STREAM),
        memoryview(STREAM).cast("c"),
        array.array("b", STREAM),
        ctypes_bytes,
        memoryview(doubled)[::2],  # not contiguous
        memoryview(STREAM).cast("B", shape=[1, len(STREAM)]),  # two dimensions
    ]


@pytest.mark.parametrize("buffer", byte_buffers(), ids=lambda buffer: type(buffer).__name__)
def test_every_buffer_of_bytes_is_read(impl: Impl, buffer: object) -> None:
    parser = impl.module.Parser()
    parser.feed(buffer)
    assert [event.data for event in parser] == ["x"]


def test_the_ctypes_buffer_has_a_byte_order_prefix() -> None:
    ctypes_bytes = (ctypes.c_ubyte * 1).from_buffer_copy(b"x")
    assert memoryview(ctypes_bytes).format == "<B"


@pytest.mark.parametrize("typecode", ["h", "i", "d"])
def test_buffers_of_wider_items_are_refused_naming_the_format(impl: Impl, typecode: str) -> None:
    with pytest.raises(TypeError, match=f"got array with items of format '{typecode}'"):
        impl.module.Parser().feed(array.array(typecode, [1]))


def test_a_released_memoryview_raises_what_python_raises(impl: Impl) -> None:
    view = memoryview(STREAM)
    view.release()
    parser = impl.module.Parser()
    parser.feed(b"data: before\n\n")
    with pytest.raises(ValueError, match="released memoryview"):
        parser.feed(view)
    parser.feed(STREAM)
    assert [event.data for event in parser] == ["before", "x"]


@pytest.mark.parametrize("value", ["yes", 1, 0.0])
def test_comments_must_be_a_bool(impl: Impl, value: object) -> None:
    with pytest.raises(TypeError, match=f"comments must be a bool, got {type(value).__name__}"):
        impl.module.Parser(comments=value)


def test_comments_none_means_the_default(impl: Impl) -> None:
    parser = impl.module.Parser(comments=None)
    parser.feed(b": ping\n" + STREAM)
    assert [event.data for event in parser] == ["x"]


# sseflow.arrow.BatchParser is fed like sseflow.Parser: the same buffers, the same refusals
# (both modules read them with the sseflow-pyargs crate).


@pytest.mark.parametrize("buffer", byte_buffers(), ids=lambda buffer: type(buffer).__name__)
def test_the_batch_parser_reads_every_buffer_of_bytes(buffer: Any) -> None:
    import pyarrow as pa

    from sseflow.arrow import BatchParser

    parser = BatchParser()
    parser.feed(buffer)
    parser.close()
    rows = [row for batch in parser for row in pa.record_batch(batch).to_pylist()]
    assert rows == [{"event": "message", "data": "x", "id": "", "retry": None}]


@pytest.mark.parametrize(
    "refused",
    [array.array("h", [1]), array.array("d", [1.0]), "data: x\n\n", 7, None],
    ids=lambda value: type(value).__name__,
)
def test_the_batch_parser_refuses_what_the_parser_refuses(refused: Any) -> None:
    import sseflow
    from sseflow.arrow import BatchParser

    with pytest.raises(TypeError) as expected:
        sseflow.Parser().feed(refused)
    with pytest.raises(TypeError) as got:
        BatchParser().feed(refused)
    assert str(got.value) == str(expected.value)


def test_the_batch_parser_raises_what_python_raises_on_a_released_memoryview() -> None:
    from sseflow.arrow import BatchParser

    view = memoryview(STREAM)
    view.release()
    parser = BatchParser()
    with pytest.raises(ValueError, match="released memoryview"):
        parser.feed(view)
    parser.feed(STREAM)
    parser.close()
    assert sum(batch.num_rows for batch in parser) == 1


def test_a_buffer_fed_to_a_decoding_thread_is_read_as_it_was_fed() -> None:
    """A chunk that may wait for a decoding thread is parsed without the
    interpreter, a mutable buffer from a copy: every event is there, in order."""
    import pyarrow as pa

    from sseflow.arrow import BatchParser

    body = b"".join(b'data: {"n": %d}\n\n' % n for n in range(5000))
    parser = BatchParser(json_schema="infer", decode_threads=1, batch_rows=100)
    parser.feed(bytearray(body))
    parser.close()
    rows = [row["json"]["n"] for batch in parser for row in pa.record_batch(batch).to_pylist()]
    assert rows == list(range(5000))
