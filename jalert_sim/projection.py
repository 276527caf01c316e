"""The metric map projection used for every buffer, area-free distance and footprint.

Frames: ``lon``/``lat`` are degrees on WGS84 (EPSG:4326 axis order lon, lat);
``x``/``y`` are metres east/north in an azimuthal equidistant projection
centred at 36 N 138 E (central Honshu). Distances from the centre are exact;
elsewhere the scale error grows slowly (about 0.3 % at 1,000 km, 1.3 % at
2,000 km from the centre), small enough for 12 nm bands around Japan. Use
:data:`GEOD` for exact distances between arbitrary points.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyproj

#: PROJ string of the projected frame (metres) used for all geometry work.
PROJECTION_CRS = "+proj=aeqd +lat_0=36 +lon_0=138 +datum=WGS84 +units=m +no_defs"

#: Geodesic calculator on the WGS84 ellipsoid (distances in metres, azimuths in degrees).
GEOD = pyproj.Geod(ellps="WGS84")


@cache
def _forward() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs("EPSG:4326", PROJECTION_CRS, always_xy=True)


@cache
def _inverse() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(PROJECTION_CRS, "EPSG:4326", always_xy=True)


def to_xy(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat degrees (scalars or arrays, WGS84) to x/y metres in :data:`PROJECTION_CRS`."""
    x, y = _forward().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


def to_lonlat(x_m, y_m) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`to_xy`: x/y metres in :data:`PROJECTION_CRS` to lon/lat degrees (WGS84)."""
    lon, lat = _inverse().transform(np.asarray(x_m, dtype=float), np.asarray(y_m, dtype=float))
    return np.asarray(lon), np.asarray(lat)
