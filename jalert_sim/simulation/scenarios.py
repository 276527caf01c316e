"""Historical launches as ready-made scenarios: the catalogue of every J-Alert missile event.

``data/scenarios.json`` holds, for every launch for which J-Alert warned about a missile or
a rocket, and for the significant launches that warned nobody but fell in or near Japan's
EEZ, the published figures (site, time, apogee, range, fall area and its EEZ verdict), the
azimuth reconstructed from the published path (the place it flew over, else the fall
point), what the government actually issued (messages, prefectures, times) and what went
wrong on the day, each with its sources. :func:`scenarios` and :func:`scenario` load them
(once, cached). :mod:`.comparison` sets one simulation beside what happened;
:mod:`.fidelity` does it for the whole catalogue.

A scenario's ``kind`` says what its inputs describe: ``"flight"`` (the path flown),
``"prediction"`` (a path the government predicted and warned for, which the missile never
flew: the inputs reconstruct the prediction) or ``"satellite"`` (a satellite launch,
approximated by the ballistic arc of the stage that crossed Japan). A scenario that is not
``modelled`` has no path to simulate (its ``not_modelled_reason`` says why).

Published times are to the minute, so differences under a minute mean nothing.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from .._data import data_path
from ..earth import GEOD
from ..errors import DataError, UnknownNameError

SCENARIO_FILE = "scenarios.json"
KINDS = ("flight", "prediction", "satellite")


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None
    used_for: str
    publisher: str | None = None
    date: str | None = None  # ISO 8601 date (or year-month) of publication


#: Half the width of a published compass direction ("east": one point of the 16-point compass that
#: Japanese reports use, 東 between 東北東 and 東南東).
COMPASS_HALF_SECTOR_DEG = 11.25


@dataclass(frozen=True)
class Target:
    """The published fall point: "about ``distance_km`` ``bearing_deg`` of ``reference``".

    The words name a distance and a compass direction, not a point: they fit every point at that
    distance whose bearing from the reference is within COMPASS_HALF_SECTOR_DEG of ``bearing_deg``
    (an arc ~460 km long at 1,180 km). :meth:`point` is the arc's middle, :meth:`miss_km` the
    distance to the arc.
    """

    reference: str
    lat: float
    lon: float
    distance_km: float
    bearing_deg: float
    great_circle_bearing_deg: float  # from the launch site to :meth:`point`

    def point(self) -> tuple[float, float]:
        """(lat, lon) of the middle of the published arc: ``distance_km`` along the geodesic that
        leaves the reference at exactly ``bearing_deg``, on WGS84."""
        lon, lat, _ = GEOD.fwd(self.lon, self.lat, self.bearing_deg, self.distance_km * 1000.0)
        return float(lat), float(lon)

    def arc(self, n: int = 451) -> tuple[Any, Any]:
        """(lat, lon) arrays of ``n`` points along the published arc, from one end to the other."""
        import numpy as np

        bearings = self.bearing_deg + np.linspace(-COMPASS_HALF_SECTOR_DEG, COMPASS_HALF_SECTOR_DEG, n)
        arc_lon, arc_lat, _ = GEOD.fwd(np.full(n, self.lon), np.full(n, self.lat), bearings,
                                       np.full(n, self.distance_km * 1000.0))
        return arc_lat, arc_lon

    def miss_km(self, lat: float, lon: float) -> float:
        """Geodesic distance (km) from (lat, lon) to the nearest point that fits the published words
        (the arc sampled every 0.05 degrees of bearing, ~1 km apart at 1,180 km)."""
        import numpy as np

        arc_lat, arc_lon = self.arc()
        n = len(arc_lat)
        _, _, d = GEOD.inv(np.full(n, float(lon)), np.full(n, float(lat)), arc_lon, arc_lat)
        return float(np.min(d)) / 1000.0


@dataclass(frozen=True)
class Waypoint:
    """A place the missile was published to have passed over (e.g. Cape Erimo in 2017)."""

    reference: str
    lat: float
    lon: float


@dataclass(frozen=True)
class IssuedMessage:
    """One J-Alert message as actually issued: its time (None where no source gives it), kind
    ("launch", "shelter", "passed", "cleared"), the prefectures addressed and what it said."""

    time: datetime | None
    kind: str
    area: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Actual:
    """What was actually issued and reported. Times are JST, published to the minute."""

    alert_time: datetime | None  # first J-Alert message; None = no J-Alert (or no published time)
    prefectures: tuple[str, ...]  # JIS X 0401 codes of the intended alert area
    prefecture_alert_times: dict[str, datetime]  # where prefectures got it at different times
    erroneous_prefectures: tuple[str, ...]  # warned by mistake (and later corrected)
    overflight_time: datetime | None  # over Japan: the published time, or the start of the published span
    overflight_end_time: datetime | None  # the end of the published span ("07:04 to 07:06"), if one was given
    passed_time: datetime | None  # the "passed" message
    impact_time: datetime | None
    impact_description: str
    impact_description_ja: str
    eez: str | None = None  # the published verdict on the fall: "inside" | "outside" | None (none published)
    flight_time_s: float | None = None  # the published duration ("about 74 minutes"), if one was given
    messages: tuple[IssuedMessage, ...] = ()
    incidents: tuple[str, ...] = ()  # what went wrong on the day, said plainly

    def alert_time_for(self, code: str) -> datetime | None:
        return self.prefecture_alert_times.get(code, self.alert_time if code in self.prefectures else None)

    def legacy_dict(self) -> dict[str, Any]:
        """The ``actual`` block of ``run --format json``'s ``historical`` (its fields of schema 1.0)."""
        return {
            "alert_time": _iso(self.alert_time), "prefectures": list(self.prefectures),
            "prefecture_alert_times": {k: _iso(v) for k, v in self.prefecture_alert_times.items()},
            "erroneous_prefectures": list(self.erroneous_prefectures),
            "overflight_time": _iso(self.overflight_time), "overflight_end_time": _iso(self.overflight_end_time),
            "passed_time": _iso(self.passed_time),
            "impact_time": _iso(self.impact_time), "impact_description": self.impact_description,
            "impact_description_ja": self.impact_description_ja,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.legacy_dict(), "eez": self.eez, "flight_time_s": self.flight_time_s,
                "messages": [{"time": _iso(m.time), "kind": m.kind, "area": list(m.area), "summary": m.summary}
                             for m in self.messages],
                "incidents": list(self.incidents)}


@dataclass(frozen=True)
class Published:
    """Japan's own figures for the flight (the inputs may use the DPRK's more precise ones):
    apogee and range in km, flight time in s; None where none was published."""

    apogee_km: float | None
    range_km: float | None
    flight_time_s: float | None
    by: str


@dataclass(frozen=True)
class Scenario:
    """One historical launch. Angles in degrees, distances in km, times timezone-aware (JST)."""

    id: str
    title_en: str
    title_ja: str
    missile: str
    site: str | None  # key of the launch-site catalogue (places), if it has one
    site_name: str
    launch_lat: float
    launch_lon: float
    launch_time: datetime
    azimuth_deg: float | None  # None: not modelled
    apogee_km: float | None  # None: not modelled
    range_km: float | None
    target: Target | None
    overflight_point: Waypoint | None  # published place overflown, if any: it pins the azimuth
    notes: str
    actual: Actual | None
    sources: tuple[Source, ...]
    kind: str = "flight"  # one of KINDS
    modelled: bool = True
    not_modelled_reason: str = ""
    published: Published | None = None
    fit: str = ""  # how the azimuth (and, for satellites, the apogee) was fitted, and the residual

    @property
    def launch(self) -> str:
        """What ``simulate(launch=...)`` takes: the catalogue site, else 'lat,lon'."""
        return self.site or f"{self.launch_lat},{self.launch_lon}"

    def simulate_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`jalert_sim.simulate` for this scenario (azimuth and apogee
        None if it is not modelled: the caller must give them)."""
        return {
            "launch": self.launch, "azimuth_deg": self.azimuth_deg, "apogee_km": self.apogee_km,
            "range_km": self.range_km, "launch_time": self.launch_time,
        }

    def to_dict(self) -> dict[str, Any]:
        p = self.published
        return {
            "id": self.id, "kind": self.kind, "modelled": self.modelled,
            "not_modelled_reason": self.not_modelled_reason or None,
            "title_en": self.title_en, "title_ja": self.title_ja, "missile": self.missile,
            "launch": {"site": self.site, "name": self.site_name, "lat": self.launch_lat, "lon": self.launch_lon},
            "launch_time": _iso(self.launch_time), "azimuth_deg": self.azimuth_deg,
            "apogee_km": self.apogee_km, "range_km": self.range_km, "notes": self.notes, "fit": self.fit or None,
            "published": None if p is None else {"apogee_km": p.apogee_km, "range_km": p.range_km,
                                                 "flight_time_s": p.flight_time_s, "by": p.by},
            "actual": None if self.actual is None else self.actual.to_dict(),
            "sources": [{"publisher": s.publisher, "title": s.title, "date": s.date, "url": s.url,
                         "used_for": s.used_for} for s in self.sources],
        }


def _iso(d: datetime | None) -> str | None:
    return None if d is None else d.isoformat()


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    t = datetime.fromisoformat(value)
    if t.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return t


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _actual(a: dict[str, Any]) -> Actual:
    eez = a.get("eez")
    if eez not in (None, "inside", "outside"):
        raise ValueError(f"actual.eez must be inside, outside or null, got {eez!r}")
    return Actual(
        alert_time=_time(a["alert_time"]),
        prefectures=tuple(a["prefectures"]),
        prefecture_alert_times={k: _time(v) for k, v in a.get("prefecture_alert_times", {}).items()},
        erroneous_prefectures=tuple(a.get("erroneous_prefectures", ())),
        overflight_time=_time(a.get("overflight_time")),
        overflight_end_time=_time(a.get("overflight_end_time")),
        passed_time=_time(a.get("passed_time")),
        impact_time=_time(a.get("impact_time")),
        impact_description=a.get("impact_description", ""),
        impact_description_ja=a.get("impact_description_ja", ""),
        eez=eez, flight_time_s=_float(a.get("flight_time_s")),
        messages=tuple(IssuedMessage(_time(m.get("time")), m["kind"], tuple(m.get("area", ())), m.get("summary", ""))
                       for m in a.get("messages", ())),
        incidents=tuple(a.get("incidents", ())),
    )


def _parse(raw: dict[str, Any]) -> Scenario:
    a = raw.get("actual")
    t = raw.get("target")
    o = raw.get("overflight_point")
    p = raw.get("published")
    launch = raw["launch"]
    kind = raw.get("kind", "flight")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    modelled = bool(raw.get("modelled", True))
    if modelled and (raw.get("azimuth_deg") is None or raw.get("apogee_km") is None):
        raise ValueError(f"scenario {raw['id']}: a modelled scenario needs azimuth_deg and apogee_km")
    return Scenario(
        id=raw["id"], title_en=raw["title_en"], title_ja=raw["title_ja"], missile=raw.get("missile", ""),
        site=launch.get("site"), site_name=launch.get("name", ""),
        launch_lat=float(launch["lat"]), launch_lon=float(launch["lon"]),
        launch_time=_time(raw["launch_time"]), azimuth_deg=_float(raw.get("azimuth_deg")),
        apogee_km=_float(raw.get("apogee_km")), range_km=_float(raw.get("range_km")),
        target=None if t is None else Target(
            t["reference"], float(t["lat"]), float(t["lon"]), float(t["distance_km"]),
            float(t["bearing_deg"]), float(t["great_circle_bearing_deg"])),
        overflight_point=None if o is None else Waypoint(o["reference"], float(o["lat"]), float(o["lon"])),
        notes=raw.get("notes", ""), actual=None if a is None else _actual(a),
        sources=tuple(Source(s["title"], s.get("url"), s.get("used_for", ""), s.get("publisher"), s.get("date"))
                      for s in raw.get("sources", ())),
        kind=kind, modelled=modelled, not_modelled_reason=raw.get("not_modelled_reason", ""),
        published=None if p is None else Published(_float(p.get("apogee_km")), _float(p.get("range_km")),
                                                    _float(p.get("flight_time_s")), p.get("by", "")),
        fit=raw.get("fit", ""),
    )


@cache
def scenarios() -> tuple[Scenario, ...]:
    """Every shipped scenario, in the order of the data file (chronological)."""
    path = data_path(SCENARIO_FILE)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return tuple(_parse(raw) for raw in doc["scenarios"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"scenario file {path} is unreadable: {exc!r}") from exc


def scenario(scenario_id: str) -> Scenario:
    """The scenario with this id (e.g. "2017-08-29"); UnknownNameError with suggestions otherwise."""
    wanted = str(scenario_id).strip().lower()
    by_id = {s.id.lower(): s for s in scenarios()}
    if wanted in by_id:
        return by_id[wanted]
    ids = [s.id for s in scenarios()]
    close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.5)
    raise UnknownNameError("scenario", str(scenario_id), close or ids)
