"""The numpy twin of ``kernels._chords_within``: which chords (segments of the plane of geo.to_xy)
are surely within a distance of a footprint, surely not, or left open, for the engine's numpy
route (no numba, or a job too small to load it), where shapely's prepared ``dwithin`` took ~4 us a
chord and was the largest single cost of an ensemble's blocks.

The answer is the kernel's, chord for chord: the same tests on the same boundary segments
(:func:`.boundaries.pieces`) with the same floating-point operations, as array passes over the
(chord, boundary segment) pairs that the kernel's piece boxes leave. A first pass over boxes of
_GROUP pieces drops most of a footprint at once; a group box holds its pieces' boxes, so it is
never nearer a chord than they are, and it drops only pieces the kernel would skip too.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .boundaries import pieces
from .kernels import _MARGIN_M, _ORIENT_REL

#: Pieces (of boundaries.PIECE segments) per group box, within a footprint.
_GROUP = 16


@cache
def _groups() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first group of each footprint (48,), first piece of each group (+ the end), group boxes)."""
    first_piece, box, _, _ = pieces()
    counts = np.diff(first_piece)
    per = (counts + _GROUP - 1) // _GROUP
    first_group = np.concatenate([[0], np.cumsum(per)]).astype(np.int64)
    start = np.repeat(first_piece[:-1], per) + _GROUP * _steps(per)
    start = start.astype(np.int64)
    boxes = np.column_stack([np.minimum.reduceat(box[:, 0], start), np.minimum.reduceat(box[:, 1], start),
                             np.maximum.reduceat(box[:, 2], start), np.maximum.reduceat(box[:, 3], start)])
    return first_group, np.append(start, len(box)), boxes


def _steps(counts: np.ndarray) -> np.ndarray:
    """0, 1, .., counts[i] - 1 for every i, end to end."""
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def _expand(owner: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, item) for every item of every range lo..hi - 1 of the owners."""
    counts = hi - lo
    return np.repeat(owner, counts), np.repeat(lo, counts) + _steps(counts)


def _near_boxes(box: np.ndarray, minx, maxx, miny, maxy, sure_out: float) -> np.ndarray:
    """The kernel's piece test, kept where it does not skip: the box within sure_out of the chord's."""
    dx = np.maximum(np.maximum(box[:, 0] - maxx, minx - box[:, 2]), 0.0)
    dy = np.maximum(np.maximum(box[:, 1] - maxy, miny - box[:, 3]), 0.0)
    return ~(dx * dx + dy * dy > sure_out * sure_out)


def chords_within(pref, ax, ay, bx, by, limit_m: float, lower_a, upper_a) -> np.ndarray:
    """``kernels._chords_within`` for 1-D arrays of chords (footprint ``pref``, a-b) and the grid's
    bounds at their starts: int8, 1 within ``limit_m`` of the footprint, 0 not, -1 open."""
    pref = np.asarray(pref, np.int64)
    first_piece, piece_box, piece_segments, seg = pieces()
    first_group, group_start, group_box = _groups()
    sure_in, sure_out = limit_m - _MARGIN_M, limit_m + _MARGIN_M
    minx, maxx = np.minimum(ax, bx), np.maximum(ax, bx)
    miny, maxy = np.minimum(ay, by), np.maximum(ay, by)
    go = np.flatnonzero(~(np.isnan(ax) | np.isnan(ay) | np.isnan(bx) | np.isnan(by)))
    # (chord, group) -> (chord, piece) -> (chord, segment), keeping what is within sure_out.
    c, g = _expand(go, first_group[pref[go]], first_group[pref[go] + 1])
    keep = _near_boxes(group_box[g], minx[c], maxx[c], miny[c], maxy[c], sure_out)
    c, p = _expand(c[keep], group_start[g[keep]], group_start[g[keep] + 1])
    keep = _near_boxes(piece_box[p], minx[c], maxx[c], miny[c], maxy[c], sure_out)
    c, s = _expand(c[keep], piece_segments[p[keep]], piece_segments[p[keep] + 1])
    r = _segments_within(ax[c], ay[c], bx[c], by[c], seg[s, 0], seg[s, 1], seg[s, 2], seg[s, 3], sure_in, sure_out)
    within = np.zeros(len(pref), bool)
    within[c[r == 1]] = True
    unsure = np.ones(len(pref), bool)  # NaN chords are open
    unsure[go] = False
    unsure[c[r == -1]] = True
    # No boundary segment within the limit: the chord is wholly inside or outside (the bounds tell).
    rest = np.where(np.asarray(upper_a) < 0.0, 1, np.where(np.asarray(lower_a) > 0.0, 0, -1))
    return np.where(within, 1, np.where(unsure, -1, rest)).astype(np.int8)


def _orientation(px, py, qx, qy, rx, ry) -> np.ndarray:
    """kernels._orientation: 1 left, -1 right, 0 where rounding could change the sign."""
    left = (qx - px) * (ry - py)
    right = (qy - py) * (rx - px)
    det = left - right
    sign = np.where(det > 0.0, 1, -1)
    return np.where(np.abs(det) <= _ORIENT_REL * (np.abs(left) + np.abs(right)), 0, sign)


def _point_segment(px, py, ax, ay, bx, by) -> np.ndarray:
    """kernels._point_segment (GEOS's Distance::pointToSegment)."""
    to_a = np.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
    to_b = np.sqrt((px - bx) * (px - bx) + (py - by) * (py - by))
    len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
    with np.errstate(invalid="ignore", divide="ignore"):  # (a point c-d: its distance is to_a)
        r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
        across = np.abs(((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2) * np.sqrt(len2)
    return np.where(((ax == bx) & (ay == by)) | (r <= 0.0), to_a, np.where(r >= 1.0, to_b, across))


def _segments_within(ax, ay, bx, by, cx, cy, dx, dy, sure_in: float, sure_out: float) -> np.ndarray:
    """kernels._segment_within per pair: 1 if a-b and c-d cross or come within sure_in, 0 if they
    are farther apart than sure_out, -1 if rounding could decide it either way."""
    meet = ((np.maximum(ax, bx) >= np.minimum(cx, dx)) & (np.maximum(cx, dx) >= np.minimum(ax, bx))
            & (np.maximum(ay, by) >= np.minimum(cy, dy)) & (np.maximum(cy, dy) >= np.minimum(ay, by)))
    m = np.flatnonzero(meet)
    o1 = _orientation(ax[m], ay[m], bx[m], by[m], cx[m], cy[m])
    o2 = _orientation(ax[m], ay[m], bx[m], by[m], dx[m], dy[m])
    o3 = _orientation(cx[m], cy[m], dx[m], dy[m], ax[m], ay[m])
    o4 = _orientation(cx[m], cy[m], dx[m], dy[m], bx[m], by[m])
    decided = np.zeros(len(ax), np.int8)  # 0: by the distance below
    zero = (o1 == 0) | (o2 == 0) | (o3 == 0) | (o4 == 0)
    decided[m[zero]] = -1
    decided[m[~zero & (o1 != o2) & (o3 != o4)]] = 1
    d = np.minimum(np.minimum(_point_segment(ax, ay, cx, cy, dx, dy), _point_segment(bx, by, cx, cy, dx, dy)),
                   np.minimum(_point_segment(cx, cy, ax, ay, bx, by), _point_segment(dx, dy, ax, ay, bx, by)))
    by_distance = np.where(d <= sure_in, 1, np.where(d > sure_out, 0, -1))
    return np.where(decided != 0, decided, by_distance).astype(np.int8)
