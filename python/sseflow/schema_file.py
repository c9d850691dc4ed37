"""The schema files of ``sseflow ingest --schema FILE``: a JSON object of field names to types.

A type is a pyarrow type name (``"string"``, ``"int64"``, ``"float64"``, ``"bool"``,
``"timestamp[ms]"``...), an object of fields (a struct), or a one-item list (a list of
that type)::

    {"id": "string", "choices": [{"index": "int64", "delta": {"content": "string"}}]}

Reading one needs pyarrow, which this module imports only when it is called.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["SchemaFileError", "read"]

EXAMPLE = '{"id": "string", "n": "int64", "tags": ["string"], "o": {"x": "float64"}}'


class SchemaFileError(ValueError):
    """A schema file that is not JSON, or holds something other than fields and types."""


def read(path: str) -> pa.Schema:
    """The Arrow schema a schema file describes.

    Raises:
        OSError: the file cannot be read.
        SchemaFileError: what is wrong in it, naming the field.
    """
    try:
        fields = json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SchemaFileError(f"{path}: not JSON ({error})") from None
    if not isinstance(fields, dict):
        raise SchemaFileError(
            f"{path}: a schema file holds a JSON object of fields, such as {EXAMPLE}"
        )
    import pyarrow as pa

    return pa.schema(_fields(path, fields, ""))


def _fields(path: str, fields: dict[str, object], parent: str) -> list[pa.Field]:
    import pyarrow as pa

    return [pa.field(name, _type(path, kind, parent + name)) for name, kind in fields.items()]


def _type(path: str, kind: object, name: str) -> pa.DataType:
    import pyarrow as pa

    if isinstance(kind, dict):
        return pa.struct(_fields(path, kind, name + "."))
    if isinstance(kind, list):
        if len(kind) != 1:
            raise SchemaFileError(
                f'{path}: field "{name}": a list type is a list of one type, such as ["int64"],'
                f" not of {len(kind)}"
            )
        return pa.list_(_type(path, kind[0], name + "[]"))
    if isinstance(kind, str):
        try:
            return pa.type_for_alias(kind)
        except ValueError:
            pass
    raise SchemaFileError(
        f'{path}: field "{name}": {json.dumps(kind)} is not a type: give a pyarrow type name'
        ' ("string", "int64", "float64", "bool", "timestamp[ms]"...), an object of fields,'
        " or a one-item list"
    )
