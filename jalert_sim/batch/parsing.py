"""A raw input row (a CSV field list or a JSONL line, as ``reading`` hands them out) parsed into
its id and the scenario it asks for, or the reason it cannot be simulated.

Every failure is a value, not an exception: one bad row becomes one error record and the batch
goes on. Ids are made writable (UTF-8, JSON, CSV) whatever bytes the row held.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ..errors import InputError, JalertError
from .fields import scenario_from_fields
from .reading import MAX_LINE_CHARS, LongLine


def parse_row(kind: str, header: tuple[str, ...] | None, raw: Any, row: int,
              launch_time: str, encoding: str = "UTF-8") -> tuple[Any, dict | JalertError]:
    """(id, scenario keyword arguments or the error) for the raw row number ``row`` (1-based) of an
    input of ``kind`` "csv" (with its ``header``) or "jsonl"; ``launch_time`` for a row without one;
    ``encoding`` names the input's encoding in the error of a row that is not valid in it."""
    ident: Any = row
    try:
        if isinstance(raw, LongLine):
            raise InputError("row", f"longer than {MAX_LINE_CHARS:,} characters (starts {raw[:40]!r})")
        if kind == "jsonl":
            if not raw.strip():
                raise InputError("row", "blank line")
            if not _is_utf8(raw):
                raise InputError("row", f"not valid {encoding}")
            try:
                obj = json.loads(raw.lstrip("\ufeff"))
            except ValueError as exc:
                raise InputError("row", f"not valid JSON: {exc}") from None
            except RecursionError:
                raise InputError("row", "not valid JSON here: nested too deeply") from None
            if not isinstance(obj, dict):
                raise InputError("row", f"expected a JSON object, got {type(obj).__name__}")
            if obj.get("id") is not None:
                ident = _json_id(obj["id"])
            return ident, scenario_from_fields(obj, launch_time=launch_time)
        if isinstance(raw, str):  # a csv.Error
            raise InputError("row", raw)
        assert header is not None
        if not raw or (len(raw) == 1 and not raw[0].strip() and len(header) > 1):
            raise InputError("row", "blank line")
        if "id" in header and len(raw) > header.index("id") and raw[header.index("id")].strip():
            ident = raw[header.index("id")].strip()
        if len(raw) != len(header):
            raise InputError("row", f"has {len(raw)} fields, the header has {len(header)}")
        if not all(_is_utf8(value) for value in raw):
            raise InputError("row", f"not valid {encoding}")
        return ident, scenario_from_fields(dict(zip(header, raw)), launch_time=launch_time)
    except JalertError as exc:
        return _utf8_id(ident), exc


def parse_fields(fields: dict[str, Any], row: int, launch_time: str) -> tuple[Any, dict | JalertError]:
    """(id, scenario keyword arguments or the error) for row number ``row`` given as typed values,
    a column of a Parquet file or a DataFrame each (None: absent), as a JSONL row's are read."""
    ident: Any = row
    try:
        if fields.get("id") is not None:
            ident = _json_id(fields["id"])
        return ident, scenario_from_fields(fields, launch_time=launch_time)
    except JalertError as exc:
        return _utf8_id(ident), exc


def _json_id(value: Any) -> str | int | float:
    """A JSONL row's id: a string (see _utf8_id) or a finite number; anything else (an object, a
    list, true, NaN) cannot be written back as the id of a CSV row or of valid JSON."""
    if isinstance(value, str):
        return _utf8_id(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, float) or not math.isfinite(value):
        raise InputError("id", f"must be a string or a finite number, got {json.dumps(value, ensure_ascii=True)[:60]}")
    return value


def _utf8_id(ident: Any) -> Any:
    """The id with any character that UTF-8 cannot carry (bytes of a row that was not UTF-8, a JSON
    "\\ud800") replaced by U+FFFD, so that its record can be written."""
    if isinstance(ident, str) and not _is_utf8(ident):
        try:  # the bytes of UTF-8 input, kept as U+DC80..U+DCFF on reading
            return ident.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:  # other surrogates: a bad UTF-16 unit, a JSON "\ud800"
            return re.sub("[\ud800-\udfff]+", "\ufffd", ident)
    return ident


def _is_utf8(text: str) -> bool:
    """False if the text holds bytes that were not valid in the input's encoding (kept as lone
    surrogates on reading: ``reading``), so that UTF-8 cannot carry it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
