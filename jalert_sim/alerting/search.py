"""Compiled (numba) twin of ``crossings._search``: the first (last) inside 1 s sample of every
window, all rounds of the search in one call instead of a dozen numpy stages per round.

The kernel walks the samples ``_search`` walks, in the same order, and a window stops at its
first inside sample, not at the end of that sample's chord. It solves only the samples it cannot
settle from the chord (:func:`_search_rounds`): in each round, the first such sample of every
window still searching, as one array of times padded as ``Trajectories.positions_at`` pads it.
Kepler's equation is solved on that array with ``physics.compiled``'s code, point by point as
numpy solves it, so the positions have numpy's bits. Boost-phase samples (the windows of tracks that pass near a
footprint while still climbing) are computed beforehand with the numpy route's own function
(each point on its own). The projection table, the distance grid's bounds and the ray-crossing
test are the compiled twins' code: the same bits and answers. Where the numpy route would do
something else (a point outside the projection table, an inside test the kernel cannot settle
and leaves to shapely) the kernel gives up and the caller runs the numpy search.
:func:`refine` does the same for ``crossings._refine``'s bisections (all BISECTIONS rounds in one
call). Only ``crossings`` imports this module, for calls of at least
``crossings.SEARCH_COMPILED_FROM`` chords (``REFINE_COMPILED_FROM`` boundaries) where numba is
installed.
"""

from __future__ import annotations

import math

import numpy as np

from .. import compiling

from ..geo import distance_grid as _distance_grid
from ..geo import projection as _projection
from ..geo.compiled import _interpolate
from ..physics.compiled import _anomalies, _positions
from ..physics.geodesy import DEG as _DEG
from .boundaries import ray_bands
from .kernels import _bounds_at, _clear_of_boundary, _contains, _contains_point, _grid_bounds
from .model import BISECTIONS, FINE_STEP_S


@compiling.kernels
def compiled(numba):
    """The kernels (a namespace with ``search`` and ``refine``), or None without numba (or with the
    kernels switched off: :mod:`jalert_sim.compiling`)."""
    from ..physics import compiled as track_kernel
    from . import kernels

    # (Each rebinds the helpers its functions call, _contains's and _anomalies', to their jitted versions.)
    if kernels.compiled() is None or track_kernel.compiled() is None:
        return None
    global _anomalies, _positions, _interpolate, _bounds_at, _grid_bounds, _contains, _track, _inside, _skip_settled
    global _contains_point, _clear_of_boundary
    jit = numba.njit(cache=True, nogil=True)
    _bounds_at = kernels._bounds_at  # (compiled by kernels.compiled, as the two below)
    _contains_point, _clear_of_boundary = kernels._contains_point, kernels._clear_of_boundary
    _anomalies, _positions, _interpolate = jit(_anomalies), jit(_positions), jit(_interpolate)
    _grid_bounds, _contains = jit(_grid_bounds), jit(_contains)
    _track, _inside, _skip_settled = jit(_track), jit(_inside), jit(_skip_settled)

    class Kernels:
        pass

    Kernels.search = staticmethod(jit(_search_rounds))
    Kernels.refine = staticmethod(jit(_refine_rounds))
    return Kernels


def _shared(trajs):
    """The kernels' arguments for the rows of ``trajs``: (orbits, projection table, distance grid,
    the boundaries' ray bands), as tuples."""
    ell = trajs._ellipses
    orbit = (ell.n, ell.e, ell.tau, ell.a, np.ascontiguousarray(ell.p_hat), np.ascontiguousarray(ell.q_hat),
             np.asarray(trajs._lon_sign, dtype=float), np.asarray(trajs._lon_start_rad, dtype=float))
    box = _projection.TABLE_BOX_DEG
    proj = (float(box[0]), float(box[1]), float(box[2]), float(box[3]), float(_projection.TABLE_STEP_DEG),
            float(_projection._COLS), float(_projection._ROWS), _projection._patches_by_cell())
    g = _distance_grid.grid()
    start, present = _distance_grid._cell_index()
    grid = (g.x0_m, g.y0_m, g.cell_m, g.nx, g.ny, g.reach_m, g.slack_m, g.unit_m, start, present, g.sd, g.pref_bounds)
    return orbit, proj, grid, ray_bands()


def search(trajs, win, chords, order: int, slack_m: float):
    """``crossings._search(trajs, win, chords, order)`` by the kernel: (found, at), or None where the
    kernel gives up (or numba is missing). ``slack_m``: how far a free-flight fine sample may lie
    from the point of its chord at its time (crossings._CHORD_SLACK_M)."""
    kernels = compiled()
    if kernels is None:
        return None
    sub = trajs.select(win.row)
    boost_start, boost = _boost_samples(sub, win)
    code, found, at = kernels.search(
        *_shared(sub), float(_DEG), np.asarray(sub.burnout_time_s, dtype=float), np.asarray(win.t0_s, dtype=float),
        np.asarray(win.flight_s, dtype=float), np.asarray(win.pref, np.int64), boost_start, boost,
        np.asarray(chords.window, np.int64), np.asarray(chords.f_lo, np.int64), np.asarray(chords.f_hi, np.int64),
        np.column_stack([chords.ta_s, chords.tb_s]),
        np.column_stack([chords.ax_m, chords.ay_m, chords.bx_m, chords.by_m]), float(slack_m), int(order))
    return (found, at) if code == 0 else None


#: A point of the track between a bisection's bracket ends (at most 1 s apart) lies within 0.5 m of
#: the point of the chord between them at its time (measured on 12,000 brackets of benchmark rows,
#: at nine fractions; tests/test_kernels.py measures it again): the refine kernel's slack for that.
REFINE_SLACK_M = 10.0


def refine(bis, prefs, t_out, t_in):
    """``crossings._refine(bis, prefs, t_out, t_in)`` by the kernel, or None where it gives up."""
    kernels = compiled()
    tb, flight = np.asarray(bis.burnout_time_s, dtype=float), np.asarray(bis.flight_time_s, dtype=float)
    # Midpoints stay within their brackets: numpy's route is the free-flight one throughout, or not.
    if kernels is None or not np.all((np.minimum(t_out, t_in) >= tb) & (np.maximum(t_out, t_in) <= flight)):
        return None
    code, out = kernels.refine(*_shared(bis), float(_DEG), tb, flight, np.asarray(prefs, np.int64),
                               np.array(t_out, dtype=float), np.array(t_in, dtype=float), BISECTIONS, REFINE_SLACK_M)
    return out if code == 0 else None


def _boost_samples(sub, win):
    """The window's fine samples before burnout (lat, lon, alt per row), as positions_at computes
    them (point by point), and where each window's run of them starts: (start (windows + 1,), rows)."""
    tb = np.asarray(sub.burnout_time_s, dtype=float)
    n_max = np.where(win.t0_s < tb, np.ceil((tb - win.t0_s) / FINE_STEP_S) + 1.0, 0.0).astype(np.int64)
    n_max = np.minimum(n_max, win.width)
    start = np.zeros(len(tb) + 1, np.int64)
    if n_max.sum() == 0:
        return start, np.zeros((0, 3))
    q = np.repeat(np.arange(len(tb)), n_max)
    f = np.arange(n_max.sum()) - np.repeat(np.cumsum(n_max) - n_max, n_max)
    t = win.fine_time(q, f)
    keep = (t >= 0) & (t < tb[q])  # positions_at's boost phase (a prefix of each window's samples)
    q, t = q[keep], t[keep]
    start[1:] = np.cumsum(np.bincount(q, minlength=len(tb)))
    lat, lon, alt = sub._boost_track(q, t)
    return start, np.ascontiguousarray(np.column_stack([lat, lon, alt]), dtype=float)


# --------------------------------------------------------------------------- compiled


def _track(orbit, sel, t, free, to_deg):  # pragma: no cover (compiled)
    """Trajectories.positions_at of rows ``sel`` at times t (k, m), free-flight points ``free`` (the
    others NaN): Kepler's equation point by point, as numpy solves it."""
    mean_motion, ecc, tau, semi_major, p_hat, q_hat, sign, start = orbit
    solved = _anomalies(mean_motion[sel], ecc[sel], tau[sel], t, free)
    return _positions(solved[0], solved[1], solved[2], ecc[sel], semi_major[sel], p_hat[sel], q_hat[sel], sign[sel],
                      start[sel], t, free, to_deg)


def _inside(lat, lon, test, row_pref, proj, grid, bands):  # pragma: no cover (compiled)
    """geometry.inside(pref, *project(lat, lon)) at the points ``test`` of (k, m) arrays, each row's
    footprint ``row_pref``: (code, inside (k * m,) flat). Code 2: a point outside the projection
    table (PROJ's), 3: an answer left to shapely; 0: done."""
    lon_min, lat_min, lon_max, lat_max, step, cols, rows, patches = proj
    x0, y0, cell_m, nx, ny, reach_m, slack_m, unit_m, cell_start, present, sd, pref_bounds = grid
    first_band, band_y0, inv_h, band_start, band_segments, seg = bands
    width = lat.shape[1]
    is_in = np.zeros(lat.size, np.bool_)
    pts = np.nonzero(test.ravel())[0]
    plat, plon = lat.ravel()[pts], lon.ravel()[pts]
    for i in range(pts.shape[0]):
        if not (plon[i] >= lon_min and plon[i] <= lon_max and plat[i] >= lat_min and plat[i] <= lat_max):
            return 2, is_in
    px, py = _interpolate(plon, plat, lon_min, lat_min, step, cols, rows, patches)
    ppref = np.empty(pts.shape[0], np.int64)
    for i in range(pts.shape[0]):
        ppref[i] = row_pref[pts[i] // width]
    lower, upper = _grid_bounds(ppref, px, py, x0, y0, cell_m, nx, ny, reach_m, slack_m, unit_m, cell_start,
                                present, sd, pref_bounds)
    open_ = np.nonzero((lower <= 0.0) & ~(upper < 0.0))[0]
    answer = _contains(ppref[open_], px[open_], py[open_], first_band, band_y0, inv_h, band_start, band_segments, seg)
    for i in range(open_.shape[0]):
        if answer[i] < 0:
            return 3, is_in
    for i in range(pts.shape[0]):
        is_in[pts[i]] = upper[i] < 0.0
    for i in range(open_.shape[0]):
        is_in[pts[open_[i]]] = answer[i] == 1
    return 0, is_in


def _search_rounds(orbit, proj, grid, bands, to_deg, burnout, t0, flight, pref, boost_start, boost, chord_window,
                   f_lo, f_hi, chord_t, chord_xy, slack_m, order):  # pragma: no cover (compiled)
    """crossings._search: (code, found f per window or -1, (lat, lon, alt) there); code as
    :func:`_inside`'s (0: done). The samples are walked in the search's order, so the first (last)
    inside one is numpy's, and each point's position has the same bits whatever else a call solves.

    Most samples are settled without solving for them: in free flight a fine sample lies within
    ``slack_m`` of the point that divides its chord (two coarse samples, already projected) in the
    ratio of its time (crossings._CHORD_SLACK_M), so where the distance grid puts that point more
    than ``slack_m`` outside the footprint, the sample is outside. Each round walks every window
    still searching past such samples, to the first it cannot settle so, and solves those (one a
    window) together. A boost-phase sample, or one on a chord that starts before burnout, is
    always solved (its position taken from the boost samples, as before)."""
    n_win = t0.shape[0]
    found = np.full(n_win, -1, np.int64)
    at = np.full((n_win, 3), np.nan)
    # Each window's candidate chords are a run of the (window, time)-sorted chords; walk it in order.
    nxt = np.full(n_win, -1, np.int64)
    end = np.full(n_win, -1, np.int64)
    for c in range(chord_window.shape[0]):
        w = chord_window[c]
        if nxt[w] < 0 or order == -1:
            nxt[w] = c
        if end[w] < 0 or order == 1:
            end[w] = c
    done = np.zeros(n_win, np.int64)  # samples of the current chord already searched
    while True:
        active = np.nonzero(nxt >= 0)[0]
        k = active.shape[0]
        if k == 0:
            return 0, found, at
        # Walk each window past the samples surely outside, to the next one to solve (if any).
        solve = np.zeros(k, np.bool_)
        for q in range(k):
            solve[q] = _skip_settled(active[q], nxt, end, done, f_lo, f_hi, chord_t, chord_xy, t0[active[q]],
                                     flight[active[q]], burnout[active[q]], pref[active[q]], grid, slack_m, order)
        sel = np.nonzero(solve)[0]
        m = sel.shape[0]
        if m == 0:
            continue
        t = np.empty((m, 1))
        free = np.zeros((m, 1), np.bool_)
        climbing = np.zeros((m, 1), np.bool_)
        who = np.empty(m, np.int64)
        fs = np.empty(m, np.int64)
        for i in range(m):
            w = active[sel[i]]
            c = nxt[w]
            who[i] = w
            fs[i] = f_lo[c] + done[w] if order == 1 else f_hi[c] - done[w]
            tj = min(max(t0[w] + fs[i] * FINE_STEP_S, 0.0), flight[w])  # _Windows.fine_time
            t[i, 0] = burnout[w]  # (as positions_at pads it)
            if tj < burnout[w]:
                climbing[i, 0] = True
            else:
                t[i, 0] = tj
                free[i, 0] = True
        lat, lon, alt = _track(orbit, who, t, free, to_deg)
        for i in range(m):
            if climbing[i, 0]:  # from the boost samples, a prefix of the window's samples
                b = boost_start[who[i]] + fs[i]
                lat[i, 0], lon[i, 0], alt[i, 0] = boost[b, 0], boost[b, 1], boost[b, 2]
        code, is_in = _inside(lat, lon, free | climbing, pref[who], proj, grid, bands)
        if code != 0:
            return code, found, at
        for i in range(m):
            w = who[i]
            c = nxt[w]
            if is_in[i]:
                found[w] = fs[i]
                at[w, 0], at[w, 1], at[w, 2] = lat[i, 0], lon[i, 0], alt[i, 0]
                nxt[w] = -1
            elif done[w] + 1 < f_hi[c] - f_lo[c] + 1:
                done[w] += 1  # the rest of this chord next round
            else:
                nxt[w] = -1 if c == end[w] else c + order
                done[w] = 0


def _skip_settled(w, nxt, end, done, f_lo, f_hi, chord_t, chord_xy, t0, flight, burnout, pref, grid, slack_m,
                  order):  # pragma: no cover (compiled)
    """Move window ``w`` of :func:`_search_rounds` past its next samples that are surely outside (its
    chord's point at their time is more than ``slack_m`` outside the footprint ``pref``, by the
    distance grid), chord after chord: True if it stops at a sample to solve (``nxt[w]``'s sample
    ``done[w]``), False if its chords are done."""
    x0, y0, cell_m, nx, ny, reach_m, grid_slack_m, unit_m, cell_start, present, sd, pref_bounds = grid
    while nxt[w] >= 0:
        c = nxt[w]
        left = f_hi[c] - f_lo[c] + 1 - done[w]
        j = 0
        ta, tb = chord_t[c, 0], chord_t[c, 1]
        xa, ya, xb, yb = chord_xy[c, 0], chord_xy[c, 1], chord_xy[c, 2], chord_xy[c, 3]
        if ta >= burnout and tb > ta and not math.isnan(xa + ya + xb + yb):
            while j < left:
                f = f_lo[c] + done[w] + j if order == 1 else f_hi[c] - done[w] - j
                u = (min(max(t0 + f * FINE_STEP_S, 0.0), flight) - ta) / (tb - ta)  # (_Windows.fine_time)
                if not (u >= 0.0 and u <= 1.0):
                    break
                lower, _ = _bounds_at(pref, xa + u * (xb - xa), ya + u * (yb - ya), x0, y0, cell_m, nx, ny, reach_m,
                                      grid_slack_m, unit_m, cell_start, present, sd, pref_bounds)
                if not (lower > slack_m):
                    break
                j += 1
        if j < left:
            done[w] += j
            return True
        nxt[w] = -1 if c == end[w] else c + order
        done[w] = 0
    return False


def _refine_rounds(orbit, proj, grid, bands, to_deg, burnout, flight, pref, t_out, t_in, bisections,
                   slack_m):  # pragma: no cover (compiled)
    """crossings._refine: (code, boundary times); code 1: a midpoint outside free flight (numpy's
    route: the boost model), else as :func:`_inside`'s.

    Most midpoints are settled without solving for them: a point of the track between the
    bracket's ends (solved and projected first) lies within ``slack_m`` of the point that divides
    the chord between them in the ratio of its time (REFINE_SLACK_M), so where no segment of the
    footprint's boundary comes within ``slack_m`` of that chord point, the midpoint is inside
    exactly where the chord point is (the ray test of both). The others are solved, one array a
    round, as before; the halvings, and so the times, are the same."""
    k = t_out.shape[0]
    sel = np.arange(k)
    lon_min, lat_min, lon_max, lat_max, step, cols, rows, patches = proj
    first_band, band_y0, inv_h, band_start, band_segments, seg = bands
    ends = np.empty((k, 2))
    ends[:, 0], ends[:, 1] = t_out, t_in
    elat, elon, _ = _track(orbit, sel, ends, np.ones((k, 2), np.bool_), to_deg)
    placed = np.ones(k, np.bool_)
    for q in range(k):
        for j in range(2):
            if not (elon[q, j] >= lon_min and elon[q, j] <= lon_max and elat[q, j] >= lat_min
                    and elat[q, j] <= lat_max):
                placed[q] = False  # (outside the projection table: solved throughout)
                elat[q, j], elon[q, j] = 0.5 * (lat_min + lat_max), 0.5 * (lon_min + lon_max)  # (a point of it)
    ex, ey = _interpolate(elon.ravel(), elat.ravel(), lon_min, lat_min, step, cols, rows, patches)
    t0, t1 = t_out.copy(), t_in.copy()
    for _ in range(bisections):
        mid = 0.5 * (t_out + t_in)
        state = np.zeros(k, np.int8)  # 1 inside, -1 outside, 0 to solve
        for q in range(k):
            if not (mid[q] >= burnout[q] and mid[q] <= flight[q]):
                return 1, mid
            if placed[q]:
                u = (mid[q] - t0[q]) / (t1[q] - t0[q])
                x = ex[2 * q] + u * (ex[2 * q + 1] - ex[2 * q])
                y = ey[2 * q] + u * (ey[2 * q + 1] - ey[2 * q])
                if _clear_of_boundary(pref[q], x, y, slack_m, first_band, band_y0, inv_h, band_start, band_segments,
                                      seg):
                    c = _contains_point(pref[q], x, y, first_band, band_y0, inv_h, band_start, band_segments, seg)
                    state[q] = 1 if c == 1 else (-1 if c == 0 else 0)
        todo = np.nonzero(state == 0)[0]
        if todo.shape[0]:
            t = np.empty((todo.shape[0], 1))
            free = np.ones((todo.shape[0], 1), np.bool_)
            for i in range(todo.shape[0]):
                t[i, 0] = mid[todo[i]]
            lat, lon, _ = _track(orbit, todo, t, free, to_deg)
            code, inn = _inside(lat, lon, free, pref[todo], proj, grid, bands)
            if code != 0:
                return code, mid
            for i in range(todo.shape[0]):
                state[todo[i]] = 1 if inn[i] else -1
        for q in range(k):
            if state[q] == 1:
                t_in[q] = mid[q]
            else:
                t_out[q] = mid[q]
    return 0, 0.5 * (t_out + t_in)
