"""``jalert-sim drill``: play a scenario's J-Alert timeline live, for a classroom."""

import math
import sys
from typing import Annotated

import typer

from .common import (
    ApogeeOpt, AtOpt, AzimuthOpt, LangOpt, LaunchOpt, RangeOpt, ScenarioOpt, app, check_lang, fail, scenario_request,
    user_errors, with_model_options,
)


@app.command("drill")
@with_model_options(after="bell")
def drill_command(
    scenario: ScenarioOpt = None,
    launch: LaunchOpt = None,
    azimuth: AzimuthOpt = None,
    apogee: ApogeeOpt = None,
    range_km: RangeOpt = None,
    at: AtOpt = None,
    speed: Annotated[float, typer.Option("--speed", help="1 = real time, 10 = ten times faster, 0 = print the whole timeline at once.")] = 1.0,
    lang: LangOpt = "both",
    bell: Annotated[bool, typer.Option("--bell/--no-bell", help="Ring the terminal bell when a J-Alert message goes out.")] = True,
) -> None:
    """Play the launch as a drill: big clock, missile position, each J-Alert message at its time. Ctrl-C stops."""
    check_lang(lang)
    if not (math.isfinite(speed) and speed >= 0):
        fail(f"--speed: must be 0 or a positive number, got {speed:g}")
    scn, kwargs = scenario_request()  # reads the scenario options above from click's context
    with user_errors():
        from ..present.drill import plan, plain_lines, play
        from ..simulation import simulate

        result = simulate(**kwargs)
        p = plan(result, title=scn.title_en if scn else None)
    if speed == 0:
        sys.stdout.write("\n".join(plain_lines(p, lang=lang)) + "\n")
        return
    from rich.console import Console

    console = Console()
    try:
        play(p, console, speed=speed, lang=lang, bell=bell)
    except KeyboardInterrupt:
        console.print("[bold]drill stopped[/]")
        raise typer.Exit(130) from None
    console.print("[bold]drill over[/] — this was a simulation, not a real warning.")
