# Vendored test cases: tests/test_models.py of https://github.com/florimondmanca/httpx-sse
# at commit e8fcd9e (version 0.4.3; MIT licence, copyright Florimond Manca).
# Run against sseflow.httpx (and httpx-sse 0.4.3) by tests/test_httpx_sse_suite.py; unchanged
# below this header.

import json

import pytest

from httpx_sse import ServerSentEvent


def test_sse_default() -> None:
    sse = ServerSentEvent()

    assert sse.event == "message"
    assert sse.data == ""
    assert sse.id == ""
    assert sse.retry is None


def test_sse_json() -> None:
    sse = ServerSentEvent()

    with pytest.raises(json.JSONDecodeError):
        sse.json()

    sse = ServerSentEvent(data='{"key": "value"}')
    assert sse.json() == {"key": "value"}

    sse = ServerSentEvent(data='["item1", "item2"]')
    assert sse.json() == ["item1", "item2"]


def test_sse_repr() -> None:
    sse = ServerSentEvent()
    assert repr(sse) == "ServerSentEvent(event='message')"

    sse = ServerSentEvent(data="data", retry=3, id="id", event="event")
    assert repr(sse) == "ServerSentEvent(event='event', data='data', id='id', retry=3)"
