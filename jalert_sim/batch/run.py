"""``run_batch``: a batch from its input to its output, and what it did.

The input is read as a stream (``reading``), ``chunk_size`` rows at a time (``chunks``),
solved in this process or by forked workers (``workers``) and written in input order to
stdout, a caller's stream, or a file written whole or not at all. The first chunks are read
ahead to tell a short input, which is solved without the compiled kernels (``compiling``).
"""

from __future__ import annotations

import io
import itertools
import numbers
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from ..compiling import PAY_FROM_PER_WORKER, numpy_only, pays
from ..errors import InputError
from ..exports.csv import SCENARIO_COLUMNS
from ..exports.formats import names
from ..simulation.api import parse_time
from .chunks import Chunk, RowError, Settings, parquet_options, read_chunks
from .reading import Source
from .workers import solve_all

#: The output formats of a batch (``exports.formats``).
FORMATS = names("batch")
#: Rows per chunk: large enough to amortise the vectorised calls, small enough to stream.
DEFAULT_CHUNK_SIZE = 2000
#: Most worker processes a batch may ask for (each holds ~100 MB; more than the CPUs gains nothing).
MAX_JOBS = 256


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did. ``first_error`` is ``(row, id, message)`` of the first failed row."""

    total: int
    ok: int
    failed: int
    elapsed_s: float
    first_error: RowError | None = None

    @property
    def rate(self) -> float:
        """Scenarios per second, wall clock."""
        return self.total / self.elapsed_s if self.elapsed_s > 0 else float("inf")


def run_batch(
    source: str | os.PathLike[str] | IO[Any],
    destination: str | os.PathLike[str] | IO[str] | None = None,
    *,
    format: str = "jsonl",
    jobs: int | None = None,
    track: bool = False,
    launch_time: datetime | str | None = None,
    input_format: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int, int | None, int | None], None] | None = None,
    force: bool = False,
) -> BatchSummary:
    """Simulate every row of ``source`` and write one record per row to ``destination``.

    ``source``: a path, ``"-"`` for stdin, or an open file (binary or text). The format
    is taken from the extension (.csv, .jsonl/.ndjson/.json), else from the content;
    ``input_format`` ("jsonl" or "csv") overrides both.
    ``destination``: a path (written whole or not at all), ``"-"``/None for stdout, or
    an open text stream. ``format``: "jsonl" or "csv". ``jobs``: worker processes
    (default: the CPUs this process may use; 1 = no subprocess). ``track``: JSONL records
    with the track samples. ``launch_time``: for rows without one (default: now).
    ``chunk_size``: rows read, solved and written together. ``progress(rows_done,
    bytes_read, bytes_total)`` is called after each chunk. ``force``: replace a read-only
    ``destination`` file (by default it is an error, as for a shell's ``>``).

    Rows that cannot be simulated become error records; an unreadable input raises
    :class:`~jalert_sim.errors.InputError` (the CLI's exit code 2).
    """
    if format not in FORMATS:
        raise InputError("format", f"expected one of {', '.join(FORMATS)}, got {format!r}")
    if format == "parquet":
        _check_parquet(destination)
    jobs = _jobs(jobs)
    when = parse_time(launch_time).isoformat()
    started = time.perf_counter()
    src = Source(source, input_format)
    settings = Settings(src.kind, src.header, format, track, when, src.encoding)
    total = ok = failed = 0
    first_error = None
    try:
        with _open_output(destination, force, binary=format == "parquet") as out:
            if format == "csv":
                out.write(",".join(SCENARIO_COLUMNS) + "\n")
            elif format == "parquet":
                out = _ParquetOut(out)
            chunks = read_chunks(src, settings, chunk_size)
            # A short input is solved without loading the compiled kernels: it would not win back their cost.
            ahead = _read_ahead(chunks, PAY_FROM_PER_WORKER * jobs)
            with numpy_only(not pays(sum(len(chunk.rows) for chunk in ahead), jobs)):
                parts = solve_all(itertools.chain(ahead, chunks), jobs)
                try:
                    for part in parts:
                        out.write(part.text)
                        total += part.ok + part.failed
                        ok += part.ok
                        failed += part.failed
                        first_error = first_error or part.first_error
                        if progress is not None:
                            progress(total, src.position(), src.size)
                finally:
                    parts.close()  # stops the workers now, even while an exception is on its way out
            if format == "parquet":
                out.close()
    finally:
        src.close()
    return BatchSummary(total, ok, failed, time.perf_counter() - started, first_error)


def _read_ahead(chunks: Iterator[Chunk], rows: int) -> list[Chunk]:
    """The first chunks, until they hold ``rows`` rows or the input ends."""
    ahead: list[Chunk] = []
    held = 0
    for chunk in chunks:
        ahead.append(chunk)
        held += len(chunk.rows)
        if held >= rows:
            break
    return ahead


def _jobs(jobs: int | None) -> int:
    """The number of worker processes asked for, checked; None: the CPUs this process may use."""
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, numbers.Integral) or not 1 <= jobs <= MAX_JOBS:
        raise InputError("jobs", f"expected a whole number of worker processes from 1 to {MAX_JOBS}, got {jobs!r}")
    return int(jobs)


def _check_parquet(destination: Any) -> None:
    """Parquet needs pyarrow and a file (-o FILE.parquet): an InputError, before any work, if not."""
    if destination is None or (isinstance(destination, str) and destination == "-") \
            or not isinstance(destination, (str, os.PathLike)):
        raise InputError("output", "Parquet is written to a file: give -o FILE.parquet")
    from importlib import import_module

    try:
        import_module("pyarrow.parquet")  # (only to see that it can be imported, before any work)
    except ImportError:
        raise InputError("format", "parquet needs pyarrow: pip install 'jalert-sim[parquet]'") from None


class _ParquetOut:
    """The -o file as a Parquet file: one row group per chunk, as the chunks come in."""

    def __init__(self, handle: Any):
        self._handle, self._writer = handle, None

    def write(self, part: Any) -> None:
        import pyarrow.parquet as pq

        if self._writer is None:
            self._writer = pq.ParquetWriter(self._handle, part.schema, **parquet_options(part.schema))
        self._writer.write_table(part)

    def close(self) -> None:
        if self._writer is None:  # no rows: a file with the columns and no row
            from .chunks import empty_part

            self.write(empty_part())
        self._writer.close()


@contextmanager
def _open_output(destination: str | os.PathLike[str] | IO[str] | None, force: bool,
                 binary: bool = False) -> Iterator[IO[Any]]:
    """stdout, a caller's stream, or a file written whole or not at all (temp file + rename).
    A file that cannot be created, written or put in place (a directory, a full disk) is an
    InputError on ``output``, raised before any work where it can be seen then."""
    if destination is None or (isinstance(destination, str) and destination == "-"):
        yield _TextStream(sys.stdout)
        sys.stdout.flush()
        return
    if not isinstance(destination, (str, os.PathLike)):
        if not callable(getattr(destination, "write", None)) or isinstance(destination, (io.RawIOBase, io.BufferedIOBase)):
            raise InputError("output", f"expected a path, '-', None or a text stream, got {type(destination).__name__}")
        yield _TextStream(destination)
        return
    from ..files import atomic_open

    name = str(destination)
    opened = atomic_open(destination, binary=binary, force=force)
    try:
        handle = opened.__enter__()
    except OSError as exc:
        raise _output_error(name, exc) from None
    try:
        yield handle if binary else _OutputFile(handle, name)
    except BaseException:
        if not opened.__exit__(*sys.exc_info()):
            raise
    else:
        try:
            opened.__exit__(None, None, None)
        except OSError as exc:
            raise _output_error(name, exc) from None


def _output_error(name: str, exc: OSError) -> InputError:
    return InputError("output", f"cannot write {name!r}: {exc.strerror or exc}")


class _OutputFile:
    """The -o file's handle, whose write failures (ENOSPC, EIO) are errors about the output. It takes
    text, or a JSONL chunk's UTF-8 bytes (chunks._jsonl), written past the text layer (the file is
    UTF-8 and translates no newline: atomic_open)."""

    def __init__(self, handle: IO[str], name: str):
        self._handle, self._name = handle, name

    def write(self, text: str | bytes) -> int:
        try:
            if isinstance(text, bytes):
                self._handle.flush()
                return self._handle.buffer.write(text)  # type: ignore[attr-defined]
            return self._handle.write(text)
        except OSError as exc:
            raise _output_error(self._name, exc) from None


class _TextStream:
    """stdout or a caller's text stream: a JSONL chunk's UTF-8 bytes are decoded for it (its encoding
    and newlines are its own)."""

    def __init__(self, stream: IO[str]):
        self._stream = stream

    def write(self, text: str | bytes) -> int:
        return self._stream.write(text.decode("utf-8", "surrogatepass") if isinstance(text, bytes) else text)
