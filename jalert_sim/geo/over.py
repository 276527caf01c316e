"""What a point of a ground track is over, in words: a prefecture, the territorial sea off one,
a named sea, a country, or the open ocean."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..earth import wrap_lon
from .lookup import first_hit, points
from .prefectures import footprint_tree, prefecture_indices_at, prefectures, territorial_sea_mask
from .projection import to_xy
from .seas import seas_and_countries_at


class Location(NamedTuple):
    """A place in words, English and Japanese."""

    en: str
    ja: str


OPEN_OCEAN = Location("open ocean", "外洋")


def over_places(lat, lon) -> list[Location]:
    """What each point is over: a prefecture, else the territorial sea off one, else a named sea,
    else a country, else 'open ocean'. ``lat``/``lon``: degrees (longitudes may be unwrapped),
    1-D arrays (or scalars) that broadcast together; one look-up per kind for all the points."""
    lat, lon = points(lat, lon)
    out: list[Location | None] = [None] * len(lat)
    prefs = prefectures()
    pref = prefecture_indices_at(lat, lon)
    for i in np.nonzero(pref >= 0)[0].tolist():
        out[i] = Location(prefs[pref[i]].name, prefs[pref[i]].name_ja)
    left = np.nonzero(pref < 0)[0]
    band = left[territorial_sea_mask(lat[left], lon[left])]
    if len(band):
        # The first footprint (JIS order) holding the point; the footprints are projected: (y, x).
        x, y = to_xy(lon[band], lat[band])
        off = first_hit(footprint_tree(), y, x)
        for i, k in zip(band[off >= 0].tolist(), off[off >= 0].tolist()):
            out[i] = Location(f"territorial sea off {prefs[k].name}", f"{prefs[k].name_ja}沖の領海")
        left = np.setdiff1d(left, band[off >= 0])
    wlon = wrap_lon(lon)
    for i, sea, country in zip(left.tolist(), *seas_and_countries_at(lat[left], wlon[left])):
        if sea is not None:
            out[i] = Location(sea.name, sea.name_ja)
        elif country is not None:
            out[i] = Location(country.name, country.name_ja)
    return [OPEN_OCEAN if o is None else o for o in out]


def over_place(lat: float, lon: float) -> Location:
    """What a point is over (one point of :func:`over_places`)."""
    return over_places(lat, lon)[0]
