"""The input and output of a batch on a cluster: which partitions to read, where to write.

Paths are made absolute on the client, for workers that run elsewhere see the same storage at the
same path (a shared file system), or use fsspec URLs (``s3://bucket/key``). A Parquet dataset is
written by the workers into a temporary directory beside the output, renamed into place when every
partition is there: the output is whole or absent (a rename on local and POSIX shared file
systems; object stores have no rename, and fsspec copies there).
"""

from __future__ import annotations

import errno
import os
import posixpath
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import InputError
from .partitions import Part, _fs, plan_parquet, plan_text
from .run import _open_output

#: Output formats of a batch on a cluster: a Parquet dataset (a directory), or one text file.
CLUSTER_FORMATS = ("parquet", "csv", "jsonl")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet",
             ".parq": "parquet"}


def format_for(name: str | None, default: str) -> str:
    """The output format that the name of a batch's -o says (.csv, .jsonl/.ndjson/.json,
    .parquet/.parq), or ``default`` (stdout, other names)."""
    if name in (None, "-"):
        return default
    return _SUFFIXES.get(posixpath.splitext(name)[1].lower(), default)


def absolute(path: str) -> str:
    """A local path made absolute (the workers' working directory is not the client's); URLs as they are."""
    return path if "://" in path else os.path.abspath(path)


def plan(source: Any, input_format: str | None, partition_rows: int) -> tuple[list[Part], str, Any, str]:
    """(partitions, kind, CSV header, encoding) of ``source``: "csv" or "jsonl" for a text file
    (by its name or content, or ``input_format``), "parquet" for a Parquet file, directory or glob."""
    if not isinstance(source, (str, os.PathLike)) or str(source) in ("", "-"):
        raise InputError("input", "a cluster's workers read the input themselves: give a file, directory or URL, "
                                  "not standard input or a stream")
    path = absolute(os.fspath(source))
    if input_format not in (None, "csv", "jsonl", "parquet"):
        raise InputError("input_format", f"expected csv, jsonl or parquet, got {input_format!r}")
    fs, inner = _fs(path)
    is_parquet = input_format == "parquet" or (input_format is None and (
        inner.lower().endswith((".parquet", ".parq")) or any(c in inner for c in "*?[") or _isdir(fs, inner)))
    if is_parquet:
        parts, names = plan_parquet(path, partition_rows)
        return parts, "parquet", names, "UTF-8"
    parts, head = plan_text(path, input_format, partition_rows)
    return parts, head.kind, head.header, head.encoding


def _isdir(fs: Any, inner: str) -> bool:
    try:
        return fs.isdir(inner)
    except OSError:
        return False


class Output:
    """Where a batch on a cluster writes: a Parquet dataset directory, or one CSV/JSONL file or stdout."""

    def __init__(self, destination: Any, format: str | None, force: bool):
        if destination is not None and not isinstance(destination, (str, os.PathLike)):
            raise InputError("output", f"expected a path, '-' or None, got {type(destination).__name__}")
        name = None if destination is None else os.fspath(destination)
        if name == "":
            raise InputError("output", "empty file name")
        if format is None:
            format = "jsonl" if name in (None, "-") else format_for(name, "parquet")
        if format not in CLUSTER_FORMATS:
            raise InputError("format", f"expected one of {', '.join(CLUSTER_FORMATS)}, got {format!r}")
        if format == "parquet" and name in (None, "-"):
            raise InputError("output", "a Parquet dataset is a directory: give -o DIRECTORY")
        self.format, self.destination, self.force = format, name, force
        if format == "parquet":
            self.path = absolute(name.rstrip("/") or "/")
            self._check_dataset()
        elif name not in (None, "-"):  # before the cluster is started, not after the work
            from ..files import check_target

            try:
                check_target(name, force=force)
            except OSError as exc:
                raise InputError("output", f"cannot write {name!r}: {exc.strerror or exc}") from None

    def _check_dataset(self) -> None:
        fs, inner = _fs(self.path)
        parent = posixpath.dirname(inner) if "://" in self.path else os.path.dirname(inner)
        if parent and not fs.isdir(parent):
            raise InputError("output", f"cannot write {self.destination!r}: no directory {parent!r}")
        if fs.exists(inner) and not self.force:
            raise InputError("output", f"{self.destination!r} exists (--force replaces it)")

    @contextmanager
    def open(self) -> Iterator[tuple[Callable[[str], Any] | None, str | None]]:
        """``(write, dataset)``: a text file's ``write`` (the dataset None), or the temporary directory
        of the dataset's files (``write`` None), put in place when the block ends normally."""
        if self.format != "parquet":
            with _open_output(None if self.destination in (None, "-") else self.destination, self.force) as out:
                yield out.write, None
            return
        fs, inner = _fs(self.path)
        base = inner.rstrip("/")
        temporary = f"{posixpath.dirname(base)}/.{posixpath.basename(base)}.partial-{uuid.uuid4().hex[:12]}"
        try:
            fs.makedirs(temporary)
        except OSError as exc:
            raise InputError("output", f"cannot write {self.destination!r}: {exc.strerror or exc}") from None
        url = fs.unstrip_protocol(temporary) if "://" in self.path else temporary
        try:
            yield None, url
            _replace(fs, temporary, base, self.force, self.destination)
        except BaseException:
            _remove(fs, temporary)
            raise


def _replace(fs: Any, temporary: str, target: str, force: bool, name: str) -> None:
    """The dataset ``temporary`` renamed to ``target``; an old ``target`` replaced only with ``force``."""
    old = None
    if fs.exists(target):
        if not force:
            raise InputError("output", f"{name!r} exists (--force replaces it)")
        old = f"{posixpath.dirname(target)}/.{posixpath.basename(target)}.old-{uuid.uuid4().hex[:12]}"
        fs.mv(target, old, recursive=True)
    try:
        fs.mv(temporary, target, recursive=True)
    except OSError as exc:
        if old is not None:
            fs.mv(old, target, recursive=True)
        raise InputError("output", f"cannot write {name!r}: {exc.strerror or exc}") from None
    if old is not None:
        _remove(fs, old)


def _remove(fs: Any, path: str, attempts: int = 40, pause_s: float = 0.25) -> None:
    """``path`` removed with what it holds. A cluster's task that was already running when the batch
    stopped (Ctrl-C, an error) can still write its file into a dataset's temporary directory while
    it is being removed, and the removal then fails on a directory no longer empty: it is tried
    again, for up to ``attempts`` x ``pause_s`` (10 s). A task that writes after the directory is
    gone fails (fsspec creates no directory for a file), and leaves nothing. Other failures (no
    permission, say) are not retried."""
    for _ in range(attempts):
        try:
            fs.rm(path, recursive=True)
        except (OSError, ValueError) as exc:
            if not isinstance(exc, FileNotFoundError) and getattr(exc, "errno", None) != errno.ENOTEMPTY:
                return  # (a file that vanished, or one that appeared, is the race above; not this)
        try:
            if not fs.exists(path):
                return
        except OSError:
            return
        time.sleep(pause_s)
