"""Ensembles and sweeps for people: rich tables of the probabilities, the fall area and what the
grid warns (the summaries of :mod:`jalert_sim.simulation.ensemble` and ``.sweep``)."""

from __future__ import annotations

import math

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..simulation.ensemble import EnsembleSummary
from ..simulation.stats import Proportion
from ..simulation.sweep import SweepSummary


def percent(p: float) -> str:
    """A probability as a percentage: one decimal, more digits only to show it is not 0 or 100."""
    if p != p:
        return "–"
    if 0 < p < 0.001 or 0.999 < p < 1:
        return f"{100 * p:.2f} %" if 0.0001 <= p <= 0.9999 else f"{100 * p:.3f} %"
    return f"{100 * p:.1f} %"


def _interval(p: Proportion) -> str:
    return f"{percent(p.lo).removesuffix(' %')}–{percent(p.hi)}" if p.total else "–"


def _seconds(s: float) -> str:
    if s is None or not math.isfinite(s):
        return "–"
    sign = "-" if s < 0 else ""
    whole = round(abs(s))
    return f"{sign}{whole // 60}:{whole % 60:02d}"


def _base_line(summary: EnsembleSummary) -> str:
    b, s = summary.base, summary.spreads
    site = b.site.name if b.site else f"{b.lat:.2f}°N {b.lon:.2f}°E"
    rng = "minimum energy" if b.range_km is None else f"range {b.range_km:,.0f} km"
    spread = ", ".join(f"{k} {v[0]:g}:{v[1]:g}" if isinstance(v, list) else f"{k} {v:g}"
                       for k, v in s.to_dict().items()) or "none"
    return (f"Base: {site}, azimuth {b.azimuth_deg:g}°, apogee {b.apogee_km:,.0f} km, {rng}, "
            f"{b.launch_time.isoformat()}. Spreads: {spread}. Seed {summary.seed}.")


def ensemble_renderable(summary: EnsembleSummary) -> Group:
    """The ensemble's report: what was drawn, P(alert) per prefecture, the whole ensemble, the fall area."""
    parts: list = [Text("How certain is the alert area? (jalert-sim ensemble, simulated)", style="bold"),
                   Text(_base_line(summary))]
    flown = f"{summary.samples:,} samples, {summary.flown:,} fly"
    if summary.infeasible:
        flown += f"; {summary.samples - summary.flown:,} cannot fly:"
    parts.append(Text(flown))
    for reason, count in summary.infeasible.items():
        parts.append(Text(f"  {count:,} × {reason}", style="yellow"))
    table = Table(title="Prefectures that may be warned (shares of the samples that fly; lead times m:s)",
                  title_justify="left", header_style="bold")
    for name, justify in (("Prefecture", "left"), ("Warned", "right"), ("95 % CI", "right"),
                          ("Overflown", "right"), ("Impact", "right"), ("Lead p5/50/95", "right")):
        table.add_column(name, justify=justify, no_wrap=True)
    for o in summary.prefectures:
        table.add_row(f"{o.code} {o.name}", percent(o.warned.p), _interval(o.warned),
                      percent(o.overflown.p), percent(o.impact.p),
                      "/".join(_seconds(v) for v in (o.lead_time_p5_s, o.lead_time_p50_s, o.lead_time_p95_s)))
    if not summary.prefectures:
        table.add_row("(none)", "", "", "", "", "")
    parts.append(table)
    whole = Table(title="The whole ensemble", title_justify="left", header_style="bold")
    whole.add_column("")
    whole.add_column("P", justify="right")
    whole.add_column("95 % interval", justify="right")
    rows = [("Any alert", summary.any_alert), ("Falls on Japanese land or territorial sea", summary.japan)]
    rows += [(_EEZ_WORDS[k], p) for k, p in summary.eez.items()]
    for label, p in rows:
        whole.add_row(label, percent(p.p), _interval(p))
    parts.append(whole)
    parts.extend(_fall_lines(summary))
    return Group(*parts)


_EEZ_WORDS = {"inside": "Falls inside Japan's EEZ", "outside": "Falls outside Japan's EEZ",
              "uncertain": "Falls near the EEZ's edge (uncertain)"}


def _fall_lines(summary: EnsembleSummary) -> list:
    fall = summary.fall_area
    if fall is None:
        return [Text("Fall area: no sample flies.")]
    out = [Text("Fall area", style="bold"),
           Text(f"  centre {fall.description} ({fall.centre_lat:.2f}°N, {fall.centre_lon:.2f}°E)")]
    e = fall.ellipse
    if e is not None:
        out.append(Text(f"  1σ ellipse {e.semi_major_km:,.1f} × {e.semi_minor_km:,.1f} km (semi-axes), "
                        f"2σ {2 * e.semi_major_km:,.1f} × {2 * e.semi_minor_km:,.1f} km; "
                        f"major axis {e.orientation_deg:.0f}° clockwise from north"))
    out.append(Text(f"  flight time p5–p95 {_seconds(fall.flight_time_p5_s)} – {_seconds(fall.flight_time_p95_s)}"
                    f" (median {_seconds(fall.flight_time_p50_s)}) min:s"))
    return out


def render_ensemble(summary: EnsembleSummary, console: Console) -> None:
    console.print(ensemble_renderable(summary))


def sweep_renderable(summary: SweepSummary, prefecture: str | None = None, limit: int = 40) -> Group:
    """The sweep's report: its grid, how many points fly, each prefecture's exposure and, for
    ``prefecture``, the intervals that warn it (the first ``limit``)."""
    g = summary.grid
    axes = " × ".join(f"{n} {name}" for name, n in zip(("launch", "azimuth", "apogee", "range"), g.shape) if n > 1)
    parts: list = [Text("What a grid of launches warns (jalert-sim sweep, simulated)", style="bold"),
                   Text(f"{g.size:,} points ({axes or 'one point'}); {summary.flown:,} fly")]
    for reason, count in summary.infeasible.items():
        parts.append(Text(f"  {count:,} cannot fly: {reason}", style="yellow"))
    parts.append(Text("Exposure: the share of the grid's points that warn each prefecture", style="bold"))
    table = Table(header_style="bold")
    table.add_column("Prefecture")
    table.add_column("Points", justify="right")
    table.add_column("Share", justify="right")
    for e in summary.exposure():
        table.add_row(f"{e.code} {e.name}", f"{e.count:,}", percent(e.share))
    parts.append(table)
    if prefecture is not None:
        pref, runs = summary.intervals(prefecture)
        parts.append(Text(f"What warns {pref.name} ({pref.name_ja}):", style="bold"))
        parts.extend(Text("  " + r.text()) for r in runs[:limit])
        if len(runs) > limit:
            parts.append(Text(f"  … and {len(runs) - limit:,} more (-o FILE.csv has every point)"))
        if not runs:
            parts.append(Text("  no point of the grid"))
    return Group(*parts)
