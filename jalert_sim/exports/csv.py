"""The two CSV tables this package writes, and the one number format of both.

* :data:`CSV_COLUMNS` — ``run --format csv``: one row per warned prefecture (:func:`to_csv`,
  :func:`prefecture_rows`); also ``jalert_sim.exports.CSV_COLUMNS``.
* :data:`SCENARIO_COLUMNS` — ``batch --format csv``: one row per scenario, a failed one
  included (:func:`scenario_row`); also ``jalert_sim.batch.CSV_COLUMNS``.

Both are stable and documented in the README. Their rows are taken from the ``run``
document (``SimulationResult.to_dict``), so that the CSV always agrees with the JSON, and
every value goes through :func:`cell`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import numpy as np

from ..clock import iso_seconds_many, launch_epochs
from ..errors import JalertError
from ..simulation.result import SimulationResult
from ..simulation.table import ScenarioTable

#: Columns of the per-prefecture CSV (``run --format csv``); stable, documented in the README.
CSV_COLUMNS = (
    "launch_time", "launch_lat", "launch_lon", "azimuth_deg", "apogee_km", "range_km", "flight_time_s",
    "code", "name", "name_ja", "region", "reason", "alert_time", "overflight_start", "overflight_end",
    "min_altitude_km", "closest_distance_km", "lead_time_s",
    "impact_lat", "impact_lon", "impact_time", "impact_in_territorial_sea", "impact_eez_status",
)

#: Columns of the batch CSV: one row per scenario. ``warned`` holds the JIS codes of the
#: warned prefectures joined by ";" (e.g. "01;02"); times are ISO 8601 with offset.
SCENARIO_COLUMNS = (
    "id", "row", "error",
    "launch_time", "launch_lat", "launch_lon", "site", "azimuth_deg", "apogee_km", "range_km", "flight_time_s",
    "impact_time", "impact_lat", "impact_lon", "impact_prefecture", "impact_on_land", "impact_in_territorial_sea",
    "impact_eez_status", "impact_sea", "impact_country", "impact_description",
    "alert_issued", "alert_count", "warned", "alert_time", "overflight_start", "overflight_end", "min_lead_time_s",
)


def cell(value: Any) -> Any:
    """A value as every CSV of this package writes it: None empty, floats to 6 significant
    digits (whole numbers from a million up), anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"
    return value


def prefecture_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One row of :data:`CSV_COLUMNS` per warned prefecture of a ``to_dict()`` document (raw
    values, before :func:`cell`)."""
    inp, tr, imp = doc["input"], doc["trajectory"], doc["impact"]
    common = {
        "launch_time": inp["launch_time"], "launch_lat": inp["launch"]["lat"], "launch_lon": inp["launch"]["lon"],
        "azimuth_deg": inp["azimuth_deg"], "apogee_km": tr["apogee_km"], "range_km": tr["range_km"],
        "flight_time_s": tr["flight_time_s"],
        "impact_lat": imp["lat"], "impact_lon": imp["lon"], "impact_time": imp["time"],
        "impact_in_territorial_sea": imp["in_territorial_sea"], "impact_eez_status": imp["eez_status"],
    }
    return [{**common, **{k: a.get(k) for k in CSV_COLUMNS if k in a}} for a in doc["alerts"]]


def to_csv(results: Iterable[SimulationResult]) -> str:
    """The ``run --format csv`` text: the header, then every warned prefecture of each result."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for result in results:
        for row in prefecture_rows(result.to_dict(track=False)):
            writer.writerow({k: cell(v) for k, v in row.items()})
    return buffer.getvalue()


def scenario_row(ident: Any, row: int, result: SimulationResult | JalertError) -> list[Any]:
    """One row of :data:`SCENARIO_COLUMNS` (cells written), for the batch's input row ``row``
    whose id is ``ident``: the scenario's figures, or its error."""
    if isinstance(result, JalertError):
        return [ident, row, str(result)] + [""] * (len(SCENARIO_COLUMNS) - 3)
    doc = result.to_dict(track=False)
    inp, tr, imp, alerts = doc["input"], doc["trajectory"], doc["impact"], doc["alerts"]
    leads = [a["lead_time_s"] for a in alerts]
    values = [
        ident, row, "",
        inp["launch_time"], inp["launch"]["lat"], inp["launch"]["lon"], inp["launch"]["site"],
        tr["azimuth_deg"], tr["apogee_km"], tr["range_km"], tr["flight_time_s"],
        imp["time"], imp["lat"], imp["lon"], imp["prefecture"], imp["on_land"], imp["in_territorial_sea"],
        imp["eez_status"], imp["sea"], imp["country"], imp["description"],
        doc["alert_issued"], len(alerts), ";".join(a["code"] for a in alerts),
        alerts[0]["alert_time"] if alerts else None,
        doc["overflight"]["start"], doc["overflight"]["end"],
        min(leads) if leads else None,
    ]
    return [cell(v) for v in values]


def _cells(values) -> list[Any]:
    """:func:`cell` of every value of a column (a numpy array or a list); NaN is empty."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return _float_cells(values)
    return [cell(v) for v in (values.tolist() if isinstance(values, np.ndarray) else values)]


def _float_cells(values: np.ndarray) -> list[str]:
    """:func:`cell` of a float column, formatted by one ``%`` of the whole column (the same C
    formatting as the f-string of cell, without a Python step per value: performance)."""
    n = len(values)
    if not n:
        return []
    with np.errstate(invalid="ignore"):
        small = np.abs(values) < 1e6
    numbers = tuple(values.tolist())
    if small.all():
        text = ("%.6g\n" * n) % numbers
    else:
        text = "".join(np.where(small, "%.6g\n", "%.0f\n").tolist()) % numbers
    out = text.split("\n")
    out.pop()
    for k in np.flatnonzero(np.isnan(values)).tolist():
        out[k] = ""
    return out


#: The characters that may make the csv module quote a field: "," and '"' always (QUOTE_MINIMAL),
#: line ends depending on the version and the line terminator.
_QUOTED = re.compile('[,"\r\n]')


def _texts(cells: list[Any]) -> list[str]:
    """The column's cells as the csv module writes them: str() of each, None empty, in quotes (its
    quotes doubled) where it holds a comma or a quote; one with a line end as the module writes it."""
    texts = [v if type(v) is str else ("" if v is None else str(v)) for v in cells]
    if _QUOTED.search("".join(texts)):
        texts = [_quoted(v) if _QUOTED.search(v) else v for v in texts]
    return texts


def _quoted(text: str) -> str:
    if "\r" in text or "\n" in text:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow([text, ""])
        return buffer.getvalue()[:-2]  # less the empty second field and the line's end
    return '"' + text.replace('"', '""') + '"'


def table_columns(table: ScenarioTable) -> dict[str, list[Any]]:
    """The cells of :data:`SCENARIO_COLUMNS` after ``id``, ``row`` and ``error``, column by column,
    from a :class:`~jalert_sim.simulation.table.ScenarioTable`: what :func:`scenario_row` writes
    for each scenario, without making its document (a failed scenario's cells are empty)."""
    c, times = table.columns, table.launch_time
    codes = np.array(table.prefecture_codes)
    pairs = table.pairs
    starts = np.searchsorted(pairs["row"], np.arange(len(table) + 1)).tolist()
    pair_codes = codes[pairs["prefecture"]].tolist()
    warned = [";".join(pair_codes[starts[k]:starts[k + 1]]) for k in range(len(table))]
    epochs = launch_epochs(times)
    return {
        "launch_time": _launch_texts(times, epochs),
        "launch_lat": _cells(c["launch_lat"]), "launch_lon": _cells(c["launch_lon"]), "site": _cells(c["site"]),
        **{name: _cells(c[name]) for name in ("azimuth_deg", "apogee_km", "range_km", "flight_time_s")},
        "impact_time": _cells(iso_seconds_many(times, c["flight_time_s"], epochs)),
        **{name: _cells(c[name]) for name in ("impact_lat", "impact_lon", "impact_prefecture")},
        **{name: _cells(c[name]) for name in ("impact_on_land", "impact_in_territorial_sea")},
        **{name: _cells(c[name]) for name in ("impact_eez_status", "impact_sea", "impact_country",
                                                 "impact_description")},
        "alert_issued": _cells(c["alert_issued"]), "alert_count": _cells(c["alert_count"]),
        "warned": warned,
        **{name: _cells(iso_seconds_many(times, c[key], epochs)) for name, key in (
            ("alert_time", "alert_time_s"), ("overflight_start", "overflight_start_s"),
            ("overflight_end", "overflight_end_s"))},
        "min_lead_time_s": _cells(c["min_lead_time_s"]),
    }


def _launch_texts(times: list[Any], epochs) -> list[str]:
    """``t.isoformat()`` of every launch time (None: empty), from its :func:`launch_epochs`: numpy
    writes the wall clock of those with a fixed whole-second UTC offset, no microseconds and a
    four-digit year (the usual ones), a third of isoformat's cost; the others are asked."""
    fixed, epoch = epochs
    zones: dict[Any, Any] = {}  # tzinfo -> (offset s, its isoformat text), None if not whole seconds
    out = [""] * len(times)
    at, shift = [], []
    for k, (t, f) in enumerate(zip(times, fixed.tolist())):
        zone = None
        if f and t.microsecond == 0 and t.year >= 1000:
            zone = zones.get(t.tzinfo, False)
            if zone is False:
                offset = t.utcoffset()
                zone = zones[t.tzinfo] = None if offset.microseconds else (
                    offset // timedelta(seconds=1), t.replace(year=2000, month=1, day=1).isoformat()[19:])
        if zone is not None:
            at.append(k)
            shift.append(zone)
        elif t is not None:
            out[k] = t.isoformat()
    if at:
        local = epoch[at] + np.array([z[0] for z in shift], dtype=np.int64)
        walls = np.datetime_as_string(local.astype("datetime64[s]"), unit="s").tolist()
        for k, wall, zone in zip(at, walls, shift):
            out[k] = wall + zone[1]
    return out


#: The columns of table_columns whose cells are text already, never quoted: numbers and times.
_WRITTEN = frozenset({"launch_time", "launch_lat", "launch_lon", "azimuth_deg", "apogee_km", "range_km",
                      "flight_time_s", "impact_time", "impact_lat", "impact_lon", "alert_time", "overflight_start",
                      "overflight_end", "min_lead_time_s"})


def table_csv(table: ScenarioTable, ids: list[Any], rows: list[int], errors: list[str | None] | None = None) -> str:
    """The batch CSV rows (no header) of a table's scenarios, whose ids and input row numbers are
    ``ids`` and ``rows``; ``errors``: per scenario an error that replaces it (default: the table's).

    Written column by column (each column's cells formatted at once, then the lines joined), the
    text csv.writer writes for the same cells (performance: a third of the cost)."""
    cols = table_columns(table)
    errors = table.error if errors is None else errors
    head = [_texts(_cells(ids)), [str(r) for r in rows], _texts([e or "" for e in errors])]
    lines = [",".join(line) for line in zip(*head, *(v if k in _WRITTEN else _texts(v) for k, v in cols.items()))]
    blank = "," * len(cols)
    for k, e in enumerate(errors):
        if e:
            lines[k] = ",".join(line[k] for line in head) + blank
    return "\n".join(lines) + "\n" if lines else ""
