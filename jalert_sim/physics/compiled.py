"""Compiled (numba) twin of ``tracks.track_at_times``' numpy route, for the large calls of a batch.

Sampling a track is Kepler's equation by Halley's method, then the position, the geodetic
latitude and height and the longitude of every point: two dozen numpy passes, each with its
temporaries. The kernel makes one pass per point with the same formulas in the same order (no
fast-math, so no contraction into fused multiply-adds): on this platform it gives the same bits
as the numpy code (tests/test_kernels.py runs both on the same inputs).

Each point iterates on its own, as in numpy (``kepler.halley_steps``), and stops after its first
step below 1e-6 rad. Only ``tracks`` imports this module, and only for calls of at least
``tracks.COMPILED_FROM_POINTS`` points where numba is installed (a single ``run`` never imports
numba). Compiled code is cached beside the module (``cache=True``).
"""

from __future__ import annotations

import math

import numpy as np

from .. import compiling

from ..earth import OMEGA_EARTH_RAD_S, WGS84_A_M, WGS84_B_M
from ..earth import WGS84_E2 as _E2
from .kepler import HALLEY_MAX_STEPS

# kepler's constants, by the same expressions.
_EP2 = (WGS84_A_M**2 - WGS84_B_M**2) / WGS84_B_M**2
_TWO_PI = 2.0 * np.pi


@compiling.kernels
def compiled(numba):
    """The kernel ``track_at_times(n, e, tau, a, p_hat, q_hat, sign, start, t, free, to_deg)`` or None
    without numba (or with the kernels switched off: :mod:`jalert_sim.compiling`)."""
    global _starter, _kepler_point, _geodetic_point
    _starter = numba.njit(cache=True, nogil=True, inline="always")(_starter)
    _kepler_point = numba.njit(cache=True, nogil=True, inline="always")(_kepler_point)
    _geodetic_point = numba.njit(cache=True, nogil=True, inline="always")(_geodetic_point)
    anomalies = numba.njit(cache=True, nogil=True)(_anomalies)
    positions = numba.njit(cache=True, nogil=True)(_positions)

    def track_at_times(mean_motion, ecc, tau, semi_major, p_hat, q_hat, sign, start, t, free, to_deg):
        """tracks.track_at_times: (lat deg, lon deg unwrapped, height km clipped at 0) at
        times t (n, m, C-contiguous) of orbits given per row, NaN where ``free`` is False."""
        solved = anomalies(mean_motion, ecc, tau, t, free)
        return positions(*solved, ecc, semi_major, p_hat, q_hat, sign, start, t, free, to_deg)

    return track_at_times


def _anomalies(mean_motion, ecc, tau, t, free):  # pragma: no cover (compiled)
    """kepler.Ellipses._halley point by point: (E before the shift to [0, 2 pi), cos E and sin E
    carried over the last step), where ``free`` (elsewhere undefined: _positions makes it NaN)."""
    n_rows, n_cols = t.shape
    anomaly = np.empty((n_rows, n_cols))
    cos_out = np.empty((n_rows, n_cols))
    sin_out = np.empty((n_rows, n_cols))
    for i in range(n_rows):
        n, e = mean_motion[i], ecc[i]
        k, alpha, c78 = _starter(e)
        for j in range(n_cols):
            if free[i, j]:
                anomaly[i, j], cos_out[i, j], sin_out[i, j] = _kepler_point(n, e, k, alpha, c78, tau[i], t[i, j])
    return anomaly, cos_out, sin_out


def _starter(e):  # pragma: no cover (compiled)
    """The constants of :func:`_kepler_point`'s starter for eccentricity ``e``, as
    kepler.Ellipses._halley computes them: (k, alpha, c78)."""
    k = 1.0 / (4.0 * e + 0.5)
    return k, (1.0 - e) * k, 0.078 / (1.0 + e)


def _kepler_point(n, e, k, alpha, c78, tau, t):  # pragma: no cover (compiled)
    """One point of :func:`_anomalies` (orbit of mean motion ``n``, eccentricity ``e``, with the row's
    constants of the starter ``k``, ``alpha``, ``c78``; periapsis time ``tau``) at time ``t``."""
    x = n * (t - tau)
    m = x - _TWO_PI * np.floor(x * (1.0 / _TWO_PI) + 0.5)
    beta = (0.5 * k) * m
    z = np.cbrt(beta + math.copysign(math.sqrt(beta * beta + alpha * alpha * alpha), beta))
    s = z - alpha / z
    s2 = s * s
    s = s - c78 * s * s2 * s2
    E = m + e * s * (3.0 - 4.0 * s * s)
    steps = 0
    step = 0.0
    cos_e = sin_e = 0.0
    while True:
        tt = math.tan(0.5 * E)
        d = 2.0 / (1.0 + tt * tt)
        cos_e, sin_e = d - 1.0, tt * d
        e_sin = e * sin_e
        f = E - e_sin - m
        slope = 1.0 - e * cos_e
        step = f / (slope - 0.5 * f * e_sin / slope)
        E = E - step
        steps += 1
        if not (abs(step) > 1e-6) or steps == HALLEY_MAX_STEPS:
            break
    return E, cos_e + step * sin_e, sin_e - step * cos_e


def _positions(anomaly, cos_out, sin_out, ecc, semi_major, p_hat, q_hat, sign, start, t, free,
               to_deg):  # pragma: no cover (compiled)
    """Ellipses.geodetic_at and the conversions of positions_at, point by point, from _anomalies."""
    n_rows, n_cols = t.shape
    lat = np.empty((n_rows, n_cols))
    lon = np.empty((n_rows, n_cols))
    alt = np.empty((n_rows, n_cols))
    for i in range(n_rows):
        a, e = semi_major[i], ecc[i]
        b = a * math.sqrt(1.0 - e * e)
        for j in range(n_cols):
            if not free[i, j]:
                lat[i, j] = lon[i, j] = alt[i, j] = np.nan
                continue
            lat[i, j], lon[i, j], alt[i, j] = _geodetic_point(
                anomaly[i, j], cos_out[i, j], sin_out[i, j], a, b, e, p_hat[i, 0], p_hat[i, 1], p_hat[i, 2],
                q_hat[i, 0], q_hat[i, 1], q_hat[i, 2], sign[i], start[i], t[i, j], to_deg)
    return lat, lon, alt


def _geodetic_point(E, cos_e, sin_e, a, b, e, p0, p1, p2, q0, q1, q2, sign, start, t,
                    to_deg):  # pragma: no cover (compiled)
    """One point of :func:`_positions`: (lat deg, lon deg unwrapped, height km clipped at 0) of the
    orbit of semi-axes ``a``, ``b``, eccentricity ``e`` and axes ``p``, ``q`` (ECI) at eccentric anomaly
    ``E`` (as _anomalies gives it, with its cosine and sine) and time ``t``."""
    if E < 0.0:
        E = E + _TWO_PI
    else:
        E = E + 0.0
    along_p = a * (cos_e - e)
    along_q = b * sin_e
    x = along_p * p0 + along_q * q0
    y = along_p * p1 + along_q * q1
    z = along_p * p2 + along_q * q2
    p = math.sqrt(x * x + y * y)
    # kepler.lat_alt
    za, pb = z * WGS84_A_M, p * WGS84_B_M
    k = 1.0 / math.sqrt(za * za + pb * pb)
    sin_t, cos_t = za * k, pb * k
    num = z + (_EP2 * WGS84_B_M) * (sin_t * sin_t * sin_t)
    den = p - (_E2 * WGS84_A_M) * (cos_t * cos_t * cos_t)
    k = 1.0 / math.sqrt(num * num + den * den)
    sin_lat = num * k
    h = (p * den + z * num) * k - WGS84_A_M * math.sqrt(1.0 - _E2 * (sin_lat * sin_lat))
    alt = (h if h >= 0.0 or math.isnan(h) else 0.0) / 1000.0  # np.maximum(h, 0.0) / 1000.0
    lat = math.atan2(num, den) * to_deg
    # kepler.longitude
    true_anomaly = math.atan2(along_q, along_p)
    true_anomaly = true_anomaly + _TWO_PI * np.rint((E - true_anomaly) * (1.0 / _TWO_PI))
    eci = math.atan2(y, x)
    turns = np.rint((start + sign * true_anomaly - eci) * (1.0 / _TWO_PI))
    return lat, (eci + _TWO_PI * turns - OMEGA_EARTH_RAD_S * t) * to_deg, alt
