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
  (geometry.maybe_near); the track from one sample before the first of them to
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
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import numpy as np

from .. import geo
from ..physics.trajectories import Trajectories
from .arrays import first_true, isin, last_true, unique
from .compose import compose
from .crossings import CoarseSamples, closest, crossings
from .geometry import impact_pairs, maybe_near, project, track_pairs
from .impacts import Impacts
from .model import (
    COARSE_STEP_M, COARSE_STEP_S, AlertModel, Approach, Assessment, Crossing, Launch, PrefectureAlert,
    overflight_span, prefecture_alert,
)


def assess(trajs: Trajectories, launch_times: list[datetime], model: AlertModel = AlertModel()) -> list[Assessment]:
    """Assess every trajectory of the batch (all must be valid).

    ``launch_times`` (timezone-aware) are used only to word the clock times in the
    messages; every time in the result is in seconds after launch.
    """
    n = len(trajs)
    if n == 0:
        return []
    prefs = geo.prefectures()
    coarse = _coarse_samples(trajs, model)
    pairs = _warned_pairs(coarse, model)
    approaches = _approaches(coarse, pairs)
    impacts = Impacts(trajs.impact_lat, trajs.impact_lon, coarse.flight_s, prefs)
    # Per trajectory: its pairs' alerts, then (once all exit fixes are known) the impacts, then the words.
    warned_alerts, spans = _prefecture_alerts(pairs, approaches, model, coarse.flight_s.tolist(), prefs)
    all_impacts = impacts.build(_hit_sets(pairs, n), [span[2] for span in spans])
    results = []
    launch_lat, launch_lon = trajs.launch_lat.tolist(), trajs.launch_lon.tolist()
    for i, (alerts, (first_entry, last_exit, _), impact) in enumerate(zip(warned_alerts, spans, all_impacts)):
        msgs, summary = compose(alerts, impact, Launch(launch_lat[i], launch_lon[i], launch_times[i]), model, prefs)
        results.append(Assessment(
            alerts=tuple(alerts), impact=impact, messages=tuple(msgs),
            overflight_start_s=first_entry, overflight_end_s=last_exit,
            summary_ja=summary[0], summary_en=summary[1],
        ))
    return results


def _coarse_samples(trajs: Trajectories, model: AlertModel) -> CoarseSamples:
    """The batch's COARSE_STEP_S samples, projected over the range of each row that can matter:
    from one sample before the first that may be within reach of a footprint (the corridor or
    the impact radius, and two coarse steps of ground) to one after the last."""
    t, lat, lon, _ = trajs.sample(COARSE_STEP_S)
    valid = ~np.isnan(lat)
    count = valid.sum(axis=1)  # valid samples are a prefix of each row
    reach = max(model.corridor_km, model.impact_radius_km) * 1000.0 + 2.0 * COARSE_STEP_M
    near = maybe_near(lon, lat, reach) & valid
    first, last = first_true(near), last_true(near)
    has = first >= 0
    lo = np.where(has, np.maximum(first - 1, 0), 0)
    hi = np.where(has, np.minimum(last + 1, count - 1), -1)
    cols = np.arange(t.shape[1])[None, :]
    keep = (cols >= lo[:, None]) & (cols <= hi[:, None])
    X, Y = project(np.where(keep, lat, np.nan), np.where(keep, lon, np.nan))
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


class _Approaches(NamedTuple):
    """Per pair: where the track crosses the footprint (or None), and its nearest approach
    (s after launch, km; the entry and 0 km where it crosses)."""

    crossing: list[Crossing | None]
    closest_s: list[float]
    closest_km: list[float]


def _approaches(coarse: CoarseSamples, pairs: _Pairs) -> _Approaches:
    """The crossings of the crossed pairs, and the nearest approach of every pair."""
    crossed = np.nonzero(pairs.crossed)[0]
    crossing: list[Crossing | None] = [None] * len(pairs.row)
    for p, c in zip(crossed.tolist(), crossings(coarse, pairs.row[crossed], pairs.pref[crossed])):
        crossing[p] = c
    # Where the track enters the footprint its nearest approach is the entry; elsewhere search for it.
    closest_s, closest_km = [0.0] * len(crossing), [0.0] * len(crossing)
    for p, c in enumerate(crossing):
        if c is not None:
            closest_s[p] = c.entry_s
    search = np.array([c is None for c in crossing], dtype=bool)
    found_s, found_km = closest(coarse, pairs.row[search], pairs.pref[search])
    for p, s_, km in zip(np.nonzero(search)[0].tolist(), found_s, found_km):
        closest_s[p], closest_km[p] = s_, km
    return _Approaches(crossing, closest_s, closest_km)


def _prefecture_alerts(pairs: _Pairs, approaches: _Approaches, model: AlertModel, flights: list[float],
                       prefs) -> tuple[list[list[PrefectureAlert]], list[tuple]]:
    """Per trajectory (``flights``: its flight times, s): the alerts of its pairs that the model's
    rule keeps, and overflight_span of their crossings."""
    n = len(flights)
    starts = np.searchsorted(pairs.row, np.arange(n + 1)).tolist()
    pair_pref = [prefs[j] for j in pairs.pref.tolist()]
    pair_hit, pair_near = pairs.hit.tolist(), pairs.near_impact.tolist()
    crossing, closest_s, closest_km = approaches
    warned_alerts, spans = [], []
    for i in range(n):
        alerts, crossed = [], []
        for p in range(starts[i], starts[i + 1]):
            cross = crossing[p]
            alert = prefecture_alert(pair_pref[p], model, flights[i],
                                     Approach(cross, closest_s[p], closest_km[p], pair_hit[p], pair_near[p]))
            if alert is not None:
                alerts.append(alert)
                crossed.append(cross)
        warned_alerts.append(alerts)
        spans.append(overflight_span(crossed))
    return warned_alerts, spans


def _hit_sets(pairs: _Pairs, n: int) -> list[set[int]]:
    """Per trajectory: the footprints its impact point falls in."""
    hit_sets: list[set[int]] = [set() for _ in range(n)]
    for a, b in zip(pairs.row[pairs.hit].tolist(), pairs.pref[pairs.hit].tolist()):
        hit_sets[a].add(b)
    return hit_sets
