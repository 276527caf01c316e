"""Powered ascent: the boost's path, its default burn time and burnout height, and :class:`BoostModel`.

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

Speeds are Earth-relative (m/s), angles in radians, heights ellipsoidal (m) except
where a name says km.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import numpy as np

from .._frozen import model_option
from ..decimals import to_float
from ..errors import InputError
from .inputs import MAX_APOGEE_KM
from .kepler import cos_sin, fast_clip

__all__ = ["BoostModel", "Ascent", "ascent", "arc_power", "ascent_profile", "default_burn_time"]

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


@dataclass(frozen=True)
class BoostModel:
    """Powered ascent. ``None`` fields take the documented defaults (see the module docstring).

    burn_time_s: duration of powered flight, 1-1000 s (both included).
    burnout_altitude_km: ellipsoidal height at burnout, > 0 and below the apogee.
    """

    burn_time_s: float | None = model_option(None, 1.0, 1000.0,
                                             "powered-ascent duration, s (default: from the boost model)",
                                             in_force="burnout_time_s")
    burnout_altitude_km: float | None = model_option(None, 1.0, 1000.0,
                                                     "altitude at burnout, km (default: from the boost model)",
                                                     in_force="burnout_altitude_km")

    def in_force(self, summary: Mapping[str, Any]) -> dict[str, Any]:
        """The boost a flight used, by option name: each field's value as the trajectory's
        ``summary`` (:meth:`Trajectories.summaries` row) gives it, the defaults computed."""
        return {name: summary[key] for name, key in _IN_FORCE}

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
                number = to_float(value)
            except (TypeError, ValueError):
                raise InputError(f"boost.{name}", f"must be a number or None (got {value!r:.80})") from None
            if not (math.isfinite(number) and (lo <= number if low_ok else lo < number) and number <= hi):
                span = f"from {lo:g} to {hi:g}" if low_ok else f"above {lo:g} and at most {hi:g}"
                raise InputError(f"boost.{name}", f"must be a finite number {span} (got {value!r})")


#: (option, summary key of its value in force) for every field of BoostModel.
_IN_FORCE = tuple((f.name, f.metadata["in_force"]) for f in fields(BoostModel))


class Ascent(NamedTuple):
    """The boost of each row, as :func:`ascent` gives it (1-D arrays)."""

    burn_s: np.ndarray  # burn time (s)
    downrange_m: np.ndarray  # burnout's distance along the launch geodesic (m)
    height_m: np.ndarray  # burnout's ellipsoidal height (m)
    cos_gamma: np.ndarray  # cosine and sine of the burnout flight-path angle
    sin_gamma: np.ndarray


def default_burn_time(speed):
    """Default burn time (s) for an Earth-relative burnout speed (m/s): one fast stage, then slow ones."""
    first = np.minimum(speed, BOOST_STAGE1_SPEED_M_S) / BOOST_STAGE1_ACCEL_M_S2
    upper = np.maximum(speed - BOOST_STAGE1_SPEED_M_S, 0.0) / BOOST_UPPER_ACCEL_M_S2
    return fast_clip(first + upper, BOOST_MIN_BURN_S, BOOST_MAX_BURN_S)


def ascent(speed, gamma, apogee_m, boost: BoostModel) -> Ascent:
    """Burn time, burnout downrange and height, for burnout speed (m/s) and flight-path angle (rad).

    The boost path in the (downrange, height) plane is a quadratic Bezier curve
    from the pad, leaving it vertically (control point straight above the pad at
    BOOST_CONTROL_FRACTION of the burnout height) and arriving at burnout with the
    free flight's flight-path angle gamma. Its time exponent is :func:`arc_power`.
    ``apogee_m`` caps the default burnout height.
    """
    if boost.burn_time_s is None:
        burn = default_burn_time(speed)
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
    return Ascent(burn, downrange, height, cos_g, sin_g)


def arc_power(speed, burn, height, sin_g):
    """The boost's time exponent: the Bezier parameter grows as (t / T)**power, the power chosen so
    the speed at burnout is the free flight's. The end speed per unit parameter is twice the last
    control leg, 2 hypot(downrange, (1 - k) height) = 2 (1 - k) height / sin(gamma)."""
    return fast_clip(speed * burn * sin_g / ((2.0 * (1.0 - BOOST_CONTROL_FRACTION)) * height), 1.0, 10.0)


def ascent_profile(t_s, burn_s, power, top):
    """Where the boost is at times ``t_s`` (0 <= t < burn_s): the fraction of the burnout downrange
    covered (u**2, u = (t / T)**power the Bezier parameter) and the height, in the unit of the
    burnout height ``top``: 2 u (1 - u) k top + u**2 top, k = BOOST_CONTROL_FRACTION."""
    u = (t_s / burn_s) ** power
    uu = u * u
    return uu, (2.0 * BOOST_CONTROL_FRACTION) * top * (u - uu) + uu * top
