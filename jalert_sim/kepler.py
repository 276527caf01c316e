"""Two-body (Kepler) free flight and WGS84 coordinate conversions, vectorised.

Frames and units: metres, seconds, radians. ``ECEF`` is WGS84 Earth-centred,
Earth-fixed (EPSG:4978). ``ECI`` here is the inertial frame that coincides
with ECEF at the launch instant t = 0 and does not rotate; ECEF turns about
the common z axis at ``OMEGA_EARTH_RAD_S``, so a point fixed on the Earth at
ECEF longitude lon is at ECI angle lon + omega * t.

Every function takes and returns numpy arrays and broadcasts over leading
axes; vectors have a trailing axis of length 3. No pyproj here: these run in
the solver's inner loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .earth import GM_M3_S2, OMEGA_EARTH_RAD_S, WGS84_A_M, WGS84_B_M, WGS84_F

_E2 = WGS84_F * (2.0 - WGS84_F)  # first eccentricity squared
_EP2 = (WGS84_A_M**2 - WGS84_B_M**2) / WGS84_B_M**2  # second eccentricity squared
TWO_PI = 2.0 * np.pi


def fast_clip(x, lo, hi):
    """np.clip without its Python-level overhead (it matters for single trajectories). NaN stays NaN."""
    return np.minimum(np.maximum(x, lo), hi)


def cos_sin(x):
    """(cos x, sin x) through tan(x / 2): numpy's float64 sin and cos are scalar loops here
    (~20 ns an element) where tan is vectorised (~3 ns); the results agree with np.cos/np.sin
    to ~1e-16 absolute. Used everywhere, whatever the array size, so a trajectory's numbers
    do not depend on the batch it is solved or sampled in.
    """
    t = np.tan(0.5 * x)
    t2 = t * t
    d = 1.0 / (1.0 + t2)
    return (1.0 - t2) * d, 2.0 * t * d


def geodetic_to_ecef(lat_rad, lon_rad, alt_m):
    """WGS84 geodetic latitude, longitude (rad) and ellipsoidal height (m) to ECEF (m), shape (..., 3)."""
    return ecef_from_trig(*cos_sin(lat_rad), *cos_sin(lon_rad), alt_m)


def ecef_from_trig(cos_lat, sin_lat, cos_lon, sin_lon, alt_m):
    """``geodetic_to_ecef`` from the sines and cosines of latitude and longitude (when already at hand)."""
    x, y, z = ecef_xyz_from_trig(cos_lat, sin_lat, cos_lon, sin_lon, alt_m)
    out = np.empty(np.shape(x) + (3,))
    out[..., 0], out[..., 1], out[..., 2] = x, y, z
    return out


def ecef_xyz_from_trig(cos_lat, sin_lat, cos_lon, sin_lon, alt_m):
    """``ecef_from_trig`` as three separate arrays x, y, z (no (..., 3) array to build and slice)."""
    n = WGS84_A_M / np.sqrt(1.0 - _E2 * sin_lat * sin_lat)
    horizontal = (n + alt_m) * cos_lat
    return horizontal * cos_lon, horizontal * sin_lon, (n * (1.0 - _E2) + alt_m) * sin_lat


def ecef_to_lat_alt(xyz):
    """Geodetic latitude (rad) and height above the WGS84 ellipsoid (m) of ECEF/ECI points.

    Closed-form Heikkinen (1982) solution, exact to well below a millimetre for
    any point farther than ~50 km from the Earth's centre. Latitude and height do
    not depend on the Earth's rotation, so ECI input works as well as ECEF.
    """
    x, y, z = xyz[..., 0], xyz[..., 1], xyz[..., 2]
    a, b = WGS84_A_M, WGS84_B_M
    p = np.sqrt(x * x + y * y)  # np.hypot is ~10x slower and the scale is known
    z2 = z * z
    f_ = 54.0 * b * b * z2
    g = p * p + (1.0 - _E2) * z2 - _E2 * (a * a - b * b)
    c = _E2 * _E2 * f_ * p * p / (g * g * g)
    s = np.cbrt(1.0 + c + np.sqrt(c * c + 2.0 * c))
    k = s + 1.0 + 1.0 / s
    pp = f_ / (3.0 * k * k * g * g)
    q = np.sqrt(1.0 + 2.0 * _E2 * _E2 * pp)
    r0 = -pp * _E2 * p / (1.0 + q) + np.sqrt(
        np.maximum(0.5 * a * a * (1.0 + 1.0 / q) - pp * (1.0 - _E2) * z2 / (q * (1.0 + q)) - 0.5 * pp * p * p, 0.0)
    )
    u = np.sqrt((p - _E2 * r0) ** 2 + z2)
    v = np.sqrt((p - _E2 * r0) ** 2 + (1.0 - _E2) * z2)
    z0 = b * b * z / (a * v)
    alt = u * (1.0 - b * b / (a * v))
    lat = np.arctan2(z + _EP2 * z0, p)
    return lat, alt


def ellipsoid_excess(xyz):
    """(x^2 + y^2)/a^2 + z^2/b^2 - 1: zero on the WGS84 surface, negative inside. Rotation-invariant."""
    return (xyz[..., 0] ** 2 + xyz[..., 1] ** 2) / WGS84_A_M**2 + xyz[..., 2] ** 2 / WGS84_B_M**2 - 1.0


def rotate_z(xyz, angle_rad, cos_sin_angle=None):
    """Rotate vectors (..., 3) by angle (broadcast over ...) about the z axis, counter-clockwise.

    ``cos_sin_angle``: (cos, sin) of the angle, if already computed.
    """
    c, s = cos_sin(angle_rad) if cos_sin_angle is None else cos_sin_angle
    shape = xyz.shape if np.shape(c) == xyz.shape[:-1] else np.broadcast_shapes(xyz.shape, np.shape(c) + (3,))
    out = np.empty(shape)
    x, y = xyz[..., 0], xyz[..., 1]
    out[..., 0] = c * x - s * y
    out[..., 1] = s * x + c * y
    out[..., 2] = xyz[..., 2]
    return out


def omega_cross(xyz):
    """Earth-rotation velocity omega x r (m/s) at positions r (..., 3)."""
    out = np.zeros(xyz.shape)
    out[..., 0] = -OMEGA_EARTH_RAD_S * xyz[..., 1]
    out[..., 1] = OMEGA_EARTH_RAD_S * xyz[..., 0]
    return out


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


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
    def from_state(cls, r, v, t):
        """Orbits through ECI position r (m), velocity v (m/s) (both (n, 3)) at time t (s)."""
        return cls.from_components(r[:, 0], r[:, 1], r[:, 2], v[:, 0], v[:, 1], v[:, 2], t)

    @classmethod
    def from_components(cls, rx, ry, rz, vx, vy, vz, t):
        """``from_state`` with the position and velocity given as six 1-D arrays (n,).

        Written out component by component: np.cross and friends cost more than
        the arithmetic for the small arrays of a single trajectory.
        """
        rn = np.sqrt(rx * rx + ry * ry + rz * rz)
        hx, hy, hz = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
        hn = np.sqrt(hx * hx + hy * hy + hz * hz)
        rv = rx * vx + ry * vy + rz * vz
        energy = 0.5 * (vx * vx + vy * vy + vz * vz) - GM_M3_S2 / rn
        with np.errstate(invalid="ignore", divide="ignore"):
            a = np.where(energy < 0, -GM_M3_S2 / (2.0 * energy), np.nan)
            ex = (vy * hz - vz * hy) / GM_M3_S2 - rx / rn
            ey = (vz * hx - vx * hz) / GM_M3_S2 - ry / rn
            ez = (vx * hy - vy * hx) / GM_M3_S2 - rz / rn
            e = np.sqrt(ex * ex + ey * ey + ez * ez)
            px, py, pz = ex / e, ey / e, ez / e
            wx, wy, wz = hx / hn, hy / hn, hz / hn
            p_hat = np.empty(np.shape(rx) + (3,))
            q_hat = np.empty(np.shape(rx) + (3,))
            p_hat[:, 0], p_hat[:, 1], p_hat[:, 2] = px, py, pz
            q_hat[:, 0], q_hat[:, 1], q_hat[:, 2] = wy * pz - wz * py, wz * px - wx * pz, wx * py - wy * px
            n = np.sqrt(GM_M3_S2 / (a * a * a))
            e_b = np.arctan2(rv / (e * np.sqrt(GM_M3_S2 * a)), (1.0 - rn / a) / e)
            tau = t - (e_b - e * np.sin(e_b)) / n
        return cls(p_hat, q_hat, a, e, n, tau, e_b)

    def position(self, ecc_anomaly):
        """ECI position (m) at eccentric anomaly E; E broadcasts against the orbit axis as (n, ...)."""
        extra = (slice(None),) + (None,) * (np.ndim(ecc_anomaly) - 1)
        a, e = self.a[extra], self.e[extra]
        b = a * np.sqrt(1.0 - e * e)
        cos_e, sin_e = cos_sin(ecc_anomaly)
        x = (a * (cos_e - e))[..., None]
        y = (b * sin_e)[..., None]
        return x * self.p_hat[extra] + y * self.q_hat[extra]

    def velocity(self, ecc_anomaly):
        """ECI velocity (m/s) at eccentric anomaly E (same broadcasting as ``position``)."""
        extra = (slice(None),) + (None,) * (np.ndim(ecc_anomaly) - 1)
        a, e, n = self.a[extra], self.e[extra], self.n[extra]
        k = n * a / (1.0 - e * np.cos(ecc_anomaly))
        vx = (-k * np.sin(ecc_anomaly))[..., None]
        vy = (k * np.sqrt(1.0 - e * e) * np.cos(ecc_anomaly))[..., None]
        return vx * self.p_hat[extra] + vy * self.q_hat[extra]

    def time_at(self, ecc_anomaly):
        """Time (s) at eccentric anomaly E in [0, 2 pi) after the perigee passage ``tau``."""
        extra = (slice(None),) + (None,) * (np.ndim(ecc_anomaly) - 1)
        return self.tau[extra] + (ecc_anomaly - self.e[extra] * np.sin(ecc_anomaly)) / self.n[extra]

    def anomaly_at(self, t):
        """Eccentric anomaly at times t (n, m), in [0, 2 pi): Kepler's equation by Halley's method.

        Mikkola's (1987) cubic starter is within ~4e-3 rad for any e < 1, so two
        Halley steps reach ~1e-14 rad; iteration stops once every step is below
        1e-6 rad (the next error is of order step**3). Each step costs a sine and
        a cosine per point, the bulk of sampling a track.
        """
        x = self.n[:, None] * (t - self.tau[:, None])
        mean = x - TWO_PI * np.floor(x / TWO_PI)
        e = self.e[:, None]
        m = np.where(mean > np.pi, mean - TWO_PI, mean)  # in [-pi, pi] for the starter
        alpha = (1.0 - e) / (4.0 * e + 0.5)
        beta = 0.5 * m / (4.0 * e + 0.5)
        z = np.cbrt(beta + np.copysign(np.sqrt(beta * beta + alpha * alpha * alpha), beta))
        s = z - alpha / z
        s2 = s * s  # (no ** here: np.power is ~50x slower than a product on this numpy)
        s = s - 0.078 * s * s2 * s2 / (1.0 + e)
        ecc = mean + e * (3.0 * s - 4.0 * s * s * s)
        # A point stops moving once its step is small, so it gets the same value whatever the
        # other points (of other trajectories in a batch) need.
        done = np.zeros(np.shape(ecc), bool)
        for _ in range(12):
            cos_e, sin_e = cos_sin(ecc)
            e_sin, e_cos = e * sin_e, e * cos_e
            f = ecc - e_sin - mean
            slope = 1.0 - e_cos
            step = np.where(done, 0.0, f / (slope - 0.5 * f * e_sin / slope))
            ecc = ecc - step
            done |= ~(np.abs(step) > 1e-6)
            if done.all():
                break
        return ecc

    def ellipsoid_crossing(self):
        """Eccentric anomaly in (pi, 2 pi) where the descending arc meets the WGS84 ellipsoid (NaN if never)."""
        mean_radius = (2.0 * WGS84_A_M + WGS84_B_M) / 3.0
        a, e = self.a, self.e
        b = a * np.sqrt(1.0 - e * e)
        p, q = self.p_hat, self.q_hat
        with np.errstate(invalid="ignore"):
            # Where the orbit crosses the mean radius (arccos is NaN if it never does) ...
            ecc = TWO_PI - np.arccos((1.0 - mean_radius / a) / e)
            # ... then restart from the ellipsoid's radius at that point's geocentric latitude: metres off.
            cos_e, sin_e = cos_sin(ecc)
            sin_lat = (a * (cos_e - e) * p[:, 2] + b * sin_e * q[:, 2]) / mean_radius
            radius = WGS84_A_M * WGS84_B_M / np.sqrt(WGS84_B_M**2 + (WGS84_A_M**2 - WGS84_B_M**2) * sin_lat**2)
            refined = TWO_PI - np.arccos((1.0 - radius / a) / e)
            ecc = np.where(np.isnan(refined), ecc, refined)
            # Newton on the ellipsoid equation; in-plane coefficients make it a few scalar ops per step.
            px, py, pz, qx, qy, qz = p[:, 0], p[:, 1], p[:, 2], q[:, 0], q[:, 1], q[:, 2]
            inv_a2, inv_b2 = 1.0 / WGS84_A_M**2, 1.0 / WGS84_B_M**2
            pp = ((px * px + py * py) * inv_a2 + pz * pz * inv_b2) * a * a
            qq = ((qx * qx + qy * qy) * inv_a2 + qz * qz * inv_b2) * b * b
            pq = ((px * qx + py * qy) * inv_a2 + pz * qz * inv_b2) * a * b
            # Newton's next error is ~step**2 (rad): below 1e-7 the root is found to ~1e-14 rad, and
            # that row stops moving (its value must not depend on the other rows of a batch).
            done = np.zeros(np.shape(ecc), bool)
            for _ in range(10):
                cos_e, sin_e = cos_sin(ecc)
                c = cos_e - e
                f = pp * c * c + qq * sin_e * sin_e + 2.0 * pq * c * sin_e - 1.0
                df = 2.0 * (qq * sin_e * cos_e - pp * c * sin_e + pq * (c * cos_e - sin_e * sin_e))
                step = np.where(done, 0.0, f / df)
                ecc = fast_clip(ecc - step, np.pi, TWO_PI)
                done |= ~(np.abs(step) > 1e-7)
                if done.all():
                    break
        return ecc

    def ground_longitude(self, ecc_anomaly, t, position=None):
        """ECEF longitude (rad) at anomaly E and time t, continuous along each arc (not wrapped).

        ``position``: the ECI position at E if already computed (saves a sine and a cosine).
        The ECI angle atan2(y, x) of a point moving in a fixed plane is
        node + atan2(cos i sin u, cos u) with u the argument of latitude; that
        stays within 90 degrees of node + sign(cos i) u, which picks the branch.
        Subtracting omega * t gives the Earth-fixed longitude.
        """
        extra = (slice(None),) + (None,) * (np.ndim(ecc_anomaly) - 1)
        r = self.position(ecc_anomaly) if position is None else position
        # Written out component by component: np.cross costs ~40 us a call on small arrays.
        p, q = self.p_hat, self.q_hat
        px, py, pz, qx, qy, qz = p[:, 0], p[:, 1], p[:, 2], q[:, 0], q[:, 1], q[:, 2]
        wx, wy, cos_i = py * qz - pz * qy, pz * qx - px * qz, px * qy - py * qx  # orbit normal w = p x q
        # Ascending node z x w = (-wy, wx, 0), normalised (x axis for an equatorial orbit); in-plane w x node.
        norm = np.sqrt(wx * wx + wy * wy)
        polar = norm > 1e-12
        safe = np.where(polar, norm, 1.0)
        nx, ny = np.where(polar, -wy / safe, 1.0), np.where(polar, wx / safe, 0.0)
        node_lon = np.arctan2(ny, nx)
        sign = np.where(cos_i < 0, -1.0, 1.0)
        p_in_plane = px * (-cos_i * ny) + py * (cos_i * nx) + pz * (wx * ny - wy * nx)
        u_perigee = np.arctan2(p_in_plane, px * nx + py * ny)
        # True anomaly: the angle of r in the (p_hat, q_hat) plane, on E's branch of [0, 2 pi)
        # (E and the true anomaly are always in the same half-turn).
        rx, ry, rz = r[..., 0], r[..., 1], r[..., 2]
        true_anomaly = np.arctan2(rx * qx[extra] + ry * qy[extra] + rz * qz[extra],
                                  rx * px[extra] + ry * py[extra] + rz * pz[extra])
        true_anomaly = true_anomaly + TWO_PI * np.round((ecc_anomaly - true_anomaly) / TWO_PI)
        u = u_perigee[extra] + true_anomaly
        raw = np.arctan2(ry, rx) - node_lon[extra]  # = atan2(cos i sin u, cos u) up to whole turns
        raw = raw + TWO_PI * np.round((sign[extra] * u - raw) / TWO_PI)
        return node_lon[extra] + raw - OMEGA_EARTH_RAD_S * t
