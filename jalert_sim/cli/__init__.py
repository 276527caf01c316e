"""The ``jalert-sim`` command: a thin shell over the library.

Each command lives in its own module and only parses, calls the library, and
renders. Errors the user can fix (JalertError, bad option values) become one
line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

TYPE_CHECKING = False
if TYPE_CHECKING:  # (typing.TYPE_CHECKING, without importing typing before main() can catch a Ctrl-C)
    from typing import NoReturn

#: Command name -> its module, in the order ``--help`` lists them; a module registers its command on import.
COMMANDS = {"run": "run", "drill": "drill", "map": "map", "scenarios": "scenarios", "batch": "batch",
            "ensemble": "ensemble", "sweep": "sweep"}


def register(names=None):
    """Register the commands ``names`` (default: all) on the app (a ``typer.Typer``) and return it."""
    for name in names or COMMANDS:
        import_module(f".{COMMANDS[name]}", __name__)
    return import_module(".common", __name__).app


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


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point of the console script and of ``python -m jalert_sim``.

    Typer builds the options of every registered command at each start, so only
    the command named on the command line is registered (all of them for
    ``--help``, ``--version`` or an unknown name). The libraries are imported here, not
    when this module is, so that a Ctrl-C from the first moment is an interruption like any
    other (:mod:`.process` handles the streams and signals). The process then ends as soon
    as its output is out (:func:`.process.leave`): ``main`` never returns, nor raises
    SystemExit to a caller. Scripts call the library, or run the commands through
    ``jalert_sim.cli.app`` (as the tests do with click's CliRunner).
    """
    try:
        from . import process  # (signal imports enum: ~8 ms, during which Ctrl-C is Python's own)

        process.catch_signals()
    except BaseException as exc:  # noqa: BLE001  (a KeyboardInterrupt, perhaps wrapped: nothing to undo yet)
        _stopped_early(exc)
    try:
        _utf8_output()
        process.guard_streams()
        from .. import compiling

        compiling.skip_blas_check()  # (this process runs no numba code but jalert-sim's)
        _run(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:
        process.closing()
        code = exc.code
    except (process.ReaderGone, BrokenPipeError):  # e.g. `| head -1`: stop quietly, as Unix tools do
        process.closing()
        process.silence_stdout()
        code = process.BROKEN_PIPE_STATUS
    except process.StdoutError as exc:
        process.closing()
        process.say(f"error: {exc}")
        code = 2
    except BaseException as exc:  # an interruption, perhaps wrapped; anything else is a bug: its traceback
        process.closing()
        stop = exc if isinstance(exc, KeyboardInterrupt) else process.interruption(exc)
        if stop is None:
            raise
        code = process.interrupted_status(stop)
        process.say(process.STOP_SIGNALS.get(code - 128, "interrupted"))
    else:
        code = 0
    process.leave(code if isinstance(code, int) else _message(code))


def _stopped_early(exc: BaseException) -> NoReturn:
    """A stop signal before the signals were all ours: nothing has been done that needs undoing.
    ``exc`` is a KeyboardInterrupt (Python's handler) or an Interrupted (ours), perhaps wrapped."""
    process = sys.modules.get(f"{__name__}.process")
    stop = process.interruption(exc) if process and hasattr(process, "interruption") else None
    while stop is None and exc is not None and not isinstance(exc, KeyboardInterrupt):
        exc = exc.__cause__ or exc.__context__
    if stop is None and exc is None:
        raise  # a bug, not a signal
    status = 130 if stop is None else stop.status
    try:
        sys.stderr.write(f"jalert-sim: {process.STOP_SIGNALS[status - 128] if stop else 'interrupted'}\n")
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass
    os._exit(status)


def _message(code: object) -> int:
    """SystemExit("text"): the text on stderr, status 1 (as Python's own exit does)."""
    from . import process

    if code is not None:
        process.say(str(code))
    return 0 if code is None else 1


def _run(args: list[str]) -> None:
    from click.exceptions import Abort, ClickException, UsageError  # typer < 0.20 (pinned) runs on click

    from .common import fail

    first = next((a for a in args if not a.startswith("-")), None)
    app = register([first] if first in COMMANDS else None)
    try:
        code = app(args=args, prog_name="jalert-sim", standalone_mode=False)
    except UsageError as exc:  # (no arguments at all: the help, then an empty message)
        fail(exc.format_message() or "no command given: one of " + ", ".join(COMMANDS))
    except Abort:  # click's word for EOF on a prompt (a KeyboardInterrupt is typer's status 130)
        raise KeyboardInterrupt from None
    except ClickException as exc:
        fail(exc.format_message())
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["COMMANDS", "app", "main", "register"]
