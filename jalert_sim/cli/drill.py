"""``jalert-sim drill``: play a scenario's J-Alert timeline live, for a classroom (or write it as a
web page with ``--html``)."""

import math
import sys
from typing import Annotated, Optional

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
    html: Annotated[Optional[str], typer.Option("--html", help="Write the drill as one self-contained web page (for a projector) instead of playing it here; --speed, --lang and --no-bell are its defaults.")] = None,
    open_page: Annotated[bool, typer.Option("--open", help="With --html: open the page in the default browser.")] = False,
) -> None:
    """Play the launch as a drill: big clock, missile position, each J-Alert message at its time. Ctrl-C stops."""
    check_lang(lang)
    if not (math.isfinite(speed) and speed >= 0):
        fail(f"--speed: must be 0 or a positive number, got {speed:g}")
    if html is not None and speed == 0:
        fail("--speed: a web page (--html) plays at a positive speed, got 0")
    if open_page and html is None:
        fail("--open: goes with --html FILE")
    scn, kwargs = scenario_request()  # reads the scenario options above from click's context
    with user_errors():
        from ..present.drill import plan, plain_lines, play
        from ..simulation import simulate

        result = simulate(**kwargs)
        p = plan(result, title=scn.title_en if scn else None)
    if html is not None:
        _write_page(result, scn, html, speed=speed, lang=lang, bell=bell, open_page=open_page)
        return
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


def _write_page(result, scn, path: str, *, speed: float, lang: str, bell: bool, open_page: bool) -> None:
    """``--html``: the drill's web page (present.webdrill), written whole or not at all; ``--open`` shows it."""
    from ..present.webdrill import drill_page, write_drill_page

    with user_errors():
        page = drill_page(result, scenario=scn, lang=lang, speed=speed, chime=bell)
    try:
        write_drill_page(path, page)
    except OSError as exc:
        fail(f"--html: cannot write {path!r}: {exc.strerror or exc}")
    typer.echo(f"wrote {path}")
    if open_page:
        import webbrowser
        from pathlib import Path

        webbrowser.open(Path(path).resolve().as_uri())
