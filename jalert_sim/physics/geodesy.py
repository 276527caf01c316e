"""WGS84 geodesics on 1-D radian arrays (``pyproj.Geod``), and their spherical twins.

The model measures the boost's downrange and the flight's range along the WGS84
geodesic (:func:`geodesic_fwd`, :func:`geodesic_inv`). The solver differences a
cheap spherical twin of the model (mean Earth radius) where it needs only slopes
(:func:`sphere_fwd`, :func:`sphere_range`). Angles in radians, distances in metres,
azimuths clockwise from true north.
"""

from __future__ import annotations

import math

import numpy as np

from ..earth import GEOD, MEAN_EARTH_RADIUS_M
from .kepler import cos_sin, fast_clip

__all__ = ["DEG", "RAD", "geodesic_fwd", "geodesic_inv", "sphere_fwd", "sphere_range"]

DEG = 180.0 / math.pi  # the factors np.degrees and np.radians use
RAD = math.pi / 180.0

# A few points go through pyproj's scalar path one by one: its array path costs ~25 us a call in
# buffer handling, ~10x the geodesic itself (same results).
_FEW = 4


def geodesic_fwd(lat, lon, az, dist):
    """WGS84 direct problem on 1-D arrays (radians, metres): latitude, longitude and forward azimuth
    at the end (rad)."""
    if lat.size <= _FEW:
        out = np.array([GEOD.fwd(x * DEG, y * DEG, a * DEG, d) for y, x, a, d in
                        zip(lat.tolist(), lon.tolist(), az.tolist(), dist.tolist())]).reshape(-1, 3).T * RAD
        lon2, lat2, back = out
        return lat2, lon2, back + np.pi
    lon2, lat2, back = GEOD.fwd(lon * DEG, lat * DEG, az * DEG, dist)
    return lat2 * RAD, lon2 * RAD, back * RAD + np.pi


def geodesic_inv(lat1, lon1, lat2, lon2):
    """WGS84 inverse problem on 1-D arrays (radians): distance (m), and the azimuths (rad) at the start
    and at the end (pointing back to the start), as arrays."""
    if lat1.size <= _FEW:
        fwd, back, dist = np.array([GEOD.inv(x1 * DEG, y1 * DEG, x2 * DEG, y2 * DEG) for y1, x1, y2, x2 in
                                    zip(lat1.tolist(), lon1.tolist(), lat2.tolist(), lon2.tolist())]).reshape(-1, 3).T
        return dist, fwd * RAD, back * RAD
    fwd, back, dist = GEOD.inv(lon1 * DEG, lat1 * DEG, lon2 * DEG, lat2 * DEG)
    return dist, fwd * RAD, back * RAD


def sphere_fwd(lat, lon, az, dist):
    """Spherical direct problem (radians, metres): the cheap twin of Geod.fwd for the Jacobian.

    Returns latitude, longitude and the forward azimuth at the end (rad).
    """
    (cl, sl), (cd, sd), (ca, sa) = cos_sin(lat), cos_sin(dist / MEAN_EARTH_RADIUS_M), cos_sin(az)
    sl2 = fast_clip(sl * cd + cl * sd * ca, -1, 1)
    lon2 = lon + np.arctan2(sa * sd * cl, cd - sl * sl2)
    return np.arcsin(sl2), lon2, np.arctan2(sa * cl, cl * ca * cd - sl * sd)


def sphere_range(lat1, lon1, lat2, lon2, az):
    """Spherical inverse problem (radians): distance (m), signed positive where the initial bearing
    is within 90 degrees of ``az`` (the twin of the signed geodesic range)."""
    (c1, s1), (c2, s2), (cdl, sdl) = cos_sin(lat1), cos_sin(lat2), cos_sin(lon2 - lon1)
    y, x = sdl * c2, c1 * s2 - s1 * c2 * cdl  # the initial bearing is atan2(y, x)
    rng = MEAN_EARTH_RADIUS_M * np.arctan2(np.sqrt(x * x + y * y), s1 * s2 + c1 * c2 * cdl)
    return rng, np.copysign(rng, np.cos(np.arctan2(y, x) - az))
