"""What the geographic exports (GeoJSON, KML, CAP) share: the warned prefectures and their
outlines, the track in lon/lat cut at the antimeridian, and the precision of coordinates.

Coordinates are degrees WGS84; longitudes are written in [-180, 180).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from ..earth import wrap_lon
from ..simulation.result import SimulationResult

#: Simplification of prefecture outlines in GeoJSON and KML, degrees (~100 m).
OUTLINE_TOLERANCE_DEG = 0.001
DECIMALS = 5  # ~1 m


def warned_prefectures(result: SimulationResult) -> list[tuple[Any, Any]]:
    """(PrefectureAlert, geo.Prefecture) for every warned prefecture, in alert order."""
    from ..geo import prefectures

    by_code = {p.code: p for p in prefectures()}
    return [(a, by_code[a.code]) for a in result.alerts]


def outline(land: Any) -> Any:
    """A prefecture's land (lon/lat (Multi)Polygon) simplified to :data:`OUTLINE_TOLERANCE_DEG`."""
    return shapely.simplify(land, OUTLINE_TOLERANCE_DEG, preserve_topology=True)


def round_coords(coords: Any) -> Any:
    """Nested lists of coordinates with every number rounded to :data:`DECIMALS`."""
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(c), DECIMALS) for c in coords]
        return [round_coords(c) for c in coords]
    return coords


def track_lonlat(result: SimulationResult) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """t_s, lat, lon (wrapped to [-180, 180)), alt_km of the track samples."""
    tr = result.track
    lon = wrap_lon(np.asarray(tr.lon, dtype=float))
    return np.asarray(tr.t_s, float), np.asarray(tr.lat, float), lon, np.asarray(tr.alt_km, float)


def split_antimeridian(lat: np.ndarray, lon: np.ndarray, *values: np.ndarray) -> list[list[list[float]]]:
    """The track as lists of [lon, lat, *values], cut where it crosses 180° (RFC 7946 §3.1.9): each
    cut ends one part at ±180 and starts the next at ∓180, with the latitude and the ``values``
    (time, altitude: one per sample) interpolated there, so that every vertex has its values."""
    rows = np.column_stack([lon, lat, *values]).tolist()
    parts: list[list[list[float]]] = [[rows[0]]]
    for prev, row in zip(rows, rows[1:]):
        lo0, lo1 = prev[0], row[0]
        if abs(lo1 - lo0) > 180.0:  # crossed the antimeridian: end here at ±180, restart on the other side
            edge = 180.0 if lo0 > 0 else -180.0
            lo1u = lo1 + 360.0 if lo0 > 0 else lo1 - 360.0
            f = (edge - lo0) / (lo1u - lo0)
            rest = [a + f * (b - a) for a, b in zip(prev[1:], row[1:])]
            parts[-1].append([edge, *rest])
            parts.append([[-edge, *rest]])
        parts[-1].append(row)
    return parts
