"""Named places: North Korean launch sites and the Japanese landmarks that reports use.

The catalogue is ``data/places.json``; every coordinate there is a public fact
with its ``source``. ``lat``/``lon`` are degrees on WGS84. Look-ups are
case-insensitive and accept the key, the English or Japanese name, or an alias.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass
from functools import cache

from .._data import data_path
from ..decimals import to_float
from ..errors import DataError, InputError, UnknownNameError
from .names import fold as _fold

PLACES_FILE = "places.json"
KINDS = ("launch_site", "landmark")


@dataclass(frozen=True)
class Place:
    """A named point. ``lat``/``lon`` in degrees WGS84; ``kind`` is "launch_site" or "landmark"."""

    key: str
    name: str
    name_ja: str
    lat: float
    lon: float
    kind: str
    aliases: tuple[str, ...]
    source: str


@cache
def _catalogue() -> tuple[Place, ...]:
    path = data_path(PLACES_FILE)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))["places"]
        places = tuple(
            Place(
                key=r["key"],
                name=r["name"],
                name_ja=r["name_ja"],
                lat=float(r["lat"]),
                lon=float(r["lon"]),
                kind=r["kind"],
                aliases=tuple(r["aliases"]),
                source=r["source"],
            )
            for r in records
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"{path} is unreadable: {exc}") from exc
    for p in places:
        if p.kind not in KINDS or not (-90 <= p.lat <= 90 and -180 <= p.lon <= 180) or not p.source:
            raise DataError(f"{path}: bad entry {p.key!r}")
    return places


def launch_sites() -> tuple[Place, ...]:
    """All launch sites, in catalogue order."""
    return tuple(p for p in _catalogue() if p.kind == "launch_site")


def landmarks() -> tuple[Place, ...]:
    """All landmarks, in catalogue order."""
    return tuple(p for p in _catalogue() if p.kind == "landmark")


@cache
def _index(kind: str) -> dict[str, Place]:
    index: dict[str, Place] = {}
    for p in _catalogue():
        if p.kind == kind:
            for label in (p.key, p.name, p.name_ja, *p.aliases):
                index.setdefault(_fold(label), p)
    return index


def _lookup(kind: str, parameter: str, query: str) -> Place:
    index = _index(kind)
    folded = _fold(str(query))
    if folded in index:
        return index[folded]
    close = difflib.get_close_matches(folded, index.keys(), n=5, cutoff=0.6)
    suggestions: list[str] = []
    for label in close:
        name = index[label].key
        if name not in suggestions:
            suggestions.append(name)
    raise UnknownNameError(parameter, str(query), suggestions[:3])


def launch_site(query: str) -> Place:
    """The launch site named ``query`` (key, name, name_ja or alias; case-insensitive).

    Raises UnknownNameError("launch site", query, suggestions) if there is none.
    """
    return _lookup("launch_site", "launch site", query)


def landmark(query: str) -> Place:
    """The landmark named ``query`` (key, name, name_ja or alias; case-insensitive)."""
    return _lookup("landmark", "landmark", query)


# A decimal number, with an exponent or not; "nan" and "inf" are read too, to be refused by the range
# checks with a message about the number rather than as unknown site names.
_NUMBER = r"([+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|nan|inf(?:inity)?))"
_COORDS = re.compile(rf"^\s*{_NUMBER}\s*([NS])?\s*[,\s]\s*{_NUMBER}\s*([EW])?\s*$", re.IGNORECASE | re.ASCII)


def _why_not_numbers(text: str) -> str:
    """": <what is wrong>" with the first part of ``text`` that is not a plain decimal number, or ''."""
    for part in re.split(r"[,\s]+", text.strip().rstrip("NSEWnsew°")):
        try:
            to_float(part.rstrip("NSEWnsew° "))
        except ValueError as exc:
            return f": {exc}"
    return ""


def parse_launch(text: str) -> tuple[float, float, Place | None]:
    """Parse a launch point: "lat,lon" in degrees (e.g. "39.22,125.67", "39.22N, 125.67E") or a site name.

    Returns (lat, lon, place) with place None for raw coordinates. Raises
    InputError("launch", ...) for numbers out of range and UnknownNameError for
    an unknown name.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("launch", "give a launch site name or 'lat,lon' in degrees")
    match = _COORDS.match(text)
    if match is None:
        if re.search(r"\d", text) and not re.search(r"[^\d\s.,_+\-NSEWnsew°]", text):
            raise InputError("launch", f"cannot read {text!r} as 'lat,lon' in degrees{_why_not_numbers(text)}")
        place = launch_site(text)
        return place.lat, place.lon, place
    lat, ns, lon, ew = float(match[1]), match[2], float(match[3]), match[4]
    if ns and lat < 0 or ew and lon < 0:
        raise InputError("launch", f"{text!r}: use either a sign or N/S/E/W, not both")
    if ns and ns.upper() == "S":
        lat = -lat
    if ew and ew.upper() == "W":
        lon = -lon
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise InputError("launch", f"latitude must be a finite number of degrees in -90..90 (got {lat:g})")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise InputError("launch", f"longitude must be a finite number of degrees in -180..180 (got {lon:g})")
    return lat, lon, None
