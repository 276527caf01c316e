"""The nearest point of each row of points to a footprint (alerting.distances.min_distance, used
for the closest approaches): both routes, numpy and the compiled kernel (alerting.nearest), give
what shapely gives point by point (the first point inside, else np.argmin of shapely.distance),
to the bit; and the tightened distance-grid bounds they prune with hold against exact distances."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from jalert_sim.alerting.distances import around_bounds, min_distance, own_bounds
from jalert_sim.alerting.geometry import footprints, grid_bounds


def _rows(seed: int, n: int, width: int):
    """``n`` rows of ``width`` points along straight lines past random footprints (footprint index
    per row): lines through or near the coast (a boundary vertex, offset by up to 60 km), spaced
    0.3-40 km, NaN before and after a kept range; a few rows all NaN, and a few whose point lands
    exactly on a boundary vertex or in the middle of a boundary segment (distance 0, or nearly,
    without being inside)."""
    rng = np.random.default_rng(seed)
    fp = footprints()
    pref = rng.integers(0, len(fp.shapes), n)
    x, y = np.full((n, width), np.nan), np.full((n, width), np.nan)
    for i in range(n):
        xy = shapely.get_coordinates(fp.shapes[pref[i]])
        vx, vy = xy[rng.integers(len(xy))]
        heading = rng.uniform(0, 2 * np.pi)
        offset = rng.choice([0.0, rng.uniform(0, 8000), rng.uniform(0, 60000)])
        ox, oy = vx - offset * np.sin(heading), vy + offset * np.cos(heading)  # off the vertex, sideways
        step = rng.choice([rng.uniform(300, 3000), rng.uniform(10000, 40000)])
        s = (np.arange(width) - rng.uniform(0, width)) * step
        lo = rng.integers(0, width // 3)
        hi = rng.integers(2 * width // 3, width + 1)
        x[i, lo:hi] = (ox + s * np.cos(heading))[lo:hi]
        y[i, lo:hi] = (oy + s * np.sin(heading))[lo:hi]
        if i % 37 == 5:
            x[i, lo], y[i, lo] = vx, vy
        if i % 37 == 11:  # the middle of a boundary segment: too close to tell for the ray count
            w = rng.integers(len(xy) - 1)
            x[i, lo], y[i, lo] = 0.5 * (xy[w] + xy[w + 1])
    x[::53], y[::53] = np.nan, np.nan
    return pref, x, y


def _shapely_answer(pref, x, y):
    """The first point inside (0), else the first point of least shapely.distance, per row."""
    shapes = footprints().shapes
    k, d = np.zeros(len(pref), np.int64), np.full(len(pref), np.nan)
    for i in range(len(pref)):
        cols = np.nonzero(~np.isnan(x[i]))[0]
        if len(cols) == 0:
            continue
        inside = shapely.contains_xy(shapes[pref[i]], x[i, cols], y[i, cols])
        if inside.any():
            k[i], d[i] = cols[np.argmax(inside)], 0.0
            continue
        dist = shapely.distance(shapes[pref[i]], shapely.points(x[i, cols], y[i, cols]))
        k[i], d[i] = cols[np.argmin(dist)], dist.min()
    return k, d


@pytest.mark.parametrize("seed, width", [(1, 21), (2, 60), (3, 168)])
def test_numpy_route_is_shapely_point_by_point(seed, width):
    pref, x, y = _rows(seed, 400, width)
    k, d = _shapely_answer(pref, x, y)
    assert (d == 0).sum() > 20 and (d > 20000).sum() > 20 and np.isnan(d).sum() >= 7  # all kinds occur
    got_k, got_d = min_distance(pref, x, y, compiled=False)
    np.testing.assert_array_equal(got_k, k)
    np.testing.assert_array_equal(got_d, d)
    # Rows picked out of a larger array (as closest picks the pairs' tracks), some twice.
    rows = np.concatenate([np.arange(0, 400, 3), np.arange(0, 400, 7)])
    got_k, got_d = min_distance(pref[rows], x, y, rows, compiled=False)
    np.testing.assert_array_equal(got_k, k[rows])
    np.testing.assert_array_equal(got_d, d[rows])


@pytest.mark.parametrize("seed, width", [(4, 21), (5, 168)])
def test_kernel_equals_numpy(seed, width):
    pytest.importorskip("numba")
    pref, x, y = _rows(seed, 1500, width)
    rows = np.arange(len(pref))[::-1].copy()
    fast = min_distance(pref[rows], x, y, rows, compiled=True)
    slow = min_distance(pref[rows], x, y, rows, compiled=False)
    for a, b in zip(fast, slow):
        np.testing.assert_array_equal(a, b)
    k, d = _shapely_answer(pref[:300], x[:300], y[:300])
    np.testing.assert_array_equal(min_distance(pref[:300], x[:300], y[:300], compiled=True)[1], d)
    np.testing.assert_array_equal(min_distance(pref[:300], x[:300], y[:300], compiled=True)[0], k)


@pytest.mark.parametrize("compiled", [False, True])
def test_unmeasured_nearest_point(compiled):
    """measure=False (closest's coarse stage): the same columns, and the minimum either measured or,
    where the bounds alone single out an outside point, inf; so 0 exactly where it is 0."""
    if compiled:
        pytest.importorskip("numba")
    pref, x, y = _rows(8, 1500, 60)
    k, d = _shapely_answer(pref, x, y)
    got_k, got_d = min_distance(pref, x, y, measure=False, compiled=compiled)
    np.testing.assert_array_equal(got_k, k)
    settled = np.isinf(got_d)
    assert settled.sum() > 100 and (~settled & (got_d > 0)).sum() > 20  # both occur
    assert np.all(d[settled] > 0)
    np.testing.assert_array_equal(got_d[~settled], d[~settled])


def _signed_distance(pref, x, y):
    shapes = footprints().shapes[pref]
    points = shapely.points(x, y)
    d = shapely.distance(shapes, points)
    inside = d == 0.0
    d[inside] = -shapely.distance(shapely.boundary(shapes[inside]), points[inside])
    return d


def test_tightened_bounds_hold():
    """The bounds from a point's own cell and from the nine around it hold for points near and far,
    inside and outside (signed distance, negative inside), and are tighter than the grid's."""
    pref, x, y = _rows(6, 600, 30)
    ok = ~np.isnan(x)
    pref, x, y = np.broadcast_to(pref[:, None], x.shape)[ok], x[ok], y[ok]
    exact = _signed_distance(pref, x, y)
    lower, upper = grid_bounds(pref, x, y)
    lo1, hi1 = own_bounds(pref, x, y, lower, upper)
    lo9, hi9 = around_bounds(pref, x, y, lo1, hi1)
    assert np.all(lo9 <= exact) and np.all(exact <= hi9)
    assert np.all(lo1 <= lo9) and np.all(hi9 <= hi1) and np.all(lower <= lo1) and np.all(hi1 <= upper)
    near = np.isfinite(upper)
    assert near.sum() > 2000
    # The grid's bounds are 7.1 km wide; the nine cells' are much narrower on average.
    assert np.mean(hi9[near] - lo9[near]) < 0.5 * np.mean(upper[near] - lower[near])


def test_kernel_bounds_hold():
    """The kernel's own-cell and nine-cell bounds hold as the numpy ones do."""
    pytest.importorskip("numba")
    from jalert_sim.alerting import nearest
    from jalert_sim.geo import distance_grid

    if nearest.compiled() is None:
        pytest.skip("kernels switched off")
    g = distance_grid.grid()
    start, present = distance_grid._cell_index()
    grid = (g.x0_m, g.y0_m, g.cell_m, g.nx, g.ny, g.reach_m, g.slack_m, g.unit_m, start, present, g.sd, g.pref_bounds)
    pref, x, y = _rows(7, 100, 30)
    ok = ~np.isnan(x)
    pref, x, y = np.broadcast_to(pref[:, None], x.shape)[ok], x[ok], y[ok]
    exact = _signed_distance(pref, x, y)
    for f, px, py, d in zip(pref.tolist(), x.tolist(), y.tolist(), exact.tolist()):
        lower, upper = nearest._own_bounds(f, px, py, -np.inf, grid)
        assert lower <= d <= upper
        lower, upper = nearest._around_bounds(f, px, py, grid)
        assert lower <= d <= upper
