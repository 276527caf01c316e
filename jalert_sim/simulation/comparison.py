"""One simulation beside what actually happened on the day of a historical launch.

:func:`compare` sets a :class:`~jalert_sim.simulation.result.SimulationResult` beside a
:class:`~jalert_sim.simulation.scenarios.Scenario`'s ``actual`` record: prefectures in both,
only in reality, only simulated; the first alert, the time over Japan, the "passed" message
and the impact against the published times; the impact against the published fall area.

Published times are to the minute, so differences under a minute mean nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .scenarios import Scenario

if TYPE_CHECKING:  # pragma: no cover
    from .result import SimulationResult



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


def agreement(simulated: tuple[str, ...], actual: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """(in both, only simulated, only actual): two sets of JIS codes compared, each part sorted."""
    sim, act = set(simulated), set(actual)
    return tuple(sorted(sim & act)), tuple(sorted(sim - act)), tuple(sorted(act - sim))


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
        return agreement(self.predicted_prefectures, self.actual_prefectures)[0]

    @property
    def only_predicted(self) -> tuple[str, ...]:
        return agreement(self.predicted_prefectures, self.actual_prefectures)[1]

    @property
    def only_actual(self) -> tuple[str, ...]:
        return agreement(self.predicted_prefectures, self.actual_prefectures)[2]

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
            "actual": None if a is None else a.legacy_dict(),
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
