"""``jalert-sim scenarios``: the historical launches that ``--scenario`` accepts, and with
``--compare`` the fidelity table (every event simulated beside the published record)."""

import csv
import json
import sys
from typing import Annotated

import typer

from .common import app, fail, user_errors


@app.command("scenarios")
def scenarios_command(
    format: Annotated[str, typer.Option("--format", "-f", help="table (default), json, or (with --compare) csv.")] = "table",
    compare: Annotated[bool, typer.Option("--compare", help="Simulate every event with the default model and compare "
                                          "it with what really happened: prefectures, times, fall, EEZ, flight time, totals.")] = False,
) -> None:
    """List the historical launches usable with --scenario (published figures and what J-Alert did)."""
    formats = ("table", "json", "csv") if compare else ("table", "json")
    if format not in formats:
        fail(f"--format: expected {', '.join(formats[:-1])} or {formats[-1]}, got {format!r}"
             + ("" if compare or format != "csv" else " (csv needs --compare)"))
    if compare:
        _compare(format)
        return
    with user_errors():
        from ..simulation.scenarios import scenarios

        items = scenarios()
    if format == "json":
        sys.stdout.write(json.dumps({"scenarios": [s.to_dict() for s in items]}, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    # Fits 80 columns: the title and site share a cell; the actual area is a count (JSON has the codes).
    table = Table(title="Historical scenarios (jalert-sim run --scenario ID)")
    table.add_column("ID", no_wrap=True)
    table.add_column("Launch", ratio=1)
    table.add_column("Az°", justify="right", no_wrap=True)
    table.add_column("Apogee / range km", justify="right", no_wrap=True)
    table.add_column("J-Alert issued", no_wrap=True)
    for s in items:
        a = s.actual
        if a is None or not a.prefectures:
            issued = "none"
        else:
            at = "time n/a" if a.alert_time is None else a.alert_time.strftime("%H:%M")
            issued = f"{at}, {len(a.prefectures)} pref."
        rng = "—" if s.range_km is None else f"{s.range_km:,.0f}"
        kind = "" if s.kind == "flight" else f" ({s.kind})"
        az = "—" if s.azimuth_deg is None else f"{s.azimuth_deg:g}"
        apogee = "not modelled" if s.apogee_km is None else f"{s.apogee_km:,.0f} / {rng}"
        table.add_row(s.id, f"{s.title_en}{kind}\n{s.site_name}, {s.launch_time.strftime('%H:%M')} JST",
                      az, apogee, issued)
    Console().print(table)


def _compare(format: str) -> None:
    with user_errors():
        from ..simulation.fidelity import FLAT_COLUMNS, fidelity, flat_rows

        result = fidelity()
    if format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=FLAT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat_rows(result))
    else:
        from ..present.fidelity import print_fidelity

        print_fidelity(result)
