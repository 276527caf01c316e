"""Free-flight positions at many times at once: ``track_at_times``, what ``Trajectories.positions_at``
asks of the Kepler orbits (physics.kepler.Ellipses) for an (n, m) array of times.

Large calls go to the compiled kernel (physics.compiled) where numba is installed. Otherwise
numpy solves them in blocks of rows of about BLOCK_POINTS points, whose temporaries stay in the
CPU's cache, and only over each row's free-flight span: positions_at pads a row's times outside
free flight (its boost phase, the columns after its impact) with one time, whose answer is NaN
anyway; each row keeps one of them, because every time of the call counts for the iteration count
of Kepler's equation (``Ellipses._halley``), and rows of like width are blocked together. Either
way the bits are those of one numpy call over the whole array.
"""

from __future__ import annotations

import numpy as np

from .kepler import TWO_PI, Ellipses, cos_sin

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
    clipped at 0) of orbits ``ell`` at times t (n, m), NaN where ``free`` (n, m) is False; every
    time of ``t`` counts for the iteration count of Kepler's equation, as in
    ``Ellipses.geodetic_at_times``. ``reference``: ``Ellipses.longitude_reference``.

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
    """track_at_times's numpy route over blocks, with the bits of one call: each block is iterated
    until its own points settle, and the points that settled on a block's last iteration get their
    cosine and sine afresh where the whole call iterated longer (``Ellipses._halley``)."""
    n, m = t.shape
    spans = _spans(t, free)
    if spans is None:  # every point, rows in their order
        rows = max(1, BLOCK_POINTS // m)
        blocks = [(np.arange(i, min(i + rows, n)), np.zeros(min(rows, n - i), np.int64), m)
                  for i in range(0, n, rows)]
    else:
        blocks = _span_blocks(spans[0], spans[2])
    sign, start = reference
    parts = []
    for rows, first, width in blocks:
        if spans is None:
            cols, own = np.broadcast_to(np.arange(m), (len(rows), m)), True
        else:  # the row's span, then (as padding too) a column outside it: its one time there
            own = np.arange(width) < (spans[1] - spans[0] + 1)[rows][:, None]
            cols = np.where(own, first[:, None] + np.arange(width), spans[3][rows][:, None])
        parts.append((rows, cols, t[rows[:, None], cols], free[rows[:, None], cols] & own, ell.take(rows)))
    solved = [orbits._halley(bt) for _, _, bt, _, orbits in parts]
    calls = max(s[-1] for s in solved)
    lat, lon, alt = np.full(t.shape, np.nan), np.full(t.shape, np.nan), np.full(t.shape, np.nan)
    for (rows, cols, bt, bf, orbits), (ecc, cos_e, sin_e, moving, block_calls) in zip(parts, solved):
        if block_calls < calls:  # (the call's next iteration: a zero step from trig afresh)
            late = slice(None) if moving is None else moving
            fresh_cos, fresh_sin = cos_sin(ecc[late])
            cos_e[late], sin_e[late] = fresh_cos + 0.0 * fresh_sin, fresh_sin - 0.0 * fresh_cos
        b_lat, b_lon, b_alt = orbits.geodetic_at(ecc + TWO_PI * (ecc < 0.0), bt, (sign[rows], start[rows]),
                                                 (cos_e, sin_e))
        at = (rows[:, None], cols)  # (padding lands on the row's point outside its span: NaN there)
        lat[at], lon[at] = np.where(bf, b_lat * to_deg, np.nan), np.where(bf, b_lon * to_deg, np.nan)
        alt[at] = np.where(bf, np.maximum(b_alt, 0.0) / 1000.0, np.nan)
    return lat, lon, alt


def _spans(t, free):
    """Per row (first free column, last free column, columns to solve, a column outside the span),
    or None where a row's points outside its free span are not all at one time (then every point
    is solved). Columns to solve: the span, and one more for the time outside it if the row has
    points there. (A row without any is m columns wide, the widest: it is never padded, and the
    column named as outside it is never used.)"""
    n, m = t.shape
    any_free = free.any(axis=1)
    first = np.where(any_free, np.argmax(free, axis=1), 0)
    last = np.where(any_free, m - 1 - np.argmax(free[:, ::-1], axis=1), -1)
    outside_col = np.where(first > 0, 0, m - 1)  # a column outside the span, where there is one
    has_outside = (first > 0) | (last < m - 1)
    rep = t[np.arange(n), outside_col]
    col = np.arange(m)
    in_span = (col >= first[:, None]) & (col <= last[:, None])
    if not np.all(in_span | (t == rep[:, None])):
        return None
    return first, last, last - first + 1 + has_outside, outside_col


def _span_blocks(first, width):
    """(rows, first column, width) of blocks of rows of like width, of at most ~BLOCK_POINTS points."""
    order = np.argsort(width, kind="stable")
    blocks, i, n = [], 0, len(order)
    while i < n:
        j = i + 1
        while j < n and (j + 1 - i) * width[order[j]] <= BLOCK_POINTS:
            j += 1
        rows = order[i:j]
        blocks.append((rows, first[rows], int(width[rows].max())))
        i = j
    return blocks
