"""Compiled twin (numba) of ``chords.candidates``: the candidate footprints of every chord of the
coarse tracks and their bounds, in one pass over the chords instead of two dozen array passes,
the bit expansion and the look-ups of both ends.

It computes what the numpy route computes, with the same formulas in the same order (the cell of
each point, the bitmasks of the two ends or every footprint where the chord is long, then per set
bit the end's entry or the far bound, and the chord's bounds), so the same candidates with the
same bits; tests/test_pair_kernels.py runs both on the same inputs. Only ``chords`` imports this
module, for calls of at least ``chords.COMPILED_FROM_CHORDS`` chords where numba is installed
(never a single run's: its start-up must not pay for importing numba).
"""

from __future__ import annotations

import math
import numpy as np

from .. import compiling


@compiling.kernels
def compiled(numba):
    """The kernels (a namespace with ``candidates``), or None without numba (or with the kernels
    switched off: :mod:`jalert_sim.compiling`)."""
    global _popcount, _end_bounds
    helper = numba.njit(cache=True, nogil=True, inline="always")
    _popcount, _end_bounds = helper(_popcount), helper(_end_bounds)

    class Kernels:
        pass

    Kernels.candidates = staticmethod(numba.njit(cache=True, nogil=True)(_candidates))
    return Kernels


def _popcount(v):  # pragma: no cover (compiled)
    """Bits set in the uint64 ``v``."""
    v = v - ((v >> np.uint64(1)) & np.uint64(0x5555555555555555))
    v = (v & np.uint64(0x3333333333333333)) + ((v >> np.uint64(2)) & np.uint64(0x3333333333333333))
    v = (v + (v >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((v * np.uint64(0x0101010101010101)) >> np.uint64(56))


def _end_bounds(f, px, py, c, mask, start, sd, unit_m, slack_m, far_m, pref_bounds):  # pragma: no cover (compiled)
    """distance_grid.bounds of footprint ``f`` at (px, py), whose cell is ``c`` (-1: none) listing
    the footprints of ``mask``: (lower, upper), m."""
    if math.isnan(px) or math.isnan(py):
        return np.inf, np.inf
    bit = np.uint64(1) << np.uint64(f)
    if mask & bit:
        d = sd[start[c] + _popcount(mask & (bit - np.uint64(1)))] * unit_m
        return d - slack_m, d + slack_m
    dx = max(max(pref_bounds[f, 0] - px, px - pref_bounds[f, 2]), 0.0)
    dy = max(max(pref_bounds[f, 1] - py, py - pref_bounds[f, 3]), 0.0)
    if max(dx, dy) * 1.5 < far_m:  # the box is nearer than far_m (hypot <= sqrt(2) max): far_m wins the max
        return far_m, np.inf
    return max(far_m, math.hypot(dx, dy) * (1.0 - 1e-12) - 1e-6), np.inf


def _candidates(px, py, chord_start, corridor_m, x0, y0, cell_m, nx, ny, reach_m, slack_m, unit_m, start, present,
                sd, pref_bounds):  # pragma: no cover (compiled)
    """chords.candidates' numpy route: (chord, pref, lower, upper, lower_a, upper_a)."""
    n_points = px.shape[0]
    cell = np.full(n_points, -1, np.int64)
    mask = np.zeros(n_points, np.uint64)
    for i in range(n_points):
        fx = np.floor((px[i] - x0) / cell_m)
        fy = np.floor((py[i] - y0) / cell_m)
        if fx >= 0 and fx < nx and fy >= 0 and fy < ny:  # (False for NaN)
            cell[i] = int(fx) * ny + int(fy)
            mask[i] = present[cell[i]]
    n_prefs = pref_bounds.shape[0]
    every = (np.uint64(1) << np.uint64(n_prefs)) - np.uint64(1)
    far_m = reach_m - slack_m
    n_chords = chord_start.shape[0]
    length = np.empty(n_chords)
    either = np.empty(n_chords, np.uint64)
    total = 0
    # A chord is long (every footprint a candidate) from 2 (far_m - corridor_m): below 0.99 of that,
    # its squared length tells without hypot (~20 ns), whose bits only candidates need.
    short2 = (0.99 * 2.0 * (far_m - corridor_m)) ** 2 if far_m > corridor_m else -1.0
    for j in range(n_chords):
        a = chord_start[j]
        dx, dy = px[a + 1] - px[a], py[a + 1] - py[a]
        either[j] = mask[a] | mask[a + 1]
        if either[j] == 0 and dx * dx + dy * dy < short2:
            continue
        length[j] = math.hypot(dx, dy)
        if far_m - 0.5 * length[j] <= corridor_m:
            either[j] = every
        total += _popcount(either[j])
    chord = np.empty(total, np.int64)
    pref = np.empty(total, np.int64)
    lower, upper = np.empty(total), np.empty(total)
    lower_a, upper_a = np.empty(total), np.empty(total)
    k = 0
    for j in range(n_chords):
        a = chord_start[j]
        bits = either[j]
        while bits:  # the set bits, lowest first
            low = bits & (~bits + np.uint64(1))
            bits ^= low
            f = _popcount(low - np.uint64(1))
            la, ua = _end_bounds(f, px[a], py[a], cell[a], mask[a], start, sd, unit_m, slack_m, far_m, pref_bounds)
            lb, ub = _end_bounds(f, px[a + 1], py[a + 1], cell[a + 1], mask[a + 1], start, sd, unit_m, slack_m, far_m,
                                 pref_bounds)
            chord[k], pref[k] = j, f
            lower[k], upper[k] = 0.5 * (la + lb - length[j]), min(ua, ub)
            lower_a[k], upper_a[k] = la, ua
            k += 1
    return chord, pref, lower, upper, lower_a, upper_a
