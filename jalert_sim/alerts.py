"""The alert engine: which prefectures J-Alert would warn, when, and with what messages.

Model (README "The alert model" says the same for users):

* A prefecture's *footprint* is its land plus the 12-nautical-mile territorial
  sea (geography.Prefecture.footprint_xy). J-Alert is used when a missile may
  fall on, or pass over, Japan's land or territorial sea.
* A prefecture is warned when its footprint lies within ``corridor_km`` of the
  predicted ground track (the whole track, launch to impact), or within
  ``impact_radius_km`` of the predicted impact point. The missile's altitude does
  not exempt anyone: in 2017 it was ~550 km up over Hokkaido and Hokkaido was
  warned.
* Reason: ``impact`` if the impact point is in the footprint or within the
  impact radius; else ``overflight`` if the ground track enters the footprint;
  else ``corridor``.
* Every warned prefecture gets the first message ``latency_s`` after launch.
  ``lead_time_s`` is the time from that alert to the moment the missile is over
  the footprint (``overflight``), comes down (``impact``) or passes closest
  (``corridor``); for an ``impact`` prefecture that the track crosses first, to
  the moment it is overhead, whichever comes first. It is negative when the
  alert comes too late.
* "Passed" goes out ``report_delay_s`` after the missile has left the airspace
  of the last warned prefecture (never before the first message); "fell" goes
  out ``report_delay_s`` after the impact.

Distances are measured in the metric projection of geography (azimuthal
equidistant centred at 36 N 138 E: scale errors below ~2 % over Japan).
Crossing times are found on 1 s samples of the track and refined by bisection
to better than 0.1 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np
import shapely

from . import geography, messages
from ._frozen import quick_init
from .earth import JST
from .trajectory import Trajectories

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
_BISECTIONS = 5  # 1 s / 2**5 ≈ 0.03 s

# A rough box around North Korea, to word the launch message ("from North Korea").
_NK_BOX = (37.5, 43.1, 124.0, 130.8)


@dataclass(frozen=True)
class AlertModel:
    """The settings of the alert model; defaults are justified where they are defined."""

    latency_s: float = DEFAULT_LATENCY_S
    corridor_km: float = DEFAULT_CORRIDOR_KM
    impact_radius_km: float = DEFAULT_IMPACT_RADIUS_KM
    report_delay_s: float = DEFAULT_REPORT_DELAY_S

    def to_dict(self) -> dict:
        return {
            "latency_s": self.latency_s,
            "corridor_km": self.corridor_km,
            "impact_radius_km": self.impact_radius_km,
            "report_delay_s": self.report_delay_s,
        }


@quick_init
@dataclass(frozen=True)
class PrefectureAlert:
    """One warned prefecture. Times in seconds after launch; None where it does not apply."""

    code: str
    name: str
    name_ja: str
    region: str
    region_ja: str
    reason: str  # "overflight" | "impact" | "corridor"
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
        return _IN_EEZ.get(self.eez_status)


_IN_EEZ = {"inside": True, "outside": False}


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


def assess(trajectories: Trajectories, launch_times: list[datetime], model: AlertModel = AlertModel()) -> list[Assessment]:
    """Assess every trajectory of the batch (all must be valid).

    ``launch_times`` (timezone-aware) are used only to word the clock times in the
    messages; every time in the result is in seconds after launch.

    Computes what :func:`assess_reference` does, vectorised across trajectories and
    prefectures (jalert_sim._fast_assess; tests/test_fast_assess.py keeps them equal).
    """
    from ._fast_assess import assess as fast

    return fast(trajectories, launch_times, model)


def assess_reference(trajectories: Trajectories, launch_times: list[datetime], model: AlertModel = AlertModel()) -> list[Assessment]:
    """The alert model one trajectory at a time: the readable statement of what :func:`assess` computes."""
    n = len(trajectories)
    if n == 0:
        return []
    prefs = geography.prefectures()
    tree = geography.footprint_tree()

    t, lat, lon, alt = trajectories.sample(COARSE_STEP_S)
    lines = _track_lines(lat, lon)
    ix, iy = geography.to_xy(trajectories.impact_lon, trajectories.impact_lat)
    impact_points = shapely.points(ix, iy)

    corridor = _pairs(tree.query(lines, predicate="dwithin", distance=model.corridor_km * 1000.0), n)
    crossed = _pairs(tree.query(lines, predicate="intersects"), n)
    near_impact = _pairs(tree.query(impact_points, predicate="dwithin", distance=model.impact_radius_km * 1000.0), n)
    hit = _pairs(tree.query(impact_points, predicate="intersects"), n)

    results = []
    for i in range(n):
        results.append(
            _assess_one(
                trajectories, i, t[i], lat[i], lon[i], alt[i], lines[i],
                corridor[i], crossed[i], near_impact[i], hit[i], prefs, launch_times[i], model,
            )
        )
    return results


def _pairs(query_result: np.ndarray, n: int) -> list[set[int]]:
    out: list[set[int]] = [set() for _ in range(n)]
    for a, b in zip(query_result[0].tolist(), query_result[1].tolist()):
        out[a].add(b)
    return out


def _track_lines(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """One projected LineString per row of (NaN-padded) samples."""
    valid = ~np.isnan(lat)
    rows = np.nonzero(valid)[0]
    x, y = geography.to_xy(lon[valid], lat[valid])
    return shapely.linestrings(np.column_stack([x, y]), indices=rows)


def _assess_one(trajs, i, t, lat, lon, alt, line, corridor, crossed, near_impact, hit, prefs, launch_time, model):
    valid = ~np.isnan(t)
    t, lat, lon, alt = t[valid], lat[valid], lon[valid], alt[valid]
    flight_time_s = float(trajs.flight_time_s[i])
    impact_lat, impact_lon = float(trajs.impact_lat[i]), float(trajs.impact_lon[i])

    alerts, crossings = [], []
    for j in sorted(corridor | near_impact | hit):
        pref = prefs[j]
        crossing = _crossing(trajs, i, pref.footprint_xy, t, lat, lon, flight_time_s) if j in crossed else None
        if crossing is not None:  # the track enters the footprint: nearest approach is the entry
            closest_s, closest_km = crossing[0], 0.0
        else:
            closest_s, closest_km = _closest_approach(trajs, i, pref.footprint_xy, t, lat, lon, flight_time_s)
        alert = prefecture_alert(pref, model, flight_time_s, crossing, closest_s, closest_km, j in hit, j in near_impact)
        if alert is not None:
            alerts.append(alert)
            crossings.append(crossing)
    first_entry, last_exit, exit_fix = overflight_span(crossings)

    impact = _impact(impact_lat, impact_lon, flight_time_s, hit, prefs, exit_fix)
    msgs, summary = _messages(alerts, impact, trajs, i, launch_time, model, prefs)
    return Assessment(
        alerts=tuple(alerts), impact=impact, messages=tuple(msgs),
        overflight_start_s=first_entry, overflight_end_s=last_exit,
        summary_ja=summary[0], summary_en=summary[1],
    )


def prefecture_alert(pref, model: AlertModel, flight_time_s: float, crossing, closest_s: float, closest_km: float,
                     hit: bool, near_impact: bool) -> PrefectureAlert | None:
    """The alert of one candidate prefecture (both engines decide here), or None.

    ``crossing`` is (entry_s, exit_s, min_altitude_km, last point inside) or None.
    Candidates come from tree queries on the coarse polyline of the track, whose
    10 s chords can cut the corner of a footprint that the track itself misses:
    such a candidate is dropped when the exact track stays outside the corridor.
    """
    if hit or near_impact:
        reason, moment_s = "impact", flight_time_s
    elif crossing is not None:
        reason, moment_s = "overflight", crossing[0]
    elif closest_km <= model.corridor_km:
        reason, moment_s = "corridor", closest_s
    else:
        return None
    if crossing is not None:
        start_s, end_s, min_alt_km = crossing[:3]
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


def overflight_span(crossings) -> tuple[float | None, float | None, tuple[float, float] | None]:
    """(first entry, last exit, (lat, lon) of the last point inside) over the crossings that are not None."""
    real = [c for c in crossings if c is not None]
    if not real:
        return None, None, None
    last = max(real, key=lambda c: c[1])
    return min(c[0] for c in real), last[1], last[3]


def _crossing(trajs, i, footprint, t, lat, lon, flight_time_s):
    """(entry_s, exit_s, min_altitude_km, (lat, lon) of the last point inside) or None.

    The coarse samples bracket the window; 1 s samples find the crossing and
    bisection on the exact trajectory refines each boundary time.
    """
    x, y = geography.to_xy(lon, lat)
    minx, miny, maxx, maxy = footprint.bounds
    step_m = 8000.0 * COARSE_STEP_S  # a generous bound on the ground distance covered in one step
    near = (x > minx - step_m) & (x < maxx + step_m) & (y > miny - step_m) & (y < maxy + step_m)
    if not near.any():
        return None
    k = np.nonzero(near)[0]
    t0 = t[max(k[0] - 1, 0)]
    t1 = t[min(k[-1] + 1, len(t) - 1)]
    fine_t = np.arange(t0, t1 + FINE_STEP_S, FINE_STEP_S)
    fine_t = np.clip(fine_t, 0.0, flight_time_s)
    flat, flon, falt = (a[0] for a in trajs.select([i]).positions_at(fine_t))
    fx, fy = geography.to_xy(flon, flat)
    inside = shapely.contains_xy(footprint, fx, fy)
    if not inside.any():
        return None
    k = np.nonzero(inside)[0]
    sub = trajs.select([i])

    def refine(t_out: float, t_in: float) -> float:
        for _ in range(_BISECTIONS):
            mid = 0.5 * (t_out + t_in)
            mlat, mlon, _ = (a[0, 0] for a in sub.positions_at(np.array([mid])))
            mx, my = geography.to_xy(mlon, mlat)
            if shapely.contains_xy(footprint, mx, my):
                t_in = mid
            else:
                t_out = mid
        return 0.5 * (t_out + t_in)

    entry = fine_t[k[0]] if k[0] == 0 else refine(fine_t[k[0] - 1], fine_t[k[0]])
    exit_ = fine_t[k[-1]] if k[-1] == len(fine_t) - 1 else refine(fine_t[k[-1] + 1], fine_t[k[-1]])
    elat, elon, ealt = (a[0] for a in sub.positions_at(np.array([entry, exit_])))
    min_alt = float(min(np.nanmin(falt[inside]), np.nanmin(ealt)))
    return float(entry), float(exit_), max(min_alt, 0.0), (float(flat[k[-1]]), float(flon[k[-1]]))


def _closest_approach(trajs, i, footprint, t, lat, lon, flight_time_s):
    """(time_s, distance_km) of the ground track's nearest approach to the footprint."""
    x, y = geography.to_xy(lon, lat)
    d = shapely.distance(footprint, shapely.points(x, y))
    k = int(np.argmin(d))
    if d[k] == 0.0:
        return float(t[k]), 0.0
    lo = t[max(k - 1, 0)]
    hi = t[min(k + 1, len(t) - 1)]
    fine_t = np.arange(lo, hi + FINE_STEP_S, FINE_STEP_S).clip(0.0, flight_time_s)
    flat, flon, _ = (a[0] for a in trajs.select([i]).positions_at(fine_t))
    fx, fy = geography.to_xy(flon, flat)
    fd = shapely.distance(footprint, shapely.points(fx, fy))
    m = int(np.argmin(fd))
    return float(fine_t[m]), float(fd[m]) / 1000.0


def _impact(lat, lon, time_s, hit, prefs, exit_fix) -> Impact:
    on_land_pref = geography.prefecture_at(lat, lon)
    territorial = geography.in_territorial_sea(lat, lon)
    code = None
    if territorial:
        code = on_land_pref.code if on_land_pref else (prefs[min(hit)].code if hit else None)
    eez = geography.eez_status(lat, lon).value
    (sea,), (country,) = geography.seas_and_countries_at(lat, lon)
    # For an overflight the government describes the fall from where the path left Japan.
    reference = geography.nearest_landmark(*exit_fix) if exit_fix else None
    d = geography.describe_point(lat, lon, reference=reference)
    return Impact(
        lat=lat, lon=lon, time_s=time_s, prefecture_code=code, on_land=on_land_pref is not None,
        in_territorial_sea=territorial, eez_status=eez,
        sea=sea.name if sea else None, sea_ja=sea.name_ja if sea else None,
        country=country.name if country else None, country_ja=country.name_ja if country else None,
        description=d.text_en, description_ja=d.text_ja,
        landmark=d.landmark.name, distance_km=d.distance_km, direction=d.direction,
    )


def _origin(trajs, i) -> tuple[str, str]:
    lat, lon = float(trajs.launch_lat[i]), float(trajs.launch_lon[i])
    s, n, w, e = _NK_BOX
    if s <= lat <= n and w <= lon <= e:
        return "北朝鮮から", " from North Korea"
    return "", ""


def _messages(alerts, impact, trajs, i, launch_time, model, prefs):
    """(messages, (summary_ja, summary_en)) of one assessment."""
    place = messages.fall_place(impact.description_ja, impact.description, impact.sea_ja, impact.sea,
                                impact.country_ja, impact.country)
    if not alerts:
        return [], messages.no_alert(*place, impact.eez_status)

    at = _clock(launch_time)
    codes = tuple([a.code for a in alerts])
    names_ja = [a.name_ja for a in alerts]
    names_en = [a.name for a in alerts]
    out = [Message(model.latency_s, "launch", codes, *messages.launch(*_origin(trajs, i), names_ja, names_en))]

    report_s = impact.time_s + model.report_delay_s
    impact_time = at(impact.time_s)
    if impact.in_territorial_sea and impact.prefecture_code:
        p = next(q for q in prefs if q.code == impact.prefecture_code)
        targets = tuple(a.code for a in alerts if a.reason == "impact") or (p.code,)
        out.append(Message(model.latency_s, "take_shelter_now", targets,
                           *messages.take_shelter_now(p.name_ja, p.name, impact_time)))
        out.append(Message(report_s, "fell_in_japan", codes,
                           *messages.fell_in_japan(p.name_ja, p.name, impact.description_ja, impact.description, impact_time)))
    else:
        over = [a for a in alerts if a.overflight_start_s is not None]
        if over:
            first = min(over, key=lambda a: a.overflight_start_s)
            over_ja = "、".join([a.name_ja for a in over])
            over_en = messages.join_en([a.name for a in over])
            last_s = max([a.overflight_end_s for a in over])
            passed_s = max(last_s, model.latency_s) + model.report_delay_s
            toward = messages.heading_for(impact.sea_ja, impact.sea, impact.country_ja, impact.country)
            out.append(Message(passed_s, "passed", codes,
                               *messages.passed(over_ja, over_en, *toward, at(first.overflight_start_s), at(last_s))))
        out.append(Message(report_s, "fell_outside", codes,
                           *messages.fell_outside(*place, impact.eez_status, impact_time)))
    out.sort(key=lambda m: (m.time_s, _KIND_ORDER[m.kind]))
    first_ja, first_en = (f"Jアラートは{len(alerts)}都道府県に発出されます。", f"J-Alert would warn {len(alerts)} prefecture(s).")
    return out, (first_ja, first_en)


_KIND_ORDER = {kind: k for k, kind in enumerate(messages.KINDS)}


def fixed_offset(launch_time: datetime) -> bool:
    """True if adding seconds to ``launch_time`` is plain arithmetic on the instant (a datetime whose
    zone is a fixed UTC offset), so that it may be converted to JST first; False for zones with
    daylight saving, where it is wall-clock arithmetic, and for datetime subclasses."""
    return type(launch_time) is datetime and isinstance(launch_time.tzinfo, timezone)


def _clock(launch_time: datetime):
    """``s -> launch_time + s seconds``, for the clock times of the messages. Where the launch zone
    has a fixed UTC offset the same instant is given in JST, which the texts then need not convert."""
    if fixed_offset(launch_time):
        local = launch_time.astimezone(JST)
        return lambda s: local + timedelta(seconds=s)
    return lambda s: launch_time + timedelta(seconds=s)


def jst(launch_time: datetime, seconds: float | None) -> datetime | None:
    """Launch time plus ``seconds``, in JST; None stays None."""
    if seconds is None:
        return None
    return (launch_time + timedelta(seconds=seconds)).astimezone(JST)
