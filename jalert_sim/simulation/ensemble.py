"""Monte Carlo ensembles: many samples of one uncertain scenario, solved as a table and
summarised without leaving the columns.

A block of samples (:mod:`.sampling`) is solved by :func:`~.api.solve_table` and reduced to a
:class:`Tally` (counts, exact quantile counts, impact moments); tallies merge in block order
into the ensemble's :class:`EnsembleSummary`. No SimulationResult is made per sample.

Probabilities are shares of the samples that fly: a sample that cannot (an apogee and range
no trajectory joins, a negative apogee drawn from a wide spread) is counted under its reason
in ``infeasible``, never dropped silently.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import reduce

import numpy as np

from .. import geo
from ..alerting.impacts import EEZ_STATUSES
from ..geo.describe import describe_point
from .api import solve_table
from .sampling import Spreads, block_scenarios, draw_block
from .stats import EMPTY_COUNTS, Counts, Ellipse, Moments, Proportion, ecef_unit, ellipse, proportion
from .table import Scenario, ScenarioTable

#: Impact points kept (the first ones, in sample order) for maps and checks.
KEEP_POINTS = 5000
_GOT = re.compile(r"\s*\(got [^)]*\)$")


@dataclass(frozen=True)
class Tally:
    """What a block of samples contributes to an ensemble's summary. Per prefecture (47, in
    geo.prefectures() order): samples that warn it, overfly its footprint, fall in it, and the
    lead times of its warnings."""

    drawn: int
    flown: int
    infeasible: dict[str, int]
    warned: np.ndarray
    overflown: np.ndarray
    impact: np.ndarray
    lead: tuple[Counts, ...]
    any_alert: int
    japan: int
    eez: np.ndarray  # by EEZ_STATUSES code
    moments: Moments
    flight: Counts
    points: np.ndarray  # (k, 2) impact lat, lon of the first samples that fly

    def merge(self, other: Tally) -> Tally:
        infeasible = dict(self.infeasible)
        for reason, count in other.infeasible.items():
            infeasible[reason] = infeasible.get(reason, 0) + count
        room = max(0, KEEP_POINTS - len(self.points))
        return Tally(self.drawn + other.drawn, self.flown + other.flown, infeasible, self.warned + other.warned,
                     self.overflown + other.overflown, self.impact + other.impact,
                     tuple(a.merge(b) for a, b in zip(self.lead, other.lead)), self.any_alert + other.any_alert,
                     self.japan + other.japan, self.eez + other.eez, self.moments.merge(other.moments),
                     self.flight.merge(other.flight), np.concatenate([self.points, other.points[:room]]))


def infeasible_reason(error: str) -> str:
    """An error message without the value that caused it: samples that fail alike count together."""
    return _GOT.sub("", error)


def tally(table: ScenarioTable) -> Tally:
    """The :class:`Tally` of a solved block."""
    ok = table["ok"]
    n_pref = table.warned.shape[1]
    infeasible: dict[str, int] = {}
    for error in table.error:
        if error is not None:
            reason = infeasible_reason(error)
            infeasible[reason] = infeasible.get(reason, 0) + 1
    pairs = table.pairs
    pref = pairs["prefecture"].astype(np.int64)
    over = np.isfinite(pairs["overflight_start_s"])
    codes = {code: k for k, code in enumerate(table.prefecture_codes)}
    fell = np.array([codes[c] for c in table["impact_prefecture"][ok] if c is not None], dtype=np.int64)
    lead = tuple(Counts.of(pairs["lead_time_s"][pref == j]) if (pref == j).any() else EMPTY_COUNTS
                 for j in range(n_pref))
    eez = np.array([np.count_nonzero(table["impact_eez_status"][ok] == s) for s in EEZ_STATUSES], np.int64)
    lat, lon = table["impact_lat"][ok], table["impact_lon"][ok]
    return Tally(
        drawn=len(table), flown=int(ok.sum()), infeasible=infeasible,
        warned=np.count_nonzero(table.warned, axis=0).astype(np.int64),
        overflown=np.bincount(pref[over], minlength=n_pref).astype(np.int64),
        impact=np.bincount(fell, minlength=n_pref).astype(np.int64), lead=lead,
        any_alert=int(table["alert_issued"].sum()),
        japan=int((table["impact_on_land"] | table["impact_in_territorial_sea"]).sum()), eez=eez,
        moments=Moments.of(ecef_unit(lat, lon)), flight=Counts.of(table["flight_time_s"][ok]),
        points=np.column_stack([lat, lon])[:KEEP_POINTS])


def solve_block(base: Scenario, spreads: Spreads, seed: int, block: int, size: int) -> Tally:
    """Draw, solve and tally block ``block`` (``size`` samples) of an ensemble."""
    return tally(solve_table(block_scenarios(base, draw_block(base, spreads, seed, block, size)), detail=False))


def merge(tallies) -> Tally:
    """The tallies of consecutive blocks, merged in their order."""
    return reduce(Tally.merge, tallies)


@dataclass(frozen=True)
class PrefectureOdds:
    """One prefecture across the ensemble: P(warned), P(its footprint is overflown), P(the
    impact falls in its footprint), and the lead time of its warnings (seconds from the alert to
    the missile's arrival, :class:`~jalert_sim.alerting.model.PrefectureAlert`), 5th, 50th and
    95th percentiles over the samples that warn it."""

    code: str
    name: str
    name_ja: str
    warned: Proportion
    overflown: Proportion
    impact: Proportion
    lead_time_p5_s: float
    lead_time_p50_s: float
    lead_time_p95_s: float


@dataclass(frozen=True)
class FallArea:
    """Where the samples fall: the centre (the mean impact point) and how reports would word it,
    the 1σ ellipse (:class:`~.stats.Ellipse`; the 2σ one is twice its size) and the flight time's
    5th, 50th and 95th percentiles, seconds."""

    centre_lat: float
    centre_lon: float
    description: str
    description_ja: str
    ellipse: Ellipse | None
    flight_time_p5_s: float
    flight_time_p50_s: float
    flight_time_p95_s: float


@dataclass(frozen=True)
class EnsembleSummary:
    """An ensemble's answer: the base scenario and spreads, how many samples flew and why the
    others could not, P(any alert), P(the impact is on Japanese land or in its territorial sea),
    P(inside / uncertain / outside the EEZ), the prefectures with any chance of an alert (most
    likely first), and the fall area. ``impact_points``: the first impact points (lat, lon)."""

    base: Scenario
    spreads: Spreads
    seed: int
    samples: int
    flown: int
    infeasible: dict[str, int]
    any_alert: Proportion
    japan: Proportion
    eez: dict[str, Proportion]
    prefectures: tuple[PrefectureOdds, ...]
    fall_area: FallArea | None
    impact_points: np.ndarray = field(repr=False)


def summarise(total: Tally, base: Scenario, spreads: Spreads, seed: int) -> EnsembleSummary:
    """The :class:`EnsembleSummary` of an ensemble's merged tally."""
    n = total.flown
    prefs = geo.prefectures()
    odds = []
    for j in np.nonzero(total.warned)[0].tolist():
        lead = total.lead[j]
        p = prefs[j]
        odds.append(PrefectureOdds(p.code, p.name, p.name_ja, proportion(total.warned[j], n),
                                   proportion(total.overflown[j], n), proportion(total.impact[j], n),
                                   lead.quantile(0.05), lead.quantile(0.5), lead.quantile(0.95)))
    odds.sort(key=lambda o: (-o.warned.count, o.code))
    return EnsembleSummary(
        base=base, spreads=spreads, seed=seed, samples=total.drawn, flown=n,
        infeasible=dict(sorted(total.infeasible.items(), key=lambda kv: (-kv[1], kv[0]))),
        any_alert=proportion(total.any_alert, n), japan=proportion(total.japan, n),
        eez={s: proportion(total.eez[k], n) for k, s in reversed(list(enumerate(EEZ_STATUSES)))},
        prefectures=tuple(odds), fall_area=_fall_area(total), impact_points=total.points)


def _fall_area(total: Tally) -> FallArea | None:
    if total.flown == 0:
        return None
    ell = ellipse(total.moments)
    if ell is None:  # one sample: its impact point
        lat, lon = (float(v) for v in total.points[0])
    else:
        lat, lon = ell.centre_lat, ell.centre_lon
    where = describe_point(lat, lon)
    f = total.flight
    return FallArea(lat, lon, where.text_en, where.text_ja, ell, f.quantile(0.05), f.quantile(0.5),
                    f.quantile(0.95))


def sample_tracks(summary: EnsembleSummary, count: int = 40) -> list:
    """The tracks (:class:`~.result.Track`) of the ensemble's first ``count`` samples that fly
    (the same samples as its first block's), for maps."""
    from .sampling import BLOCK_SIZE

    b = summary.base
    table = solve_table(block_scenarios(b, draw_block(b, summary.spreads, summary.seed, 0, min(count, BLOCK_SIZE))))
    return [t for t in (table.track(k) for k in range(len(table))) if t is not None]


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else value


#: The version of the ensemble's JSON document (``jalert_sim/schemas/ensemble.schema.json``).
ENSEMBLE_SCHEMA_VERSION = "1.0"


def _p(p: Proportion) -> dict:
    return {"count": p.count, "of": p.total, "p": _finite(p.p), "ci95": [_finite(p.lo), _finite(p.hi)]}


def ensemble_document(s: EnsembleSummary) -> dict:
    """The JSON document of ``jalert-sim ensemble --format json`` (schema
    ``jalert_sim/schemas/ensemble.schema.json``): probabilities with their 95 % Wilson interval,
    times in seconds after launch, distances in km, angles in degrees."""
    from .. import __version__

    b = s.base
    fall = s.fall_area
    doc_fall = None
    if fall is not None:
        e = fall.ellipse
        doc_fall = {
            "centre": {"lat": fall.centre_lat, "lon": fall.centre_lon, "description": fall.description,
                       "description_ja": fall.description_ja},
            "ellipse": None if e is None else {
                "sigma1": {"semi_major_km": e.semi_major_km, "semi_minor_km": e.semi_minor_km},
                "sigma2": {"semi_major_km": 2 * e.semi_major_km, "semi_minor_km": 2 * e.semi_minor_km},
                "orientation_deg": e.orientation_deg, "covariance_en_km2": [list(r) for r in e.cov_en_km2]},
            "flight_time_s": {"p5": fall.flight_time_p5_s, "p50": fall.flight_time_p50_s,
                              "p95": fall.flight_time_p95_s},
        }
    return {
        "schema_version": ENSEMBLE_SCHEMA_VERSION,
        "generator": f"jalert-sim {__version__}",
        "base": {"launch": {"lat": b.lat, "lon": b.lon, "site": b.site.key if b.site else None},
                 "azimuth_deg": b.azimuth_deg, "apogee_km": b.apogee_km, "range_km": b.range_km,
                 "launch_time": b.launch_time.isoformat(), "model": {**b.model.to_dict(), "burn_time_s": b.boost.burn_time_s,
                                                                   "burnout_altitude_km": b.boost.burnout_altitude_km}},
        "spreads": s.spreads.to_dict(),
        "seed": s.seed,
        "samples": s.samples,
        "flown": s.flown,
        "infeasible": [{"reason": r, "count": c} for r, c in s.infeasible.items()],
        "any_alert": _p(s.any_alert),
        "japan_land_or_territorial_sea": _p(s.japan),
        "eez": {status: _p(p) for status, p in s.eez.items()},
        "prefectures": [{"code": o.code, "name": o.name, "name_ja": o.name_ja, "warned": _p(o.warned),
                         "overflown": _p(o.overflown), "impact": _p(o.impact),
                         "lead_time_s": {"p5": _finite(o.lead_time_p5_s), "p50": _finite(o.lead_time_p50_s),
                                         "p95": _finite(o.lead_time_p95_s)}} for o in s.prefectures],
        "fall_area": doc_fall,
    }
