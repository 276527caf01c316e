"""``jalert-sim drill``: play a scenario's J-Alert timeline live, for a classroom."""

import sys
from typing import Annotated

import typer

from ..present.playback import MAX_SPEED, MIN_SPEED, speed_problem
from .common import (
    NUMBER, ApogeeOpt, AtOpt, AzimuthOpt, LangOpt, LaunchOpt, RangeOpt, ScenarioOpt, app, check_lang, fail,
    scenario_request, user_errors, with_model_options,
)
from .process import Interrupted, interrupted_status


@app.command("drill")
@with_model_options(after="bell")
def drill_command(
    scenario: ScenarioOpt = None,
    launch: LaunchOpt = None,
    azimuth: AzimuthOpt = None,
    apogee: ApogeeOpt = None,
    range_km: RangeOpt = None,
    at: AtOpt = None,
    speed: Annotated[float, typer.Option("--speed", click_type=NUMBER, help=f"1 = real time, 10 = ten times faster (from {MIN_SPEED:g} to {MAX_SPEED:g}), 0 = print the whole timeline at once.")] = 1.0,
    lang: LangOpt = "both",
    bell: Annotated[bool, typer.Option("--bell/--no-bell", help="Ring the terminal bell when a J-Alert message goes out.")] = True,
) -> None:
    """Play the launch as a drill: big clock, missile position, each J-Alert message at its time. Ctrl-C stops."""
    check_lang(lang)
    if speed != 0 and speed_problem(speed):
        fail(f"--speed: must be 0 (the whole timeline at once) or from {MIN_SPEED:g} to {MAX_SPEED:g} "
             f"(× real time), got {speed:g}")
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
    except (Interrupted, KeyboardInterrupt) as exc:
        console.print("[bold]drill stopped[/]")
        raise typer.Exit(interrupted_status(exc)) from None
    console.print("[bold]drill over[/] — this was a simulation, not a real warning.")
