"""The result of one scenario, and its JSON document (``jalert-sim run --format json``).

Schema: ``jalert_sim/schemas/simulation.schema.json``. Times in the result are seconds after
``launch_time``; the document gives them as ISO 8601 in JST, rounded to the second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import numpy as np

from .. import __version__
from .._frozen import quick_init
from ..alerting.model import AlertModel, Assessment, Impact, Message, PrefectureAlert, danger_span
from ..clock import at_second, iso_seconds, jst
from ..geo.over import Location, over_places
from ..geo.places import Place
from ..physics.trajectories import BoostModel, Track

SCHEMA_VERSION = "1.0"
#: The documents' ``generator``: this program and its version.
GENERATOR = f"jalert-sim {__version__}"
#: Spacing of the track samples in the JSON document, seconds.
TRACK_STEP_S = 5.0


@quick_init
@dataclass(frozen=True)
class SimulationResult:
    """One scenario, solved and assessed. Times are seconds after ``launch_time``."""

    launch_lat: float
    launch_lon: float
    site: Place | None
    azimuth_deg: float
    apogee_km: float  # as requested
    range_km: float | None  # as requested; None = minimum energy
    launch_time: datetime
    model: AlertModel
    boost: BoostModel
    trajectory: dict[str, Any]  # Trajectories.summaries() row
    assessment: Assessment
    track: Track

    @property
    def alerts(self):
        return self.assessment.alerts

    @property
    def impact(self):
        return self.assessment.impact

    @property
    def messages(self):
        return self.assessment.messages

    def time(self, seconds: float | None) -> datetime | None:
        """Launch time plus ``seconds``, in JST."""
        return jst(self.launch_time, seconds)

    def time_at_second(self, seconds: float | None) -> datetime | None:
        """Launch time plus ``seconds`` rounded to the second, in JST: the time every output shows."""
        return at_second(self.launch_time, seconds)

    def iso(self, seconds: float | None) -> str | None:
        """:meth:`time_at_second` as ISO 8601 text (None stays None), as the document writes it."""
        return iso_seconds(self.launch_time)(seconds)

    @cached_property
    def track_over(self) -> tuple[Location, ...]:
        """What each sample of :attr:`track` is over, in words (a prefecture, the territorial sea
        off one, a sea, a country, the open ocean): computed once, on first use."""
        return tuple(over_places(self.track.lat, self.track.lon))

    def over_at(self, seconds: float) -> Location:
        """What the missile is over ``seconds`` after launch: :attr:`track_over` of the nearest sample."""
        return self.track_over[int(np.argmin(np.abs(self.track.t_s - seconds)))]

    def altitude_at(self, seconds: float) -> float:
        """Altitude ``seconds`` after launch, km above the WGS84 ellipsoid: the track samples (every
        :data:`TRACK_STEP_S`) interpolated linearly, well within a kilometre at these speeds."""
        return float(np.interp(seconds, self.track.t_s, self.track.alt_km))

    def danger_span(self, alert: PrefectureAlert) -> tuple[float, float]:
        """(start, end), seconds after launch, when the missile is upon a warned prefecture
        (:func:`jalert_sim.alerting.model.danger_span`)."""
        return danger_span(alert, self.impact.time_s)

    def to_dict(self, *, track: bool = True) -> dict[str, Any]:
        """The JSON document of ``jalert-sim run --format json`` (ISO 8601 times with offset)."""
        # Crossing times are good to about a second: ISO times say no more than that.
        iso = iso_seconds(self.launch_time)
        tr = self.trajectory.copy()
        tr.pop("ok", None)
        tr.pop("error", None)
        a = self.assessment
        doc: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "generator": GENERATOR,
            "input": _input_doc(self, tr),
            "trajectory": _trajectory_doc(tr, iso),
            "impact": _impact_doc(a.impact, iso),
            "alert_issued": a.alert_issued,
            "summary_en": a.summary_en,
            "summary_ja": a.summary_ja,
            "overflight": {
                "start": iso(a.overflight_start_s),
                "end": iso(a.overflight_end_s),
                "start_s": a.overflight_start_s,
                "end_s": a.overflight_end_s,
            },
            "alerts": _alerts_doc(a.alerts, iso),
            "messages": _messages_doc(a.messages, iso),
        }
        if track:
            doc["track"] = track_document(self.track)
        return doc


# The blocks of the document, in its order. ``tr`` is the trajectory summary without its
# ``ok``/``error`` keys; ``iso`` is ``iso_seconds(launch_time)``, shared by the blocks because it
# remembers the times it has written (a document repeats many).


def _input_doc(r: SimulationResult, tr: dict[str, Any]) -> dict[str, Any]:
    """What was asked: the launch, the flight, the launch time and the model (with the burn the
    boost model gave)."""
    site = r.site
    return {
        "launch": {
            "lat": r.launch_lat,
            "lon": r.launch_lon,
            "site": site.key if site else None,
            "name": site.name if site else None,
            "name_ja": site.name_ja if site else None,
        },
        "azimuth_deg": r.azimuth_deg,
        "apogee_km": r.apogee_km,
        "range_km": r.range_km,
        "launch_time": r.launch_time.isoformat(),
        "model": {**r.model.to_dict(), **r.boost.in_force(tr)},
    }


def _trajectory_doc(tr: dict[str, Any], iso) -> dict[str, Any]:
    """The trajectory summary with its ISO times (added to ``tr``, the document's own copy)."""
    tr["apogee_time"] = iso(tr["apogee_time_s"])
    tr["impact_time"] = iso(tr["flight_time_s"])
    return tr


def _impact_doc(imp: Impact, iso) -> dict[str, Any]:
    return {
        "lat": imp.lat,
        "lon": imp.lon,
        "time": iso(imp.time_s),
        "time_s": imp.time_s,
        "description": imp.description,
        "description_ja": imp.description_ja,
        "landmark": imp.landmark,
        "distance_km": imp.distance_km,
        "direction": imp.direction,
        "prefecture": imp.prefecture_code,
        "on_land": imp.on_land,
        "sea": imp.sea,
        "sea_ja": imp.sea_ja,
        "country": imp.country,
        "country_ja": imp.country_ja,
        "in_territorial_sea": imp.in_territorial_sea,
        "in_eez": imp.in_eez,
        "eez_status": imp.eez_status,
    }


def _alerts_doc(alerts: tuple[PrefectureAlert, ...], iso) -> list[dict[str, Any]]:
    return [
        {
            "code": p.code,
            "name": p.name,
            "name_ja": p.name_ja,
            "region": p.region,
            "region_ja": p.region_ja,
            "reason": p.reason._value_,  # (.value is a descriptor call: ~10 times slower)
            "alert_time": iso(p.alert_time_s),
            "overflight_start": iso(p.overflight_start_s),
            "overflight_end": iso(p.overflight_end_s),
            "overflight_start_s": p.overflight_start_s,
            "overflight_end_s": p.overflight_end_s,
            "min_altitude_km": p.min_altitude_km,
            "closest_approach": iso(p.closest_approach_s),
            "closest_distance_km": p.closest_distance_km,
            "lead_time_s": p.lead_time_s,
        }
        for p in alerts
    ]


def _messages_doc(messages: tuple[Message, ...], iso) -> list[dict[str, Any]]:
    return [
        {
            "time": iso(m.time_s),
            "time_s": m.time_s,
            "kind": m.kind,
            "prefectures": list(m.prefectures),
            "text_ja": m.text_ja,
            "text_en": m.text_en,
        }
        for m in messages
    ]


def track_document(track: Track) -> list[dict[str, float]]:
    """The samples every :data:`TRACK_STEP_S`: seconds after launch, degrees, km."""
    return [
        {"t_s": float(t), "lat": float(la), "lon": float(lo), "alt_km": float(h)}
        for t, la, lo, h in zip(track.t_s, track.lat, track.lon, track.alt_km)
    ]


class LazyTrack(Track):
    """``trajs.track(j, TRACK_STEP_S)``, computed on first use: most results are never asked for it,
    and sampling every trajectory at 5 s cost more than solving and assessing it (performance)."""

    def __init__(self, trajs, j: int):  # noqa: D107  (Track's generated __init__ is bypassed on purpose)
        object.__setattr__(self, "_source", (trajs, j))
        object.__setattr__(self, "_track", None)

    def _get(self) -> Track:
        if self._track is None:
            trajs, j = self._source
            object.__setattr__(self, "_track", trajs.track(j, TRACK_STEP_S))
        return self._track

    t_s = property(lambda self: self._get().t_s)
    lat = property(lambda self: self._get().lat)
    lon = property(lambda self: self._get().lon)
    alt_km = property(lambda self: self._get().alt_km)

    def __repr__(self) -> str:
        return repr(self._get())

    def __reduce__(self):
        return (Track, (self.t_s, self.lat, self.lon, self.alt_km))


