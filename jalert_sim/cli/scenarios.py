"""``jalert-sim scenarios``: the historical launches that ``--scenario`` accepts."""

import json
import sys
from typing import Annotated

import typer

from .common import app, fail, user_errors


@app.command("scenarios")
def scenarios_command(
    format: Annotated[str, typer.Option("--format", "-f", help="table (default) or json.")] = "table",
) -> None:
    """List the historical launches usable with --scenario (published figures and what J-Alert did)."""
    if format not in ("table", "json"):
        fail(f"--format: expected table or json, got {format!r}")
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
        if a is None or a.alert_time is None:
            issued = "none"
        else:
            issued = f"{a.alert_time.strftime('%H:%M')}, {len(a.prefectures)} pref."
        rng = "—" if s.range_km is None else f"{s.range_km:,.0f}"
        table.add_row(s.id, f"{s.title_en}\n{s.site_name}, {s.launch_time.strftime('%H:%M')} JST",
                      f"{s.azimuth_deg:g}", f"{s.apogee_km:,.0f} / {rng}", issued)
    Console().print(table)
