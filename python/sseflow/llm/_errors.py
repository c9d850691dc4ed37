"""Typed errors for the error events of LLM streams, with whether a retry may help."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sseflow.errors import SSEError

if TYPE_CHECKING:
    from sseflow.llm._completion import Completion

__all__ = [
    "AuthenticationError",
    "InvalidRequestError",
    "NotFoundError",
    "OverloadedError",
    "ProviderError",
    "QuotaExceededError",
    "RateLimitError",
    "ServerError",
    "provider_error",
]


class ProviderError(SSEError):
    """An error the provider reported: an error event in the stream, a failed
    terminal event, or an HTTP error answer.

    Attributes:
        provider: ``"openai"``, ``"anthropic"`` or ``"google"``.
        type: the provider's error type (e.g. ``"overloaded_error"``), as given
            (the flat Responses ``error`` event's is ``"error"``).
        code: the provider's error code (e.g. ``"rate_limit_exceeded"``), as given.
        kind: the one normalised identifier: the code where the provider gives
            one, else the type, lower-cased (``None`` if neither came).
        message: the provider's message.
        param: the request parameter at fault, if given.
        retryable: whether sending the request again may succeed: ``True`` for
            overloaded, rate-limited, server and timeout errors, ``False`` for
            errors of the request itself (invalid, unauthorized, not found, out
            of quota), ``None`` for an error the package does not know.
        status: the HTTP status, for an HTTP error answer; else ``None``.
        request_id: the request ID header (or the error body's ``request_id``).
        completion: the stream's record, status ``failed``, when the error was
            raised by a reader (text and tool calls so far included).
    """

    retryable_default: bool | None = None

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.type = type
        self.code = code
        self.kind = (code or type or "").lower() or None
        self.message = message
        self.param = param
        self.status = status
        self.request_id = request_id
        self.retryable: bool | None = self.retryable_default if retryable is None else retryable
        self.completion: Completion | None = None
        """Set once, by the reader that made the record."""

    def __str__(self) -> str:
        label = " / ".join(part for part in (self.type, self.code) if part) or "error"
        return f"{self.provider} {label}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # The state goes third, so the record (which points back here) pickles after the error.
        return (_rebuild, (type(self), self.args), self.__dict__)

    def to_dict(self) -> dict[str, Any]:
        """The error as a JSON-ready dict."""
        return {
            "class": type(self).__name__,
            "provider": self.provider,
            "type": self.type,
            "code": self.code,
            "kind": self.kind,
            "message": self.message,
            "param": self.param,
            "status": self.status,
            "request_id": self.request_id,
            "retryable": self.retryable,
        }


class OverloadedError(ProviderError):
    """The provider is overloaded (Anthropic ``overloaded_error``, HTTP 529): retryable."""

    retryable_default = True


class RateLimitError(ProviderError):
    """Too many requests or tokens for now (HTTP 429): retryable after a wait."""

    retryable_default = True


class ServerError(ProviderError):
    """An error on the provider's side (``api_error``, ``server_error``, HTTP 5xx): retryable."""

    retryable_default = True


class QuotaExceededError(ProviderError):
    """The account is out of quota or credit (``insufficient_quota``): not retryable."""

    retryable_default = False


class InvalidRequestError(ProviderError):
    """The request itself is wrong (HTTP 400, 413, 422): not retryable."""

    retryable_default = False


class AuthenticationError(ProviderError):
    """The key is missing, invalid or lacks permission (HTTP 401, 403): not retryable."""

    retryable_default = False


class NotFoundError(ProviderError):
    """The model or resource does not exist (HTTP 404): not retryable."""

    retryable_default = False


# Words looked for in the code, then the type: the first match picks the class.
_RULES: tuple[tuple[tuple[str, ...], type[ProviderError]], ...] = (
    (("insufficient_quota", "quota", "billing", "credit"), QuotaExceededError),
    (("overloaded",), OverloadedError),
    (("rate_limit", "rate-limit", "too_many_requests", "resource_exhausted"), RateLimitError),
    (
        (
            "server_error",
            "api_error",
            "internal",
            "unavailable",
            "timeout",
            "deadline_exceeded",
            "bad_gateway",
        ),
        ServerError,
    ),
    (
        (
            "authentication",
            "unauthenticated",
            "permission",
            "invalid_api_key",
            "unauthorized",
            "forbidden",
        ),
        AuthenticationError,
    ),
    (("not_found",), NotFoundError),
    (
        (
            "invalid",
            "request_too_large",
            "context_length",
            "unsupported",
            "bad_request",
            "failed_precondition",
        ),
        InvalidRequestError,
    ),
)

_STATUSES: dict[int, type[ProviderError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: QuotaExceededError,
    403: AuthenticationError,
    404: NotFoundError,
    408: ServerError,
    409: ServerError,
    413: InvalidRequestError,
    422: InvalidRequestError,
    429: RateLimitError,
    529: OverloadedError,
}


def _classify(type: str | None, code: str | None, status: int | None) -> type[ProviderError]:
    for word in (code, type):
        if not word:
            continue
        lowered = word.lower()
        for needles, cls in _RULES:
            if any(needle in lowered for needle in needles):
                return cls
    if status is not None:
        if status in _STATUSES:
            return _STATUSES[status]
        if status >= 500:
            return ServerError
    return ProviderError


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def provider_error(
    provider: str,
    body: object,
    *,
    status: int | None = None,
    request_id: str | None = None,
) -> ProviderError:
    """The typed error for an error object of a provider.

    Args:
        provider: ``"openai"`` or ``"anthropic"``.
        body: the error object, with ``type``, ``code``, ``message``, ``param``
            (any missing), or a wrapper ``{"error": {...}}`` around one.
        status: the HTTP status, if the error came as an HTTP answer.
        request_id: the request ID, if known.
    """
    outer = body if isinstance(body, dict) else {}
    inner = outer.get("error")
    fields: dict[str, Any] = inner if isinstance(inner, dict) else outer
    if isinstance(inner, str) and "message" not in outer:
        fields = {"message": inner}
    type_ = _text(fields.get("type"))
    raw_code = fields.get("code")
    if isinstance(raw_code, int) and not isinstance(raw_code, bool):
        # A number is the HTTP status (vLLM, llama.cpp, Google), not an error code.
        status = raw_code if status is None else status
        raw_code = None
    code = _text(raw_code)
    message = _text(fields.get("message")) or (
        f"HTTP {status}" if status is not None else "the stream reported an error"
    )
    cls = _classify(type_, code, status)
    return cls(
        message,
        provider=provider,
        type=type_,
        code=code,
        param=_text(fields.get("param")),
        status=status,
        request_id=request_id or _text(outer.get("request_id")),
    )


def _rebuild(cls: type[ProviderError], args: tuple[object, ...]) -> ProviderError:
    error = ProviderError.__new__(cls)
    error.args = args
    return error
