"""Compiled (numba) route of the engine's coarse samples: solve only the samples that may matter.

The engine needs, of every coarse sample, whether it may be within reach of a footprint
(prefilter.maybe_near), and the position of those from one before the first such sample to one
after the last. Most samples of a track are hundreds of km from Japan; a first look settles most
of those without solving Kepler's equation (or, in the boost phase, a WGS84 geodesic):

* a boost-phase sample is placed on a great circle of the mean sphere
  (Trajectories.boost_ground_sphere), no farther from the sample than BOOST_SPHERE_OFF of its
  downrange (rows whose boost goes so far downrange that this could exceed LOOK_SLACK_M are
  solved);
* a free-flight sample between two solved ones LOOK_EVERY samples apart (and each row's first and
  last free-flight sample, which are solved) is placed by interpolating their latitudes and
  longitudes in time: within 3 km of the sample (tests/test_kernels.py measures it) where both
  lie within LOOK_LAT_DEG of the equator (elsewhere the sample is solved).

Where the prefilter puts the placed point beyond its reach and LOOK_SLACK_M more, the sample is
beyond reach; the others, and the neighbours of each, are solved, with the same code as
``positions_at`` (so the same bits), and looked up with the prefilter's own route.
:func:`first_look` gives what the engine's numpy route (every sample solved) gives at the samples
it solved: the positions and maybe_near's answers; the engine solves any other sample it keeps.
Only the engine imports this module, for batches of ``engine.LOOK_COMPILED_FROM`` trajectories or more
where numba is installed.
"""

from __future__ import annotations

import math

import numpy as np

from .. import compiling
from ..physics.compiled import _geodetic_point, _kepler_point, _starter
from ..physics.geodesy import DEG as _DEG
from .prefilter import _near_point, maybe_near, table_arguments

#: How far (m) a first look may place a sample from where it is (see the module's docstring).
LOOK_SLACK_M = 20_000.0
#: Free-flight samples are solved this many apart (and at the ends), and looked at between.
LOOK_EVERY = 4
#: Interpolated looks are used between solved samples within this latitude (degrees) of the equator.
LOOK_LAT_DEG = 60.0


@compiling.kernels
def compiled(numba):
    """The kernel ``look_rows`` or None without numba (or with the kernels switched off)."""
    from ..physics import compiled as track_kernel
    from . import prefilter

    if track_kernel.compiled() is None or prefilter._kernels() is None:  # (they jit the helpers called here)
        return None
    global _starter, _kepler_point, _geodetic_point, _near_point, _near, _solve_point, _solve_points
    _starter, _kepler_point = track_kernel._starter, track_kernel._kepler_point
    _geodetic_point = track_kernel._geodetic_point
    _near_point = prefilter._near_point
    jit = numba.njit(cache=True, nogil=True, inline="always")
    _near, _solve_point, _solve_points = jit(_near), jit(_solve_point), jit(_solve_points)
    return numba.njit(cache=True, nogil=True)(_look_rows)


def first_look(trajs, t: np.ndarray, reach_m: float):
    """For the coarse sample times ``t`` (n, m; NaN-padded) of ``trajs``: (lat, lon, near, solved),
    (n, m) arrays: the samples solved (lat, lon: positions_at's, NaN elsewhere), and maybe_near's
    answer with ``reach_m`` (False where not solved: those are surely beyond it). None where the
    kernel is not available."""
    kernel = compiled()
    if kernel is None:
        return None
    n, m = t.shape
    lat, lon = np.full((n, m), np.nan), np.full((n, m), np.nan)
    near, solved = np.zeros((n, m), bool), np.zeros((n, m), bool)
    tb = trajs.burnout_time_s
    with np.errstate(invalid="ignore"):
        r, c = np.nonzero((t >= 0) & (t < tb[:, None]))  # positions_at's boost phase
    if len(r):
        blat, blon, off_m = trajs.boost_ground_sphere(r, t[r, c])
        look = (off_m > LOOK_SLACK_M) | maybe_near(blon, blat, reach_m + LOOK_SLACK_M)
        look[1:] |= look[:-1] & (r[1:] == r[:-1])  # and the next sample of the row (the first free one
        look[:-1] |= look[1:] & (r[1:] == r[:-1])  # is solved anyway), and the one before
        k = np.nonzero(look)[0]
        at = (r[k], c[k])
        lat[at], lon[at], _ = trajs._boost_track(r[k], t[at])
        near[at], solved[at] = maybe_near(lon[at], lat[at], reach_m), True
    ell = trajs._ellipses
    kernel(ell.n, ell.e, ell.tau, ell.a, np.ascontiguousarray(ell.p_hat), np.ascontiguousarray(ell.q_hat),
           np.asarray(trajs._lon_sign, dtype=float), np.asarray(trajs._lon_start_rad, dtype=float),
           np.ascontiguousarray(t, dtype=float), np.asarray(tb, dtype=float), float(_DEG),
           table_arguments(reach_m), table_arguments(reach_m + LOOK_SLACK_M), LOOK_EVERY, LOOK_LAT_DEG,
           lat, lon, near, solved)
    return lat, lon, near, solved


def _look_rows(mean_motion, ecc, tau, semi_major, p_hat, q_hat, sign, start, t, burnout, to_deg, reach, look, every,
               look_lat, lat, lon, near, solved):  # pragma: no cover (compiled)
    """first_look's free flight, row by row: solve the anchors (every ``every``-th sample and the
    row's first and last free-flight ones), place the samples between them, solve those the
    prefilter's table ``look`` may put near and their neighbours, and the neighbours of anchors
    near; ``near`` from the table ``reach`` at every sample solved. Fills lat, lon, near, solved in
    place. (The points to solve are gathered first, then solved in a loop of their own: the
    processor overlaps consecutive points' arithmetic there, which branches between them prevent.)"""
    n_rows, n_cols = t.shape
    todo = np.empty(n_cols, np.int64)
    for i in range(n_rows):
        e, a = ecc[i], semi_major[i]
        k, alpha, c78 = _starter(e)
        orbit = (mean_motion[i], e, k, alpha, c78, tau[i], a, a * math.sqrt(1.0 - e * e),
                 p_hat[i, 0], p_hat[i, 1], p_hat[i, 2], q_hat[i, 0], q_hat[i, 1], q_hat[i, 2], sign[i], start[i])
        count = 0
        while count < n_cols and not math.isnan(t[i, count]):
            count += 1
        f0 = 0
        while f0 < count and not t[i, f0] >= burnout[i]:
            f0 += 1
        if f0 == count:
            continue
        # The anchors.
        m = 0
        c = f0
        while c < count:
            todo[m] = c
            m += 1
            c = count - 1 if c < count - 1 and (c // every + 1) * every >= count else (c // every + 1) * every
        _solve_points(orbit, t, i, todo, m, to_deg, reach, lat, lon, near, solved)
        # The samples between them that may be near, and the neighbours of those and of anchors near.
        n_anchor = m
        m = 0
        for g in range(n_anchor - 1):
            p, q = todo[g], todo[g + 1]
            ok = abs(lat[i, p]) < look_lat and abs(lat[i, q]) < look_lat
            for c in range(p + 1, q):
                u = (t[i, c] - t[i, p]) / (t[i, q] - t[i, p])
                if (not ok or (near[i, p] and c == p + 1) or (near[i, q] and c == q - 1)
                        or _near(lat[i, p] + u * (lat[i, q] - lat[i, p]), lon[i, p] + u * (lon[i, q] - lon[i, p]),
                                 look)):
                    for d in range(max(c - 1, p + 1), min(c + 2, q)):
                        if not solved[i, d]:
                            solved[i, d] = True  # (marked; solved below)
                            todo[n_anchor + m] = d
                            m += 1
        for j in range(m):
            solved[i, todo[n_anchor + j]] = False
        _solve_points(orbit, t, i, todo[n_anchor:], m, to_deg, reach, lat, lon, near, solved)


def _solve_points(orbit, t, i, cols, m, to_deg, reach, lat, lon, near, solved):  # pragma: no cover (compiled)
    """Solve free-flight samples (i, cols[:m])."""
    for j in range(m):
        _solve_point(orbit, t, i, cols[j], to_deg, reach, lat, lon, near, solved)


def _solve_point(orbit, t, i, c, to_deg, reach, lat, lon, near, solved):  # pragma: no cover (compiled)
    """Solve free-flight sample (i, c) unless it is solved: its position, and maybe_near's answer."""
    if solved[i, c]:
        return
    n, e, k, alpha, c78, tau, a, b, p0, p1, p2, q0, q1, q2, sign, start = orbit
    E, cos_e, sin_e = _kepler_point(n, e, k, alpha, c78, tau, t[i, c])
    la, lo, _ = _geodetic_point(E, cos_e, sin_e, a, b, e, p0, p1, p2, q0, q1, q2, sign, start, t[i, c], to_deg)
    lat[i, c], lon[i, c] = la, lo
    near[i, c] = _near(la, lo, reach)
    solved[i, c] = True


def _near(la, lo, table_args):  # pragma: no cover (compiled)
    """prefilter._near_point of (la, lo) with the arguments of prefilter.table_arguments."""
    table, lon_min, lat_min, per_deg, sin0, cos0, lon0, radius_m, x0, y0, inv_cell, raster = table_args
    return _near_point(la, lo, table, lon_min, lat_min, per_deg, sin0, cos0, lon0, radius_m, x0, y0, inv_cell, raster)
