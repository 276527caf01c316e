"""Compiled kernels (numba) of the alert engine, for the large arrays of a batch.

Each kernel computes what a numpy function of the engine computes, with the same formula in
the same order, in one pass over the points instead of a dozen array passes and their
temporaries. The engine calls a kernel only for calls on at least
``geometry.COMPILED_FROM_POINTS`` points (a batch's chunks; never a single ``run``, whose
start-up must not pay for importing numba, nor even this module),
and only where numba is installed; otherwise its numpy twin. tests/test_kernels.py runs both
on the same inputs. Compiled code is cached beside the module (``cache=True``).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

@cache
def compiled():
    """The compiled kernels (a namespace with ``near_mask``, ``grid_bounds`` and ``boundary_distance``),
    or None without numba."""
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(cache=True, nogil=True)
    def near_mask(lon, lat, lat0, lon0, radius_m, x0, y0, cell_m, raster):  # pragma: no cover (compiled)
        """geometry.maybe_near's answer for 2-D C-contiguous lon, lat (degrees): _approx_xy then
        the raster look-up, point by point."""
        out = np.zeros(lat.shape, np.bool_)
        ny, nx = raster.shape
        sin0, cos0 = math.sin(lat0), math.cos(lat0)
        to_rad = math.pi / 180.0
        inv_cell = 1.0 / cell_m
        for i in range(lat.shape[0]):
            for j in range(lat.shape[1]):
                la, lo = lat[i, j], lon[i, j]
                if math.isnan(la) or math.isnan(lo):
                    continue
                p = la * to_rad
                dl = lo * to_rad - lon0
                sin_p, cos_p, cos_dl = math.sin(p), math.cos(p), math.cos(dl)
                cos_c = sin0 * sin_p + cos0 * cos_p * cos_dl
                c = math.acos(min(max(cos_c, -1.0), 1.0))
                k = c / math.sin(c) if c > 1e-9 else 1.0
                ax = radius_m * k * cos_p * math.sin(dl)
                ay = radius_m * k * (cos0 * sin_p - sin0 * cos_p * cos_dl)
                fx, fy = (ax - x0) * inv_cell, (ay - y0) * inv_cell
                if fx >= 0.0 and fx < nx and fy >= 0.0 and fy < ny:
                    out[i, j] = raster[int(fy), int(fx)]
        return out

    class Kernels:
        pass

    Kernels.near_mask = staticmethod(near_mask)
    Kernels.grid_bounds = staticmethod(numba.njit(cache=True, nogil=True)(_grid_bounds))
    Kernels.boundary_distance = staticmethod(numba.njit(cache=True, nogil=True)(_boundary_distance))
    return Kernels


def _grid_bounds(pref, x, y, x0, y0, cell_m, nx, ny, reach_m, slack_m, unit_m, start, present, sd,
                 pref_bounds):  # pragma: no cover (compiled)
    """geo.distance_grid.bounds for 1-D pref, x, y (the cell index's route): (lower, upper), m."""
    size = x.shape[0]
    lower = np.empty(size)
    upper = np.empty(size)
    far_m = reach_m - slack_m
    for i in range(size):
        px, py = x[i], y[i]
        if math.isnan(px) or math.isnan(py):
            lower[i] = upper[i] = np.inf
            continue
        f = pref[i]
        fx = np.floor((px - x0) / cell_m)
        fy = np.floor((py - y0) / cell_m)
        found = False
        at = 0
        if fx >= 0 and fx < nx and fy >= 0 and fy < ny:
            c = int(fx) * ny + int(fy)
            mine = present[c]
            bit = np.uint64(1) << np.uint64(f)
            if mine & bit:
                found = True
                v = mine & (bit - np.uint64(1))  # its rank among the cell's footprints: a popcount
                v = v - ((v >> np.uint64(1)) & np.uint64(0x5555555555555555))
                v = (v & np.uint64(0x3333333333333333)) + ((v >> np.uint64(2)) & np.uint64(0x3333333333333333))
                v = (v + (v >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
                at = start[c] + np.int64((v * np.uint64(0x0101010101010101)) >> np.uint64(56))
        if found:
            d = sd[at] * unit_m
            lower[i], upper[i] = d - slack_m, d + slack_m
        else:
            dx = max(max(pref_bounds[f, 0] - px, px - pref_bounds[f, 2]), 0.0)
            dy = max(max(pref_bounds[f, 1] - py, py - pref_bounds[f, 3]), 0.0)
            lower[i] = max(far_m, math.hypot(dx, dy) * (1.0 - 1e-12) - 1e-6)
            upper[i] = np.inf
    return lower, upper



def _boundary_distance(pref, x, y, first_piece, piece_box, piece_segments, seg):  # pragma: no cover (compiled)
    """Distance (m) from each point (x, y) to the boundary of footprint ``pref``: the minimum of GEOS's
    Distance::pointToSegment over its segments (``seg`` rows ax, ay, bx, by), which is what
    shapely.distance gives. The segments come in pieces (``first_piece[f]``..``first_piece[f + 1]``,
    segments ``piece_segments[k]``..``piece_segments[k + 1]``, boxes ``piece_box[k]``); a piece whose box
    is farther than the nearest piece's first vertex is skipped (with a relative margin of 1e-9 for
    rounding). NaN points: NaN."""
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
        reach2 = reach2 * (1.0 + 1e-9) + 1e-9
        best = np.inf
        for k in range(first_piece[f], first_piece[f + 1]):
            dx = max(max(piece_box[k, 0] - px, px - piece_box[k, 2]), 0.0)
            dy = max(max(piece_box[k, 1] - py, py - piece_box[k, 3]), 0.0)
            if dx * dx + dy * dy > reach2:
                continue
            for s in range(piece_segments[k], piece_segments[k + 1]):
                ax, ay, bx, by = seg[s, 0], seg[s, 1], seg[s, 2], seg[s, 3]
                if ax == bx and ay == by:
                    d = math.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
                else:
                    len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
                    r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
                    if r <= 0.0:
                        d = math.sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay))
                    elif r >= 1.0:
                        d = math.sqrt((px - bx) * (px - bx) + (py - by) * (py - by))
                    else:
                        d = abs(((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2) * math.sqrt(len2)
                if d < best:
                    best = d
        out[i] = best
    return out
