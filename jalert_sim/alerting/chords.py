"""The chords of the coarse tracks against the footprints: which (track, footprint) pairs a
coarse polyline comes within the corridor of, and which it crosses, settled chord by chord from
the distance grid's bounds (geo.distance_grid), with exact tests only where they leave it open.

Everything is in the plane of geo.to_xy (metres). The signed distance to a footprint is
1-Lipschitz, so along a chord a-b of length L it is at least (lower(a) + lower(b) - L) / 2 and
at most min(upper(a), upper(b)) (:func:`chord_bounds`). A chord's candidate footprints are
those the grid's cells list at either end (the cells' bitmasks, distance_grid.cell_masks): a
footprint listed at neither end is farther than reach - slack from both, so at least
reach - slack - L/2 from the chord; where that is not beyond the corridor (long chords, wide
corridors) every footprint is a candidate. The bounds of a listed footprint are its cell's
entry, of the others the far bound: the same numbers distance_grid.bounds gives at each end.

The candidate stage (:func:`candidates`) has a compiled twin (:mod:`.chord_kernels`, numba) for
calls of COMPILED_FROM_CHORDS chords or more where numba is installed: the same candidates in
the same order with the same bits (tests/test_pair_kernels.py).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..geo import distance_grid as _distance_grid
from .geometry import chords_intersect, chords_within, footprints, grid_bounds

#: Calls on fewer chords use numpy (a single run's have tens to hundreds).
COMPILED_FROM_CHORDS = 5_000


def chord_bounds(pref, ax, ay, bx, by) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) bounds of the distance from the segment a-b to footprint ``pref``: the signed
    distance is 1-Lipschitz, so along a segment of length L it is at least (lower(a) + lower(b) - L) / 2."""
    la, ua = grid_bounds(pref, ax, ay)
    lb, ub = grid_bounds(pref, bx, by)
    return 0.5 * (la + lb - np.hypot(bx - ax, by - ay)), np.minimum(ua, ub)


class Candidates(NamedTuple):
    """The (chord, footprint) pairs that may be within the corridor, sorted by chord then footprint,
    with :func:`chord_bounds` of each (m) and the grid's (lower, upper) bounds at the chord's start."""

    chord: np.ndarray
    pref: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    lower_a: np.ndarray
    upper_a: np.ndarray


def candidates(px: np.ndarray, py: np.ndarray, start: np.ndarray, corridor_m: float, *,
               compiled: bool | None = None) -> Candidates:
    """The candidates of the chords from point ``start[i]`` to point ``start[i] + 1`` of the points
    (px, py) (1-D, metres). ``compiled``: the numba kernel (True), numpy (False), or the kernel for
    COMPILED_FROM_CHORDS chords or more where numba is installed (None)."""
    if compiled or (compiled is None and len(start) >= COMPILED_FROM_CHORDS):
        from .chord_kernels import compiled as kernels

        k = kernels()
        if k is not None:
            return Candidates(*k.candidates(np.ascontiguousarray(px, dtype=float), np.ascontiguousarray(py, dtype=float),
                                            np.asarray(start, np.int64), float(corridor_m), *_grid_arguments()))
    g = _distance_grid.grid()
    n_prefs = len(g.pref_bounds)
    first, mask = _distance_grid.cell_masks(px, py)
    end = start + 1
    length = np.hypot(px[end] - px[start], py[end] - py[start])
    either = mask[start] | mask[end]
    either[g.reach_m - g.slack_m - 0.5 * length <= corridor_m] = np.uint64((1 << n_prefs) - 1)
    some = np.flatnonzero(either)
    bits = np.unpackbits(np.ascontiguousarray(either[some], dtype="<u8").view(np.uint8).reshape(-1, 8), axis=1,
                         count=n_prefs, bitorder="little")
    at = np.flatnonzero(bits.view(bool))  # (as bool: numpy's fast path, ~15 times faster than on uint8)
    chord, pref = some[at // n_prefs], at % n_prefs
    a, b = start[chord], end[chord]
    la, ua = _distance_grid.listed_bounds(first[a], mask[a], pref, px[a], py[a])
    lb, ub = _distance_grid.listed_bounds(first[b], mask[b], pref, px[b], py[b])
    return Candidates(chord, pref, 0.5 * (la + lb - length[chord]), np.minimum(ua, ub), la, ua)


def _grid_arguments() -> tuple:
    """The distance grid as the kernel takes it."""
    g = _distance_grid.grid()
    start, present = _distance_grid._cell_index()
    return (g.x0_m, g.y0_m, g.cell_m, g.nx, g.ny, g.reach_m, g.slack_m, g.unit_m, start, present, g.sd,
            g.pref_bounds)


def track_pairs(keep: np.ndarray, X: np.ndarray, Y: np.ndarray, corridor_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Keys (row * 47 + footprint) of the tracks whose kept coarse polyline lies within ``corridor_m``
    of a footprint, and of those that intersect one: footprint_tree().query(lines, "dwithin") and
    (lines, "intersects"), decided chord by chord from the distance grid's bounds, with exact
    tests only on the chords that the bounds leave open."""
    n_prefs = len(footprints().shapes)
    n_keys = len(keep) * n_prefs
    # The kept points, by row then sample: a chord joins two consecutive ones of a row. (Flat indices:
    # np.nonzero of a 2-D mask is several times slower.)
    flat = np.flatnonzero(keep)
    pr = flat // keep.shape[1]
    px, py = np.ravel(X)[flat], np.ravel(Y)[flat]
    start = np.flatnonzero((flat[1:] == flat[:-1] + 1) & (pr[1:] == pr[:-1]))
    cand = candidates(px, py, start, corridor_m)
    a = start[cand.chord]
    pair = pr[a] * n_prefs + cand.pref

    def decide(limit: float, predicate) -> np.ndarray:
        found = np.zeros(n_keys, dtype=bool)  # by key: the answers, sorted and distinct for free
        found[pair[cand.upper <= limit]] = True  # an end within the limit (or inside: limit 0)
        open_ = np.nonzero((cand.lower <= limit) & ~found[pair])[0]
        if len(open_):
            c = a[open_]
            hit = predicate(cand.pref[open_], px[c], py[c], px[c + 1], py[c + 1], open_)
            found[pair[open_[hit]]] = True
        return np.flatnonzero(found)

    corridor = decide(corridor_m, lambda f, *ends_open: chords_within(f, *ends_open[:4], corridor_m))
    crossed = decide(0.0, lambda f, ax, ay, bx, by, o: chords_intersect(f, ax, ay, bx, by, cand.lower_a[o],
                                                                         cand.upper_a[o]))
    return corridor, crossed
