"""What the commands share: the app, the scenario options, and error handling."""

import functools
import inspect
import sys
from contextlib import contextmanager
from typing import Annotated, Any, NoReturn, Optional

import click
import typer

from .. import __version__
from ..decimals import to_float
from ..errors import JalertError
from ..simulation.options import MODEL_OPTIONS, option_help

EXAMPLES = """\
\b
Examples:
  jalert-sim run --scenario 2017-08-29
  jalert-sim run --launch sunan --azimuth 72 --apogee 550 --range 2700 --at 2017-08-29T05:58+09:00
  jalert-sim run --launch 39.0,125.8 --azimuth 95 --apogee 6000 --range 1000 --format json
  jalert-sim drill --scenario 2022-10-04 --speed 10 --lang ja
  jalert-sim map --scenario 2017-09-15 -o hokkaido.svg
  jalert-sim batch scenarios.csv -o results.jsonl
"""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jalert-sim {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="jalert-sim",
    help="Simulate Japan's J-Alert warnings for a ballistic missile: trajectory, ground track "
    "over the 47 prefectures, who is warned, when, and the messages.\n\n" + EXAMPLES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Simulate J-Alert warnings."""


def fail(message: str) -> NoReturn:
    """One line on stderr, exit code 2."""
    first = " ".join(str(message).split())
    sys.stderr.write(f"jalert-sim: error: {first}\n")
    raise SystemExit(2)


@contextmanager
def user_errors():
    """Turn a JalertError into one line and exit code 2."""
    try:
        yield
    except JalertError as exc:
        fail(str(exc))


class Number(click.ParamType):
    """A command-line number: a plain ASCII decimal (``jalert_sim.decimals``), not Python's
    ``float()`` reading of ``5_50`` or ``７２``."""

    name = "float"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            return value
        try:
            return to_float(value)
        except (TypeError, ValueError) as exc:
            self.fail(str(exc), param, ctx)


#: Every float option of the commands.
NUMBER = Number()

#: --scheduler and --connect-timeout of the commands that run many scenarios on a Dask cluster too.
SchedulerOpt = Annotated[Optional[str], typer.Option(
    "--scheduler", show_default=False, help="Run on a Dask cluster: its scheduler's address (tcp://host:8786) or "
    "'local' (a cluster of --jobs processes on this machine). Needs jalert-sim[dask]. The output is the same.")]
ConnectTimeoutOpt = Annotated[float, typer.Option(
    "--connect-timeout", click_type=NUMBER, help="With --scheduler: seconds to reach the scheduler and a worker.")]


def check_connect_timeout(seconds: float) -> None:
    if not seconds > 0:
        fail(f"--connect-timeout: expected seconds > 0, got {seconds:g}")


def check_dpi(dpi: int) -> None:
    """--dpi of a PNG map: 20 to 1200 dots per inch."""
    if not 20 <= dpi <= 1200:
        fail(f"--dpi: must be between 20 and 1200, got {dpi}")


def check_many_outputs(output: str | None, map_file: str | None, force: bool, dpi: int, connect_timeout: float) -> None:
    """The output options of ensemble and sweep, checked before any work, in this order."""
    check_dpi(dpi)
    check_output(output, force)
    check_connect_timeout(connect_timeout)
    if map_file is not None:
        check_output(map_file, force, option="--map")


ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an -o file even if it is read-only.")]


def check_output(output: str | None, force: bool, *, option: str = "--output") -> None:
    """Fail now, before any work, if ``-o output`` (or the file of ``option``) cannot be written
    (see files.check_target)."""
    if output is None or output == "-":
        return
    from ..files import check_target

    try:
        check_target(output, force=force)
    except OSError as exc:
        output_failed(output, exc, option=option)


def output_failed(output: str, exc: OSError, *, option: str = "--output") -> NoReturn:
    """The one line for an ``-o`` file (or the file of ``option``) that could not be written."""
    from ..files import ReadOnlyFileError

    hint = " (--force replaces it)" if isinstance(exc, ReadOnlyFileError) else ""
    fail(f"{option}: cannot write {output!r}: {exc.strerror or exc}{hint}")


# The scenario options, shared by every command that runs one scenario.
LaunchOpt = Annotated[Optional[str], typer.Option("--launch", help="Launch site name (e.g. sunan, sinpo) or 'lat,lon' in degrees.")]
AzimuthOpt = Annotated[Optional[float], typer.Option("--azimuth", click_type=NUMBER, help="Initial heading of the ground track, degrees clockwise from true north.")]
ApogeeOpt = Annotated[Optional[float], typer.Option("--apogee", click_type=NUMBER, help="Apogee, km above the WGS84 ellipsoid.")]
RangeOpt = Annotated[Optional[float], typer.Option("--range", click_type=NUMBER, help="Ground range launch→impact, km (default: minimum-energy trajectory).")]
AtOpt = Annotated[Optional[str], typer.Option("--at", help="Launch time, ISO 8601 (no offset = JST). Default: now.")]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of the messages: en, ja or both.")]
ScenarioOpt = Annotated[Optional[str], typer.Option(
    "--scenario", help="Start from a historical launch (see `jalert-sim scenarios`); explicit options override its values.")]


#: Listed first among the model options in ``--help``, as they always were; the others follow in
#: MODEL_OPTIONS' order.
_HELP_FIRST = ("corridor_km", "impact_radius_km")


def _model_parameters() -> list[inspect.Parameter]:
    """One parameter per model option: ``--name-with-dashes``, a float or None (the model's
    default), its help from ``option_help``."""
    names = sorted(MODEL_OPTIONS, key=lambda name: _HELP_FIRST.index(name) if name in _HELP_FIRST else len(_HELP_FIRST))
    return [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=Annotated[
            Optional[float], typer.Option("--" + name.replace("_", "-"), click_type=NUMBER, help=option_help(name))])
        for name in names
    ]


def with_model_options(after: str):
    """Give a command one option per model option (MODEL_OPTIONS: ``--latency-s``, ``--corridor-km``,
    ...), listed after its parameter ``after``, so that a new model field is a new option of every
    scenario command.

    Typer builds a command's options from ``inspect.signature`` and ``typing.get_type_hints`` of
    its function: the command gets a ``__signature__`` and ``__annotations__`` extended with them.
    Their values are not passed on to the function: :func:`scenario_request` reads them from
    click's context, with the scenario options.
    """

    def decorate(func):
        signature = inspect.signature(func)
        params = list(signature.parameters.values())
        at = [p.name for p in params].index(after) + 1
        extra = _model_parameters()

        @functools.wraps(func)
        def command(**kwargs):
            return func(**{k: v for k, v in kwargs.items() if k not in MODEL_OPTIONS})

        command.__signature__ = signature.replace(parameters=[*params[:at], *extra, *params[at:]])
        command.__annotations__ = {**func.__annotations__, **{p.name: p.annotation for p in extra}}
        return command

    return decorate


def load_scenario(scenario_id: str | None):
    """The historical Scenario named by --scenario, or None; unknown ids end in one error line."""
    if scenario_id is None:
        return None
    with user_errors():
        from ..simulation.scenarios import scenario

        return scenario(scenario_id)


def scenario_request() -> tuple[Any, dict[str, Any]]:
    """(the historical Scenario or None, the keyword arguments of ``jalert_sim.simulate``)
    from the options of the command being run (click's context holds them all).

    With ``--scenario``, the scenario's values fill every option not given on the
    command line.
    """
    params = click.get_current_context().params
    scenario = load_scenario(params.get("scenario"))
    launch, azimuth, apogee, range_km, at = (params.get(k) for k in ("launch", "azimuth", "apogee", "range_km", "at"))
    if scenario is not None:
        base = scenario.simulate_kwargs()
        launch = base["launch"] if launch is None else launch
        azimuth = base["azimuth_deg"] if azimuth is None else azimuth
        apogee = base["apogee_km"] if apogee is None else apogee
        range_km = base["range_km"] if range_km is None else range_km
        at = base["launch_time"].isoformat() if at is None else at
    missing = [name for name, value in (("--launch", launch), ("--azimuth", azimuth), ("--apogee", apogee)) if value is None]
    if missing and scenario is not None and not scenario.modelled:
        fail(f"scenario {scenario.id} is not modelled: {scenario.not_modelled_reason}")
    if missing:
        fail(f"missing option(s) {', '.join(missing)}")
    kwargs: dict[str, Any] = {"launch": launch, "azimuth_deg": azimuth, "apogee_km": apogee,
                              "range_km": range_km, "launch_time": at}
    kwargs.update({k: params[k] for k in MODEL_OPTIONS if params.get(k) is not None})
    return scenario, kwargs


def check_lang(lang: str) -> str:
    if lang not in ("en", "ja", "both"):
        fail(f"--lang: expected en, ja or both, got {lang!r}")
    return lang
