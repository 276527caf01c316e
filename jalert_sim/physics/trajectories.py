"""Ballistic-missile trajectories: powered ascent, then a two-body Kepler arc over a rotating WGS84 Earth.

Inputs: launch point (geodetic lat/lon, degrees WGS84), azimuth (degrees clockwise
from true north: the initial heading of the ground track on the rotating Earth),
apogee (km above the WGS84 ellipsoid) and optionally range (km, the WGS84
geodesic distance from launch to impact, ``pyproj.Geod``). All are arrays: one
call solves many trajectories at once (shape (n,)).

Model and assumptions
---------------------
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

The other parts are documented with the modules that implement them:

* **Boost** and the **default boost** (burn time, burnout height): :mod:`.boost`.
  A quadratic Bezier ascent along the launch geodesic, its burn time and burnout
  height from the burnout speed unless :class:`BoostModel` fixes them.
* **Free flight**, **impact** and **apogee**, and why **J2 is omitted**:
  :mod:`.flight`. A two-body Kepler ellipse in an inertial frame over the rotating
  WGS84 Earth, to ellipsoidal height 0.
* The quasi-Newton **solver**: :mod:`.solver`. Input limits and checks: :mod:`.inputs`.
* **Ignored:** drag (matters below ~100 km: during boost, whose profile is
  prescribed anyway, and the last ~30-60 s of re-entry, where it slows the
  warhead and moves the impact by a few km and the impact time by seconds), re-
  entry dynamics and payload separation (the same few km/seconds), Earth
  oblateness in gravity (J2, see :mod:`.flight`). The tool's answers are
  prefecture-scale corridors tens of km wide and times to the minute.

Output conventions: latitudes in degrees; ``impact_lon``, ``apogee_lon`` and
``launch_lon`` in [-180, 180); track longitudes from :meth:`Trajectories.positions_at`
and friends are *unwrapped*: continuous along each track, starting at the launch
longitude in [-180, 180), so they may leave that interval (e.g. 181 after crossing
the antimeridian eastward); :func:`jalert_sim.earth.wrap_lon` wraps them. Times are
seconds after launch. ``max_speed_km_s`` is the speed relative to the rotating
Earth (its maximum is at burnout or impact: the arc is slowest at apogee).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

import numpy as np

from ..earth import GEOD as _GEOD
from ..earth import wrap_lon
from ..errors import InputError, TrajectoryError
from .boost import BoostModel, arc_power, ascent_profile
from .flight import Launches, arc_details
from .geodesy import DEG as _DEG
from .geodesy import RAD as _RAD
from .geodesy import sphere_fwd
from .inputs import MAX_APOGEE_KM, MAX_RANGE_KM, MIN_ENERGY_MAX_APOGEE_KM
from .inputs import as_arrays, check, checked_inputs, messages, raise_first
from .kepler import Ellipses
from .tracks import track_at_times
from .solver import newton

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


@dataclass(frozen=True)
class Track:
    """One trajectory sampled in time: 1-D arrays, t strictly increasing, lon unwrapped."""

    t_s: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    alt_km: np.ndarray

    def __len__(self) -> int:
        return len(self.t_s)


#: A point downrange along the mean sphere's great circle (geodesy.sphere_fwd) lies within this
#: fraction of its distance from the WGS84 geodesic's (pyproj): 0.56 % at most, measured on 400,000
#: random launches, headings and distances up to 3,000 km (the worst along a meridian near the
#: equator, where the meridian's radius of curvature is 0.6 % below the mean radius); see
#: tests/test_trajectory.py.
BOOST_SPHERE_OFF = 0.01


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
        return replace(self, **values, _ellipses=self._ellipses.take(index))

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
            sub = self._ellipses if every else self._ellipses.take(rows)
            flat, flon, falt = track_at_times(sub, tt, free if every else free[rows],
                                              (self._lon_sign[rows], self._lon_start_rad[rows]), _DEG)
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
        the Bezier curve of :mod:`.boost`, downrange along the WGS84 geodesic."""
        along, alt = ascent_profile(t, self.burnout_time_s[r], self._arc_power[r], self.burnout_altitude_km[r])
        lon0 = self.launch_lon[r]
        blon, blat, _ = _GEOD.fwd(lon0, self.launch_lat[r], self.azimuth_deg[r], along * self._burnout_downrange_m[r])
        return blat, lon0 + wrap_lon(blon - lon0), alt

    def boost_ground_sphere(self, r, t):
        """A cheap first look at :meth:`positions_at`'s boost-phase ground points: rows ``r`` at times
        ``t`` (1-D, 0 <= t < burnout) downrange along a great circle of the mean sphere
        (geodesy.sphere_fwd) instead of the WGS84 geodesic. (latitude, unwrapped longitude (deg),
        and how far (m) the point may lie from positions_at's: BOOST_SPHERE_OFF of its downrange)."""
        along, _ = ascent_profile(t, self.burnout_time_s[r], self._arc_power[r], self.burnout_altitude_km[r])
        downrange = along * self._burnout_downrange_m[r]
        lat, lon, _ = sphere_fwd(self.launch_lat[r] * _RAD, self.launch_lon[r] * _RAD, self.azimuth_deg[r] * _RAD,
                                 downrange)
        return lat * _DEG, lon * _DEG, BOOST_SPHERE_OFF * downrange

    def sample_times(self, step_s: float = 1.0):
        """The times of :meth:`sample`, (n, m): 0, step, 2 step, ... then the exact impact time, NaN-padded."""
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
        return t

    def sample(self, step_s: float = 1.0):
        """(t_s, lat, lon, alt_km), each (n, m): t = 0, step, 2 step, ... then the exact impact time, NaN-padded."""
        t = self.sample_times(step_s)
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
        return _solve((lat_deg, lon_deg, azimuth_deg, apogee_km, range_km), boost, errors)


def validate(lat_deg, lon_deg, azimuth_deg, apogee_km, range_km=None, *, boost: BoostModel = BoostModel()) -> np.ndarray:
    """Cheap vectorised input check: object array (n,) of an error message or None per element.

    Does not solve, so combinations that turn out to be unsolvable pass here and
    fail in :func:`solve`.
    """
    arrays, notes, _ = as_arrays((lat_deg, lon_deg, azimuth_deg, apogee_km, range_km), "mask")
    param, message = check(arrays, notes, boost)
    return messages(param, message, len(arrays[0]))


def _solve(args, boost, errors):
    """:func:`solve` on its five inputs ``args``, under numpy's error state for the model."""
    inputs = checked_inputs(args, errors, boost)
    n = len(inputs.lat)
    launches, range_m = _launches(inputs)
    solution = newton(launches, range_m, boost)
    param, message = _note_unsolved(inputs, solution.converged, errors)
    ok = np.ones(n, bool) if param is None else param == None  # noqa: E711
    return _assemble(inputs, launches, solution, ok, messages(param, message, n))


def _launches(inputs):
    """The valid rows' launches (rad) and requested apogees (m), and their ranges (m, NaN: minimum energy)."""
    lat, lon, az, apogee, rng = inputs.lat, inputs.lon, inputs.az, inputs.apogee_km, inputs.range_km
    if inputs.param is None:
        return Launches(lat * _RAD, lon * _RAD, az * _RAD, apogee * 1000.0), rng * 1000.0
    idx = inputs.rows
    return Launches(lat[idx] * _RAD, lon[idx] * _RAD, az[idx] * _RAD, apogee[idx] * 1000.0), rng[idx] * 1000.0


def _note_unsolved(inputs, conv, errors):
    """The inputs' (param, message) with the valid rows Newton did not solve (``conv`` False) added;
    with ``errors="raise"``, raise :class:`TrajectoryError` for the first such row instead."""
    param, message = inputs.param, inputs.message
    unsolved = inputs.rows[~conv]
    if not unsolved.size:
        return param, message
    if param is None:
        n = len(inputs.lat)
        param, message = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    apogee, rng = inputs.apogee_km, inputs.range_km
    for i in unsolved:
        if np.isnan(rng[i]):
            param[i], message[i] = "apogee_km", f"no minimum-energy trajectory reaches {apogee[i]:g} km"
        else:
            param[i] = "range_km"
            message[i] = (f"no ballistic trajectory has both apogee {apogee[i]:g} km and range {rng[i]:g} km "
                          "from this launch point (it would need near-orbital speed or a burnout above the apogee)")
    if errors == "raise":
        raise_first(param, message, inputs.scalar, TrajectoryError)
    return param, message


def _assemble(inputs, launches, solution, ok, error) -> Trajectories:
    """The Trajectories of every input row: the solved rows' values, NaN elsewhere."""
    n, idx, conv = len(inputs.lat), inputs.rows, solution.converged
    all_ok = bool(conv.all()) and len(idx) == n

    def full(values, fill=np.nan):
        if all_ok:  # every row solved: the model's arrays as they are
            return values
        out = np.full(n, fill, dtype=float)
        out[idx] = np.where(conv, values, fill)
        return out

    speed, res = solution.speed, solution.flight
    ell = Ellipses.from_orbit(res.orbit)
    arc = arc_details(res, ell, launches.lon)
    lat_n, lon_n, az_n, rng = inputs.lat, inputs.lon, inputs.az, inputs.range_km
    return Trajectories(
        launch_lat=lat_n if all_ok else np.where(ok, lat_n, np.nan),
        launch_lon=lon_n if all_ok else np.where(ok, lon_n, np.nan),
        azimuth_deg=az_n if all_ok else np.where(ok, az_n, np.nan),
        apogee_km=full(res.apogee_m / 1000.0),
        range_km=full(res.range_m / 1000.0),
        flight_time_s=full(res.impact_time_s),
        apogee_time_s=full(arc.apogee_time_s),
        apogee_lat=full(arc.apogee_lat * _DEG),
        apogee_lon=full(wrap_lon(arc.apogee_lon * _DEG)),
        burnout_time_s=full(res.burn_s),
        burnout_altitude_km=full(res.burnout_height_m / 1000.0),
        impact_lat=full(res.impact_lat * _DEG),
        impact_lon=full(wrap_lon(res.impact_lon * _DEG)),
        max_speed_km_s=full(np.maximum(speed, arc.impact_speed_m_s) / 1000.0),
        minimum_energy=np.isnan(rng) if all_ok else np.where(ok, np.isnan(rng), False),
        ok=ok,
        error=error,
        _burnout_downrange_m=full(res.burnout_downrange_m),
        _arc_power=full(arc_power(speed, res.burn_s, res.burnout_height_m, res.sin_gamma)),
        _lon_sign=full(arc.lon_sign),
        _lon_start_rad=full(arc.lon_start_rad),
        _ellipses=ell if all_ok else _filled(ell, idx, conv, n),
        _impact_anomaly=full(res.impact_anomaly),
    )


def _filled(ell, idx, conv, n):
    """The ellipses ``ell`` of rows ``idx`` as n rows, NaN at the other rows and where ``conv`` is False."""
    ellipses = Ellipses(*(np.full((n, 3) if getattr(ell, f.name).ndim == 2 else n, np.nan) for f in fields(ell)))
    for f in fields(ell):
        getattr(ellipses, f.name)[idx] = getattr(ell, f.name)
        getattr(ellipses, f.name)[idx[~conv]] = np.nan
    return ellipses
