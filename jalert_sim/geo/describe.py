"""Describe a point the way Japanese government reports do: "about 1,180 km E of Cape Erimo".

Distances and bearings are geodesic on WGS84 (:data:`jalert_sim.earth.GEOD`).
Directions use the 8-point compass of the reports (北, 北東, 東, ...): each
covers 45 degrees centred on its bearing. Distances in the text are rounded
like the reports: to 1 km below 100 km, to 10 km from 100 km up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from ..earth import GEOD, MEAN_EARTH_RADIUS_M
from ..errors import UnknownNameError
from .lookup import points
from .places import Place, landmark, landmarks, launch_site

DIRECTIONS_EN = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
DIRECTIONS_JA = ("北", "北東", "東", "南東", "南", "南西", "西", "北西")


@dataclass(frozen=True)
class PointDescription:
    """Where a point lies relative to a landmark.

    ``distance_km`` is the exact geodesic distance (unrounded); ``bearing_deg`` is
    the geodesic azimuth at the landmark towards the point, clockwise from north,
    0 <= bearing < 360; ``direction``/``direction_ja`` its 8-point name; the texts
    carry the rounded distance.
    """

    landmark: Place
    distance_km: float
    bearing_deg: float
    direction: str
    direction_ja: str
    text_en: str
    text_ja: str


@cache
def landmark_coordinates() -> tuple[tuple[Place, ...], np.ndarray, np.ndarray]:
    """(the landmarks, their latitudes, their longitudes), in catalogue order."""
    marks = landmarks()
    return marks, np.array([m.lat for m in marks]), np.array([m.lon for m in marks])


def nearest_landmarks(lat, lon) -> list[Place]:
    """:func:`nearest_landmark` for many points: per point, the landmark geodesically nearest
    to it (the first in catalogue order on a tie).

    ``lat``/``lon`` are degrees WGS84, 1-D arrays (or scalars) that broadcast together; the
    result is a list of their length. Exact geodesic distances (GEOD.inv) are computed only to
    the landmarks that a spherical distance cannot rule out: the sphere of mean radius is within
    0.6 % of WGS84's geodesics, so a landmark more than 2 % (plus 1 m) farther on the sphere than
    the spherically nearest one cannot be the nearest.
    """
    lat, lon = points(lat, lon)
    marks, lats, lons = landmark_coordinates()
    mlat, mlon = np.radians(lats), np.radians(lons)
    plat, plon = np.radians(lat)[:, None], np.radians(lon)[:, None]
    with np.errstate(invalid="ignore"):  # infinities: NaN, as GEOD.inv gives (then the first landmark)
        h = np.sin((mlat - plat) / 2) ** 2 + np.cos(plat) * np.cos(mlat) * np.sin((mlon - plon) / 2) ** 2
    sphere = 2.0 * MEAN_EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    cand = sphere <= sphere.min(axis=1, keepdims=True) * 1.01**2 + 1.0
    r, c = np.nonzero(cand)
    _, _, dist_m = GEOD.inv(lons[c], lats[c], lon[r], lat[r])
    full = np.full(cand.shape, np.inf)
    full[r, c] = dist_m
    return [marks[k] for k in full.argmin(axis=1).tolist()]


def nearest_landmark(lat: float, lon: float) -> Place:
    """The landmark geodesically nearest to the point (lat/lon degrees WGS84).
    One point of :func:`nearest_landmarks`."""
    return nearest_landmarks(lat, lon)[0]


def rounded_km(distance_km: float) -> int:
    """Distance as reports give it: nearest 1 km below 100 km, nearest 10 km from 100 km up."""
    if distance_km < 99.5:
        return int(round(distance_km))
    return int(round(distance_km / 10.0)) * 10


def compass8(bearing_deg: float) -> tuple[str, str]:
    """8-point compass names (English, Japanese) of a bearing in degrees."""
    i = math.floor(((bearing_deg % 360.0) + 22.5) / 45.0) % 8
    return DIRECTIONS_EN[i], DIRECTIONS_JA[i]


def wording(reference: Place, distance_km: float, bearing_deg: float) -> tuple[str, str, str, str]:
    """(direction, direction_ja, text_en, text_ja) of a point ``distance_km`` from ``reference``
    at ``bearing_deg``: what :func:`describe_point` says (alert engines word many points with it).
    Under half a kilometre, where the distance rounds to 0, the text is "near X" / "X付近"."""
    en, ja = compass8(bearing_deg)
    km = rounded_km(distance_km)
    if km == 0:
        return en, ja, f"near {reference.name}", f"{reference.name_ja}付近"
    return en, ja, f"about {km:,} km {en} of {reference.name}", f"{reference.name_ja}の{ja}約{km:,}km"


def _reference(reference: Place | str) -> Place:
    if isinstance(reference, Place):
        return reference
    try:
        return landmark(reference)
    except UnknownNameError:
        try:
            return launch_site(reference)
        except UnknownNameError:
            pass
        raise


def describe_point(lat: float, lon: float, reference: Place | str | None = None) -> PointDescription:
    """Describe the point relative to ``reference`` (a Place, a landmark or launch-site name), or
    to the nearest landmark when it is None. Raises UnknownNameError for an unknown name."""
    ref = nearest_landmark(lat, lon) if reference is None else _reference(reference)
    az12, _, dist_m = GEOD.inv(ref.lon, ref.lat, lon, lat)
    bearing = float(az12) % 360.0
    distance_km = float(dist_m) / 1000.0
    en, ja, text_en, text_ja = wording(ref, distance_km, bearing)
    return PointDescription(
        landmark=ref,
        distance_km=distance_km,
        bearing_deg=bearing,
        direction=en,
        direction_ja=ja,
        text_en=text_en,
        text_ja=text_ja,
    )
