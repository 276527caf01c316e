"""The alert engine: which prefectures J-Alert would warn, when, and with what messages, for a
batch of trajectories at once (one scenario is a batch of one).

The model is stated in :mod:`jalert_sim.alerting.model` (its records and the rule that decides
each prefecture's alert); this module computes its quantities with array operations across
all (trajectory, prefecture) pairs of a batch, with its parts beside it: ``geometry`` (the
footprint questions, settled by guaranteed bounds), ``crossings`` (crossings and closest
approaches) and ``impacts`` (the impact points). ``tests/oracle.py`` states the same model one
trajectory at a time, plainly, and tests/test_engine.py checks that both agree (to
floating-point noise) on a few hundred varied scenarios.

What makes it fast without changing any result:

* Only the part of each coarse track that can matter is projected. A cheap
  spherical projection (within 0.5 % of the ellipsoidal one, measured over the
  whole region) finds the samples that may lie within reach of some footprint
  (prefilter.maybe_near); the track from one sample before the first of them to
  one after the last is projected with geo.to_xy, as the oracle projects it. Dropped
  segments lie farther than the corridor (and the impact radius) from every
  footprint, so the tree queries' answers and every minimum below are the same
  as on the whole track.
* Most geometric questions are settled by guaranteed bounds instead of exact
  geometry (geometry): the distance grid (jalert_sim.geo.distance_grid) bounds the signed
  distance from any point to any footprint to within 3.5 km, and along a chord
  of the track the distance cannot fall faster than the chord runs. Exact
  shapely tests run only where the bounds leave the answer open: which chords
  of the polyline are within the corridor or intersect a footprint (the
  oracle's STRtree "dwithin"/"intersects" queries), which samples are inside,
  which samples may be the nearest (then the distance to the nearest piece of
  the footprint's boundary, from a per-footprint tree: the same number GEOS
  gives for the whole polygon).
* Crossings, bisections and closest approaches are done for all pairs at once
  (crossings): one ``positions_at`` call per stage with per-pair time rows.
* The answer is columns (:class:`~.columns.AlertColumns`): arrays over the warned pairs and
  the trajectories. The records (alerts, impact, messages) are made from them only for the
  scenarios someone asks about (:func:`assess`); a CSV or Parquet batch never makes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import numpy as np

from .. import geo
from ..physics.trajectories import Trajectories
from .arrays import first_true, isin, last_true, unique
from .columns import AlertColumns, assessments
from .crossings import CoarseSamples, CrossingColumns, closest, crossings
from .chords import track_pairs
from .geometry import impact_pairs
from .impacts import impact_columns
from .model import (
    COARSE_STEP_M, COARSE_STEP_S, CORRIDOR, IMPACT, NOT_WARNED, OVERFLIGHT, AlertModel, Assessment,
)
from .prefilter import maybe_near


def assess(trajs: Trajectories, launch_times: list[datetime], model: AlertModel = AlertModel()) -> list[Assessment]:
    """Assess every trajectory of the batch (all must be valid), as records.

    ``launch_times`` (timezone-aware) are used only to word the clock times in the
    messages; every time in the result is in seconds after launch.
    """
    if len(trajs) == 0:
        return []
    return assessments(assess_columns(trajs, model), trajs.launch_lat, trajs.launch_lon, launch_times,
                       geo.prefectures())


def assess_columns(trajs: Trajectories, model: AlertModel = AlertModel(), *, detail: bool = True) -> AlertColumns:
    """Assess every trajectory of the batch (all must be valid), as columns.

    ``detail`` False leaves out what only records and the batch's columns show, for callers that
    tally (ensembles, sweeps): the overflights' exits, lowest altitudes and last exit, and the
    impact's landmark and description (worded from the exit point); they are NaN and None.
    Whether and when each prefecture is warned, the entries and the impact point are the same."""
    n = len(trajs)
    coarse = _coarse_samples(trajs, model)
    pairs = _warned_pairs(coarse, model)
    cross, closest_s, closest_km = _approaches(coarse, pairs, detail)
    reason, lead = _rule(pairs, cross, closest_s, closest_km, model, coarse.flight_s)
    k = np.nonzero(reason != NOT_WARNED)[0]
    row = pairs.row[k]
    starts = np.searchsorted(row, np.arange(n + 1))
    first_entry, last_exit, exit_lat, exit_lon = _spans(row, cross.crossed[k], cross.entry_s[k], cross.exit_s[k],
                                                        cross.last_lat[k], cross.last_lon[k], n)
    hit_pref = np.full(n, -1)
    h = np.nonzero(pairs.hit)[0][::-1]  # the first footprint hit per trajectory is written last
    hit_pref[pairs.row[h]] = pairs.pref[h]
    impact = impact_columns(trajs.impact_lat, trajs.impact_lon, coarse.flight_s, hit_pref, exit_lat, exit_lon,
                            describe=detail)
    return AlertColumns(row, pairs.pref[k], reason[k], cross.entry_s[k], cross.exit_s[k], cross.min_altitude_km[k],
                        closest_s[k], closest_km[k], lead[k], starts, first_entry, last_exit, impact, model)


#: Batches of fewer trajectories solve every coarse sample (numpy's route); larger ones only those
#: that :mod:`.coarse_look`'s first look leaves, where numba is installed.
LOOK_COMPILED_FROM = 200


def _coarse_samples(trajs: Trajectories, model: AlertModel) -> CoarseSamples:
    """The batch's COARSE_STEP_S samples, projected over the range of each row that can matter:
    from one sample before the first that may be within reach of a footprint (the corridor or
    the impact radius, and two coarse steps of ground) to one after the last. Large batches solve
    only the samples that a first look cannot put surely beyond that reach (.coarse_look), and
    any other in that range."""
    reach = max(model.corridor_km, model.impact_radius_km) * 1000.0 + 2.0 * COARSE_STEP_M
    t = trajs.sample_times(COARSE_STEP_S)
    count = (~np.isnan(t)).sum(axis=1)  # valid samples are a prefix of each row
    looked = None
    if len(trajs) >= LOOK_COMPILED_FROM:
        from .coarse_look import first_look

        looked = first_look(trajs, t, reach)
    if looked is None:
        lat, lon, _ = trajs.positions_at(t)
        near, solved = maybe_near(lon, lat, reach), None
    else:
        lat, lon, near, solved = looked
    first, last = first_true(near), last_true(near)
    has = first >= 0
    lo = np.where(has, np.maximum(first - 1, 0), 0)
    hi = np.where(has, np.minimum(last + 1, count - 1), -1)
    cols = np.arange(t.shape[1])[None, :]
    keep = (cols >= lo[:, None]) & (cols <= hi[:, None])  # (valid: hi < count)
    if solved is not None:
        r, c = np.nonzero(keep & ~solved)
        if len(r):
            flat, flon, _ = trajs.select(r).positions_at(t[r, c][:, None])
            lat[r, c], lon[r, c] = flat[:, 0], flon[:, 0]
    # geometry.project of the kept samples, by flat index (a point's x, y depend on it alone).
    X, Y = np.full(t.shape, np.nan), np.full(t.shape, np.nan)
    at = np.flatnonzero(keep)
    if len(at):
        X.reshape(-1)[at], Y.reshape(-1)[at] = geo.to_xy(np.ravel(lon)[at], np.ravel(lat)[at])
    return CoarseSamples(trajs, t, X, Y, keep, count, trajs.flight_time_s)


class _Pairs(NamedTuple):
    """The (trajectory, footprint) pairs that may be warned, sorted by trajectory then footprint
    (footprint: an index into geo.prefectures()), with what the coarse tests found for each."""

    row: np.ndarray
    pref: np.ndarray
    crossed: np.ndarray  # bool: the coarse polyline intersects the footprint
    hit: np.ndarray  # bool: the impact point is in the footprint
    near_impact: np.ndarray  # bool: the impact point is within the impact radius of it


def _warned_pairs(coarse: CoarseSamples, model: AlertModel) -> _Pairs:
    """The pairs whose coarse polyline comes within the corridor, or whose impact point is in or
    within the impact radius of the footprint."""
    n_prefs = len(geo.prefectures())
    trajs = coarse.trajs
    corridor, crossed = track_pairs(coarse.kept, coarse.x_m, coarse.y_m, model.corridor_km * 1000.0)
    near_impact, hit = impact_pairs(trajs.impact_lon, trajs.impact_lat, model.impact_radius_km * 1000.0)
    warned = unique(np.concatenate([corridor, near_impact, hit]))[0]  # sorted: by trajectory, then prefecture
    return _Pairs(warned // n_prefs, warned % n_prefs, isin(warned, crossed), isin(warned, hit),
                  isin(warned, near_impact))


def _approaches(coarse: CoarseSamples, pairs: _Pairs, exits: bool) -> tuple[CrossingColumns, np.ndarray, np.ndarray]:
    """Per pair: its crossing of the footprint (with its exit if ``exits``), and its nearest approach
    (s after launch, km; the entry and 0 km where it crosses)."""
    cross = CrossingColumns.none(len(pairs.row))
    c = np.nonzero(pairs.crossed)[0]
    found = crossings(coarse, pairs.row[c], pairs.pref[c], exits=exits)
    for mine, theirs in zip(cross, found):
        mine[c] = theirs
    closest_s, closest_km = cross.entry_s.copy(), np.zeros(len(pairs.row))
    # Where the track enters the footprint its nearest approach is the entry; elsewhere search for it.
    search = np.nonzero(~cross.crossed)[0]
    closest_s[search], closest_km[search] = closest(coarse, pairs.row[search], pairs.pref[search])
    return cross, closest_s, closest_km


def _rule(pairs: _Pairs, cross: CrossingColumns, closest_s, closest_km, model: AlertModel, flight_s):
    """model.prefecture_alert for every pair at once: (reason code, NOT_WARNED where the pair is not
    warned; lead time, s). The same arithmetic, so the same bits."""
    impact = pairs.hit | pairs.near_impact
    crossed = cross.crossed
    reason = np.where(impact, IMPACT, np.where(crossed, OVERFLIGHT, np.where(closest_km <= model.corridor_km,
                                                                             CORRIDOR, NOT_WARNED)))
    moment = np.where(impact, flight_s[pairs.row], np.where(crossed, cross.entry_s, closest_s))
    moment = np.where(crossed & (cross.entry_s < moment), cross.entry_s, moment)  # min(moment, entry)
    return reason.astype(np.int8), moment - model.latency_s


def _spans(row, crossed, entry_s, exit_s, last_lat, last_lon, n: int):
    """model.overflight_span per trajectory over its warned pairs (sorted by trajectory): first entry,
    last exit, and the last point inside (lat, lon) of the first pair with that exit; NaN: none."""
    first, last = np.full(n, np.inf), np.full(n, -np.inf)
    c = np.nonzero(crossed)[0]
    r = row[c]
    np.minimum.at(first, r, entry_s[c])
    with np.errstate(invalid="ignore"):  # (exits not computed: NaN, and the span's end with them)
        np.maximum.at(last, r, exit_s[c])
    at_last = c[exit_s[c] == last[r]]
    rows, pos = unique(row[at_last])
    exit_lat, exit_lon = np.full(n, np.nan), np.full(n, np.nan)
    exit_lat[rows], exit_lon[rows] = last_lat[at_last[pos]], last_lon[at_last[pos]]
    return np.where(np.isinf(first), np.nan, first), np.where(np.isinf(last), np.nan, last), exit_lat, exit_lon
