"""The ``jalert-sim`` command: a thin shell over the library.

Each command lives in its own module and only parses, calls the library, and
renders. Errors the user can fix (JalertError, bad option values) become one
line on stderr and exit code 2, never a traceback.
"""

import os
import sys
from typing import NoReturn

import typer

from click.exceptions import Abort, ClickException, UsageError  # typer < 0.20 (pinned) runs on click

from importlib import import_module

from . import common
from .common import fail

#: Command name -> its module, in the order ``--help`` lists them; a module registers its command on import.
COMMANDS = {"run": "run", "drill": "drill", "map": "map", "scenarios": "scenarios", "batch": "batch"}


def register(names=None) -> typer.Typer:
    """Register the commands ``names`` (default: all) on the app and return it."""
    for name in names or COMMANDS:
        import_module(f".{COMMANDS[name]}", __name__)
    return common.app


def __getattr__(name: str):
    # ``from jalert_sim.cli import app``: the app with every command, for CliRunner and scripts.
    if name == "app":
        return register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _utf8_output() -> None:
    """Write UTF-8 to a file or pipe whatever the locale: JSON must be UTF-8 (RFC 8259 §8.1) and the
    XML formats declare it, but Python encodes redirected output in the locale's code page (cp932
    on a Japanese Windows). A terminal keeps its encoding and shows '?' for what it cannot, and
    stderr escapes it, rather than a UnicodeEncodeError traceback."""
    for stream, terminal_errors in ((sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding == "utf8" or not callable(getattr(stream, "reconfigure", None)):
            continue
        try:
            if stream is sys.stdout and not stream.isatty():
                stream.reconfigure(encoding="utf-8")
            else:
                stream.reconfigure(errors=terminal_errors)
        except (OSError, ValueError):  # (a closed or detached stream: leave it)
            pass


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and of ``python -m jalert_sim``.

    Typer builds the options of every registered command at each start, so only
    the command named on the command line is registered (all of them for
    ``--help``, ``--version`` or an unknown name). The process then ends as soon as its
    output is out (:func:`_leave`): ``main`` never returns, nor raises SystemExit to a caller.
    Scripts call the library, or run the commands through ``jalert_sim.cli.app`` (as the
    tests do with click's CliRunner).
    """
    try:
        _run(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:
        _leave(exc.code)
    _leave(0)


def _run(args: list[str]) -> None:
    _utf8_output()
    first = next((a for a in args if not a.startswith("-")), None)
    app = register([first] if first in COMMANDS else None)
    try:
        code = app(args=args, prog_name="jalert-sim", standalone_mode=False)
    except UsageError as exc:  # (no arguments at all: the help, then an empty message)
        fail(exc.format_message() or "no command given: one of " + ", ".join(COMMANDS))
    except Abort:
        sys.stderr.write("jalert-sim: interrupted\n")
        sys.exit(130)
    except KeyboardInterrupt:
        sys.stderr.write("jalert-sim: interrupted\n")
        sys.exit(130)
    except ClickException as exc:
        fail(exc.format_message())
    sys.exit(code if isinstance(code, int) else 0)


def _leave(code: object) -> NoReturn:
    """End the process with exit status ``code`` once stdout and stderr are flushed, without the
    interpreter's teardown: freeing every module, the geometry caches and their trees takes
    ~65 ms of a ~330 ms ``run`` and serves nothing (every file was closed and every worker
    stopped where it was written or started). Where the flush fails, or for a status that is
    not a number, the usual exit runs and reports it as it always did."""
    code = 0 if code is None else code
    if not isinstance(code, int):
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001  (a full disk, a closed pipe: Python's exit reports it)
        raise SystemExit(code) from None
    os._exit(code)


__all__ = ["COMMANDS", "app", "main", "register"]
