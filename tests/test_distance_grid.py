"""The distance grid's bounds hold: exact shapely distances always lie between them.

The alert engine trusts these bounds to skip exact geometry, so a bound that is wrong
anywhere would silently change which prefectures are warned. Checked against
shapely's own distance and containment at points spread over the grid, clustered near
coasts and borders (where the bounds are tight), outside the grid, and at NaN.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from jalert_sim import geo as geography
from jalert_sim.geo import distance_grid as _distance_grid


@pytest.fixture(scope="module")
def footprints():
    return [p.footprint_xy for p in geography.prefectures()]


def _points(footprints, rng):
    g = _distance_grid.grid()
    span_x, span_y = g.nx * g.cell_m, g.ny * g.cell_m
    spread = np.column_stack([rng.uniform(g.x0_m, g.x0_m + span_x, 3000), rng.uniform(g.y0_m, g.y0_m + span_y, 3000)])
    # Near boundaries: vertices of the footprints, jittered by up to 8 km.
    verts = np.concatenate([shapely.get_coordinates(f) for f in footprints])
    near = verts[rng.integers(0, len(verts), 3000)] + rng.normal(0.0, 4000.0, (3000, 2))
    outside = np.array([[g.x0_m - 10.0, g.y0_m - 10.0], [g.x0_m + span_x + 1.0, 0.0], [1e7, 1e7]])
    return np.concatenate([spread, near, outside])


def test_bounds_contain_the_exact_signed_distance(footprints):
    rng = np.random.default_rng(11)
    pts = _points(footprints, rng)
    pref = rng.integers(0, len(footprints), len(pts))
    # Every point against a random footprint, and every point against its nearest footprint.
    nearest = shapely.STRtree(footprints).query_nearest(shapely.points(pts), all_matches=False)[1]
    pts = np.concatenate([pts, pts])
    pref = np.concatenate([pref, nearest])
    lower, upper = _distance_grid.bounds(pref, pts[:, 0], pts[:, 1])
    geoms = np.array(footprints, dtype=object)[pref]
    points = shapely.points(pts)
    exact = shapely.distance(geoms, points)
    inside = shapely.contains_xy(geoms, pts[:, 0], pts[:, 1])
    exact[inside] = -shapely.distance(shapely.boundary(geoms[inside]), points[inside])
    assert np.all(lower <= exact) and np.all(exact <= upper)
    # Not vacuous: where the grid has an entry, the bounds are within one cell diagonal.
    g = _distance_grid.grid()
    listed = np.isfinite(upper)
    assert listed.sum() > 3000
    assert np.all(upper[listed] - lower[listed] <= 2 * g.slack_m + 1e-6)
    assert (upper < 0).sum() > 100 and (lower > 0).sum() > 1000  # both decisions happen


@pytest.fixture(params=["indexed", "searched"])
def lookup(request, monkeypatch):
    """Both ways of finding a cell's entries: the cell index (large calls) and a search of the keys."""
    monkeypatch.setattr(_distance_grid, "_INDEXED_FROM", 0 if request.param == "indexed" else 10**12)
    return request.param


def test_bounds_use_the_entry_of_that_cell_and_footprint(footprints, lookup):
    """Either look-up finds the entry of the point's cell and footprint, computed here from scratch."""
    rng = np.random.default_rng(13)
    pts = _points(footprints, rng)
    pts = np.concatenate([pts] * 4)
    pref = rng.integers(0, len(footprints), len(pts))
    lower, upper = _distance_grid.bounds(pref, pts[:, 0], pts[:, 1])
    g = _distance_grid.grid()
    ix = np.floor((pts[:, 0] - g.x0_m) / g.cell_m).astype(np.int64)
    iy = np.floor((pts[:, 1] - g.y0_m) / g.cell_m).astype(np.int64)
    inside = (ix >= 0) & (ix < g.nx) & (iy >= 0) & (iy < g.ny)
    key = (ix * g.ny + iy) * 64 + pref
    at = np.searchsorted(g.keys, key)
    listed = inside & (g.keys[np.minimum(at, len(g.keys) - 1)] == key)
    assert listed.sum() > 1000
    np.testing.assert_array_equal(np.isfinite(upper), listed)
    np.testing.assert_array_equal(upper[listed], g.sd[at[listed]] * g.unit_m + g.slack_m)


def test_near_lists_every_footprint_within_reach(footprints, lookup):
    rng = np.random.default_rng(12)
    pts = _points(footprints, rng)
    point, pref = _distance_grid.near(pts[:, 0], pts[:, 1])
    listed = set(zip(point.tolist(), pref.tolist()))
    g = _distance_grid.grid()
    tree = shapely.STRtree(footprints)
    q = tree.query(shapely.points(pts), predicate="dwithin", distance=g.reach_m - g.slack_m)
    assert len(q[0]) > 1000
    assert set(zip(q[0].tolist(), q[1].tolist())) <= listed
    # ... and only footprints that are in reach of the cell.
    lower, _ = _distance_grid.bounds(pref, pts[point, 0], pts[point, 1])
    assert np.all(lower <= g.reach_m)


def test_nan_points_are_infinitely_far():
    lower, upper = _distance_grid.bounds(np.array([0, 5]), np.array([np.nan, 0.0]), np.array([0.0, np.nan]))
    assert np.all(np.isinf(lower)) and np.all(np.isinf(upper))
    point, _ = _distance_grid.near(np.array([np.nan]), np.array([np.nan]))
    assert len(point) == 0
