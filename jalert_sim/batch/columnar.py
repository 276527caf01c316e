"""CSV rows parsed and prepared a column at a time: the batch's fast path for input.

:func:`parse_csv_rows` gives what ``parse_row`` then ``prepare`` give for each row of a chunk,
``(id, Scenario or error)``, but reads each number column of the chunk at once (one regex over
the column, then ``float``) and resolves each distinct launch text, (lat, lon) pair, launch time
and set of model options once, instead of once per row. A row is taken by the fast path only if
every value of it is *plain* (numbers as strict ASCII decimals without spaces, blanks exactly
empty, text that UTF-8 can carry) and it could be prepared; every other row, and every row of a
header this path does not know how to read, goes through ``parse_row`` and ``prepare`` as
before, so that its error (or its odd but valid value: " 72 ", a launch in both forms) is today's.

Why it agrees: a plain value is one that ``decimals.to_float`` reads as ``float(text)`` (its
pattern, less the spaces and the nan/inf words, which the range checks would refuse), and the
launch, options and time of a row are resolved by the very functions ``prepare`` calls, on the
same arguments; only their repetition is saved. ``tests/test_columnar.py`` compares both paths
on varied good and bad rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from ..errors import JalertError
from ..simulation.api import number, parse_time, prepare, resolve_launch, resolve_models
from ..simulation.options import MODEL_OPTIONS
from ..simulation.table import Scenario
from .fields import ALIASES, FIELDS
from .parsing import parse_row

#: A plain number: decimals.to_float's pattern without surrounding spaces and without nan/inf.
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_PLAIN = re.compile(_NUMBER, re.ASCII)
#: A whole column of plain numbers, each followed by "\n" (a value holding "\n" is caught by the count).
_PLAIN_COLUMN = re.compile(rf"(?:{_NUMBER}\n)*", re.ASCII)
#: The same where a value may be empty (an optional field: range).
_OPTIONAL_COLUMN = re.compile(rf"(?:(?:{_NUMBER})?\n)*", re.ASCII)
#: A column of ISO 8601 times with an offset, in years 1000-9997: well inside parse_time's range
#: (years 2-9998, JST), so that datetime.fromisoformat alone gives parse_time's value.
_ISO_COLUMN = re.compile(r"(?:(?:[1-8]\d\d\d|9[0-8]\d\d|99[0-8]\d|999[0-7])-\d\d-\d\d"
                         r"T\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?[+-]\d\d:\d\d\n)*", re.ASCII)


def parse_csv_rows(header: tuple[str, ...], raws: Sequence[Any], first_row: int, launch_time: str,
                   encoding: str = "UTF-8") -> list[tuple[Any, Scenario | JalertError]]:
    """``(id, Scenario or the error)`` for each raw CSV row of ``raws`` (field lists, or the
    csv error text / LongLine of a row that could not be read), numbered from ``first_row``: what
    ``prepare`` gives for what ``parse_row`` gives, with the same arguments."""
    out: list[Any] = [None] * len(raws)
    names = _field_names(header)
    fast = [k for k, raw in enumerate(raws) if type(raw) is list and len(raw) == len(header)] if names else []
    if fast:
        _parse_fast(names, [raws[k] for k in fast], fast, first_row, launch_time, out)
    for k, raw in enumerate(raws):
        if out[k] is None:
            ident, item = parse_row("csv", header, raw, first_row + k, launch_time, encoding)
            out[k] = (ident, item if isinstance(item, JalertError) else prepare(item))
    return out


def _field_names(header: tuple[str, ...]) -> tuple[str, ...] | None:
    """The header's field names (aliases resolved), or None if the fast path does not read it: an
    unknown or repeated field (every row's error), or no launch, azimuth or apogee column."""
    names = tuple(ALIASES.get(key, key) for key in header)
    if len(set(names)) != len(names) or not all(name in FIELDS for name in names):
        return None
    if not ({"azimuth", "apogee"} <= set(names) and ("launch" in names or {"lat", "lon"} <= set(names))):
        return None
    return names


def _parse_fast(names: tuple[str, ...], rows: list[list[str]], at: list[int], first_row: int,
                launch_time: str, out: list[Any]) -> None:
    """Fill ``out[at[j]]`` for each row ``rows[j]`` the fast path takes (see the module's docstring)."""
    n = len(rows)
    column = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    ok = [True] * n
    for name in ("id", "launch", "launch_time"):
        if name in column:
            _refuse(ok, _not_utf8(column[name]))
    azimuth = _numbers(column["azimuth"], ok, optional=False)
    apogee = _numbers(column["apogee"], ok, optional=False)
    rng = _numbers(column["range"], ok, optional=True) if "range" in column else [None] * n
    sites = _launches(column, ok)
    models = _models({name: column[name] for name in names if name in MODEL_OPTIONS}, ok, n)
    times = _times(column.get("launch_time"), launch_time, ok, n)
    ids = column.get("id")
    for j in range(n):
        if ok[j]:
            row = first_row + at[j]
            ident = ids[j].strip() or row if ids is not None else row
            lat, lon, site = sites[j]
            model, boost = models[j]
            out[at[j]] = (ident, Scenario(lat, lon, site, azimuth[j], apogee[j], rng[j], times[j], model, boost))


def _refuse(ok: list[bool], rows) -> None:
    for j in rows:
        ok[j] = False


def _not_utf8(values: list[str]) -> list[int]:
    """Which values UTF-8 cannot carry (lone surrogates of undecodable input: parsing._is_utf8)."""
    try:
        "".join(values).encode("utf-8")
    except UnicodeEncodeError:
        return [j for j, v in enumerate(values) if not _encodes(v)]
    return []


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _numbers(values: list[str], ok: list[bool], *, optional: bool) -> list[float | None]:
    """The column's plain finite numbers as floats (None: an empty optional value); a row with
    another value is refused (and its entry is None)."""
    pattern = _OPTIONAL_COLUMN if optional else _PLAIN_COLUMN
    text = "\n".join(values) + "\n"
    if text.count("\n") == len(values) and pattern.fullmatch(text):  # the usual chunk: every value plain
        out: list[Any] = [float(v) if v else None for v in values] if optional else list(map(float, values))
        if math.inf not in out and -math.inf not in out:
            return out
    else:
        out = [float(v) if _PLAIN.fullmatch(v) else None for v in values]
    for j, (v, x) in enumerate(zip(values, out)):
        if (x is None and not (optional and v == "")) or (x is not None and not math.isfinite(x)):
            ok[j] = False  # not plain, or beyond a float (1e999 reads as inf): prepare's error
    return out


def _blank(value: str) -> bool:
    """A value the fields treat as absent (scenario_from_fields: blank after str.strip())."""
    return not value.strip()


def _launches(column: dict[str, list[str]], ok: list[bool]) -> list[Any]:
    """Each row's (lat, lon, site or None), from its launch text or its lat and lon, each distinct
    one resolved once as prepare resolves it; a row with neither, both, a bad value or a launch
    that fails is refused (its entry is None)."""
    n = len(ok)
    texts = column.get("launch", [""] * n)
    lats, lons = column.get("lat"), column.get("lon")
    if lats is not None:
        lat_values = _numbers(lats, [True] * n, optional=True)
        lon_values = _numbers(lons, [True] * n, optional=True)
    keys: list[Any] = [_REFUSED] * n
    for j in range(n):
        text = texts[j]
        if not _blank(text):
            if lats is None or (_blank(lats[j]) and _blank(lons[j])):  # (both forms: "give either ..., not both")
                keys[j] = text
        elif lats is not None and lat_values[j] is not None and lon_values[j] is not None \
                and math.isfinite(lat_values[j]) and math.isfinite(lon_values[j]):
            keys[j] = (lats[j], lons[j])  # the text decides the floats, and their -0.0 too
    return _each_once(keys, lambda key: resolve_launch(key if isinstance(key, str) else (float(key[0]), float(key[1]))),
                      ok)


def _models(options: dict[str, list[str]], ok: list[bool], n: int) -> list[Any]:
    """Each row's (AlertModel, BoostModel) from its model option fields, each distinct set of
    values checked and made once as prepare makes it; a row whose options fail is refused."""
    if not options:
        default = resolve_models({})
        return [default] * n
    names = list(options)
    return _each_once(list(zip(*options.values())),
                      lambda key: resolve_models({name: number(name, v) for name, v in zip(names, key)
                                                  if not _blank(v)}), ok)


def _times(values: list[str] | None, default: Any, ok: list[bool], n: int) -> list[Any]:
    """Each row's launch time (its own, or ``default`` where blank), each distinct text parsed
    once by prepare's parse_time; a row whose time fails is refused."""
    texts = [default] * n if values is None else [default if _blank(v) else v for v in values]
    joined = "\n".join(texts) + "\n" if isinstance(default, str) else ""  # (a datetime default: parse_time)
    if joined.count("\n") == n and _ISO_COLUMN.fullmatch(joined):
        try:  # what parse_time gives for these texts (they need no strip, upper, Z or default zone)
            return list(map(datetime.fromisoformat, texts))
        except ValueError:  # a 30 February, an offset of 24 h: parse_time's error
            pass
    return _each_once(texts, parse_time, ok)


#: The key of a row refused before its value is resolved.
_REFUSED = object()


def _each_once(keys: list[Any], resolve: Callable[[Any], Any], ok: list[bool]) -> list[Any]:
    """``resolve(key)`` for each row's key, each distinct key resolved once; a row whose key is
    _REFUSED, or whose resolution fails (raises, or gives None), is refused (``ok`` False, entry None)."""
    made: dict[Any, Any] = {_REFUSED: None}
    out: list[Any] = [None] * len(keys)
    for j, key in enumerate(keys):
        if key not in made:
            try:
                made[key] = resolve(key)
            except Exception:  # noqa: BLE001  (the row goes the per-row way, which says or raises what is wrong)
                made[key] = None
        out[j] = made[key]
        if out[j] is None:
            ok[j] = False
    return out
