"""Compiled (numba) twin of ``crossings._search``: the first (last) inside 1 s sample of every
window, all rounds of the search in one call instead of a dozen numpy stages per round.

The kernel walks the samples ``_search`` walks, in the same order: in each round, the next
SEARCH_BLOCK samples of the current candidate chord of every window still searching, as one
(windows, widest block) array of times padded as ``Trajectories.positions_at`` pads it; a window
stops at its first inside sample, not at the end of that sample's chord. Kepler's equation is
solved on that array with ``physics.compiled``'s code, point by point as numpy solves it, so the
positions have numpy's bits. Boost-phase samples (the windows of tracks that pass near a
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

import numpy as np

from .. import compiling

from ..geo import distance_grid as _distance_grid
from ..geo import projection as _projection
from ..geo.compiled import _interpolate
from ..physics.compiled import _anomalies, _positions
from ..physics.geodesy import DEG as _DEG
from .boundaries import ray_bands
from .kernels import _contains, _grid_bounds
from .model import BISECTIONS, FINE_STEP_S


@compiling.kernels
def compiled(numba):
    """The kernels (a namespace with ``search`` and ``refine``), or None without numba (or with the
    kernels switched off: :mod:`jalert_sim.compiling`)."""
    from . import kernels

    if kernels.compiled() is None:  # (rebinds the helpers _contains calls to their jitted versions)
        return None
    global _anomalies, _positions, _interpolate, _grid_bounds, _contains, _round_times, _track, _inside
    jit = numba.njit(cache=True, nogil=True)
    _anomalies, _positions, _interpolate = jit(_anomalies), jit(_positions), jit(_interpolate)
    _grid_bounds, _contains = jit(_grid_bounds), jit(_contains)
    _round_times, _track, _inside = jit(_round_times), jit(_track), jit(_inside)

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


def search(trajs, win, chords, order: int):
    """``crossings._search(trajs, win, chords, order)`` by the kernel: (found, at), or None where the
    kernel gives up (or numba is missing)."""
    kernels = compiled()
    if kernels is None:
        return None
    sub = trajs.select(win.row)
    boost_start, boost = _boost_samples(sub, win)
    code, found, at = kernels.search(
        *_shared(sub), float(_DEG), np.asarray(sub.burnout_time_s, dtype=float), np.asarray(win.t0_s, dtype=float),
        np.asarray(win.flight_s, dtype=float), np.asarray(win.pref, np.int64), boost_start, boost,
        np.asarray(chords.window, np.int64), np.asarray(chords.f_lo, np.int64), np.asarray(chords.f_hi, np.int64),
        int(order))
    return (found, at) if code == 0 else None


def refine(bis, prefs, t_out, t_in):
    """``crossings._refine(bis, prefs, t_out, t_in)`` by the kernel, or None where it gives up."""
    kernels = compiled()
    tb, flight = np.asarray(bis.burnout_time_s, dtype=float), np.asarray(bis.flight_time_s, dtype=float)
    # Midpoints stay within their brackets: numpy's route is the free-flight one throughout, or not.
    if kernels is None or not np.all((np.minimum(t_out, t_in) >= tb) & (np.maximum(t_out, t_in) <= flight)):
        return None
    code, out = kernels.refine(*_shared(bis), float(_DEG), tb, flight, np.asarray(prefs, np.int64),
                               np.array(t_out, dtype=float), np.array(t_in, dtype=float), BISECTIONS)
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


def _round_times(active, lo, hi, t0, flight, burnout):  # pragma: no cover (compiled)
    """The times of a search round, (windows, widest block): fine samples ``lo``..``hi`` of each
    active window, padded with its row's burnout time as positions_at pads them; which are in free
    flight, which in the boost phase; the width."""
    k = active.shape[0]
    width = 0
    for q in range(k):
        width = max(width, hi[q] - lo[q] + 1)
    t = np.empty((k, width))
    free = np.zeros((k, width), np.bool_)
    climbing = np.zeros((k, width), np.bool_)
    for q in range(k):
        w = active[q]
        for j in range(width):
            t[q, j] = burnout[w]
            if lo[q] + j <= hi[q]:
                tj = min(max(t0[w] + (lo[q] + j) * FINE_STEP_S, 0.0), flight[w])  # _Windows.fine_time
                if tj < burnout[w]:
                    climbing[q, j] = True
                else:
                    t[q, j] = tj
                    free[q, j] = True
    return t, free, climbing, width


#: Fine samples a search round takes from each window's current chord: a block, not the whole
#: chord, so that the search stops near its first (last) inside sample instead of at the chord's
#: end (a chord spans 11 samples; the blocks cut the points solved by about a third).
SEARCH_BLOCK = 4


def _search_rounds(orbit, proj, grid, bands, to_deg, burnout, t0, flight, pref, boost_start, boost, chord_window,
                   f_lo, f_hi, order):  # pragma: no cover (compiled)
    """crossings._search: (code, found f per window or -1, (lat, lon, alt) there); code as
    :func:`_inside`'s (0: done). Each round takes the next SEARCH_BLOCK samples, in the search's
    order, of every window still searching; the samples walked, and so the first (last) inside
    one, are numpy's, and each point's position has the same bits whatever else a call solves."""
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
        active = np.nonzero(nxt >= 0)[0]  # sorted, as unique() sorts the windows
        if active.shape[0] == 0:
            return 0, found, at
        lo = np.empty(active.shape[0], np.int64)
        hi = np.empty(active.shape[0], np.int64)
        for q in range(active.shape[0]):
            w = active[q]
            c = nxt[w]
            if order == 1:
                lo[q] = f_lo[c] + done[w]
                hi[q] = min(lo[q] + SEARCH_BLOCK - 1, f_hi[c])
            else:
                hi[q] = f_hi[c] - done[w]
                lo[q] = max(hi[q] - SEARCH_BLOCK + 1, f_lo[c])
        t, free, climbing, width = _round_times(active, lo, hi, t0, flight, burnout)
        lat, lon, alt = _track(orbit, active, t, free, to_deg)
        for q in range(active.shape[0]):
            w = active[q]
            for j in range(width):
                if climbing[q, j]:  # from the boost samples, a prefix of the window's samples
                    b = boost_start[w] + lo[q] + j
                    lat[q, j], lon[q, j], alt[q, j] = boost[b, 0], boost[b, 1], boost[b, 2]
        code, is_in = _inside(lat, lon, free | climbing, pref[active], proj, grid, bands)
        if code != 0:
            return code, found, at
        for q in range(active.shape[0]):
            w = active[q]
            c = nxt[w]
            span = hi[q] - lo[q] + 1
            hit = -1
            for jj in range(span):
                j = jj if order == 1 else span - 1 - jj
                if is_in[q * width + j]:
                    hit = j
                    break
            if hit >= 0:
                found[w] = lo[q] + hit
                at[w, 0], at[w, 1], at[w, 2] = lat[q, hit], lon[q, hit], alt[q, hit]
                nxt[w] = -1
            elif (hi[q] < f_hi[c]) if order == 1 else (lo[q] > f_lo[c]):
                done[w] += span  # the rest of this chord next round
            else:
                nxt[w] = -1 if c == end[w] else c + order
                done[w] = 0


def _refine_rounds(orbit, proj, grid, bands, to_deg, burnout, flight, pref, t_out, t_in,
                   bisections):  # pragma: no cover (compiled)
    """crossings._refine: (code, boundary times); code 1: a midpoint outside free flight (numpy's
    route: the boost model), else as :func:`_inside`'s."""
    k = t_out.shape[0]
    sel = np.arange(k)
    for _ in range(bisections):
        mid = 0.5 * (t_out + t_in)
        t = np.empty((k, 1))
        free = np.ones((k, 1), np.bool_)
        for q in range(k):
            if not (mid[q] >= burnout[q] and mid[q] <= flight[q]):
                return 1, mid
            t[q, 0] = mid[q]
        lat, lon, _ = _track(orbit, sel, t, free, to_deg)
        code, inn = _inside(lat, lon, free, pref, proj, grid, bands)
        if code != 0:
            return code, mid
        for q in range(k):
            if inn[q]:
                t_in[q] = mid[q]
            else:
                t_out[q] = mid[q]
    return 0, 0.5 * (t_out + t_in)
