"""Where each ground track crosses a footprint, and where it passes closest to one: the fine
(FINE_STEP_S) search around the coarse samples, for all (trajectory, footprint) pairs at once.

Every stage makes one ``positions_at`` call for all the pairs it has left, with a row of times
per pair: the fine samples near a footprint, the chords searched for the first and the last
inside sample, the bisections of every entry and exit together. Times are seconds after launch,
positions in the plane of geo.to_xy (metres).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import shapely

from .. import geo
from ..physics.trajectories import Trajectories
from .arrays import first_true, isin, last_true, unique
from .distances import min_distance
from .geometry import chords_maybe_within, footprints, grid_bounds, inside, project, segments
from .model import BISECTIONS, COARSE_STEP_M, FINE_STEP_S, SUB_STEPS


class CoarseSamples(NamedTuple):
    """The batch and its COARSE_STEP_S samples, (n, m) arrays with a row per trajectory.

    Only the kept range of each row (``kept``: the samples that may be within reach of some
    footprint, and one either side) is projected; ``x_m``, ``y_m`` are NaN elsewhere.
    """

    trajs: Trajectories
    t_s: np.ndarray
    x_m: np.ndarray
    y_m: np.ndarray
    kept: np.ndarray
    count: np.ndarray  # valid samples per row (a prefix of it)
    flight_s: np.ndarray  # flight time per row


def _fine_grid(lo: np.ndarray, hi: np.ndarray, flight: np.ndarray) -> np.ndarray:
    """Rows of ``np.arange(lo, hi + FINE_STEP_S, FINE_STEP_S).clip(0, flight)``, NaN-padded."""
    n = np.ceil((hi + FINE_STEP_S - lo) / FINE_STEP_S).astype(int)
    width = int(n.max(initial=1))
    cols = np.arange(width)
    grid = lo[:, None] + cols[None, :] * FINE_STEP_S
    grid = np.clip(grid, 0.0, flight[:, None])
    return np.where(cols[None, :] < n[:, None], grid, np.nan)


def closest(coarse: CoarseSamples, rows: np.ndarray, prefs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(time_s, distance_km) arrays of the ground track's nearest approach to the footprint, per pair
    (``rows[i]``, ``prefs[i]``): the nearest coarse sample, then the nearest fine sample around it."""
    if len(rows) == 0:
        return np.zeros(0), np.zeros(0)
    t = coarse.t_s
    k, d = min_distance(prefs, coarse.x_m, coarse.y_m, rows, measure=False)  # (only d > 0 is used)
    out_s = t[rows, k].astype(float)
    out_km = np.zeros(len(rows))
    far = np.nonzero(d > 0.0)[0]
    if len(far):
        fr = rows[far]
        lo = t[fr, np.maximum(k[far] - 1, 0)]
        hi = t[fr, np.minimum(k[far] + 1, coarse.count[fr] - 1)]
        fine_t = _fine_grid(lo, hi, coarse.flight_s[fr])
        flat, flon, _ = coarse.trajs.select(fr).positions_at(fine_t)
        fx, fy = project(flat, flon)
        m, fd = min_distance(prefs[far], fx, fy)
        out_s[far] = fine_t[np.arange(len(far)), m]
        out_km[far] = fd / 1000.0
    return out_s, out_km


# --------------------------------------------------------------------------- crossings


#: A 1 s sample lies within 36 m of the chord between the 10 s samples around it (measured on
#: 900 varied trajectories, projected): a chord farther than this from a footprint has no sample in it.
#: In free flight it lies within 70 m of the point that divides the chord in the ratio of its time
#: (tests/test_engine.py measures it), and the compiled search (:mod:`.search`) uses this slack
#: for that distance too.
_CHORD_SLACK_M = 2000.0


class _Windows(NamedTuple):
    """The pairs whose coarse track comes within COARSE_STEP_M of their footprint's box, and the
    window of each: coarse samples ``c_lo``..``c_hi``, which are the oracle's fine samples
    ``t0_s + f FINE_STEP_S`` (clipped to the flight), f in 0..width-1."""

    pair: np.ndarray  # index into the pairs crossings() was given
    row: np.ndarray
    pref: np.ndarray
    c_lo: np.ndarray
    c_hi: np.ndarray
    t0_s: np.ndarray
    flight_s: np.ndarray
    width: np.ndarray

    def fine_time(self, q: np.ndarray, f: np.ndarray) -> np.ndarray:
        """Time of fine sample ``f`` of window ``q``."""
        return np.clip(self.t0_s[q] + f * FINE_STEP_S, 0.0, self.flight_s[q])


class _Chords(NamedTuple):
    """The chords of the windows that may hold inside samples, in order (by window, then time),
    the fine samples each spans, ``f_lo``..``f_hi``, and its ends: the coarse samples at times
    ``ta_s`` and ``tb_s``, projected."""

    window: np.ndarray
    f_lo: np.ndarray
    f_hi: np.ndarray
    ta_s: np.ndarray
    tb_s: np.ndarray
    ax_m: np.ndarray
    ay_m: np.ndarray
    bx_m: np.ndarray
    by_m: np.ndarray


#: Windows of fewer pairs are found in numpy.
WINDOWS_COMPILED_FROM = 500


def _windows(coarse: CoarseSamples, rows: np.ndarray, prefs: np.ndarray, *,
             compiled: bool | None = None) -> _Windows | None:
    """The windows of the pairs that have one (None if no pair has). ``compiled``: the samples near
    each footprint's box found by the numba kernel (True; None: for WINDOWS_COMPILED_FROM pairs or
    more where numba is installed), or numpy; the same comparisons."""
    t = coarse.t_s
    box = footprints().bounds
    k0 = None
    if compiled or (compiled is None and len(rows) >= WINDOWS_COMPILED_FROM):
        from .kernels import compiled as kernels

        k = kernels()
        if k is not None:
            k0, k1 = k.box_spans(coarse.x_m, coarse.y_m, rows.astype(np.int64), prefs.astype(np.int64),
                                 np.ascontiguousarray(box, dtype=float), COARSE_STEP_M)
    if k0 is None:
        b = box[prefs][:, None, :]
        xs, ys = coarse.x_m[rows], coarse.y_m[rows]
        with np.errstate(invalid="ignore"):
            near = ((xs > b[..., 0] - COARSE_STEP_M) & (xs < b[..., 2] + COARSE_STEP_M)
                    & (ys > b[..., 1] - COARSE_STEP_M) & (ys < b[..., 3] + COARSE_STEP_M))
        k0, k1 = first_true(near), last_true(near)
    go = np.nonzero(k0 >= 0)[0]
    if len(go) == 0:
        return None
    gr = rows[go]
    c_lo = np.maximum(k0[go] - 1, 0)
    c_hi = np.minimum(k1[go] + 1, coarse.count[gr] - 1)
    t0 = t[gr, c_lo]
    width = np.ceil((t[gr, c_hi] + FINE_STEP_S - t0) / FINE_STEP_S).astype(int)  # len(fine_t) of the oracle
    return _Windows(go, gr, prefs[go], c_lo, c_hi, t0, coarse.flight_s[gr], width)


def _near_chords(coarse: CoarseSamples, win: _Windows) -> _Chords:
    """The chords of the windows that may lie within _CHORD_SLACK_M of the footprint: those the
    distance grid's bounds (chords.chord_bounds, from the bounds of each point once) put surely
    within, and those they leave open that the chord kernel does not put surely beyond
    (:func:`~.geometry.chords_maybe_within`; all of them on the numpy route).

    Some are farther: of the chords the bounds leave open, about two in three lie beyond the slack
    (the README's ensemble). They are searched anyway, which costs less than an exact distance
    (GEOS's, ~5 us a chord), and changes no answer: a chord farther than the slack holds no inside
    sample, and the search takes the first (last) inside sample of each window."""
    cols = coarse.x_m.shape[1]
    # The coarse points of every window, as flat indices into the (rows, samples) arrays.
    npt = win.c_hi - win.c_lo + 1
    pt_win = np.repeat(np.arange(len(win.pair)), npt)
    pt = np.repeat(win.row * cols + win.c_lo - (np.cumsum(npt) - npt), npt) + np.arange(len(pt_win))
    px, py = np.ravel(coarse.x_m)[pt], np.ravel(coarse.y_m)[pt]
    lp, up = grid_bounds(win.pref[pt_win], px, py)
    a = np.flatnonzero(pt_win[1:] == pt_win[:-1])  # the first point of each chord, by window then time
    b = a + 1
    lower = 0.5 * (lp[a] + lp[b] - np.hypot(px[b] - px[a], py[b] - py[a]))
    cand = np.minimum(up[a], up[b]) <= _CHORD_SLACK_M
    open_ = np.nonzero((lower <= _CHORD_SLACK_M) & ~cand)[0]
    if len(open_):
        o = a[open_]
        cand[open_] = chords_maybe_within(win.pref[pt_win[o]], px[o], py[o], px[o + 1], py[o + 1], _CHORD_SLACK_M,
                                          (lp[o], up[o]))
    # The 1 s samples each spans (indices into the oracle's fine_t).
    a = a[cand]
    seg_win = pt_win[a]
    t = np.ravel(coarse.t_s)
    t0 = win.t0_s[seg_win]
    f_lo = np.rint((t[pt[a]] - t0) / FINE_STEP_S).astype(int)
    f_hi = np.minimum(np.ceil((t[pt[a] + 1] - t0) / FINE_STEP_S).astype(int), win.width[seg_win] - 1)
    return _Chords(seg_win, f_lo, f_hi, t[pt[a]], t[pt[a] + 1], px[a], py[a], px[a + 1], py[a + 1])


#: Searches over fewer candidate chords run in numpy (a single run's have tens to hundreds).
SEARCH_COMPILED_FROM = 1_000


def _search(trajs: Trajectories, win: _Windows, chords: _Chords, order: int, *,
            compiled: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """First (order=1) or last (order=-1) inside sample per window: (index f, (lat, lon, alt)
    rows), -1 and NaN if none. Each round tests the next candidate chord of every window still
    searching. ``compiled``: all rounds in the numba kernel of :mod:`.search` where it can
    (True; None: for SEARCH_COMPILED_FROM chords or more where numba is installed), or numpy."""
    if compiled or (compiled is None and len(chords.window) >= SEARCH_COMPILED_FROM):
        from .search import search

        answer = search(trajs, win, chords, order, _CHORD_SLACK_M)
        if answer is not None:
            return answer
    found = np.full(len(win.pair), -1)
    at = np.full((len(win.pair), 3), np.nan)
    segs = np.arange(len(chords.window))[::order]
    while len(segs):
        # The next candidate chord of every window still searching.
        wins, first = unique(chords.window[segs])
        take = segs[first]
        span = chords.f_hi[take] - chords.f_lo[take] + 1
        cols = np.arange(span.max())
        f = chords.f_lo[take][:, None] + cols[None, :]
        valid = cols[None, :] < span[:, None]
        times = np.where(valid, win.fine_time(wins[:, None], f), np.nan)
        lat, lon, alt = trajs.select(win.row[wins]).positions_at(times)
        x, y = project(lat, lon)
        is_in = inside(np.broadcast_to(win.pref[wins][:, None], x.shape), x, y)[0]
        hit = is_in.any(axis=1)
        k = first_true(is_in) if order == 1 else last_true(is_in)
        h = np.nonzero(hit)[0]
        found[wins[h]] = f[h, k[h]]
        at[wins[h]] = np.column_stack([lat[h, k[h]], lon[h, k[h]], alt[h, k[h]]])
        # This chord is searched: drop it, and every chord of the windows that found their sample.
        segs = segs[isin(chords.window[segs], wins[~hit]) & ~isin(segs, np.sort(take))]
    return found, at


def _bisect(trajs: Trajectories, win: _Windows, ok: np.ndarray, a: np.ndarray, z: np.ndarray | None):
    """(entry_s, exit_s) of windows ``ok``, whose first and last inside samples are ``a`` and ``z``:
    every boundary with an outside sample before (after) it is bisected, entries and exits at once.
    ``z`` None: entries only (the exits it gives then mean nothing; crossings() drops them)."""
    refine_in = np.nonzero(a > 0)[0]
    refine_out = np.nonzero(z < win.width[ok] - 1)[0] if z is not None else refine_in[:0]
    z = a if z is None else z  # (indexed by the empty refine_out only)
    q_in, q_out = ok[refine_in], ok[refine_out]
    t_out = np.concatenate([win.fine_time(q_in, a[refine_in] - 1), win.fine_time(q_out, z[refine_out] + 1)])
    t_in = np.concatenate([win.fine_time(q_in, a[refine_in]), win.fine_time(q_out, z[refine_out])])
    which = np.concatenate([q_in, q_out])
    entry, exit_ = win.fine_time(ok, a), win.fine_time(ok, z)
    if len(which):
        refined = _refine(trajs.select(win.row[which]), win.pref[which], t_out, t_in)
        entry[refine_in] = refined[: len(refine_in)]
        exit_[refine_out] = refined[len(refine_in):]
    return entry, exit_


#: Bisections of fewer boundaries run in numpy.
REFINE_COMPILED_FROM = 500


def _refine(bis: Trajectories, prefs: np.ndarray, t_out: np.ndarray, t_in: np.ndarray, *,
            compiled: bool | None = None) -> np.ndarray:
    """The boundary times between ``t_out`` (outside footprint ``prefs``) and ``t_in`` (inside) of
    the rows of ``bis``: BISECTIONS halvings on the exact trajectory, then the middle. ``compiled``:
    every halving in the numba kernel of :mod:`.search` where it can (True; None: for calls of
    REFINE_COMPILED_FROM boundaries or more where numba is installed), or numpy."""
    if compiled or (compiled is None and len(t_out) >= REFINE_COMPILED_FROM):
        from .search import refine

        answer = refine(bis, prefs, t_out, t_in)
        if answer is not None:
            return answer
    for _ in range(BISECTIONS):
        mid = 0.5 * (t_out + t_in)
        mlat, mlon, _ = bis.positions_at(mid[:, None])
        mx, my = geo.to_xy(mlon[:, 0], mlat[:, 0])
        inn = inside(prefs, mx, my)[0]
        t_in = np.where(inn, mid, t_in)
        t_out = np.where(inn, t_out, mid)
    return 0.5 * (t_out + t_in)


def _short(trajs: Trajectories, win: _Windows, q: np.ndarray):
    """The crossings of windows ``q``, which have no inside 1 s sample, found on the sub-steps of
    their 1 s chords that intersect the footprint: (windows found, entry_s, exit_s, (lat, lon,
    alt) of the first and of the last inside sub-step), or None if there are none."""
    if len(q) == 0:
        return None
    f = np.arange(win.width[q].max())
    times = np.where(f[None, :] < win.width[q][:, None], win.fine_time(q[:, None], f[None, :]), np.nan)
    lat, lon, _ = trajs.select(win.row[q]).positions_at(times)
    x, y = project(lat, lon)
    r, c = np.nonzero(~np.isnan(x[:, :-1]) & ~np.isnan(x[:, 1:]))
    meets = shapely.intersects(footprints().shapes[win.pref[q[r]]], segments(x[r, c], y[r, c], x[r, c + 1], y[r, c + 1]))
    r, c = r[meets], c[meets]  # the chords, by window then time
    if len(r) == 0:
        return None
    t0, t1 = times[r, c], times[r, c + 1]
    sub = t0[:, None] + (t1 - t0)[:, None] * (np.arange(1, SUB_STEPS) / SUB_STEPS)[None, :]
    slat, slon, salt = trajs.select(win.row[q[r]]).positions_at(sub)
    sx, sy = project(slat, slon)
    is_in = inside(np.broadcast_to(win.pref[q[r]][:, None], sx.shape), sx, sy)[0]
    chord = np.nonzero(is_in.any(axis=1))[0]
    if len(chord) == 0:
        return None
    wins, first = unique(r[chord])
    last = len(chord) - 1 - unique(r[chord][::-1])[1]  # the last chord of each window with an inside step
    ca, cz = chord[first], chord[last]
    ja, jz = first_true(is_in[ca]), last_true(is_in[cz])
    before = np.where(ja > 0, sub[ca, np.maximum(ja - 1, 0)], t0[ca])
    after = np.where(jz < SUB_STEPS - 2, sub[cz, np.minimum(jz + 1, SUB_STEPS - 2)], t1[cz])
    rows = q[wins]
    refined = _refine(trajs.select(np.concatenate([win.row[rows]] * 2)), np.concatenate([win.pref[rows]] * 2),
                      np.concatenate([before, after]), np.concatenate([sub[ca, ja], sub[cz, jz]]))
    at_a = np.column_stack([slat[ca, ja], slon[ca, ja], salt[ca, ja]])
    at_z = np.column_stack([slat[cz, jz], slon[cz, jz], salt[cz, jz]])
    return rows, refined[: len(rows)], refined[len(rows):], at_a, at_z


class CrossingColumns(NamedTuple):
    """Per pair given to :func:`crossings`: whether its track crosses the footprint and, where it
    does, what a :class:`~.model.Crossing` holds (NaN elsewhere): entry and exit (s after launch),
    the lowest altitude over it (km) and the last sample inside (lat, lon degrees)."""

    crossed: np.ndarray
    entry_s: np.ndarray
    exit_s: np.ndarray
    min_altitude_km: np.ndarray
    last_lat: np.ndarray
    last_lon: np.ndarray

    @classmethod
    def none(cls, n: int) -> CrossingColumns:
        return cls(np.zeros(n, bool), *(np.full(n, np.nan) for _ in range(5)))


def crossings(coarse: CoarseSamples, rows: np.ndarray, prefs: np.ndarray, *, exits: bool = True) -> CrossingColumns:
    """Per pair (``rows[i]``, ``prefs[i]``) whose coarse polyline crosses the footprint: its
    crossing, as columns. ``exits`` False: whether and where it enters only (the exit, the lowest
    altitude and the last point inside are NaN): the last inside samples are not searched for,
    nor the exits bisected.

    The oracle tests every 1 s sample of the window for being inside; only the first and
    the last inside sample matter (and the altitude there: along a ballistic arc it rises then
    falls, so its minimum over the samples between them is at one of them). Each 10 s step of
    the window is a chord; only chords within _CHORD_SLACK_M of the footprint can hold inside
    samples, and the chords not surely farther (:func:`_near_chords`) are searched from the
    start for the first and from the end for the last.
    A window with no inside 1 s sample may still cross the footprint between two samples: the
    1 s chords that intersect it are searched at SUB_STEPS sub-steps (:func:`_short`).
    """
    out = CrossingColumns.none(len(rows))
    if len(rows) == 0:
        return out
    win = _windows(coarse, rows, prefs)
    if win is None:
        return out
    chords = _near_chords(coarse, win)
    trajs = coarse.trajs
    a, at_a = _search(trajs, win, chords, 1)
    z, at_z = _search(trajs, win, chords, -1) if exits else (None, np.full_like(at_a, np.nan))
    ok = np.nonzero(a >= 0)[0]
    entry, exit_ = np.full(len(a), np.nan), np.full(len(a), np.nan)
    if len(ok):
        entry[ok], exit_[ok] = _bisect(trajs, win, ok, a[ok], z[ok] if exits else None)
    short = _short(trajs, win, np.nonzero(a < 0)[0])
    if short is not None:
        found, entry[found], exit_[found], at_a[found], at_z[found] = short
        ok = np.sort(np.concatenate([ok, found]))
    if len(ok) == 0:
        return out
    entry, exit_, at_a, at_z = entry[ok], exit_[ok], at_a[ok], at_z[ok]
    g = win.pair[ok]
    out.crossed[g] = True
    out.entry_s[g] = entry
    if exits:
        out.exit_s[g] = exit_
        _, _, ealt = trajs.select(win.row[ok]).positions_at(np.column_stack([entry, exit_]))
        min_alt = np.minimum(np.minimum(at_a[:, 2], at_z[:, 2]), np.nanmin(ealt, axis=1))
        out.min_altitude_km[g] = np.where(0.0 > min_alt, 0.0, min_alt)  # max(min_alt, 0.0), NaN kept
        out.last_lat[g], out.last_lon[g] = at_z[:, 0], at_z[:, 1]
    return out
