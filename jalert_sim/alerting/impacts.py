"""The impact points of a batch: where each falls (land, territorial sea, EEZ, sea, country) and
how the messages describe it (from the nearest landmark, or from where the track left Japan)."""

from __future__ import annotations

import numpy as np

from .. import geo
from ..earth import GEOD
from ..geo.describe import nearest_landmarks, wording
from .model import Impact


class Impacts:
    """Where every impact point lies (land, territorial sea, EEZ, sea): one call of each of
    geo's array look-ups for all points; ``build(hits, exit_fixes)`` makes every point's Impact,
    with one nearest_landmarks call and one geodesic call for all of them.

    ``lat``, ``lon`` (degrees WGS84) and ``time_s`` (s after launch): one entry per point;
    ``prefs``: geo.prefectures(), which the footprint indices of ``build`` refer to."""

    def __init__(self, lat, lon, time_s, prefs):
        self.lat_deg, self.lon_deg = np.asarray(lat, float), np.asarray(lon, float)
        self.lat, self.lon, self.time_s, self.prefs = lat.tolist(), lon.tolist(), time_s.tolist(), prefs
        self.on_land = geo.prefecture_indices_at(lat, lon).tolist()
        self.territorial = geo.territorial_sea_mask(lat, lon).tolist()
        self.eez = [status.value for status in geo.eez_statuses(lat, lon)]
        self.sea, self.country = geo.seas_and_countries_at(lat, lon)

    def build(self, hits: list[set[int]], exit_fixes: list[tuple[float, float] | None]) -> list[Impact]:
        """Every point's Impact; ``hits[i]``: the footprints point i falls in; ``exit_fixes[i]``: where
        its track last left Japan, or None."""
        # For an overflight the government describes the fall from where the path left Japan,
        # otherwise from the landmark nearest the impact.
        ref_lat, ref_lon = self.lat_deg.copy(), self.lon_deg.copy()
        for i, fix in enumerate(exit_fixes):
            if fix is not None:
                ref_lat[i], ref_lon[i] = fix
        refs = nearest_landmarks(ref_lat, ref_lon)
        # describe_point(lat, lon, reference) for every point in one call
        az, _, dist = GEOD.inv(np.array([m.lon for m in refs]), np.array([m.lat for m in refs]), self.lon_deg, self.lat_deg)
        prefs, on_land, territorial, eez, sea_of = self.prefs, self.on_land, self.territorial, self.eez, self.sea
        out = []
        for i, (lat, lon, time_s, ref, az12, dist_m) in enumerate(
                zip(self.lat, self.lon, self.time_s, refs, az.tolist(), dist.tolist())):
            land = on_land[i]
            code = None
            if territorial[i]:
                hit = hits[i]
                code = prefs[land].code if land >= 0 else (prefs[min(hit)].code if hit else None)
            distance_km = dist_m / 1000.0
            direction, _, text_en, text_ja = wording(ref, distance_km, az12 % 360.0)
            sea, country = sea_of[i], self.country[i]
            out.append(Impact(
                lat=lat, lon=lon, time_s=time_s, prefecture_code=code, on_land=land >= 0,
                in_territorial_sea=territorial[i], eez_status=eez[i],
                sea=sea.name if sea else None, sea_ja=sea.name_ja if sea else None,
                country=country.name if country else None, country_ja=country.name_ja if country else None,
                description=text_en, description_ja=text_ja,
                landmark=ref.name, distance_km=distance_km, direction=direction,
            ))
        return out
