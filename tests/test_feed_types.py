"""What feed() accepts, and how it refuses the rest, alike in both implementations."""

from __future__ import annotations

import array
import ctypes

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
