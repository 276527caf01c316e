"""Which sea a point is in, on which country's land it lies, and whether it is inside Japan's
EEZ (approximately).

Frames: ``lat``/``lon`` in degrees WGS84. Sea limits are coarse lon/lat
polygons that follow the International Hydrographic Organization's
*Limits of Oceans and Seas* (S-23, 1953) in spirit: straits are split where
S-23 splits them (Tsugaru and Kanmon belong to the Sea of Japan, Soya/La
Pérouse separates it from the Sea of Okhotsk, the Korea Strait is cut from
Jeju to the Goto islands, the Ryukyu chain separates the East China Sea from
the Pacific; the South China, Sulu and Celebes Seas are split along Palawan,
Balabac and the Sulu archipelago; the Bering Sea, west of 180, lies north of
the Commander Islands and the Aleutians). Expect points within ~20 km of a
limit, or deep in small bays, to be named either way. The polygons may cross
land; land is excluded first. Everything else in the region (100–180 E,
0–62 N) that is not land is the "Pacific Ocean" (the Philippine Sea is not
distinguished: Japanese reports say 太平洋 there); so, wrongly, are the seas
inside the Philippines (Sibuyan, Visayan, Bohol) and the Molucca Sea.

Land is Japan's prefectures plus the basemap (mapdata's worldHires over the same
region, simplified to about 1 km, islands under about 1 km² dropped), which also
says whose land it is (:func:`countries_at`). Outside the region neither seas nor
land are known: both look-ups answer None there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import NamedTuple

import numpy as np
import shapely
from shapely.geometry import Polygon

from .cache import cache_meta, layer
from .lookup import first_hit, points
from .projection import to_xy


@dataclass(frozen=True)
class Sea:
    """A named sea, in English and Japanese."""

    name: str
    name_ja: str


SEA_OF_JAPAN = Sea("Sea of Japan", "日本海")
PACIFIC_OCEAN = Sea("Pacific Ocean", "太平洋")
EAST_CHINA_SEA = Sea("East China Sea", "東シナ海")
YELLOW_SEA = Sea("Yellow Sea", "黄海")
SEA_OF_OKHOTSK = Sea("Sea of Okhotsk", "オホーツク海")
SETO_INLAND_SEA = Sea("Seto Inland Sea", "瀬戸内海")
SOUTH_CHINA_SEA = Sea("South China Sea", "南シナ海")
SULU_SEA = Sea("Sulu Sea", "スールー海")
CELEBES_SEA = Sea("Celebes Sea", "セレベス海")
BERING_SEA = Sea("Bering Sea", "ベーリング海")

# Shared limits (one list, so that neighbouring seas leave no gap between them): the South
# China Sea's east side down Luzon, across to Mindoro, along Palawan and Balabac to northern
# Borneo, and through Borneo; the chain Sabah - Tawi-Tawi - Jolo - Basilan - Zamboanga between
# the Sulu and Celebes Seas.
_LUZON_TO_BORNEO = (
    (121.5, 18.0), (121.2, 16.0), (121.3, 14.5), (120.65, 13.8), (120.3, 13.43), (121.1, 12.3), (120.1, 12.0),
    (119.5, 10.9), (118.7, 9.8), (117.6, 8.7), (117.2, 8.3), (117.0, 7.9), (116.8, 6.9),
)
_SULU_CELEBES = ((117.8, 5.4), (120.0, 5.1), (121.0, 6.0), (121.9, 6.6), (122.0, 6.95))

#: The region in which sea_at and seas_at answer at all (lon_min, lat_min, lon_max, lat_max).
REGION = (100.0, 0.0, 180.0, 62.0)

# (lon, lat) vertices; edges over land are drawn through the interior of the
# land so that coasts, not the edges, bound each sea. Checked in this order.
_LIMITS: tuple[tuple[Sea, tuple[tuple[float, float], ...]], ...] = (
    (SETO_INLAND_SEA, (
        (130.98, 33.97), (131.3, 34.35), (133.0, 34.85), (134.5, 35.0), (135.5, 34.9), (135.6, 34.5),
        (135.3, 34.3), (135.07, 34.27), (134.95, 34.28), (134.70, 34.23), (134.6, 34.2),  # Kitan, Naruto
        (134.0, 34.0), (133.0, 33.8), (132.0, 33.34), (131.9, 33.27),  # Bungo Channel: Sadamisaki-Sekizaki
        (131.4, 33.35), (131.0, 33.6),
    )),
    (SEA_OF_OKHOTSK, (
        (141.94, 45.52), (141.92, 45.90), (142.05, 46.5), (142.4, 47.0), (142.3, 50.0), (141.7, 52.2),  # Soya, Sakhalin
        (140.0, 54.0), (135.0, 55.0), (143.0, 62.0), (165.5, 62.0), (165.0, 61.0),  # Penzhina Gulf
        (163.0, 60.5), (162.5, 60.0), (161.0, 59.0), (158.0, 56.0), (156.65, 50.87),  # Kamchatka, Cape Lopatka
        (155.5, 49.8), (153.5, 48.3), (151.8, 46.9), (150.3, 45.9), (148.9, 45.4), (147.0, 44.6),  # Kurils
        (146.3, 44.3), (145.6, 43.8), (145.3, 43.3), (144.0, 43.5), (142.5, 44.5),  # Nemuro Strait, Hokkaido
    )),
    (SEA_OF_JAPAN, (
        (126.1, 34.35), (126.16, 33.3), (126.55, 33.2), (128.6, 32.6), (129.75, 32.58),  # Jindo-Jeju-Goto-Nomozaki
        (130.1, 33.25), (130.93, 33.93), (131.5, 34.3), (133.0, 34.9), (135.0, 35.2), (136.5, 35.8),  # Kanmon
        (138.5, 36.8), (140.0, 38.5), (141.0, 40.6), (141.46, 41.43), (141.18, 41.81),  # Tsugaru: Shiriya-Esan
        (140.75, 41.9), (140.15, 42.2), (140.25, 42.7), (141.3, 43.0), (142.0, 44.0), (141.94, 45.52),
        (141.92, 45.90), (142.2, 46.5), (142.5, 49.0), (142.2, 52.0), (140.5, 52.0),  # La Perouse, Tatar Strait
        # inland down the Korean peninsula, west of the East Korea Bay (Wonsan, Hamhung)
        (136.0, 46.0), (131.0, 43.0), (128.0, 41.0), (126.8, 39.8), (126.9, 38.0), (127.3, 37.0),
        (127.0, 36.0), (126.5, 34.8),
    )),
    (YELLOW_SEA, (  # with the Bohai
        (126.1, 34.35), (126.16, 33.3), (119.0, 33.28), (117.0, 37.0), (117.0, 39.5), (119.5, 40.5),
        # inland up the Korean peninsula, east of its western bays (Gyeonggi, Asan, Mokpo)
        (121.5, 41.5), (124.8, 40.3), (126.3, 40.0), (126.7, 38.3), (127.1, 37.0), (127.0, 35.5),
    )),
    (EAST_CHINA_SEA, (
        (119.8, 25.5), (121.54, 25.30), (122.0, 25.0), (123.0, 24.45), (124.2, 24.4), (125.3, 24.75),  # Taiwan-Sakishima
        (128.3, 26.8), (129.5, 28.3), (131.0, 30.7), (130.7, 31.1),  # Okinawa, Amami, Tanegashima, Kyushu
        (130.75, 32.3), (130.6, 33.1), (130.1, 33.25), (129.75, 32.58), (128.6, 32.6), (126.55, 33.2),
        (126.16, 33.3), (120.0, 33.28), (119.0, 30.0), (119.0, 26.0),
    )),
    (SOUTH_CHINA_SEA, (
        (119.8, 25.5), (121.54, 25.30), (121.0, 23.5), (120.85, 21.9), (121.9, 20.5), *_LUZON_TO_BORNEO,
        (116.5, 5.5), (115.2, 4.5), (113.0, 2.5), (110.0, 0.0), (100.0, 0.0), (100.0, 25.0),  # Borneo
    )),
    (SULU_SEA, (
        *_LUZON_TO_BORNEO[5:], *_SULU_CELEBES,
        (122.3, 7.5), (123.1, 9.3), (122.9, 10.2), (122.6, 11.0), (122.3, 11.5),  # Zamboanga, Negros, Panay
    )),
    (CELEBES_SEA, (
        *_SULU_CELEBES, (124.0, 7.9), (125.0, 6.8), (125.3, 5.6), (125.5, 3.6),  # Mindanao, Sangihe
        (124.9, 1.5), (121.0, 0.8), (118.9, 1.0), (117.0, 2.5), (116.9, 4.3),  # Sulawesi, Borneo
    )),
    (BERING_SEA, (  # west of 180: from Cape Kamchatsky along the Commander Islands and the Aleutians
        (163.3, 56.2), (166.2, 55.0), (167.9, 54.7), (172.8, 52.9), (173.6, 52.4), (177.5, 52.0), (179.2, 51.45),
        (180.0, 51.6), (180.0, 62.0), (170.0, 62.0), (166.5, 61.0), (164.5, 60.5), (162.8, 59.5), (161.0, 58.0),
        (161.5, 57.0),
    )),
)


@cache
def _sea_polygons() -> tuple[tuple[Sea, Polygon], ...]:
    out = []
    for sea, vertices in _LIMITS:
        poly = shapely.make_valid(Polygon(vertices))
        shapely.prepare(poly)
        out.append((sea, poly))
    return tuple(out)


class Country(NamedTuple):  # (a NamedTuple: a frozen dataclass costs ~2 ms of every start-up)
    """A country or territory of the basemap, in English and Japanese (``name`` as worldHires
    spells it, corrected for what changed after 1991: Russia, Palau)."""

    name: str
    name_ja: str


def _in_region(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Indices of the points inside :data:`REGION` (NaN: outside)."""
    lon_min, lat_min, lon_max, lat_max = REGION
    return np.nonzero((lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max))[0]


@cache
def _land() -> tuple[shapely.STRtree, np.ndarray, tuple[Country, ...]]:
    """(tree, owner, countries): a tree of all land, lon/lat, one polygon per entry (the prefectures'
    parts, then the basemap's countries' parts), each prepared in place; the index into
    ``countries`` of each entry's country (prefecture land belongs to Japan); the basemap's
    countries in its order. The prefectures come first because look-ups take the first entry
    that holds a point: where worldHires (1991) and the prefectures disagree, on the Northern
    Territories, the prefecture data, which follow Japan's position as J-Alert does, win."""
    countries = tuple(Country(c["name"], c["name_ja"]) for c in cache_meta()["basemap_countries"])
    japan = [c.name for c in countries].index("Japan")
    prefectures, basemap = layer("land"), basemap_land()
    parts, owner = shapely.get_parts([*prefectures, *basemap], return_index=True)
    owner = np.where(owner < len(prefectures), japan, owner - len(prefectures))
    tree = shapely.STRtree(parts)
    shapely.prepare(tree.geometries)
    return tree, owner, countries


def basemap_land() -> tuple[shapely.Geometry, ...]:
    """The land of the basemap (mapdata's worldHires over :data:`REGION`, simplified to about
    1 km, islands under about 1 km² dropped): one (Multi)Polygon per country, lon/lat degrees
    WGS84, in the basemap's (alphabetical) order of countries, Japan's as worldHires draws it."""
    return layer("basemap_land")


def _land_hits(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Per point (1-D arrays), the first entry of :func:`_land`'s tree that contains or touches it,
    -1 if none."""
    return first_hit(_land()[0], lat, lon)


def land_mask(lat, lon) -> np.ndarray:
    """Per point, True on land (a prefecture's or a basemap country's, coast included), False at
    sea, outside :data:`REGION` and for NaN. ``lat``/``lon``: degrees WGS84, 1-D arrays (or
    scalars) that broadcast together."""
    lat, lon = points(lat, lon)
    out = np.zeros(len(lat), dtype=bool)
    where = _in_region(lat, lon)
    if len(where):
        out[where] = _land_hits(lat[where], lon[where]) >= 0
    return out


def seas_and_countries_at(lat, lon) -> tuple[list[Sea | None], list[Country | None]]:
    """:func:`seas_at` and :func:`countries_at` with one land look-up: per point, the sea there
    (None on land) and the country on whose land it lies (None at sea); both None outside
    :data:`REGION` (NaN: None).

    ``lat``/``lon`` are degrees WGS84, 1-D arrays (or scalars) that broadcast together; the
    results are lists of their length. The limits are tested in the order of _LIMITS, so a point
    on the edge of two seas gets the first; the rest of the region is :data:`PACIFIC_OCEAN`.
    Japan's prefecture land is Japan's (Kunashiri too, where worldHires says Russia); where two
    other countries' simplified coasts overlap, the first in the basemap's (alphabetical) order
    is named.
    """
    lat, lon = points(lat, lon)
    seas: list[Sea | None] = [None] * len(lat)
    countries: list[Country | None] = [None] * len(lat)
    where = _in_region(lat, lon)
    if len(where) == 0:  # (outside the region, the land need not be loaded)
        return seas, countries
    _, owner, names = _land()
    hit = _land_hits(lat[where], lon[where])
    for i, k in zip(where[hit >= 0].tolist(), owner[hit[hit >= 0]].tolist()):
        countries[i] = names[k]
    left = where[hit < 0]
    for sea, poly in _sea_polygons():
        if len(left) == 0:
            break
        inside = shapely.contains_xy(poly, lon[left], lat[left])
        for i in left[inside].tolist():
            seas[i] = sea
        left = left[~inside]
    for i in left.tolist():
        seas[i] = PACIFIC_OCEAN
    return seas, countries


def countries_at(lat, lon) -> list[Country | None]:
    """The countries of :func:`seas_and_countries_at`: per point, the country on whose land it
    lies (Japan for prefecture land), or None at sea or outside :data:`REGION`."""
    return seas_and_countries_at(lat, lon)[1]


def country_at(lat: float, lon: float) -> Country | None:
    """The country on whose land the point lies, or None. One point of :func:`countries_at`."""
    return countries_at(lat, lon)[0]


def seas_at(lat, lon) -> list[Sea | None]:
    """The seas of :func:`seas_and_countries_at`: per point, the sea there, or None on land
    (basemap or Japan) or outside :data:`REGION`."""
    return seas_and_countries_at(lat, lon)[0]


def sea_at(lat: float, lon: float) -> Sea | None:
    """The sea at a point, or None on land (basemap or Japan) or outside :data:`REGION`.
    One point of :func:`seas_at`."""
    return seas_at(lat, lon)[0]


class EEZStatus(str, Enum):
    """Whether a point is inside Japan's exclusive economic zone, as far as this model can tell."""

    INSIDE = "inside"
    OUTSIDE = "outside"
    UNCERTAIN = "uncertain"


@cache
def _eez_layers() -> tuple[shapely.Geometry, shapely.Geometry, shapely.Geometry]:
    geoms = (layer("japan_footprint_xy")[0], layer("eez_inner_xy")[0], layer("eez_outer_xy")[0])
    for g in geoms:
        shapely.prepare(g)
    return geoms


#: EEZStatus by code (0 outside, 1 uncertain, 2 inside), for eez_statuses.
_BY_CODE = np.array([EEZStatus.OUTSIDE, EEZStatus.UNCERTAIN, EEZStatus.INSIDE], dtype=object)


def eez_statuses(lat, lon) -> list[EEZStatus]:
    """:func:`eez_status` for many points (same model, same margins): per point, INSIDE,
    OUTSIDE or UNCERTAIN.

    ``lat``/``lon`` are degrees WGS84, 1-D arrays (or scalars) that broadcast together; the
    result is a list of their length (NaN: OUTSIDE).
    """
    lat, lon = points(lat, lon)
    footprint, inner, outer = _eez_layers()
    x, y = to_xy(lon, lat)
    inside = shapely.contains_xy(footprint, x, y) | shapely.contains_xy(inner, x, y)
    status = np.where(inside, 2, shapely.contains_xy(outer, x, y).astype(int))
    return _BY_CODE[status].tolist()


def eez_status(lat: float, lon: float) -> EEZStatus:
    """APPROXIMATE: is the point inside Japan's EEZ (or its territorial sea or land)?

    No official limit is available, so the build draws one as Japan applies it: 200 nm
    (EEZ_KM) from the coastline of Japanese land in the data (every outlying island, the
    Northern Territories and Takeshima included), cut at the median line to the land of every
    neighbour in mapdata's worldHires. A point nearer the drawn limit than the construction's
    remaining error is UNCERTAIN: 10 km on either side, except in the Sea of Japan north of
    38.5 N, where the government's reports put the limit up to ~47 km nearer Japan than the
    median line with Russia (50 km inside, 10 km outside), and near Korea (25 km either side).
    Land and the 12 nm band are INSIDE. data/README.md states the error and the checks.
    One point of :func:`eez_statuses`.
    """
    return eez_statuses(lat, lon)[0]
