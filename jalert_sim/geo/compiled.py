"""Compiled (numba) twin of ``projection._interpolate``, for the large calls of a batch.

The projection table's bicubic patches are evaluated with the same Horner scheme, operation
for operation, one point at a time instead of 32 gathers and a dozen array passes: the same
bits (tests/test_kernels.py runs both). Only ``projection`` imports this module, and only for
calls of at least ``projection.COMPILED_FROM_POINTS`` points where numba is installed, so a
single ``run`` never imports numba. Compiled code is cached beside the module (``cache=True``).
"""

from __future__ import annotations

import numpy as np

from .. import compiling


@compiling.kernels
def compiled(numba):
    """The kernel ``interpolate(lon, lat, lon0, lat0, step, cols, rows, patches by cell)``, or None without
    numba (or with the kernels switched off: :mod:`jalert_sim.compiling`)."""
    return numba.njit(cache=True, nogil=True)(_interpolate)


def _interpolate(lon, lat, lon0, lat0, step, cols, rows, c):  # pragma: no cover (compiled)
    """projection._interpolate of 1-D lon, lat inside the table's box: (x, y), m. ``c``: the
    patches by cell, (cells, 32)."""
    n = lon.shape[0]
    x = np.empty(n)
    y = np.empty(n)
    for p in range(n):
        t = (lon[p] - lon0) / step
        s = (lat[p] - lat0) / step
        i = min(np.floor(t), cols - 1.0)
        j = min(np.floor(s), rows - 1.0)
        u, v = t - i, s - j
        k = int(j * cols + i)
        b0 = ((c[k, 24] * v + c[k, 16]) * v + c[k, 8]) * v + c[k, 0]
        b1 = ((c[k, 25] * v + c[k, 17]) * v + c[k, 9]) * v + c[k, 1]
        b2 = ((c[k, 26] * v + c[k, 18]) * v + c[k, 10]) * v + c[k, 2]
        b3 = ((c[k, 27] * v + c[k, 19]) * v + c[k, 11]) * v + c[k, 3]
        b4 = ((c[k, 28] * v + c[k, 20]) * v + c[k, 12]) * v + c[k, 4]
        b5 = ((c[k, 29] * v + c[k, 21]) * v + c[k, 13]) * v + c[k, 5]
        b6 = ((c[k, 30] * v + c[k, 22]) * v + c[k, 14]) * v + c[k, 6]
        b7 = ((c[k, 31] * v + c[k, 23]) * v + c[k, 15]) * v + c[k, 7]
        x[p] = ((b6 * u + b4) * u + b2) * u + b0
        y[p] = ((b7 * u + b5) * u + b3) * u + b1
    return x, y
