"""The metric map projection used for every buffer, area-free distance and footprint.

Frames: ``lon``/``lat`` are degrees on WGS84 (EPSG:4326 axis order lon, lat);
``x``/``y`` are metres east/north in an azimuthal equidistant projection
centred at 36 N 138 E (central Honshu). Distances from the centre are true
(to within :data:`TABLE_ERROR_M` through :func:`to_xy`); elsewhere the scale error
grows slowly (about 0.3 % at 1,000 km, 1.3 % at 2,000 km from the centre), small
enough for 12 nm bands around Japan. Use :data:`jalert_sim.earth.GEOD` for exact distances
between arbitrary points.

Two forward functions:

* :func:`to_xy_exact` is PROJ (Karney's geodesics, exact to nanometres), about 1 us a
  point. The build of the shipped data (scripts/build_data.py) uses it.
* :func:`to_xy`, which the alert engine calls on hundreds of thousands of points per
  batch, interpolates a table inside :data:`TABLE_BOX_DEG` (100-180 E, 10-66 N): a
  bicubic Hermite patch per 1 degree cell, from PROJ's x and y at the nodes (stored in
  data/geometry.npz, 83 kB, read on the first call) with slopes from fourth-order
  differences between them. It stays within :data:`TABLE_ERROR_M` (1.5 mm) of PROJ and
  costs ~0.1 us a point on large arrays. Points outside the box, NaN and infinities get
  PROJ's own answer. A point's result depends on that point alone, never on the rest of
  the call (the batch engine must give the same answers for a scenario alone or in any
  batch): calls of up to :data:`_SMALL_CALL` points, where numpy's per-call overhead
  dominates, do the same arithmetic in plain Python, with the same bits.

:func:`to_lonlat` (the inverse) is PROJ.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pyproj

#: Centre of the projection, degrees (central Honshu).
CENTRE_LAT_DEG = 36.0
CENTRE_LON_DEG = 138.0
#: PROJ string of the projected frame (metres) used for all geometry work.
PROJECTION_CRS = f"+proj=aeqd +lat_0={CENTRE_LAT_DEG:g} +lon_0={CENTRE_LON_DEG:g} +datum=WGS84 +units=m +no_defs"

#: Where :func:`to_xy` interpolates, degrees (lon_min, lat_min, lon_max, lat_max), edges
#: included: Japan, the Koreas, the seas around them and 4,000 km of Pacific.
TABLE_BOX_DEG = (100.0, 10.0, 180.0, 66.0)
#: Node spacing of the table, degrees of longitude and of latitude.
TABLE_STEP_DEG = 1.0
#: Nodes stored beyond the box on each side: fourth-order differences for the slopes need two.
TABLE_PAD = 2
#: Cells of the box: columns (by longitude) and rows (by latitude).
_COLS = round((TABLE_BOX_DEG[2] - TABLE_BOX_DEG[0]) / TABLE_STEP_DEG)
_ROWS = round((TABLE_BOX_DEG[3] - TABLE_BOX_DEG[1]) / TABLE_STEP_DEG)
#: Bound on the distance (m) between :func:`to_xy` and :func:`to_xy_exact` in the box.
#: Measured maximum 1.38 mm, at 179.49 E 10.51 N in the cell farthest from the centre (a 0.025
#: degree scan of the whole box, then a local search); tests/test_projection.py checks it
#: against pyproj.
TABLE_ERROR_M = 1.5e-3
#: Calls with at most this many points interpolate in plain Python: ~4 us a call plus ~2 us
#: a point, where the vectorised path's ~30 numpy operations cost ~20 us at any small size.
_SMALL_CALL = 8
#: Points per block of the vectorised path (its coefficients take 256 bytes a point).
_BLOCK = 8192


#: The PROJ pipeline that Transformer.from_crs("EPSG:4326", PROJECTION_CRS, always_xy=True)
#: resolves to (its .definition). Built directly it costs 0.3 ms instead of ~11 ms of
#: CRS and database look-ups at every start; the numbers are identical.
_PIPELINE = (
    "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
    f"+step +proj=aeqd +lat_0={CENTRE_LAT_DEG:g} +lon_0={CENTRE_LON_DEG:g} +x_0=0 +y_0=0 +ellps=WGS84"
)


@cache
def _transformer() -> pyproj.Transformer:
    return pyproj.Transformer.from_pipeline(_PIPELINE)


def to_xy_exact(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat degrees (scalars or arrays of one shape, WGS84) to x/y metres in
    :data:`PROJECTION_CRS` with PROJ, exactly. (:func:`to_xy` is within 1.5 mm of it, faster.)"""
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


def _hermite(g0, g1, d0, d1):
    """Power-basis coefficients of the cubic on [0, 1] with values g0, g1 and slopes d0, d1."""
    return g0, d0, 3.0 * (g1 - g0) - 2.0 * d0 - d1, 2.0 * (g0 - g1) + d0 + d1


def _slopes(a: np.ndarray, axis: int) -> np.ndarray:
    """Fourth-order central differences along ``axis`` (per node step), two nodes lost at each end."""
    def shifted(k: int) -> np.ndarray:
        index = [slice(None)] * a.ndim
        index[axis] = slice(k, a.shape[axis] - 4 + k)
        return a[tuple(index)]

    return ((shifted(0) - shifted(4)) + 8.0 * (shifted(3) - shifted(1))) / 12.0


@cache
def _patches_by_cell() -> np.ndarray:
    """_patches() transposed, (cells, 32): a cell's coefficients together, for the compiled kernel."""
    return np.ascontiguousarray(_patches().T)


@cache
def _patches() -> np.ndarray:
    """Bicubic coefficients of every cell, shape (32, cells): row q * 8 + p * 2 + k holds the
    coefficient of u**p v**q in x (k = 0) or y (k = 1), u and v running from 0 to 1 across the cell
    in longitude and latitude; cell = row * _COLS + column, counted from the box's south-west corner.

    Elementwise numpy only (no BLAS), so that every machine computes the same coefficients."""
    # The data layer is imported here, not at the top: to_xy_exact needs no data.
    from ..errors import DataError
    from .cache import _read, cache_meta

    meta = cache_meta()
    (table,) = _read("projection_table.xy")  # (x and y, node rows, node columns), metres
    if (meta.get("projection") != PROJECTION_CRS or meta.get("projection_table") != table_params()
            or table.shape != (2,) + table_nodes()[0].shape):
        raise DataError("geometry cache holds a projection table for another projection or box; "
                        "rebuild it (scripts/build_data.py)")
    n = TABLE_PAD
    # At every node: the value and the v-slope (x and y) ...
    values = np.stack([table[:, n:-n, n:-n], _slopes(table[:, :, n:-n], axis=1)])
    # ... and their u-slopes.
    slopes = np.stack([_slopes(table[:, n:-n, :], axis=2), _slopes(_slopes(table, axis=2), axis=1)])
    # Cubics in u along each row of nodes: (power of u, value or v-slope, x or y, node row, cell column) ...
    along_u = np.stack(_hermite(values[..., :-1], values[..., 1:], slopes[..., :-1], slopes[..., 1:]))
    # ... then in v between rows: (power of v, power of u, x or y, cell row, cell column).
    coef = np.stack(_hermite(along_u[:, 0, :, :-1], along_u[:, 0, :, 1:], along_u[:, 1, :, :-1], along_u[:, 1, :, 1:]))
    return coef.reshape(32, -1)


#: Calls of _interpolate on fewer points use numpy (a single run's calls have hundreds).
COMPILED_FROM_POINTS = 2_000


def _interpolate(lon: np.ndarray, lat: np.ndarray, *, compiled: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The table's x, y at 1-D arrays of points inside the box; through the numba kernel of
    :mod:`.compiled` (``compiled`` True; None: for calls of COMPILED_FROM_POINTS points or more
    where numba is installed)."""
    if compiled or (compiled is None and len(lon) >= COMPILED_FROM_POINTS):
        from .compiled import compiled as kernel

        k = kernel()
        if k is not None:
            return k(np.ascontiguousarray(lon, dtype=float), np.ascontiguousarray(lat, dtype=float),
                     TABLE_BOX_DEG[0], TABLE_BOX_DEG[1], TABLE_STEP_DEG, float(_COLS), float(_ROWS), _patches_by_cell())
    t = (lon - TABLE_BOX_DEG[0]) / TABLE_STEP_DEG
    s = (lat - TABLE_BOX_DEG[1]) / TABLE_STEP_DEG
    i = np.minimum(np.floor(t), _COLS - 1.0)  # the box's east and north edges belong to the last cells
    j = np.minimum(np.floor(s), _ROWS - 1.0)
    u, v = t - i, s - j
    c = _patches().take((j * _COLS + i).astype(np.intp), axis=1)  # (32, points)
    # Horner in v (row p * 2 + k of b: the coefficient of u**p), then in u (row k: x, y).
    b = c[24:] * v + c[16:24]
    b *= v
    b += c[8:16]
    b *= v
    b += c[:8]
    r = b[6:] * u + b[4:6]
    r *= u
    r += b[2:4]
    r *= u
    r += b[:2]
    return r[0], r[1]


def _interpolate_one(lon: float, lat: float) -> tuple[float, float]:
    """:func:`_interpolate` of one point in plain Python, operation for operation: the same bits."""
    t = (lon - TABLE_BOX_DEG[0]) / TABLE_STEP_DEG
    s = (lat - TABLE_BOX_DEG[1]) / TABLE_STEP_DEG
    i = min(float(math.floor(t)), _COLS - 1.0)
    j = min(float(math.floor(s)), _ROWS - 1.0)
    u, v = t - i, s - j
    c = _cell(int(j * _COLS + i))
    return _patch_value(c, 0, u, v), _patch_value(c, 1, u, v)


@cache
def _cell(cell: int) -> list[float]:
    """The 32 coefficients of one cell as Python floats (the few cells single runs touch)."""
    return _patches()[:, cell].tolist()


def _patch_value(c: list[float], k: int, u: float, v: float) -> float:
    b0 = ((c[24 + k] * v + c[16 + k]) * v + c[8 + k]) * v + c[k]
    b1 = ((c[26 + k] * v + c[18 + k]) * v + c[10 + k]) * v + c[2 + k]
    b2 = ((c[28 + k] * v + c[20 + k]) * v + c[12 + k]) * v + c[4 + k]
    b3 = ((c[30 + k] * v + c[22 + k]) * v + c[14 + k]) * v + c[6 + k]
    return ((b3 * u + b2) * u + b1) * u + b0


def to_xy(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat degrees (scalars or arrays that broadcast together, WGS84) to x/y metres
    in :data:`PROJECTION_CRS`: within :data:`TABLE_ERROR_M` of :func:`to_xy_exact` inside
    :data:`TABLE_BOX_DEG`, exactly PROJ's answer elsewhere (NaN in, NaN out)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        lon, lat = np.broadcast_arrays(lon, lat)
    if lon.size <= _SMALL_CALL:
        return _to_xy_small(lon, lat)
    flat_lon, flat_lat = lon.ravel(), lat.ravel()
    lon_min, lat_min, lon_max, lat_max = TABLE_BOX_DEG
    all_inside = (flat_lon.min() >= lon_min and flat_lon.max() <= lon_max
                  and flat_lat.min() >= lat_min and flat_lat.max() <= lat_max)  # the engine's usual call (NaN: no)
    if all_inside and len(flat_lon) <= _BLOCK:
        x, y = _interpolate(flat_lon, flat_lat)
        return x.reshape(lon.shape), y.reshape(lon.shape)
    x, y = np.empty(flat_lon.shape), np.empty(flat_lon.shape)
    if all_inside:
        blocks = [slice(k, k + _BLOCK) for k in range(0, len(flat_lon), _BLOCK)]
    else:
        inside = (flat_lon >= lon_min) & (flat_lon <= lon_max) & (flat_lat >= lat_min) & (flat_lat <= lat_max)
        out = np.nonzero(~inside)[0]
        x[out], y[out] = _transformer().transform(flat_lon[out], flat_lat[out])
        at = np.nonzero(inside)[0]
        blocks = [at[k:k + _BLOCK] for k in range(0, len(at), _BLOCK)]
    for k in blocks:
        x[k], y[k] = _interpolate(flat_lon[k], flat_lat[k])
    return x.reshape(lon.shape), y.reshape(lon.shape)


def _to_xy_small(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`to_xy` point by point in plain Python."""
    lon_min, lat_min, lon_max, lat_max = TABLE_BOX_DEG
    x, y = [], []
    for p, q in zip(lon.ravel().tolist(), lat.ravel().tolist()):
        if lon_min <= p <= lon_max and lat_min <= q <= lat_max:
            a, b = _interpolate_one(p, q)
        else:
            a, b = _transformer().transform(p, q)
        x.append(a)
        y.append(b)
    return np.array(x).reshape(lon.shape), np.array(y).reshape(lon.shape)


def to_lonlat(x_m, y_m) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`to_xy_exact`: x/y metres in :data:`PROJECTION_CRS` to lon/lat degrees (WGS84)."""
    lon, lat = _transformer().transform(np.asarray(x_m, dtype=float), np.asarray(y_m, dtype=float), direction="INVERSE")
    return np.asarray(lon), np.asarray(lat)
