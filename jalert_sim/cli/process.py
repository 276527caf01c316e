"""The process around a command: its standard streams, its signals, and how it ends.

A command's promise is one line and exit code 2 for what the user can fix, never a traceback,
and no half-written ``-o`` file. The environment can break it as input can:

* a standard stream that is closed (``>&-``, ``<&-``): its file descriptor is reopened on
  /dev/null, so that no file the command opens takes its number, and writing to stdout is
  then an error with one line (:class:`StdoutError`); a closed stdin is the library's
  ``InputError`` when the command reads it;
* stdout on a full disk or a failing device (``> /dev/full``): the same one line;
* a reader that goes away (``| head -1``): the command stops quietly with the status of a
  process killed by SIGPIPE (141), as Unix tools do;
* SIGINT, SIGTERM, SIGHUP (Ctrl-C, ``kill``, the terminal closing): :class:`Interrupted`
  unwinds the command, so that ``-o`` files are removed and worker processes stopped, and the
  status is 128 + the signal's number (130, 143, 129). An exception raised by a signal handler
  can land where Python cannot pass it on: in a weak reference's callback or a ``__del__``
  (where it is printed as "Exception ignored" and dropped), or in a class being created (where
  it becomes a RuntimeError). So the first signal is also remembered: the dropped one is not
  printed and the command still ends with its status, a wrapped one is recognised, and a
  second signal ends the process at once.
"""

from __future__ import annotations

import errno
import os
import signal
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # (typing.TYPE_CHECKING: typing is not imported before main() can catch a Ctrl-C)
    from typing import Any, NoReturn

#: The signals that stop a command in an orderly way, and what it says on stderr.
STOP_SIGNALS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}
#: Status of a command whose reader closed the pipe: that of a process killed by SIGPIPE.
BROKEN_PIPE_STATUS = 128 + signal.SIGPIPE


class Interrupted(BaseException):
    """A stop signal arrived: unwind as Ctrl-C does; exit with 128 + ``signum``.

    Not a KeyboardInterrupt, which typer turns into a silent status 130 whatever the signal."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum

    @property
    def status(self) -> int:
        return 128 + self.signum


class StdoutError(Exception):
    """Standard output cannot be written (closed, a full disk, an I/O error); not a closed pipe."""


class ReaderGone(Exception):
    """Standard output is a pipe whose reader has closed it (``| head -1``). Not an OSError, which
    click would turn into exit status 1 on its way out."""


#: The first stop signal received, if any (this process's, as signal handlers are).
_received: int | None = None


def interrupted_status(exc: BaseException) -> int:
    """The exit status for an :class:`Interrupted` (128 + its signal) or a KeyboardInterrupt (130)."""
    return exc.status if isinstance(exc, Interrupted) else 128 + signal.SIGINT


def interruption(exc: BaseException) -> Interrupted | None:
    """The Interrupted that ``exc`` is, or was raised from or during (a RuntimeError made of one)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, Interrupted):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def catch_signals() -> None:
    """Make SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` (see the module)."""
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # (nohup, a shell's `trap '' HUP`: keep ignoring)
            signal.signal(signum, _stop)
    hook = sys.unraisablehook

    def unraisable(info: Any) -> None:
        if not isinstance(info.exc_value, Interrupted):  # (dropped by Python: remembered in _received)
            hook(info)

    sys.unraisablehook = unraisable


_closing = False


def _stop(signum: int, frame: Any) -> None:
    global _received
    if _received is not None or _closing:  # a second signal (the first is being handled, or was
        say(STOP_SIGNALS[signum])  # lost), or one while the process ends: end it now
        os._exit(128 + signum)
    _received = signum
    raise Interrupted(signum)


def closing() -> None:
    """The command is over: from now on a stop signal ends the process at once."""
    global _closing
    _closing = True


def guard_streams() -> None:
    """Reopen closed standard file descriptors on /dev/null and put a guard on stdout (see the module)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:  # (the lowest free number: fd itself, unless a lower one is closed too)
                os.dup2(null, fd)
                os.close(null)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (nowhere to report: say nothing)
    sys.stdout = _GuardedStdout(sys.stdout)


class _GuardedStdout:
    """sys.stdout whose write failures are :class:`StdoutError`, or :class:`ReaderGone` for a closed
    pipe; everything else is the stream's own."""

    def __init__(self, stream: Any):
        self._stream = stream

    def _fail(self, exc: OSError | None) -> NoReturn:
        if exc is None:
            raise StdoutError("standard output is closed")
        raise StdoutError(f"cannot write to standard output: {exc.strerror or exc}")

    def write(self, text: str) -> int:
        if self._stream is None:
            self._fail(None)
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise ReaderGone from None
        except OSError as exc:
            self._fail(exc)

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise ReaderGone from None
        except OSError as exc:
            self._fail(exc)

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def __getattr__(self, name: str) -> Any:
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def leave(code: int) -> NoReturn:
    """End the process with ``code`` once stdout and stderr are flushed, without the interpreter's
    teardown: freeing every module, the geometry caches and their trees takes ~65 ms of a ~330 ms
    ``run`` and serves nothing (every file was closed and every worker stopped where it was
    written or started). Output that cannot be flushed ends as any failed write does."""
    closing()
    if _received is not None and code == 0:  # a signal that Python dropped: the work was done, but say so
        say(STOP_SIGNALS[_received])
        code = 128 + _received
    try:
        sys.stdout.flush()
    except (ReaderGone, BrokenPipeError):
        code = code or BROKEN_PIPE_STATUS
    except StdoutError as exc:
        say(f"error: {exc}")
        code = code or 2
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code)


def say(text: str) -> None:
    """One line on stderr, if it can be written (after SIGHUP the terminal may be gone)."""
    try:
        sys.stderr.write(f"jalert-sim: {text}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that nothing more is written to a pipe whose reader is gone."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError as exc:  # pragma: no cover  (no /dev/null)
        if exc.errno != errno.EBADF:
            raise
