"""Japan's 47 prefectures, their 12 nm alert footprints, and where a point lies.

Frames and units: ``lat``/``lon`` are degrees on WGS84; ``*_xy`` geometries are
metres in :data:`~jalert_sim.geo.projection.PROJECTION_CRS` (azimuthal equidistant about
36 N 138 E); areas are km². Land comes from the R package
mapdata's "japan" database (see data/README.md); it includes the Northern
Territories, Takeshima and the Senkaku islands as Japan counts them.

Nothing is loaded at import. The first call loads the precomputed cache
``data/geometry.npz`` once (prefecture land, projected land, footprints, their
union); later calls reuse it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import DataError, UnknownNameError
from .cache import cache_meta, layer
from .lookup import first_hit, points
from .names import fold as _fold
from .projection import PROJECTION_CRS, to_xy

@dataclass(frozen=True)
class Prefecture:
    """One prefecture (都道府県).

    ``code`` is JIS X 0401 ("01".."47"). ``land`` is a MultiPolygon in lon/lat
    degrees; ``land_xy`` the same land in projected metres. ``footprint_xy`` is
    the land plus the sea within 12 nm (TERRITORIAL_SEA_KM) of its coast, in
    projected metres: the coastline of the data stands in for the legal
    baseline (straight baselines across bays are not modelled), and the band
    excludes other prefectures' land, so inland prefectures' footprints are
    their land. ``area_km2`` is the geodesic land area on WGS84.
    """

    code: str
    name: str
    name_ja: str
    region: str
    region_ja: str
    land: BaseGeometry
    land_xy: BaseGeometry
    footprint_xy: BaseGeometry
    area_km2: float

    def __repr__(self) -> str:  # the geometries would print thousands of vertices
        return f"Prefecture(code={self.code!r}, name={self.name!r}, name_ja={self.name_ja!r})"


@cache
def prefectures() -> tuple[Prefecture, ...]:
    """The 47 prefectures in JIS order (index 0 is Hokkaido "01", 46 is Okinawa "47")."""
    meta = cache_meta()
    if meta.get("projection") != PROJECTION_CRS:
        raise DataError("geometry cache was built for another projection; rebuild it (scripts/build_data.py)")
    props = meta["prefectures"]
    land, land_xy, footprint_xy = layer("land"), layer("land_xy"), layer("footprint_xy")
    if not len(props) == len(land) == len(land_xy) == len(footprint_xy) == 47:
        raise DataError("geometry cache does not hold 47 prefectures; rebuild it")
    return tuple(
        Prefecture(
            code=p["code"],
            name=p["name"],
            name_ja=p["name_ja"],
            region=p["region"],
            region_ja=p["region_ja"],
            land=land[i],
            land_xy=land_xy[i],
            footprint_xy=footprint_xy[i],
            area_km2=float(p["area_km2"]),
        )
        for i, p in enumerate(props)
    )


_SUFFIXES_EN = re.compile(r"[\s\-]+(prefecture|metropolis|ken|fu|to)$")
_SUFFIXES_JA = ("都", "府", "県")


@cache
def _name_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for i, p in enumerate(prefectures()):
        labels = {p.code, str(int(p.code)), p.name, p.name_ja}
        if p.name_ja.endswith(_SUFFIXES_JA):
            labels.add(p.name_ja[:-1])  # 東京都 -> 東京, 京都府 -> 京都, 青森県 -> 青森
        for label in labels:
            index.setdefault(_fold(label), i)
    return index


def prefecture(query: str | int) -> Prefecture:
    """Look a prefecture up by JIS code (13, "13", "01"), English name ("tokyo", "Tokyo-to",
    "Aomori Prefecture") or Japanese name ("東京都", "東京"); case-insensitive.

    Raises UnknownNameError("prefecture", query, suggestions).
    """
    index = _name_index()
    folded = _fold(str(query))
    for candidate in (folded, _SUFFIXES_EN.sub("", folded), folded.lstrip("0")):
        if candidate in index:
            return prefectures()[index[candidate]]
    close = difflib.get_close_matches(_SUFFIXES_EN.sub("", folded), index.keys(), n=6, cutoff=0.6)
    suggestions = list(dict.fromkeys(prefectures()[index[c]].name for c in close))[:3]
    raise UnknownNameError("prefecture", str(query), suggestions)


@cache
def _land_tree() -> shapely.STRtree:
    """STRtree over ``[p.land for p in prefectures()]``, the land prepared in place (point tests)."""
    tree = shapely.STRtree([p.land for p in prefectures()])
    shapely.prepare(tree.geometries)
    return tree


def prefecture_indices_at(lat, lon) -> np.ndarray:
    """:func:`prefecture_at` for many points: per point, the index in :func:`prefectures` of the
    first prefecture (JIS order) whose land contains it, or -1 (sea, abroad, NaN).

    ``lat``/``lon`` are degrees WGS84, 1-D arrays (or scalars) that broadcast together; the
    result is an int array of their length. Land is the lon/lat polygons of the data; a point on
    a border or coastline counts as inside.
    """
    lat, lon = points(lat, lon)
    return first_hit(_land_tree(), lat, lon)


def prefecture_at(lat: float, lon: float) -> Prefecture | None:
    """The prefecture whose land (lon/lat polygons of the data) contains the point, else None.

    Sea, including territorial sea, gives None. Where two prefectures' polygons
    overlap along a border, the first in JIS order wins. One point of
    :func:`prefecture_indices_at`.
    """
    k = int(prefecture_indices_at(lat, lon)[0])
    return prefectures()[k] if k >= 0 else None


@cache
def footprint_tree() -> shapely.STRtree:
    """STRtree over ``[p.footprint_xy for p in prefectures()]``; an index is a position in prefectures()."""
    return shapely.STRtree([p.footprint_xy for p in prefectures()])


@cache
def japan_footprint_xy() -> BaseGeometry:
    """All Japanese land plus the 12 nm band around it (projected metres), prepared for fast tests."""
    geom = layer("japan_footprint_xy")[0]
    shapely.prepare(geom)
    return geom


def territorial_sea_mask(lat, lon) -> np.ndarray:
    """:func:`in_territorial_sea` for many points: a bool array, True on Japanese land or within
    12 nm of it. ``lat``/``lon`` are degrees WGS84, 1-D arrays (or scalars) that broadcast
    together; NaN gives False."""
    lat, lon = points(lat, lon)
    x, y = to_xy(lon, lat)
    return shapely.contains_xy(japan_footprint_xy(), x, y)


def in_territorial_sea(lat: float, lon: float) -> bool:
    """True if the point is on Japanese land or within 12 nm of it (coastline approximation, as
    footprint_xy). One point of :func:`territorial_sea_mask`."""
    return bool(territorial_sea_mask(lat, lon)[0])

