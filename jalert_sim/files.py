"""Output files written whole or not at all.

Every file the package writes (``run -o``, ``map -o``, ``batch -o``) goes to a temporary file
beside its target and is renamed over it only when all of it has been written: an error or an
interrupt leaves the target as it was.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any


class ReadOnlyFileError(PermissionError):
    """The target exists and its permissions forbid writing it: it is not replaced unless asked."""


def check_target(path: str | os.PathLike[str], *, force: bool = False) -> os.stat_result | None:
    """Check that ``path`` names a file that may be written, before any work is done for it;
    return its status (None if it does not exist yet).

    Raises OSError when ``path`` is empty, names a directory (or ends with a slash, as ``x.json/``
    does: a shell's ``>`` refuses that too), or is a file without write permission for whoever
    runs the command: :class:`ReadOnlyFileError`, unless ``force``. A rename would replace a
    read-only file where a shell's ``>`` would refuse to; so does root, whom ``os.access`` allows
    everything, which is why the permission bits are read as well.
    """
    name = os.fspath(path)
    if not name:  # (realpath would make it the current directory)
        raise FileNotFoundError(errno.ENOENT, "empty file name", "")
    target = os.path.realpath(path)
    try:
        info = os.stat(target)
    except OSError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
    if name.endswith(("/", os.sep)) or os.path.basename(name) in (".", ".."):
        raise NotADirectoryError(errno.ENOTDIR, "a file name cannot end with a slash", name)
    if (info is not None and stat.S_ISREG(info.st_mode) and not force
            and (not stat.S_IMODE(info.st_mode) & 0o222 or not os.access(target, os.W_OK))):
        raise ReadOnlyFileError(errno.EACCES, "the file is read-only", name)
    return info


@contextmanager
def atomic_open(path: str | os.PathLike[str], *, binary: bool = False, force: bool = False) -> Iterator[IO[Any]]:
    """A file to write that replaces ``path`` only when the block ends normally.

    The data go to a temporary file beside ``path``, which is renamed over it at
    the end and removed on any error or interrupt: ``path`` is written whole or
    not at all. A symbolic link is followed (the file it points to is replaced, the
    link stays); a device or a pipe (``/dev/null``, a FIFO) cannot be replaced and is
    written directly. Raises OSError as :func:`check_target` does (a read-only file is
    replaced only with ``force``), or when the temporary file cannot be created.
    """
    info = check_target(path, force=force)
    target = Path(os.path.realpath(path))
    if info is not None and not stat.S_ISREG(info.st_mode):
        with (open(target, "wb") if binary else open(target, "w", encoding="utf-8", newline="")) as handle:
            yield handle
        return
    fd, tmp = _create_beside(target, None if info is None else stat.S_IMODE(info.st_mode))
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _create_beside(target: Path, mode: int | None) -> tuple[int, str]:
    """Create and open a new temporary file next to ``target``, with the permissions the file would
    get from a shell's ``>``: ``mode`` (the target's own, if it exists), else 0o666 less the umask
    (mkstemp's 0o600 would make every output private). Its name starts with the target's, cut so
    that it stays within the 255 bytes a file name may have."""
    stem = target.name.encode("utf-8", "surrogateescape")[:200].decode("utf-8", "ignore")
    for _ in range(100):
        tmp = os.path.join(target.parent, f".{stem}.{secrets.token_hex(4)}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            continue
        if mode is not None:
            with suppress(OSError):
                os.chmod(fd, mode)
        return fd, tmp
    raise FileExistsError(f"no free temporary name beside {target}")


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` whole or not at all (a read-only file
    only with ``force``)."""
    with atomic_open(path, binary=isinstance(data, bytes), force=force) as handle:
        handle.write(data)
