"""``jalert-sim sweep``: a grid of launches, every point solved; what the grid warns. The work is
jalert_sim.batch.sweep."""

from typing import Annotated, List, Optional

import click
import typer

from ..simulation.options import MODEL_OPTIONS
from .common import (
    AtOpt, ConnectTimeoutOpt, ForceOpt, ScenarioOpt, SchedulerOpt, app, check_many_outputs, fail,
    load_scenario, user_errors, with_model_options,
)
from .ensemble import _write

_GRID = "a number, or lo:hi:step (hi included when a step lands on it)"


@app.command()
@with_model_options(after="at")
def sweep(
    scenario: ScenarioOpt = None,
    launch: Annotated[Optional[List[str]], typer.Option("--launch", help="Launch site or 'lat,lon'; repeat for several.")] = None,
    azimuth: Annotated[Optional[str], typer.Option("--azimuth", help=f"Azimuths, degrees: {_GRID}.")] = None,
    apogee: Annotated[Optional[str], typer.Option("--apogee", help=f"Apogees, km: {_GRID}.")] = None,
    range_km: Annotated[Optional[str], typer.Option("--range", help=f"Ranges, km: {_GRID} (default: minimum energy).")] = None,
    at: AtOpt = None,
    prefecture: Annotated[Optional[str], typer.Option("--prefecture", help="Also list the parameter intervals that warn this prefecture (JIS code or name).")] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write every point, one row each with batch's columns: FILE.csv or FILE.parquet ('-': CSV on stdout, the summary on stderr).")] = None,
    map_file: Annotated[Optional[str], typer.Option("--map", help="Exposure map FILE.png or FILE.svg (a 2-parameter grid adds a heat map beside it).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker processes (default: number of CPUs).")] = None,
    dpi: Annotated[int, typer.Option("--dpi", help="Resolution of a PNG map, dots per inch.")] = 150,
    force: ForceOpt = False,
    scheduler: SchedulerOpt = None,
    connect_timeout: ConnectTimeoutOpt = 10.0,
) -> None:
    """What does a grid of launches warn? Every combination of the given values is simulated.

    \b
    Examples:
      jalert-sim sweep --launch sinpo --azimuth 0:360:1 --apogee 200:1200:50 --prefecture Tokyo
      jalert-sim sweep --launch sunan --launch sinpo --azimuth 60:120:0.5 --apogee 800 -o grid.csv
      jalert-sim sweep --launch sinpo --azimuth 40:140:1 --apogee 200:1200:25 --map exposure.png
    """
    check_many_outputs(output, map_file, force, dpi, connect_timeout)
    with user_errors():
        from ..batch.sweep import output_format, run_sweep

        grid = _grid()
        output_format(None if output == "-" else output)
        if prefecture is not None:
            from .. import geo

            geo.prefecture(prefecture)
        if map_file is not None:
            from ..present.maps import format_of

            map_format = format_of(map_file)
        summary = run_sweep(grid, output, format="csv" if output == "-" else None, jobs=jobs, force=force,
                            scheduler=scheduler, connect_timeout_s=connect_timeout)
    if map_file is not None:
        with user_errors():
            from ..present.ensemble_maps import sweep_map

            data = sweep_map(summary, fmt=map_format, dpi=dpi)
        _write(map_file, data, force, option="--map")
    from rich.console import Console

    from ..present.ensemble import sweep_renderable

    Console(stderr=output == "-").print(sweep_renderable(summary, prefecture))


def _grid():
    """The grid of the command line; --scenario gives the values not given."""
    from ..simulation.sampling import parse_grid
    from ..simulation.sweep import Grid

    params = click.get_current_context().params
    scn = load_scenario(params.get("scenario"))
    base = scn.simulate_kwargs() if scn is not None else {}
    launches = tuple(params.get("launch") or ([base["launch"]] if base else []))
    values = {}
    for option, name in (("azimuth", "azimuth_deg"), ("apogee", "apogee_km"), ("range_km", "range_km")):
        text = params.get(option)
        if text is None:
            values[name] = None if base.get(name) is None else parse_grid(name, str(base[name]))
        else:
            values[name] = parse_grid(name, text)
    missing = [flag for flag, ok in (("--launch", launches), ("--azimuth", values["azimuth_deg"] is not None),
                                     ("--apogee", values["apogee_km"] is not None)) if not ok]
    if missing:
        fail(f"missing option(s) {', '.join(missing)}")
    at = params.get("at") or (base["launch_time"].isoformat() if base else None)
    options = tuple((k, params[k]) for k in MODEL_OPTIONS if params.get(k) is not None)
    return Grid(launches, values["azimuth_deg"], values["apogee_km"], values["range_km"], at, options)
