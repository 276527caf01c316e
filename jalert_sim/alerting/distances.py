"""The nearest point of each row of a track to a footprint (crossings.closest's question): the
first point inside, else the first point of least distance, each exactly as shapely would find
it, with exact distances only for the points that can be (or tie) the nearest.

Points are in the plane of geo.to_xy (metres), footprints indices into geo.prefectures().

The bounds that rule points out are the distance grid's (geo.distance_grid), made tighter. The
grid stores the distance d(c) of each cell's centre c to the nearest unit_m, and the distance is
1-Lipschitz, so for any point p and any cell centre c

    d(c) - |p - c| <= d(p) <= d(c) + |p - c|

(with unit_m + 1 m for the rounding of the stored value and floating-point noise, as the grid's
own slack allows). The grid's bounds take |p - c| at its worst, half a cell's diagonal (3.5 km);
the bounds here take it as it is for the point's own cell and the eight around it, the best of
the nine. Along a 1 s grid around the nearest coarse sample that leaves about one point in ten
to measure instead of one in two. Before any grid look-up, the distance to the footprint's box
drops the points of a coarse track that are far from it (most of them).
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np

from ..geo import distance_grid as _distance_grid
from .arrays import unique
from .geometry import _outside_distance, contains, grid_bounds

#: Calls on fewer pairs use numpy (a single run's have at most 47).
COMPILED_FROM_PAIRS = 200

#: Offsets of the cells around a point's own whose centres bound its distance.
_AROUND = np.array([(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1)], dtype=float)


def min_distance(pref: np.ndarray, x: np.ndarray, y: np.ndarray, rows: np.ndarray | None = None, *,
                 measure: bool = True, compiled: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per pair i: (column of the first minimum, minimum) of shapely.distance(footprint[pref[i]],
    point) over the finite points of row ``rows[i]`` of ``x``, ``y`` (row i where ``rows`` is None),
    as ``np.argmin`` would find them: the first point inside and 0 where one is inside, (0, NaN)
    for a row without a finite point.

    ``measure`` False: for a caller that needs the column and only whether the minimum is 0. Where
    the bounds alone single out the nearest point and show it outside, its distance is not
    measured: the minimum is given as inf (which rows those are depends on the route).
    ``compiled``: the numba kernel of :mod:`.nearest` (True), numpy (False), or the kernel for calls
    of COMPILED_FROM_PAIRS pairs or more where numba is installed (None)."""
    pref = np.asarray(pref, np.int64)
    rows = np.arange(len(pref)) if rows is None else np.asarray(rows, np.int64)
    if compiled or (compiled is None and len(pref) >= COMPILED_FROM_PAIRS):
        from .nearest import nearest

        answer = nearest(pref, x, y, rows, measure)
        if answer is not None:
            k, d, open_ = answer
            o = np.nonzero(open_)[0]
            if len(o):
                k[o], d[o] = _min_distance(pref[o], x, y, rows[o], measure)
            return k, d
    return _min_distance(pref, x, y, rows, measure)


class _Points(NamedTuple):
    """The finite points of the rows (by row, then column): row (pair index), column, footprint,
    coordinates (m)."""

    r: np.ndarray
    c: np.ndarray
    f: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def take(self, k: np.ndarray) -> _Points:
        return _Points(*(v[k] for v in self))


def _min_distance(pref, x, y, rows, measure=True):
    """min_distance's numpy route, on the finite points of the rows only."""
    n = len(pref)
    best_k, best_d = np.zeros(n, np.int64), np.full(n, np.nan)
    xs, ys = x[rows], y[rows]
    r, c = np.nonzero(~np.isnan(xs) & ~np.isnan(ys))
    p = _Points(r, c, pref[r], xs[r, c], ys[r, c])
    # A point outside the footprint's box is outside it, and one farther from the box than the
    # upper bound of the row's point nearest the box cannot be the nearest.
    box = _box_lower(p.f, p.x, p.y)
    near_box = _row_first_min(p.r, box)
    cap = grid_bounds(p.f[near_box], p.x[near_box], p.y[near_box])[1]
    p = p.take(np.nonzero(box <= np.maximum(_per_row(p.r, cap), 0.0))[0])
    lower, upper = grid_bounds(p.f, p.x, p.y)
    is_in = upper < 0.0
    o = np.nonzero((lower <= 0.0) & ~is_in)[0]
    if len(o):
        is_in[o] = contains(p.f[o], p.x[o], p.y[o])
    i = np.nonzero(is_in)[0]
    inside_rows, first = unique(p.r[i])
    best_k[inside_rows], best_d[inside_rows] = p.c[i[first]], 0.0
    has_in = np.zeros(n, bool)
    has_in[inside_rows] = True
    # Every point of the other rows is outside. A point whose lower bound exceeds some point's upper
    # bound cannot be the nearest: by the grid's bounds, then the own cell's, then the nine cells'.
    e = np.nonzero(~has_in[p.r])[0]
    e = e[lower[e] <= _row_min(p.r[e], upper[e])]
    p, lower, upper = p.take(e), lower[e], upper[e]
    for tighten in (own_bounds, around_bounds):
        lower, upper = tighten(p.f, p.x, p.y, lower, upper)
        keep = np.nonzero(lower <= _row_min(p.r, upper))[0]
        p, lower, upper = p.take(keep), lower[keep], upper[keep]
    if not measure:  # a row left with one point, surely outside: its nearest
        starts = _starts(p.r)
        alone = starts[(np.diff(np.append(starts, len(p.r))) == 1) & (lower[starts] > 0.0)]
        best_k[p.r[alone]], best_d[p.r[alone]] = p.c[alone], np.inf
        rest = np.nonzero(~np.isin(np.arange(len(p.r)), alone))[0]
        p, lower = p.take(rest), lower[rest]
    if len(p.r) == 0:
        return best_k, best_d
    # The point of least lower bound is measured first; the minimum is at most its distance, so
    # only the points whose lower bound does not exceed that can be (or tie) the minimum.
    seed = _row_first_min(p.r, lower)
    d = np.full(len(p.r), np.inf)
    d[seed] = _outside_distance(p.f[seed], p.x[seed], p.y[seed])
    cand = lower <= _row_min(p.r, d)
    cand[seed] = False
    q = np.nonzero(cand)[0]
    if len(q):
        d[q] = _outside_distance(p.f[q], p.x[q], p.y[q])
    at = _row_first_min(p.r, d)
    best_k[p.r[at]], best_d[p.r[at]] = p.c[at], d[at]
    return best_k, best_d


def own_bounds(pref, x, y, lower, upper) -> tuple[np.ndarray, np.ndarray]:
    """The grid's bounds (``lower``, ``upper``) of the points (x, y) (1-D, finite) tightened by their
    distance from their own cell's centre, where the cell stores the footprint's distance."""
    g = _distance_grid.grid()
    cx = g.x0_m + (np.floor((x - g.x0_m) / g.cell_m) + 0.5) * g.cell_m
    cy = g.y0_m + (np.floor((y - g.y0_m) / g.cell_m) + 0.5) * g.cell_m
    # lower + slack is the stored distance (to rounding); it is off by at most |p - c| + unit_m + 1 m.
    spare = np.where(np.isfinite(upper), g.slack_m - (np.hypot(x - cx, y - cy) + g.unit_m + 1.0), 0.0)
    return lower + spare, upper - spare


def around_bounds(pref, x, y, lower, upper) -> tuple[np.ndarray, np.ndarray]:
    """Bounds (``lower``, ``upper``) of the distance (m) from the points (x, y) (1-D, finite) to
    footprint ``pref``, tightened by the stored distances of the centres of the point's own cell
    and the eight around it (where one is stored: its rounding is unit_m, plus 1 m of noise)."""
    g = _distance_grid.grid()
    ix = np.floor((x - g.x0_m) / g.cell_m)[:, None] + _AROUND[:, 0]
    iy = np.floor((y - g.y0_m) / g.cell_m)[:, None] + _AROUND[:, 1]
    stored = _stored_m(np.broadcast_to(pref[:, None], ix.shape), ix.astype(np.int64), iy.astype(np.int64))
    away = np.hypot(x[:, None] - (g.x0_m + (ix + 0.5) * g.cell_m), y[:, None] - (g.y0_m + (iy + 0.5) * g.cell_m))
    away += g.unit_m + 1.0
    lo = np.fmax(np.nanmax(stored - away, axis=1, initial=-np.inf), lower)
    hi = np.fmin(np.nanmin(stored + away, axis=1, initial=np.inf), upper)
    return lo, hi


def _stored_m(pref, ix, iy) -> np.ndarray:
    """The distance grid's stored distance (m) of footprint ``pref`` at the centre of cell (ix, iy),
    NaN where none is stored (distance_grid.bounds's look-up, by its cell index for large calls)."""
    g = _distance_grid.grid()
    ok = (ix >= 0) & (ix < g.nx) & (iy >= 0) & (iy < g.ny)
    cell = np.where(ok, ix * g.ny + iy, 0)
    if cell.size >= _distance_grid._INDEXED_FROM:
        start, present = _distance_grid._cell_index()
        mine = present[cell]
        bit = np.left_shift(np.uint64(1), pref.astype(np.uint64))
        found = ok & ((mine & bit) != 0)
        at = start[cell] + np.bitwise_count(mine & (bit - np.uint64(1)))
    else:
        key = cell * (1 << _distance_grid.KEY_PREF_BITS) + pref
        at = np.searchsorted(g.keys, key)
        found = ok & (at < len(g.keys))
        found[found] = g.keys[at[found]] == key[found]
    return np.where(found, g.sd[np.where(found, at, 0)] * g.unit_m, np.nan)


@cache
def _box_columns() -> tuple[np.ndarray, ...]:
    """The footprints' boxes as four arrays: min x, min y, max x, max y (m)."""
    return tuple(np.ascontiguousarray(column) for column in _distance_grid.grid().pref_bounds.T)


def _box_lower(pref, x, y) -> np.ndarray:
    """A lower bound of the distance (m) from (x, y) to footprint ``pref``: its distance to the
    footprint's box, less a little for rounding."""
    x0, y0, x1, y1 = _box_columns()
    dx = np.maximum(np.maximum(x0[pref] - x, x - x1[pref]), 0.0)
    dy = np.maximum(np.maximum(y0[pref] - y, y - y1[pref]), 0.0)
    return np.sqrt(dx * dx + dy * dy) * (1.0 - 1e-12) - 1e-6


def _starts(r: np.ndarray) -> np.ndarray:
    """Where each row's entries start (``r`` sorted)."""
    return np.flatnonzero(np.r_[True, r[1:] != r[:-1]]) if len(r) else np.zeros(0, np.int64)


def _per_row(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Per entry, the value in ``v`` (one per row present, in order) of its row (``r`` sorted)."""
    return np.repeat(v, np.diff(np.append(_starts(r), len(r))))


def _row_min(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Per entry, the least ``v`` of its row (``r`` sorted)."""
    if len(r) == 0:
        return v.copy()
    return _per_row(r, np.minimum.reduceat(v, _starts(r)))


def _row_first_min(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Per row (``r`` sorted, in order), the index of its first entry of least ``v``."""
    at = np.flatnonzero(v == _row_min(r, v))
    return at[_starts(r[at])]
