"""The compiled kernels (alerting.kernels, numba) give what their numpy twins give, on the same
inputs; and a single run never imports numba."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pyproj
import pytest

from jalert_sim.alerting.geometry import maybe_near

from floats import assert_same

numba = pytest.importorskip("numba")


@pytest.mark.parametrize("reach_km", [0.0, 210.0, 3000.0])
def test_maybe_near_compiled_equals_numpy(reach_km):
    rng = np.random.default_rng(int(reach_km) + 1)
    lat = np.concatenate([rng.uniform(20, 50, 40000), rng.uniform(-89, 89, 20000)]).reshape(300, 200)
    lon = np.concatenate([rng.uniform(120, 160, 40000), rng.uniform(-180, 360, 20000)]).reshape(300, 200)
    lat[::7, 150:] = np.nan  # padded rows, as sampled tracks have
    lon[::7, 150:] = np.nan
    fast = maybe_near(lon, lat, reach_km * 1000.0, compiled=True)
    slow = maybe_near(lon, lat, reach_km * 1000.0, compiled=False)
    assert fast.sum() > 1000 and (~fast).sum() > 1000  # both answers occur
    np.testing.assert_array_equal(fast, slow)


def test_run_does_not_import_numba():
    code = ("import sys, jalert_sim; r = jalert_sim.simulate('sunan', 80, 600); "
            "print('numba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def _solved(n: int, seed: int, lat, lon, azimuth, apogee_km, range_km):
    """``n`` trajectories drawn uniformly from the (low, high) bounds given, a fifth of them
    minimum-energy (no range); the ones that can be flown, solved."""
    from jalert_sim.physics.trajectories import solve

    rng = np.random.default_rng(seed)
    rng_km = np.where(rng.random(n) < 0.2, np.nan, rng.uniform(*range_km, n))
    trajs = solve(rng.uniform(*lat, n), rng.uniform(*lon, n), rng.uniform(*azimuth, n), rng.uniform(*apogee_km, n),
                  rng_km, errors="mask")
    return trajs.select(np.nonzero(trajs.ok)[0])


def _ballistic_batch(n: int, seed: int):
    """Varied solved trajectories (minimum-energy, lofted, depressed; long and short) from North Korea."""
    return _solved(n, seed, (38, 42), (124, 130), (0, 360), (80.0, 3000.0), (300.0, 9000.0))


@pytest.mark.parametrize("seed", [1, 2])
def test_track_at_times_equals_numpy(seed):
    """The compiled Kepler kernel gives numpy's bits (floats.assert_same), and the points outside
    ``free`` are NaN."""
    from jalert_sim.physics.geodesy import DEG
    from jalert_sim.physics.tracks import track_at_times

    trajs = _ballistic_batch(800, seed)
    rng = np.random.default_rng(seed)
    e = trajs._ellipses
    span = (trajs.flight_time_s - trajs.burnout_time_s)[:, None]
    t = trajs.burnout_time_s[:, None] + span * rng.uniform(-0.05, 1.05, (len(trajs), 40))
    t[::5, 30:] = trajs.burnout_time_s[::5, None]  # rows padded with one time, as positions_at pads
    free = rng.random(t.shape) < 0.8
    reference = (trajs._lon_sign, trajs._lon_start_rad)
    fast = track_at_times(e, t, free, reference, DEG, compiled=True)
    slow = track_at_times(e, t, free, reference, DEG, compiled=False)
    assert np.isfinite(slow[0]).sum() > 20000 and np.isnan(slow[0]).sum() > 4000
    for a, b in zip(fast, slow):
        assert_same(a, b)  # equal bits, NaN where NaN


def test_grid_bounds_equals_numpy():
    """The compiled distance-grid bounds equal geo.distance_grid.bounds on points near and far
    from the footprints, outside the grid and NaN."""
    import shapely

    from jalert_sim.alerting.geometry import footprints, grid_bounds
    from jalert_sim.geo import distance_grid

    g = distance_grid.grid()
    rng = np.random.default_rng(7)
    n = 60000
    vertices = np.concatenate([shapely.get_coordinates(s) for s in footprints().shapes])
    k = rng.integers(0, len(vertices), n)
    x = np.concatenate([vertices[k, 0] + rng.normal(0, 5000, n),
                        rng.uniform(g.x0_m - 1e5, g.x0_m + g.cell_m * g.nx + 1e5, n)])
    y = np.concatenate([vertices[k, 1] + rng.normal(0, 5000, n),
                        rng.uniform(g.y0_m - 1e5, g.y0_m + g.cell_m * g.ny + 1e5, n)])
    x[::97], y[::89] = np.nan, np.nan
    pref = rng.integers(0, 47, 2 * n).reshape(300, -1)
    x, y = x.reshape(pref.shape), y.reshape(pref.shape)
    fast = grid_bounds(pref, x, y, compiled=True)
    slow = grid_bounds(pref, x, y, compiled=False)
    assert (slow[1] < 0).sum() > 500 and np.isfinite(slow[1]).sum() > 5000  # inside, near and far all occur
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)


def test_boundary_distance_equals_shapely():
    """The compiled point-to-boundary distance is GEOS's number (shapely.distance to the footprint,
    bit for bit) and the boundary trees' (the numpy route), for points outside around every footprint."""
    import shapely

    from jalert_sim.alerting.geometry import _outside_distance, footprints

    fp = footprints()
    rng = np.random.default_rng(11)
    pref = rng.integers(0, 47, 30000)
    box = fp.bounds[pref]
    x = rng.uniform(box[:, 0] - 60000, box[:, 2] + 60000)
    y = rng.uniform(box[:, 1] - 60000, box[:, 3] + 60000)
    out = ~shapely.contains_xy(fp.shapes[pref], x, y)
    pref, x, y = pref[out], x[out], y[out]
    exact = shapely.distance(fp.shapes[pref], shapely.points(x, y))
    fast = _outside_distance(pref, x, y, compiled=True)
    np.testing.assert_array_equal(fast, exact)
    np.testing.assert_array_equal(fast, _outside_distance(pref, x, y, compiled=False))
    x[::50] = np.nan  # NaN points: NaN, as the trees answer nothing for them
    assert np.isnan(_outside_distance(pref, x, y, compiled=True)[::50]).all()


def test_projection_table_equals_numpy():
    """The compiled projection table gives numpy's bits over the whole box, edges included."""
    from jalert_sim.geo.projection import TABLE_BOX_DEG, _interpolate

    rng = np.random.default_rng(5)
    lon_min, lat_min, lon_max, lat_max = TABLE_BOX_DEG
    lon = np.concatenate([rng.uniform(lon_min, lon_max, 50000), [lon_min, lon_max, lon_max, 140.0]])
    lat = np.concatenate([rng.uniform(lat_min, lat_max, 50000), [lat_min, lat_max, 35.0, lat_max]])
    fast = _interpolate(lon, lat, compiled=True)
    slow = _interpolate(lon, lat, compiled=False)
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("limit_m", [2000.0, 22224.0])
def test_chords_within_equals_shapely(limit_m):
    """The compiled chord test answers shapely.dwithin's question for chords across, along, inside
    and beyond the footprints (some within a metre of the limit, which it leaves to shapely)."""
    import shapely

    from jalert_sim.alerting.geometry import chords_within, footprints, segments

    fp = footprints()
    rng = np.random.default_rng(int(limit_m))
    n = 20000
    vertices = np.concatenate([shapely.get_coordinates(s) for s in fp.shapes])
    pref = rng.integers(0, 47, n)
    k = rng.integers(0, len(vertices), n)
    ax, ay = vertices[k, 0] + rng.normal(0, 30000, n), vertices[k, 1] + rng.normal(0, 30000, n)
    heading = rng.uniform(0, 2 * np.pi, n)
    length = rng.uniform(100.0, 40000.0, n)
    bx, by = ax + length * np.cos(heading), ay + length * np.sin(heading)
    exact = shapely.dwithin(fp.shapes[pref], segments(ax, ay, bx, by), limit_m)
    assert 500 < exact.sum() < n - 500, exact.sum()  # both answers occur
    fast = chords_within(pref, ax, ay, bx, by, limit_m, compiled=True)
    np.testing.assert_array_equal(fast, exact)
    # Limits equal to a chord's distance and just below it (the kernel leaves them to shapely).
    d = shapely.distance(fp.shapes[pref], segments(ax, ay, bx, by))
    for i in np.nonzero(d > 1.0)[0][:100]:
        one = (pref[i:i + 1], ax[i:i + 1], ay[i:i + 1], bx[i:i + 1], by[i:i + 1])
        for limit in (d[i], np.nextafter(d[i], 0.0)):
            assert chords_within(*one, limit, compiled=True)[0] == shapely.dwithin(fp.shapes[pref[i]],
                                                                                  segments(*one[1:])[0], limit)


def test_contains_equals_shapely():
    """The compiled point-in-footprint test is shapely.contains_xy's answer: points near every
    footprint's boundary, its vertices (the boundary: not contained) and NaN."""
    import shapely

    from jalert_sim.alerting.geometry import contains, footprints

    fp = footprints()
    rng = np.random.default_rng(13)
    n = 60000
    vertices = np.concatenate([shapely.get_coordinates(s) for s in fp.shapes])
    owner = np.repeat(np.arange(47), [len(shapely.get_coordinates(s)) for s in fp.shapes])
    k = rng.integers(0, len(vertices), n)
    pref = np.where(rng.random(n) < 0.8, owner[k], rng.integers(0, 47, n))
    x = vertices[k, 0] + rng.normal(0, 2000, n)
    y = vertices[k, 1] + rng.normal(0, 2000, n)
    x[:500], y[:500], pref[:500] = vertices[k[:500], 0], vertices[k[:500], 1], owner[k[:500]]  # on vertices
    x[500:600] = np.nan
    exact = shapely.contains_xy(fp.shapes[pref], x, y)
    assert 5000 < exact.sum() < n - 5000
    np.testing.assert_array_equal(contains(pref, x, y, compiled=True), exact)


def _search_inputs(trajs):
    """The engine's coarse samples, crossing windows and candidate chords for ``trajs``."""
    from jalert_sim.alerting import crossings, engine
    from jalert_sim.alerting.model import AlertModel

    coarse = engine._coarse_samples(trajs, AlertModel())
    pairs = engine._warned_pairs(coarse, AlertModel())
    c = np.nonzero(pairs.crossed)[0]
    win = crossings._windows(coarse, pairs.row[c], pairs.pref[c])
    return coarse, win, crossings._near_chords(coarse, win)


def _toward_japan(n: int, seed: int):
    """Solved trajectories from North Korea toward and over Japan (their crossings after burnout)."""
    return _solved(n, seed, (38.5, 42), (124.5, 130), (50, 190), (300.0, 1500.0), (600.0, 5000.0))


def test_windows_kernel_equals_numpy():
    """The compiled kernel finds numpy's crossing windows: every warned pair's, those whose track
    never comes near the footprint's box (no window) among them."""
    from jalert_sim.alerting import crossings, engine
    from jalert_sim.alerting.model import AlertModel

    trajs = _toward_japan(800, 6)
    coarse = engine._coarse_samples(trajs, AlertModel(corridor_km=150.0))
    pairs = engine._warned_pairs(coarse, AlertModel(corridor_km=150.0))
    fast = crossings._windows(coarse, pairs.row, pairs.pref, compiled=True)
    slow = crossings._windows(coarse, pairs.row, pairs.pref, compiled=False)
    assert len(pairs.row) - len(slow.pair) > 50 and len(slow.pair) > 2000  # pairs without a window, and with
    for name, a, b in zip(slow._fields, fast, slow):
        assert a.dtype == b.dtype and np.array_equal(a, b), name


@pytest.mark.parametrize("seed", [3, 4])
def test_search_kernel_equals_numpy(seed):
    """The compiled crossing search finds numpy's first and last inside samples, and their positions
    with numpy's bits (floats.assert_same)."""
    from jalert_sim.alerting import crossings, search

    coarse, win, chords = _search_inputs(_toward_japan(1200, seed))
    assert len(win.pair) > 1000
    for order in (1, -1):
        assert search.search(coarse.trajs, win, chords, order, crossings._CHORD_SLACK_M) is not None  # the kernel did the search
        fast = crossings._search(coarse.trajs, win, chords, order, compiled=True)
        slow = crossings._search(coarse.trajs, win, chords, order, compiled=False)
        assert (slow[0] >= 0).sum() > 500
        for a, b in zip(fast, slow):
            assert_same(a, b)


def test_search_kernel_boost_phase():
    """Short, low tracks whose windows start before burnout: the kernel takes those samples from the
    boost model as positions_at does, and the free-flight ones still have numpy's bits."""
    from jalert_sim.alerting import crossings, search

    coarse, win, chords = _search_inputs(_ballistic_batch(1500, 1))
    assert (win.t0_s < coarse.trajs.burnout_time_s[win.row]).sum() > 20
    for order in (1, -1):
        assert search.search(coarse.trajs, win, chords, order, crossings._CHORD_SLACK_M) is not None
        fast = crossings._search(coarse.trajs, win, chords, order, compiled=True)
        slow = crossings._search(coarse.trajs, win, chords, order, compiled=False)
        for a, b in zip(fast, slow):
            assert_same(a, b)


@pytest.mark.parametrize("seed", [3, 5])
def test_refine_kernel_equals_numpy(seed):
    """The compiled bisections give numpy's boundary times, bit for bit, from the search's samples.
    (Seed 5 has a bracket reaching into the boost phase: the kernel leaves that call to numpy.)"""
    from jalert_sim.alerting import crossings, search

    coarse, win, chords = _search_inputs(_toward_japan(1200, seed))
    a, _ = crossings._search(coarse.trajs, win, chords, 1, compiled=False)
    z, _ = crossings._search(coarse.trajs, win, chords, -1, compiled=False)
    ok = np.nonzero(a > 0)[0]
    q = np.concatenate([ok, np.nonzero((z >= 0) & (z < win.width - 1))[0]])
    t_out = np.concatenate([win.fine_time(ok, a[ok] - 1), win.fine_time(q[len(ok):], z[q[len(ok):]] + 1)])
    t_in = np.concatenate([win.fine_time(ok, a[ok]), win.fine_time(q[len(ok):], z[q[len(ok):]])])
    bis = coarse.trajs.select(win.row[q])
    assert len(q) > 1000
    climbing = np.minimum(t_out, t_in) < bis.burnout_time_s
    assert climbing.sum() == (seed == 5)
    done = search.refine(bis, win.pref[q], t_out, t_in)
    assert (done is None) == (seed == 5)  # else the kernel did the bisections
    fast = crossings._refine(bis, win.pref[q], t_out, t_in, compiled=True)
    slow = crossings._refine(bis, win.pref[q], t_out, t_in, compiled=False)
    assert fast.tobytes() == slow.tobytes()
    assert np.all((fast > np.minimum(t_out, t_in)) & (fast < np.maximum(t_out, t_in)))


@pytest.mark.parametrize("seed", [3, 4])
def test_first_look_keeps_and_places_numpys_samples(seed):
    """The compiled coarse samples (alerting.coarse_look) solve only the samples a first look cannot
    put beyond the prefilter's reach, yet keep the samples the numpy route keeps (which solves them
    all) at its positions (floats.assert_same), under models of small and large reach; and the
    engine's answers are numpy's."""
    from jalert_sim.alerting import coarse_look, engine
    from jalert_sim.alerting.model import COARSE_STEP_M, AlertModel
    from jalert_sim.compiling import numpy_only

    for trajs in (_ballistic_batch(600, seed), _toward_japan(600, seed)):
        for model in (AlertModel(), AlertModel(corridor_km=1000.0), AlertModel(corridor_km=0.0, impact_radius_km=0.0)):
            fast = engine._coarse_samples(trajs, model)
            with numpy_only():
                slow = engine._coarse_samples(trajs, model)
            assert np.array_equal(fast.kept, slow.kept) and np.array_equal(fast.count, slow.count)
            for a, b in ((fast.x_m, slow.x_m), (fast.y_m, slow.y_m), (fast.t_s, slow.t_s)):
                assert_same(a, b)
        t = trajs.sample_times(10.0)
        lat, _, near, solved = coarse_look.first_look(trajs, t, 50_000.0 + 2 * COARSE_STEP_M)
        assert solved.sum() < 0.8 * (~np.isnan(t)).sum() and near.sum() > 3000  # many far samples not solved
        assert np.array_equal(np.isnan(lat), ~solved)
        fast = engine.assess_columns(trajs)
        with numpy_only():
            slow = engine.assess_columns(trajs)
        assert len(fast.row) > 500
        for a, b in zip(fast[:-2], slow[:-2]):  # (all but the impact's columns and the model)
            assert_same(a, b)


def test_a_free_flight_sample_lies_near_the_line_of_its_looks():
    """coarse_look places a free-flight sample between two solved ones LOOK_EVERY samples apart by
    interpolating their latitudes and longitudes in time (within LOOK_LAT_DEG of the equator), and
    counts on it lying within LOOK_SLACK_M of that: measured with pyproj on varied tracks, under
    3 km (a sixth of the slack)."""
    from jalert_sim.alerting.coarse_look import LOOK_EVERY, LOOK_LAT_DEG, LOOK_SLACK_M

    trajs = _ballistic_batch(600, 1)
    t = trajs.sample_times(10.0)
    lat, lon, _ = trajs.positions_at(t)
    free = t >= trajs.burnout_time_s[:, None]
    count = (~np.isnan(t)).sum(axis=1)
    cols = np.arange(t.shape[1])
    anchor = free & ((cols % LOOK_EVERY == 0)[None, :] | (cols[None, :] == count[:, None] - 1))
    anchor[np.arange(len(t)), np.argmax(free, axis=1)] = True  # each row's first free-flight sample
    prev = np.maximum.accumulate(np.where(anchor, cols, -1), axis=1)
    nxt = np.minimum.accumulate(np.where(anchor, cols, t.shape[1])[:, ::-1], axis=1)[:, ::-1]
    r, c = np.nonzero(free & ~anchor)
    p, q = prev[r, c], nxt[r, c]
    ok = (np.abs(lat[r, p]) < LOOK_LAT_DEG) & (np.abs(lat[r, q]) < LOOK_LAT_DEG)
    r, c, p, q = r[ok], c[ok], p[ok], q[ok]
    assert len(r) > 20_000
    u = (t[r, c] - t[r, p]) / (t[r, q] - t[r, p])
    _, _, apart_m = pyproj.Geod(ellps="WGS84").inv(lon[r, c], lat[r, c], lon[r, p] + u * (lon[r, q] - lon[r, p]),
                             lat[r, p] + u * (lat[r, q] - lat[r, p]))
    assert 1_000.0 < apart_m.max() < LOOK_SLACK_M / 6


def test_a_track_point_lies_near_its_bisection_chord():
    """The compiled bisections (search._refine_rounds) settle a midpoint from the point of the chord
    between its bracket's ends at its time, where no boundary comes within REFINE_SLACK_M of it: that
    needs the track's point within the slack of the chord's. Measured on the brackets the search
    finds (1 s apart) at nine fractions of them: under 1 m, a tenth of the slack."""
    from jalert_sim.alerting import crossings
    from jalert_sim.alerting.geometry import project
    from jalert_sim.alerting.search import REFINE_SLACK_M

    coarse, win, chords = _search_inputs(_toward_japan(1200, 3))
    a, _ = crossings._search(coarse.trajs, win, chords, 1, compiled=False)
    ok = np.nonzero(a > 0)[0]
    t_out, t_in = win.fine_time(ok, a[ok] - 1), win.fine_time(ok, a[ok])
    bis = coarse.trajs.select(win.row[ok])
    assert len(ok) > 1000
    worst = 0.0
    for frac in (1 / 32, 0.125, 0.25, 0.3, 0.5, 0.7, 0.75, 0.875, 31 / 32):
        lat, lon, _ = bis.positions_at(np.column_stack([t_out, t_in, t_out + frac * (t_in - t_out)]))
        x, y = project(lat, lon)
        worst = max(worst, np.max(np.hypot(x[:, 0] + frac * (x[:, 1] - x[:, 0]) - x[:, 2],
                                           y[:, 0] + frac * (y[:, 1] - y[:, 0]) - y[:, 2])))
    assert 0.05 < worst < REFINE_SLACK_M / 10


def test_bisections_off_the_projection_table_go_to_numpy():
    """Brackets whose ends lie outside the projection table (a track over Europe, tested against
    Hokkaido's footprint) are not placed on their chord: the kernel's inside test meets a point it
    cannot project and gives the call back to numpy, as before."""
    from jalert_sim.alerting import search
    from jalert_sim.physics.trajectories import solve

    bis = solve(np.full(4, 50.0), np.full(4, 10.0), np.full(4, 90.0), np.full(4, 600.0), np.full(4, 2000.0))
    t_out = bis.burnout_time_s + 60.0
    lat, lon, _ = bis.positions_at(np.column_stack([t_out, t_out + 1.0]))
    assert np.all(lon < 100.0)  # (west of the table)
    assert search.refine(bis, np.zeros(4, np.int64), t_out, t_out + 1.0) is None
