"""The ``jalert-sim`` command: a thin shell over the library.

Each command lives in its own module and only parses, calls the library, and
renders. Errors the user can fix (JalertError, bad option values) become one
line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys

import click
import typer

from .. import __version__
from .common import app, fail

from . import run as _run  # noqa: E402,F401  (registers the command)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and of ``python -m jalert_sim``."""
    try:
        code = app(args=argv, prog_name="jalert-sim", standalone_mode=False)
    except click.exceptions.UsageError as exc:
        fail(exc.format_message())
    except click.exceptions.Abort:
        sys.stderr.write("jalert-sim: interrupted\n")
        sys.exit(130)
    except KeyboardInterrupt:
        sys.stderr.write("jalert-sim: interrupted\n")
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        fail(exc.format_message())
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main", "__version__", "typer"]
