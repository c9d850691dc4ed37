"""The first events through both implementations."""

from __future__ import annotations

from chunking import Impl


def test_one_event_split_across_chunks(impl: Impl) -> None:
    parser = impl.module.Parser()
    parser.feed(b"event: greet\r")
    parser.feed(b"\ndata: h\xc3")
    parser.feed(bytearray(b"\xa9llo\n\n"))
    events = list(parser)
    assert [(e.event, e.data, e.id, e.retry) for e in events] == [("greet", "h\u00e9llo", "", None)]
    parser.close()
    assert not parser.truncated
