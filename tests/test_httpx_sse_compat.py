"""What a user switching from httpx-sse meets: the names, the constructor's defaults, and the
error for a wrong content type on a response built by hand, in every wrapper."""

from __future__ import annotations

from importlib.metadata import version

import httpx
import httpx2
import httpx_sse
import pytest
import requests

import sseflow.httpx
import sseflow.httpx2
import sseflow.requests
from sseflow import ConnectionFailed, Event

TEXT = {"content-type": "text/plain"}


def test_a_response_without_a_request_and_a_wrong_type_is_sse_error() -> None:
    for module, library in ((sseflow.httpx, httpx), (sseflow.httpx2, httpx2)):
        source = module.EventSource(library.Response(200, headers=TEXT, content=b"data: x\n\n"))
        with pytest.raises(module.SSEError, match="got 'text/plain' \\(status 200\\)") as caught:
            list(source.iter_sse())
        assert isinstance(caught.value, library.TransportError)
        with pytest.raises(RuntimeError, match="has not been set"):
            caught.value.request  # noqa: B018 (httpx's own answer: no request to tell)


def test_the_same_for_requests() -> None:
    response = requests.Response()
    response.status_code = 200
    response.headers["Content-Type"] = "text/plain"
    with pytest.raises(ConnectionFailed) as caught:
        list(sseflow.requests.iter_sse(response))
    assert (caught.value.status, caught.value.content_type) == (200, "text/plain")


def test_version() -> None:
    assert sseflow.httpx.__version__ == version("sseflow") == sseflow.__version__
    assert isinstance(httpx_sse.__version__, str)


@pytest.mark.parametrize("module", [sseflow.httpx, sseflow.httpx2])
def test_server_sent_event_constructor_defaults_as_httpx_sse(module: object) -> None:
    make = module.ServerSentEvent  # type: ignore[attr-defined]
    for kwargs in ({}, {"event": ""}, {"event": None}, {"data": None, "id": None}):
        theirs = httpx_sse.ServerSentEvent(**kwargs)
        ours = make(**kwargs)
        assert (ours.event, ours.data, ours.id, ours.retry) == (
            theirs.event,
            theirs.data,
            theirs.id,
            theirs.retry,
        )
    assert make("e", "d", "i", 5) == Event("e", "d", "i", 5)
    assert type(make()) is Event
    # Only the constructor: sseflow.Event itself keeps an empty type as given.
    assert Event("").event == ""
