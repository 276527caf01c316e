"""Compiled kernels (numba) of the alert engine, for the large arrays of a batch.

Each kernel computes what a numpy function of the engine computes, with the same formula in
the same order, in one pass over the points instead of a dozen array passes and their
temporaries. The engine calls a kernel only for large calls (each caller's ``*_COMPILED_FROM*``
threshold: a batch's chunks; never a single ``run``, whose start-up must not pay for importing
numba, nor even this module), and only where numba is installed and the kernels are not switched
off (:mod:`jalert_sim.compiling`); otherwise its numpy twin. tests/test_kernels.py runs both
on the same inputs. Compiled code is cached beside the module (``cache=True``).
"""

from __future__ import annotations

import math

import numpy as np

from .. import compiling


@compiling.kernels
def compiled(numba):
    """The compiled kernels (a namespace with ``grid_bounds``, ``boundary_distance``, ``chords_within``,
    ``contains`` and ``box_spans``), or None without numba (or with the kernels switched off:
    :mod:`jalert_sim.compiling`)."""

    class Kernels:
        pass

    # Helpers first: a compiled function calls the compiled versions of the globals it names.
    global _bounds_at, _orientation, _point_segment, _segment_within, _distance_within, _contains_point
    global _clear_of_boundary
    jit = numba.njit(cache=True, nogil=True, inline="always")
    _bounds_at = jit(_bounds_at)
    Kernels.grid_bounds = staticmethod(numba.njit(cache=True, nogil=True)(_grid_bounds))
    _orientation, _point_segment = jit(_orientation), jit(_point_segment)
    _segment_within = jit(_segment_within)
    _contains_point, _clear_of_boundary = jit(_contains_point), jit(_clear_of_boundary)
    _distance_within = numba.njit(cache=True, nogil=True)(_distance_within)  # (called with *args: not inlined)
    Kernels.boundary_distance = staticmethod(numba.njit(cache=True, nogil=True)(_boundary_distance))
    Kernels.chords_within = staticmethod(numba.njit(cache=True, nogil=True)(_chords_within))
    Kernels.contains = staticmethod(numba.njit(cache=True, nogil=True)(_contains))
    Kernels.box_spans = staticmethod(numba.njit(cache=True, nogil=True)(_box_spans))
    return Kernels


def _grid_bounds(pref, x, y, x0, y0, cell_m, nx, ny, reach_m, slack_m, unit_m, start, present, sd,
                 pref_bounds):  # pragma: no cover (compiled)
    """geo.distance_grid.bounds for 1-D pref, x, y (the cell index's route): (lower, upper), m."""
    size = x.shape[0]
    lower = np.empty(size)
    upper = np.empty(size)
    for i in range(size):
        lower[i], upper[i] = _bounds_at(pref[i], x[i], y[i], x0, y0, cell_m, nx, ny, reach_m, slack_m, unit_m, start,
                                        present, sd, pref_bounds)
    return lower, upper


def _bounds_at(f, px, py, x0, y0, cell_m, nx, ny, reach_m, slack_m, unit_m, start, present, sd,
               pref_bounds):  # pragma: no cover (compiled)
    """:func:`_grid_bounds` of one point (px, py) and footprint ``f``: (lower, upper), m."""
    if math.isnan(px) or math.isnan(py):
        return np.inf, np.inf
    fx = np.floor((px - x0) / cell_m)
    fy = np.floor((py - y0) / cell_m)
    if fx >= 0 and fx < nx and fy >= 0 and fy < ny:
        c = int(fx) * ny + int(fy)
        mine = present[c]
        bit = np.uint64(1) << np.uint64(f)
        if mine & bit:
            v = mine & (bit - np.uint64(1))  # its rank among the cell's footprints: a popcount
            v = v - ((v >> np.uint64(1)) & np.uint64(0x5555555555555555))
            v = (v & np.uint64(0x3333333333333333)) + ((v >> np.uint64(2)) & np.uint64(0x3333333333333333))
            v = (v + (v >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
            at = start[c] + np.int64((v * np.uint64(0x0101010101010101)) >> np.uint64(56))
            d = sd[at] * unit_m
            return d - slack_m, d + slack_m
    dx = max(max(pref_bounds[f, 0] - px, px - pref_bounds[f, 2]), 0.0)
    dy = max(max(pref_bounds[f, 1] - py, py - pref_bounds[f, 3]), 0.0)
    return max(reach_m - slack_m, math.hypot(dx, dy) * (1.0 - 1e-12) - 1e-6), np.inf


def _boundary_distance(pref, x, y, first_piece, piece_box, piece_segments, seg):  # pragma: no cover (compiled)
    """Distance (m) from each point (x, y) to the boundary of footprint ``pref``: the minimum of GEOS's
    Distance::pointToSegment over its segments (``seg`` rows ax, ay, bx, by), which is what
    shapely.distance gives. The segments come in pieces (``first_piece[f]``..``first_piece[f + 1]``,
    segments ``piece_segments[k]``..``piece_segments[k + 1]``, boxes ``piece_box[k]``); the nearest
    piece's first vertex bounds the distance, and :func:`_distance_within` reads only the pieces
    within that bound. NaN points: NaN."""
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        px, py = x[i], y[i]
        if math.isnan(px) or math.isnan(py):
            out[i] = np.nan
            continue
        f = pref[i]
        reach2 = np.inf
        for k in range(first_piece[f], first_piece[f + 1]):
            s = piece_segments[k]
            dx, dy = px - seg[s, 0], py - seg[s, 1]
            reach2 = min(reach2, dx * dx + dy * dy)
        out[i] = _distance_within(f, px, py, math.sqrt(reach2), first_piece, piece_box, piece_segments, seg)
    return out


def _distance_within(f, px, py, reach, first_piece, piece_box, piece_segments, seg):  # pragma: no cover (compiled)
    """The distance (m) from (px, py) to the boundary of footprint ``f`` where it is at most ``reach``
    (finite): the least GEOS point-to-segment distance (_point_segment) over the pieces whose box
    lies within ``reach`` (with a relative margin of 1e-9 and 1 um for rounding), which hold the
    nearest segment; more than ``reach`` (or inf) where the distance is."""
    limit = reach * (1.0 + 1e-9) + 1e-6
    limit2 = limit * limit
    best = np.inf
    for k in range(first_piece[f], first_piece[f + 1]):
        dx = max(max(piece_box[k, 0] - px, px - piece_box[k, 2]), 0.0)
        dy = max(max(piece_box[k, 1] - py, py - piece_box[k, 3]), 0.0)
        if dx * dx + dy * dy > limit2:
            continue
        for s in range(piece_segments[k], piece_segments[k + 1]):
            best = min(best, _point_segment(px, py, seg[s, 0], seg[s, 1], seg[s, 2], seg[s, 3]))
    return best


#: Distances within this of the limit, and orientations within this relative bound of zero, are
#: left to shapely by _chords_within (its own rounding is below 1e-9 m and 1e-15 relative).
_MARGIN_M = 1e-3
_ORIENT_REL = 1e-12


def _chords_within(pref, ax, ay, bx, by, limit_m, lower_a, upper_a, first_piece, piece_box, piece_segments,
                   seg):  # pragma: no cover (compiled)
    """shapely.dwithin(footprint[pref], segment a-b, limit_m) per chord where it is sure: 1 within,
    0 not, -1 open (left to shapely). A chord is within if it crosses a boundary segment (robust
    orientation signs) or passes within the limit of one (GEOS's point-to-segment distances, with
    a margin); if no boundary segment is, the chord lies inside or outside as a whole, which the
    distance grid's bounds at its start (``lower_a``, ``upper_a``) tell where they can."""
    out = np.empty(ax.shape[0], np.int8)
    sure_in, sure_out = limit_m - _MARGIN_M, limit_m + _MARGIN_M
    for i in range(ax.shape[0]):
        p0x, p0y, p1x, p1y = ax[i], ay[i], bx[i], by[i]
        if math.isnan(p0x) or math.isnan(p0y) or math.isnan(p1x) or math.isnan(p1y):
            out[i] = -1
            continue
        f = pref[i]
        minx, maxx, miny, maxy = min(p0x, p1x), max(p0x, p1x), min(p0y, p1y), max(p0y, p1y)
        answer = 2  # 2: no boundary segment within the limit so far
        for k in range(first_piece[f], first_piece[f + 1]):
            dx = max(max(piece_box[k, 0] - maxx, minx - piece_box[k, 2]), 0.0)
            dy = max(max(piece_box[k, 1] - maxy, miny - piece_box[k, 3]), 0.0)
            if dx * dx + dy * dy > sure_out * sure_out:
                continue
            for s in range(piece_segments[k], piece_segments[k + 1]):
                r = _segment_within(p0x, p0y, p1x, p1y, seg[s, 0], seg[s, 1], seg[s, 2], seg[s, 3], sure_in, sure_out)
                if r == 1:
                    answer = 1
                    break
                if r == -1:
                    answer = -1
            if answer == 1:
                break
        if answer == 2:
            answer = 1 if upper_a[i] < 0.0 else (0 if lower_a[i] > 0.0 else -1)
        out[i] = answer
    return out


def _orientation(px, py, qx, qy, rx, ry):  # pragma: no cover (compiled)
    """Sign of the turn p -> q -> r (1 left, -1 right), 0 where rounding could change it."""
    left = (qx - px) * (ry - py)
    right = (qy - py) * (rx - px)
    det = left - right
    if abs(det) <= _ORIENT_REL * (abs(left) + abs(right)):
        return 0
    return 1 if det > 0.0 else -1


def _point_segment(px, py, ax, ay, bx, by):  # pragma: no cover (compiled)
    """GEOS's Distance::pointToSegment."""
    if ax == bx and ay == by:
        return math.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
    len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
    r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
    if r <= 0.0:
        return math.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
    if r >= 1.0:
        return math.sqrt((px - bx) * (px - bx) + (py - by) * (py - by))
    return abs(((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2) * math.sqrt(len2)


def _segment_within(ax, ay, bx, by, cx, cy, dx, dy, sure_in, sure_out):  # pragma: no cover (compiled)
    """1 if segments a-b and c-d cross or come within sure_in, 0 if they are farther apart than
    sure_out, -1 if rounding could decide it either way."""
    if max(ax, bx) >= min(cx, dx) and max(cx, dx) >= min(ax, bx) and \
            max(ay, by) >= min(cy, dy) and max(cy, dy) >= min(ay, by):  # boxes meet: they may cross
        o1 = _orientation(ax, ay, bx, by, cx, cy)
        o2 = _orientation(ax, ay, bx, by, dx, dy)
        o3 = _orientation(cx, cy, dx, dy, ax, ay)
        o4 = _orientation(cx, cy, dx, dy, bx, by)
        if o1 == 0 or o2 == 0 or o3 == 0 or o4 == 0:
            return -1
        if o1 != o2 and o3 != o4:
            return 1
    d = min(min(_point_segment(ax, ay, cx, cy, dx, dy), _point_segment(bx, by, cx, cy, dx, dy)),
            min(_point_segment(cx, cy, ax, ay, bx, by), _point_segment(dx, dy, ax, ay, bx, by)))
    if d <= sure_in:
        return 1
    return 0 if d > sure_out else -1


def _contains(pref, x, y, first_band, y0, inv_h, band_start, band_segments, seg):  # pragma: no cover (compiled)
    """shapely.contains_xy(footprint[pref], x, y) where it is sure: 1 in the interior, 0 not (outside
    or on the boundary), -1 open (left to shapely): :func:`_contains_point` of each point."""
    out = np.empty(x.shape[0], np.int8)
    for i in range(x.shape[0]):
        out[i] = _contains_point(pref[i], x[i], y[i], first_band, y0, inv_h, band_start, band_segments, seg)
    return out


def _contains_point(f, px, py, first_band, y0, inv_h, band_start, band_segments, seg):  # pragma: no cover (compiled)
    """:func:`_contains` of the point (px, py) and footprint ``f``: GEOS's ray crossing count
    (RayCrossingCounter) over every ring of the footprint, with the orientation of each crossing
    taken only where its sign is certain (_orientation). Only the segments of the point's band
    (boundaries.ray_bands) are read: the others cannot be crossed by the point's ray, nor hold it."""
    if math.isnan(px) or math.isnan(py):
        return 0
    bands = first_band[f + 1] - first_band[f]
    b = min(max(np.floor((py - y0[f]) * inv_h[f]), 0.0), bands - 1.0)
    j = first_band[f] + int(b)
    crossings = 0
    for k in range(band_start[j], band_start[j + 1]):
        s = band_segments[k]
        x1, y1, x2, y2 = seg[s, 0], seg[s, 1], seg[s, 2], seg[s, 3]
        if x1 < px and x2 < px:
            continue
        if px == x2 and py == y2:
            return 0  # on a vertex: the boundary
        if y1 == py and y2 == py:
            if min(x1, x2) <= px <= max(x1, x2):
                return 0  # on a horizontal segment: the boundary
            continue
        if (y1 > py and y2 <= py) or (y2 > py and y1 <= py):
            o = _orientation(x1, y1, x2, y2, px, py)
            if o == 0:
                return -1  # on the segment, or too close to tell
            if y2 < y1:
                o = -o
            if o > 0:
                crossings += 1
    return crossings & 1


def _clear_of_boundary(f, px, py, clearance_m, first_band, y0, inv_h, band_start, band_segments,
                       seg):  # pragma: no cover (compiled)
    """Whether every segment of footprint ``f``'s boundary lies farther than ``clearance_m`` from
    (px, py) (GEOS's point-to-segment distance, with a margin of 1 um for its rounding). A segment
    that near has a y within ``clearance_m`` of py, so it is listed in a band from band(py -
    clearance_m) to band(py + clearance_m) (boundaries.ray_bands): only those are read."""
    if math.isnan(px) or math.isnan(py):
        return False
    bands = first_band[f + 1] - first_band[f]
    b0 = int(min(max(np.floor((py - clearance_m - y0[f]) * inv_h[f]), 0.0), bands - 1.0))
    b1 = int(min(max(np.floor((py + clearance_m - y0[f]) * inv_h[f]), 0.0), bands - 1.0))
    limit = clearance_m + 1e-6
    for j in range(first_band[f] + b0, first_band[f] + b1 + 1):
        for k in range(band_start[j], band_start[j + 1]):
            s = band_segments[k]
            x1, y1, x2, y2 = seg[s, 0], seg[s, 1], seg[s, 2], seg[s, 3]
            if min(x1, x2) - px > limit or px - max(x1, x2) > limit or min(y1, y2) - py > limit \
                    or py - max(y1, y2) > limit:
                continue
            if _point_segment(px, py, x1, y1, x2, y2) <= limit:
                return False
    return True


def _box_spans(x, y, rows, prefs, box, margin):  # pragma: no cover (compiled)
    """Per pair (``rows[i]``, ``prefs[i]``): the first and the last sample of the row (x, y: (n, m))
    strictly within ``margin`` of the footprint's box (``box[f]``: min x, min y, max x, max y), -1
    if none (NaN samples never are): crossings._windows' comparisons, in one pass."""
    k0 = np.full(rows.shape[0], -1, np.int64)
    k1 = np.full(rows.shape[0], -1, np.int64)
    for i in range(rows.shape[0]):
        r, f = rows[i], prefs[i]
        x0, y0 = box[f, 0] - margin, box[f, 1] - margin
        x1, y1 = box[f, 2] + margin, box[f, 3] + margin
        for j in range(x.shape[1]):
            px, py = x[r, j], y[r, j]
            if px > x0 and px < x1 and py > y0 and py < y1:
                if k0[i] < 0:
                    k0[i] = j
                k1[i] = j
    return k0, k1
