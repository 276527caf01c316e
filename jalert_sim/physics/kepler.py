"""Two-body (Kepler) free flight and WGS84 coordinate conversions, vectorised.

Frames and units: metres, seconds, radians. ``ECEF`` is WGS84 Earth-centred,
Earth-fixed (EPSG:4978). ``ECI`` here is the inertial frame that coincides
with ECEF at the launch instant t = 0 and does not rotate; ECEF turns about
the common z axis at ``OMEGA_EARTH_RAD_S``, so a point fixed on the Earth at
ECEF longitude lon is at ECI angle lon + omega * t.

Every function takes and returns numpy arrays and broadcasts over leading
axes; vectors have a trailing axis of length 3. No pyproj here: these run in
the solver's inner loop. They are written for few numpy calls (a single
trajectory's solve is ~all per-call overhead): component-wise rather than with
np.cross/np.linalg, products rather than powers, no np.where where arithmetic does.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from ..earth import GM_M3_S2, MEAN_EARTH_RADIUS_M, OMEGA_EARTH_RAD_S, WGS84_A_M, WGS84_B_M
from ..earth import WGS84_E2 as _E2
_EP2 = (WGS84_A_M**2 - WGS84_B_M**2) / WGS84_B_M**2  # second eccentricity squared
TWO_PI = 2.0 * np.pi
_INV_A2 = 1.0 / WGS84_A_M**2
#: On the ellipsoid (x^2 + y^2)/a^2 + z^2/b^2 = 1, i.e. |r|^2/a^2 + _K_Z2 z^2 = 1.
_K_Z2 = 1.0 / WGS84_B_M**2 - 1.0 / WGS84_A_M**2


def fast_clip(x, lo, hi):
    """np.clip without its Python-level overhead (it matters for single trajectories). NaN stays NaN."""
    return np.minimum(np.maximum(x, lo), hi)


def _freeze_settled(step, done, tol):
    """(step, done) of one iteration in which each point stops moving once settled: points already
    ``done`` get a zero step, and a point is done from its first step below ``tol`` (which it still
    takes). Its value then does not depend on the other points (of other trajectories in a batch).
    ``done`` None means the first iteration."""
    if done is None:
        return step, ~(np.abs(step) > tol)
    step = np.where(done, 0.0, step)
    return step, done | ~(np.abs(step) > tol)


#: Halley steps a point of Kepler's equation takes at most (two reach ~1e-14 rad from the starter).
HALLEY_MAX_STEPS = 12


def halley_steps(ecc, e, m):
    """Kepler's equation E - e sin E = m by Halley's method from the starters ``ecc`` (1-D arrays, E
    and m in [-pi, pi)): (E, cos E, sin E), the cosine and sine those of the last step's start
    carried over the step. A point stops after its first step below 1e-6 rad (or NaN), at most
    HALLEY_MAX_STEPS; its numbers depend on its own inputs alone, whatever the call holds (the
    compiled kernel, physics.compiled, iterates point by point to the same bits). The first steps
    run over the whole arrays; once most points have stopped, over those still moving."""
    cos_out = sin_out = None
    moving = None  # indices still iterating, None: all
    for _ in range(HALLEY_MAX_STEPS):
        if moving is None:
            E, ee, mm = ecc, e, m
        else:
            E, ee, mm = ecc[moving], e[moving], m[moving]
        cos_e, sin_e = cos_sin(E)
        e_sin = ee * sin_e
        f = E - e_sin - mm
        slope = 1.0 - ee * cos_e
        step = f / (slope - 0.5 * f * e_sin / slope)
        more = np.abs(step) > 1e-6
        if moving is None:
            ecc, cos_out, sin_out = E - step, cos_e + step * sin_e, sin_e - step * cos_e
            if more.all() and more.size:
                continue
            moving = np.flatnonzero(more)
        else:
            ecc[moving], cos_out[moving], sin_out[moving] = E - step, cos_e + step * sin_e, sin_e - step * cos_e
            moving = moving[more]
        if len(moving) == 0:
            break
    return ecc, cos_out, sin_out


def cos_sin(x):
    """(cos x, sin x) through tan(x / 2): numpy's float64 sin and cos are scalar loops here
    (~20 ns an element) where tan is vectorised (~3 ns); the results agree with np.cos/np.sin
    to ~1e-16 absolute. Used everywhere, whatever the array size, so a trajectory's numbers
    do not depend on the batch it is solved or sampled in.
    """
    t = np.tan(0.5 * x)
    d = 2.0 / (1.0 + t * t)
    return d - 1.0, t * d


def ecef_xyz_from_trig(cos_lat, sin_lat, cos_lon, sin_lon, alt_m):
    """ECEF x, y, z (m) of geodetic points, from the sines and cosines of their latitude and longitude."""
    n = WGS84_A_M / np.sqrt(1.0 - _E2 * sin_lat * sin_lat)
    horizontal = (n + alt_m) * cos_lat
    return horizontal * cos_lon, horizontal * sin_lon, (n * (1.0 - _E2) + alt_m) * sin_lat


def lat_alt(p, z):
    """Geodetic latitude (rad) and height above the WGS84 ellipsoid (m) of an ECEF or ECI point,
    from its distance to the z axis p (m) and z (m) (neither depends on the Earth's rotation).

    One step of Bowring's (1976) method from the parametric latitude of the point
    itself: for heights from -200 to 45,000 km the height is exact to ~1e-8 m and
    the latitude to ~1e-10 rad near the surface, ~1e-8 rad (5 cm) at thousands of
    km (checked against the closed-form Heikkinen solution). Half the numpy calls
    of a closed form, and no special case on the axis.
    """
    a, b = WGS84_A_M, WGS84_B_M
    za, pb = z * a, p * b
    k = 1.0 / np.sqrt(za * za + pb * pb)
    sin_t, cos_t = za * k, pb * k  # of the parametric latitude tan(t) = a z / (b p)
    num = z + (_EP2 * b) * (sin_t * sin_t * sin_t)
    den = p - (_E2 * a) * (cos_t * cos_t * cos_t)
    k = 1.0 / np.sqrt(num * num + den * den)
    sin_lat = num * k
    alt = (p * den + z * num) * k - a * np.sqrt(1.0 - _E2 * (sin_lat * sin_lat))
    return np.arctan2(num, den), alt


class Orbit(NamedTuple):
    """Kepler orbits (1-D arrays, one per row) as :func:`orbit_from_state` gives them.

    ``a`` (m), ``e``, ``n`` (rad/s), ``tau`` (perigee passage, s), ``e_burnout`` (eccentric
    anomaly at the state's time), ``state`` (rx, ry, rz, vx, vy, vz: the ECI state the orbit
    goes through) and ``basis`` = (pa, pb, qa, qb) with p_hat = pa r + pb v (toward perigee) and
    q_hat = qa r + qb v (90 degrees ahead in the plane): the orbit in terms of the state itself,
    so callers needing only a few components of p_hat and q_hat (the solver) do not build (n, 3)
    arrays. Unbound orbits are NaN.
    """

    a: np.ndarray
    e: np.ndarray
    n: np.ndarray
    tau: np.ndarray
    e_burnout: np.ndarray
    state: tuple
    basis: tuple

    @classmethod
    def nan(cls, n):
        """n rows of NaN."""
        return cls(*(np.full(n, np.nan) for _ in range(5)), tuple(np.full(n, np.nan) for _ in range(6)),
                   tuple(np.full(n, np.nan) for _ in range(4)))

    def take(self, index):
        """The rows ``index``."""
        return Orbit(self.a[index], self.e[index], self.n[index], self.tau[index], self.e_burnout[index],
                     tuple(v[index] for v in self.state), tuple(v[index] for v in self.basis))

    def put(self, dst, other, src):
        """Copy rows ``src`` of ``other`` into rows ``dst`` of this orbit's arrays (in place)."""
        for mine, theirs in zip(self[:5], other[:5]):
            mine[dst] = theirs[src]
        for mine, theirs in zip(self.state + self.basis, other.state + other.basis):
            mine[dst] = theirs[src]


def orbit_from_state(rx, ry, rz, vx, vy, vz, t) -> Orbit:
    """Kepler orbits through ECI positions r (m) and velocities v (m/s), six 1-D arrays, at times t (s)."""
    r2 = rx * rx + ry * ry + rz * rz
    v2 = vx * vx + vy * vy + vz * vz
    rv = rx * vx + ry * vy + rz * vz
    rn = np.sqrt(r2)
    mu_r = GM_M3_S2 / rn
    energy = 0.5 * v2 - mu_r
    a = np.where(energy < 0, -0.5 * GM_M3_S2 / energy, np.nan)
    # Eccentricity vector c1 r - c2 v = ((v^2 - mu/r) r - (r.v) v) / mu: toward perigee, of length e.
    c1, c2 = (v2 - mu_r) * (1.0 / GM_M3_S2), rv * (1.0 / GM_M3_S2)
    e = np.sqrt(c1 * (c1 * r2 - 2.0 * c2 * rv) + c2 * c2 * v2)
    inv_e = 1.0 / e
    # q_hat = h_hat x p_hat = ((r.p_hat) v - (v.p_hat) r) / |h|, |h|^2 = r^2 v^2 - (r.v)^2.
    k = inv_e / np.sqrt(r2 * v2 - rv * rv)
    basis = (c1 * inv_e, -c2 * inv_e, (c2 * v2 - c1 * rv) * k, (c1 * r2 - c2 * rv) * k)
    # e sin E = r.v / sqrt(mu a) and e cos E = 1 - r/a at t; n = sqrt(mu a) / a^2.
    sqrt_mu_a = np.sqrt(GM_M3_S2 * a)
    e_sin = rv / sqrt_mu_a
    e_b = np.arctan2(e_sin, 1.0 - rn / a)
    n = sqrt_mu_a / (a * a)
    return Orbit(a, e, n, t - (e_b - e_sin) / n, e_b, (rx, ry, rz, vx, vy, vz), basis)


def ellipsoid_crossing(a, e, pz, qz):
    """Eccentric anomaly in (pi, 2 pi) where the descending arcs of orbits (semi-major axis a in m,
    eccentricity e, z components pz and qz of p_hat and q_hat) meet the WGS84 ellipsoid (NaN if never)."""
    ae = a * e
    apz, bqz = a * pz, a * np.sqrt(1.0 - e * e) * qz
    # On the arc |r| = a (1 - e cos E) and z = a pz (cos E - e) + b qz sin E, so the ellipsoid
    # is |r|^2 / A^2 + k z^2 = 1 (k = 1/B^2 - 1/A^2): a few operations per step.
    # Start where the orbit crosses the mean radius (arccos is NaN if it never does) ...
    cos0 = (1.0 - MEAN_EARTH_RADIUS_M / a) / e
    sin0 = -np.sqrt(1.0 - cos0 * cos0)
    # ... then restart from the ellipsoid's radius at that point's geocentric latitude: metres off.
    sin_lat = (apz * (cos0 - e) + bqz * sin0) * (1.0 / MEAN_EARTH_RADIUS_M)
    radius = WGS84_A_M * WGS84_B_M / np.sqrt(WGS84_B_M**2 + (WGS84_A_M**2 - WGS84_B_M**2) * sin_lat * sin_lat)
    refined = np.arccos((1.0 - radius / a) / e)
    ecc = TWO_PI - np.where(np.isnan(refined), np.arccos(cos0), refined)
    # Halley steps: the next error is ~K step**3 (K up to ~1e5 for grazing arcs, ~1 usually), so
    # one step from the metres-off start (~1e-6 rad) leaves ~1e-15 rad. A row stops once its step
    # is below 1e-5 rad (its value must not depend on the other rows of a batch).
    done = None
    for _ in range(10):
        cos_e, sin_e = cos_sin(ecc)
        r = a - ae * cos_e
        z = apz * (cos_e - e) + bqz * sin_e
        dr, dz = ae * sin_e, bqz * cos_e - apz * sin_e  # d/dE; the second derivatives are ae cos E, -(z + apz e)
        f = (r * r) * _INV_A2 + _K_Z2 * (z * z) - 1.0
        df = 2.0 * (r * dr * _INV_A2 + _K_Z2 * z * dz)
        ddf = 2.0 * ((dr * dr + r * ae * cos_e) * _INV_A2 + _K_Z2 * (dz * dz - z * (z + apz * e)))
        step, done = _freeze_settled(f / (df - 0.5 * f * ddf / df), done, 1e-5)
        ecc = fast_clip(ecc - step, np.pi, TWO_PI)
        if np.count_nonzero(done) == done.size:
            break
    return ecc


def longitude(ecc_anomaly, along_p, along_q, x, y, t, sign, start):
    """ECEF longitude (rad), continuous along each arc, of points at eccentric anomaly E, in-plane
    coordinates (along p_hat, along q_hat), ECI x, y and time t, given their orbit's
    ``Ellipses.longitude_reference`` (sign, start; broadcast like the points).

    The ECI angle atan2(y, x) of a point moving in a fixed plane is
    node + atan2(cos i sin u, cos u) with u the argument of latitude; that stays
    within 90 degrees of node + sign(cos i) u, which picks the branch. Subtracting
    omega * t gives the Earth-fixed longitude. Adding whole turns to ``start`` adds
    them to the result.
    """
    # True anomaly on E's branch of [0, 2 pi) (E and the true anomaly are always in the same half-turn).
    true_anomaly = np.arctan2(along_q, along_p)
    true_anomaly = true_anomaly + TWO_PI * np.round((ecc_anomaly - true_anomaly) * (1.0 / TWO_PI))
    eci = np.arctan2(y, x)  # = node + atan2(cos i sin u, cos u) up to whole turns
    turns = np.round((start + sign * true_anomaly - eci) * (1.0 / TWO_PI))
    return eci + TWO_PI * turns - OMEGA_EARTH_RAD_S * t


@dataclass(frozen=True)
class Ellipses:
    """Bound Kepler orbits (one per row), each as seen from its burnout state.

    ``p_hat``, ``q_hat`` span the orbital plane (p_hat toward perigee), ``a`` is the
    semi-major axis (m), ``e`` the eccentricity, ``tau`` the time of perigee
    passage (s, same clock as the burnout time) and ``n`` the mean motion (rad/s).
    Rows whose orbit is not bound are NaN.
    """

    p_hat: np.ndarray
    q_hat: np.ndarray
    a: np.ndarray
    e: np.ndarray
    n: np.ndarray
    tau: np.ndarray
    e_burnout: np.ndarray  # eccentric anomaly at burnout

    @classmethod
    def from_orbit(cls, orbit):
        """The ellipses of an :class:`Orbit` (p_hat and q_hat built from its basis)."""
        rx, ry, rz, vx, vy, vz = orbit.state
        pa, pb, qa, qb = orbit.basis
        p_hat = np.empty(np.shape(rx) + (3,))
        q_hat = np.empty(np.shape(rx) + (3,))
        p_hat[:, 0], p_hat[:, 1], p_hat[:, 2] = pa * rx + pb * vx, pa * ry + pb * vy, pa * rz + pb * vz
        q_hat[:, 0], q_hat[:, 1], q_hat[:, 2] = qa * rx + qb * vx, qa * ry + qb * vy, qa * rz + qb * vz
        return cls(p_hat, q_hat, orbit.a, orbit.e, orbit.n, orbit.tau, orbit.e_burnout)

    def take(self, index) -> Ellipses:
        """The orbits at rows ``index``."""
        return Ellipses(*(getattr(self, f.name)[index] for f in fields(self)))

    def position(self, ecc_anomaly):
        """ECI position (m) at eccentric anomaly E; E broadcasts against the orbit axis as (n, ...)."""
        extra = (slice(None),) + (None,) * (np.ndim(ecc_anomaly) - 1)
        a, e = self.a[extra], self.e[extra]
        b = a * np.sqrt(1.0 - e * e)
        cos_e, sin_e = cos_sin(ecc_anomaly)
        x = (a * (cos_e - e))[..., None]
        y = (b * sin_e)[..., None]
        return x * self.p_hat[extra] + y * self.q_hat[extra]

    def anomaly_at(self, t):
        """Eccentric anomaly at times t (n, m), in [0, 2 pi): Kepler's equation by Halley's method.

        Mikkola's (1987) cubic starter is within ~4e-3 rad for any e < 1, so two
        Halley steps reach ~1e-14 rad; a point stops at its first step below 1e-6 rad
        (the next error is of order step**3). Each step costs a tangent per point,
        the bulk of sampling a track.
        """
        return self._anomaly_trig(t)[0]

    def _anomaly_trig(self, t):
        """``anomaly_at`` and the cosine and sine of the result: those of the last Halley step's
        start, carried over the step to first order (the step is below 1e-6 rad, ~1e-8 usually,
        so the error is below ~5e-13), one tangent fewer per point than computing them afresh."""
        ecc, cos_e, sin_e = self._halley(t)
        return ecc + TWO_PI * (ecc < 0.0), cos_e, sin_e

    def _halley(self, t):
        """_anomaly_trig's iteration: (E in [-pi, pi), its cosine and sine carried over its last
        step), each of shape (n, m). Every point iterates on its own (:func:`halley_steps`), so its
        bits do not depend on the other points of the call (other times, other trajectories)."""
        n, e = self.n[:, None], self.e[:, None]
        x = n * (t - self.tau[:, None])
        # Mean anomaly in [-pi, pi) for the starter (E in [-pi, pi) too; shifted to [0, 2 pi) at the end).
        m = x - TWO_PI * np.floor(x * (1.0 / TWO_PI) + 0.5)
        k = 1.0 / (4.0 * e + 0.5)
        alpha = (1.0 - e) * k
        beta = (0.5 * k) * m
        z = np.cbrt(beta + np.copysign(np.sqrt(beta * beta + alpha * alpha * alpha), beta))
        s = z - alpha / z
        s2 = s * s  # (no ** here: np.power is ~50x slower than a product on this numpy)
        s = s - (0.078 / (1.0 + e)) * s * s2 * s2
        ecc = m + e * s * (3.0 - 4.0 * s * s)
        shape = ecc.shape
        solved = halley_steps(ecc.ravel(), np.broadcast_to(e, shape).ravel(), m.ravel())
        return tuple(v.reshape(shape) for v in solved)

    def ellipsoid_crossing(self):
        """Eccentric anomaly in (pi, 2 pi) where the descending arc meets the WGS84 ellipsoid (NaN if never)."""
        return ellipsoid_crossing(self.a, self.e, self.p_hat[:, 2], self.q_hat[:, 2])

    def longitude_reference(self):
        """Per orbit: the sign of cos(inclination) and node angle + sign * (argument of perigee), the
        reference :func:`longitude` picks the branch of the ECI angle with."""
        p, q = self.p_hat, self.q_hat
        px, py, pz, qx, qy, qz = p[:, 0], p[:, 1], p[:, 2], q[:, 0], q[:, 1], q[:, 2]
        wx, wy, cos_i = py * qz - pz * qy, pz * qx - px * qz, px * qy - py * qx  # orbit normal w = p x q
        # Ascending node z x w = (-wy, wx, 0), normalised (x axis for an equatorial orbit); in-plane w x node.
        norm = np.sqrt(wx * wx + wy * wy)
        polar = norm > 1e-12
        safe = np.where(polar, norm, 1.0)
        nx, ny = np.where(polar, -wy / safe, 1.0), np.where(polar, wx / safe, 0.0)
        sign = np.where(cos_i < 0, -1.0, 1.0)
        p_in_plane = px * (-cos_i * ny) + py * (cos_i * nx) + pz * (wx * ny - wy * nx)
        return sign, np.arctan2(ny, nx) + sign * np.arctan2(p_in_plane, px * nx + py * ny)

    def geodetic_at(self, ecc_anomaly, t, reference=None, trig=None):
        """Geodetic latitude (rad), ECEF longitude (rad, continuous along each arc: :func:`longitude`)
        and ellipsoidal height (m) at anomalies E and times t (both (n, m)): what sampling a track
        needs, in one pass over contiguous arrays. ``reference``: :meth:`longitude_reference` if
        already computed; ``trig``: cos E, sin E if at hand."""
        a, e = self.a[:, None], self.e[:, None]
        cos_e, sin_e = cos_sin(ecc_anomaly) if trig is None else trig
        along_p = a * (cos_e - e)
        along_q = (a * np.sqrt(1.0 - e * e)) * sin_e
        p, q = self.p_hat, self.q_hat
        x = along_p * p[:, 0:1] + along_q * q[:, 0:1]
        y = along_p * p[:, 1:2] + along_q * q[:, 1:2]
        z = along_p * p[:, 2:3] + along_q * q[:, 2:3]
        lat, alt = lat_alt(np.sqrt(x * x + y * y), z)
        sign, start = self.longitude_reference() if reference is None else reference
        return lat, longitude(ecc_anomaly, along_p, along_q, x, y, t, sign[:, None], start[:, None]), alt

    def geodetic_at_times(self, t, reference=None):
        """``geodetic_at`` at times t (n, m): Kepler's equation solved on the way."""
        ecc, cos_e, sin_e = self._anomaly_trig(t)
        return self.geodetic_at(ecc, t, reference, (cos_e, sin_e))
