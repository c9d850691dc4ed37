"""The source's options, read and checked once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from sseflow.spark._follow import Settings

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql.types import StructType

__all__ = ["SHAPES", "Options"]

_HEADER: Final = "header."
SHAPES: Final = ("driver", "partitions", "reread")
"""Where a micro-batch's events are read: see the README's "Apache Spark"."""


def _number(options: Mapping[str, str], name: str, default: float | None) -> float | None:
    value = options.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"option {name} must be a number, got {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise ValueError(f"option {name} must be a finite number > 0, got {value!r}")
    return number


def _integer(options: Mapping[str, str], name: str, default: int | None) -> int | None:
    value = options.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) <= 0:
        raise ValueError(f"option {name} must be an integer > 0, got {value!r}")
    return int(value)


class Options:
    """The source's options, checked once."""

    def __init__(self, options: Mapping[str, str], schema: StructType | None = None) -> None:
        urls = [u.strip() for u in options.get("urls", "").split(",") if u.strip()]
        if options.get("url"):
            urls.insert(0, options["url"].strip())
        if options.get("path"):
            urls.append(options["path"])
        if not urls:
            raise ValueError('the "sse" source needs option url or urls (or a path to load)')
        if len(set(urls)) != len(urls):
            raise ValueError(f"options url and urls name a stream twice: {urls}")
        self.urls: list[str] = urls
        headers = tuple(
            (name[len(_HEADER) :], value)
            for name, value in options.items()
            if name.lower().startswith(_HEADER)
        )
        self.settings = Settings(
            headers=headers,
            json_type=_json_type(schema),
            max_line_size=_integer(options, "max_line_size", None),
            max_event_size=_integer(options, "max_event_size", None),
            retry=int(_integer(options, "retry", 3000) or 3000),
            max_delay=float(_number(options, "max_delay", 30.0) or 30.0),
            connect_timeout=float(_number(options, "connect_timeout", 10.0) or 10.0),
            idle_timeout=_number(options, "idle_timeout", None),
        )
        self.max_events = int(_integer(options, "max_events_per_batch", 10_000) or 10_000)
        self.max_wait = float(_number(options, "max_wait", 1.0) or 1.0)
        self.replay_timeout = float(_number(options, "replay_timeout", 60.0) or 60.0)
        self.shape = options.get("reader", "driver").lower()
        if self.shape not in SHAPES:
            raise ValueError(f"option reader must be one of {SHAPES}, got {self.shape!r}")


def _json_type(schema: StructType | None) -> pa.StructType | None:
    """The Arrow type of the ``json`` column of ``schema``, if it has one."""
    if schema is None or "json" not in schema.fieldNames():
        return None
    from pyspark.sql.pandas.types import to_arrow_type

    return to_arrow_type(schema["json"].dataType, timezone="UTC")
