"""The alert model's settings, records and rules: the leaf that the engine, the tests' oracle and
the presentation all import.

Model (README "The alert model" says the same for users):

* A prefecture's *footprint* is its land plus the 12-nautical-mile territorial
  sea (geo.Prefecture.footprint_xy). J-Alert is used when a missile may
  fall on, or pass over, Japan's land or territorial sea.
* A prefecture is warned when its footprint lies within ``corridor_km`` of the
  predicted ground track (the whole track, launch to impact), or within
  ``impact_radius_km`` of the predicted impact point. The missile's altitude does
  not exempt anyone: in 2017 it was ~550 km up over Hokkaido and Hokkaido was
  warned.
* Reason (:class:`Reason`): ``impact`` if the impact point is in the footprint or
  within the impact radius; else ``overflight`` if the ground track enters the
  footprint; else ``corridor``.
* Every warned prefecture gets the first message ``latency_s`` after launch.
  ``lead_time_s`` is the time from that alert to the moment the missile is over
  the footprint (``overflight``), comes down (``impact``) or passes closest
  (``corridor``); for an ``impact`` prefecture that the track crosses first, to
  the moment it is overhead, whichever comes first. It is negative when the
  alert comes too late.
* "Passed" goes out ``report_delay_s`` after the missile has left the airspace
  of the last warned prefecture (never before the first message); "fell" goes
  out ``report_delay_s`` after the impact.

Distances are measured in the metric projection of geo (azimuthal equidistant
centred at 36 N 138 E: scale errors below ~2 % over Japan). Crossing times are
found on FINE_STEP_S samples of the track and refined by bisection to better
than 0.1 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import Enum
from typing import NamedTuple

from .._frozen import model_option as _option
from .._frozen import quick_init

#: First J-Alert after launch: 2017-08-29 took 4 min (05:58 → 06:02), 2017-09-15 3 min
#: (06:57 → 07:00); see shared/reference/jalert.md. 4 min is the documented worst case.
DEFAULT_LATENCY_S = 240.0
#: Half-width of the alert corridor around the predicted ground track. Today's practice
#: (since 2022) warns the prefectures the path crosses and neighbours it passes close to:
#: 2022-10-04 warned Hokkaido and Aomori, not Iwate or Akita.
DEFAULT_CORRIDOR_KM = 40.0
#: Uncertainty radius of the predicted impact point early in flight.
DEFAULT_IMPACT_RADIUS_KM = 50.0
#: Delay from the missile leaving Japan's airspace to "passed", and from the impact to "fell".
#: 2017-09-15: over Hokkaido until ≈07:05, "passed" 07:07; 2017-08-29: fell 06:12, report 06:14.
#: (It varies: 2022-10-04 left Aomori ≈07:29 and "passed" came at 07:42.)
DEFAULT_REPORT_DELAY_S = 120.0

#: Coarse step for the corridor test and fine step for crossing times, seconds.
COARSE_STEP_S = 10.0
FINE_STEP_S = 1.0
#: Bisections of a crossing time between two fine samples: 1 s / 2**5 ≈ 0.03 s.
BISECTIONS = 5
#: A fine step whose chord (in the plane) meets a footprint with neither sample inside is searched
#: at this many sub-steps, 1/32 s apart: a track that cuts a corner of a footprint in under a second.
SUB_STEPS = 2 ** BISECTIONS
#: A generous bound on the ground speed of a track, m/s: a coarse step covers at most this
#: times COARSE_STEP_S of ground (the engine's and the oracle's windows around a footprint).
MAX_GROUND_SPEED_M_S = 8000.0
COARSE_STEP_M = MAX_GROUND_SPEED_M_S * COARSE_STEP_S


class Reason(str, Enum):
    """Why a prefecture is warned. Its value is the word in every output ("impact", ...)."""

    IMPACT = "impact"
    OVERFLIGHT = "overflight"
    CORRIDOR = "corridor"

    # The word itself wherever text is made of it (f-strings, str(), CSV), as with plain strings.
    __str__ = str.__str__
    __format__ = str.__format__


#: The reasons by code, as the engine's columns hold them (0: not warned): impact 1, overflight 2,
#: corridor 3 (the order of precedence of the rule, :func:`prefecture_alert`).
REASONS: tuple[Reason | None, ...] = (None, Reason.IMPACT, Reason.OVERFLIGHT, Reason.CORRIDOR)
NOT_WARNED, IMPACT, OVERFLIGHT, CORRIDOR = 0, 1, 2, 3


@dataclass(frozen=True)
class AlertModel:
    """The settings of the alert model; defaults are justified where they are defined."""

    latency_s: float = _option(DEFAULT_LATENCY_S, 0.0, 3600.0, "seconds from launch to the first J-Alert")
    corridor_km: float = _option(DEFAULT_CORRIDOR_KM, 0.0, 3000.0,
                                 "half-width of the alert corridor around the ground track, km")
    impact_radius_km: float = _option(DEFAULT_IMPACT_RADIUS_KM, 0.0, 3000.0,
                                      "uncertainty radius of the predicted impact point, km")
    report_delay_s: float = _option(DEFAULT_REPORT_DELAY_S, 0.0, 3600.0,
                                    "seconds from leaving Japan's airspace to 'passed', and from impact to 'fell'")

    def to_dict(self) -> dict:
        """The settings by option name, in the order of the fields."""
        return {name: getattr(self, name) for name in _ALERT_OPTIONS}


_ALERT_OPTIONS = tuple(f.name for f in fields(AlertModel))


class Crossing(NamedTuple):
    """The ground track over one footprint: when it enters and leaves (s after launch), the lowest
    altitude over it (km), and the last sample inside (lat, lon degrees), where reports say it left."""

    entry_s: float
    exit_s: float
    min_altitude_km: float
    last_inside: tuple[float, float]


class Approach(NamedTuple):
    """How a trajectory meets one prefecture's footprint: what the rule (:func:`prefecture_alert`)
    decides on."""

    crossing: Crossing | None  # where the ground track crosses the footprint, or None
    closest_s: float  # when the track passes nearest the footprint (the entry, where it crosses)
    closest_km: float  # how near it passes (0 where it crosses)
    hit: bool  # the impact point is in the footprint
    near_impact: bool  # the footprint is within the impact radius of the impact point


class Launch(NamedTuple):
    """Where (degrees WGS84) and when (timezone-aware) a missile left: what the messages say of it."""

    lat: float
    lon: float
    time: datetime


@quick_init
@dataclass(frozen=True)
class PrefectureAlert:
    """One warned prefecture. Times in seconds after launch; None where it does not apply."""

    code: str
    name: str
    name_ja: str
    region: str
    region_ja: str
    reason: Reason
    alert_time_s: float
    overflight_start_s: float | None
    overflight_end_s: float | None
    min_altitude_km: float | None  # lowest altitude over the footprint
    closest_approach_s: float  # when the ground track is nearest the footprint
    closest_distance_km: float  # 0 when it crosses it
    lead_time_s: float


@quick_init
@dataclass(frozen=True)
class Impact:
    lat: float
    lon: float
    time_s: float
    prefecture_code: str | None  # footprint (land or territorial sea) it falls in
    on_land: bool
    in_territorial_sea: bool  # land or within 12 nm of it
    eez_status: str  # "inside" | "outside" | "uncertain" (approximate)
    sea: str | None
    sea_ja: str | None
    country: str | None  # whose land it falls on (Japan for prefecture land); None at sea or off the map
    country_ja: str | None
    description: str
    description_ja: str
    landmark: str
    distance_km: float
    direction: str

    @property
    def in_eez(self) -> bool | None:
        """True/False where the approximate EEZ test is sure, None near the limit."""
        return IN_EEZ.get(self.eez_status)


#: ``in_eez`` by EEZ status: sure inside, sure outside; None ("uncertain") near the limit.
IN_EEZ = {"inside": True, "outside": False}


@quick_init
@dataclass(frozen=True)
class Message:
    time_s: float
    kind: str  # one of messages.KINDS
    prefectures: tuple[str, ...]  # JIS codes
    text_ja: str
    text_en: str


@quick_init
@dataclass(frozen=True)
class Assessment:
    """Everything the alert engine concludes for one trajectory."""

    alerts: tuple[PrefectureAlert, ...]
    impact: Impact
    messages: tuple[Message, ...]
    overflight_start_s: float | None  # first entry over any footprint
    overflight_end_s: float | None  # last exit
    summary_ja: str
    summary_en: str
    alert_issued: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "alert_issued", bool(self.alerts))


def prefecture_alert(pref, model: AlertModel, flight_time_s: float, approach: Approach) -> PrefectureAlert | None:
    """The alert of one candidate prefecture (a geo.Prefecture), or None: the rule that decides.

    Candidates come from tests on the coarse polyline of the track, whose COARSE_STEP_S chords
    can cut the corner of a footprint that the track itself misses: such a candidate is dropped
    when the exact track stays outside the corridor.
    """
    crossing, closest_s, closest_km, hit, near_impact = approach
    if hit or near_impact:
        reason, moment_s = Reason.IMPACT, flight_time_s
    elif crossing is not None:
        reason, moment_s = Reason.OVERFLIGHT, crossing.entry_s
    elif closest_km <= model.corridor_km:
        reason, moment_s = Reason.CORRIDOR, closest_s
    else:
        return None
    if crossing is not None:
        start_s, end_s, min_alt_km = crossing.entry_s, crossing.exit_s, crossing.min_altitude_km
        # The danger starts when it is overhead, if that comes first: a prefecture where it comes
        # down, or one within the impact radius that it crossed on the way (the table shows both).
        moment_s = min(moment_s, start_s)
    else:
        start_s = end_s = min_alt_km = None
    return PrefectureAlert(
        code=pref.code, name=pref.name, name_ja=pref.name_ja, region=pref.region, region_ja=pref.region_ja,
        reason=reason, alert_time_s=model.latency_s,
        overflight_start_s=start_s, overflight_end_s=end_s, min_altitude_km=min_alt_km,
        closest_approach_s=closest_s, closest_distance_km=closest_km,
        lead_time_s=moment_s - model.latency_s,
    )


def danger_span(alert: PrefectureAlert, impact_time_s: float) -> tuple[float, float]:
    """(start, end), seconds after launch, of the moment the missile is upon a warned prefecture:
    while it is overhead (an overflight, or an impact area it crosses), when it falls (an impact
    area it does not cross), or when it passes nearest (the corridor). The alert's lead time runs
    to the start (:func:`prefecture_alert` measures it so)."""
    if alert.overflight_start_s is not None:  # overflown (a corridor alert never is)
        return alert.overflight_start_s, alert.overflight_end_s
    if alert.reason == Reason.IMPACT:
        return impact_time_s, impact_time_s
    return alert.closest_approach_s, alert.closest_approach_s


def overflight_span(crossings) -> tuple[float | None, float | None, tuple[float, float] | None]:
    """(first entry, last exit, (lat, lon) of the last point inside) over the crossings that are not None."""
    real = [c for c in crossings if c is not None]
    if not real:
        return None, None, None
    last = max(real, key=lambda c: c.exit_s)
    return min(c.entry_s for c in real), last.exit_s, last.last_inside
