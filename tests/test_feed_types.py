"""What feed() accepts, and how it refuses the rest, alike in both implementations."""

from __future__ import annotations

import array
import ctypes
from types import ModuleType

import pytest

import sseflow
from sseflow import reference

IMPLEMENTATIONS = pytest.mark.parametrize("impl", [sseflow, reference], ids=["native", "reference"])
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


@IMPLEMENTATIONS
@pytest.mark.parametrize("buffer", byte_buffers(), ids=lambda buffer: type(buffer).__name__)
def test_every_buffer_of_bytes_is_read(impl: ModuleType, buffer: object) -> None:
    parser = impl.Parser()
    parser.feed(buffer)
    assert [event.data for event in parser] == ["x"]


def test_the_ctypes_buffer_has_a_byte_order_prefix() -> None:
    ctypes_bytes = (ctypes.c_ubyte * 1).from_buffer_copy(b"x")
    assert memoryview(ctypes_bytes).format == "<B"


@IMPLEMENTATIONS
@pytest.mark.parametrize("typecode", ["h", "i", "d"])
def test_buffers_of_wider_items_are_refused_naming_the_format(
    impl: ModuleType, typecode: str
) -> None:
    with pytest.raises(TypeError, match=f"got array with items of format '{typecode}'"):
        impl.Parser().feed(array.array(typecode, [1]))


@IMPLEMENTATIONS
def test_a_released_memoryview_raises_what_python_raises(impl: ModuleType) -> None:
    view = memoryview(STREAM)
    view.release()
    parser = impl.Parser()
    parser.feed(b"data: before\n\n")
    with pytest.raises(ValueError, match="released memoryview"):
        parser.feed(view)
    parser.feed(STREAM)
    assert [event.data for event in parser] == ["before", "x"]


@IMPLEMENTATIONS
@pytest.mark.parametrize("value", ["yes", 1, 0.0])
def test_comments_must_be_a_bool(impl: ModuleType, value: object) -> None:
    with pytest.raises(TypeError, match=f"comments must be a bool, got {type(value).__name__}"):
        impl.Parser(comments=value)


@IMPLEMENTATIONS
def test_comments_none_means_the_default(impl: ModuleType) -> None:
    parser = impl.Parser(comments=None)
    parser.feed(b": ping\n" + STREAM)
    assert [event.data for event in parser] == ["x"]
