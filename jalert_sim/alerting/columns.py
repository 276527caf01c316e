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
from .impacts import ImpactColumns
from .model import REASONS, AlertModel, Assessment, Launch, PrefectureAlert


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


def _none(values: list) -> list:
    """NaN -> None in a list of floats (the records' "does not apply")."""
    return [None if v != v else v for v in values]


def assessments(cols: AlertColumns, launch_lat, launch_lon, launch_times: list[datetime], prefs) -> list[Assessment]:
    """The :class:`Assessment` of every trajectory of ``cols`` (``prefs``: geo.prefectures());
    ``launch_times`` (timezone-aware) word the clock times of the messages."""
    model = cols.model
    codes = [(p.code, p.name, p.name_ja, p.region, p.region_ja) for p in prefs]
    start, end, min_alt = _none(cols.overflight_start_s.tolist()), _none(cols.overflight_end_s.tolist()), \
        _none(cols.min_altitude_km.tolist())
    pairs = zip(cols.pref.tolist(), cols.reason.tolist(), start, end, min_alt, cols.closest_approach_s.tolist(),
                cols.closest_distance_km.tolist(), cols.lead_time_s.tolist())
    alerts = [PrefectureAlert(*codes[j], REASONS[r], model.latency_s, s, e, a, cs, ck, lead)
              for j, r, s, e, a, cs, ck, lead in pairs]
    starts = cols.starts.tolist()
    first, last = _none(cols.first_entry_s.tolist()), _none(cols.last_exit_s.tolist())
    lats, lons = np.asarray(launch_lat).tolist(), np.asarray(launch_lon).tolist()
    out = []
    for i in range(len(starts) - 1):
        mine = alerts[starts[i]:starts[i + 1]]
        impact = cols.impact.record(i, prefs)
        msgs, summary = compose(mine, impact, Launch(lats[i], lons[i], launch_times[i]), model, prefs)
        out.append(Assessment(alerts=tuple(mine), impact=impact, messages=tuple(msgs),
                              overflight_start_s=first[i], overflight_end_s=last[i],
                              summary_ja=summary[0], summary_en=summary[1]))
    return out
