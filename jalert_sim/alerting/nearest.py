"""Compiled (numba) twin of ``distances.min_distance``: the nearest point of every row in one pass
per pair, instead of a dozen array passes with (pairs x samples) temporaries.

For each pair the kernel walks the finite points of its row in order (:func:`_scan`): the
distance to the footprint's box, and for a point in the box its own cell's bounds and, where
they leave it open, the exact inside test (``kernels._contains``, the ray bands); the first point
inside is the answer. Otherwise (:func:`_settle`, branch and bound) the point of least lower
bound has its bound raised a level at a time (box, own cell, the nine cells around it as
``distances.around_bounds`` takes them, exact distance) until the least lower bound exceeds the
least distance measured, so every point that can be (or tie) the minimum is measured. An exact
distance matters only up to the least so far, so it is the least GEOS point-to-segment distance
(``kernels._distance_within``) over the pieces of the boundary within that reach. The answer is the
numpy route's; where the kernel cannot settle an inside test it leaves the pair to it. Only
``distances`` imports this module, for calls of at least ``distances.COMPILED_FROM_PAIRS`` pairs
where numba is installed.
"""

from __future__ import annotations

import math
import numpy as np

from .. import compiling
from ..geo import distance_grid as _distance_grid
from .boundaries import pieces, ray_bands
from .kernels import _boundary_distance, _contains, _distance_within


@compiling.kernels
def compiled(numba):
    """The kernel (a namespace with ``nearest_rows``), or None without numba (or with the kernels
    switched off: :mod:`jalert_sim.compiling`)."""
    from . import kernels

    if kernels.compiled() is None:  # (rebinds the helpers _contains calls to their jitted versions)
        return None
    global _contains, _boundary_distance, _entry, _centre_lower, _own_bounds, _around_bounds
    global _distance_within, _scan, _settle
    jit = numba.njit(cache=True, nogil=True)
    _contains, _boundary_distance = jit(_contains), jit(_boundary_distance)
    inline = numba.njit(cache=True, nogil=True, inline="always")
    _distance_within = kernels._distance_within  # (jitted by kernels.compiled())
    _scan, _settle = inline(_scan), inline(_settle)
    _entry, _centre_lower = inline(_entry), inline(_centre_lower)
    _own_bounds, _around_bounds = inline(_own_bounds), inline(_around_bounds)

    class Kernels:
        pass

    Kernels.nearest_rows = staticmethod(jit(_nearest_rows))
    return Kernels


def nearest(pref, x, y, rows, measure: bool = True):
    """``distances.min_distance(pref, x, y, rows, measure=measure)`` by the kernel: (column, distance, open) per pair,
    open where the kernel left an inside test to shapely (the pair is then to be answered by the
    numpy route); or None without the kernel."""
    kernels = compiled()
    if kernels is None:
        return None
    g = _distance_grid.grid()
    start, present = _distance_grid._cell_index()
    grid = (g.x0_m, g.y0_m, g.cell_m, g.nx, g.ny, g.reach_m, g.slack_m, g.unit_m, start, present, g.sd, g.pref_bounds)
    return kernels.nearest_rows(np.asarray(rows, np.int64), np.asarray(pref, np.int64),
                                np.ascontiguousarray(x, dtype=float), np.ascontiguousarray(y, dtype=float), grid,
                                pieces(), ray_bands(), measure)


#: Levels of a point's lower bound in the kernel: the footprint's box, the grid at the point's own
#: cell, the grid at the nine cells around it, the exact distance (measured).
_BOX, _OWN, _AROUND, _MEASURED = 0, 1, 2, 3


def _nearest_rows(rows, pref, x, y, grid, segments, bands, measure):  # pragma: no cover (compiled)
    """Per pair i (row ``rows[i]`` of x, y, footprint ``pref[i]``): (column, distance, open), open
    True where an inside test was left open (the pair's column and distance are then meaningless).
    ``segments``, ``bands``: boundaries.pieces() and ray_bands(), for distances and inside tests;
    ``measure`` False: a nearest point that the bounds single out, outside, is not measured (inf)."""
    n, m = len(pref), x.shape[1]
    best_k = np.zeros(n, np.int64)
    best_d = np.full(n, np.nan)
    open_ = np.zeros(n, np.bool_)
    one = np.empty(1, np.int64)
    lo, hi = np.empty(m), np.empty(m)
    col, level = np.empty(m, np.int64), np.empty(m, np.int64)
    for i in range(n):
        r, f = rows[i], pref[i]
        one[0] = f
        count, first_in, open_[i] = _scan(x[r], y[r], f, one, grid, bands, lo, hi, col, level)
        if open_[i]:
            continue
        if first_in >= 0:
            best_k[i], best_d[i] = first_in, 0.0
            continue
        at, best = _settle(x[r], y[r], f, one, grid, segments, count, lo, hi, col, level, measure)
        if at >= 0:
            best_k[i], best_d[i] = at, best
    return best_k, best_d, open_


def _scan(x, y, f, one, grid, bands, lo, hi, col, level):  # pragma: no cover (compiled)
    """The finite points of row (x, y) in order, into ``col`` with their lower bounds (``lo``, ``hi``,
    ``level``): the footprint's box, and for a point in the box its own cell's bounds and, where
    they leave it open, the exact inside test. (count, first point inside or -1, open)."""
    bounds = grid[-1]
    count = 0
    for j in range(len(x)):
        px, py = x[j], y[j]
        if math.isnan(px) or math.isnan(py):
            continue
        dx = max(max(bounds[f, 0] - px, px - bounds[f, 2]), 0.0)
        dy = max(max(bounds[f, 1] - py, py - bounds[f, 3]), 0.0)
        box = math.sqrt(dx * dx + dy * dy) * (1.0 - 1e-12) - 1e-6  # (as distance_grid._box_lower)
        lo[count], hi[count], col[count], level[count] = box, np.inf, j, _BOX
        if box <= 0.0:  # in the footprint's box: it may be inside
            lower, upper = _own_bounds(f, px, py, box, grid)
            if upper < 0.0:
                return count, j, False
            if lower <= 0.0:
                answer = _contains(one, x[j:j + 1], y[j:j + 1], *bands)[0]
                if answer < 0:
                    return count, -1, True
                if answer == 1:
                    return count, j, False
            lo[count], hi[count], level[count] = lower, upper, _OWN
        count += 1
    return count, -1, False


def _settle(x, y, f, one, grid, segments, count, lo, hi, col, level, measure):  # pragma: no cover (compiled)
    """(column, distance) of the nearest of the ``count`` points of row (x, y), all outside, by branch
    and bound: the point of least lower bound has its bound raised a level (box, own cell, cells
    around, exact) until the least lower bound exceeds the least distance measured; ties go to the
    first column, as np.argmin's. (-1, inf) without points; (column, inf) where ``measure`` is False
    and the bounds single out the point."""
    best, at = np.inf, -1
    while True:
        q, low, second = -1, np.inf, np.inf
        for k in range(count):
            if level[k] != _MEASURED:
                if lo[k] < low:
                    q, low, second = k, lo[k], low
                elif lo[k] < second:
                    second = lo[k]
        if q < 0 or low > best:
            return at, best
        # Raise q's bound while it stays the least (then the others are scanned again).
        j = col[q]
        px, py = x[j], y[j]
        while level[q] != _MEASURED and lo[q] <= second and lo[q] <= best:
            if level[q] == _BOX:
                lo[q], hi[q] = _own_bounds(f, px, py, lo[q], grid)
            elif level[q] == _OWN:
                lower, upper = _around_bounds(f, px, py, grid)
                lo[q], hi[q] = max(lo[q], lower), min(hi[q], upper)
            elif not measure and best == np.inf and lo[q] > 0.0 and hi[q] < second:
                return j, np.inf  # nearer than every other point can be, and outside
            else:
                # Only a distance up to the least so far (or this point's upper bound) matters.
                reach = min(best, hi[q])
                if reach < np.inf:
                    d = _distance_within(f, px, py, reach, *segments)
                else:
                    d = _boundary_distance(one, x[j:j + 1], y[j:j + 1], *segments)[0]
                if d < best or (d == best and j < at):
                    best, at = d, j
            level[q] += 1


def _entry(f, ix, iy, grid):  # pragma: no cover (compiled)
    """Index into the grid's ``sd`` of footprint f's distance at the centre of cell (ix, iy), -1
    where none is stored (kernels._grid_bounds's look-up: the footprint's rank among the cell's)."""
    nx, ny, start, present = grid[3], grid[4], grid[8], grid[9]
    if ix < 0 or ix >= nx or iy < 0 or iy >= ny:
        return -1
    c = ix * ny + iy
    mine = present[c]
    bit = np.uint64(1) << np.uint64(f)
    if not (mine & bit):
        return -1
    v = mine & (bit - np.uint64(1))
    v = v - ((v >> np.uint64(1)) & np.uint64(0x5555555555555555))
    v = (v & np.uint64(0x3333333333333333)) + ((v >> np.uint64(2)) & np.uint64(0x3333333333333333))
    v = (v + (v >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return start[c] + np.int64((v * np.uint64(0x0101010101010101)) >> np.uint64(56))


def _centre_lower(f, ix, iy, grid):  # pragma: no cover (compiled)
    """(cx, cy, lower bound of the distance at the centre of cell (ix, iy), upper bound (inf if none
    is stored)): the stored distance less its rounding, or the grid's bound where none is stored."""
    x0, y0, cell_m, reach_m, slack_m, unit_m, sd, bounds = (grid[0], grid[1], grid[2], grid[5], grid[6], grid[7],
                                                            grid[10], grid[11])
    cx, cy = x0 + (ix + 0.5) * cell_m, y0 + (iy + 0.5) * cell_m
    at = _entry(f, ix, iy, grid)
    if at >= 0:
        stored = sd[at] * unit_m
        return cx, cy, stored - (unit_m + 1.0), stored + (unit_m + 1.0)
    dx = max(max(bounds[f, 0] - cx, cx - bounds[f, 2]), 0.0)
    dy = max(max(bounds[f, 1] - cy, cy - bounds[f, 3]), 0.0)
    return cx, cy, max(reach_m - slack_m, math.hypot(dx, dy) * (1.0 - 1e-12) - 1e-6), np.inf


def _own_bounds(f, px, py, box, grid):  # pragma: no cover (compiled)
    """(lower, upper) bounds of the distance at (px, py): from its own cell's stored distance, or
    the grid's bound where the cell has none (``box``: the distance to the footprint's box)."""
    x0, y0, cell_m, reach_m, slack_m, unit_m, sd = grid[0], grid[1], grid[2], grid[5], grid[6], grid[7], grid[10]
    ix, iy = int(np.floor((px - x0) / cell_m)), int(np.floor((py - y0) / cell_m))
    at = _entry(f, ix, iy, grid)
    if at < 0:
        return max(reach_m - slack_m, box), np.inf
    away = math.hypot(px - (x0 + (ix + 0.5) * cell_m), py - (y0 + (iy + 0.5) * cell_m)) + unit_m + 1.0
    stored = sd[at] * unit_m
    return max(stored - away, box), stored + away


def _around_bounds(f, px, py, grid):  # pragma: no cover (compiled)
    """The best (lower, upper) bounds of the distance at (px, py) from the centres of the nine cells
    around it (upper: inf where none stores the footprint's distance)."""
    x0, y0, cell_m = grid[0], grid[1], grid[2]
    ix, iy = int(np.floor((px - x0) / cell_m)), int(np.floor((py - y0) / cell_m))
    lower, upper = -np.inf, np.inf
    for a in range(ix - 1, ix + 2):
        for b in range(iy - 1, iy + 2):
            cx, cy, c_lower, c_upper = _centre_lower(f, a, b, grid)
            away = math.hypot(px - cx, py - cy)
            lower, upper = max(lower, c_lower - away), min(upper, c_upper + away)
    return lower, upper
