"""An ensemble's machine outputs: its JSON document (schema ``jalert_sim/schemas/ensemble.schema.json``)
and a CSV of one row per prefecture with any chance of an alert."""

from __future__ import annotations

import csv
import io
import json

from ..simulation.ensemble import EnsembleSummary, ensemble_document

#: The columns of the ensemble CSV: probabilities (0-1) with their 95 % Wilson interval, lead
#: times in seconds; ``samples`` is the number of samples that fly (the denominator).
CSV_COLUMNS = ("code", "name", "name_ja", "samples", "warned", "p_warned", "p_warned_lo", "p_warned_hi",
               "p_overflown", "p_overflown_lo", "p_overflown_hi", "p_impact", "p_impact_lo", "p_impact_hi",
               "lead_time_p5_s", "lead_time_p50_s", "lead_time_p95_s")


def ensemble_json(summary: EnsembleSummary) -> str:
    return json.dumps(ensemble_document(summary), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _g(value: float) -> str:
    return "" if value != value else repr(float(value))


def ensemble_csv(summary: EnsembleSummary) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    for o in summary.prefectures:
        out.writerow([o.code, o.name, o.name_ja, summary.flown, o.warned.count,
                      *(_g(v) for p in (o.warned, o.overflown, o.impact) for v in (p.p, p.lo, p.hi)),
                      _g(o.lead_time_p5_s), _g(o.lead_time_p50_s), _g(o.lead_time_p95_s)])
    return buffer.getvalue()
