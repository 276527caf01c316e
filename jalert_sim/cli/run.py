"""``jalert-sim run``: one scenario, as a table, JSON, CSV, GeoJSON, KML or CAP."""

import io
import sys
from typing import Annotated, NamedTuple, Optional

import typer

from ..exports.formats import names
from .common import (
    ApogeeOpt, AtOpt, AzimuthOpt, ForceOpt, LangOpt, LaunchOpt, RangeOpt, ScenarioOpt, app, check_lang, check_output,
    fail, output_failed, scenario_request, user_errors, with_model_options,
)

FORMATS = names("run")


class Shown(NamedTuple):
    """How ``run`` shows its result: the options that say so, checked."""

    format: str
    output: str | None  # None or "-": stdout
    lang: str
    show_map: bool
    track: bool
    cap_status: str | None  # for --format cap, the CAP status (exports.cap.cap_status); otherwise None


@app.command()
@with_model_options(after="no_track")
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
    lang: LangOpt = "both",
    show_map: Annotated[bool, typer.Option("--map", help="Add a terminal map of the ground track to the table.")] = False,
    cap_status: Annotated[str, typer.Option("--cap-status", help="CAP status: exercise (default), test, draft, system; 'actual' only if you really mean it.")] = "exercise",
    force: ForceOpt = False,
) -> None:
    """Simulate one launch: who gets J-Alert, when, and the messages.

    \b
    Examples:
      jalert-sim run --scenario 2017-08-29
      jalert-sim run --launch sunan --azimuth 75 --apogee 550 --range 2700 --lang ja
      jalert-sim run --launch 40.0,128.2 --azimuth 110 --apogee 900 --format json -o out.json
    """
    shown = _shown(format, output, no_track, lang, show_map, cap_status)
    check_output(output, force)
    scn, kwargs = scenario_request()  # reads the scenario options above from click's context
    with user_errors():
        from ..simulation import simulate

        result = simulate(**kwargs)
    comparison = None
    if scn is not None:
        from ..simulation.comparison import compare

        comparison = compare(result, scn)
    if shown.format == "table":
        text = _table(result, comparison, shown)
    else:
        text = _document(result, scn, comparison, shown)
    if text is not None:
        _write(text, shown.output, force)


def _shown(format: str, output: str | None, no_track: bool, lang: str, show_map: bool, cap_status: str) -> Shown:
    """The output options, checked in this order (the first bad one is the error)."""
    if format not in FORMATS:
        fail(f"--format: expected one of {', '.join(FORMATS)}, got {format!r}")
    check_lang(lang)
    status = None
    if format == "cap":  # exports.cap (and its XML libraries) only when CAP is asked for
        from ..exports.cap import cap_status as _cap_status

        try:
            status = _cap_status(cap_status)
        except ValueError as exc:
            fail(f"--cap-status: {exc}")
    return Shown(format, output, lang, show_map, not no_track, status)


def _table(result, comparison, shown: Shown) -> str | None:
    """The table report: printed on the terminal (None), or its text (120 columns) for --output."""
    from rich.console import Console

    from ..present.report import historical_panel, render

    extra = []
    if comparison is not None:
        extra.append(historical_panel(result, comparison, shown.lang))
    if shown.show_map:
        from ..present.termmap import map_panel

        extra.append(map_panel(result))
    if shown.output is None:
        render(result, Console(), lang=shown.lang, extra=extra)
        return None
    console = Console(record=True, width=120, file=io.StringIO())
    render(result, console, lang=shown.lang, extra=extra)
    return console.export_text()


def _document(result, scn, comparison, shown: Shown) -> str:
    """The result in one of run's machine formats (exports.formats: JSON, CSV, GeoJSON, KML, CAP)."""
    from ..exports.formats import RenderOptions, render

    options = RenderOptions(track=shown.track, historical=None if comparison is None else comparison.to_dict(),
                            title=scn.title_en if scn else None, cap_status=shown.cap_status)
    with user_errors():
        return render(shown.format, result, options)


def _write(text: str, output: str | None, force: bool) -> None:
    """To ``output`` (whole or not at all), or to stdout for None or "-" (as for batch)."""
    if output is not None and output != "-":
        from ..files import write_atomic

        try:
            write_atomic(output, text, force=force)
        except OSError as exc:
            output_failed(output, exc)
    else:
        sys.stdout.write(text)
