"""Historical launches as ready-made scenarios, and how the simulation compares with them.

``data/scenarios.json`` holds the published figures of real launches (site, time,
apogee, range), the azimuth reconstructed from the published path (the place it
flew over, else the fall point), and what the government actually issued (alert
time, prefectures, "passed" time, fall).
:func:`scenarios` and :func:`scenario` load them (once, cached); :func:`compare`
sets a :class:`~jalert_sim.simulation.result.SimulationResult` beside the actual events.

Published times are to the minute, so differences under a minute mean nothing.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from .._data import data_path
from ..earth import GEOD
from ..errors import DataError, UnknownNameError

if TYPE_CHECKING:  # pragma: no cover
    from .result import SimulationResult

SCENARIO_FILE = "scenarios.json"


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None
    used_for: str


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

    def miss_km(self, lat: float, lon: float) -> float:
        """Geodesic distance (km) from (lat, lon) to the nearest point that fits the published words
        (the arc sampled every 0.05 degrees of bearing, ~1 km apart at 1,180 km)."""
        import numpy as np

        bearings = self.bearing_deg + np.linspace(-COMPASS_HALF_SECTOR_DEG, COMPASS_HALF_SECTOR_DEG, 451)
        n = len(bearings)
        arc_lon, arc_lat, _ = GEOD.fwd(np.full(n, self.lon), np.full(n, self.lat), bearings,
                                       np.full(n, self.distance_km * 1000.0))
        _, _, d = GEOD.inv(np.full(n, float(lon)), np.full(n, float(lat)), arc_lon, arc_lat)
        return float(np.min(d)) / 1000.0


@dataclass(frozen=True)
class Waypoint:
    """A place the missile was published to have passed over (e.g. Cape Erimo in 2017)."""

    reference: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Actual:
    """What was actually issued and reported. Times are JST, published to the minute."""

    alert_time: datetime | None  # first J-Alert message; None = no J-Alert
    prefectures: tuple[str, ...]  # JIS X 0401 codes of the intended alert area
    prefecture_alert_times: dict[str, datetime]  # where prefectures got it at different times
    erroneous_prefectures: tuple[str, ...]  # warned by mistake (and later corrected)
    overflight_time: datetime | None  # over Japan: the published time, or the start of the published span
    overflight_end_time: datetime | None  # the end of the published span ("07:04 to 07:06"), if one was given
    passed_time: datetime | None  # the "passed" message
    impact_time: datetime | None
    impact_description: str
    impact_description_ja: str

    def alert_time_for(self, code: str) -> datetime | None:
        return self.prefecture_alert_times.get(code, self.alert_time if code in self.prefectures else None)


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
    azimuth_deg: float
    apogee_km: float
    range_km: float | None
    target: Target | None
    overflight_point: Waypoint | None  # published place overflown, if any: it pins the azimuth
    notes: str
    actual: Actual | None
    sources: tuple[Source, ...]

    @property
    def launch(self) -> str:
        """What ``simulate(launch=...)`` takes: the catalogue site, else 'lat,lon'."""
        return self.site or f"{self.launch_lat},{self.launch_lon}"

    def simulate_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`jalert_sim.simulate` for this scenario."""
        return {
            "launch": self.launch, "azimuth_deg": self.azimuth_deg, "apogee_km": self.apogee_km,
            "range_km": self.range_km, "launch_time": self.launch_time,
        }

    def to_dict(self) -> dict[str, Any]:
        iso = lambda d: None if d is None else d.isoformat()  # noqa: E731
        a = self.actual
        return {
            "id": self.id, "title_en": self.title_en, "title_ja": self.title_ja, "missile": self.missile,
            "launch": {"site": self.site, "name": self.site_name, "lat": self.launch_lat, "lon": self.launch_lon},
            "launch_time": iso(self.launch_time), "azimuth_deg": self.azimuth_deg,
            "apogee_km": self.apogee_km, "range_km": self.range_km, "notes": self.notes,
            "actual": None if a is None else {
                "alert_time": iso(a.alert_time), "prefectures": list(a.prefectures),
                "prefecture_alert_times": {k: iso(v) for k, v in a.prefecture_alert_times.items()},
                "erroneous_prefectures": list(a.erroneous_prefectures),
                "overflight_time": iso(a.overflight_time), "overflight_end_time": iso(a.overflight_end_time),
                "passed_time": iso(a.passed_time),
                "impact_time": iso(a.impact_time), "impact_description": a.impact_description,
                "impact_description_ja": a.impact_description_ja,
            },
            "sources": [{"title": s.title, "url": s.url, "used_for": s.used_for} for s in self.sources],
        }


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    t = datetime.fromisoformat(value)
    if t.tzinfo is None:
        raise ValueError(f"time {value!r} has no UTC offset")
    return t


def _parse(raw: dict[str, Any]) -> Scenario:
    a = raw.get("actual")
    actual = None if a is None else Actual(
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
    )
    t = raw.get("target")
    o = raw.get("overflight_point")
    launch = raw["launch"]
    return Scenario(
        id=raw["id"], title_en=raw["title_en"], title_ja=raw["title_ja"], missile=raw.get("missile", ""),
        site=launch.get("site"), site_name=launch.get("name", ""),
        launch_lat=float(launch["lat"]), launch_lon=float(launch["lon"]),
        launch_time=_time(raw["launch_time"]), azimuth_deg=float(raw["azimuth_deg"]),
        apogee_km=float(raw["apogee_km"]),
        range_km=None if raw.get("range_km") is None else float(raw["range_km"]),
        target=None if t is None else Target(
            t["reference"], float(t["lat"]), float(t["lon"]), float(t["distance_km"]),
            float(t["bearing_deg"]), float(t["great_circle_bearing_deg"])),
        overflight_point=None if o is None else Waypoint(o["reference"], float(o["lat"]), float(o["lon"])),
        notes=raw.get("notes", ""), actual=actual,
        sources=tuple(Source(s["title"], s.get("url"), s.get("used_for", "")) for s in raw.get("sources", ())),
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


# --- predicted vs actual -------------------------------------------------------------------


@dataclass(frozen=True)
class TimeComparison:
    """A simulated time beside a published one; either may be a span (``*_end`` set): the time over
    Japan is one (entry to exit), and reports give it as a moment ("over Cape Erimo about 06:06")
    or a span ("from about 07:04 to 07:06")."""

    what: str  # "first alert" | "over Japan" | "passed message" | "impact"
    predicted: datetime | None
    actual: datetime | None
    predicted_end: datetime | None = None
    actual_end: datetime | None = None

    @property
    def difference_s(self) -> float | None:
        """Predicted minus actual, seconds (positive: the model is later). Between spans (a moment
        being a span of no length), the gap between them: 0 where they overlap."""
        if self.predicted is None or self.actual is None:
            return None
        p0, a0 = self.predicted, self.actual
        p1, a1 = self.predicted_end or p0, self.actual_end or a0
        if p1 < a0:
            return (p1 - a0).total_seconds()
        if p0 > a1:
            return (p0 - a1).total_seconds()
        return 0.0


@dataclass(frozen=True)
class Comparison:
    """The simulation of a historical scenario beside what actually happened."""

    scenario: Scenario
    predicted_prefectures: tuple[str, ...]
    actual_prefectures: tuple[str, ...]
    erroneous_prefectures: tuple[str, ...]
    times: tuple[TimeComparison, ...]
    impact_miss_km: float | None  # predicted impact to the published fall point's arc (Target.miss_km)

    @property
    def both(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.predicted_prefectures) & set(self.actual_prefectures)))

    @property
    def only_predicted(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.predicted_prefectures) - set(self.actual_prefectures)))

    @property
    def only_actual(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.actual_prefectures) - set(self.predicted_prefectures)))

    @property
    def prefectures_match(self) -> bool:
        return set(self.predicted_prefectures) == set(self.actual_prefectures)

    def to_dict(self) -> dict[str, Any]:
        """The ``historical`` block of the JSON document (additive to schema 1.0)."""
        iso = lambda d: None if d is None else d.isoformat()  # noqa: E731
        a = self.scenario.actual
        return {
            "scenario": self.scenario.id,
            "title_en": self.scenario.title_en,
            "title_ja": self.scenario.title_ja,
            "actual": self.scenario.to_dict()["actual"],
            "prefectures": {
                "predicted": list(self.predicted_prefectures),
                "actual": list(self.actual_prefectures),
                "both": list(self.both),
                "only_predicted": list(self.only_predicted),
                "only_actual": list(self.only_actual),
                "erroneous": list(self.erroneous_prefectures),
                "match": self.prefectures_match,
            },
            "times": [
                {"what": t.what, "predicted": iso(t.predicted), "actual": iso(t.actual),
                 "predicted_end": iso(t.predicted_end), "actual_end": iso(t.actual_end), "difference_s": t.difference_s}
                for t in self.times
            ],
            "impact_miss_km": self.impact_miss_km,
            "impact_description_actual": a.impact_description if a else None,
            "note": "Actual times were published to the minute; differences under 60 s are not significant.",
        }


def compare(result: SimulationResult, scn: Scenario) -> Comparison | None:
    """Predicted vs actual for a scenario that has ``actual`` data (None otherwise)."""
    a = scn.actual
    if a is None:
        return None
    predicted = tuple(al.code for al in result.alerts)
    first_alert = min((m.time_s for m in result.messages), default=None)
    passed = next((m.time_s for m in result.messages if m.kind == "passed"), None)
    at = result.time_at_second  # (to the second, as the document)
    times = (
        TimeComparison("first alert", at(first_alert), a.alert_time),
        TimeComparison("over Japan", at(result.assessment.overflight_start_s), a.overflight_time,
                       at(result.assessment.overflight_end_s), a.overflight_end_time),
        TimeComparison("passed message", at(passed), a.passed_time),
        TimeComparison("impact", at(result.impact.time_s), a.impact_time),
    )
    miss = None if scn.target is None else scn.target.miss_km(result.impact.lat, result.impact.lon)
    return Comparison(scn, predicted, tuple(a.prefectures), tuple(a.erroneous_prefectures), times, miss)
