"""The impact points of a batch: where each falls (land, territorial sea, EEZ, sea, country) and
how the messages describe it (from the nearest landmark, or from where the track left Japan),
as columns (:class:`ImpactColumns`), with one Impact record per point made only on request."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import geo
from ..earth import GEOD
from ..geo.describe import nearest_landmarks, wording
from .model import Impact

#: EEZ status by code, as ImpactColumns.eez holds it.
EEZ_STATUSES = ("outside", "uncertain", "inside")
_EEZ_CODE = {status: k for k, status in enumerate(EEZ_STATUSES)}


class ImpactColumns(NamedTuple):
    """Where every impact point of a batch falls, one entry per point.

    Degrees WGS84, seconds after launch and km. ``prefecture``: index into geo.prefectures() of
    the footprint it falls in where it is in the territorial sea (its land's prefecture first),
    else -1. ``eez``: code into :data:`EEZ_STATUSES`. ``sea``, ``country``, ``landmark`` and the
    texts are lists (a Sea, a Country, a Place or None per point).
    """

    lat: np.ndarray
    lon: np.ndarray
    time_s: np.ndarray
    prefecture: np.ndarray
    on_land: np.ndarray
    in_territorial_sea: np.ndarray
    eez: np.ndarray
    sea: list
    country: list
    landmark: list
    distance_km: np.ndarray
    direction: list
    description: list
    description_ja: list

    def record(self, i: int, prefs) -> Impact:
        """Point ``i`` as an :class:`Impact` (``prefs``: geo.prefectures())."""
        k = int(self.prefecture[i])
        sea, country = self.sea[i], self.country[i]
        return Impact(
            lat=float(self.lat[i]), lon=float(self.lon[i]), time_s=float(self.time_s[i]),
            prefecture_code=prefs[k].code if k >= 0 else None, on_land=bool(self.on_land[i]),
            in_territorial_sea=bool(self.in_territorial_sea[i]), eez_status=EEZ_STATUSES[self.eez[i]],
            sea=sea.name if sea else None, sea_ja=sea.name_ja if sea else None,
            country=country.name if country else None, country_ja=country.name_ja if country else None,
            description=self.description[i], description_ja=self.description_ja[i],
            landmark=self.landmark[i].name, distance_km=float(self.distance_km[i]), direction=self.direction[i],
        )


def impact_columns(lat, lon, time_s, hit_pref: np.ndarray, exit_lat: np.ndarray, exit_lon: np.ndarray, *,
                   describe: bool = True) -> ImpactColumns:
    """The impact points (``lat``, ``lon`` degrees, ``time_s``), one call of each of geo's array
    look-ups for all of them; ``hit_pref``: per point, the first footprint it falls in (-1: none);
    ``exit_lat``, ``exit_lon``: where its track last left Japan (NaN: it did not cross Japan).
    ``describe`` False: no landmark, distance or description (None, NaN)."""
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    land = geo.prefecture_indices_at(lat, lon)
    territorial = np.asarray(geo.territorial_sea_mask(lat, lon), bool)
    eez = np.array([_EEZ_CODE[status.value] for status in geo.eez_statuses(lat, lon)], dtype=np.int8)
    sea, country = geo.seas_and_countries_at(lat, lon)
    prefecture = np.where(territorial, np.where(land >= 0, land, hit_pref), -1)
    if not describe:
        none = [None] * len(lat)
        return ImpactColumns(lat, lon, np.asarray(time_s, float), prefecture, land >= 0, territorial, eez, sea,
                             country, none, np.full(len(lat), np.nan), none, none, none)
    # For an overflight the government describes the fall from where the path left Japan,
    # otherwise from the landmark nearest the impact.
    crossed = ~np.isnan(exit_lat)
    refs = nearest_landmarks(np.where(crossed, exit_lat, lat), np.where(crossed, exit_lon, lon))
    # describe_point(lat, lon, reference) for every point in one call
    az, _, dist = GEOD.inv(np.array([m.lon for m in refs]), np.array([m.lat for m in refs]), lon, lat)
    distance_km = np.asarray(dist) / 1000.0
    words = [wording(ref, d, a % 360.0) for ref, d, a in zip(refs, distance_km.tolist(), np.asarray(az).tolist())]
    direction, _, text_en, text_ja = (list(c) for c in zip(*words)) if words else ([], [], [], [])
    return ImpactColumns(lat, lon, np.asarray(time_s, float), prefecture, land >= 0, territorial, eez, sea, country,
                         refs, distance_km, direction, text_en, text_ja)
