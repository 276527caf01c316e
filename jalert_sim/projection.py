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

#: Where :func:`to_xy` is to interpolate a table of PROJ's values, degrees (lon_min, lat_min,
#: lon_max, lat_max), edges included: Japan, the Koreas, the seas around them and 4,000 km of Pacific.
TABLE_BOX_DEG = (100.0, 10.0, 180.0, 66.0)
#: Node spacing of the table, degrees of longitude and of latitude.
TABLE_STEP_DEG = 1.0
#: Nodes stored beyond the box on each side: fourth-order differences for the slopes need two.
TABLE_PAD = 2
#: Cells of the box: columns (by longitude) and rows (by latitude).
_COLS = round((TABLE_BOX_DEG[2] - TABLE_BOX_DEG[0]) / TABLE_STEP_DEG)
_ROWS = round((TABLE_BOX_DEG[3] - TABLE_BOX_DEG[1]) / TABLE_STEP_DEG)


#: The PROJ pipeline that Transformer.from_crs("EPSG:4326", PROJECTION_CRS, always_xy=True)
#: resolves to (its .definition). Built directly it costs 0.3 ms instead of ~11 ms of
#: CRS and database look-ups at every start; the numbers are identical.
_PIPELINE = (
    "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
    "+step +proj=aeqd +lat_0=36 +lon_0=138 +x_0=0 +y_0=0 +ellps=WGS84"
)


@cache
def _transformer() -> pyproj.Transformer:
    return pyproj.Transformer.from_pipeline(_PIPELINE)


def to_xy_exact(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat degrees (scalars or arrays of one shape, WGS84) to x/y metres in
    :data:`PROJECTION_CRS` with PROJ, exactly. The build of the shipped data uses this, so that
    the data never depend on how :func:`to_xy` computes."""
    x, y = _transformer().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


def table_nodes() -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) degrees of the table's nodes: arrays of shape (rows by latitude, columns by
    longitude) over the box grown by TABLE_PAD nodes on each side."""
    lon = TABLE_BOX_DEG[0] + np.arange(-TABLE_PAD, _COLS + 1 + TABLE_PAD) * TABLE_STEP_DEG
    lat = TABLE_BOX_DEG[1] + np.arange(-TABLE_PAD, _ROWS + 1 + TABLE_PAD) * TABLE_STEP_DEG
    lon_grid, lat_grid = np.meshgrid(lon, lat)
    return lon_grid, lat_grid


def table_params() -> dict:
    """What the cache's header says of the table it holds (the build writes it, the loader checks it)."""
    return {"box_deg": list(TABLE_BOX_DEG), "step_deg": TABLE_STEP_DEG, "pad": TABLE_PAD}


def to_xy(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat degrees (scalars or arrays, WGS84) to x/y metres in :data:`PROJECTION_CRS`."""
    return to_xy_exact(lon, lat)


def to_lonlat(x_m, y_m) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`to_xy_exact`: x/y metres in :data:`PROJECTION_CRS` to lon/lat degrees (WGS84)."""
    lon, lat = _transformer().transform(np.asarray(x_m, dtype=float), np.asarray(y_m, dtype=float), direction="INVERSE")
    return np.asarray(lon), np.asarray(lat)
