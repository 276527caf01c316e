"""``jalert-sim ensemble``: one scenario with uncertain inputs, many samples, the odds of each
prefecture's alert and where the missile falls; the work is jalert_sim.batch.ensemble."""

import io
import sys
from typing import Annotated, Any, Optional

import click
import typer

from ..simulation.options import MODEL_OPTIONS
from .common import (
    NUMBER, AtOpt, ConnectTimeoutOpt, ForceOpt, LaunchOpt, ScenarioOpt, SchedulerOpt, app, check_many_outputs,
    fail, load_scenario, output_failed, user_errors, with_model_options,
)

FORMATS = ("table", "json", "csv")
_RANGE = "a number, or lo:hi for a uniform range"
AzimuthRange = Annotated[Optional[str], typer.Option("--azimuth", help=f"Azimuth, degrees clockwise from north: {_RANGE}.")]
ApogeeRange = Annotated[Optional[str], typer.Option("--apogee", help=f"Apogee, km: {_RANGE}.")]
RangeRange = Annotated[Optional[str], typer.Option("--range", help=f"Ground range, km: {_RANGE} (default: minimum energy).")]


AzimuthSd = Annotated[float, typer.Option("--azimuth-sd", click_type=NUMBER, help="Standard deviation of the azimuth, degrees (normal).")]
ApogeeSd = Annotated[float, typer.Option("--apogee-sd", click_type=NUMBER, help="Standard deviation of the apogee, km (normal).")]
RangeSd = Annotated[float, typer.Option("--range-sd", click_type=NUMBER, help="Standard deviation of the range, km (normal).")]
LaunchSd = Annotated[float, typer.Option("--launch-sd-km", click_type=NUMBER, help="Standard deviation of the launch point east and north, km (circular normal).")]


@app.command()
@with_model_options(after="at")
def ensemble(
    scenario: ScenarioOpt = None,
    launch: LaunchOpt = None,
    azimuth: AzimuthRange = None,
    apogee: ApogeeRange = None,
    range_km: RangeRange = None,
    at: AtOpt = None,
    azimuth_sd: AzimuthSd = 0.0,
    apogee_sd: ApogeeSd = 0.0,
    range_sd: RangeSd = 0.0,
    launch_sd_km: LaunchSd = 0.0,
    samples: Annotated[int, typer.Option("-n", "--samples", help="Samples to draw (1 to 1,000,000).")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draws: the same seed gives the same output, whatever --jobs.")] = 0,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker processes (default: number of CPUs).")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table (default), json or csv (one row per prefecture).")] = "table",
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write to this file (whole or not at all) instead of stdout.")] = None,
    map_file: Annotated[Optional[str], typer.Option("--map", help="Also draw a map: FILE.png or FILE.svg (needs the maps extra).")] = None,
    dpi: Annotated[int, typer.Option("--dpi", help="Resolution of a PNG map, dots per inch.")] = 150,
    force: ForceOpt = False,
    scheduler: SchedulerOpt = None,
    connect_timeout: ConnectTimeoutOpt = 10.0,
) -> None:
    """How certain is the alert area? Draw many samples of an uncertain launch and give each
    prefecture's chance of an alert, with a 95 % interval, and the fall area.

    \b
    Examples:
      jalert-sim ensemble --scenario 2017-08-29 --azimuth-sd 1 --apogee-sd 50
      jalert-sim ensemble --launch sinpo --azimuth 70:80 --apogee 800 -n 20000 --format json
      jalert-sim ensemble --scenario 2022-10-04 --launch-sd-km 20 --map odds.png
    """
    if format not in FORMATS:
        fail(f"--format: expected one of {', '.join(FORMATS)}, got {format!r}")
    check_many_outputs(output, map_file, force, dpi, connect_timeout)
    with user_errors():
        from ..batch.ensemble import run_ensemble
        from ..simulation.sampling import Spreads

        scenario_kwargs, bands = request()
        spreads = Spreads(azimuth_sd, apogee_sd, range_sd, launch_sd_km, **bands)
        if map_file is not None:
            from ..present.maps import format_of

            map_format = format_of(map_file)
        summary = run_ensemble(scenario_kwargs, spreads, samples=samples, seed=seed, jobs=jobs, scheduler=scheduler,
                               connect_timeout_s=connect_timeout)
    if map_file is not None:
        with user_errors():
            from ..present.ensemble_maps import ensemble_map

            data = ensemble_map(summary, fmt=map_format, dpi=dpi)
        _write(map_file, data, force, option="--map")
    _write(output, _text(summary, format, output), force)


def request() -> tuple[dict[str, Any], dict[str, tuple[float, float]]]:
    """(simulate()'s keyword arguments of the base scenario, the inputs given as lo:hi ranges)
    from the command line: --scenario fills what is not given."""
    from ..simulation.sampling import parse_interval

    params = click.get_current_context().params
    scn = load_scenario(params.get("scenario"))
    base = scn.simulate_kwargs() if scn is not None else {}
    kwargs: dict[str, Any] = {"launch": params.get("launch") or base.get("launch"),
                              "launch_time": params.get("at") or (base["launch_time"].isoformat() if base else None)}
    bands = {}
    for option, name in (("azimuth", "azimuth_deg"), ("apogee", "apogee_km"), ("range_km", "range_km")):
        text = params.get(option)
        value = base.get(name) if text is None else parse_interval(name, text)
        if isinstance(value, tuple):
            bands[name] = value
            value = None
        kwargs[name] = value
    missing = [flag for flag, name in (("--launch", "launch"), ("--azimuth", "azimuth_deg"), ("--apogee", "apogee_km"))
               if kwargs[name] is None and name not in bands]
    if missing:
        fail(f"missing option(s) {', '.join(missing)}")
    kwargs.update({k: params[k] for k in MODEL_OPTIONS if params.get(k) is not None})
    return kwargs, bands


def _text(summary, format: str, output: Optional[str]) -> Optional[str]:
    if format == "json":
        from ..exports.ensemble import ensemble_json

        return ensemble_json(summary)
    if format == "csv":
        from ..exports.ensemble import ensemble_csv

        return ensemble_csv(summary)
    from rich.console import Console

    from ..present.ensemble import render_ensemble

    if output is None or output == "-":
        render_ensemble(summary, Console())
        return None
    console = Console(record=True, width=120, file=io.StringIO())
    render_ensemble(summary, console)
    return console.export_text()


def _write(output: Optional[str], data, force: bool, option: str = "--output") -> None:
    if data is None:
        return
    if output is not None and output != "-":
        from ..files import write_atomic

        try:
            write_atomic(output, data, force=force)
        except OSError as exc:
            output_failed(output, exc, option=option)
    else:
        sys.stdout.write(data)
