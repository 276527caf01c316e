"""Comparing what two routes of the engine compute (numpy and compiled, or two ways of narrowing
a search): bit for bit where the platform allows it, to a few units in the last place where not.

The compiled kernels and the engine's small-call paths in plain Python use the C library's math
functions; numpy uses them too on x86-64 without AVX-512 (the machines these claims were first
checked on), and then every route gives the same bits. With AVX-512, numpy 2 computes float64
arctan2, tan, cbrt, arcsin, exp and others with its own SIMD versions, which differ from the C
library's in the last bit or two: the routes then agree to ~1e-13 relative, a point's bits can
depend on whether its call was small enough for plain Python, and the decisions made from them
(which sample is inside, which chord is searched) still agree.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math

import numpy as np


def numpy_math_is_libm() -> bool:
    """Whether numpy's float64 math functions that the engine uses give the C library's bits here."""
    x = np.linspace(-3.0, 3.0, 4001)
    y = np.linspace(2.5, -2.0, 4001)
    u = x / 3.0
    checks = ((np.arctan2(x, y), map(math.atan2, x, y)), (np.hypot(x, y), map(_libm_hypot(), x, y)),
              (np.tan(x), map(math.tan, x)), (np.sin(x), map(math.sin, x)), (np.cos(x), map(math.cos, x)),
              (np.cbrt(x), map(math.cbrt, x)), (np.arcsin(u), map(math.asin, u)), (np.arccos(u), map(math.acos, u)))
    return all(np.array_equal(got, np.fromiter(want, float)) for got, want in checks)


def _libm_hypot():
    """The C library's hypot (the kernels' math.hypot; Python's own is a different algorithm)."""
    libm = ctypes.CDLL(ctypes.util.find_library("m"))
    libm.hypot.restype, libm.hypot.argtypes = ctypes.c_double, (ctypes.c_double, ctypes.c_double)
    return libm.hypot


LIBM = numpy_math_is_libm()

#: Where the bits may differ: a few units in the last place of Kepler's anomaly carried through
#: the position and the projection (measured: 1.5e-13 relative at most, on latitudes).
RTOL, ATOL = 1e-11, 1e-9


def assert_same(a: np.ndarray, b: np.ndarray, err_msg: str = "") -> None:
    """``a`` and ``b`` equal: floats bit for bit where numpy's math is the C library's, else within
    RTOL (NaN where NaN); anything else (indices, flags, texts) exactly."""
    a, b = np.asarray(a), np.asarray(b)
    if LIBM or a.dtype.kind != "f":
        np.testing.assert_array_equal(a, b, err_msg=err_msg)
        assert a.dtype.kind != "f" or a.tobytes() == b.tobytes(), err_msg  # (-0.0 against 0.0 too)
    else:
        assert a.shape == b.shape, err_msg
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True, err_msg=err_msg)
