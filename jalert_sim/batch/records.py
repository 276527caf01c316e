"""The JSON Lines records of a batch: one line per input row, the ``run`` document plus ``id``
and ``row``, or ``{"id", "row", "error"}``. (The CSV rows are ``exports.csv.scenario_row``.)

Serialising is a large part of a batch's time per scenario: orjson writes the records where it
is installed and provably writes json's text (:func:`orjson_dumps`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from ..errors import JalertError
from ..simulation.result import SimulationResult


def json_record(ident: Any, row: int, result: SimulationResult | JalertError, *, track: bool = False) -> str:
    """One JSONL line (without the newline): the ``run`` document plus id and row, or the error."""
    document = result if isinstance(result, JalertError) else result.to_dict(track=track)
    return document_bytes(ident, row, document).decode("utf-8", "surrogatepass")


def document_bytes(ident: Any, row: int, document: dict[str, Any] | JalertError, plain: bool = False) -> bytes:
    """:func:`json_record` of the result whose ``to_dict()`` is ``document`` (or of the error), in
    UTF-8 (a lone surrogate of an id as "surrogatepass" writes it): a batch's workers send their
    records' bytes (performance). ``plain``: every float of the document is finite and 0 or
    1e-4 <= |x| < 1e16 (simulation.table.ScenarioTable.iter_documents), which orjson writes as json
    does: its text needs no check."""
    if isinstance(document, JalertError):
        doc: dict[str, Any] = {"id": ident, "row": row, "error": str(document)}
    else:
        doc = {"id": ident, "row": row, **document}
    dumps = orjson_dumps() if type(ident) in (str, int) else None  # (a float id may be NaN: json writes NaN)
    if dumps is not None:
        try:
            data = dumps(doc)
        except TypeError:  # a lone surrogate, an integer beyond 64 bits, a type orjson does not know
            pass
        else:
            if plain or not (_ORJSON_EXPONENT.search(data) or _orjson_decimals(data)):
                return data
    return _json_dumps(doc).encode("utf-8", "surrogatepass")


def _json_dumps(doc: Any) -> str:
    """The text of a JSONL record: compact JSON, UTF-8 as it is."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


#: Where orjson writes a float otherwise than json (which writes repr): with a one-digit exponent
#: (2.5e-7 for 2.5e-07), or below 1e-4 in decimals (0.00001 for 1e-05: _orjson_decimals).
_ORJSON_EXPONENT = re.compile(rb"e-[0-9](?![0-9])")  # a literal start: scans as fast as ``in``


def _orjson_decimals(data: bytes) -> bool:
    """True if orjson wrote a number as 0.0000... (a number starts after ':', ',' or '[')."""
    at = data.find(b"0.0000")
    while at >= 0:
        start = at - 1 if data[at - 1:at] == b"-" else at
        if data[start - 1:start] in (b":", b",", b"["):
            return True
        at = data.find(b"0.0000", at + 6)
    return False


@cache
def orjson_dumps() -> Callable[[Any], bytes] | None:
    """orjson.dumps if it is installed and writes what :func:`_json_dumps` writes, else None.

    It serialises a record ~8x faster than json (~10 us instead of ~90 us for a 4.7 kB
    record), a large part of the batch's time per scenario. Its text is json's for
    strings, integers, true/false/null and floats, except the float forms that
    _ORJSON_EXPONENT and _orjson_decimals find (json_record then asks json) and NaN/infinity, which it
    writes as null: records have none (inputs must be finite numbers, the solver's
    columns turn them into null). The probe below checks the rest of that claim for the
    installed version (before 3.11.7 orjson wrote 1e16 as 1e16, json writes 1e+16).
    """
    try:
        import orjson
    except ImportError:
        return None
    probe = {
        "text": "日本の東約2,910km \"\\/\n\r\t\b\f\x00\x1f\x7f\u2028\u2029😀",
        "floats": [0.1, -0.0, 1.0, 123456.789, 1e-4, 1.4e-12, 1e16, 1.2e30, -3.5e+300, 5e-324,
                   1.7976931348623157e308, 1190.0601858664338, 9007199254740993.0],
        "ints": [0, -1, 2**63 - 1, -(2**63)],
        "other": [True, False, None, [], {}],
    }
    return orjson.dumps if orjson.dumps(probe) == _json_dumps(probe).encode() else None
