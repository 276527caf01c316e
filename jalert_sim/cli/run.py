"""``jalert-sim run``: one scenario, as a table, JSON, CSV, GeoJSON, KML or CAP."""

import io
import sys
from typing import Annotated, Optional

import typer

from ..exports.formats import names
from .common import (
    ApogeeOpt, AtOpt, AzimuthOpt, BurnoutAltOpt, BurnTimeOpt, CorridorOpt, ImpactRadiusOpt, LangOpt,
    LatencyOpt, LaunchOpt, RangeOpt, ReportDelayOpt, ScenarioOpt, app, check_lang, fail, scenario_request,
    user_errors,
)

FORMATS = names("run")


@app.command()
def run(
    scenario: ScenarioOpt = None,
    launch: LaunchOpt = None,
    azimuth: AzimuthOpt = None,
    apogee: ApogeeOpt = None,
    range_km: RangeOpt = None,
    at: AtOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table (default), json, csv, geojson, kml or cap (CAP 1.2 alerts in an Atom feed).")] = "table",
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write to this file (whole or not at all) instead of stdout ('-': stdout).")] = None,
    no_track: Annotated[bool, typer.Option("--no-track", help="JSON without the track samples.")] = False,
    corridor_km: CorridorOpt = None,
    impact_radius_km: ImpactRadiusOpt = None,
    latency_s: LatencyOpt = None,
    report_delay_s: ReportDelayOpt = None,
    burn_time_s: BurnTimeOpt = None,
    burnout_altitude_km: BurnoutAltOpt = None,
    lang: LangOpt = "both",
    show_map: Annotated[bool, typer.Option("--map", help="Add a terminal map of the ground track to the table.")] = False,
    cap_status: Annotated[str, typer.Option("--cap-status", help="CAP status: exercise (default), test, draft, system; 'actual' only if you really mean it.")] = "exercise",
) -> None:
    """Simulate one launch: who gets J-Alert, when, and the messages.

    \b
    Examples:
      jalert-sim run --scenario 2017-08-29
      jalert-sim run --launch sunan --azimuth 75 --apogee 550 --range 2700 --lang ja
      jalert-sim run --launch 40.0,128.2 --azimuth 110 --apogee 900 --format json -o out.json
    """
    if format not in FORMATS:
        fail(f"--format: expected one of {', '.join(FORMATS)}, got {format!r}")
    check_lang(lang)
    status = None
    if format == "cap":  # exports_geo (and its XML libraries) only when CAP is asked for
        from ..exports.cap import cap_status as _cap_status

        try:
            status = _cap_status(cap_status)
        except ValueError as exc:
            fail(f"--cap-status: {exc}")
    scn, kwargs = scenario_request()  # reads the scenario options above from click's context
    with user_errors():
        from ..simulation import simulate

        result = simulate(**kwargs)
    comparison = None
    if scn is not None:
        from ..simulation.scenarios import compare

        comparison = compare(result, scn)

    if format == "table":
        from rich.console import Console

        from ..present.report import historical_panel, render

        extra = []
        if comparison is not None:
            extra.append(historical_panel(result, comparison, lang))
        if show_map:
            from ..present.termmap import map_panel

            extra.append(map_panel(result))
        if output is not None:
            console = Console(record=True, width=120, file=io.StringIO())
            render(result, console, lang=lang, extra=extra)
            text = console.export_text()
        else:
            render(result, Console(), lang=lang, extra=extra)
            return
    elif format in ("geojson", "kml", "cap"):
        from .. import exports as exports_geo

        with user_errors():
            if format == "geojson":
                text = exports_geo.to_geojson(result)
            elif format == "kml":
                text = exports_geo.to_kml(result, title=scn.title_en if scn else None)
            else:
                text = exports_geo.to_cap_feed(result, status=status)
    else:
        from ..exports import to_csv, to_json

        if format == "json":
            extra = {"historical": comparison.to_dict()} if comparison is not None else None
            text = to_json(result, track=not no_track, extra=extra)
        else:
            text = to_csv([result])
    if output is not None and output != "-":  # "-": stdout, as for batch
        from ..exports.files import write_atomic

        try:
            write_atomic(output, text)
        except OSError as exc:
            fail(f"--output: cannot write {output!r}: {exc.strerror}")
    else:
        sys.stdout.write(text)
