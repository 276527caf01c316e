"""The alert engine (alerting.engine.assess) says what the oracle (tests/oracle.py) says.

The oracle states the model one trajectory at a time; the engine computes the
same crossings, bisections, closest approaches and impact descriptions across all
(trajectory, prefecture) pairs at once. Both run here on the same solved trajectories:
a few hundred varied scenarios (every catalogue launch site, all azimuths, low to
lofted apogees, minimum energy and given ranges) under the default model and a wide
one, and must agree field by field (floats to 1e-9: the bisections evaluate the
trajectory in batches of different composition).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

import numpy as np
import pytest
import shapely

from jalert_sim import geo
from jalert_sim.alerting import engine
from jalert_sim.alerting.geometry import maybe_near
from jalert_sim.alerting.impacts import EEZ_STATUSES, impact_columns
from jalert_sim.alerting.model import AlertModel
from jalert_sim.earth import JST
from jalert_sim.geo.places import launch_sites
from jalert_sim.physics.trajectories import solve

import oracle
from docdiff import differences
from floats import assert_same


def _trajectories(n: int, seed: int):
    rng = np.random.default_rng(seed)
    sites = launch_sites()
    pick = rng.integers(0, len(sites), n)
    lat = np.array([sites[k].lat for k in pick]) + rng.normal(0, 0.3, n)
    lon = np.array([sites[k].lon for k in pick]) + rng.normal(0, 0.3, n)
    az = rng.uniform(0, 360, n)
    az[: n // 2] = rng.uniform(40, 200, n // 2)  # half of them towards Japan
    apogee = rng.uniform(100, 1500, n)
    rng_km = np.where(rng.random(n) < 0.3, np.nan, rng.uniform(300, 6000, n))
    lofted = rng.random(n) < 0.1
    apogee[lofted], rng_km[lofted] = rng.uniform(3000, 7000, lofted.sum()), rng.uniform(600, 1200, lofted.sum())
    trajs = solve(lat, lon, az, apogee, rng_km, errors="mask")
    good = trajs.select(np.nonzero(trajs.ok)[0])
    start = datetime(2024, 5, 1, 6, 0, tzinfo=JST)
    return good, [start] * len(good)


def _plain(assessment) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(assessment), default=str, ensure_ascii=False))


@pytest.mark.parametrize(
    "n, seed, model",
    [
        (170, 11, AlertModel()),
        (50, 12, AlertModel(corridor_km=300.0, impact_radius_km=200.0, latency_s=90.0)),
    ],
)
def test_engine_equals_oracle(n, seed, model):
    trajs, times = _trajectories(n, seed)
    fast, ref = engine.assess(trajs, times, model), oracle.assess(trajs, times, model)
    assert len(fast) == len(ref) > 0.7 * n
    warned = sum(bool(a.alerts) for a in ref)
    crossed = sum(any(p.overflight_start_s is not None for p in a.alerts) for a in ref)
    assert warned > 0.2 * len(ref) and crossed > 0.1 * len(ref)  # the set exercises every branch
    for k, (a, b) in enumerate(zip(fast, ref)):
        diffs = differences(_plain(a), _plain(b))
        assert not diffs, f"trajectory {k}: " + "; ".join(diffs[:5])


def test_impact_lookups_equal_the_scalar_ones():
    """impact_columns hold, per point, what the oracle's _impact asks the scalar look-ups (the array
    look-ups themselves are checked in tests/test_geo.py)."""
    rng = np.random.default_rng(3)
    lat = np.concatenate([rng.uniform(20, 48, 300), rng.uniform(-5, 70, 100)])
    lon = np.concatenate([rng.uniform(122, 155, 300), rng.uniform(95, 200, 100)])
    lon = (lon + 180.0) % 360.0 - 180.0
    prefs = geo.prefectures()
    none = np.full(len(lat), np.nan)
    impacts = impact_columns(lat, lon, np.full(len(lat), 600.0), np.full(len(lat), -1), none, none)
    for k in range(len(lat)):
        la, lo = float(lat[k]), float(lon[k])
        pref = geo.prefecture_at(la, lo)
        assert impacts.on_land[k] == (pref is not None)
        territorial = geo.in_territorial_sea(la, lo)
        assert impacts.in_territorial_sea[k] == territorial
        assert impacts.prefecture[k] == (prefs.index(pref) if pref is not None and territorial else -1)
        assert EEZ_STATUSES[impacts.eez[k]] == geo.eez_status(la, lo).value
        assert impacts.sea[k] == geo.sea_at(la, lo)


@pytest.mark.parametrize("reach_km", [30.0, 210.0, 3000.0])
def test_prefilter_keeps_every_point_within_reach(reach_km):
    """maybe_near may keep too much, never too little: every point whose exact distance (in the
    projection) to some footprint is within the reach is kept; points far beyond it are dropped."""
    rng = np.random.default_rng(int(reach_km))
    lat = np.concatenate([rng.uniform(20, 50, 4000), rng.uniform(-10, 80, 2000), [np.nan]])
    lon = np.concatenate([rng.uniform(120, 160, 4000), rng.uniform(60, 240, 2000), [140.0]])
    lon = (lon + 180.0) % 360.0 - 180.0
    kept = maybe_near(lon, lat, reach_km * 1000.0)
    x, y = geo.to_xy(lon, lat)
    union = shapely.union_all([p.footprint_xy for p in geo.prefectures()])
    distance_km = np.append(shapely.distance(union, shapely.points(x[:-1], y[:-1])) / 1000.0, np.inf)
    within = distance_km <= reach_km
    assert within.sum() > 100 and (distance_km > reach_km + 300.0).sum() > 100
    assert np.all(kept[within])
    assert not kept[-1]  # NaN
    # It works on the footprints' bounding boxes, with a slack for its approximate projection (10 km
    # and 1.5 % of the distance from the centre, bounded per box) and its 10 km cells: points beyond
    # every box by more than the reach plus ~100 km along x or y are dropped.
    b = np.array([shapely.bounds(p.footprint_xy) for p in geo.prefectures()])[:, :, None]
    beyond_x = np.maximum(np.maximum(b[:, 0] - x, x - b[:, 2]), 0.0)
    beyond_y = np.maximum(np.maximum(b[:, 1] - y, y - b[:, 3]), 0.0)
    box_km = np.maximum(beyond_x, beyond_y).min(axis=0) / 1000.0  # the farther axis, to the nearest box
    assert not kept[box_km > 1.03 * reach_km + 120.0].any()


def test_a_crossing_shorter_than_a_sample_is_an_overflight():
    """Issue 15: this depressed arc cuts a corner of Toyama's land in under a second, between two
    1 s samples. Sampled every 0.01 s on the exact trajectory it is inside from ~313.1 to ~313.9 s;
    engine and oracle both report the crossing (not a corridor alert at 0.86 km)."""
    site = geo.launch_site("kusong")
    trajs = solve(site.lat, site.lon, 108.09, 131.4, 7027.2)
    toyama = geo.prefectures().index(geo.prefecture("16"))
    t = np.arange(312.0, 315.0, 0.01)
    lat, lon, _ = trajs.positions_at(t)
    x, y = geo.to_xy(lon[0], lat[0])
    inside = shapely.contains_xy(geo.prefectures()[toyama].footprint_xy, x, y)
    assert inside.any() and not inside[t == np.floor(t)].any()  # no whole second is inside
    start = datetime(2024, 5, 1, 6, 0, tzinfo=JST)
    fast, = engine.assess(trajs, [start])
    ref, = oracle.assess(trajs, [start])
    assert not differences(_plain(fast), _plain(ref))
    alert = next(a for a in fast.alerts if a.code == "16")
    assert alert.reason == "overflight"
    assert abs(alert.overflight_start_s - t[inside][0]) < 0.02 and abs(alert.overflight_end_s - t[inside][-1]) < 0.02


def test_a_free_flight_sample_lies_near_its_chord_at_its_time():
    """The compiled search (alerting.search) settles a fine sample as outside when the point of its
    chord at its time (the chord's ends weighted by time) lies more than _CHORD_SLACK_M outside the
    footprint: that needs every free-flight 1 s sample within the slack of that point. Measured on
    every chord of varied tracks (lofted ones among them) kept with a 1,000 km corridor: under 100 m,
    a twentieth of the slack."""
    from jalert_sim.alerting import crossings
    from jalert_sim.alerting.geometry import project

    trajs, _ = _trajectories(800, 21)
    coarse = engine._coarse_samples(trajs, AlertModel(corridor_km=1000.0))
    r, k = np.nonzero(coarse.kept[:, :-1] & coarse.kept[:, 1:])
    ta, tb = coarse.t_s[r, k], coarse.t_s[r, k + 1]
    free = ta >= trajs.burnout_time_s[r]
    r, k, ta, tb = r[free], k[free], ta[free], tb[free]
    assert len(r) > 50_000 and (tb - ta < 10.0).sum() > 300  # last chords, to the impact, among them
    t = np.minimum(ta[:, None] + np.arange(11.0)[None, :], tb[:, None])
    lat, lon, _ = trajs.select(r).positions_at(t)
    x, y = project(lat, lon)
    u = (t - ta[:, None]) / (tb - ta)[:, None]
    ax, ay, bx, by = (v[:, None] for v in (coarse.x_m[r, k], coarse.y_m[r, k], coarse.x_m[r, k + 1], coarse.y_m[r, k + 1]))
    off = np.hypot(ax + u * (bx - ax) - x, ay + u * (by - ay) - y)
    assert 20.0 < np.nanmax(off) < crossings._CHORD_SLACK_M / 20


@pytest.mark.parametrize("route", ["numpy", "compiled"])
def test_searching_chords_beyond_the_slack_changes_no_crossing(route):
    """The crossing search is given every chord that may lie within _CHORD_SLACK_M of the footprint
    (the distance grid's bounds, then the chord kernel where it runs), some of which lie farther:
    the first and last inside samples (and their positions, floats.assert_same) are those found
    on the chords within the slack alone (shapely's exact distance)."""
    from jalert_sim.alerting import crossings
    from jalert_sim.alerting.geometry import footprints, segments
    from jalert_sim.compiling import numpy_only

    if route == "compiled":
        pytest.importorskip("numba")
    trajs, _ = _trajectories(400, 21)
    with numpy_only(route == "numpy"):
        coarse = engine._coarse_samples(trajs, AlertModel())
        pairs = engine._warned_pairs(coarse, AlertModel())
        c = np.nonzero(pairs.crossed)[0]
        win = crossings._windows(coarse, pairs.row[c], pairs.pref[c])
        given = crossings._near_chords(coarse, win)
    # The chords' ends: the window's coarse samples at the chords' first fine samples.
    t = win.t0_s[given.window] + given.f_lo * 1.0
    col = np.rint(t / 10.0).astype(int)
    row = win.row[given.window]
    assert np.array_equal(coarse.t_s[row, col], t)  # (coarse samples every 10 s from launch)
    ax, ay, bx, by = coarse.x_m[row, col], coarse.y_m[row, col], coarse.x_m[row, col + 1], coarse.y_m[row, col + 1]
    near = shapely.dwithin(footprints().shapes[win.pref[given.window]], segments(ax, ay, bx, by),
                           crossings._CHORD_SLACK_M)
    beyond = (~near).sum()
    assert 0.05 * len(near) < beyond if route == "numpy" else 0 < beyond < 0.05 * len(near)
    exact = crossings._Chords(*(v[near] for v in given))
    for order in (1, -1):
        got = crossings._search(trajs, win, given, order, compiled=False)
        want = crossings._search(trajs, win, exact, order, compiled=False)
        assert (want[0] >= 0).sum() > 50
        for a, b in zip(got, want):
            assert_same(a, b)
