"""The alert engine's prefilter: which coarse samples may lie within reach of some footprint, before
any exact projection (:func:`maybe_near`; the engine projects only the range of a track around them).

A point (degrees) is looked up in a raster of an approximate plane (:func:`_approx_xy`, a
spherical azimuthal equidistant projection about geo.to_xy's centre, cells of _NEAR_CELL_M) whose
cells are painted where a point may be within reach of a footprint (:func:`_near_raster`: its
proof). That costs six transcendental functions a point; large calls first look the point up in
a table of lat/lon cells (:func:`_table`) that says, for most of them, what the raster would say
for every point of the cell, and compute the approximate plane only for points in the cells that
straddle the painted edge, in the table's margin or outside its box. The answer is the same,
point for point, on either route; the table's route has a compiled twin (numba) for calls of
COMPILED_FROM_POINTS points or more where numba is installed.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from .. import compiling
from ..earth import MEAN_EARTH_RADIUS_M
from ..geo import distance_grid as _distance_grid
from ..geo.projection import CENTRE_LAT_DEG, CENTRE_LON_DEG


def _approx_xy(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spherical azimuthal equidistant about the same centre as geo.to_xy: within 0.5 % of
    the distance from the centre (measured over 100-250 E, 10 S-70 N), used only to prefilter."""
    lat0, lon0 = np.radians(CENTRE_LAT_DEG), np.radians(CENTRE_LON_DEG)
    p, dl = np.radians(lat), np.radians(lon) - lon0
    cos_c = np.sin(lat0) * np.sin(p) + np.cos(lat0) * np.cos(p) * np.cos(dl)
    c = np.arccos(np.clip(cos_c, -1.0, 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.where(c > 1e-9, c / np.sin(c), 1.0)
    return (MEAN_EARTH_RADIUS_M * k * np.cos(p) * np.sin(dl),
            MEAN_EARTH_RADIUS_M * k * (np.cos(lat0) * np.sin(p) - np.sin(lat0) * np.cos(p) * np.cos(dl)))


#: Calls on fewer points use the plain route (a run's: the table costs ~10 ms to build, and
#: importing numba more than the whole call); larger ones the table, compiled where it can be.
COMPILED_FROM_POINTS = 20_000

#: Cell of the raster that maybe_near looks points up in, m of the approximate plane.
_NEAR_CELL_M = 10_000.0


@cache
def _near_raster(reach_m: float) -> tuple[float, float, np.ndarray]:
    """(x0, y0, raster): the cells of the approximate plane (_approx_xy, cells of _NEAR_CELL_M from
    (x0, y0)) that may hold a point within ``reach_m`` of a footprint, painted box by box.

    A point p may be within reach of footprint i if it lies in the footprint's bounds grown by
    slack(p) = 10 km + 1.5 % of |p| (the approximation's error) + reach_m. In that grown box |p| is
    at most r + sqrt(2) slack(p), r the box's farthest corner from the centre, so slack(p) is at
    most s = (10 km + reach_m + 0.015 r) / (1 - 0.015 sqrt(2)): painting every cell that meets the
    box grown by s marks every cell such a point can be in.
    """
    bounds = _distance_grid.grid().pref_bounds  # the footprints' bounds, in their order
    corner = np.hypot(np.abs(bounds[:, [0, 2]]).max(axis=1), np.abs(bounds[:, [1, 3]]).max(axis=1))
    grow = (10_000.0 + reach_m + 0.015 * corner) / (1.0 - 0.015 * np.sqrt(2.0))
    lo = bounds[:, :2] - grow[:, None]
    hi = bounds[:, 2:] + grow[:, None]
    x0, y0 = lo.min(axis=0)
    first = ((lo - (x0, y0)) // _NEAR_CELL_M).astype(int)
    last = ((hi - (x0, y0)) // _NEAR_CELL_M).astype(int)
    nx, ny = last.max(axis=0) + 1
    raster = np.zeros((ny, nx), dtype=bool)
    for (i0, j0), (i1, j1) in zip(first.tolist(), last.tolist()):
        raster[j0:j1 + 1, i0:i1 + 1] = True
    return float(x0), float(y0), raster


def maybe_near(lon: np.ndarray, lat: np.ndarray, reach_m: float, *, compiled: bool | None = None) -> np.ndarray:
    """False where a point (degrees) is surely farther than ``reach_m`` from every footprint (NaN: False).

    Calls of COMPILED_FROM_POINTS points or more (or with ``compiled`` given) go through the
    lat/lon table: ``compiled`` True for its numba kernel, False for numpy, None for the kernel
    where numba is installed. The answer is the plain route's either way."""
    reach_m = float(reach_m)
    if compiled is not None or np.size(lat) >= COMPILED_FROM_POINTS:
        return _table_mask(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), reach_m, compiled)
    return _plain(lon, lat, reach_m)


def _plain(lon: np.ndarray, lat: np.ndarray, reach_m: float) -> np.ndarray:
    """maybe_near point by point: the approximate plane, then the raster."""
    x0, y0, raster = _near_raster(reach_m)
    ax, ay = _approx_xy(lon, lat)
    ny, nx = raster.shape
    fx, fy = (ax - x0) * (1.0 / _NEAR_CELL_M), (ay - y0) * (1.0 / _NEAR_CELL_M)
    with np.errstate(invalid="ignore"):
        k = np.nonzero((fx >= 0.0) & (fx < nx) & (fy >= 0.0) & (fy < ny))  # NaN: not in the raster
    out = np.zeros(ax.shape, dtype=bool)
    out[k] = raster[fy[k].astype(np.intp), fx[k].astype(np.intp)]
    return out


#: The table's box (lon_min, lat_min, lon_max, lat_max, degrees) and cell: the tracks' region (the
#: Koreas, Japan, the seas and 4,000 km of Pacific). Points outside take the plain route.
TABLE_BOX_DEG = (100.0, 0.0, 180.0, 70.0)
TABLE_STEP_DEG = 0.25
#: Growth of a cell's box of corner images that holds the image of the whole cell, m. Its edges
#: are arcs of 0.25 degree (under 28 km) whose images curve with radii over 1,000 km, so bend
#: away from their chords by under 100 m; measured, the image of every cell lies in its corner
#: box (17 x 17 points a cell over the whole table; tests/test_pair_kernels.py checks 9 x 9). 1 km
#: covers that and the rounding of a point onto a cell edge many times over.
_TABLE_MARGIN_M = 1_000.0
#: The table's answers: every point of the cell is dropped, kept, or must be computed.
DROP, KEEP, COMPUTE = 0, 1, 2


@cache
def _table(reach_m: float) -> np.ndarray:
    """(rows by latitude, columns by longitude) int8: DROP where the raster has no painted cell under
    the cell's image, KEEP where every raster cell under it is painted, COMPUTE elsewhere."""
    x0, y0, raster = _near_raster(reach_m)
    lon_min, lat_min, lon_max, lat_max = TABLE_BOX_DEG
    lon = lon_min + TABLE_STEP_DEG * np.arange(round((lon_max - lon_min) / TABLE_STEP_DEG) + 1)
    lat = lat_min + TABLE_STEP_DEG * np.arange(round((lat_max - lat_min) / TABLE_STEP_DEG) + 1)
    ax, ay = _approx_xy(*np.meshgrid(lon, lat))
    corners_x = np.stack([ax[:-1, :-1], ax[:-1, 1:], ax[1:, :-1], ax[1:, 1:]])
    corners_y = np.stack([ay[:-1, :-1], ay[:-1, 1:], ay[1:, :-1], ay[1:, 1:]])
    # The raster cells under each cell's grown box: columns i0..i1, rows j0..j1 (possibly off the raster).
    i0 = np.floor((corners_x.min(axis=0) - _TABLE_MARGIN_M - x0) / _NEAR_CELL_M).astype(np.int64)
    i1 = np.floor((corners_x.max(axis=0) + _TABLE_MARGIN_M - x0) / _NEAR_CELL_M).astype(np.int64)
    j0 = np.floor((corners_y.min(axis=0) - _TABLE_MARGIN_M - y0) / _NEAR_CELL_M).astype(np.int64)
    j1 = np.floor((corners_y.max(axis=0) + _TABLE_MARGIN_M - y0) / _NEAR_CELL_M).astype(np.int64)
    ny, nx = raster.shape
    painted = np.zeros((ny + 1, nx + 1), np.int64)  # painted[j, i]: painted cells in rows < j, columns < i
    painted[1:, 1:] = raster.cumsum(axis=0).cumsum(axis=1)
    c0, c1 = np.clip(i0, 0, nx), np.clip(i1 + 1, 0, nx)
    r0, r1 = np.clip(j0, 0, ny), np.clip(j1 + 1, 0, ny)
    count = painted[r1, c1] - painted[r0, c1] - painted[r1, c0] + painted[r0, c0]
    area = (i1 - i0 + 1) * (j1 - j0 + 1)  # counts the cells off the raster too: never all painted
    return np.where(count == 0, DROP, np.where(count == area, KEEP, COMPUTE)).astype(np.int8)


def _table_mask(lon: np.ndarray, lat: np.ndarray, reach_m: float, compiled: bool | None) -> np.ndarray:
    """maybe_near through the table: the kernel (``compiled`` not False, where numba is installed)
    or numpy."""
    table = _table(reach_m)
    if compiled is not False:
        k = _kernels()
        if k is not None:
            return k.table_mask(np.ascontiguousarray(lon, dtype=float).ravel(),
                                np.ascontiguousarray(lat, dtype=float).ravel(),
                                *table_arguments(reach_m)).reshape(np.shape(lat))
    rows, cols = table.shape
    with np.errstate(invalid="ignore"):
        fx = (lon - TABLE_BOX_DEG[0]) * (1.0 / TABLE_STEP_DEG)
        fy = (lat - TABLE_BOX_DEG[1]) * (1.0 / TABLE_STEP_DEG)
        on = (fx >= 0.0) & (fx < cols) & (fy >= 0.0) & (fy < rows)  # NaN: off the table
    answer = np.full(lat.shape, COMPUTE, np.int8)
    answer[on] = table[fy[on].astype(np.intp), fx[on].astype(np.intp)]
    out = answer == KEEP
    o = np.nonzero(answer == COMPUTE)
    if len(o[0]):
        out[o] = _plain(lon[o], lat[o], reach_m)
    return out


@compiling.kernels
def _kernels(numba):
    """The compiled table route (a namespace with ``table_mask``), or None (no numba, or the kernels
    are switched off: :mod:`jalert_sim.compiling`)."""
    global _near_point
    _near_point = numba.njit(cache=True, nogil=True, inline="always")(_near_point)

    class Kernels:
        pass

    Kernels.table_mask = staticmethod(numba.njit(cache=True, nogil=True)(_table_mask_points))
    return Kernels


def table_arguments(reach_m: float) -> tuple:
    """The arguments after (lat, lon) of :func:`_near_point` for ``reach_m``: the table, its box and
    cell, the approximate plane's centre and radius, and the raster."""
    x0, y0, raster = _near_raster(reach_m)
    lat0 = np.radians(CENTRE_LAT_DEG)
    return (_table(reach_m), TABLE_BOX_DEG[0], TABLE_BOX_DEG[1], 1.0 / TABLE_STEP_DEG, math.sin(lat0),
            math.cos(lat0), np.radians(CENTRE_LON_DEG), MEAN_EARTH_RADIUS_M, x0, y0, 1.0 / _NEAR_CELL_M, raster)


def _table_mask_points(lon, lat, table, lon_min, lat_min, per_deg, sin0, cos0, lon0, radius_m, x0, y0, inv_cell,
                       raster):  # pragma: no cover (compiled)
    """_table_mask's numpy route for 1-D lon, lat (:func:`_near_point` of each)."""
    out = np.zeros(lat.shape[0], np.bool_)
    for i in range(lat.shape[0]):
        out[i] = _near_point(lat[i], lon[i], table, lon_min, lat_min, per_deg, sin0, cos0, lon0, radius_m, x0, y0,
                             inv_cell, raster)
    return out


def _near_point(la, lo, table, lon_min, lat_min, per_deg, sin0, cos0, lon0, radius_m, x0, y0, inv_cell,
                raster):  # pragma: no cover (compiled)
    """maybe_near of one point through the table (:func:`table_arguments`), then, where it leaves the
    point to computation, the plain route's arithmetic (the approximate plane and the raster)."""
    if math.isnan(la) or math.isnan(lo):
        return False
    rows, cols = table.shape
    tx, ty = (lo - lon_min) * per_deg, (la - lat_min) * per_deg
    if tx >= 0.0 and tx < cols and ty >= 0.0 and ty < rows:
        answer = table[int(ty), int(tx)]
        if answer != 2:
            return answer == 1
    to_rad = math.pi / 180.0
    p = la * to_rad
    dl = lo * to_rad - lon0
    sin_p, cos_p, cos_dl = math.sin(p), math.cos(p), math.cos(dl)
    cos_c = sin0 * sin_p + cos0 * cos_p * cos_dl
    c = math.acos(min(max(cos_c, -1.0), 1.0))
    k = c / math.sin(c) if c > 1e-9 else 1.0
    ax = radius_m * k * cos_p * math.sin(dl)
    ay = radius_m * k * (cos0 * sin_p - sin0 * cos_p * cos_dl)
    ny, nx = raster.shape
    fx, fy = (ax - x0) * inv_cell, (ay - y0) * inv_cell
    if fx >= 0.0 and fx < nx and fy >= 0.0 and fy < ny:
        return raster[int(fy), int(fx)]
    return False
