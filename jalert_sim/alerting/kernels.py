"""Compiled kernels (numba) of the alert engine, for the large arrays of a batch.

Each kernel computes what a numpy function of the engine computes, with the same formula in
the same order, in one pass over the points instead of a dozen array passes and their
temporaries. The engine calls a kernel only for calls on at least
``geometry.COMPILED_FROM_POINTS`` points (a batch's chunks; never a single ``run``, whose
start-up must not pay for importing numba, nor even this module),
and only where numba is installed; otherwise its numpy twin. tests/test_kernels.py runs both
on the same inputs. Compiled code is cached beside the module (``cache=True``).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

@cache
def compiled():
    """The compiled kernels (a namespace with ``near_mask``), or None without numba."""
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(cache=True, nogil=True)
    def near_mask(lon, lat, lat0, lon0, radius_m, x0, y0, cell_m, raster):  # pragma: no cover (compiled)
        """geometry.maybe_near's answer for 2-D C-contiguous lon, lat (degrees): _approx_xy then
        the raster look-up, point by point."""
        out = np.zeros(lat.shape, np.bool_)
        ny, nx = raster.shape
        sin0, cos0 = math.sin(lat0), math.cos(lat0)
        to_rad = math.pi / 180.0
        inv_cell = 1.0 / cell_m
        for i in range(lat.shape[0]):
            for j in range(lat.shape[1]):
                la, lo = lat[i, j], lon[i, j]
                if math.isnan(la) or math.isnan(lo):
                    continue
                p = la * to_rad
                dl = lo * to_rad - lon0
                sin_p, cos_p, cos_dl = math.sin(p), math.cos(p), math.cos(dl)
                cos_c = sin0 * sin_p + cos0 * cos_p * cos_dl
                c = math.acos(min(max(cos_c, -1.0), 1.0))
                k = c / math.sin(c) if c > 1e-9 else 1.0
                ax = radius_m * k * cos_p * math.sin(dl)
                ay = radius_m * k * (cos0 * sin_p - sin0 * cos_p * cos_dl)
                fx, fy = (ax - x0) * inv_cell, (ay - y0) * inv_cell
                if fx >= 0.0 and fx < nx and fy >= 0.0 and fy < ny:
                    out[i, j] = raster[int(fy), int(fx)]
        return out

    class Kernels:
        pass

    Kernels.near_mask = staticmethod(near_mask)
    return Kernels
