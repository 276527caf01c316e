"""The numpy twin of the chord kernel (alerting.chord_twins): the compiled kernel's answers, chord
for chord, on chords across, along, inside and beyond the footprints, on their boundary segments
and at the limit; and, with shapely for the chords it leaves open, shapely's answers."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from jalert_sim.alerting import chord_twins
from jalert_sim.alerting.boundaries import pieces
from jalert_sim.alerting.chords import intersects
from jalert_sim.alerting.geometry import chords_within, footprints, grid_bounds, segments
from jalert_sim.compiling import numpy_only


def _chords(seed: int, n: int = 12000):
    """(pref, ax, ay, bx, by): chords near the footprints' vertices in every direction and length;
    boundary segments themselves, their halves and extensions (collinear with the boundary);
    zero-length chords on vertices; a few NaN chords."""
    fp = footprints()
    rng = np.random.default_rng(seed)
    vertices = np.concatenate([shapely.get_coordinates(s) for s in fp.shapes])
    of = np.concatenate([np.full(len(shapely.get_coordinates(s)), f) for f, s in enumerate(fp.shapes)])
    k = rng.integers(0, len(vertices), n)
    pref = np.where(rng.random(n) < 0.8, of[k], rng.integers(0, 47, n))
    ax, ay = vertices[k, 0] + rng.normal(0, 30000, n), vertices[k, 1] + rng.normal(0, 30000, n)
    heading, length = rng.uniform(0, 2 * np.pi, n), rng.uniform(100.0, 40000.0, n)
    bx, by = ax + length * np.cos(heading), ay + length * np.sin(heading)
    first_piece, _, piece_segments, seg = pieces()
    f = rng.integers(0, 47, 3000)
    s = rng.integers(piece_segments[first_piece[f]], piece_segments[first_piece[f + 1]])
    t0, t1 = rng.choice([0.0, 0.5, -0.5], 3000), rng.choice([1.0, 0.5, 1.5], 3000)
    dx, dy = seg[s, 2] - seg[s, 0], seg[s, 3] - seg[s, 1]
    along = (f, seg[s, 0] + t0 * dx, seg[s, 1] + t0 * dy, seg[s, 0] + t1 * dx, seg[s, 1] + t1 * dy)
    v = rng.integers(0, len(vertices), 500)
    point = (of[v], vertices[v, 0], vertices[v, 1], vertices[v, 0], vertices[v, 1])
    out = [np.concatenate(parts) for parts in zip((pref, ax, ay, bx, by), along, point)]
    out[1][:7] = np.nan
    return out


@pytest.mark.parametrize("limit_m", [0.0, 2000.0, 22224.0])
def test_twin_gives_the_kernels_answers(limit_m):
    kernels = pytest.importorskip("numba") and __import__("jalert_sim.alerting.kernels", fromlist=["compiled"])
    k = kernels.compiled()
    if k is None:
        pytest.skip("kernels switched off")
    pref, ax, ay, bx, by = _chords(int(limit_m) + 1)
    lower_a, upper_a = grid_bounds(pref, ax, ay)
    mine = chord_twins.chords_within(pref, ax, ay, bx, by, limit_m, lower_a, upper_a)
    theirs = k.chords_within(pref, ax, ay, bx, by, limit_m, lower_a, upper_a, *pieces())
    assert mine.dtype == theirs.dtype
    np.testing.assert_array_equal(mine, theirs)
    counts = np.bincount(mine + 1, minlength=3)  # every answer occurs: open, not, within
    assert counts.min() >= (7 if limit_m else 3), counts


@pytest.mark.parametrize("limit_m", [2000.0, 22224.0])
def test_numpy_route_answers_are_shapelys(limit_m):
    """chords_within and intersects without the kernels: the twin where it is sure, shapely for the
    rest. (Zero-length chords, which the engine never makes, are left out: for a two-point
    LineString on a vertex GEOS's prepared dwithin answers False, its distance 1e-12 m.)"""
    pref, ax, ay, bx, by = _chords(int(limit_m) + 7)
    ok = ~np.isnan(ax) & ((ax != bx) | (ay != by))
    pref, ax, ay, bx, by = pref[ok], ax[ok], ay[ok], bx[ok], by[ok]
    shapes = footprints().shapes[pref]
    with numpy_only():
        within = chords_within(pref, ax, ay, bx, by, limit_m)
        meets = intersects(pref, ax, ay, bx, by, *grid_bounds(pref, ax, ay))
    np.testing.assert_array_equal(within, shapely.dwithin(shapes, segments(ax, ay, bx, by), limit_m))
    np.testing.assert_array_equal(meets, shapely.intersects(shapes, segments(ax, ay, bx, by)))
    assert 500 < within.sum() < len(ax) - 500 and 500 < meets.sum() < len(ax) - 500
