"""Ballistic-missile trajectories: powered ascent, then a two-body Kepler arc over a rotating WGS84 Earth.

Inputs: launch point (geodetic lat/lon, degrees WGS84), azimuth (degrees clockwise
from true north: the initial heading of the ground track on the rotating Earth),
apogee (km above the WGS84 ellipsoid) and optionally range (km, the WGS84
geodesic distance from launch to impact, ``pyproj.Geod``). All are arrays: one
call solves many trajectories at once (shape (n,)).

Model and assumptions
---------------------
* **Boost.** The missile rises along the launch azimuth. In the vertical plane of
  the launch geodesic its path is a quadratic Bezier curve in (downrange, height):
  it leaves the pad vertically and reaches burnout with the free flight's
  Earth-relative flight-path angle, like a gravity turn. The curve parameter
  grows as (t / T)**p, p chosen so the speed at burnout equals the free flight's
  (clipped to [1, 10]; p > 1 means the missile starts from rest). Downrange
  distance follows the WGS84 geodesic from the launch point along the azimuth, so
  the ground track's initial heading is the requested azimuth exactly; height is
  ellipsoidal. The curve is flat-Earth in (downrange, height), so its tangent at
  burnout differs from the free-flight velocity by the angle the Earth curves
  through under the boost (~1-2 degrees for 100-200 km of downrange); position
  and speed are continuous at burnout.
* **Default boost** (:class:`BoostModel` fields left ``None``). Burn time from the
  Earth-relative burnout speed v_bo: a high-thrust first stage gives up to 4.5 km/s
  at a mean 50 m/s**2 (so <= 90 s), and any further speed comes from low-thrust
  upper stages at a mean 15 m/s**2; clipped to [20, 400] s. So a single-stage
  IRBM (Hwasong-12 class, ~4.5 km/s) burns ~90 s and a two-stage ICBM reaching
  ~7 km/s ~260 s. Public anchors: the Paektusan-class engine (~80 tf claimed by
  the DPRK in 2017) on a ~30 t single-stage IRBM gives liftoff thrust/weight
  ~2.5-3 and a propellant burn of ~90 s; liquid ICBMs burn ~240-250 s in total
  (APS boost-phase intercept study, 2003). The chord from pad to burnout is
  0.4 * v_bo * T (a constant-thrust rocket of mass ratio ~5 covers 0.37-0.45 of
  v_bo * T), which puts burnout at ~100-150 km for IRBMs on standard arcs and
  ~500-900 km for near-vertical lofted ICBM shots; the default burnout height
  is capped at half the apogee (depressed arcs). Published flight times include
  the boost, which is why a pure surface-to-surface Kepler arc is 1-4 minutes
  short of them. The model is generic, one boost for every missile; it is within
  5 % of the published flight times of ten launches (tests/test_trajectory_events.py),
  except where the publishers disagree among themselves by more than that: for
  2017-07-04 US Pacific Command said 37 min, the DPRK 39 and Japan ~40, and the
  model's 36.4 min is -2 % from the first.
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
* **Which trajectory.** With a range, apogee and range together fix the arc: lofted
  if the apogee is above the minimum-energy apogee for that range, depressed if
  below. Without a range (or NaN), the **minimum-energy** trajectory with that
  apogee: the burnout flight-path angle that maximises the ground range on the
  rotating Earth for its Earth-relative burnout speed (equivalently, the least
  burnout speed, i.e. the least work for the rocket, for that ground range). Such arcs
  only exist up to an apogee of ~1,300 km (surface to surface, at a range of a
  quarter of the Earth's circumference; the apogee stops growing with range
  there), so without a range the apogee is limited to MIN_ENERGY_MAX_APOGEE_KM =
  1,200 km, which with the default boost is a range of ~5,000-5,800 km
  depending on the azimuth (longer eastward). Longer flights need range_km.
* **Ignored:** drag (matters below ~100 km: during boost, whose profile is
  prescribed anyway, and the last ~30-60 s of re-entry, where it slows the
  warhead and moves the impact by a few km and the impact time by seconds), re-
  entry dynamics and payload separation (the same few km/seconds), Earth
  oblateness in gravity (J2, above). The tool's answers are prefecture-scale
  corridors tens of km wide and times to the minute.
* **Solver.** Quasi-Newton iterations on the Earth-relative burnout speed and
  flight-path angle, all trajectories at once, one vectorised model evaluation per
  iteration. The first Jacobian by finite differences: with a range, of the model
  itself (the perturbed points' geodesic range taken as the base point's plus its
  first variation, exact to second order); for minimum energy, of a cheap spherical
  twin of the model, on whose range the optimality condition (the range's slope in
  the flight-path angle) is evaluated. Then Broyden updates, except that a
  given-range row whose first residual exceeded 5 km gets fresh differences at its
  second point (Newton from there converges in one step, Broyden in two).
  Converged to 5 m in apogee and range: typically 3 evaluations with a range, 4
  for minimum energy (the first guess is a spherical, non-rotating ellipse, tens of
  km off). Apogee and range together are solvable for any range up to half the
  circumference, except where the Earth's rotation makes the requested heading
  impossible (e.g. a near-vertical lofted shot heading west drifts ~900 km west in
  75 minutes, so it cannot land 100 km west); those, and anything that fails to
  converge, are TrajectoryError.

Output conventions: latitudes in degrees; ``impact_lon``, ``apogee_lon`` and
``launch_lon`` in [-180, 180); track longitudes from :meth:`Trajectories.positions_at`
and friends are *unwrapped*: continuous along each track, starting at the launch
longitude in [-180, 180), so they may leave that interval (e.g. 181 after crossing
the antimeridian eastward). Take ``(lon + 180) % 360 - 180`` to wrap them. Times are
seconds after launch. ``max_speed_km_s`` is the speed relative to the rotating
Earth (its maximum is at burnout or impact: the arc is slowest at apogee).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from itertools import accumulate

import numpy as np

from ..earth import GEOD as _GEOD
from ..earth import GM_M3_S2, MEAN_EARTH_RADIUS_M, OMEGA_EARTH_RAD_S, WGS84_A_M
from ..earth import WGS84_E2 as _E2
from .._frozen import model_option
from ..errors import InputError, TrajectoryError
from .kepler import (TWO_PI, Ellipses, cos_sin, ecef_xyz_from_trig, ellipsoid_crossing, fast_clip, lat_alt,
                     orbit_from_state)

__all__ = [
    "BoostModel",
    "Track",
    "Trajectories",
    "solve",
    "validate",
    "MAX_APOGEE_KM",
    "MAX_RANGE_KM",
    "MIN_ENERGY_MAX_APOGEE_KM",
]

MAX_APOGEE_KM = 40_000.0
#: Half the meridian: the longest geodesic on WGS84 (pole to pole), ~20,004 km.
MAX_RANGE_KM = _GEOD.inv(0.0, 90.0, 0.0, -90.0)[2] / 1000.0
#: Minimum-energy arcs peak at ~1,300 km apogee; keep clear of that fold.
MIN_ENERGY_MAX_APOGEE_KM = 1_200.0

#: Default boost (see the module docstring): a high-thrust first stage gives up to
#: BOOST_STAGE1_SPEED_M_S at BOOST_STAGE1_ACCEL_M_S2; any more speed comes from
#: low-thrust upper stages at BOOST_UPPER_ACCEL_M_S2.
BOOST_STAGE1_SPEED_M_S = 4_500.0
BOOST_STAGE1_ACCEL_M_S2 = 50.0
BOOST_UPPER_ACCEL_M_S2 = 15.0
BOOST_MIN_BURN_S = 20.0
BOOST_MAX_BURN_S = 400.0
#: Boost chord (pad to burnout) = this * burnout speed * burn time: the distance a
#: constant-thrust rocket of mass ratio ~5 covers is 0.37-0.45 of v_bo * T.
BOOST_PATH_FRACTION = 0.4
#: Height of the Bezier control point above the pad, as a fraction of the burnout height.
BOOST_CONTROL_FRACTION = 0.3
#: The default burnout height is at most this fraction of the apogee.
BOOST_MAX_APOGEE_FRACTION = 0.5

_TOL_M = 5.0  # Newton tolerance on apogee and range (m): 200x inside the 1 km the tests demand
_MAX_ITER = 40


@dataclass(frozen=True)
class BoostModel:
    """Powered ascent. ``None`` fields take the documented defaults (see the module docstring).

    burn_time_s: duration of powered flight, 1-1000 s (both included).
    burnout_altitude_km: ellipsoidal height at burnout, > 0 and below the apogee.
    """

    burn_time_s: float | None = model_option(None, 1.0, 1000.0,
                                             "powered-ascent duration, s (default: from the boost model)")
    burnout_altitude_km: float | None = model_option(None, 1.0, 1000.0,
                                                     "altitude at burnout, km (default: from the boost model)")

    def __post_init__(self):
        # burn_time_s: the range simulate() and the command line allow (its option's), ends included;
        # burnout_altitude_km: any height above the ground (simulate() allows its option's 1-1000 km).
        burn = BoostModel.__dataclass_fields__["burn_time_s"].metadata
        for name, lo, hi, low_ok in (("burn_time_s", burn["low"], burn["high"], True),
                                     ("burnout_altitude_km", 0.0, MAX_APOGEE_KM, False)):
            value = getattr(self, name)
            if value is None:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError, OverflowError):
                raise InputError(f"boost.{name}", f"must be a number or None (got {value!r:.80})") from None
            if not (math.isfinite(number) and (lo <= number if low_ok else lo < number) and number <= hi):
                span = f"from {lo:g} to {hi:g}" if low_ok else f"above {lo:g} and at most {hi:g}"
                raise InputError(f"boost.{name}", f"must be a finite number {span} (got {value!r})")


@dataclass(frozen=True)
class Track:
    """One trajectory sampled in time: 1-D arrays, t strictly increasing, lon unwrapped."""

    t_s: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    alt_km: np.ndarray

    def __len__(self) -> int:
        return len(self.t_s)


@dataclass(frozen=True)
class Trajectories:
    """Solved trajectories, every field a numpy array of shape (n,). Rows with ``ok`` False are NaN."""

    launch_lat: np.ndarray
    launch_lon: np.ndarray
    azimuth_deg: np.ndarray
    apogee_km: np.ndarray
    range_km: np.ndarray
    flight_time_s: np.ndarray
    apogee_time_s: np.ndarray
    apogee_lat: np.ndarray
    apogee_lon: np.ndarray
    burnout_time_s: np.ndarray
    burnout_altitude_km: np.ndarray
    impact_lat: np.ndarray
    impact_lon: np.ndarray
    max_speed_km_s: np.ndarray
    minimum_energy: np.ndarray
    ok: np.ndarray
    error: np.ndarray
    # Internal state for positions_at: boost arc and the free-flight ellipses.
    _burnout_downrange_m: np.ndarray = field(repr=False)
    _arc_power: np.ndarray = field(repr=False)
    # Per row, the reference that picks the branch of the free flight's longitude (kepler.longitude),
    # shifted by whole turns so that it continues the boost track's unwrapped longitude.
    _lon_sign: np.ndarray = field(repr=False)
    _lon_start_rad: np.ndarray = field(repr=False)
    _ellipses: Ellipses = field(repr=False)
    _impact_anomaly: np.ndarray = field(repr=False)

    def __len__(self) -> int:
        return len(self.ok)

    def _take(self, index) -> Trajectories:
        index = np.atleast_1d(index)
        values = {f.name: getattr(self, f.name)[index] for f in fields(self) if f.name != "_ellipses"}
        ell = self._ellipses
        values["_ellipses"] = Ellipses(*(getattr(ell, f.name)[index] for f in fields(ell)))
        return replace(self, **values)

    def select(self, index) -> Trajectories:
        """The trajectories at ``index`` (integer array, list or slice-free mask), as a new batch."""
        return self._take(index)

    def positions_at(self, t_s):
        """Geodetic (lat deg, lon deg unwrapped, alt km) at times t_s (s after launch).

        ``t_s`` of shape (m,) is used for every trajectory, giving (n, m) arrays;
        shape (n, m) gives per-trajectory times. NaN before 0, after impact and for
        rows that are not ok.
        """
        n = len(self)
        t = np.asarray(t_s, dtype=float)
        if t.ndim == 0:
            t = t[None]
        if t.ndim == 1:
            t = np.broadcast_to(t, (n, t.shape[0]))
        if t.ndim != 2 or t.shape[0] != n:
            raise InputError("t_s", f"must have shape (m,) or ({n}, m) (got {np.shape(t_s)})")
        tb = self.burnout_time_s[:, None]
        with np.errstate(invalid="ignore"):
            boost = (t >= 0) & (t < tb)
            free = (t >= tb) & (t <= self.flight_time_s[:, None])
        if n == 1:
            # One trajectory (a track): its boost and free-flight times usually form two runs of
            # columns, computed on slices without masks (same values per point as the general way).
            b_cols, f_cols = np.nonzero(boost[0])[0], np.nonzero(free[0])[0]
            if all(c.size == 0 or c[-1] - c[0] + 1 == c.size for c in (b_cols, f_cols)):
                lat, lon, alt = np.full(t.shape, np.nan), np.full(t.shape, np.nan), np.full(t.shape, np.nan)
                if f_cols.size:
                    c = slice(f_cols[0], f_cols[-1] + 1)
                    flat, flon, falt = self._ellipses.geodetic_at_times(t[:, c], (self._lon_sign, self._lon_start_rad))
                    lat[:, c], lon[:, c], alt[:, c] = flat * _DEG, flon * _DEG, np.maximum(falt, 0.0) / 1000.0
                if b_cols.size:
                    c = slice(b_cols[0], b_cols[-1] + 1)
                    lat[0, c], lon[0, c], alt[0, c] = self._boost_track(np.zeros(b_cols.size, int), t[0, c])
                return lat, lon, alt
        rows = np.nonzero(free.any(axis=1))[0]
        every = rows.size == n > 0
        if rows.size:
            # Free flight over whole rows (times outside it replaced by the burnout time), then masked.
            tt = np.where(free, t, tb) if every else np.where(free[rows], t[rows], tb[rows])
            ell = self._ellipses
            sub = ell if every else Ellipses(*(getattr(ell, f.name)[rows] for f in fields(ell)))
            flat, flon, falt = sub.geodetic_at_times(tt, (self._lon_sign[rows], self._lon_start_rad[rows]))
            mask = free if every else free[rows]
            flat, flon, falt = np.where(mask, flat * _DEG, np.nan), np.where(mask, flon * _DEG, np.nan), \
                np.where(mask, np.maximum(falt, 0.0) / 1000.0, np.nan)
        if every:
            lat, lon, alt = flat, flon, falt
        else:
            lat, lon, alt = np.full(t.shape, np.nan), np.full(t.shape, np.nan), np.full(t.shape, np.nan)
            if rows.size:
                lat[rows], lon[rows], alt[rows] = flat, flon, falt
        if boost.any():
            r, c = np.nonzero(boost)
            lat[r, c], lon[r, c], alt[r, c] = self._boost_track(r, t[r, c])
        return lat, lon, alt

    def _boost_track(self, r, t):
        """Latitude, unwrapped longitude (deg) and height (km) of rows ``r`` at boost times ``t`` (1-D):
        the Bezier curve of the module docstring, downrange along the WGS84 geodesic."""
        u = (t / self.burnout_time_s[r]) ** self._arc_power[r]
        uu = u * u
        top = self.burnout_altitude_km[r]
        lon0 = self.launch_lon[r]
        blon, blat, _ = _GEOD.fwd(lon0, self.launch_lat[r], self.azimuth_deg[r], uu * self._burnout_downrange_m[r])
        # Bezier height: 2 u (1 - u) k top + u^2 top (km).
        return blat, lon0 + _wrap180(blon - lon0), (2.0 * BOOST_CONTROL_FRACTION) * top * (u - uu) + uu * top

    def sample(self, step_s: float = 1.0):
        """(t_s, lat, lon, alt_km), each (n, m): t = 0, step, 2 step, ... then the exact impact time, NaN-padded."""
        step = float(step_s)
        if not (math.isfinite(step) and step > 0):
            raise InputError("step_s", f"must be a positive number of seconds (got {step_s!r})")
        n = len(self)
        ok = self.ok
        flight = np.where(ok, self.flight_time_s, 0.0)
        # Grid times i * step (what np.arange gives) strictly before the impact: ceil(flight / step)
        # of them, corrected for the rounding of the division.
        count = np.ceil(flight / step)
        count -= (count - 1.0) * step >= flight
        count += count * step < flight
        count = count.astype(int)
        m = int(count.max(initial=0)) + 1 if n else 1
        cols = np.arange(m)
        t = np.where(cols < count[:, None], cols * step, np.nan)
        rows = np.nonzero(ok)[0]
        t[rows, count[rows]] = self.flight_time_s[rows]
        lat, lon, alt = self.positions_at(t)
        return t, lat, lon, alt

    def track(self, i: int, step_s: float = 1.0) -> Track:
        """Trajectory ``i`` sampled every ``step_s`` seconds, ending exactly at impact."""
        if not (-len(self) <= i < len(self)):
            raise InputError("i", f"must index one of the {len(self)} trajectories (got {i})")
        t, lat, lon, alt = self._take(i % len(self)).sample(step_s)
        keep = np.isfinite(t[0])
        return Track(t[0][keep], lat[0][keep], lon[0][keep], alt[0][keep])

    def summary(self, i: int) -> dict:
        """Trajectory ``i`` as a dict of plain Python values (JSON-ready)."""
        if not (-len(self) <= i < len(self)):
            raise InputError("i", f"must index one of the {len(self)} trajectories (got {i})")
        return self._take(i % len(self)).summaries()[0]

    def summaries(self) -> list[dict]:
        """Every trajectory's :meth:`summary`, converting each column to Python values once."""
        columns: dict[str, list] = {}
        for f in fields(self):
            if f.name.startswith("_"):
                continue
            values = getattr(self, f.name).tolist()
            if f.name in ("ok", "minimum_energy"):
                columns[f.name] = [bool(v) for v in values]
            elif f.name == "error":
                columns[f.name] = [None if v is None else str(v) for v in values]
            else:
                columns[f.name] = [v if math.isfinite(v) else None for v in values]
        names = list(columns)
        return [dict(zip(names, row)) for row in zip(*columns.values())]


def _wrap180(deg):
    return (np.asarray(deg) + 180.0) % 360.0 - 180.0


# --------------------------------------------------------------------------- input checks

_PARAMS = ("lat_deg", "lon_deg", "azimuth_deg", "apogee_km", "range_km")


def _as_arrays(args, errors):
    """Convert the five inputs to float arrays of one shape (n,); non-numbers become NaN with a note."""
    arrays, notes = [], []
    for name, value in zip(_PARAMS, args):
        if value is None and name == "range_km":
            value = np.nan
        note = None
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            if errors != "mask":
                raise InputError(name, f"must be a number or an array of numbers (got {value!r:.60})") from None
            obj = np.asarray(value, dtype=object) if not isinstance(value, str) else np.asarray([value], dtype=object)
            arr = np.array([_to_float(v) for v in obj.reshape(-1)], dtype=float).reshape(obj.shape)
            note = ~np.isfinite(arr) & np.array([not _is_number(v) for v in obj.reshape(-1)]).reshape(obj.shape)
        if arr.ndim > 1:
            raise InputError(name, f"must be a number or a 1-D array (got shape {arr.shape})")
        arrays.append(arr)
        notes.append(note)
    # Broadcast to (n,) (what np.broadcast_shapes/broadcast_to do, with fewer calls: a single
    # trajectory's solve is all per-call overhead).
    lengths = {a.shape[0] for a in arrays if a.ndim == 1}
    if len(lengths - {1}) > 1:
        raise InputError("lat_deg", "the inputs must be scalars or 1-D arrays of one common length "
                         f"(got lengths {[a.shape for a in arrays]})")
    n = max(lengths - {1}, default=1)
    arrays = [a.astype(float) if a.shape == (n,) else np.full(n, a.reshape(-1)[0] if a.size else np.nan) for a in arrays]
    notes = [None if k is None else np.broadcast_to(k, (n,)) for k in notes]
    return arrays, notes, not lengths


def _to_float(v):
    try:
        return float(v)
    except (TypeError, ValueError, OverflowError):
        return np.nan


def _is_number(v):
    try:
        float(v)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def _check(lat, lon, az, apogee, rng, notes, boost):
    """Per element: (parameter, message) of the first problem, or (None, None); (None, None) for the
    whole batch when every element is valid (the usual case, tested first in few calls)."""
    rng_note = notes[4]
    range_ok = (rng > 0) & (rng <= MAX_RANGE_KM)
    no_range = np.isnan(rng)
    valid = ((np.abs(lat) <= 90.0) & np.isfinite(lon) & np.isfinite(az) & (apogee > 0) & (apogee <= MAX_APOGEE_KM)
             & (range_ok | (no_range & (True if rng_note is None else ~rng_note)))
             & ~(no_range & (apogee > MIN_ENERGY_MAX_APOGEE_KM)))
    if boost.burnout_altitude_km is not None:
        valid &= apogee > boost.burnout_altitude_km
    if valid.all():
        return None, None
    n = len(lat)
    param = np.full(n, None, dtype=object)
    message = np.full(n, None, dtype=object)

    def flag(name, bad, text):
        if not bad.any():  # the usual case: skip the object-array comparison
            return
        new = bad & (param == None)  # noqa: E711  (object array comparison)
        if new.any():
            param[new] = name
            idx = np.nonzero(new)[0]
            values = {"lat_deg": lat, "lon_deg": lon, "azimuth_deg": az, "apogee_km": apogee, "range_km": rng}[name]
            message[idx] = [f"{text} (got {float(values[i]):g})" if not _nonnum(name, i) else
                            f"{text} (got a value that is not a number)" for i in idx]

    def _nonnum(name, i):
        k = notes[_PARAMS.index(name)]
        return k is not None and bool(k[i])

    with np.errstate(invalid="ignore"):
        flag("lat_deg", ~(np.abs(lat) <= 90.0), "must be a finite latitude between -90 and 90 degrees")
        flag("lon_deg", ~np.isfinite(lon), "must be a finite longitude in degrees")
        flag("azimuth_deg", ~np.isfinite(az), "must be a finite azimuth in degrees clockwise from north")
        flag("apogee_km", ~((apogee > 0) & (apogee <= MAX_APOGEE_KM)),
             f"must be above 0 and at most {MAX_APOGEE_KM:,.0f} km")
        rng_note = notes[4] if notes[4] is not None else np.zeros(n, bool)
        flag("range_km", (np.isnan(rng) & rng_note) | np.isinf(rng) | (rng <= 0) | (rng > MAX_RANGE_KM),
             f"must be above 0 and at most {MAX_RANGE_KM:,.0f} km (half the Earth's circumference), "
             "or omitted/NaN for a minimum-energy trajectory")
        flag("apogee_km", np.isnan(rng) & (apogee > MIN_ENERGY_MAX_APOGEE_KM),
             f"a minimum-energy trajectory (no range_km) reaches at most {MIN_ENERGY_MAX_APOGEE_KM:,.0f} km; "
             "give range_km for a lofted trajectory")
        if boost.burnout_altitude_km is not None:
            flag("apogee_km", apogee <= boost.burnout_altitude_km,
                 f"must be above the boost's burnout altitude ({boost.burnout_altitude_km:g} km)")
    return param, message


def validate(lat_deg, lon_deg, azimuth_deg, apogee_km, range_km=None, *, boost: BoostModel = BoostModel()) -> np.ndarray:
    """Cheap vectorised input check: object array (n,) of an error message or None per element.

    Does not solve, so combinations that turn out to be unsolvable pass here and
    fail in :func:`solve`.
    """
    arrays, notes, _ = _as_arrays((lat_deg, lon_deg, azimuth_deg, apogee_km, range_km), "mask")
    param, message = _check(*arrays, notes, boost)
    out = np.full(len(arrays[0]), None, dtype=object)
    if param is None:
        return out
    bad = param != None  # noqa: E711
    out[bad] = [f"{p}: {m}" for p, m in zip(param[bad], message[bad])]
    return out


def _raise_first(param, message, scalar, error_type=InputError):
    i = int(np.nonzero(param != None)[0][0])  # noqa: E711
    text = message[i] if scalar else f"element {i}: {message[i]}"
    raise error_type(param[i], text)


# --------------------------------------------------------------------------- the model

_DEG = 180.0 / math.pi  # the factors np.degrees and np.radians use
_RAD = math.pi / 180.0


def _default_burn_time(speed):
    """Default burn time (s) for an Earth-relative burnout speed (m/s): one fast stage, then slow ones."""
    first = np.minimum(speed, BOOST_STAGE1_SPEED_M_S) / BOOST_STAGE1_ACCEL_M_S2
    upper = np.maximum(speed - BOOST_STAGE1_SPEED_M_S, 0.0) / BOOST_UPPER_ACCEL_M_S2
    return fast_clip(first + upper, BOOST_MIN_BURN_S, BOOST_MAX_BURN_S)


def _boost(speed, gamma, apogee_m, boost):
    """Burn time (s), burnout downrange and height (m), and cos and sin of gamma.

    The boost path in the (downrange, height) plane is a quadratic Bezier curve
    from the pad, leaving it vertically (control point straight above the pad at
    BOOST_CONTROL_FRACTION of the burnout height) and arriving at burnout with the
    free flight's flight-path angle gamma. Its time exponent is :func:`_arc_power`.
    """
    if boost.burn_time_s is None:
        burn = _default_burn_time(speed)
    else:
        burn = np.full_like(speed, float(boost.burn_time_s))
    cos_g, sin_g = cos_sin(gamma)
    # The chord pad -> burnout rises at el, tan(el) = sin(gamma) / ((1 - k) cos(gamma)).
    horizontal = (1.0 - BOOST_CONTROL_FRACTION) * cos_g
    sin_el = sin_g / np.sqrt(sin_g * sin_g + horizontal * horizontal)
    if boost.burnout_altitude_km is None:
        # chord = min(BOOST_PATH_FRACTION v T, BOOST_MAX_APOGEE_FRACTION apogee / sin(el)); height = chord sin(el)
        height = np.minimum(BOOST_PATH_FRACTION * speed * burn * sin_el, BOOST_MAX_APOGEE_FRACTION * apogee_m)
    else:
        height = np.full_like(speed, float(boost.burnout_altitude_km) * 1000.0)
    downrange = height * horizontal / sin_g  # chord cos(el)
    return burn, downrange, height, cos_g, sin_g


def _arc_power(speed, burn, height, sin_g):
    """The boost's time exponent: the Bezier parameter grows as (t / T)**power, the power chosen so
    the speed at burnout is the free flight's. The end speed per unit parameter is twice the last
    control leg, 2 hypot(downrange, (1 - k) height) = 2 (1 - k) height / sin(gamma)."""
    return fast_clip(speed * burn * sin_g / ((2.0 * (1.0 - BOOST_CONTROL_FRACTION)) * height), 1.0, 10.0)


def _sphere_fwd(lat, lon, az, dist):
    """Spherical direct problem (radians, metres): the cheap twin of Geod.fwd for the Jacobian.

    Returns latitude, longitude and the forward azimuth at the end (rad).
    """
    (cl, sl), (cd, sd), (ca, sa) = cos_sin(lat), cos_sin(dist / MEAN_EARTH_RADIUS_M), cos_sin(az)
    sl2 = fast_clip(sl * cd + cl * sd * ca, -1, 1)
    lon2 = lon + np.arctan2(sa * sd * cl, cd - sl * sl2)
    return np.arcsin(sl2), lon2, np.arctan2(sa * cl, cl * ca * cd - sl * sd)


def _sphere_range(lat1, lon1, lat2, lon2, az):
    """Spherical inverse problem (radians): distance (m), signed positive where the initial bearing
    is within 90 degrees of ``az`` (the twin of the signed geodesic range)."""
    (c1, s1), (c2, s2), (cdl, sdl) = cos_sin(lat1), cos_sin(lat2), cos_sin(lon2 - lon1)
    y, x = sdl * c2, c1 * s2 - s1 * c2 * cdl  # the initial bearing is atan2(y, x)
    rng = MEAN_EARTH_RADIUS_M * np.arctan2(np.sqrt(x * x + y * y), s1 * s2 + c1 * c2 * cdl)
    return rng, np.copysign(rng, np.cos(np.arctan2(y, x) - az))


# A few points go through pyproj's scalar path one by one: its array path costs ~25 us a call in
# buffer handling, ~10x the geodesic itself (same results).
_FEW = 4


def _geodesic_fwd(lat, lon, az, dist):
    """WGS84 direct problem on 1-D arrays (radians, metres): latitude, longitude and forward azimuth
    at the end (rad)."""
    if lat.size <= _FEW:
        out = np.array([_GEOD.fwd(x * _DEG, y * _DEG, a * _DEG, d) for y, x, a, d in
                        zip(lat.tolist(), lon.tolist(), az.tolist(), dist.tolist())]).reshape(-1, 3).T * _RAD
        lon2, lat2, back = out
        return lat2, lon2, back + np.pi
    lon2, lat2, back = _GEOD.fwd(lon * _DEG, lat * _DEG, az * _DEG, dist)
    return lat2 * _RAD, lon2 * _RAD, back * _RAD + np.pi


def _geodesic_inv(lat1, lon1, lat2, lon2):
    """WGS84 inverse problem on 1-D arrays (radians): distance (m), and the azimuths (rad) at the start
    and at the end (pointing back to the start), as arrays."""
    if lat1.size <= _FEW:
        fwd, back, dist = np.array([_GEOD.inv(x1 * _DEG, y1 * _DEG, x2 * _DEG, y2 * _DEG) for y1, x1, y2, x2 in
                                    zip(lat1.tolist(), lon1.tolist(), lat2.tolist(), lon2.tolist())]).reshape(-1, 3).T
        return dist, fwd * _RAD, back * _RAD
    fwd, back, dist = _GEOD.inv(lon1 * _DEG, lat1 * _DEG, lon2 * _DEG, lat2 * _DEG)
    return dist, fwd * _RAD, back * _RAD


def _flight(lat0, lon0, az, speed, gamma, apogee_m, boost, n_exact=None, base=None, geodesic_range=None):
    """Evaluate the model for Earth-relative burnout speed (m/s) and flight-path angle (rad).

    Angles in radians. Rows: the first ``n_exact`` (default all) use the WGS84
    geodesic (pyproj), the others its spherical twin (finite differences of the
    minimum-energy condition, which is defined on the twin's range). ``base``, if
    given, says that the last ``len(base)`` of the exact rows are small perturbations
    (finite differences) of the rows ``base`` before them: their range is the base
    row's geodesic range plus its first variation (the impact's displacement along
    the geodesic at the impact), exact to second order in the displacement (~1e-6 of
    a finite-difference step's), instead of another WGS84 inverse problem.
    ``geodesic_range``, if given, lists the base rows whose range needs the geodesic
    (by default all); the others get the spherical range (Newton needs no exact range
    for minimum-energy rows). Returns a dict of burnout, apogee and impact quantities
    and the free-flight orbit (:func:`orbit_from_state`, under ``"orbit"``).
    """
    burn, downrange, height, cos_g, sin_g = _boost(speed, gamma, apogee_m, boost)
    n = speed.shape[0]
    # Burnout latitude, longitude and heading; their cosines and sines in one call, the longitude
    # as an ECI angle (the Earth has turned by omega * burn since launch): the burnout state comes
    # out directly in the inertial frame.
    angles = np.empty((3, n))
    if n_exact is None or n_exact == n:
        n_exact = n
        angles[0], angles[1], angles[2] = _geodesic_fwd(lat0, lon0, az, downrange)
    else:
        e, t = slice(0, n_exact), slice(n_exact, None)
        angles[0, e], angles[1, e], angles[2, e] = _geodesic_fwd(lat0[e], lon0[e], az[e], downrange[e])
        angles[0, t], angles[1, t], angles[2, t] = _sphere_fwd(lat0[t], lon0[t], az[t], downrange[t])
    blon = angles[1].copy()
    angles[1] += OMEGA_EARTH_RAD_S * burn
    (cl, co, ch), (sl, so, sh) = cos_sin(angles)
    rx, ry, rz = ecef_xyz_from_trig(cl, sl, co, so, height)
    # Earth-relative velocity from its east/north/up components, plus the ground's omega x r.
    v_up, v_h = sin_g * speed, cos_g * speed
    v_e, v_n = v_h * sh, v_h * ch
    v_out = cl * v_up - sl * v_n  # along the burnout's meridian plane, away from the axis
    orbit = orbit_from_state(rx, ry, rz, co * v_out - so * v_e - OMEGA_EARTH_RAD_S * ry,
                             so * v_out + co * v_e + OMEGA_EARTH_RAD_S * rx, cl * v_n + sl * v_up, burn)
    a, ecc = orbit["a"], orbit["e"]
    pa, pb, qa, qb = orbit["basis"]
    _, _, _, vx, vy, vz = orbit["state"]
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
    t_imp = orbit["tau"] + (e_imp - ecc * sin_i) / orbit["n"]
    # On the ellipsoid surface the geodetic latitude is exact in closed form; the ECEF longitude is
    # the ECI one less the Earth's turn (not wrapped).
    imp_rho = np.sqrt(xi * xi + yi * yi)  # distance from the axis
    imp_lat = np.arctan2(zi, (1.0 - _E2) * imp_rho)
    imp_lon = np.arctan2(yi, xi) - OMEGA_EARTH_RAD_S * t_imp
    # Range, signed along the launch azimuth (so Newton can tell a short-fall behind the pad from
    # one ahead): geodesic, its first variation, or spherical.
    k = n_exact - (0 if base is None else base.size)  # base rows
    if geodesic_range is None and k == n:
        rng, bearing, back = _geodesic_inv(lat0, lon0, imp_lat, imp_lon)
        signed = np.copysign(rng, np.cos(bearing - az))
    else:
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
            rng_g, bearing, back = _geodesic_inv(lat0[g], lon0[g], imp_lat[g], imp_lon[g])
            rng[g], signed[g] = rng_g, np.copysign(rng_g, np.cos(bearing - az[g]))
        if n_exact < n or geodesic_range is not None:
            rng[sph], signed[sph] = _sphere_range(lat0[sph], lon0[sph], imp_lat[sph], imp_lon[sph], az[sph])
        if base is not None and base.size:
            # First variation of the geodesic length when its end moves by (d lat, d lon): minus the
            # displacement's component along the azimuth back to the start.
            t = slice(k, n_exact)
            at = base if geodesic_range is None else np.searchsorted(geodesic_range, base)
            lat_b, d_lon = imp_lat[base], imp_lon[t] - imp_lon[base]
            d_lon -= TWO_PI * np.round(d_lon * (1.0 / TWO_PI))
            (c_lat, s_lat), (c_back, s_back) = cos_sin(lat_b), cos_sin(back[at])
            w = 1.0 - _E2 * (s_lat * s_lat)
            prime = WGS84_A_M / np.sqrt(w)  # prime-vertical radius; the meridional one is prime (1 - e2) / w
            change = -prime * ((1.0 - _E2) / w * (imp_lat[t] - lat_b) * c_back + c_lat * d_lon * s_back)
            rng[t] = rng[base] + change
            signed[t] = np.copysign(rng[t], signed[base])
    return {
        "burn": burn, "height": height, "downrange": downrange, "blon": blon, "orbit": orbit,
        "apogee": apo_alt, "e_imp": e_imp, "t_imp": t_imp, "imp_lat": imp_lat, "imp_lon": imp_lon,
        "imp_r": a - a * ecc * cos_i, "imp_rho": imp_rho, "sin_g": sin_g, "range": rng, "signed_range": signed,
    }


def _ellipse_through_surface(half, ra):
    """Eccentricity, semi-latus rectum and semi-major axis (m) of the ellipse with apoapsis radius
    ra (m) through two points on the mean sphere ``half`` (rad) either side of its apse line."""
    r = MEAN_EARTH_RADIUS_M
    e = (ra - r) / (ra - r * np.cos(half))
    p = ra * (1 - e)
    return e, p, p / (1 - e * e)


def _initial_guess(lat0, az, apogee_m, range_m, boost):
    """Burnout (speed, flight-path angle) from a spherical, non-rotating surface-to-surface ellipse."""
    r = MEAN_EARTH_RADIUS_M
    ra = r + apogee_m
    me = np.isnan(range_m)
    cos_lat, sin_az = np.cos(lat0), np.sin(az)
    # Minimum-energy ellipse between two points at radius r: r_a = r/2 (1 + sin(x) + cos(x)), x = half angle.
    half_me = np.arcsin(fast_clip(ra * (2 / (r * math.sqrt(2))) - 1 / math.sqrt(2), -1, 1)) - math.pi / 4
    half = np.where(me, half_me, range_m / (2 * r))
    e, p, a = _ellipse_through_surface(half, ra)
    if not me.all():
        # The target moves east with the Earth during the flight: aim the inertial arc
        # that much farther along the azimuth (the dominant error for lofted shots).
        ecc = np.arccos(fast_clip((1 - r / a) / e, -1, 1))
        flight = 2 * (np.pi - (ecc - e * np.sin(ecc))) * np.sqrt(a * a * a / GM_M3_S2)
        drift = (OMEGA_EARTH_RAD_S * r) * cos_lat * sin_az * flight
        half = np.where(me, half_me, fast_clip(range_m + drift, 0.02 * r, 3.0 * r) / (2 * r))
        e, p, a = _ellipse_through_surface(half, ra)
    v_surface = np.sqrt(GM_M3_S2 * (2 / r - 1 / a))
    momentum = r * v_surface * fast_clip(np.sqrt(GM_M3_S2 * p) / (r * v_surface), -1, 1)
    ground = OMEGA_EARTH_RAD_S * cos_lat
    cos_az = np.cos(az)
    # The burnout height follows from the boost model at the Earth-relative burnout speed and
    # angle, which depend on the height: two passes, the first with the surface values.
    speed, gamma = v_surface, np.full(v_surface.shape, 0.6)
    energy = v_surface * v_surface - 2 * GM_M3_S2 / r
    for _ in range(2):
        _, _, height, _, _ = _boost(speed, gamma, apogee_m, boost)
        rb = r + height
        vb = np.sqrt(np.maximum(energy + 2 * GM_M3_S2 / rb, 1e4))
        cos_gb = fast_clip(momentum / (rb * vb), 0, 1)
        vh, vu = vb * cos_gb, vb * np.sqrt(1.0 - cos_gb * cos_gb)
        # Subtract the ground's eastward speed to get an Earth-relative guess.
        ve = vh * sin_az - ground * rb
        vn = vh * cos_az
        vh_rel = np.sqrt(ve * ve + vn * vn)
        speed = np.sqrt(vh_rel * vh_rel + vu * vu)
        gamma = np.arctan2(vu, vh_rel)
    return speed, gamma


_SLOPE_STEP_RAD = 1e-4
_TOL_SLOPE = 200.0  # m of range per rad of flight-path angle: |gamma - optimum| < ~3e-5 rad
_GAMMA_MIN_RAD, _GAMMA_MAX_RAD = 1e-3, math.pi / 2 - 1e-4
_REFRESH_M = 5000.0  # residual (m) of a first evaluation above which its next point is differenced too
# Newton's extra points after the base ones, by block (see _newton): +dv, +dg (given-range rows'
# differences); the twin's slope pair, its base point and the slope pair at +dv (minimum energy).
# Speed offsets in units of the finite-difference step, flight-path-angle offsets in rad.
_ADD_DV = np.array([1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
_ADD_DG = np.array([0.0, 1e-6, _SLOPE_STEP_RAD, -_SLOPE_STEP_RAD, 0.0, _SLOPE_STEP_RAD, -_SLOPE_STEP_RAD])
_NONE = np.zeros(0, int)
# Newton's unknowns (speed m/s, flight-path angle rad) against the Jacobian's units (km/s, rad);
# their bounds, the largest step (0.8 km/s, 0.15 rad) and the smallest back-off before giving up.
_UNITS, _INV_UNITS = np.array([[1000.0], [1.0]]), np.array([[1e-3], [1.0]])
_X_MIN, _X_MAX = np.array([[50.0], [_GAMMA_MIN_RAD]]), np.array([[11_000.0], [_GAMMA_MAX_RAD]])
_INV_STEP_LIMIT = np.array([[1 / 0.8], [1 / 0.15]])
_BACKOFF_MIN = np.array([[1e-12], [1e-9]])


#: Model results kept for each converged row (see _newton), besides the orbit.
_KEPT = ("burn", "height", "downrange", "blon", "apogee", "e_imp", "t_imp", "imp_lat", "imp_lon", "imp_r", "imp_rho",
         "sin_g", "range")
_ORBIT_ARRAYS = ("a", "e", "n", "tau", "e_burnout")


def _orbit_take(orbit, index):
    """The rows ``index`` of an :func:`orbit_from_state` result."""
    out = {key: orbit[key][index] for key in _ORBIT_ARRAYS}
    out["state"] = tuple(v[index] for v in orbit["state"])
    out["basis"] = tuple(v[index] for v in orbit["basis"])
    return out


def _keep(kept, n, res, dst, src):
    """Copy the model results ``res`` at rows ``src`` into rows ``dst`` of ``kept`` (NaN-filled on first use)."""
    if kept is None:
        kept = {key: np.full(n, np.nan) for key in _KEPT}
        kept["orbit"] = {key: np.full(n, np.nan) for key in _ORBIT_ARRAYS}
        kept["orbit"]["state"] = tuple(np.full(n, np.nan) for _ in range(6))
        kept["orbit"]["basis"] = tuple(np.full(n, np.nan) for _ in range(4))
    if res is not None:
        for key in _KEPT:
            kept[key][dst] = res[key][src]
        mine, theirs = kept["orbit"], res["orbit"]
        for key in _ORBIT_ARRAYS:
            mine[key][dst] = theirs[key][src]
        for key in ("state", "basis"):
            for a, b in zip(mine[key], theirs[key]):
                a[dst] = b[src]
    return kept


def _newton(lat0, lon0, az, apogee_m, range_m, boost):
    """Burnout (speed, flight-path angle) meeting the apogee and the range (or the minimum-energy condition).

    Residuals: apogee error (m) and signed range error (m) or, for minimum energy,
    d(range)/d(flight-path angle) at fixed speed (m/rad) on the spherical twin,
    which is zero where the range is greatest for the speed. Quasi-Newton: the first
    Jacobian comes from finite differences (of the model itself for given-range
    rows, of the twin for minimum-energy rows), later ones from Broyden updates with
    the exact residuals (re-seeded whenever the residual grows, and once at the
    second point of a given-range row whose first residual exceeded _REFRESH_M).
    Each iteration is one vectorised model call. Returns speed, flight-path
    angle, the converged mask and the model's results at the converged rows (the
    exact evaluation that met the tolerance, with the geodesic range added for
    minimum-energy rows; NaN elsewhere).

    Every row's arithmetic depends on that row alone (a trajectory gets the same
    bits alone or in any batch). A single trajectory's solve is all per-call
    overhead, so the state is kept as stacked arrays (the two unknowns, the two
    residuals, the 2 x 2 Jacobian: one numpy call each for both), rows are
    addressed by slices while all are live, and tests use np.count_nonzero.
    """
    n = len(lat0)
    me = np.isnan(range_m)
    any_me = np.count_nonzero(me) > 0
    x = np.empty((2, n))  # speed (m/s), flight-path angle (rad)
    x[0], x[1] = _initial_guess(lat0, az, apogee_m, range_m, boost)
    x[1] = fast_clip(x[1], _GAMMA_MIN_RAD, _GAMMA_MAX_RAD)
    done = np.zeros(n, bool)
    failed = ~np.isfinite(x[0] + x[1])
    stuck = np.zeros(n, int)
    dx = np.zeros((2, n))  # the last step, in the Jacobian's units: speed km/s, angle rad
    # Jacobian of (apogee m, range m or slope m/rad) by (speed km/s, flight-path angle rad).
    jac = np.zeros((2, 2, n))
    have_jac = np.zeros(n, bool)
    f_prev = np.zeros((2, n))
    tol = np.empty((2, n))
    tol[0], tol[1] = _TOL_M, np.where(me, _TOL_SLOPE, _TOL_M)  # apogee (m); range (m) or range slope (m/rad)
    kept = None
    d = _SLOPE_STEP_RAD
    dg = 1e-6
    every = np.arange(n)
    stuck_any = False
    for _ in range(_MAX_ITER):
        live = ~(done | failed)
        k = np.count_nonzero(live)
        if k == 0:
            break
        # act: the live rows' indices; rows: how to address them (a slice while all are live).
        act, rows = (every, slice(None)) if k == n else (np.nonzero(live)[0],) * 2
        xs = x[:, rows]
        s, g = xs
        h, rm = apogee_m[rows], range_m[rows]
        fd = ~have_jac[rows]
        i_fd = np.nonzero(fd)[0] if np.count_nonzero(fd) else _NONE
        if any_me:
            m = me[rows]
            i_m = np.nonzero(m)[0]
            i_fdr, i_fdm = i_fd[~m[i_fd]], i_fd[m[i_fd]]
        else:
            i_m = i_fdm = i_fd[:0]
            i_fdr = i_fd
        # Points: the base ones; for a new Jacobian +dv and +dg (range rows: finite differences of
        # the model itself, their range by the geodesic's first variation, see _flight); the twin's
        # slope pair at +-d (minimum energy) and, for a new Jacobian, the twin's base point and
        # the slope pair again at +dv.
        sizes = (i_fdr.size, i_fdr.size, i_m.size, i_m.size, i_fdm.size, i_fdm.size, i_fdm.size)
        if i_m.size or i_fd.size:
            extra = np.concatenate([i_fdr, i_fdr, i_m, i_m, i_fdm, i_fdm, i_fdm])
            pts_s = np.concatenate([s, s[extra] + 1e-6 * np.maximum(s[extra], 1.0) * np.repeat(_ADD_DV, sizes)])
            pts_g = np.concatenate([g, g[extra] + np.repeat(_ADD_DG, sizes)])
            at = np.concatenate([act, act[extra]])
            res = _flight(lat0[at], lon0[at], az[at], pts_s, pts_g, apogee_m[at], boost, k + 2 * i_fdr.size,
                          extra[:2 * i_fdr.size], np.nonzero(~m)[0] if i_m.size else None)
        else:  # base points only (range rows with a Jacobian)
            res = _flight(lat0[rows], lon0[rows], az[rows], s, g, h, boost)
        apo, sr = res["apogee"], res["signed_range"]
        f = np.empty((2, k))
        np.subtract(apo[:k], h, out=f[0])
        np.subtract(sr[:k], rm, out=f[1])
        b = list(accumulate((k,) + sizes))  # where each block of points ends
        if i_m.size:
            f[1, i_m] = (sr[b[2]:b[3]] - sr[b[3]:b[4]]) / (2 * d)
        within = np.abs(f) < tol[:, rows]
        conv = within[0] & within[1]
        if np.count_nonzero(conv):
            done[act[conv]] = True
            if kept is None and k == n and np.count_nonzero(conv) == n:
                kept = {key: res[key][:n] for key in _KEPT}  # all at once (e.g. a single trajectory)
                kept["orbit"] = res["orbit"] if apo.size == n else _orbit_take(res["orbit"], slice(0, n))
            else:
                kept = _keep(kept, n, res, act[conv], np.nonzero(conv)[0])
        bad = ~np.isfinite(f[0] + f[1])
        any_bad = np.count_nonzero(bad) > 0
        if any_bad:
            # Back off half the last step where the trial left the domain (no impact, unbound orbit).
            retry = act[bad]
            dx[:, retry] *= 0.5
            x[:, retry] -= dx[:, retry] * _UNITS
            small = np.abs(dx[:, retry]) < _BACKOFF_MIN
            failed[retry[small[0] & small[1]]] = True
        # Jacobian: finite differences of the cheap model where needed ...
        if i_fd.size:
            dv = 1e-6 * np.maximum(s, 1.0)
            if i_fdr.size:
                dvk = dv[i_fdr] / 1000.0
                a0, r0 = apo[i_fdr], sr[i_fdr]
                at_fd = act[i_fdr]
                jac[0, 0, at_fd] = (apo[b[0]:b[1]] - a0) / dvk
                jac[1, 0, at_fd] = (sr[b[0]:b[1]] - r0) / dvk
                jac[0, 1, at_fd] = (apo[b[1]:b[2]] - a0) / dg
                jac[1, 1, at_fd] = (sr[b[1]:b[2]] - r0) / dg
            if i_fdm.size:
                dvk = dv[i_fdm] / 1000.0
                pos = np.searchsorted(i_m, i_fdm)
                ap, am = apo[b[2]:b[3]][pos], apo[b[3]:b[4]][pos]
                rp, rmn = sr[b[2]:b[3]][pos], sr[b[3]:b[4]][pos]
                apv, amv, rpv, rmv = apo[b[5]:b[6]], apo[b[6]:b[7]], sr[b[5]:b[6]], sr[b[6]:b[7]]
                at_fd = act[i_fdm]
                jac[0, 0, at_fd] = 0.5 * ((apv + amv) - (ap + am)) / dvk
                jac[0, 1, at_fd] = (ap - am) / (2 * d)
                jac[1, 0, at_fd] = ((rpv - rmv) - (rp - rmn)) / (2 * d) / dvk
                jac[1, 1, at_fd] = (rp - 2.0 * sr[b[4]:b[5]] + rmn) / (d * d)
        # ... Broyden's update elsewhere: J += (df - J dx) dx' / |dx|^2.
        if i_fd.size or any_bad:
            upd_mask = ~(fd | bad)
            upd = upd_ix = act[upd_mask]
            fu = f[:, upd_mask]
        else:
            upd, upd_ix, fu = rows, act, f
        if fu.shape[1]:
            du, fp, jj = dx[:, upd], f_prev[:, upd], jac[:, :, upd]
            du0, du1 = du
            miss = (fu - fp) - (jj[:, 0] * du0 + jj[:, 1] * du1)
            jac[:, :, upd] = jj + miss[:, None] * (du / (du0 * du0 + du1 * du1))
            grew = np.abs(fu) > 0.9 * np.abs(fp)
            grew = grew[0] & grew[1]
            if np.count_nonzero(grew):
                have_jac[upd_ix[grew]] = False  # not converging: fresh finite differences next time
        if i_fd.size:
            have_jac[act[i_fd]] = True
        # Newton's step for every live row (in the Jacobian's units), at most 800 m/s and 0.15 rad;
        # only the rows that are neither converged nor out of the domain take it.
        a00, a01, a10, a11 = jac.reshape(4, n)[:, rows]
        inv_det = 1.0 / (a00 * a11 - a01 * a10)
        step = np.empty((2, k))
        np.multiply(a01 * f[1] - a11 * f[0], inv_det, out=step[0])
        np.multiply(a10 * f[0] - a00 * f[1], inv_det, out=step[1])
        ratio = np.abs(step) * _INV_STEP_LIMIT
        step *= np.minimum(1.0, 1.0 / np.maximum(ratio[0], ratio[1]))
        trial = xs + step * _UNITS
        new = fast_clip(trial, _X_MIN, _X_MAX)
        pinned = new != trial  # (also where the step is NaN)
        pinned = pinned[0] | pinned[1]
        # Range rows that started far off get their Jacobian differenced again at the next point:
        # from there Newton converges in one step where Broyden's secant needs two (two more
        # points in the next call, one call fewer).
        if i_fdr.size:
            far = np.abs(f[:, i_fdr]) > _REFRESH_M
            far = far[0] | far[1]
            if np.count_nonzero(far):
                have_jac[act[i_fdr[far]]] = False
        if not (np.count_nonzero(conv | bad | pinned) or stuck_any):  # every row takes a plain step
            f_prev[:, rows] = f
            dx[:, rows] = (new - xs) * _INV_UNITS
            x[:, rows] = new
            continue
        go = ~(conv | bad)
        if not np.count_nonzero(go):
            continue
        idx = act[go]
        f_prev[:, idx] = f[:, go]
        step, trial, new, pinned, xg = step[:, go], trial[:, go], new[:, go], pinned[go], xs[:, go]
        finite = np.isfinite(step)
        singular = ~(finite[0] & finite[1])
        if np.count_nonzero(singular):
            failed[idx[singular & ~have_jac[idx]]] = True
            have_jac[idx[singular]] = False
            trial = xg + np.where(finite, step, 0.0) * _UNITS
            new = fast_clip(trial, _X_MIN, _X_MAX)
            pinned = new != trial
            pinned = pinned[0] | pinned[1]
        # A solution beyond the vertical (or the speed limits) does not exist: stop after a few tries.
        stuck[idx] = np.where(pinned, stuck[idx] + 1, 0)
        failed[idx[stuck[idx] >= 4]] = True
        stuck_any = np.count_nonzero(stuck) > 0
        dx[:, idx] = (new - xg) * _INV_UNITS
        x[:, idx] = new
    if kept is None:
        kept = _keep(None, n, None, None, None)
    fix = np.nonzero(me & done)[0]  # minimum-energy solutions: their range on the WGS84 geodesic
    if fix.size:
        kept["range"][fix] = _geodesic_inv(lat0[fix], lon0[fix], kept["imp_lat"][fix], kept["imp_lon"][fix])[0]
    return x[0], x[1], done & ~failed, kept


def solve(lat_deg, lon_deg, azimuth_deg, apogee_km, range_km=None, *, boost: BoostModel = BoostModel(),
          errors: str = "raise") -> Trajectories:
    """Solve trajectories for arrays of launch points, azimuths, apogees and (optional) ranges.

    Inputs broadcast to shape (n,). ``range_km`` None, or NaN per element, asks for
    the minimum-energy trajectory with that apogee. ``errors="raise"`` raises
    :class:`InputError` (bad input) or :class:`TrajectoryError` (no such trajectory)
    for the first bad element; ``errors="mask"`` never raises for bad elements
    and reports them in ``.ok`` and ``.error`` instead (malformed arguments, such as
    arrays of different lengths, still raise InputError).
    """
    if errors not in ("raise", "mask"):
        raise InputError("errors", f"must be 'raise' or 'mask' (got {errors!r})")
    if not isinstance(boost, BoostModel):
        raise InputError("boost", f"must be a BoostModel (got {type(boost).__name__})")
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return _solve(lat_deg, lon_deg, azimuth_deg, apogee_km, range_km, boost, errors)


def _solve(lat_deg, lon_deg, azimuth_deg, apogee_km, range_km, boost, errors):
    arrays, notes, scalar = _as_arrays((lat_deg, lon_deg, azimuth_deg, apogee_km, range_km), errors)
    lat, lon, az, apogee, rng = arrays
    param, message = _check(lat, lon, az, apogee, rng, notes, boost)
    n = len(lat)
    if param is None:  # every element valid
        lat_n, lon_n = lat, _wrap180(lon)
        az_n = np.mod(az, 360.0)
        idx = np.arange(n)
    else:
        if errors == "raise" and np.any(param != None):  # noqa: E711
            _raise_first(param, message, scalar)
        good = param == None  # noqa: E711
        lat_n = np.where(good, lat, np.nan)
        lon_n = np.where(good, _wrap180(lon), np.nan)
        az_n = np.where(good, np.mod(az, 360.0), np.nan)
        idx = np.nonzero(good)[0]
    az_n = np.where(az_n >= 360.0, 0.0, az_n)  # (np.mod can round up to the modulus)
    if param is None:
        lat_r, lon_r, az_r, apogee_m, range_m = lat_n * _RAD, lon_n * _RAD, az_n * _RAD, apogee * 1000.0, rng * 1000.0
    else:
        lat_r, lon_r, az_r = lat_n[idx] * _RAD, lon_n[idx] * _RAD, az_n[idx] * _RAD
        apogee_m, range_m = apogee[idx] * 1000.0, rng[idx] * 1000.0
    # res: the model at the solution (the evaluation that converged), NaN where Newton failed.
    speed, gamma, conv, res = _newton(lat_r, lon_r, az_r, apogee_m, range_m, boost)
    ell = Ellipses.from_orbit(res["orbit"])
    conv &= (ell.e_burnout > 0) & (ell.e_burnout < np.pi) & np.isfinite(res["t_imp"])
    unsolved = idx[~conv]
    if unsolved.size:
        if param is None:
            param, message = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
        for i in unsolved:
            if np.isnan(rng[i]):
                param[i], message[i] = "apogee_km", f"no minimum-energy trajectory reaches {apogee[i]:g} km"
            else:
                param[i] = "range_km"
                message[i] = (f"no ballistic trajectory has both apogee {apogee[i]:g} km and range {rng[i]:g} km "
                              "from this launch point (it would need near-orbital speed or a burnout above the apogee)")
        if errors == "raise":
            _raise_first(param, message, scalar, TrajectoryError)
    error = np.full(n, None, dtype=object)
    if param is None:
        ok = np.ones(n, bool)
    else:
        ok = param == None  # noqa: E711
        error[~ok] = [f"{p}: {m}" for p, m in zip(param[~ok], message[~ok])]

    all_ok = bool(conv.all()) and len(idx) == n

    def full(values, fill=np.nan):
        if all_ok:  # every row solved: the model's arrays as they are
            return values
        out = np.full(n, fill, dtype=float)
        out[idx] = np.where(conv, values, fill)
        return out

    a, ecc, p = ell.a, ell.e, ell.p_hat
    orbit = res["orbit"]
    rx, ry, _, vx, vy, _ = orbit["state"]
    # The free flight's longitude continues the boost track's unwrapped one (lon_b at burnout):
    # shift its branch reference by the whole turns between them (kepler.longitude at burnout).
    sign, start = ell.longitude_reference()
    cos_b, sin_b = cos_sin(ell.e_burnout)
    e_b = ell.e_burnout
    nu_b = np.arctan2(np.sqrt(1.0 - ecc * ecc) * sin_b, cos_b - ecc)
    nu_b += TWO_PI * np.round((e_b - nu_b) * (1.0 / TWO_PI))
    eci_b = np.arctan2(ry, rx)
    d_lon = res["blon"] - lon_r
    lon_b = lon_r + (d_lon - TWO_PI * np.floor((d_lon + np.pi) * (1.0 / TWO_PI)))
    start = start + TWO_PI * (np.round((lon_b - eci_b + OMEGA_EARTH_RAD_S * res["burn"]) * (1.0 / TWO_PI))
                              - np.round((start + sign * nu_b - eci_b) * (1.0 / TWO_PI)))
    # Apoapsis: eccentric anomaly pi, a (1 + e) along -p_hat.
    apo_time = ell.tau + np.pi / ell.n
    r_apo, pz = a * (1.0 + ecc), p[:, 2]
    apo_lat, _ = lat_alt(r_apo * np.sqrt(1.0 - pz * pz), -r_apo * pz)
    apo_lon = np.arctan2(-p[:, 1], -p[:, 0]) - OMEGA_EARTH_RAD_S * apo_time
    # Earth-relative speed at impact: |v - omega x r|^2 = v^2 - 2 omega h_z + omega^2 rho^2 (rho: distance
    # from the axis; h_z, the angular momentum's z component, is constant on the arc).
    r_i, rho_i = res["imp_r"], res["imp_rho"]
    v2 = GM_M3_S2 * (2.0 / r_i - 1.0 / a) - 2.0 * OMEGA_EARTH_RAD_S * (rx * vy - ry * vx) \
        + (OMEGA_EARTH_RAD_S * OMEGA_EARTH_RAD_S) * (rho_i * rho_i)
    v_imp_rel = np.sqrt(v2)

    if all_ok:
        ellipses = ell
    else:
        ellipses = Ellipses(*(np.full((n, 3) if getattr(ell, f.name).ndim == 2 else n, np.nan) for f in fields(ell)))
        for f in fields(ell):
            getattr(ellipses, f.name)[idx] = getattr(ell, f.name)
            getattr(ellipses, f.name)[idx[~conv]] = np.nan
    return Trajectories(
        launch_lat=lat_n if all_ok else np.where(ok, lat_n, np.nan),
        launch_lon=lon_n if all_ok else np.where(ok, lon_n, np.nan),
        azimuth_deg=az_n if all_ok else np.where(ok, az_n, np.nan),
        apogee_km=full(res["apogee"] / 1000.0),
        range_km=full(res["range"] / 1000.0),
        flight_time_s=full(res["t_imp"]),
        apogee_time_s=full(apo_time),
        apogee_lat=full(apo_lat * _DEG),
        apogee_lon=full(_wrap180(apo_lon * _DEG)),
        burnout_time_s=full(res["burn"]),
        burnout_altitude_km=full(res["height"] / 1000.0),
        impact_lat=full(res["imp_lat"] * _DEG),
        impact_lon=full(_wrap180(res["imp_lon"] * _DEG)),
        max_speed_km_s=full(np.maximum(speed, v_imp_rel) / 1000.0),
        minimum_energy=np.isnan(rng) if all_ok else np.where(ok, np.isnan(rng), False),
        ok=ok,
        error=error,
        _burnout_downrange_m=full(res["downrange"]),
        _arc_power=full(_arc_power(speed, res["burn"], res["height"], res["sin_g"])),
        _lon_sign=full(sign),
        _lon_start_rad=full(start),
        _ellipses=ellipses,
        _impact_anomaly=full(res["e_imp"]),
    )
