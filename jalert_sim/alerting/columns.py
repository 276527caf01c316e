"""The alert engine's answer for a batch, as columns (:class:`AlertColumns`), and the records of
:mod:`.model` (alerts, impact, messages) made from them for the scenarios someone asks about.

A batch written as CSV or Parquet needs only the columns; ``run``, JSONL and ``simulate()``
ask for the records (:func:`assessments`), which carry the same numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import numpy as np

from .compose import compose
from .impacts import EEZ_STATUSES, ImpactColumns
from .model import REASONS, AlertModel, Assessment, Impact, Launch, PrefectureAlert


class AlertColumns(NamedTuple):
    """Who is warned, when and why, for n trajectories assessed with one :class:`AlertModel`.

    The warned (trajectory, prefecture) pairs, sorted by trajectory then prefecture (``pref``: an
    index into geo.prefectures()), with ``starts`` (n + 1) the first pair of each trajectory: the
    fields of :class:`PrefectureAlert`, reason as a code of :data:`.model.REASONS`, times in
    seconds after launch, NaN where the field is None (a footprint the track does not cross).
    Per trajectory: the first entry over and last exit from any footprint (NaN: none) and the
    impact point (:class:`~.impacts.ImpactColumns`).
    """

    row: np.ndarray
    pref: np.ndarray
    reason: np.ndarray  # int8 codes
    overflight_start_s: np.ndarray
    overflight_end_s: np.ndarray
    min_altitude_km: np.ndarray
    closest_approach_s: np.ndarray
    closest_distance_km: np.ndarray
    lead_time_s: np.ndarray
    starts: np.ndarray
    first_entry_s: np.ndarray
    last_exit_s: np.ndarray
    impact: ImpactColumns
    model: AlertModel

    @property
    def alert_count(self) -> np.ndarray:
        """Warned prefectures per trajectory."""
        return np.diff(self.starts)


def none_for_nan(values: list) -> list:
    """NaN -> None in a list of floats (the records' "does not apply")."""
    return [None if v != v else v for v in values]


def pair_values(cols: AlertColumns):
    """Per warned pair of ``cols``, as Python values: (footprint index, reason code, overflight start s,
    overflight end s, lowest altitude km (those three None where not overflown), closest approach s,
    closest distance km, lead time s). The alert records and the JSONL documents read them."""
    return zip(cols.pref.tolist(), cols.reason.tolist(), none_for_nan(cols.overflight_start_s.tolist()),
               none_for_nan(cols.overflight_end_s.tolist()), none_for_nan(cols.min_altitude_km.tolist()),
               cols.closest_approach_s.tolist(), cols.closest_distance_km.tolist(), cols.lead_time_s.tolist())


def impact_values(imp: ImpactColumns):
    """Per impact point, as Python values: (lat, lon, time s, distance km to the landmark, on land, in
    the territorial sea, footprint index (-1: none), EEZ status code, sea, country, landmark,
    direction, description, description_ja). The impact records and the JSONL documents read them."""
    return zip(*[np.asarray(v, float).tolist() for v in (imp.lat, imp.lon, imp.time_s, imp.distance_km)],
               *[np.asarray(v, bool).tolist() for v in (imp.on_land, imp.in_territorial_sea)],
               imp.prefecture.tolist(), imp.eez.tolist(), imp.sea, imp.country, imp.landmark, imp.direction,
               imp.description, imp.description_ja)


# The records below are made by handing each instance its attribute dict, which is what the
# quick_init constructors do (_frozen.quick_init) without a call per record: a batch makes some
# ten per scenario (performance). None of these classes has a __post_init__ but Assessment, whose
# alert_issued is set here as its __post_init__ sets it; tests/test_jsonl_fast.py compares both ways.
_new, _put = object.__new__, object.__setattr__


def _alert_records(cols: AlertColumns, prefs) -> list[PrefectureAlert]:
    """The :class:`PrefectureAlert` of every warned pair of ``cols``, in order."""
    ids = [(p.code, p.name, p.name_ja, p.region, p.region_ja) for p in prefs]
    latency_s = cols.model.latency_s
    out = []
    for j, r, s, e, a, cs, ck, lead in pair_values(cols):
        code, name, name_ja, region, region_ja = ids[j]
        _put(rec := _new(PrefectureAlert), "__dict__", {
            "code": code, "name": name, "name_ja": name_ja, "region": region, "region_ja": region_ja,
            "reason": REASONS[r], "alert_time_s": latency_s, "overflight_start_s": s, "overflight_end_s": e,
            "min_altitude_km": a, "closest_approach_s": cs, "closest_distance_km": ck, "lead_time_s": lead})
        out.append(rec)
    return out


def _impact_records(imp: ImpactColumns, prefs) -> list[Impact]:
    """:meth:`ImpactColumns.record` of every point, a column at a time."""
    codes = [p.code for p in prefs] + [None]  # (index -1: none)
    out = []
    for lat, lon, t, dist, land, sea_12nm, k, eez, sea, country, mark, direction, en, ja in impact_values(imp):
        _put(rec := _new(Impact), "__dict__", {
            "lat": lat, "lon": lon, "time_s": t, "prefecture_code": codes[k], "on_land": land,
            "in_territorial_sea": sea_12nm, "eez_status": EEZ_STATUSES[eez],
            "sea": sea.name if sea else None, "sea_ja": sea.name_ja if sea else None,
            "country": country.name if country else None, "country_ja": country.name_ja if country else None,
            "description": en, "description_ja": ja, "landmark": mark.name, "distance_km": dist,
            "direction": direction})
        out.append(rec)
    return out


def assessments(cols: AlertColumns, launch_lat, launch_lon, launch_times: list[datetime], prefs) -> list[Assessment]:
    """The :class:`Assessment` of every trajectory of ``cols`` (``prefs``: geo.prefectures());
    ``launch_times`` (timezone-aware) word the clock times of the messages."""
    model = cols.model
    alerts = _alert_records(cols, prefs)
    impacts = _impact_records(cols.impact, prefs)
    starts = cols.starts.tolist()
    first, last = none_for_nan(cols.first_entry_s.tolist()), none_for_nan(cols.last_exit_s.tolist())
    lats, lons = np.asarray(launch_lat).tolist(), np.asarray(launch_lon).tolist()
    out = []
    for i, impact in enumerate(impacts):
        mine = alerts[starts[i]:starts[i + 1]]
        msgs, (summary_ja, summary_en) = compose(mine, impact, Launch(lats[i], lons[i], launch_times[i]), model, prefs)
        _put(rec := _new(Assessment), "__dict__", {
            "alerts": tuple(mine), "impact": impact, "messages": tuple(msgs), "overflight_start_s": first[i],
            "overflight_end_s": last[i], "summary_ja": summary_ja, "summary_en": summary_en,
            "alert_issued": bool(mine)})
        out.append(rec)
    return out
