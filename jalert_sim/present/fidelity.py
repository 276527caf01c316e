"""The fidelity table of ``jalert-sim scenarios --compare``: a rich screen for people.

One row per historical event (simulated with the default model beside the published record,
:mod:`jalert_sim.simulation.fidelity`), then the totals. Prefectures are JIS codes (the JSON
and CSV outputs carry the same); times are differences from the published ones, which are to
the minute.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..simulation.fidelity import Fidelity, FidelityRow, PrecisionRecall
from .timeline import lead

_VERDICT_STYLE = {"right": "green", "uncertain": "yellow", "wrong": "bold red"}


def _codes(codes: tuple[str, ...]) -> str:
    return " ".join(codes) if codes else "—"


def _diff(seconds: float | None, spans: bool = False) -> Text:
    if seconds is None:
        return Text("—", style="dim")
    if seconds == 0.0 and spans:
        return Text("overlap", style="green")
    return Text(lead(seconds), style="green" if abs(seconds) < 90 else "yellow")


def _eez(r: FidelityRow) -> Text:
    if r.eez_published is None:
        return Text("—", style="dim")
    if r.eez_simulated is None:
        return Text(f"— / {r.eez_published}", style="dim")
    return Text(f"{r.eez_simulated} / {r.eez_published}", style=_VERDICT_STYLE.get(r.eez_verdict, ""))


def _pr(p: PrecisionRecall) -> str:
    fmt = lambda x: "—" if x is None else f"{x:.0%}"  # noqa: E731
    return (f"precision {fmt(p.precision)}, recall {fmt(p.recall)} ({p.events} events: {p.true_positives} in both, "
            f"{p.false_negatives} only in reality, {p.false_positives} only simulated)")


def fidelity_table(f: Fidelity) -> Group:
    """The table and its totals, as one renderable."""
    table = Table(title="Every J-Alert missile event: simulated (default model) vs published", show_lines=False)
    # Minimum widths: on an 80-column screen (or a pipe, which rich gives 80) the JIS codes wrap and
    # the verdicts fold, instead of rich squeezing the prefecture columns to nothing.
    table.add_column("Event", no_wrap=True, min_width=10)
    table.add_column("Kind", min_width=5)
    table.add_column("Pref. in both", min_width=5, max_width=18)
    table.add_column("Only real", min_width=5, max_width=30)
    table.add_column("Only sim.", min_width=5, max_width=12)
    table.add_column("1st alert", justify="right", min_width=5)
    table.add_column("Over Japan", justify="right", min_width=5)
    table.add_column("Fall miss km", justify="right", min_width=4)
    table.add_column("EEZ sim/pub", min_width=9)
    table.add_column("Flight time", justify="right", min_width=5)
    for r in f.rows:
        if not r.modelled:
            table.add_row(r.id, r.scenario.kind, "—", _codes(r.only_actual), "—",
                          Text("not modelled", style="dim"), "", "", _eez(r), "")
            continue
        table.add_row(
            r.id, r.scenario.kind, _codes(r.both), Text(_codes(r.only_actual), style="yellow" if r.only_actual else ""),
            Text(_codes(r.only_simulated), style="yellow" if r.only_simulated else ""),
            _diff(r.first_alert.difference_s), _diff(r.over_japan.difference_s, spans=True),
            "—" if r.impact_miss_km is None else f"{r.impact_miss_km:,.0f}", _eez(r), _diff(r.flight_time_error_s))
    t = f.totals
    ft = "—" if t.flight_time_median_error_s is None else (
        f"median {t.flight_time_median_error_s:.0f} s, worst {lead(t.flight_time_worst_error_s)} "
        f"({t.flight_time_worst_event}), over {t.flight_time_compared} flights")
    lines = [
        Text(f"{t.events} events, {t.modelled} modelled.", style="bold"),
        Text("Warned prefectures, all events: " + _pr(t.prefectures_all)),
        Text("Warned prefectures, since 2022: " + _pr(t.prefectures_since_2022)),
        Text("EEZ verdict at the simulated fall: {right} right, {uncertain} uncertain, {wrong} wrong; "
             "at the published fall area: ".format(**t.eez)
             + "{right} right, {uncertain} uncertain, {wrong} wrong.".format(**t.eez_at_published_points)),
        Text("Flight time: " + ft + "."),
        Text("Times: simulated minus published (published to the minute). Kinds: flight; prediction (a path "
             "predicted and warned for, not flown); satellite (the stage that crossed Japan, as a ballistic arc). "
             "`jalert-sim scenarios --format json` has the sources; --compare --format json has every figure.",
             style="dim"),
    ]
    return Group(table, *lines)


#: Width of the table written to a file or a pipe (rich would take 80 columns, and fold every row).
FILE_WIDTH = 160


def print_fidelity(f: Fidelity, console: Console | None = None) -> None:
    """Print the table on ``console``; by default the terminal, or 160 columns into a file or pipe."""
    if console is None:
        import sys

        console = Console() if sys.stdout.isatty() else Console(width=FILE_WIDTH)
    console.print(fidelity_table(f))
