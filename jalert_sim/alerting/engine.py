"""The alert engine: which prefectures J-Alert would warn, when, and with what messages, for a
batch of trajectories at once (one scenario is a batch of one).

The model is stated in :mod:`jalert_sim.alerting.model` (its records and the rule that decides
each prefecture's alert); this module computes its quantities with array operations across
all (trajectory, prefecture) pairs of a batch. ``tests/oracle.py`` states the same model one
trajectory at a time, plainly, and tests/test_engine.py checks that both agree (to
floating-point noise) on a few hundred varied scenarios.

What makes it fast without changing any result:

* Only the part of each coarse track that can matter is projected. A cheap
  spherical projection (within 0.5 % of the ellipsoidal one, measured over the
  whole region) finds the samples that may lie within reach of some footprint;
  the track from one sample before the first of them to one after the last is
  projected with geo.to_xy, as the oracle projects it. Dropped
  segments lie farther than the corridor (and the impact radius) from every
  footprint, so the tree queries' answers and every minimum below are the same
  as on the whole track.
* Most geometric questions are settled by guaranteed bounds instead of exact
  geometry: the distance grid (jalert_sim._distance_grid) bounds the signed
  distance from any point to any footprint to within 3.5 km, and along a chord
  of the track the distance cannot fall faster than the chord runs. Exact
  shapely tests run only where the bounds leave the answer open: which chords
  of the polyline are within the corridor or intersect a footprint (the
  oracle's STRtree "dwithin"/"intersects" queries), which samples are inside,
  which samples may be the nearest (then the distance to the nearest piece of
  the footprint's boundary, from a per-footprint tree: the same number GEOS
  gives for the whole polygon).
* Crossings, bisections and closest approaches are done for all pairs at once:
  one ``positions_at`` call per stage with per-pair time rows.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

import numpy as np
import shapely

from .. import geo
from ..earth import GEOD, MEAN_EARTH_RADIUS_M
from ..geo import distance_grid as _distance_grid
from ..geo.describe import nearest_landmarks, wording
from ..geo.projection import CENTRE_LAT_DEG, CENTRE_LON_DEG
from ..physics.trajectories import Trajectories
from .compose import compose
from .model import (
    BISECTIONS, COARSE_STEP_M, COARSE_STEP_S, FINE_STEP_S, AlertModel, Assessment, Crossing, Impact,
    overflight_span, prefecture_alert,
)



@cache
def _footprints() -> tuple[np.ndarray, np.ndarray]:
    """(the 47 footprints, prepared in place, and their bounds (47, 4))."""
    geoms = np.array([p.footprint_xy for p in geo.prefectures()], dtype=object)
    shapely.prepare(geoms)
    return geoms, shapely.bounds(geoms)


def _unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct values, index of the first occurrence of each): ``np.unique(values,
    return_index=True)`` without its import of numpy.ma (~10 ms of every cold start)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep], order[keep]


def _isin(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_set)`` for a sorted ``sorted_set``, without importing numpy.ma."""
    at = np.searchsorted(sorted_set, values)
    found = at < len(sorted_set)
    found[found] = sorted_set[at[found]] == values[found]
    return found


def _approx_xy(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spherical azimuthal equidistant about the same centre as geo.to_xy: within 0.5 % of
    the distance from the centre (measured over 100-250 E, 10 S-70 N), used only to prefilter."""
    lat0, lon0 = np.radians(CENTRE_LAT_DEG), np.radians(CENTRE_LON_DEG)
    p, dl = np.radians(lat), np.radians(lon) - lon0
    cos_c = np.sin(lat0) * np.sin(p) + np.cos(lat0) * np.cos(p) * np.cos(dl)
    c = np.arccos(np.clip(cos_c, -1.0, 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.where(c > 1e-9, c / np.sin(c), 1.0)
    return (MEAN_EARTH_RADIUS_M * k * np.cos(p) * np.sin(dl),
            MEAN_EARTH_RADIUS_M * k * (np.cos(lat0) * np.sin(p) - np.sin(lat0) * np.cos(p) * np.cos(dl)))


#: Cell of the raster that _maybe_near looks points up in, m of the approximate plane.
_NEAR_CELL_M = 10_000.0


@cache
def _near_raster(reach_m: float) -> tuple[float, float, np.ndarray]:
    """(x0, y0, raster): the cells of the approximate plane (_approx_xy, cells of _NEAR_CELL_M from
    (x0, y0)) that may hold a point within ``reach_m`` of a footprint, painted box by box.

    A point p may be within reach of footprint i if it lies in the footprint's bounds grown by
    slack(p) = 10 km + 1.5 % of |p| (the approximation's error) + reach_m. In that grown box |p| is
    at most r + sqrt(2) slack(p), r the box's farthest corner from the centre, so slack(p) is at
    most s = (10 km + reach_m + 0.015 r) / (1 - 0.015 sqrt(2)): painting every cell that meets the
    box grown by s marks every cell such a point can be in.
    """
    _, bounds = _footprints()
    corner = np.hypot(np.abs(bounds[:, [0, 2]]).max(axis=1), np.abs(bounds[:, [1, 3]]).max(axis=1))
    grow = (10_000.0 + reach_m + 0.015 * corner) / (1.0 - 0.015 * np.sqrt(2.0))
    lo = bounds[:, :2] - grow[:, None]
    hi = bounds[:, 2:] + grow[:, None]
    x0, y0 = lo.min(axis=0)
    first = ((lo - (x0, y0)) // _NEAR_CELL_M).astype(int)
    last = ((hi - (x0, y0)) // _NEAR_CELL_M).astype(int)
    nx, ny = last.max(axis=0) + 1
    raster = np.zeros((ny, nx), dtype=bool)
    for (i0, j0), (i1, j1) in zip(first.tolist(), last.tolist()):
        raster[j0:j1 + 1, i0:i1 + 1] = True
    return float(x0), float(y0), raster


def _maybe_near(lon: np.ndarray, lat: np.ndarray, reach_m: float) -> np.ndarray:
    """False where a point is surely farther than ``reach_m`` from every footprint (NaN: False)."""
    x0, y0, raster = _near_raster(float(reach_m))
    ax, ay = _approx_xy(lon, lat)
    ny, nx = raster.shape
    fx, fy = (ax - x0) * (1.0 / _NEAR_CELL_M), (ay - y0) * (1.0 / _NEAR_CELL_M)
    with np.errstate(invalid="ignore"):
        k = np.nonzero((fx >= 0.0) & (fx < nx) & (fy >= 0.0) & (fy < ny))  # NaN: not in the raster
    out = np.zeros(ax.shape, dtype=bool)
    out[k] = raster[fy[k].astype(np.intp), fx[k].astype(np.intp)]
    return out


def _first_true(mask: np.ndarray) -> np.ndarray:
    """Index of the first True per row (-1 if none)."""
    return np.where(mask.any(axis=1), mask.argmax(axis=1), -1)


def _last_true(mask: np.ndarray) -> np.ndarray:
    m = mask.shape[1]
    return np.where(mask.any(axis=1), m - 1 - mask[:, ::-1].argmax(axis=1), -1)


def _fine_grid(lo: np.ndarray, hi: np.ndarray, flight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``np.arange(lo, hi + FINE_STEP_S, FINE_STEP_S).clip(0, flight)``, NaN-padded, and their lengths."""
    n = np.ceil((hi + FINE_STEP_S - lo) / FINE_STEP_S).astype(int)
    width = int(n.max(initial=1))
    cols = np.arange(width)
    grid = lo[:, None] + cols[None, :] * FINE_STEP_S
    grid = np.clip(grid, 0.0, flight[:, None])
    return np.where(cols[None, :] < n[:, None], grid, np.nan), n


def _project(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """geo.to_xy on the finite entries; NaN elsewhere."""
    x = np.full(lat.shape, np.nan)
    y = np.full(lat.shape, np.nan)
    ok = ~np.isnan(lat)
    if ok.any():
        x[ok], y[ok] = geo.to_xy(lon[ok], lat[ok])
    return x, y


def _inside(pref: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``shapely.contains_xy(footprint[pref], x, y)`` (arrays of one shape; NaN: False), exact but
    computed only where the distance grid cannot tell; and the grid's (lower, upper) bounds."""
    finite = ~np.isnan(x)
    if finite.all():
        lower, upper = _distance_grid.bounds(pref, x, y)
    else:  # rows of tracks padded with NaN: look up only the points
        at = np.nonzero(finite)
        lower, upper = np.full(x.shape, np.inf), np.full(x.shape, np.inf)
        lower[at], upper[at] = _distance_grid.bounds(pref[at], x[at], y[at])
    inside = upper < 0.0
    r = np.nonzero((lower <= 0.0) & ~inside)
    if len(r[0]):
        inside[r] = shapely.contains_xy(_footprints()[0][pref[r]], x[r], y[r])
    return inside, lower, upper


#: Boundary segments per piece of the boundary trees.
_BOUNDARY_PIECE = 4


@cache
def _boundary_tree(pref: int) -> shapely.STRtree:
    """An STRtree of footprint ``pref``'s boundary cut into pieces of _BOUNDARY_PIECE segments
    (built on first use: a single scenario needs a few of the 47)."""
    pieces = []
    for ring in shapely.get_rings(shapely.get_parts(_footprints()[0][pref])):
        xy = shapely.get_coordinates(ring)
        pieces += [xy[s:s + _BOUNDARY_PIECE + 1] for s in range(0, len(xy) - 1, _BOUNDARY_PIECE)]
    index = np.repeat(np.arange(len(pieces)), [len(p) for p in pieces])
    return shapely.STRtree(shapely.linestrings(np.concatenate(pieces), indices=index))


def _outside_distance(pref: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """shapely.distance(footprint[pref], point) for points that are not inside their footprint
    (1-D arrays): the distance to the nearest piece of its boundary, found by its tree (NaN where
    the tree answers nothing, as for a NaN point)."""
    out = np.full(len(x), np.nan)
    order = np.argsort(pref, kind="stable")
    cuts = np.flatnonzero(np.diff(pref[order])) + 1
    for group in np.split(order, cuts):
        if len(group):
            tree = _boundary_tree(int(pref[group[0]]))
            (at, _), dist = tree.query_nearest(shapely.points(x[group], y[group]), return_distance=True,
                                               all_matches=False)
            out[group[at]] = dist
    return out


def _min_distance(pref: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: (index of the first minimum, minimum) of shapely.distance(footprint[pref[row]], point)
    over the finite points of the row, as ``np.argmin`` would find them; exact distances only where
    the distance grid's bounds do not rule the point out."""
    cols = x.shape[1]
    inside, lower, upper = _inside(np.broadcast_to(pref[:, None], x.shape), x, y)
    first_in = _first_true(inside)
    best_k = first_in.copy()
    best_d = np.where(first_in >= 0, 0.0, np.inf)
    todo = np.nonzero(first_in < 0)[0]  # no point inside: all are outside the footprint
    if len(todo) == 0:
        return best_k, best_d
    # The point with the smallest lower bound is measured first; the minimum is at most its distance,
    # so only points whose lower bound does not exceed that can be (or tie) the minimum.
    lo, xs, ys, pr = lower[todo], x[todo], y[todo], pref[todo]
    each = np.arange(len(todo))
    seed = lo.argmin(axis=1)
    d = np.full((len(todo), cols), np.inf)
    d[each, seed] = _outside_distance(pr, xs[each, seed], ys[each, seed])
    cand = (lo <= d[each, seed][:, None]) & ~np.isnan(xs)
    cand[each, seed] = False
    r, c = np.nonzero(cand)
    if len(r):
        d[r, c] = _outside_distance(pr[r], xs[r, c], ys[r, c])
    best_k[todo] = d.argmin(axis=1)
    best_d[todo] = d[np.arange(len(todo)), best_k[todo]]
    return best_k, best_d


def _segments(ax, ay, bx, by) -> np.ndarray:
    """LineStrings of the segments (ax, ay)-(bx, by)."""
    return shapely.linestrings(np.stack([np.column_stack([ax, ay]), np.column_stack([bx, by])], axis=1))


def _chord_bounds(pref, ax, ay, bx, by) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) bounds of the distance from the segment a-b to footprint ``pref``: the signed
    distance is 1-Lipschitz, so along a segment of length L it is at least (lower(a) + lower(b) - L) / 2."""
    la, ua = _distance_grid.bounds(pref, ax, ay)
    lb, ub = _distance_grid.bounds(pref, bx, by)
    return 0.5 * (la + lb - np.hypot(bx - ax, by - ay)), np.minimum(ua, ub)


def _track_pairs(keep: np.ndarray, X: np.ndarray, Y: np.ndarray, corridor_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Keys (row * 47 + footprint) of the tracks whose kept coarse polyline lies within ``corridor_m``
    of a footprint, and of those that intersect one: footprint_tree().query(lines, "dwithin") and
    (lines, "intersects"), decided chord by chord from the distance grid's bounds, with exact
    shapely tests only on the chords that the bounds leave open."""
    n_prefs = len(_footprints()[0])
    g = _distance_grid.grid()
    r, k = np.nonzero(keep[:, :-1] & keep[:, 1:])
    ax, ay, bx, by = X[r, k], Y[r, k], X[r, k + 1], Y[r, k + 1]
    # Candidates: the footprints the grid lists at either end. One it lists at neither is farther than
    # reach - slack from both ends, so at least reach - slack - L/2 from the chord; where that is not
    # beyond the corridor (long chords, wide corridors), every footprint is a candidate.
    pa, fa = _distance_grid.near(ax, ay)
    pb, fb = _distance_grid.near(bx, by)
    wide = np.nonzero(g.reach_m - g.slack_m - 0.5 * np.hypot(bx - ax, by - ay) <= corridor_m)[0]
    chord = np.concatenate([pa, pb, np.repeat(wide, n_prefs)])
    pref = np.concatenate([fa, fb, np.tile(np.arange(n_prefs), len(wide))])
    key = _unique(chord * n_prefs + pref)[0]
    chord, pref = key // n_prefs, key % n_prefs
    lower, upper = _chord_bounds(pref, ax[chord], ay[chord], bx[chord], by[chord])
    pair = r[chord] * n_prefs + pref

    def decide(limit: float, predicate) -> np.ndarray:
        sure = _unique(pair[upper <= limit])[0]  # an end within the limit (or inside: limit 0)
        open_ = np.nonzero((lower <= limit) & ~_isin(pair, sure))[0]
        if len(open_) == 0:
            return sure
        c = chord[open_]
        hit = predicate(_footprints()[0][pref[open_]], _segments(ax[c], ay[c], bx[c], by[c]))
        return _unique(np.concatenate([sure, pair[open_][hit]]))[0]

    corridor = decide(corridor_m, lambda a, b: shapely.dwithin(a, b, corridor_m))
    crossed = decide(0.0, shapely.intersects)
    return corridor, crossed


def assess(trajs: Trajectories, launch_times: list[datetime], model: AlertModel = AlertModel()) -> list[Assessment]:
    """Assess every trajectory of the batch (all must be valid).

    ``launch_times`` (timezone-aware) are used only to word the clock times in the
    messages; every time in the result is in seconds after launch.
    """
    n = len(trajs)
    if n == 0:
        return []
    prefs = geo.prefectures()
    fps = _footprints()[0]

    t, lat, lon, alt = trajs.sample(COARSE_STEP_S)
    valid = ~np.isnan(lat)
    count = valid.sum(axis=1)  # valid samples are a prefix of each row
    reach = max(model.corridor_km, model.impact_radius_km) * 1000.0 + 2.0 * COARSE_STEP_M
    near = _maybe_near(lon, lat, reach) & valid
    first, last = _first_true(near), _last_true(near)
    has = first >= 0
    lo = np.where(has, np.maximum(first - 1, 0), 0)
    hi = np.where(has, np.minimum(last + 1, count - 1), -1)

    # The projected coarse samples of each kept range: X, Y (n, m), NaN outside the range.
    cols = np.arange(t.shape[1])[None, :]
    keep = (cols >= lo[:, None]) & (cols <= hi[:, None])
    X, Y = _project(np.where(keep, lat, np.nan), np.where(keep, lon, np.nan))
    ix, iy = geo.to_xy(trajs.impact_lon, trajs.impact_lat)
    impact_points = shapely.points(ix, iy)
    corridor, crossed = _track_pairs(keep, X, Y, model.corridor_km * 1000.0)

    # The same pairs as footprint_tree().query(points, predicate), found the other way round: the
    # predicates are symmetric, and a prepared footprint tests a point much faster than the reverse.
    point_tree = shapely.STRtree(impact_points)

    def keys(q: np.ndarray) -> np.ndarray:
        return _unique(q[1].astype(np.int64) * len(prefs) + q[0])[0]

    near_impact = keys(point_tree.query(fps, predicate="dwithin", distance=model.impact_radius_km * 1000.0))
    hit = keys(point_tree.query(fps, predicate="intersects"))
    warned = _unique(np.concatenate([corridor, near_impact, hit]))[0]  # sorted: by trajectory, then prefecture
    p_row, p_pref = warned // len(prefs), warned % len(prefs)
    p_crossed, p_hit, p_near = _isin(warned, crossed), _isin(warned, hit), _isin(warned, near_impact)
    flight = trajs.flight_time_s

    crossing = _crossings(trajs, t, X, Y, count, flight, p_row[p_crossed], p_pref[p_crossed])
    crossing_of = {p: c for p, c in zip(np.nonzero(p_crossed)[0].tolist(), crossing) if c is not None}
    # Where the track enters the footprint its nearest approach is the entry; elsewhere search for it.
    closest_s, closest_km = [0.0] * len(warned), [0.0] * len(warned)
    for p, c in crossing_of.items():
        closest_s[p] = c[0]
    search = np.array([p not in crossing_of for p in range(len(warned))], dtype=bool)
    found_s, found_km = _closest(trajs, t, X, Y, count, flight, p_row[search], p_pref[search])
    for p, s_, km in zip(np.nonzero(search)[0].tolist(), found_s, found_km):
        closest_s[p], closest_km[p] = s_, km

    impacts = _Impacts(trajs.impact_lat, trajs.impact_lon, flight, prefs)
    hit_sets: list[set[int]] = [set() for _ in range(n)]
    for a, b in zip((hit // len(prefs)).tolist(), (hit % len(prefs)).tolist()):
        hit_sets[a].add(b)
    # Per trajectory: its pairs' alerts, then (once all exit fixes are known) the impacts, then the words.
    starts = np.searchsorted(p_row, np.arange(n + 1)).tolist()
    pair_pref = [prefs[j] for j in p_pref.tolist()]
    pair_hit, pair_near = p_hit.tolist(), p_near.tolist()
    flights = flight.tolist()
    warned_alerts, spans = [], []
    for i in range(n):
        alerts, crossings = [], []
        for p in range(starts[i], starts[i + 1]):
            cross = crossing_of.get(p)
            alert = prefecture_alert(pair_pref[p], model, flights[i], cross, closest_s[p], closest_km[p],
                                     pair_hit[p], pair_near[p])
            if alert is not None:
                alerts.append(alert)
                crossings.append(cross)
        warned_alerts.append(alerts)
        spans.append(overflight_span(crossings))
    all_impacts = impacts.build(hit_sets, [span[2] for span in spans])
    results = []
    launch_lat, launch_lon = trajs.launch_lat.tolist(), trajs.launch_lon.tolist()
    for i, (alerts, (first_entry, last_exit, _), impact) in enumerate(zip(warned_alerts, spans, all_impacts)):
        msgs, summary = compose(alerts, impact, launch_lat[i], launch_lon[i], launch_times[i], model, prefs)
        results.append(Assessment(
            alerts=tuple(alerts), impact=impact, messages=tuple(msgs),
            overflight_start_s=first_entry, overflight_end_s=last_exit,
            summary_ja=summary[0], summary_en=summary[1],
        ))
    return results


def _closest(trajs, t, X, Y, count, flight, rows, prefs_idx):
    """(time_s, distance_km) lists of the ground track's nearest approach, per pair."""
    if len(rows) == 0:
        return [], []
    k, d = _min_distance(prefs_idx, X[rows], Y[rows])
    out_s = t[rows, k].astype(float)
    out_km = np.zeros(len(rows))
    far = np.nonzero(d > 0.0)[0]
    if len(far):
        fr = rows[far]
        lo = t[fr, np.maximum(k[far] - 1, 0)]
        hi = t[fr, np.minimum(k[far] + 1, count[fr] - 1)]
        fine_t, _ = _fine_grid(lo, hi, flight[fr])
        flat, flon, _ = trajs.select(fr).positions_at(fine_t)
        fx, fy = _project(flat, flon)
        m, fd = _min_distance(prefs_idx[far], fx, fy)
        out_s[far] = fine_t[np.arange(len(far)), m]
        out_km[far] = fd / 1000.0
    return out_s.tolist(), out_km.tolist()


#: A 1 s sample lies within 36 m of the chord between the 10 s samples around it (measured on
#: 900 varied trajectories, projected): a chord farther than this from a footprint has no sample in it.
_CHORD_SLACK_M = 2000.0


def _crossings(trajs, t, X, Y, count, flight, rows, prefs_idx):
    """Per crossed pair: its Crossing, or None.

    The oracle tests every 1 s sample of the window for being inside; only the first and
    the last inside sample matter (and the altitude there: along a ballistic arc it rises then
    falls, so its minimum over the samples between them is at one of them). Each 10 s step of
    the window is a chord; only chords within _CHORD_SLACK_M of the footprint can hold inside
    samples, and they are searched from the start for the first and from the end for the last.
    """
    out: list = [None] * len(rows)
    if len(rows) == 0:
        return out
    b = _footprints()[1][prefs_idx][:, None, :]
    xs, ys = X[rows], Y[rows]
    with np.errstate(invalid="ignore"):
        near = ((xs > b[..., 0] - COARSE_STEP_M) & (xs < b[..., 2] + COARSE_STEP_M)
                & (ys > b[..., 1] - COARSE_STEP_M) & (ys < b[..., 3] + COARSE_STEP_M))
    k0, k1 = _first_true(near), _last_true(near)
    go = np.nonzero(k0 >= 0)[0]
    if len(go) == 0:
        return out
    gr, pref = rows[go], prefs_idx[go]
    c_lo = np.maximum(k0[go] - 1, 0)
    c_hi = np.minimum(k1[go] + 1, count[gr] - 1)
    t0, fl = t[gr, c_lo], flight[gr]
    width = np.ceil((t[gr, c_hi] + FINE_STEP_S - t0) / FINE_STEP_S).astype(int)  # len(fine_t) of the oracle

    # The chords of the window and the 1 s samples each spans (indices into the oracle's fine_t).
    nseg = c_hi - c_lo
    seg_pair = np.repeat(np.arange(len(go)), nseg)
    seg_c = c_lo[seg_pair] + (np.arange(nseg.sum()) - np.repeat(np.cumsum(nseg) - nseg, nseg))
    seg_row = gr[seg_pair]
    # The chords within _CHORD_SLACK_M of the footprint; exact tests only where the grid's bounds are open.
    ax, ay, bx, by = X[seg_row, seg_c], Y[seg_row, seg_c], X[seg_row, seg_c + 1], Y[seg_row, seg_c + 1]
    lower, upper = _chord_bounds(pref[seg_pair], ax, ay, bx, by)
    cand = upper <= _CHORD_SLACK_M
    open_ = np.nonzero((lower <= _CHORD_SLACK_M) & ~cand)[0]
    if len(open_):
        lines = _segments(ax[open_], ay[open_], bx[open_], by[open_])
        cand[open_] = shapely.dwithin(_footprints()[0][pref[seg_pair[open_]]], lines, _CHORD_SLACK_M)
    f_lo = np.rint((t[seg_row, seg_c] - t0[seg_pair]) / FINE_STEP_S).astype(int)
    f_hi = np.minimum(np.ceil((t[seg_row, seg_c + 1] - t0[seg_pair]) / FINE_STEP_S).astype(int), width[seg_pair] - 1)
    seg_pair, f_lo, f_hi = seg_pair[cand], f_lo[cand], f_hi[cand]

    def fine_time(q, f):
        return np.clip(t0[q] + f * FINE_STEP_S, 0.0, fl[q])

    def search(order):
        """First (order=1) or last (order=-1) inside sample per pair: (index, lat, lon, alt), -1 if none."""
        found = np.full(len(go), -1)
        at = np.full((len(go), 3), np.nan)
        segs = np.arange(len(seg_pair))[::order]
        while len(segs):
            # The next candidate chord of every pair still searching.
            pairs, first = _unique(seg_pair[segs])
            take = segs[first]
            span = f_hi[take] - f_lo[take] + 1
            cols = np.arange(span.max())
            f = f_lo[take][:, None] + cols[None, :]
            valid = cols[None, :] < span[:, None]
            times = np.where(valid, fine_time(pairs[:, None], f), np.nan)
            lat, lon, alt = trajs.select(gr[pairs]).positions_at(times)
            x, y = _project(lat, lon)
            inside = _inside(np.broadcast_to(pref[pairs][:, None], x.shape), x, y)[0]
            hit = inside.any(axis=1)
            k = _first_true(inside) if order == 1 else _last_true(inside)
            h = np.nonzero(hit)[0]
            found[pairs[h]] = f[h, k[h]]
            at[pairs[h]] = np.column_stack([lat[h, k[h]], lon[h, k[h]], alt[h, k[h]]])
            # This chord is searched: drop it, and every chord of the pairs that found their sample.
            segs = segs[_isin(seg_pair[segs], pairs[~hit]) & ~_isin(segs, np.sort(take))]
        return found, at

    a, at_a = search(1)
    z, at_z = search(-1)
    ok = np.nonzero(a >= 0)[0]
    if len(ok) == 0:
        return out
    a, z, at_a, at_z, width = a[ok], z[ok], at_a[ok], at_z[ok], width[ok]
    # Bisection of every boundary at once: entries then exits.
    refine_in = np.nonzero(a > 0)[0]
    refine_out = np.nonzero(z < width - 1)[0]
    q_in, q_out = ok[refine_in], ok[refine_out]
    t_out = np.concatenate([fine_time(q_in, a[refine_in] - 1), fine_time(q_out, z[refine_out] + 1)])
    t_in = np.concatenate([fine_time(q_in, a[refine_in]), fine_time(q_out, z[refine_out])])
    which = np.concatenate([q_in, q_out])
    entry, exit_ = fine_time(ok, a), fine_time(ok, z)
    if len(which):
        bis = trajs.select(gr[which])
        for _ in range(BISECTIONS):
            mid = 0.5 * (t_out + t_in)
            mlat, mlon, _ = bis.positions_at(mid[:, None])
            mx, my = geo.to_xy(mlon[:, 0], mlat[:, 0])
            inn = _inside(pref[which], mx, my)[0]
            t_in = np.where(inn, mid, t_in)
            t_out = np.where(inn, t_out, mid)
        refined = 0.5 * (t_out + t_in)
        entry[refine_in] = refined[: len(refine_in)]
        exit_[refine_out] = refined[len(refine_in):]
    _, _, ealt = trajs.select(gr[ok]).positions_at(np.column_stack([entry, exit_]))
    min_alt = np.minimum(np.minimum(at_a[:, 2], at_z[:, 2]), np.nanmin(ealt, axis=1))
    for q, g in enumerate(go[ok].tolist()):
        out[g] = Crossing(float(entry[q]), float(exit_[q]), max(float(min_alt[q]), 0.0),
                          (float(at_z[q, 0]), float(at_z[q, 1])))
    return out


# --------------------------------------------------------------------------- the impact point


class _Impacts:
    """Where every impact point lies (land, territorial sea, EEZ, sea): one call of each of
    geo's array look-ups for all points; ``build(hits, exit_fixes)`` makes every point's Impact,
    with one nearest_landmarks call and one geodesic call for all of them."""

    def __init__(self, lat, lon, time_s, prefs):
        self.lat_deg, self.lon_deg = np.asarray(lat, float), np.asarray(lon, float)
        self.lat, self.lon, self.time_s, self.prefs = lat.tolist(), lon.tolist(), time_s.tolist(), prefs
        self.on_land = geo.prefecture_indices_at(lat, lon).tolist()
        self.territorial = geo.territorial_sea_mask(lat, lon).tolist()
        self.eez = [status.value for status in geo.eez_statuses(lat, lon)]
        self.sea, self.country = geo.seas_and_countries_at(lat, lon)

    def build(self, hits: list[set[int]], exit_fixes: list[tuple[float, float] | None]) -> list[Impact]:
        """Every point's Impact; ``hits[i]``: the footprints point i falls in; ``exit_fixes[i]``: where
        its track last left Japan, or None."""
        # For an overflight the government describes the fall from where the path left Japan,
        # otherwise from the landmark nearest the impact.
        ref_lat, ref_lon = self.lat_deg.copy(), self.lon_deg.copy()
        for i, fix in enumerate(exit_fixes):
            if fix is not None:
                ref_lat[i], ref_lon[i] = fix
        refs = nearest_landmarks(ref_lat, ref_lon)
        # describe_point(lat, lon, reference) for every point in one call
        az, _, dist = GEOD.inv(np.array([m.lon for m in refs]), np.array([m.lat for m in refs]), self.lon_deg, self.lat_deg)
        prefs, on_land, territorial, eez, sea_of = self.prefs, self.on_land, self.territorial, self.eez, self.sea
        out = []
        for i, (lat, lon, time_s, ref, az12, dist_m) in enumerate(
                zip(self.lat, self.lon, self.time_s, refs, az.tolist(), dist.tolist())):
            land = on_land[i]
            code = None
            if territorial[i]:
                hit = hits[i]
                code = prefs[land].code if land >= 0 else (prefs[min(hit)].code if hit else None)
            distance_km = dist_m / 1000.0
            direction, _, text_en, text_ja = wording(ref, distance_km, az12 % 360.0)
            sea, country = sea_of[i], self.country[i]
            out.append(Impact(
                lat=lat, lon=lon, time_s=time_s, prefecture_code=code, on_land=land >= 0,
                in_territorial_sea=territorial[i], eez_status=eez[i],
                sea=sea.name if sea else None, sea_ja=sea.name_ja if sea else None,
                country=country.name if country else None, country_ja=country.name_ja if country else None,
                description=text_en, description_ja=text_ja,
                landmark=ref.name, distance_km=distance_km, direction=direction,
            ))
        return out
