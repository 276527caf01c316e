"""``jalert-sim drill``: play a scenario's J-Alert timeline live, for a classroom (or write it as a
web page with ``--html``)."""

import sys
from typing import Annotated, Optional

import typer

from ..present.playback import MAX_SPEED, MIN_SPEED, speed_problem
from .common import (
    NUMBER, ApogeeOpt, AtOpt, AzimuthOpt, LangOpt, LaunchOpt, RangeOpt, ScenarioOpt, app, check_lang, check_output,
    fail, output_failed, scenario_request, user_errors, with_model_options,
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
    html: Annotated[Optional[str], typer.Option("--html", help="Write the drill as one self-contained web page (for a projector) instead of playing it here; --speed, --lang and --no-bell are its defaults.")] = None,
    open_page: Annotated[bool, typer.Option("--open", help="With --html: open the page in the default browser.")] = False,
    force: Annotated[bool, typer.Option("--force", help="With --html: replace the file even if it is read-only.")] = False,
) -> None:
    """Play the launch as a drill: big clock, missile position, each J-Alert message at its time. Ctrl-C stops."""
    check_lang(lang)
    if speed != 0 and speed_problem(speed):
        fail(f"--speed: must be 0 (the whole timeline at once) or from {MIN_SPEED:g} to {MAX_SPEED:g} "
             f"(× real time), got {speed:g}")
    if html is not None and speed == 0:
        fail("--speed: a web page (--html) plays at a positive speed, got 0")
    if open_page and html is None:
        fail("--open: goes with --html FILE")
    scn, kwargs = scenario_request()  # reads the scenario options above from click's context
    if html is not None:
        check_output(html, force, option="--html")
    with user_errors():
        from ..present.drill import plan, plain_lines, play
        from ..simulation import simulate

        result = simulate(**kwargs)
        p = plan(result, title=scn.title_en if scn else None)
    if html is not None:
        _write_page(result, scn, html, speed=speed, lang=lang, bell=bell, open_page=open_page, force=force)
        return
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


def _write_page(result, scn, path: str, *, speed: float, lang: str, bell: bool, open_page: bool, force: bool) -> None:
    """``--html``: the drill's web page (present.webdrill), written whole or not at all; ``--open`` shows it."""
    from ..present.webdrill import drill_page, write_drill_page

    with user_errors():
        page = drill_page(result, scenario=scn, lang=lang, speed=speed, chime=bell)
    try:
        write_drill_page(path, page, force=force)
    except OSError as exc:
        output_failed(path, exc, option="--html")
    typer.echo(f"wrote {path}")
    if open_page:
        import webbrowser
        from pathlib import Path

        webbrowser.open(Path(path).resolve().as_uri())
