"""How close the model comes to what really happened: every historical scenario, simulated with
the default model, beside the published record.

:func:`fidelity` runs the whole catalogue (one vectorised :func:`~.api.simulate_many`) and
returns a :class:`Fidelity`: one :class:`FidelityRow` per event and the :class:`Totals`.

What is compared, and when:

* **prefectures**: the simulated alert area against the intended actual one (prefectures warned
  by mistake, such as the Tokyo islands on 2022-10-04, are not counted), for every modelled
  event, predictions and satellite launches included: J-Alert warned for their predicted
  paths, and so does the model;
* **first alert** and **time over Japan** (spans: the gap between them, 0 where they overlap)
  where both exist; published times are to the minute;
* **impact** (distance from the published fall area, :meth:`~.scenarios.Target.miss_km`),
  **EEZ verdict** and **flight time** only for paths that were flown: a prediction that never
  happened, or a satellite corridor copied from another launch, has no fall to compare. The
  flight time of a satellite's stage is not compared either: its apogee was fitted to it.

Totals: precision and recall of the warned prefectures (over every (event, prefecture) pair),
over all events and since 2022 (today's practice); the EEZ verdicts right, uncertain and wrong;
the median and worst absolute flight-time error.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .comparison import TimeComparison, agreement
from .scenarios import Scenario, scenarios

#: Since when "today's practice" (narrow alert areas along the path) is counted.
TODAY_SINCE = datetime.fromisoformat("2022-01-01T00:00:00+09:00")


@dataclass(frozen=True)
class FidelityRow:
    """One event: the simulation (default model) beside the published record. Times JST; None
    where the event has no such figure, or the comparison does not apply (``notes`` says why)."""

    scenario: Scenario
    simulated_prefectures: tuple[str, ...]  # JIS codes; () if not modelled
    actual_prefectures: tuple[str, ...]
    first_alert: TimeComparison
    over_japan: TimeComparison
    impact_miss_km: float | None
    eez_simulated: str | None  # the model's EEZStatus at the simulated impact ("inside", "outside", "uncertain")
    eez_at_published_point: str | None  # the model's EEZStatus at the middle of the published fall area
    eez_published_area: tuple[str, ...]  # the model's EEZStatuses met anywhere in the published fall area
    eez_published: str | None  # "inside" | "outside"
    flight_time_s: float | None  # simulated
    published_flight_time_s: float | None
    notes: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.scenario.id

    @property
    def modelled(self) -> bool:
        return self.scenario.modelled

    @property
    def both(self) -> tuple[str, ...]:
        return agreement(self.simulated_prefectures, self.actual_prefectures)[0]

    @property
    def only_actual(self) -> tuple[str, ...]:
        return agreement(self.simulated_prefectures, self.actual_prefectures)[2]

    @property
    def only_simulated(self) -> tuple[str, ...]:
        return agreement(self.simulated_prefectures, self.actual_prefectures)[1]

    @property
    def eez_verdict(self) -> str | None:
        """"right", "uncertain" or "wrong": the simulated impact's EEZ status against the
        published verdict; None where either is missing."""
        return _verdict(self.eez_simulated, self.eez_published)

    @property
    def eez_verdict_at_published_point(self) -> str | None:
        """The EEZ model alone against the published verdict, over the published fall area
        (:func:`published_area`): "wrong" if the model says the opposite everywhere in it, "right"
        if it agrees at its middle and says the opposite nowhere in it, "uncertain" otherwise."""
        if self.eez_published is None or self.eez_at_published_point is None:
            return None
        opposite = "outside" if self.eez_published == "inside" else "inside"
        if set(self.eez_published_area) == {opposite}:
            return "wrong"
        if self.eez_at_published_point == self.eez_published and opposite not in self.eez_published_area:
            return "right"
        return "uncertain"

    @property
    def flight_time_error_s(self) -> float | None:
        if self.flight_time_s is None or self.published_flight_time_s is None:
            return None
        return self.flight_time_s - self.published_flight_time_s

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "id": s.id, "kind": s.kind, "modelled": s.modelled, "title_en": s.title_en,
            "prefectures": {"simulated": list(self.simulated_prefectures), "actual": list(self.actual_prefectures),
                            "both": list(self.both), "only_actual": list(self.only_actual),
                            "only_simulated": list(self.only_simulated)},
            "first_alert": _times_doc(self.first_alert),
            "over_japan": _times_doc(self.over_japan),
            "impact_miss_km": _round(self.impact_miss_km, 1),
            "eez": {"simulated": self.eez_simulated, "published": self.eez_published, "verdict": self.eez_verdict,
                    "at_published_point": self.eez_at_published_point,
                    "in_published_area": sorted(set(self.eez_published_area)),
                    "verdict_at_published_point": self.eez_verdict_at_published_point},
            "flight_time": {"simulated_s": _round(self.flight_time_s, 0),
                            "published_s": self.published_flight_time_s,
                            "error_s": _round(self.flight_time_error_s, 0)},
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class PrecisionRecall:
    """Warned prefectures over (event, prefecture) pairs: ``true_positives`` warned in both,
    ``false_positives`` only simulated, ``false_negatives`` only in reality."""

    events: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        n = self.true_positives + self.false_positives
        return None if n == 0 else self.true_positives / n

    @property
    def recall(self) -> float | None:
        n = self.true_positives + self.false_negatives
        return None if n == 0 else self.true_positives / n

    def to_dict(self) -> dict[str, Any]:
        return {"events": self.events, "true_positives": self.true_positives,
                "false_positives": self.false_positives, "false_negatives": self.false_negatives,
                "precision": _round(self.precision, 3), "recall": _round(self.recall, 3)}


@dataclass(frozen=True)
class Totals:
    events: int
    modelled: int
    prefectures_all: PrecisionRecall
    prefectures_since_2022: PrecisionRecall
    eez: dict[str, int]  # {"right": n, "uncertain": n, "wrong": n} at the simulated impacts
    eez_at_published_points: dict[str, int]  # the same for the EEZ model alone, over the published fall areas
    flight_time_compared: int
    flight_time_median_error_s: float | None  # of the absolute errors
    flight_time_worst_error_s: float | None  # signed (positive: the model is slower)
    flight_time_worst_event: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "events": self.events, "modelled": self.modelled,
            "prefectures": {"all": self.prefectures_all.to_dict(), "since_2022": self.prefectures_since_2022.to_dict()},
            "eez": dict(self.eez), "eez_at_published_points": dict(self.eez_at_published_points),
            "flight_time": {"compared": self.flight_time_compared,
                            "median_abs_error_s": _round(self.flight_time_median_error_s, 0),
                            "worst_error_s": _round(self.flight_time_worst_error_s, 0),
                            "worst_event": self.flight_time_worst_event},
        }


@dataclass(frozen=True)
class Fidelity:
    rows: tuple[FidelityRow, ...]
    totals: Totals

    def row(self, scenario_id: str) -> FidelityRow:
        return next(r for r in self.rows if r.id == scenario_id)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": [r.to_dict() for r in self.rows], "totals": self.totals.to_dict(),
                "note": "Actual times were published to the minute; differences under 60 s are not significant. "
                        "EEZ statuses are the model's approximate EEZ (data/README.md)."}


def fidelity(items: tuple[Scenario, ...] | None = None) -> Fidelity:
    """Simulate every scenario in ``items`` (default: the whole catalogue) with the default model
    and compare each with its published record."""
    from .api import simulate_many

    items = scenarios() if items is None else tuple(items)
    modelled = [s for s in items if s.modelled]
    results = dict(zip((s.id for s in modelled), simulate_many([s.simulate_kwargs() for s in modelled])))
    rows = tuple(_row(s, results.get(s.id)) for s in items)
    return Fidelity(rows, totals(rows))


def flown(s: Scenario) -> bool:
    """Whether the scenario's path was flown as simulated: a flight, or a satellite launch whose
    stage fell where and when published (not a prediction, not a copied corridor)."""
    a = s.actual
    return s.modelled and (s.kind == "flight" or (s.kind == "satellite" and a is not None and a.impact_time is not None))


def published_flight_time_s(s: Scenario) -> float | None:
    """The published flight time: the stated duration, else fall minus launch (both to the minute)."""
    a = s.actual
    if a is None:
        return None
    if a.flight_time_s is not None:
        return a.flight_time_s
    return None if a.impact_time is None else (a.impact_time - s.launch_time).total_seconds()


#: Half-width of a published distance, km: "about 200 km" is rounded to 50 km in most reports,
#: and official estimates of one fall moved by 50 km or more within the hour (2023-03-16: 250 km,
#: then 200 km west of Oshima-Oshima; 2024-10-31: 300 km, then 200 km west of Okushiri).
PUBLISHED_DISTANCE_HALF_WIDTH_KM = 25.0


def published_area(target) -> tuple[Any, Any]:
    """(lat, lon) arrays sampling the area that published words ("about 200 km west of X") allow:
    every bearing within a half compass point (COMPASS_HALF_SECTOR_DEG) of the published one, in
    steps of a quarter of that, at the published distance and PUBLISHED_DISTANCE_HALF_WIDTH_KM
    nearer and farther (45 points, geodesics on WGS84)."""
    import numpy as np

    from ..earth import GEOD
    from .scenarios import COMPASS_HALF_SECTOR_DEG

    bearings = target.bearing_deg + np.linspace(-COMPASS_HALF_SECTOR_DEG, COMPASS_HALF_SECTOR_DEG, 9)
    h = PUBLISHED_DISTANCE_HALF_WIDTH_KM
    dist_km = np.maximum(target.distance_km + np.array([-h, -h / 2, 0.0, h / 2, h]), 1.0)
    b, d = np.meshgrid(bearings, dist_km)
    lon, lat, _ = GEOD.fwd(np.full(b.size, target.lon), np.full(b.size, target.lat), b.ravel(), d.ravel() * 1000.0)
    return lat, lon


def _row(s: Scenario, r) -> FidelityRow:
    from ..geo import eez_status, eez_statuses

    a = s.actual
    notes: list[str] = []
    eez_published = None if a is None else a.eez
    at_point, area = None, ()
    if s.target is not None and eez_published is not None:
        at_point = eez_status(*s.target.point()).value
        area = tuple(sorted({st.value for st in eez_statuses(*published_area(s.target))}))
    if r is None:
        notes.append(f"not modelled: {s.not_modelled_reason}")
        empty = TimeComparison("first alert", None, None if a is None else a.alert_time)
        return FidelityRow(s, (), () if a is None else tuple(a.prefectures), empty,
                           TimeComparison("over Japan", None, None if a is None else a.overflight_time),
                           None, None, at_point, area, eez_published, None, published_flight_time_s(s), tuple(notes))
    first = min((m.time_s for m in r.messages if m.kind != "fell"), default=None) if r.alerts else None
    first_alert = TimeComparison("first alert", r.time_at_second(first), None if a is None else a.alert_time)
    over = TimeComparison("over Japan", r.time_at_second(r.assessment.overflight_start_s),
                          None if a is None else a.overflight_time, r.time_at_second(r.assessment.overflight_end_s),
                          None if a is None else a.overflight_end_time)
    is_flown = flown(s)
    if not is_flown:
        notes.append("the path simulated is a prediction that was not flown: fall, EEZ and flight time not compared")
    miss = s.target.miss_km(r.impact.lat, r.impact.lon) if (is_flown and s.target is not None) else None
    timed = is_flown and s.kind == "flight"
    if s.kind == "satellite" and is_flown:
        notes.append("satellite stage: apogee fitted to the published fall time, flight time not compared")
    return FidelityRow(
        s, tuple(al.code for al in r.alerts), () if a is None else tuple(a.prefectures), first_alert, over, miss,
        r.impact.eez_status if is_flown else None, at_point if is_flown else None, area if is_flown else (),
        eez_published if is_flown else None,
        r.trajectory["flight_time_s"] if timed else None, published_flight_time_s(s) if timed else None, tuple(notes))


def totals(rows: tuple[FidelityRow, ...]) -> Totals:
    def pr(selected: list[FidelityRow]) -> PrecisionRecall:
        return PrecisionRecall(len(selected), sum(len(r.both) for r in selected),
                               sum(len(r.only_simulated) for r in selected), sum(len(r.only_actual) for r in selected))

    modelled = [r for r in rows if r.modelled]
    errors = [(r.flight_time_error_s, r.id) for r in modelled if r.flight_time_error_s is not None]
    worst = max(errors, key=lambda e: abs(e[0]), default=(None, None))
    return Totals(
        events=len(rows), modelled=len(modelled),
        prefectures_all=pr(modelled),
        prefectures_since_2022=pr([r for r in modelled if r.scenario.launch_time >= TODAY_SINCE]),
        eez=_count(r.eez_verdict for r in rows), eez_at_published_points=_count(r.eez_verdict_at_published_point for r in rows),
        flight_time_compared=len(errors),
        flight_time_median_error_s=statistics.median(abs(e) for e, _ in errors) if errors else None,
        flight_time_worst_error_s=worst[0], flight_time_worst_event=worst[1],
    )


def _verdict(model: str | None, published: str | None) -> str | None:
    if model is None or published is None:
        return None
    if model == "uncertain":
        return "uncertain"
    return "right" if model == published else "wrong"


def _count(verdicts) -> dict[str, int]:
    out = {"right": 0, "uncertain": 0, "wrong": 0}
    for v in verdicts:
        if v is not None:
            out[v] += 1
    return out


def _round(x: float | None, ndigits: int) -> float | None:
    return None if x is None else round(float(x), ndigits)


def _times_doc(t: TimeComparison) -> dict[str, Any]:
    iso = lambda d: None if d is None else d.isoformat()  # noqa: E731
    return {"simulated": iso(t.predicted), "simulated_end": iso(t.predicted_end), "actual": iso(t.actual),
            "actual_end": iso(t.actual_end), "difference_s": t.difference_s}


#: Columns of :func:`flat_rows` (the CSV of ``jalert-sim scenarios --compare``), in order.
FLAT_COLUMNS = (
    "id", "kind", "modelled", "prefectures_both", "prefectures_only_actual", "prefectures_only_simulated",
    "first_alert_simulated", "first_alert_actual", "first_alert_difference_s",
    "over_japan_simulated", "over_japan_simulated_end", "over_japan_actual", "over_japan_actual_end",
    "over_japan_difference_s", "impact_miss_km", "eez_simulated", "eez_published", "eez_verdict",
    "eez_at_published_point", "eez_in_published_area", "eez_verdict_at_published_point",
    "flight_time_simulated_s", "flight_time_published_s", "flight_time_error_s", "notes",
)


def flat_rows(f: Fidelity) -> list[dict[str, Any]]:
    """One flat dict per event (keys :data:`FLAT_COLUMNS`; prefecture lists as space-separated JIS
    codes, times ISO 8601, None where not compared)."""
    out = []
    for r in f.rows:
        d = r.to_dict()
        fa, oj, ft = d["first_alert"], d["over_japan"], d["flight_time"]
        out.append({
            "id": r.id, "kind": r.scenario.kind, "modelled": r.modelled,
            "prefectures_both": " ".join(r.both), "prefectures_only_actual": " ".join(r.only_actual),
            "prefectures_only_simulated": " ".join(r.only_simulated),
            "first_alert_simulated": fa["simulated"], "first_alert_actual": fa["actual"],
            "first_alert_difference_s": fa["difference_s"],
            "over_japan_simulated": oj["simulated"], "over_japan_simulated_end": oj["simulated_end"],
            "over_japan_actual": oj["actual"], "over_japan_actual_end": oj["actual_end"],
            "over_japan_difference_s": oj["difference_s"], "impact_miss_km": d["impact_miss_km"],
            "eez_simulated": r.eez_simulated, "eez_published": r.eez_published, "eez_verdict": r.eez_verdict,
            "eez_at_published_point": r.eez_at_published_point,
            "eez_in_published_area": " ".join(sorted(set(r.eez_published_area))),
            "eez_verdict_at_published_point": r.eez_verdict_at_published_point,
            "flight_time_simulated_s": ft["simulated_s"], "flight_time_published_s": ft["published_s"],
            "flight_time_error_s": ft["error_s"], "notes": " | ".join(r.notes),
        })
    return out
