"""What every HTTP reader shares: the request headers and the content-type check."""

from __future__ import annotations

from typing import Final

from sseflow.errors import ConnectionFailed

STREAM_HEADERS: Final = {
    "Accept": "text/event-stream",
    "Cache-Control": "no-cache",
    "Pragma": "no-cache",
}
"""Headers to send with an event-stream request: what browsers send for the
standard's ``EventSource`` request, whose cache mode is "no-store" (Fetch adds
``Cache-Control: no-cache`` and ``Pragma: no-cache`` for it, so that no cache
answers with a response it holds)."""


def is_event_stream(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` header value names ``text/event-stream``."""
    if content_type is None:
        return False
    return content_type.partition(";")[0].strip().lower() == "text/event-stream"


def check_event_stream(
    status: int, content_type: str | None, error: type[ConnectionFailed] = ConnectionFailed
) -> None:
    """Raises ``error`` unless ``content_type`` names ``text/event-stream``."""
    if not is_event_stream(content_type):
        raise error(
            "expected response header Content-Type to be 'text/event-stream', "
            f"got {content_type!r} (status {status})",
            status=status,
            content_type=content_type,
        )
