"""The coarse tracks' chords against the footprints (alerting.chords): the pairs a track warns and
crosses are what shapely's tree queries on the whole polylines give, and the compiled candidate
kernel (alerting.chord_kernels) gives its numpy twin's candidates, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from jalert_sim.alerting import chords, engine
from jalert_sim.alerting.geometry import chords_intersect, footprints, segments
from jalert_sim.alerting.model import AlertModel
from jalert_sim.physics.trajectories import solve


@pytest.fixture(scope="module")
def coarse():
    """The coarse samples of varied trajectories from North Korea (minimum-energy, lofted, depressed;
    short and long), most of which pass over or near Japan."""
    rng = np.random.default_rng(5)
    n = 600
    rng_km = np.where(rng.random(n) < 0.2, np.nan, rng.uniform(300.0, 6000.0, n))
    trajs = solve(rng.uniform(38, 42, n), rng.uniform(124, 130, n), rng.uniform(30, 200, n),
                  rng.uniform(80.0, 3000.0, n), rng_km, errors="mask")
    trajs = trajs.select(np.nonzero(trajs.ok)[0])
    return engine._coarse_samples(trajs, AlertModel())


def _points(coarse):
    flat = np.flatnonzero(coarse.kept)
    row = flat // coarse.kept.shape[1]
    start = np.flatnonzero((flat[1:] == flat[:-1] + 1) & (row[1:] == row[:-1]))
    return np.ravel(coarse.x_m)[flat], np.ravel(coarse.y_m)[flat], start, row


@pytest.mark.parametrize("corridor_km", [0.0, 40.0, 150.0])
def test_track_pairs_equal_the_tree_queries(coarse, corridor_km):
    """Independent of the grid: STRtree queries of the footprints with each kept polyline."""
    x, y, start, row = _points(coarse)
    ends = np.concatenate([start, start + 1])
    chord = np.concatenate([np.arange(len(start))] * 2)
    order = np.lexsort((ends, chord))
    lines = shapely.linestrings(x[ends[order]], y[ends[order]], indices=chord[order])
    line_row = row[start]
    tree = shapely.STRtree(footprints().shapes)
    n = len(footprints().shapes)

    def keys(predicate, **kw):
        q = tree.query(lines, predicate=predicate, **kw)
        return np.unique(line_row[q[0]] * n + q[1])

    corridor, crossed = chords.track_pairs(coarse.kept, coarse.x_m, coarse.y_m, corridor_km * 1000.0)
    expected_crossed = keys("intersects")
    assert len(expected_crossed) > 200
    np.testing.assert_array_equal(corridor, keys("dwithin", distance=corridor_km * 1000.0))
    np.testing.assert_array_equal(crossed, expected_crossed)


@pytest.mark.parametrize("corridor_km", [40.0, 110.0])
def test_candidates_kernel_equals_numpy(coarse, corridor_km):
    """Real tracks, with a few points made NaN, moved off the grid, and long chords (at 110 km
    every footprint is a candidate of the chords longer than ~13 km)."""
    pytest.importorskip("numba")
    x, y, start, _ = _points(coarse)
    x, y = x.copy(), y.copy()
    x[::53] = np.nan
    y[7::61] = np.nan
    x[3::47] += 3e6  # off the grid
    fast = chords.candidates(x, y, start, corridor_km * 1000.0, compiled=True)
    slow = chords.candidates(x, y, start, corridor_km * 1000.0, compiled=False)
    assert len(slow.chord) > 5000 and np.isinf(slow.upper).sum() > 500 and (slow.upper < 0).sum() > 500
    for a, b in zip(fast, slow):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("points", [300, None])
def test_candidates_bounds_are_the_chord_bounds(coarse, points):
    """Each candidate's bounds are chord_bounds of its chord (the grid's bounds at both ends), on a
    run's few points (the grid's keys searched) and a batch's many (its cell index)."""
    x, y, start, _ = _points(coarse)
    if points is not None:
        x, y, start = x[:points], y[:points], start[start < points - 1]
    cand = chords.candidates(x, y, start, 40000.0, compiled=False)
    assert len(cand.chord) > 100
    a = start[cand.chord]
    lower, upper = chords.chord_bounds(cand.pref, x[a], y[a], x[a + 1], y[a + 1])
    np.testing.assert_array_equal(cand.lower, lower)
    np.testing.assert_array_equal(cand.upper, upper)


def test_chords_intersect_equals_shapely():
    """Chords around every footprint, many across its boundary: the kernel's sure answers and
    shapely's agree everywhere."""
    pytest.importorskip("numba")
    from jalert_sim.geo import distance_grid

    fp = footprints()
    rng = np.random.default_rng(3)
    pref = rng.integers(0, len(fp.shapes), 20000)
    vertices = [shapely.get_coordinates(s) for s in fp.shapes]
    mid = np.array([vertices[p][rng.integers(len(vertices[p]))] for p in pref]) + rng.normal(0.0, 4000.0, (len(pref), 2))
    half = rng.normal(0.0, 2000.0, (len(pref), 2))
    ax, ay = mid[:, 0] - half[:, 0], mid[:, 1] - half[:, 1]
    bx, by = mid[:, 0] + half[:, 0], mid[:, 1] + half[:, 1]
    lower_a, upper_a = distance_grid.bounds(pref, ax, ay)
    got = chords_intersect(pref, ax, ay, bx, by, lower_a, upper_a)
    exact = shapely.intersects(fp.shapes[pref], segments(ax, ay, bx, by))
    assert 2000 < exact.sum() < len(pref) - 2000
    np.testing.assert_array_equal(got, exact)


@pytest.mark.parametrize("reach_km", [0.0, 210.0, 3000.0])
def test_prefilter_table_gives_the_plain_answer(reach_km):
    """The lat/lon table in front of the prefilter's raster changes no answer (numpy and compiled),
    on points dense over the table, off it, and NaN."""
    from jalert_sim.alerting import prefilter

    rng = np.random.default_rng(int(reach_km) + 3)
    lat = np.concatenate([rng.uniform(0, 70, 300000), rng.uniform(-89, 89, 20000), [np.nan, 40.0]])
    lon = np.concatenate([rng.uniform(100, 180, 300000), rng.uniform(-180, 360, 20000), [140.0, np.nan]])
    plain = prefilter._plain(lon, lat, reach_km * 1000.0)
    assert 10000 < plain.sum() < len(lat) - 10000
    np.testing.assert_array_equal(prefilter.maybe_near(lon, lat, reach_km * 1000.0, compiled=False), plain)
    np.testing.assert_array_equal(prefilter.maybe_near(lon, lat, reach_km * 1000.0, compiled=True), plain)
    table = prefilter._table(reach_km * 1000.0)
    assert (table == prefilter.COMPUTE).mean() < 0.02  # the table settles nearly every cell


def test_prefilter_table_cells_lie_in_their_corner_boxes():
    """The image of each table cell in the approximate plane lies within the box of its corners'
    images grown by a tenth of the table's margin (measured on 9 x 9 points a cell)."""
    from jalert_sim.alerting import prefilter

    lon_min, lat_min, lon_max, lat_max = prefilter.TABLE_BOX_DEG
    step = prefilter.TABLE_STEP_DEG
    lon = lon_min + step * np.arange(round((lon_max - lon_min) / step))
    lat = lat_min + step * np.arange(round((lat_max - lat_min) / step))
    corners = [prefilter._approx_xy(*np.meshgrid(lon + a, lat + b)) for a in (0, step) for b in (0, step)]
    cx, cy = np.stack([c[0] for c in corners]), np.stack([c[1] for c in corners])
    worst = 0.0
    for a in np.linspace(0.0, step, 9):
        for b in np.linspace(0.0, step, 9):
            x, y = prefilter._approx_xy(*np.meshgrid(lon + a, lat + b))
            outside = np.maximum.reduce([cx.min(axis=0) - x, x - cx.max(axis=0), cy.min(axis=0) - y, y - cy.max(axis=0)])
            worst = max(worst, float(outside.max()))
    assert worst <= 0.1 * prefilter._TABLE_MARGIN_M


def test_open_chords_get_the_callers_predicate():
    """geometry._chords sends the chords it cannot settle to the predicate it is given (intersects
    for chords_intersect, dwithin for chords_within): with shapely.touches, touches' answers."""
    from jalert_sim.alerting import geometry

    fp = footprints()
    rng = np.random.default_rng(4)
    pref = rng.integers(0, len(fp.shapes), 3000)
    vertices = [shapely.get_coordinates(s) for s in fp.shapes]
    ax, ay = np.array([vertices[p][rng.integers(len(vertices[p]))] for p in pref]).T  # chords from a vertex
    bx, by = ax + rng.normal(0.0, 3000.0, len(pref)), ay + rng.normal(0.0, 3000.0, len(pref))
    lines = segments(ax, ay, bx, by)
    touches = shapely.touches(fp.shapes[pref], lines)
    assert 100 < touches.sum() and (touches != shapely.intersects(fp.shapes[pref], lines)).sum() > 1000
    got = geometry._chords(pref, ax, ay, bx, by, 0.0, None, False, shapely.touches)
    np.testing.assert_array_equal(got, touches)
