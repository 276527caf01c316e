"""``jalert-sim run``: one scenario, as a table, JSON or CSV."""

from __future__ import annotations

import io
import sys
from typing import Annotated, Optional

import typer

from .common import (
    ApogeeOpt, AtOpt, AzimuthOpt, BurnoutAltOpt, BurnTimeOpt, CorridorOpt, ImpactRadiusOpt, LangOpt,
    LatencyOpt, LaunchOpt, RangeOpt, ReportDelayOpt, app, check_lang, fail, scenario_kwargs, user_errors,
)

FORMATS = ("table", "json", "csv")


@app.command()
def run(
    launch: LaunchOpt = None,
    azimuth: AzimuthOpt = None,
    apogee: ApogeeOpt = None,
    range_km: RangeOpt = None,
    at: AtOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table (default), json or csv.")] = "table",
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write to this file (whole or not at all) instead of stdout.")] = None,
    no_track: Annotated[bool, typer.Option("--no-track", help="JSON without the track samples.")] = False,
    corridor_km: CorridorOpt = None,
    impact_radius_km: ImpactRadiusOpt = None,
    latency_s: LatencyOpt = None,
    report_delay_s: ReportDelayOpt = None,
    burn_time_s: BurnTimeOpt = None,
    burnout_altitude_km: BurnoutAltOpt = None,
    lang: LangOpt = "both",
) -> None:
    """Simulate one launch: who gets J-Alert, when, and the messages."""
    if format not in FORMATS:
        fail(f"--format: expected one of {', '.join(FORMATS)}, got {format!r}")
    check_lang(lang)
    kwargs = scenario_kwargs(
        launch=launch, azimuth=azimuth, apogee=apogee, range_km=range_km, at=at, latency_s=latency_s,
        corridor_km=corridor_km, impact_radius_km=impact_radius_km, report_delay_s=report_delay_s,
        burn_time_s=burn_time_s, burnout_altitude_km=burnout_altitude_km,
    )
    with user_errors():
        from ..simulation import simulate

        result = simulate(**kwargs)

    if format == "table":
        from rich.console import Console

        from ..report import render

        if output:
            console = Console(record=True, width=120, file=io.StringIO())
            render(result, console, lang=lang)
            text = console.export_text()
        else:
            render(result, Console(), lang=lang)
            return
    else:
        from ..exports import to_csv, to_json

        text = to_json(result, track=not no_track) if format == "json" else to_csv([result])
    if output:
        from ..exports import write_atomic

        try:
            write_atomic(output, text)
        except OSError as exc:
            fail(f"--output: cannot write {output!r}: {exc.strerror}")
    else:
        sys.stdout.write(text)
