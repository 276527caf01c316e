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
        from ..scenarios import scenarios

        items = scenarios()
    if format == "json":
        sys.stdout.write(json.dumps({"scenarios": [s.to_dict() for s in items]}, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Historical scenarios (jalert-sim run --scenario ID)", expand=False)
    for col in ("ID", "Title", "Launch (JST)", "Site", "Az°", "Apogee km", "Range km", "J-Alert actually issued"):
        table.add_column(col, no_wrap=col in ("ID", "Launch (JST)"))
    for s in items:
        a = s.actual
        if a is None or a.alert_time is None:
            issued = "none"
        else:
            issued = f"{a.alert_time.strftime('%H:%M')} to {len(a.prefectures)} prefecture(s): {', '.join(a.prefectures)}"
        table.add_row(s.id, f"{s.title_en}\n{s.title_ja}", s.launch_time.strftime("%Y-%m-%d %H:%M"), s.site_name,
                      f"{s.azimuth_deg:g}", f"{s.apogee_km:,.0f}", "—" if s.range_km is None else f"{s.range_km:,.0f}",
                      issued)
    Console().print(table)
