"""Free-flight positions at many times at once: ``track_at_times``, what ``Trajectories.positions_at``
asks of the Kepler orbits (physics.kepler.Ellipses) for an (n, m) array of times.

Large calls go to the compiled kernel (physics.compiled) where numba is installed. Otherwise
numpy solves them in blocks of rows of about BLOCK_POINTS points, whose temporaries stay in the
CPU's cache, and only over each row's free span (the points outside it, in the boost phase or
after the impact, are NaN anyway); rows of like width are blocked together. Every point of
Kepler's equation iterates on its own (``kepler.halley_steps``), so each route gives the bits of
one numpy call over the whole array.
"""

from __future__ import annotations

import numpy as np

from .kepler import Ellipses

#: Calls of track_at_times on fewer points use numpy: a single run's calls are all smaller, so
#: it never imports numba (which would cost more than its whole run).
COMPILED_FROM_POINTS = 2_000

#: The numpy route solves calls of twice as many points or more in blocks of rows of about this
#: many points (64 kB an array). Measured on the 2-core machine, an ensemble's coarse samples
#: (1,000 rows of 101 times) went from ~350 to ~300 ns a point.
BLOCK_POINTS = 8_192


def _kernel():
    from .compiled import compiled

    return compiled()


def track_at_times(ell: Ellipses, t, free, reference, to_deg, *, compiled: bool | None = None):
    """Latitude and unwrapped longitude (``to_deg`` times the radians: degrees) and height (km,
    clipped at 0) of orbits ``ell`` at times t (n, m), NaN where ``free`` (n, m) is False, as
    ``Ellipses.geodetic_at_times`` gives them. ``reference``: ``Ellipses.longitude_reference``.

    ``compiled``: the numba kernel of :mod:`.compiled` (True), numpy (False), or the kernel for
    calls of at least COMPILED_FROM_POINTS points where numba is installed (None)."""
    if compiled or (compiled is None and np.size(t) >= COMPILED_FROM_POINTS):
        kernel = _kernel()
        if kernel is not None:
            sign, start = reference
            return kernel(ell.n, ell.e, ell.tau, ell.a, np.ascontiguousarray(ell.p_hat),
                          np.ascontiguousarray(ell.q_hat), np.asarray(sign, dtype=float),
                          np.asarray(start, dtype=float), np.ascontiguousarray(t, dtype=float),
                          np.ascontiguousarray(free, dtype=bool), float(to_deg))
    if np.ndim(t) == 2 and np.size(t) >= 2 * BLOCK_POINTS:
        return _in_blocks(ell, t, free, reference, to_deg)
    lat, lon, alt = ell.geodetic_at_times(t, reference)
    return (np.where(free, lat * to_deg, np.nan), np.where(free, lon * to_deg, np.nan),
            np.where(free, np.maximum(alt, 0.0) / 1000.0, np.nan))


def _in_blocks(ell: Ellipses, t, free, reference, to_deg):
    """track_at_times's numpy route over blocks of rows of like free span (from the first free
    point to the last; the points outside it are NaN and are not solved). Each point's numbers
    are its own, so the bits are those of one call."""
    n, m = t.shape
    any_free = free.any(axis=1)
    first = np.where(any_free, np.argmax(free, axis=1), 0)
    width = np.where(any_free, m - np.argmax(free[:, ::-1], axis=1) - first, 0)
    sign, start = reference
    lat, lon, alt = np.full(t.shape, np.nan), np.full(t.shape, np.nan), np.full(t.shape, np.nan)
    for rows, block_width in _span_blocks(width):
        # A row narrower than its block repeats its last column (solved twice, written twice alike).
        cols = first[rows][:, None] + np.minimum(np.arange(block_width), width[rows][:, None] - 1)
        at = (rows[:, None], cols)
        bf = free[at]
        b_lat, b_lon, b_alt = ell.take(rows).geodetic_at_times(t[at], (sign[rows], start[rows]))
        lat[at], lon[at] = np.where(bf, b_lat * to_deg, np.nan), np.where(bf, b_lon * to_deg, np.nan)
        alt[at] = np.where(bf, np.maximum(b_alt, 0.0) / 1000.0, np.nan)
    return lat, lon, alt


def _span_blocks(width):
    """(rows, width) of blocks of the rows of nonzero ``width``, rows of like width together, at
    most ~BLOCK_POINTS points a block."""
    order = np.argsort(width, kind="stable")
    order = order[width[order] > 0]
    blocks, i, n = [], 0, len(order)
    while i < n:
        j = i + 1
        while j < n and (j + 1 - i) * width[order[j]] <= BLOCK_POINTS:
            j += 1
        rows = order[i:j]
        blocks.append((rows, int(width[rows].max())))
        i = j
    return blocks
