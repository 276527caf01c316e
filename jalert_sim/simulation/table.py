"""Many scenarios as one table of columns: what ``simulate_many(..., table=True)`` returns and
what a CSV or Parquet batch is written from.

One row per scenario, in input order, a failed one included (``ok`` False, ``error`` its
message, every figure NaN / -1 / None). Per scenario: the inputs, the trajectory, the impact,
the alert summary (:data:`SCENARIO_COLUMNS`); per (scenario, prefecture): the reason code matrix
:attr:`ScenarioTable.warned` (n, 47) and, where a prefecture is warned, its times and distances
(:meth:`ScenarioTable.prefecture_values`). Times are seconds after each scenario's launch,
angles degrees (WGS84), distances km. :class:`SimulationResult` objects are made from the
columns only when asked for (:meth:`ScenarioTable.result`); their JSON documents can be had
without them (:meth:`ScenarioTable.documents`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np

from .. import geo
from ..alerting.columns import AlertColumns, assessments
from ..alerting.impacts import EEZ_STATUSES
from ..alerting.model import REASONS, AlertModel
from ..errors import JalertError
from ..physics.trajectories import BoostModel, Trajectories
from .documents import group_documents
from .result import LazyTrack, SimulationResult

#: The trajectory's columns, as :meth:`Trajectories.summaries` names them.
TRAJECTORY_COLUMNS = ("azimuth_deg", "apogee_km", "range_km", "flight_time_s", "apogee_time_s", "apogee_lat",
                      "apogee_lon", "burnout_time_s", "burnout_altitude_km", "impact_lat", "impact_lon",
                      "max_speed_km_s")
#: The per-(scenario, prefecture) values of :meth:`ScenarioTable.prefecture_values`.
PREFECTURE_VALUES = ("overflight_start_s", "overflight_end_s", "min_altitude_km", "closest_approach_s",
                     "closest_distance_km", "lead_time_s")
#: Per-scenario columns (besides ``error``), in order: name -> what it holds.
SCENARIO_COLUMNS: dict[str, str] = {
    "ok": "the scenario was simulated (else see error)",
    "launch_lat": "launch latitude, degrees", "launch_lon": "launch longitude, degrees",
    "site": "launch site key, or None for coordinates",
    "requested_apogee_km": "apogee asked for, km", "requested_range_km": "range asked for, km (NaN: minimum energy)",
    **{name: f"trajectory: {name}" for name in TRAJECTORY_COLUMNS},
    "minimum_energy": "a minimum-energy trajectory",
    "latency_s": "model: s from launch to the first alert", "corridor_km": "model: corridor half-width, km",
    "impact_radius_km": "model: impact radius, km", "report_delay_s": "model: delay of the last report, s",
    "impact_prefecture": "JIS code of the footprint of the impact in the territorial sea, or None",
    "impact_on_land": "the impact is on Japanese land", "impact_in_territorial_sea": "... or within 12 nm of it",
    "impact_eez_status": "inside / outside / uncertain", "impact_sea": "sea of the impact (English)",
    "impact_country": "country whose land it falls on (English)", "impact_description": "where it falls, English",
    "impact_description_ja": "where it falls, Japanese", "impact_distance_km": "from the landmark, km",
    "alert_count": "warned prefectures", "alert_issued": "alert_count > 0",
    "alert_time_s": "the first alert, s after launch (NaN: none)",
    "overflight_start_s": "first entry over a footprint, s (NaN: none)",
    "overflight_end_s": "last exit from a footprint, s (NaN: none)",
    "min_lead_time_s": "least lead time of the warned prefectures, s (NaN: none)",
}


class Scenario(NamedTuple):
    """One scenario as simulate_many prepared it (inputs checked; degrees, km, aware time)."""

    lat: float
    lon: float
    site: Any  # geo.Place or None
    azimuth_deg: float
    apogee_km: float
    range_km: float | None
    launch_time: datetime
    model: AlertModel
    boost: BoostModel


class Group(NamedTuple):
    """Scenarios solved together (one model): their rows in the table, trajectories and alerts."""

    rows: np.ndarray
    trajs: Trajectories
    alerts: AlertColumns


@dataclass(frozen=True, eq=False)
class ScenarioTable:
    """The columns of many scenarios (see the module's docstring); ``table["impact_lat"]`` is a
    numpy array of one value per scenario, ``table.names`` lists the columns."""

    columns: dict[str, np.ndarray]
    error: list[str | None]
    warned: np.ndarray  # (n, 47) int8 reason codes of REASONS, 0: not warned
    pairs: dict[str, np.ndarray]  # per warned pair, sorted by scenario then prefecture: "row", "prefecture", ...
    launch_time: list[datetime | None]
    _scenarios: list[Scenario | JalertError]
    _groups: list[Group]

    def __len__(self) -> int:
        return len(self.error)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.columns)

    @property
    def prefecture_codes(self) -> tuple[str, ...]:
        """JIS codes of the warned matrix's 47 columns ("01" Hokkaido ... "47" Okinawa)."""
        return tuple(p.code for p in geo.prefectures())

    @property
    def reasons(self) -> tuple[str | None, ...]:
        """The words of the warned matrix's codes: (None, "impact", "overflight", "corridor")."""
        return tuple(None if r is None else r.value for r in REASONS)

    def prefecture_values(self, name: str) -> np.ndarray:
        """(n, 47) float matrix of one of :data:`PREFECTURE_VALUES` for each warned (scenario,
        prefecture), NaN elsewhere (and where it does not apply: overflight times of a corridor)."""
        if name not in PREFECTURE_VALUES:
            from ..errors import InputError

            raise InputError("name", f"expected one of {', '.join(PREFECTURE_VALUES)}, got {name!r}")
        out = np.full(self.warned.shape, np.nan)
        out[self.pairs["row"], self.pairs["prefecture"]] = self.pairs[name]
        return out

    def result(self, k: int) -> SimulationResult | JalertError:
        """Scenario ``k`` as simulate() gives it (its error, if it failed)."""
        return self.results([k])[0]

    def results(self, rows=None) -> list[SimulationResult | JalertError]:
        """Every scenario (or those of ``rows``, in that order) as simulate() gives it."""
        want = range(len(self)) if rows is None else [int(k) for k in rows]
        out: dict[int, SimulationResult] = {}
        wanted = np.zeros(len(self), bool)
        wanted[list(want)] = True
        for g in self._groups:
            js = np.nonzero(wanted[g.rows])[0]
            if len(js):
                out.update(zip(g.rows[js].tolist(), _results(g, js, self._scenarios)))
        return [out.get(k) or self._scenarios[k] for k in want]

    def documents(self, *, track: bool = True) -> list[dict[str, Any] | JalertError]:
        """``result(k).to_dict(track=track)`` of every scenario k, in order (its JalertError where
        it failed), assembled from the columns without making the results (simulation.documents).
        ``track`` False leaves out the sampled track, as a JSONL batch does without ``--track``."""
        out: list[Any] = [None] * len(self)
        for k, doc, _ in self.iter_documents(track=track):
            out[k] = doc
        return out

    def iter_documents(self, *, track: bool = True) -> Iterator[tuple[int, Any, bool]]:
        """(k, :meth:`documents`\\ [k], plain) for every scenario k, in no set order: a writer that
        serialises each as it comes keeps few documents alive. ``plain``: the document is known to
        hold only *plain* floats, finite, and 0 or 1e-4 <= |x| < 1e16, which repr writes without an
        exponent: JSON writers that differ only in how they write other floats write it alike
        (batch.records relies on it); False where unsure (errors, documents made by results())."""
        done = [isinstance(s, JalertError) for s in self._scenarios]
        for k, s in enumerate(self._scenarios):
            if done[k]:
                yield k, s, False
        for g in self._groups:
            for k, doc, flag in group_documents(g, self._scenarios, track):
                if doc is not None:
                    done[k] = True
                    yield k, doc, flag
        rest = [k for k, ok in enumerate(done) if not ok]
        for k, result in zip(rest, self.results(rest)):
            yield k, result.to_dict(track=track), False

    def track(self, k: int, step_s: float | None = None):
        """Scenario ``k``'s track (:class:`~.result.Track`: t_s, lat, lon, alt_km) sampled every
        ``step_s`` (default TRACK_STEP_S), without making its SimulationResult; None if it failed."""
        from .result import TRACK_STEP_S

        for g in self._groups:
            pos = np.flatnonzero(g.rows == k)
            if len(pos):
                return g.trajs.track(int(pos[0]), TRACK_STEP_S if step_s is None else step_s)
        return None

    def to_arrow(self):
        """A pyarrow.Table: the per-scenario columns, ``error``, and the warned prefectures as
        lists of JIS codes and of reasons (``warned_codes``, ``warned_reasons``). Needs pyarrow
        (``pip install 'jalert-sim[parquet]'``)."""
        return self.to_arrow_with({})

    def to_arrow_with(self, prefix: dict[str, Any]):
        """:meth:`to_arrow` after the ``prefix`` columns (name -> pyarrow array of len(self))."""
        from .arrow import scenario_table

        return scenario_table(self, prefix)

    def to_pandas(self):
        """A pandas.DataFrame of the per-scenario columns and ``error`` (pandas must be installed)."""
        import pandas as pd

        data = {name: self.columns[name] for name in self.columns}
        data["error"] = self.error
        return pd.DataFrame(data)


def _results(g: Group, js: np.ndarray, scenarios: list) -> list[SimulationResult]:
    """The SimulationResults of group ``g``'s trajectories ``js``."""
    sub = g.trajs.select(js) if len(js) < len(g.trajs) else g.trajs
    rows = g.rows[js].tolist()
    ps = [scenarios[r] for r in rows]
    alerts = g.alerts if len(js) == len(g.trajs) else _take_alerts(g.alerts, js)
    prefs = geo.prefectures()
    done = assessments(alerts, sub.launch_lat, sub.launch_lon, [p.launch_time for p in ps], prefs)
    summaries = sub.summaries()
    azimuths = sub.azimuth_deg.tolist()
    # Each result is handed its attribute dict, as its quick_init constructor does, without a call
    # per row (performance; SimulationResult has no __post_init__).
    new, put = object.__new__, object.__setattr__
    out = []
    for j, p in enumerate(ps):
        put(r := new(SimulationResult), "__dict__", {
            "launch_lat": p.lat, "launch_lon": p.lon, "site": p.site, "azimuth_deg": azimuths[j],
            "apogee_km": p.apogee_km, "range_km": p.range_km, "launch_time": p.launch_time, "model": p.model,
            "boost": p.boost, "trajectory": summaries[j], "assessment": done[j], "track": LazyTrack(sub, j)})
        out.append(r)
    return out


def _take_alerts(cols: AlertColumns, js: np.ndarray) -> AlertColumns:
    """The AlertColumns of trajectories ``js`` only (renumbered 0..len(js)-1)."""
    counts = np.diff(cols.starts)[js]
    pick = np.concatenate([np.arange(cols.starts[j], cols.starts[j + 1]) for j in js.tolist()] or [np.zeros(0, int)])
    pair = [getattr(cols, f)[pick] for f in AlertColumns._fields[:9]]
    pair[0] = np.repeat(np.arange(len(js)), counts)
    imp = cols.impact
    impact = type(imp)(*(v[js] if isinstance(v, np.ndarray) else [v[j] for j in js.tolist()] for v in imp))
    return AlertColumns(*pair, np.concatenate([[0], np.cumsum(counts)]), cols.first_entry_s[js], cols.last_exit_s[js],
                        impact, cols.model)


def build_table(scenarios: list[Scenario | JalertError], groups: list[Group]) -> ScenarioTable:
    """The table of ``scenarios`` (a JalertError where one failed), from its solved ``groups``."""
    n = len(scenarios)
    error = [str(s) if isinstance(s, JalertError) else None for s in scenarios]
    good = [s if isinstance(s, Scenario) else None for s in scenarios]
    col = {name: np.full(n, np.nan) for name in SCENARIO_COLUMNS}
    for name, dtype, fill in _TYPED:
        col[name] = np.full(n, fill, dtype=dtype)
    _inputs(col, good)
    prefs = geo.prefectures()
    warned = np.zeros((n, len(prefs)), np.int8)
    pair_parts: list[dict[str, np.ndarray]] = []
    for g in groups:
        _group_columns(col, g, prefs)
        a = g.alerts
        rows = g.rows[a.row]
        warned[rows, a.pref] = a.reason
        pair_parts.append({"row": rows, "prefecture": a.pref, "reason": a.reason,
                           **{name: getattr(a, name) for name in PREFECTURE_VALUES}})
    empty = {"row": np.zeros(0, np.int64), "prefecture": np.zeros(0, np.int64), "reason": np.zeros(0, np.int8)}
    pairs = {k: np.concatenate([p[k] for p in pair_parts]) if pair_parts else empty.get(k, np.zeros(0)) for k in
             ("row", "prefecture", "reason", *PREFECTURE_VALUES)}
    order = np.lexsort((pairs["prefecture"], pairs["row"])) if pair_parts else np.zeros(0, int)
    pairs = {k: v[order] for k, v in pairs.items()}
    return ScenarioTable(col, error, warned, pairs, [s.launch_time if s else None for s in good], scenarios, groups)


#: The columns that are not float, with their dtype and the value of a failed row.
_TYPED = (("ok", bool, False), ("site", object, None), ("minimum_energy", bool, False),
          ("impact_prefecture", object, None), ("impact_on_land", bool, False),
          ("impact_in_territorial_sea", bool, False), ("impact_eez_status", object, None),
          ("impact_sea", object, None), ("impact_country", object, None), ("impact_description", object, None),
          ("impact_description_ja", object, None), ("alert_count", np.int16, 0), ("alert_issued", bool, False))


def _inputs(col: dict[str, np.ndarray], good: list[Scenario | None]) -> None:
    at = [k for k, s in enumerate(good) if s is not None]
    if not at:
        return
    ps = [good[k] for k in at]
    col["launch_lat"][at] = [p.lat for p in ps]
    col["launch_lon"][at] = [p.lon for p in ps]
    col["site"][at] = [p.site.key if p.site else None for p in ps]
    col["requested_apogee_km"][at] = [p.apogee_km for p in ps]
    col["requested_range_km"][at] = [np.nan if p.range_km is None else p.range_km for p in ps]
    for name in ("latency_s", "corridor_km", "impact_radius_km", "report_delay_s"):
        col[name][at] = [getattr(p.model, name) for p in ps]


def _group_columns(col: dict[str, np.ndarray], g: Group, prefs) -> None:
    """Scatter group ``g``'s trajectory, impact and alert columns into the table's rows."""
    r, t, a, imp = g.rows, g.trajs, g.alerts, g.alerts.impact
    col["ok"][r] = True
    for name in TRAJECTORY_COLUMNS:
        col[name][r] = getattr(t, name)
    col["minimum_energy"][r] = t.minimum_energy
    codes = np.array([None] + [p.code for p in prefs], dtype=object)
    col["impact_prefecture"][r] = codes[imp.prefecture + 1]
    col["impact_on_land"][r] = imp.on_land
    col["impact_in_territorial_sea"][r] = imp.in_territorial_sea
    col["impact_eez_status"][r] = np.array(EEZ_STATUSES, dtype=object)[imp.eez]
    col["impact_sea"][r] = [s.name if s else None for s in imp.sea]
    col["impact_country"][r] = [c.name if c else None for c in imp.country]
    col["impact_description"][r] = imp.description
    col["impact_description_ja"][r] = imp.description_ja
    col["impact_distance_km"][r] = imp.distance_km
    count = a.alert_count
    col["alert_count"][r] = count
    col["alert_issued"][r] = count > 0
    col["alert_time_s"][r] = np.where(count > 0, a.model.latency_s, np.nan)
    col["overflight_start_s"][r] = a.first_entry_s
    col["overflight_end_s"][r] = a.last_exit_s
    least = np.full(len(r), np.inf)
    np.minimum.at(least, a.row, a.lead_time_s)
    col["min_lead_time_s"][r] = np.where(count > 0, least, np.nan)
