"""The options of a reconnecting source, each checked once, into one frozen :class:`Options`.

Every bad argument has its own message, naming it and what it got; the
sources raise them from their constructors, before any I/O.
"""

from __future__ import annotations

import math
import numbers
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from sseflow._checks import check_last_event_id, check_retry, type_name
from sseflow._factory import ParserFactory, check_parser_factory, takes_last_event_id

if TYPE_CHECKING:
    from sseflow._reconnect import Reconnect

__all__ = ["DEFAULT_MAX_DELAY", "DEFAULT_RETRY", "Headers", "Options", "check_headers", "check_url"]

DEFAULT_RETRY: Final = 3000
"""The reconnection time, in milliseconds, until the server sends ``retry``."""

DEFAULT_MAX_DELAY: Final = 30.0
"""The cap, in seconds, of the backoff after consecutive failures."""

_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""An HTTP header name (RFC 9110 token)."""
_BAD_VALUE: Final = re.compile(r"[\r\n\x00]")
_BAD_HOST: Final = re.compile(r"[\x00-\x20#%/<>?@\\^|\x7f]")
"""Code points the URL Standard forbids in a host (``[``, ``]`` and ``:`` are the
split's business)."""
_URL_MODULES: Final = ("httpx", "httpx2", "yarl")
"""The libraries whose URL objects are taken (turned into a str)."""

Headers = Mapping[str, str] | Iterable[tuple[str, str]]
"""Request headers: a mapping, or (name, value) pairs."""


def check_url(url: object) -> str:
    """The URL to request, as a str: ``http`` or ``https``, with a host.

    A ``str`` or a URL object of httpx, httpx2 or yarl (aiohttp's) is accepted
    without importing the library (a URL object means it was imported already).

    Raises:
        TypeError: ``url`` is no str or URL object.
        ValueError: it is not an http(s) URL, or does not parse (a space or
            other forbidden code point in the host, a bad port), as the
            standard's constructor throws a ``SyntaxError`` for.
    """
    if not isinstance(url, str):
        kind = type(url)
        if kind.__name__ != "URL" or kind.__module__.partition(".")[0] not in _URL_MODULES:
            raise TypeError(f"url must be a str or an httpx.URL, got {type_name(url)}")
        url = str(url)
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises for a bad port)
    except ValueError as error:
        raise ValueError(f"url must be an http(s) URL, got {url!r} ({error})") from error
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ValueError(f"url must be an http(s) URL, got {url!r}")
    bad = _BAD_HOST.search(urllib.parse.unquote(host))
    if bad:
        raise ValueError(f"url must be an http(s) URL, got {url!r} (the host holds {bad[0]!r})")
    return url


def check_headers(headers: object) -> tuple[tuple[str, str], ...]:
    """The request headers as pairs, each name an HTTP token and each value a line."""
    if headers is None:
        return ()
    if isinstance(headers, Mapping):
        pairs = list(headers.items())
    elif isinstance(headers, Iterable) and not isinstance(headers, str | bytes):
        pairs = list(headers)
    else:
        raise TypeError(
            f"headers must be a mapping or a list of (name, value) pairs, got {type_name(headers)}"
        )
    return tuple(_check_header(pair) for pair in pairs)


def _check_header(pair: object) -> tuple[str, str]:
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise TypeError(f"headers must hold (name, value) pairs, got {pair!r}")
    name, value = pair
    if not isinstance(name, str):
        raise TypeError(f"headers: a Header name must be a str, got {type_name(name)}")
    if not _TOKEN.fullmatch(name):
        raise ValueError(f"headers: {name!r} is not a valid Header name")
    if not isinstance(value, str):
        raise TypeError(
            f"headers: the value of Header {name!r} must be a str, got {type_name(value)}"
        )
    if _BAD_VALUE.search(value):
        raise ValueError(
            f"headers: the value of Header {name!r} must not contain CR, LF or NUL: {value!r}"
        )
    if value != value.strip(" \t"):
        raise ValueError(
            f"headers: the value of Header {name!r} must not start or end with a space "
            f"or tab: {value!r}"
        )
    return name, value


def _check_max_retries(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"max_retries must be an int or None, got {type_name(value)}")
    if value < 0:
        raise ValueError(f"max_retries must be >= 0 or None, got {value}")
    return value


def _check_seconds(name: str, value: object, *, zero: bool) -> float | None:
    """Checks seconds: a finite number >= 0 if ``zero``, else None or a finite number > 0."""
    if value is None and not zero:
        return None
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        kind = "a number of seconds" if zero else "a number of seconds or None"
        raise TypeError(f"{name} must be {kind}, got {type_name(value)}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        bound = ">= 0" if zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Options:
    """Everything a source was asked for, checked once by :meth:`check`."""

    url: str
    headers: tuple[tuple[str, str], ...]
    last_event_id: str
    retry: int
    max_retries: int | None
    max_delay: float
    idle_timeout: float | None
    connect_timeout: float | None
    retry_statuses: bool
    on_reconnect: Callable[[Reconnect], None] | None
    """Called by the source (not the machine) before each wait."""
    parser_factory: ParserFactory
    resumes: bool
    """Whether ``parser_factory`` takes ``last_event_id``."""

    @classmethod
    def check(
        cls,
        url: object,
        *,
        headers: object,
        last_event_id: object,
        retry: object,
        max_retries: object,
        max_delay: object,
        idle_timeout: object,
        connect_timeout: object,
        retry_statuses: object,
        on_reconnect: object,
        parser_factory: object,
    ) -> Options:
        """Checks every argument, in this order; each bad one has its own message.

        Raises:
            TypeError: an argument has the wrong type.
            ValueError: an argument is out of range.
        """
        checked_url = check_url(url)
        checked_headers = check_headers(headers)
        checked_id = check_last_event_id(last_event_id)
        checked_retry = check_retry(retry, optional=True)
        checked_max_retries = _check_max_retries(max_retries)
        checked_max_delay = _check_seconds("max_delay", max_delay, zero=True)
        checked_idle = _check_seconds("idle_timeout", idle_timeout, zero=False)
        checked_connect = _check_seconds("connect_timeout", connect_timeout, zero=False)
        if not isinstance(retry_statuses, bool):
            raise TypeError(f"retry_statuses must be a bool, got {type_name(retry_statuses)}")
        if on_reconnect is not None and not callable(on_reconnect):
            raise TypeError(f"on_reconnect must be callable or None, got {type_name(on_reconnect)}")
        check_parser_factory(parser_factory)
        factory: ParserFactory = parser_factory  # type: ignore[assignment]
        return cls(
            url=checked_url,
            headers=checked_headers,
            last_event_id=checked_id,
            retry=DEFAULT_RETRY if checked_retry is None else checked_retry,
            max_retries=checked_max_retries,
            max_delay=checked_max_delay or 0.0,
            idle_timeout=checked_idle,
            connect_timeout=checked_connect,
            retry_statuses=retry_statuses,
            on_reconnect=on_reconnect,
            parser_factory=factory,
            resumes=takes_last_event_id(factory),
        )
