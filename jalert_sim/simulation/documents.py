"""The JSON documents of a table's scenarios (``SimulationResult.to_dict()``), assembled from the
table's columns (:meth:`ScenarioTable.documents <.table.ScenarioTable.documents>`): what a batch
writes as JSONL.

:meth:`ScenarioTable.results` makes a :class:`SimulationResult` per scenario, with its alert,
impact and message records, and ``to_dict`` then walks them; for a batch that writes every
document at once this was as much CPU as solving the scenarios (issue 15). Here each group's
columns are turned into Python values once (``tolist``, the prefectures' names, the impact's
fields), and each document is built from them directly: the same keys in the same order, the
same values, the same ISO texts (written a column at a time by :func:`~jalert_sim.clock.iso_texts`,
as :func:`~jalert_sim.clock.iso_seconds` writes them) and the same messages
(:func:`~jalert_sim.alerting.compose.sequence`, which ``compose`` itself calls). A launch time
without a fixed UTC offset (a zone with daylight saving), or a time it cannot vouch for, takes
``results()`` and ``to_dict``.
tests/test_jsonl_columns.py compares the two ways byte for byte.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import geo
from ..alerting.columns import AlertColumns, impact_values, none_for_nan, pair_values
from ..alerting.compose import sequence
from ..alerting.impacts import EEZ_STATUSES, ImpactColumns
from ..alerting.model import IMPACT, IN_EEZ, REASONS, Launch
from ..clock import fixed_offset, iso_seconds, iso_texts, jst_microseconds
from .result import GENERATOR, SCHEMA_VERSION, TRACK_STEP_S, track_document


def group_documents(g, scenarios: list, track: bool):
    """(row, document or None where the columns' route does not apply, whether its floats are plain)
    for the scenarios of ``g``, a :class:`~.table.Group` of the table whose scenarios are
    ``scenarios``; see :meth:`~.table.ScenarioTable.iter_documents`."""
    prefs = geo.prefectures()
    cols, trajs = g.alerts, g.trajs
    model = cols.model
    rows = g.rows.tolist()
    whens = [scenarios[k].launch_time for k in rows]
    reports = np.asarray(cols.impact.time_s, float) + model.report_delay_s  # (the fall message's time)
    passes = _passed_s(cols)
    sure, texts = _times(cols, trajs, whens, reports, passes)
    impacts, falls, shelters = _impact_docs(cols.impact, prefs, texts["impact"])
    alerts, warned = _alert_docs(cols, prefs, texts)
    starts = cols.starts.tolist()
    first, last = none_for_nan(cols.first_entry_s.tolist()), none_for_nan(cols.last_exit_s.tolist())
    summaries = trajs.summaries()
    azimuths, lats, lons = trajs.azimuth_deg.tolist(), trajs.launch_lat.tolist(), trajs.launch_lon.tolist()
    flags = _plain_rows(cols, trajs, [scenarios[k] for k in rows], reports, passes)
    latency_s, reports, passes = model.latency_s, reports.tolist(), passes.tolist()
    settings: dict[int, dict[str, Any]] = {}  # model.to_dict() by id of the scenario's model
    apogee_at, impact_at, first_at, last_at = texts["apogee"], texts["flight"], texts["first"], texts["last"]
    latency_at, report_at, passed_at = texts["latency"], texts["report"], texts["passed"]
    for j, k in enumerate(rows):
        if not sure[j]:
            yield k, None, False
            continue
        p, when = scenarios[k], whens[j]
        tr = summaries[j]
        del tr["ok"], tr["error"]
        site = p.site
        mine = settings.get(id(p.model))
        if mine is None:
            mine = settings[id(p.model)] = p.model.to_dict()
        doc_input = {
            "launch": {"lat": p.lat, "lon": p.lon, "site": site.key if site else None,
                       "name": site.name if site else None, "name_ja": site.name_ja if site else None},
            "azimuth_deg": azimuths[j], "apogee_km": p.apogee_km, "range_km": p.range_km,
            "launch_time": when.isoformat(), "model": {**mine, **p.boost.in_force(tr)}}
        tr["apogee_time"] = apogee_at[j]
        tr["impact_time"] = impact_at[j]
        impact = impacts[j]
        lo, hi = starts[j], starts[j + 1]
        msgs, (summary_ja, summary_en) = sequence(warned[lo:hi], falls[j], impact["time_s"], shelters[j],
                                                  Launch(lats[j], lons[j], when), model, prefs)
        known = {latency_s: latency_at[j], reports[j]: report_at[j], passes[j]: passed_at[j]}
        doc = {
            "schema_version": SCHEMA_VERSION, "generator": GENERATOR, "input": doc_input, "trajectory": tr,
            "impact": impact, "alert_issued": hi > lo, "summary_en": summary_en, "summary_ja": summary_ja,
            "overflight": {"start": first_at[j], "end": last_at[j], "start_s": first[j], "end_s": last[j]},
            "alerts": alerts[lo:hi],
        }
        try:  # (the messages go out at those times: latency, fall report, "passed")
            doc["messages"], plain = _messages(msgs, known.__getitem__), flags[j] and not track
        except KeyError:  # (a time not written with the others: none is, by construction)
            doc["messages"], plain = _messages(msgs, iso_seconds(when)), False
        if track:
            doc["track"] = track_document(trajs.track(j, TRACK_STEP_S))
        yield k, doc, plain


def _messages(msgs: list[tuple], iso) -> list[dict[str, Any]]:
    """The ``messages`` block of compose.sequence's messages, ``iso`` writing their times."""
    return [{"time": iso(t), "time_s": t, "kind": kind, "prefectures": list(codes), "text_ja": ja, "text_en": en}
            for t, kind, codes, ja, en in msgs]


def _plain(x, none: Any = None) -> np.ndarray:
    """Elementwise: ``x`` is a plain float (see :meth:`.table.ScenarioTable.iter_documents`), or one
    the document writes as None (``none``: np.isnan where NaN is None, ~np.isfinite where any
    non-finite is)."""
    x = np.asarray(x, dtype=float)
    a = np.abs(x)
    out = (a == 0) | ((a >= 1e-4) & (a < 1e16))
    return out if none is None else out | none(x)


def _plain_rows(cols: AlertColumns, trajs, ps: list, reports: np.ndarray, passes: np.ndarray) -> list[bool]:
    """Per trajectory, whether every float its document writes is plain (the input, the model,
    the trajectory, the impact, the overflight, the alerts and the messages' times: ``reports``
    and ``passes``, those of the fall and "passed" messages). Every float field of the document
    must be here."""
    ok = np.ones(len(ps), bool)
    for name in ("launch_lat", "launch_lon", "azimuth_deg", "apogee_km", "range_km", "flight_time_s",
                 "apogee_time_s", "apogee_lat", "apogee_lon", "burnout_time_s", "burnout_altitude_km",
                 "impact_lat", "impact_lon", "max_speed_km_s"):  # (Trajectories.summaries: non-finite is None)
        ok &= _plain(getattr(trajs, name), lambda x: ~np.isfinite(x))
    ok &= _plain([p.lat for p in ps]) & _plain([p.lon for p in ps]) & _plain([p.apogee_km for p in ps])
    ok &= _plain([np.nan if p.range_km is None else p.range_km for p in ps], np.isnan)
    imp = cols.impact
    for x in (imp.lat, imp.lon, imp.time_s, imp.distance_km, reports):
        ok &= _plain(x)  # (the launch message's time is the model's latency)
    ok &= _plain(passes, np.isnan)
    ok &= _plain(cols.first_entry_s, np.isnan) & _plain(cols.last_exit_s, np.isnan)
    pair = _plain(cols.closest_distance_km) & _plain(cols.lead_time_s)
    for x in (cols.overflight_start_s, cols.overflight_end_s, cols.min_altitude_km):
        pair &= _plain(x, np.isnan)
    ok[cols.row[~pair]] = False
    model = [v for v in cols.model.to_dict().values() if isinstance(v, float)]
    return (ok & bool(_plain(model).all())).tolist()


#: Launches between 1000-01-01 and 9000-01-01 on JST's clock (s since 1970): their times, within
#: 10^8 s, are days of datetime's years, which :func:`~jalert_sim.clock.iso_texts` assumes.
_JST_SPAN_S = (-30610224000, 221845392000)


def _times(cols: AlertColumns, trajs, whens: list, reports: np.ndarray,
           passes: np.ndarray) -> tuple[list[bool], dict[str, list]]:
    """(per trajectory, whether its times may be written a column at a time; the ISO texts of the
    times the documents write, by name: per trajectory "apogee", "flight", "impact", "first",
    "last", "latency", "report" (the fall message, at ``reports``), "passed" (at ``passes``), per
    warned pair "start", "end", "closest").

    A column at a time: launches with a fixed UTC offset within :data:`_JST_SPAN_S`, times finite
    within 10^8 s (or NaN where the document writes None); the other trajectories take results()."""
    n = len(whens)
    fixed = [fixed_offset(w) for w in whens]
    jst_s = np.array([jst_microseconds(w) // 1_000_000 if f else 0 for w, f in zip(whens, fixed)], np.int64)
    impact_s = np.asarray(cols.impact.time_s, float)
    model = cols.model
    per_row = {"apogee": trajs.apogee_time_s, "flight": trajs.flight_time_s, "impact": impact_s,
               "first": cols.first_entry_s, "last": cols.last_exit_s, "latency": np.full(n, float(model.latency_s)),
               "report": reports, "passed": passes}
    per_pair = {"start": cols.overflight_start_s, "end": cols.overflight_end_s, "closest": cols.closest_approach_s}
    sure = np.array(fixed) & (_JST_SPAN_S[0] < jst_s) & (jst_s < _JST_SPAN_S[1])
    for name, s in (*per_row.items(), *per_pair.items()):
        # NaN is None in the document but for these times, which iso_seconds refuses (results() raises)
        bad = ~(np.abs(s) < 1e8) if name in ("impact", "latency", "report", "closest") else np.abs(s) >= 1e8
        sure[cols.row[bad] if name in per_pair else bad] = False
    texts = {name: iso_texts(jst_s, s) for name, s in per_row.items()}
    texts.update({name: iso_texts(jst_s[cols.row], s) for name, s in per_pair.items()})
    return sure.tolist(), texts


def _passed_s(cols: AlertColumns) -> np.ndarray:
    """Per trajectory, when the "passed" message would go out (compose.sequence: ``report_delay_s``
    after the last exit of the overflown warned prefectures, not before the first message), NaN if
    none is overflown: its ISO text is written with the others (a time the message does not have
    is only not used)."""
    model = cols.model
    last = np.full(len(cols.starts) - 1, -np.inf)
    over = ~np.isnan(cols.overflight_start_s)
    np.maximum.at(last, cols.row[over], cols.overflight_end_s[over])
    return np.where(np.isneginf(last), np.nan, np.maximum(last, model.latency_s) + model.report_delay_s)


def _alert_docs(cols: AlertColumns, prefs, texts: dict[str, list]) -> tuple[list[dict[str, Any]], list[tuple]]:
    """Per warned pair of ``cols``: its ``alerts`` entry (``texts``: :func:`_times`) and its
    :data:`~jalert_sim.alerting.compose.Warned`."""
    ids = [(p.code, p.name, p.name_ja, p.region, p.region_ja) for p in prefs]
    words = [None if r is None else r._value_ for r in REASONS]
    alert_time = texts["latency"]
    docs, warned = [], []
    for i, (j, r, s, e, a, cs, ck, lead), s_text, e_text, cs_text in zip(
            cols.row.tolist(), pair_values(cols), texts["start"], texts["end"], texts["closest"]):
        code, name, name_ja, region, region_ja = ids[j]
        docs.append({
            "code": code, "name": name, "name_ja": name_ja, "region": region, "region_ja": region_ja,
            "reason": words[r], "alert_time": alert_time[i], "overflight_start": s_text, "overflight_end": e_text,
            "overflight_start_s": s, "overflight_end_s": e, "min_altitude_km": a, "closest_approach": cs_text,
            "closest_distance_km": ck, "lead_time_s": lead})
        warned.append((code, name_ja, name, r == IMPACT, s, e))
    return docs, warned


def _impact_docs(imp: ImpactColumns, prefs, times: list) -> tuple[list[dict[str, Any]], list[tuple], list]:
    """Per impact point: its ``impact`` block (``times``: the ISO text of its time), its fall as
    :func:`~jalert_sim.alerting.compose.sequence` reads it, and the prefecture to shelter (or None)."""
    codes = [p.code for p in prefs] + [None]  # (index -1: none)
    docs, falls, shelters = [], [], []
    for (lat, lon, t, dist, land, sea_12nm, k, eez, sea, country, mark, direction, en, ja), when in zip(
            impact_values(imp), times):
        status = EEZ_STATUSES[eez]
        sea_en, sea_ja = (sea.name, sea.name_ja) if sea else (None, None)
        land_en, land_ja = (country.name, country.name_ja) if country else (None, None)
        docs.append({
            "lat": lat, "lon": lon, "time": when, "time_s": t, "description": en, "description_ja": ja,
            "landmark": mark.name, "distance_km": dist, "direction": direction, "prefecture": codes[k],
            "on_land": land, "sea": sea_en, "sea_ja": sea_ja, "country": land_en, "country_ja": land_ja,
            "in_territorial_sea": sea_12nm, "in_eez": IN_EEZ.get(status), "eez_status": status})
        falls.append((ja, en, sea_ja, sea_en, land_ja, land_en, status))
        shelters.append(codes[k] if sea_12nm else None)
    return docs, falls, shelters
