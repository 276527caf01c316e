"""``jalert-sim map``: one scenario as an SVG or PNG map (needs the ``maps`` extra)."""

from typing import Annotated

import typer

from .common import (
    ApogeeOpt, AtOpt, AzimuthOpt, ForceOpt, LaunchOpt, RangeOpt, ScenarioOpt, app, check_dpi, check_output,
    output_failed, scenario_request, user_errors, with_model_options,
)


@app.command("map")
@with_model_options(after="at")
def map_command(
    output: Annotated[str, typer.Option("--output", "-o", help="Map file to write: FILE.svg or FILE.png.")],
    scenario: ScenarioOpt = None,
    launch: LaunchOpt = None,
    azimuth: AzimuthOpt = None,
    apogee: ApogeeOpt = None,
    range_km: RangeOpt = None,
    at: AtOpt = None,
    dpi: Annotated[int, typer.Option("--dpi", help="Resolution of a PNG, dots per inch.")] = 150,
    force: ForceOpt = False,
) -> None:
    """Draw the ground track, the alert corridor and the warned prefectures on a map."""
    scn, kwargs = scenario_request()  # reads the scenario options above from click's context
    check_dpi(dpi)
    check_output(output, force)
    with user_errors():
        from ..present.maps import format_of, render_map

        fmt = format_of(output)
        from ..simulation import simulate

        result = simulate(**kwargs)
        title = None
        if scn is not None:
            title = f"{scn.title_en} (simulated)"
        data = render_map(result, None, fmt=fmt, title=title, dpi=dpi)
    from ..files import write_atomic

    try:
        write_atomic(output, data, force=force)
    except OSError as exc:
        output_failed(output, exc)
    typer.echo(f"wrote {output}")
