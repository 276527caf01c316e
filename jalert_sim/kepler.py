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


def geodetic_to_ecef(lat_rad, lon_rad, alt_m):
    """WGS84 geodetic latitude, longitude (rad) and ellipsoidal height (m) to ECEF (m), shape (..., 3)."""
    sin_lat, cos_lat = np.sin(lat_rad), np.cos(lat_rad)
    n = WGS84_A_M / np.sqrt(1.0 - _E2 * sin_lat**2)
    return np.stack(
        [
            (n + alt_m) * cos_lat * np.cos(lon_rad),
            (n + alt_m) * cos_lat * np.sin(lon_rad),
            (n * (1.0 - _E2) + alt_m) * sin_lat,
        ],
        axis=-1,
    )


def ecef_to_lat_alt(xyz):
    """Geodetic latitude (rad) and height above the WGS84 ellipsoid (m) of ECEF/ECI points.

    Closed-form Heikkinen (1982) solution, exact to well below a millimetre for
    any point farther than ~50 km from the Earth's centre. Latitude and height do
    not depend on the Earth's rotation, so ECI input works as well as ECEF.
    """
    x, y, z = xyz[..., 0], xyz[..., 1], xyz[..., 2]
    a, b = WGS84_A_M, WGS84_B_M
    p = np.hypot(x, y)
    z2 = z * z
    f_ = 54.0 * b * b * z2
    g = p * p + (1.0 - _E2) * z2 - _E2 * (a * a - b * b)
    c = _E2 * _E2 * f_ * p * p / g**3
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


def rotate_z(xyz, angle_rad):
    """Rotate vectors (..., 3) by angle (broadcast over ...) about the z axis, counter-clockwise."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    out = np.empty(np.broadcast_shapes(xyz.shape, np.shape(c) + (3,)))
    out[..., 0] = c * xyz[..., 0] - s * xyz[..., 1]
    out[..., 1] = s * xyz[..., 0] + c * xyz[..., 1]
    out[..., 2] = xyz[..., 2]
    return out


def omega_cross(xyz):
    """Earth-rotation velocity omega x r (m/s) at positions r (..., 3)."""
    return np.stack([-OMEGA_EARTH_RAD_S * xyz[..., 1], OMEGA_EARTH_RAD_S * xyz[..., 0], np.zeros_like(xyz[..., 2])], axis=-1)


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
        """Orbits through ECI position r (m), velocity v (m/s) (both (n, 3)) at time t (s).

        Written out component by component: np.cross and friends cost more than
        the arithmetic for the small arrays of a single trajectory.
        """
        rx, ry, rz = r[:, 0], r[:, 1], r[:, 2]
        vx, vy, vz = v[:, 0], v[:, 1], v[:, 2]
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
            p_hat = np.empty_like(r)
            q_hat = np.empty_like(r)
            p_hat[:, 0], p_hat[:, 1], p_hat[:, 2] = px, py, pz
            q_hat[:, 0], q_hat[:, 1], q_hat[:, 2] = wy * pz - wz * py, wz * px - wx * pz, wx * py - wy * px
            n = np.sqrt(GM_M3_S2 / a**3)
            e_b = np.arctan2(rv / (e * np.sqrt(GM_M3_S2 * a)), (1.0 - rn / a) / e)
            tau = t - (e_b - e * np.sin(e_b)) / n
        return cls(p_hat, q_hat, a, e, n, tau, e_b)

    def position(self, ecc_anomaly):
        """ECI position (m) at eccentric anomaly E; E broadcasts against the orbit axis as (n, ...)."""
        extra = (slice(None),) + (None,) * (np.ndim(ecc_anomaly) - 1)
        a, e = self.a[extra], self.e[extra]
        b = a * np.sqrt(1.0 - e * e)
        x = (a * (np.cos(ecc_anomaly) - e))[..., None]
        y = (b * np.sin(ecc_anomaly))[..., None]
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
        """Eccentric anomaly at times t (n, m): Newton on Kepler's equation, M in [0, 2 pi)."""
        mean = np.mod(self.n[:, None] * (t - self.tau[:, None]), TWO_PI)
        e = self.e[:, None]
        # Start at pi for high eccentricity: Newton then converges monotonically on [0, 2 pi).
        ecc = np.where(e > 0.8, np.pi, mean + 0.85 * e * np.sign(np.sin(mean)))
        for _ in range(12):
            step = (ecc - e * np.sin(ecc) - mean) / (1.0 - e * np.cos(ecc))
            ecc = ecc - step
            if not (np.abs(step) > 1e-12).any():  # 1e-12 rad is ~10 micrometres along the arc
                break
        return ecc

    def ellipsoid_crossing(self):
        """Eccentric anomaly in (pi, 2 pi) where the descending arc meets the WGS84 ellipsoid (NaN if never)."""
        mean_radius = (2.0 * WGS84_A_M + WGS84_B_M) / 3.0
        a, e = self.a, self.e
        b = a * np.sqrt(1.0 - e * e)
        with np.errstate(invalid="ignore"):
            cos_e = (1.0 - mean_radius / a) / e
            ecc = np.where(np.abs(cos_e) <= 1.0, TWO_PI - np.arccos(fast_clip(cos_e, -1.0, 1.0)), np.nan)
            p, q = self.p_hat, self.q_hat
            # Restart from the ellipsoid's radius at that point's geocentric latitude: metres off.
            sin_lat = (a * (np.cos(ecc) - e) * p[:, 2] + b * np.sin(ecc) * q[:, 2]) / mean_radius
            radius = WGS84_A_M * WGS84_B_M / np.sqrt(WGS84_B_M**2 + (WGS84_A_M**2 - WGS84_B_M**2) * sin_lat**2)
            cos_e = (1.0 - radius / a) / e
            ecc = np.where(np.abs(cos_e) <= 1.0, TWO_PI - np.arccos(fast_clip(cos_e, -1.0, 1.0)), ecc)
            # Newton on the ellipsoid equation; in-plane coefficients make it a few scalar ops per step.
            w = np.array([1.0 / WGS84_A_M**2, 1.0 / WGS84_A_M**2, 1.0 / WGS84_B_M**2])
            pp = (p * p * w).sum(-1) * a * a
            qq = (q * q * w).sum(-1) * b * b
            pq = (p * q * w).sum(-1) * a * b
            for _ in range(10):
                c, s = np.cos(ecc) - e, np.sin(ecc)
                f = pp * c * c + qq * s * s + 2.0 * pq * c * s - 1.0
                dc, ds = -np.sin(ecc), np.cos(ecc)
                df = 2.0 * (pp * c * dc + qq * s * ds + pq * (dc * s + c * ds))
                step = f / df
                ecc = fast_clip(ecc - step, np.pi, TWO_PI)
                if not (np.abs(step) > 1e-13).any():
                    break
        return ecc

    def ground_longitude(self, ecc_anomaly, t):
        """ECEF longitude (rad) at anomaly E and time t, continuous along each arc (not wrapped).

        The ECI angle atan2(y, x) of a point moving in a fixed plane is
        node + atan2(cos i sin u, cos u) with u the argument of latitude; that
        stays within 90 degrees of node + sign(cos i) u, which picks the branch.
        Subtracting omega * t gives the Earth-fixed longitude.
        """
        extra = (slice(None),) + (None,) * (np.ndim(ecc_anomaly) - 1)
        # Written out component by component: np.cross costs ~40 us a call on small arrays.
        p, q = self.p_hat, self.q_hat
        px, py, pz, qx, qy, qz = p[:, 0], p[:, 1], p[:, 2], q[:, 0], q[:, 1], q[:, 2]
        wx, wy, cos_i = py * qz - pz * qy, pz * qx - px * qz, px * qy - py * qx  # orbit normal w = p x q
        # Ascending node z x w = (-wy, wx, 0), normalised (x axis for an equatorial orbit); in-plane w x node.
        norm = np.hypot(wx, wy)
        polar = norm > 1e-12
        safe = np.where(polar, norm, 1.0)
        nx, ny = np.where(polar, -wy / safe, 1.0), np.where(polar, wx / safe, 0.0)
        node_lon = np.arctan2(ny, nx)
        sign = np.where(cos_i < 0, -1.0, 1.0)
        p_in_plane = px * (-cos_i * ny) + py * (cos_i * nx) + pz * (wx * ny - wy * nx)
        u_perigee = np.arctan2(p_in_plane, px * nx + py * ny)
        e = self.e[extra]
        true_anomaly = 2.0 * np.arctan2(np.sqrt(1.0 + e) * np.sin(ecc_anomaly / 2), np.sqrt(1.0 - e) * np.cos(ecc_anomaly / 2))
        u = u_perigee[extra] + true_anomaly
        raw = np.arctan2(cos_i[extra] * np.sin(u), np.cos(u))
        raw = raw + TWO_PI * np.round((sign[extra] * u - raw) / TWO_PI)
        return node_lon[extra] + raw - OMEGA_EARTH_RAD_S * t
