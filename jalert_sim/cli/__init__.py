"""The ``jalert-sim`` command: a thin shell over the library.

Each command lives in its own module and only parses, calls the library, and
renders. Errors the user can fix (JalertError, bad option values) become one
line on stderr and exit code 2, never a traceback.
"""

import sys

import typer

from click.exceptions import Abort, ClickException, UsageError  # typer < 0.20 (pinned) runs on click

from .. import __version__
from .common import app, fail

from . import run as _run  # noqa: E402,F401  (registers the command)
from . import drill as _drill  # noqa: E402,F401
from . import map as _map  # noqa: E402,F401
from . import scenarios as _scenarios  # noqa: E402,F401
from . import batch as _batch  # noqa: E402,F401


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script and of ``python -m jalert_sim``."""
    try:
        code = app(args=argv, prog_name="jalert-sim", standalone_mode=False)
    except UsageError as exc:
        fail(exc.format_message())
    except Abort:
        sys.stderr.write("jalert-sim: interrupted\n")
        sys.exit(130)
    except KeyboardInterrupt:
        sys.stderr.write("jalert-sim: interrupted\n")
        sys.exit(130)
    except ClickException as exc:
        fail(exc.format_message())
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main", "__version__", "typer"]
