"""The model evaluated for given burnout conditions: boost, then the Kepler arc to impact.

* **Free flight** from burnout to impact is a two-body Kepler ellipse (point-mass
  GM, WGS84 value) in an inertial frame that coincides with ECEF at launch; the
  Earth turns beneath it at OMEGA_EARTH_RAD_S. Solved analytically (Kepler's
  equation), vectorised.
* **J2 is omitted.** Integrating the same burnout states with and without the J2
  term moves the impact by ~4 km for a 550/2,700 km IRBM arc, ~7 km for
  1,000/4,600 km and ~11-12 km for 4,500-6,650 km lofted ICBM arcs, and the impact
  time by at most ~1.3 s: inside the tens-of-km corridors that decide alerts.
* **Impact** is where the arc reaches ellipsoidal height 0.
* **Apogee** is the height above the ellipsoid at the Kepler apoapsis; the true
  maximum of ellipsoidal height differs from it by metres (the ellipsoid's radius
  changes slowly under the apoapsis).

:func:`evaluate` is the solver's one model call per iteration: many rows at once,
some of them on the spherical twin or as finite-difference perturbations (a
:class:`RowPlan`). Angles in radians, distances in metres, times in seconds after
launch; speeds and flight-path angles are Earth-relative at burnout.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..earth import GM_M3_S2, OMEGA_EARTH_RAD_S, WGS84_A_M
from ..earth import WGS84_E2 as _E2
from .boost import Ascent, ascent
from .geodesy import geodesic_fwd, geodesic_inv, sphere_fwd, sphere_range
from .kepler import TWO_PI, Ellipses, Orbit, cos_sin, ecef_xyz_from_trig, ellipsoid_crossing, lat_alt, orbit_from_state

__all__ = ["Launches", "RowPlan", "EXACT", "Flight", "evaluate", "ArcDetails", "arc_details"]


class Launches(NamedTuple):
    """The rows of an evaluation: launch latitude, longitude and azimuth (rad), and the requested
    apogee (m, which caps the default burnout height)."""

    lat: np.ndarray
    lon: np.ndarray
    az: np.ndarray
    apogee_m: np.ndarray

    def take(self, index) -> Launches:
        """The rows ``index``."""
        return Launches(self.lat[index], self.lon[index], self.az[index], self.apogee_m[index])


class RowPlan(NamedTuple):
    """How :func:`evaluate` treats its rows.

    The first ``n_exact`` rows (None: all) use the WGS84 geodesic (pyproj), the others
    its spherical twin (finite differences of the minimum-energy condition, which is
    defined on the twin's range). ``base``, if given, says that the last ``len(base)``
    of the exact rows are small perturbations (finite differences) of the rows ``base``
    before them: their range is the base row's geodesic range plus its first variation
    (the impact's displacement along the geodesic at the impact), exact to second
    order in the displacement (~1e-6 of a finite-difference step's), instead of
    another WGS84 inverse problem. ``geodesic_range``, if given, lists the base rows
    whose range needs the geodesic (by default all); the others get the spherical
    range (Newton needs no exact range for minimum-energy rows).
    """

    n_exact: int | None = None
    base: np.ndarray | None = None
    geodesic_range: np.ndarray | None = None


#: Every row exact, with its geodesic range.
EXACT = RowPlan()


class Flight(NamedTuple):
    """The model's results per row (1-D arrays): burnout, apogee, impact and the free-flight orbit."""

    burn_s: np.ndarray  # burn time, i.e. the burnout's time after launch
    burnout_height_m: np.ndarray
    burnout_downrange_m: np.ndarray
    burnout_lon: np.ndarray  # ECEF longitude at burnout (rad, as the direct geodesic gives it)
    sin_gamma: np.ndarray  # of the burnout flight-path angle
    apogee_m: np.ndarray  # ellipsoidal height of the Kepler apoapsis
    impact_anomaly: np.ndarray  # eccentric anomaly at impact, in (pi, 2 pi)
    impact_time_s: np.ndarray
    impact_lat: np.ndarray  # geodetic (rad)
    impact_lon: np.ndarray  # ECEF (rad, not wrapped)
    impact_r_m: np.ndarray  # distance from the Earth's centre
    impact_rho_m: np.ndarray  # distance from the Earth's axis
    range_m: np.ndarray  # launch to impact (geodesic, first variation or spherical: see RowPlan)
    signed_range_m: np.ndarray  # range_m, negative where the impact is behind the launch azimuth
    orbit: Orbit

    @classmethod
    def nan(cls, n) -> Flight:
        """n rows of NaN."""
        return cls(*(np.full(n, np.nan) for _ in range(len(cls._fields) - 1)), Orbit.nan(n))

    def take(self, index) -> Flight:
        """The rows ``index``."""
        return Flight(*(v[index] for v in self[:-1]), self.orbit.take(index))

    def put(self, dst, other: Flight, src):
        """Copy rows ``src`` of ``other`` into rows ``dst`` of this record's arrays (in place)."""
        for mine, theirs in zip(self[:-1], other[:-1]):
            mine[dst] = theirs[src]
        self.orbit.put(dst, other.orbit, src)


def evaluate(launches: Launches, speed, gamma, boost, plan: RowPlan = EXACT) -> Flight:
    """Evaluate the model for Earth-relative burnout speed (m/s) and flight-path angle (rad) per row,
    with ``boost`` (a :class:`BoostModel`), treating the rows as ``plan`` says."""
    asc = ascent(speed, gamma, launches.apogee_m, boost)
    n = speed.shape[0]
    n_exact = n if plan.n_exact is None else plan.n_exact
    blon, orbit = _burnout_orbit(launches, speed, asc, n_exact)
    a, ecc = orbit.a, orbit.e
    pa, pb, qa, qb = orbit.basis
    rx, ry, rz, vx, vy, vz = orbit.state
    pz, qz = pa * rz + pb * vz, qa * rz + qb * vz
    # Apoapsis (eccentric anomaly pi): a (1 + e) along -p_hat; its height needs only z and the
    # distance from the axis.
    r_apo = a * (1.0 + ecc)
    _, apo_alt = lat_alt(r_apo * np.sqrt(1.0 - pz * pz), -r_apo * pz)
    e_imp = ellipsoid_crossing(a, ecc, pz, qz)
    # Impact point: a (cos E - e) p_hat + b sin E q_hat, i.e. f r + g v at burnout.
    cos_i, sin_i = cos_sin(e_imp)
    along_p, along_q = a * (cos_i - ecc), a * np.sqrt(1.0 - ecc * ecc) * sin_i
    f, g = along_p * pa + along_q * qa, along_p * pb + along_q * qb
    xi, yi, zi = f * rx + g * vx, f * ry + g * vy, f * rz + g * vz
    t_imp = orbit.tau + (e_imp - ecc * sin_i) / orbit.n
    # On the ellipsoid surface the geodetic latitude is exact in closed form; the ECEF longitude is
    # the ECI one less the Earth's turn (not wrapped).
    imp_rho = np.sqrt(xi * xi + yi * yi)  # distance from the axis
    imp_lat = np.arctan2(zi, (1.0 - _E2) * imp_rho)
    imp_lon = np.arctan2(yi, xi) - OMEGA_EARTH_RAD_S * t_imp
    rng, signed = _ranges(launches, imp_lat, imp_lon, n_exact, plan)
    return Flight(asc.burn_s, asc.height_m, asc.downrange_m, blon, asc.sin_gamma, apo_alt, e_imp, t_imp, imp_lat,
                  imp_lon, a - a * ecc * cos_i, imp_rho, rng, signed, orbit)


def _burnout_orbit(launches: Launches, speed, asc: Ascent, n_exact):
    """Burnout ECEF longitude (rad) and the free flight's orbit, from the boost's downrange and height.

    The first ``n_exact`` rows go downrange along the WGS84 geodesic, the rest along the
    sphere (their twin).
    """
    lat0, lon0, az, _ = launches
    n = speed.shape[0]
    # Burnout latitude, longitude and heading; their cosines and sines in one call, the longitude
    # as an ECI angle (the Earth has turned by omega * burn since launch): the burnout state comes
    # out directly in the inertial frame.
    angles = np.empty((3, n))
    downrange = asc.downrange_m
    if n_exact == n:
        angles[0], angles[1], angles[2] = geodesic_fwd(lat0, lon0, az, downrange)
    else:
        e, t = slice(0, n_exact), slice(n_exact, None)
        angles[0, e], angles[1, e], angles[2, e] = geodesic_fwd(lat0[e], lon0[e], az[e], downrange[e])
        angles[0, t], angles[1, t], angles[2, t] = sphere_fwd(lat0[t], lon0[t], az[t], downrange[t])
    blon = angles[1].copy()
    angles[1] += OMEGA_EARTH_RAD_S * asc.burn_s
    (cl, co, ch), (sl, so, sh) = cos_sin(angles)
    rx, ry, rz = ecef_xyz_from_trig(cl, sl, co, so, asc.height_m)
    # Earth-relative velocity from its east/north/up components, plus the ground's omega x r.
    v_up, v_h = asc.sin_gamma * speed, asc.cos_gamma * speed
    v_e, v_n = v_h * sh, v_h * ch
    v_out = cl * v_up - sl * v_n  # along the burnout's meridian plane, away from the axis
    orbit = orbit_from_state(rx, ry, rz, co * v_out - so * v_e - OMEGA_EARTH_RAD_S * ry,
                             so * v_out + co * v_e + OMEGA_EARTH_RAD_S * rx, cl * v_n + sl * v_up, asc.burn_s)
    return blon, orbit


def _ranges(launches: Launches, imp_lat, imp_lon, n_exact, plan: RowPlan):
    """Range (m) from launch to impact, and the range signed along the launch azimuth (so Newton can
    tell a short-fall behind the pad from one ahead): geodesic, its first variation, or spherical,
    row by row as ``plan`` says."""
    lat0, lon0, az, _ = launches
    n = lat0.shape[0]
    base, geodesic_range = plan.base, plan.geodesic_range
    k = n_exact - (0 if base is None else base.size)  # base rows
    if geodesic_range is None and k == n:
        rng, bearing, back = geodesic_inv(lat0, lon0, imp_lat, imp_lon)
        return rng, np.copysign(rng, np.cos(bearing - az))
    rng, signed = np.empty(n), np.empty(n)
    if geodesic_range is None:
        g, sph, n_geo = slice(0, k), slice(n_exact, None), k
    else:
        g, n_geo = geodesic_range, geodesic_range.size
        sph = np.ones(n, bool)
        sph[g] = False
        sph[k:n_exact] = False
        sph = np.nonzero(sph)[0]
    if n_geo:
        rng_g, bearing, back = geodesic_inv(lat0[g], lon0[g], imp_lat[g], imp_lon[g])
        rng[g], signed[g] = rng_g, np.copysign(rng_g, np.cos(bearing - az[g]))
    if n_exact < n or geodesic_range is not None:
        rng[sph], signed[sph] = sphere_range(lat0[sph], lon0[sph], imp_lat[sph], imp_lon[sph], az[sph])
    if base is not None and base.size:
        t = slice(k, n_exact)
        at = base if geodesic_range is None else np.searchsorted(geodesic_range, base)
        rng[t] = rng[base] + _length_change(imp_lat[base], imp_lon[base], imp_lat[t], imp_lon[t], back[at])
        signed[t] = np.copysign(rng[t], signed[base])
    return rng, signed


def _length_change(lat_b, lon_b, lat, lon, back):
    """First variation of the geodesic length (m) when its end moves from (lat_b, lon_b) to (lat, lon)
    (rad): minus the displacement's component along the azimuth ``back`` (rad) to the start."""
    d_lon = lon - lon_b
    d_lon -= TWO_PI * np.round(d_lon * (1.0 / TWO_PI))
    (c_lat, s_lat), (c_back, s_back) = cos_sin(lat_b), cos_sin(back)
    w = 1.0 - _E2 * (s_lat * s_lat)
    prime = WGS84_A_M / np.sqrt(w)  # prime-vertical radius; the meridional one is prime (1 - e2) / w
    return -prime * ((1.0 - _E2) / w * (lat - lat_b) * c_back + c_lat * d_lon * s_back)


class ArcDetails(NamedTuple):
    """What the solved arcs need beyond Newton's results (1-D arrays, radians and SI units)."""

    lon_sign: np.ndarray  # the free flight's longitude reference (kepler.longitude), continuing
    lon_start_rad: np.ndarray  # the boost track's unwrapped longitude
    apogee_time_s: np.ndarray
    apogee_lat: np.ndarray
    apogee_lon: np.ndarray  # ECEF (not wrapped)
    impact_speed_m_s: np.ndarray  # relative to the rotating Earth


def arc_details(flight: Flight, ell: Ellipses, launch_lon) -> ArcDetails:
    """The longitude reference, the apoapsis and the impact speed of evaluated arcs (``ell``: their
    :class:`Ellipses`; ``launch_lon`` in rad)."""
    a, ecc, p = ell.a, ell.e, ell.p_hat
    rx, ry, _, vx, vy, _ = flight.orbit.state
    sign, start = _longitude_reference(flight, ell, launch_lon)
    # Apoapsis: eccentric anomaly pi, a (1 + e) along -p_hat.
    apo_time = ell.tau + np.pi / ell.n
    r_apo, pz = a * (1.0 + ecc), p[:, 2]
    apo_lat, _ = lat_alt(r_apo * np.sqrt(1.0 - pz * pz), -r_apo * pz)
    apo_lon = np.arctan2(-p[:, 1], -p[:, 0]) - OMEGA_EARTH_RAD_S * apo_time
    # Earth-relative speed at impact: |v - omega x r|^2 = v^2 - 2 omega h_z + omega^2 rho^2 (rho: distance
    # from the axis; h_z, the angular momentum's z component, is constant on the arc).
    r_i, rho_i = flight.impact_r_m, flight.impact_rho_m
    v2 = GM_M3_S2 * (2.0 / r_i - 1.0 / a) - 2.0 * OMEGA_EARTH_RAD_S * (rx * vy - ry * vx) \
        + (OMEGA_EARTH_RAD_S * OMEGA_EARTH_RAD_S) * (rho_i * rho_i)
    return ArcDetails(sign, start, apo_time, apo_lat, apo_lon, np.sqrt(v2))


def _longitude_reference(flight: Flight, ell: Ellipses, launch_lon):
    """(sign, start) of ``ell.longitude_reference``, ``start`` shifted by the whole turns that make the
    free flight's longitude continue the boost track's unwrapped one (lon_b at burnout)."""
    rx, ry = flight.orbit.state[0], flight.orbit.state[1]
    ecc = ell.e
    sign, start = ell.longitude_reference()
    cos_b, sin_b = cos_sin(ell.e_burnout)
    e_b = ell.e_burnout
    nu_b = np.arctan2(np.sqrt(1.0 - ecc * ecc) * sin_b, cos_b - ecc)
    nu_b += TWO_PI * np.round((e_b - nu_b) * (1.0 / TWO_PI))
    eci_b = np.arctan2(ry, rx)
    d_lon = flight.burnout_lon - launch_lon
    lon_b = launch_lon + (d_lon - TWO_PI * np.floor((d_lon + np.pi) * (1.0 / TWO_PI)))
    start = start + TWO_PI * (np.round((lon_b - eci_b + OMEGA_EARTH_RAD_S * flight.burn_s) * (1.0 / TWO_PI))
                              - np.round((start + sign * nu_b - eci_b) * (1.0 / TWO_PI)))
    return sign, start
