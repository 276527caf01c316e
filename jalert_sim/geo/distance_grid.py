"""Cheap, guaranteed bounds on the distance from projected points to each prefecture's footprint.

The alert engine asks, for thousands of (point, prefecture) pairs per batch, "how far is
this point from that footprint?" and "is it inside?". Exact answers from shapely cost
microseconds each (a footprint has hundreds to thousands of vertices); most pairs only
need a bound. ``data/geometry.npz`` holds a grid over the projected plane (cells of
``cell_m``, 5 km) with, for every cell whose centre lies within ``reach_m`` (120 km) of a
footprint, that footprint's signed distance from the centre (negative inside: minus the
distance to its boundary), in units of ``unit_m`` (10 m).

The distance to a set is 1-Lipschitz, so at any point p of a cell with centre c,
|d(p) - d(c)| <= |p - c| <= half the cell's diagonal. Hence

    lower = d(c) - slack,  upper = d(c) + slack,  slack = cell_m / sqrt(2) + unit_m,

and where a cell has no entry for a footprint, d > reach_m - slack. A point is surely inside
a footprint where ``upper < 0`` and surely outside where ``lower > 0``; callers compute exact
answers only where the bounds leave the question open. ``scripts/build_data.py`` computes the
grid from the footprints with shapely; tests/test_distance_grid.py checks the bounds against
exact distances.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely

from .cache import _read, cache_meta
from .prefectures import prefectures

#: Footprint index bits of an entry's key: key = cell * 64 + footprint index (47 footprints).
KEY_PREF_BITS = 6
_PREF_MASK = (1 << KEY_PREF_BITS) - 1


@dataclass(frozen=True)
class _Grid:
    x0_m: float  # lower-left corner of cell (0, 0), projected metres
    y0_m: float
    cell_m: float
    nx: int
    ny: int
    reach_m: float
    unit_m: float
    keys: np.ndarray  # sorted int64: cell * 64 + footprint, cell = ix * ny + iy
    sd: np.ndarray  # int16 signed distance of the cell centre, unit_m
    pref_bounds: np.ndarray  # (47, 4) footprint bounds, for the bound where a cell has no entry

    @property
    def slack_m(self) -> float:
        # Rounding of sd to unit_m, plus a metre for floating-point noise in x, y and the centre.
        return self.cell_m / math.sqrt(2.0) + self.unit_m + 1.0


@cache
def grid() -> _Grid:
    """The distance grid of geometry.npz, loaded once."""
    params = cache_meta()["distance_grid"]
    keys, sd = _read("distance_grid.keys", "distance_grid.sd")
    # The footprints' order is the prefectures' order.
    bounds = shapely.bounds(np.array([p.footprint_xy for p in prefectures()], dtype=object))
    return _Grid(
        x0_m=float(params["x0_m"]), y0_m=float(params["y0_m"]), cell_m=float(params["cell_m"]),
        nx=int(params["nx"]), ny=int(params["ny"]), reach_m=float(params["reach_m"]), unit_m=float(params["unit_m"]),
        keys=keys.astype(np.int64), sd=sd, pref_bounds=bounds,
    )


#: Calls with at least this many points find their entries through :func:`_cell_index`; smaller
#: ones (a single run's calls have tens of points) search the keys, cheaper than building the
#: index (~12 ms in a new process, where a batch's calls have thousands of points).
_INDEXED_FROM = 1000


@cache
def _cell_index() -> tuple[np.ndarray, np.ndarray]:
    """(start, present): the entries of cell c are keys[start[c]:start[c + 1]] (int32, nx * ny + 1),
    and bit f of present[c] (uint64) says whether footprint f is among them. A look-up is then two
    gathers and a bit count, where a binary search of the 264k keys costs ~18 cache misses a point."""
    g = grid()
    # A cell lists each footprint at most once, so summing the bits ors them; as float64 the sums
    # (below 2**47) are exact, and bincount is the fastest way to sum them per cell.
    bits = np.ldexp(1.0, (g.keys & _PREF_MASK).astype(np.int32))
    present = np.bincount(g.keys >> KEY_PREF_BITS, weights=bits, minlength=g.nx * g.ny).astype(np.uint64)
    start = np.zeros(g.nx * g.ny + 1, np.int32)
    np.cumsum(np.bitwise_count(present), out=start[1:])
    return start, present


def _cells(g: _Grid, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cell index of each point; -1 outside the grid or NaN."""
    with np.errstate(invalid="ignore"):
        fx = np.subtract(x, g.x0_m)
        fx /= g.cell_m
        np.floor(fx, out=fx)
        fy = np.subtract(y, g.y0_m)
        fy /= g.cell_m
        np.floor(fy, out=fy)
        ok = (fx >= 0) & (fx < g.nx) & (fy >= 0) & (fy < g.ny)
        # (NaN and far points cast to garbage here; ``ok`` masks them.)
        cell = fx.astype(np.int64)
        cell *= g.ny
        cell += fy.astype(np.int64)
    cell[~ok] = -1
    return cell


def bounds(pref: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) bounds of the signed distance (m, negative inside) from (x, y) to footprint
    ``pref`` (integer arrays broadcast together). NaN points get (inf, inf)."""
    g = grid()
    pref, x, y = np.broadcast_arrays(np.asarray(pref), np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    if x.size >= _INDEXED_FROM:
        return listed_bounds(*cell_masks(x, y), pref, x, y)
    cell = _cells(g, x, y)
    key = cell * (1 << KEY_PREF_BITS) + pref
    at = np.searchsorted(g.keys, key)
    found = (cell >= 0) & (at < len(g.keys))
    found[found] = g.keys[at[found]] == key[found]
    return _bounds(g, found, np.where(found, at, 0), pref, x, y)


def cell_masks(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, mask) of each point's cell: the index of its first entry in ``keys`` and the bitmask
    of the footprints it lists (uint64, bit f for footprint f; 0 outside the grid or NaN)."""
    g = grid()
    cell = _cells(g, np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    if cell.size >= _INDEXED_FROM:
        start, present = _cell_index()
        c = np.maximum(cell, 0)
        mask = present[c]
        mask[cell < 0] = 0
        return start[c], mask
    # Small calls (a run's) search the keys instead of building the index.
    point, entry = near_entries(x, y)
    mask = np.zeros(cell.shape, np.uint64)
    np.bitwise_or.at(mask, point, np.left_shift(np.uint64(1), (g.keys[entry] & _PREF_MASK).astype(np.uint64)))
    return np.searchsorted(g.keys, np.maximum(cell, 0) << KEY_PREF_BITS), mask


def listed_bounds(first: np.ndarray, mask: np.ndarray, pref: np.ndarray, x: np.ndarray,
                  y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`bounds` of points whose :func:`cell_masks` are known (arrays of one shape)."""
    bit = np.left_shift(np.uint64(1), pref.astype(np.uint64))
    found = (mask & bit) != 0
    # The entry: the cell's first one plus the footprints it lists before this one.
    at = np.where(found, first + np.bitwise_count(mask & (bit - np.uint64(1))), 0)
    return _bounds(grid(), found, at, pref, x, y)


def _bounds(g: _Grid, found: np.ndarray, at: np.ndarray, pref: np.ndarray, x: np.ndarray,
            y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) from the entries ``at`` where ``found``, the far bound elsewhere; inf at NaN."""
    slack = g.slack_m
    sd = g.sd[at] * g.unit_m
    lower = sd - slack
    upper = sd + slack
    nan = np.isnan(x) | np.isnan(y)
    o = ~found & ~nan  # no entry: the far bound, from the footprint's box
    lower[o] = far_lower(pref[o], x[o], y[o])
    upper[~found] = np.inf
    lower[nan] = np.inf
    return lower, upper


def far_lower(pref: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The lower bound of :func:`bounds` for finite points whose cell lists no entry for ``pref``:
    beyond reach - slack, and at least the distance to the footprint's bounding box (less a
    relative 1e-12 and a micrometre for rounding)."""
    g = grid()
    far = g.reach_m - g.slack_m
    b = g.pref_bounds[pref]
    dx = np.maximum(np.maximum(b[..., 0] - x, x - b[..., 2]), 0.0)
    dy = np.maximum(np.maximum(b[..., 1] - y, y - b[..., 3]), 0.0)
    out = np.full(dx.shape, far)
    # The box distance is at most sqrt(2) max(dx, dy): only where that may exceed far is it measured.
    h = np.maximum(dx, dy) * 1.5 >= far
    out[h] = np.maximum(far, np.hypot(dx[h], dy[h]) * (1.0 - 1e-12) - 1e-6)
    return out


def near(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every footprint that may lie within ``reach_m - slack`` of each point (1-D arrays):
    (point index, footprint index), sorted by point then footprint. Footprints not listed for a
    point are farther than that from it."""
    point, entry = near_entries(x, y)
    return point, grid().keys[entry] & _PREF_MASK


def near_entries(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`near` as (point index, entry): the footprint of an entry is ``keys[entry] & 63``, and
    ``sd[entry]`` its signed distance from the cell's centre (what :func:`bounds` gives there)."""
    g = grid()
    cell = _cells(g, np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    if cell.size >= _INDEXED_FROM:
        start, _ = _cell_index()
        c = np.maximum(cell, 0)
        lo, hi = start[c], start[c + 1]
    else:
        base = cell << KEY_PREF_BITS
        lo = np.searchsorted(g.keys, base)
        hi = np.searchsorted(g.keys, base + (1 << KEY_PREF_BITS))
    n = np.where(cell >= 0, hi - lo, 0)
    point = np.repeat(np.arange(len(cell)), n)
    entry = np.arange(len(point)) + np.repeat(lo - (np.cumsum(n) - n), n)
    return point, entry
