"""Batches: many scenarios from a CSV or JSON Lines file, streamed, spread over processes.

The library behind ``jalert-sim batch``; a script can do everything the command does::

    from jalert_sim.batch import run_batch
    summary = run_batch("scenarios.csv", "results.jsonl", format="jsonl", jobs=4)
    print(summary.ok, summary.failed)

Input: one scenario per row, a CSV file with a header or JSON Lines (one object per
line); the fields are listed in :data:`FIELDS`. Output: one record per input row, in
input order. JSONL records are the ``jalert-sim run --format json`` document plus
``id`` and ``row`` (``track`` only on request); a row that cannot be simulated gives
``{"id", "row", "error"}`` and the batch goes on. CSV output has one row per scenario
(:data:`CSV_COLUMNS`, from ``exports.csv``).

Memory stays flat: rows are read, solved and written ``chunk_size`` at a time, and at
most two chunks per worker are in flight. Workers are forked after the geography has
been loaded once, so they share it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import IO, Any

from ..errors import InputError, JalertError
from ..exports.csv import SCENARIO_COLUMNS as CSV_COLUMNS
from ..exports.csv import scenario_row as csv_row
from ..exports.formats import names
from ..simulation.api import number as _number
from ..simulation.api import launch_from_fields, parse_time, simulate_many
from ..simulation.options import MODEL_OPTIONS
from ..simulation.result import SimulationResult

#: The input fields, for the documentation and for ``--help``. Units as in :func:`jalert_sim.simulate`.
FIELDS: dict[str, str] = {
    "id": "optional label copied to the output record (default: the row number)",
    "launch": "site name (e.g. sunan) or 'lat,lon' in degrees; or give lat and lon instead",
    "lat": "launch latitude, degrees north (WGS84), with lon",
    "lon": "launch longitude, degrees east (WGS84), with lat",
    "azimuth": "initial heading of the ground track, degrees clockwise from true north (alias azimuth_deg)",
    "apogee": "apogee, km (alias apogee_km)",
    "range": "ground range launch to impact, km; empty = minimum energy (alias range_km)",
    "launch_time": "ISO 8601; no offset = JST; empty = the batch's launch time",
    **{name: option.description for name, option in MODEL_OPTIONS.items()},
}
_ALIASES = {"azimuth_deg": "azimuth", "apogee_km": "apogee", "range_km": "range"}

#: The output formats of a batch (``exports.formats``).
FORMATS = names("batch")
#: The input formats a batch reads.
INPUT_FORMATS = ("jsonl", "csv")
#: Rows per chunk: large enough to amortise the vectorised calls, small enough to stream.
DEFAULT_CHUNK_SIZE = 500
#: Most worker processes a batch may ask for (each holds ~100 MB; more than the CPUs gains nothing).
MAX_JOBS = 256
#: Longest input line read as a row; a longer one is that row's error (memory stays flat).
MAX_LINE_CHARS = 1 << 20


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did. ``first_error`` is ``(row, id, message)`` of the first failed row."""

    total: int
    ok: int
    failed: int
    elapsed_s: float
    first_error: tuple[int, Any, str] | None = None

    @property
    def rate(self) -> float:
        """Scenarios per second, wall clock."""
        return self.total / self.elapsed_s if self.elapsed_s > 0 else float("inf")


# --------------------------------------------------------------------------- rows → scenarios


def scenario_from_fields(fields: Mapping[str, Any], *, launch_time: datetime | str | None = None) -> dict[str, Any]:
    """The keyword arguments of :func:`jalert_sim.simulate` for one input row.

    ``fields`` maps field names (:data:`FIELDS` or their aliases) to values; None and
    blank strings count as absent. ``launch_time`` is used when the row has none.
    Raises :class:`~jalert_sim.errors.InputError` naming the offending field.
    """
    values: dict[str, Any] = {}
    for key, value in fields.items():
        name = _ALIASES.get(key, key)
        if name not in FIELDS:
            raise InputError(str(key), f"unknown field (known: {', '.join(FIELDS)})")
        if name in values:
            raise InputError(str(key), f"given twice (as {name!r} and an alias)")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        values[name] = value
    values.pop("id", None)
    lat_lon = launch_from_fields(values)
    if lat_lon is not None:
        launch = (_number("lat", values.pop("lat")), _number("lon", values.pop("lon")))
    elif "launch" in values:
        launch = values.pop("launch")
    else:
        raise InputError("launch", "is required (a site name or 'lat,lon'; or the fields lat and lon)")
    scenario: dict[str, Any] = {
        "launch": launch,
        "azimuth_deg": _number("azimuth", values.pop("azimuth", None)),
        "apogee_km": _number("apogee", values.pop("apogee", None)),
        "range_km": _number("range", values.pop("range", None), optional=True),
        "launch_time": values.pop("launch_time", launch_time),
    }
    for name, value in values.items():  # only model options are left
        scenario[name] = _number(name, value)
    return scenario


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Chunk:
    """Rows as read, not yet parsed: CSV field lists (or a csv error text), or JSONL lines."""

    kind: str  # "csv" | "jsonl"
    header: tuple[str, ...] | None
    first_row: int  # 1-based number of the first data row
    rows: list[Any]
    out_format: str
    track: bool
    launch_time: str


@dataclass(frozen=True)
class _ChunkOut:
    text: str
    ok: int
    failed: int
    first_error: tuple[int, Any, str] | None


def _csv_fields(line: str) -> list[str] | str:
    """The fields of one line of CSV, or what is wrong with it.

    One line is one row: no field of ours holds a line break, and a quote left open must
    not swallow the rows after it (the csv module would carry the field on to the next
    line, and every good row up to the next quote would be lost in one bad record)."""
    if not line.endswith(("\n", "\r")):  # the last line: end it, so that an open quote shows
        line += "\n"
    try:
        fields = next(csv.reader((line,)), [])
    except csv.Error as exc:
        return str(exc)
    if fields and fields[-1].endswith(("\n", "\r")):
        return "a quoted field is not closed on its line"
    return fields


class _LongLine(str):
    """Stands for an input line longer than MAX_LINE_CHARS (its row's error); its text is the
    line's first 100 characters (never empty, so it does not end the input)."""


def _encoding(binary: IO[bytes]) -> str:
    """UTF-8 (a byte-order mark skipped), or UTF-16 where the stream starts with its byte-order
    mark (spreadsheets' "Unicode text"). Seen without consuming anything, so only on streams
    that can peek (files, stdin); others are read as UTF-8."""
    peek = getattr(binary, "peek", None)
    try:
        head = peek(2)[:2] if callable(peek) else b""
    except (OSError, ValueError):
        head = b""
    return "utf-16" if head in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"


class _Source:
    """An input opened for streaming: its kind, CSV header, and a row iterator."""

    def __init__(self, source: str | os.PathLike[str] | IO[Any], input_format: str | None = None):
        self._close: IO[Any] | None = None
        name = None
        if isinstance(source, (str, os.PathLike)) and str(source) != "-":
            name = str(source)
            try:
                binary: IO[bytes] = open(source, "rb")  # noqa: SIM115  (closed by close())
            except OSError as exc:
                raise InputError("input", f"cannot read {name!r}: {exc.strerror}") from None
            self._close = binary
        elif isinstance(source, (str, os.PathLike)):
            binary = sys.stdin.buffer
        elif not callable(getattr(source, "readline", None)):
            raise InputError("input", f"expected a path, '-' or an open file, got {type(source).__name__}")
        else:
            binary = source  # a script's stream: text is read as it is, bytes are decoded below
        self.binary = binary
        try:
            self.size = os.fstat(binary.fileno()).st_size if name else None
        except (OSError, AttributeError, ValueError):
            self.size = None
        if isinstance(binary, io.TextIOBase):  # a text stream from a script
            text = binary
        else:
            # Invalid UTF-8 survives as lone surrogates; the row that has them is rejected.
            text = io.TextIOWrapper(binary, encoding=_encoding(binary), errors="surrogateescape", newline="")
        self.text = text
        self._pending: list[str] = []
        self.kind = input_format or self._detect(name)
        if self.kind not in INPUT_FORMATS:
            raise InputError("input", f"unknown input format {self.kind!r} (expected jsonl or csv)")
        self.header: tuple[str, ...] | None = None
        if self.kind == "csv":
            self.header = self._read_header()

    def _detect(self, name: str | None) -> str:
        suffix = Path(name).suffix.lower() if name else ""
        if suffix == ".csv":
            return "csv"
        if suffix in (".jsonl", ".ndjson", ".json"):
            return "jsonl"
        # Look at the first non-blank character without consuming it (the text layer buffers).
        head = self._peek()
        return "jsonl" if head.lstrip("\ufeff \t\r\n").startswith("{") else "csv"

    def _peek(self) -> str:
        first = self._line()
        self._pending = [first] if first else []
        return first

    def _line(self) -> str:
        """The next line ('' at the end), read MAX_LINE_CHARS at a time: a longer one is skipped to
        its end and given as a _LongLine, so that memory stays flat whatever the input. A read that
        fails, first or mid-way (EIO from a disk or a terminal, a stream closed under us), is an
        InputError: the input cannot be read."""
        try:
            line = self.text.readline(MAX_LINE_CHARS + 1)
            if len(line) <= MAX_LINE_CHARS or line.endswith("\n"):
                return line
            head = _LongLine(line[:100])
            while line and not line.endswith("\n"):
                line = self.text.readline(MAX_LINE_CHARS)
        except (OSError, ValueError) as exc:
            raise InputError("input", f"cannot read: {exc}") from None
        return head

    def _lines(self) -> Iterator[str]:
        pending, self._pending = self._pending, []
        yield from pending
        while line := self._line():
            yield line

    def _read_header(self) -> tuple[str, ...] | None:
        self._csv_lines = self._lines()
        header = next(self._csv_lines, None)
        if header is None:
            return None
        header = _csv_fields(header)
        if isinstance(header, str):
            raise InputError("input", f"unreadable CSV header: {header}")
        names = tuple(h.strip().lstrip("\ufeff").strip().lower() for h in header)
        unknown = [h for h in names if _ALIASES.get(h, h) not in FIELDS]
        if unknown and "\x00" in "".join(header):
            raise InputError("input", "the CSV header is full of NUL characters: UTF-16 without a byte-order mark? "
                                      "Save the file as UTF-8")
        if unknown:
            raise InputError("input", f"unknown column {unknown[0]!r} in the CSV header (known: {', '.join(FIELDS)})")
        canonical = [_ALIASES.get(h, h) for h in names]
        dupes = sorted({h for h in canonical if canonical.count(h) > 1})
        if dupes:
            raise InputError("input", f"column {dupes[0]!r} appears twice in the CSV header")
        need = [("launch", "launch (or lat and lon)")] if not {"lat", "lon"} <= set(canonical) else []
        need += [("azimuth", "azimuth"), ("apogee", "apogee")]
        for field, label in need:
            if field not in canonical:
                raise InputError("input", f"the CSV header has no {label} column")
        return names

    def rows(self) -> Iterator[Any]:
        """CSV: lists of fields ([] for a blank line) or a csv.Error text; JSONL: lines; either: a
        _LongLine for a line too long to read."""
        if self.kind == "jsonl":
            for line in self._lines():
                yield line if isinstance(line, _LongLine) else line.rstrip("\r\n")
            return
        if self.header is None:
            return
        for line in self._csv_lines:
            if isinstance(line, _LongLine):
                yield line
                continue
            fields = _csv_fields(line)
            yield f"malformed CSV: {fields}" if isinstance(fields, str) else fields

    def position(self) -> int | None:
        """Bytes consumed so far (approximate: the reader buffers ahead)."""
        try:
            return self.binary.tell() if self.size is not None else None
        except (OSError, ValueError, AttributeError):
            return None

    def close(self) -> None:
        if self._close is not None:
            self._close.close()


# --------------------------------------------------------------------------- solving a chunk


def _parse(kind: str, header: tuple[str, ...] | None, raw: Any, row: int, launch_time: str) -> tuple[Any, dict | JalertError]:
    """(id, scenario keyword arguments or the error) for one raw row."""
    ident: Any = row
    try:
        if isinstance(raw, _LongLine):
            raise InputError("row", f"longer than {MAX_LINE_CHARS:,} characters (starts {raw[:40]!r})")
        if kind == "jsonl":
            if not raw.strip():
                raise InputError("row", "blank line")
            if not _is_utf8(raw):
                raise InputError("row", "not valid UTF-8")
            try:
                obj = json.loads(raw.lstrip("\ufeff"))
            except ValueError as exc:
                raise InputError("row", f"not valid JSON: {exc}") from None
            except RecursionError:
                raise InputError("row", "not valid JSON here: nested too deeply") from None
            if not isinstance(obj, dict):
                raise InputError("row", f"expected a JSON object, got {type(obj).__name__}")
            if obj.get("id") is not None:
                ident = _json_id(obj["id"])
            return ident, scenario_from_fields(obj, launch_time=launch_time)
        if isinstance(raw, str):  # a csv.Error
            raise InputError("row", raw)
        assert header is not None
        if not raw or (len(raw) == 1 and not raw[0].strip() and len(header) > 1):
            raise InputError("row", "blank line")
        if "id" in header and len(raw) > header.index("id") and raw[header.index("id")].strip():
            ident = raw[header.index("id")].strip()
        if len(raw) != len(header):
            raise InputError("row", f"has {len(raw)} fields, the header has {len(header)}")
        if not all(_is_utf8(value) for value in raw):
            raise InputError("row", "not valid UTF-8")
        return ident, scenario_from_fields(dict(zip(header, raw)), launch_time=launch_time)
    except JalertError as exc:
        return _utf8_id(ident), exc


def _json_id(value: Any) -> str | int | float:
    """A JSONL row's id: a string (see _utf8_id) or a finite number; anything else (an object, a
    list, true, NaN) cannot be written back as the id of a CSV row or of valid JSON."""
    if isinstance(value, str):
        return _utf8_id(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, float) or not math.isfinite(value):
        raise InputError("id", f"must be a string or a finite number, got {json.dumps(value, ensure_ascii=True)[:60]}")
    return value


def _utf8_id(ident: Any) -> Any:
    """The id with any character that UTF-8 cannot carry (bytes of a row that was not UTF-8, a JSON
    "\\ud800") replaced by U+FFFD, so that its record can be written."""
    if isinstance(ident, str) and not _is_utf8(ident):
        try:  # the bytes of the input, kept as U+DC80..U+DCFF on reading
            raw = ident.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # other surrogates
            raw = ident.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "replace")
    return ident


def _is_utf8(text: str) -> bool:
    """False if the text holds bytes that were not UTF-8 (kept as lone surrogates on reading)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _solve_chunk(chunk: _Chunk) -> _ChunkOut:
    """Parse, solve and serialise one chunk (runs in a worker process)."""
    parsed = [_parse(chunk.kind, chunk.header, raw, chunk.first_row + k, chunk.launch_time)
              for k, raw in enumerate(chunk.rows)]
    scenarios = [s for _, s in parsed if isinstance(s, dict)]
    solved = iter(simulate_many(scenarios, errors="return"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n") if chunk.out_format == "csv" else None
    ok = failed = 0
    first_error = None
    for k, (ident, item) in enumerate(parsed):
        row = chunk.first_row + k
        result = next(solved) if isinstance(item, dict) else item
        if isinstance(result, JalertError):
            failed += 1
            if first_error is None:
                first_error = (row, ident, str(result))
        else:
            ok += 1
        if writer is not None:
            writer.writerow(csv_row(ident, row, result))
        else:
            buffer.write(json_record(ident, row, result, track=chunk.track))
            buffer.write("\n")
    return _ChunkOut(buffer.getvalue(), ok, failed, first_error)


# --------------------------------------------------------------------------- records


def json_record(ident: Any, row: int, result: SimulationResult | JalertError, *, track: bool = False) -> str:
    """One JSONL line (without the newline): the ``run`` document plus id and row, or the error."""
    if isinstance(result, JalertError):
        doc: dict[str, Any] = {"id": ident, "row": row, "error": str(result)}
    else:
        doc = {"id": ident, "row": row, **result.to_dict(track=track)}
    dumps = _orjson_dumps() if type(ident) in (str, int) else None  # (a float id may be NaN: json writes NaN)
    if dumps is not None:
        try:
            data = dumps(doc)
        except TypeError:  # a lone surrogate, an integer beyond 64 bits, a type orjson does not know
            pass
        else:
            if not (_ORJSON_EXPONENT.search(data) or _orjson_decimals(data)):
                return data.decode()
    return _json_dumps(doc)


def _json_dumps(doc: Any) -> str:
    """The text of a JSONL record: compact JSON, UTF-8 as it is."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


#: Where orjson writes a float otherwise than json (which writes repr): with a one-digit exponent
#: (2.5e-7 for 2.5e-07), or below 1e-4 in decimals (0.00001 for 1e-05: _orjson_decimals).
_ORJSON_EXPONENT = re.compile(rb"e-[0-9](?![0-9])")  # a literal start: scans as fast as ``in``


def _orjson_decimals(data: bytes) -> bool:
    """True if orjson wrote a number as 0.0000... (a number starts after ':', ',' or '[')."""
    at = data.find(b"0.0000")
    while at >= 0:
        start = at - 1 if data[at - 1:at] == b"-" else at
        if data[start - 1:start] in (b":", b",", b"["):
            return True
        at = data.find(b"0.0000", at + 6)
    return False


@cache
def _orjson_dumps() -> Callable[[Any], bytes] | None:
    """orjson.dumps if it is installed and writes what :func:`_json_dumps` writes, else None.

    It serialises a record ~8x faster than json (~10 us instead of ~90 us for a 4.7 kB
    record), a large part of the batch's time per scenario. Its text is json's for
    strings, integers, true/false/null and floats, except the float forms that
    _ORJSON_EXPONENT and _orjson_decimals find (json_record then asks json) and NaN/infinity, which it
    writes as null: records have none (inputs must be finite numbers, the solver's
    columns turn them into null). The probe below checks the rest of that claim for the
    installed version (before 3.11.7 orjson wrote 1e16 as 1e16, json writes 1e+16).
    """
    try:
        import orjson
    except ImportError:
        return None
    probe = {
        "text": "日本の東約2,910km \"\\/\n\r\t\b\f\x00\x1f\x7f\u2028\u2029😀",
        "floats": [0.1, -0.0, 1.0, 123456.789, 1e-4, 1.4e-12, 1e16, 1.2e30, -3.5e+300, 5e-324,
                   1.7976931348623157e308, 1190.0601858664338, 9007199254740993.0],
        "ints": [0, -1, 2**63 - 1, -(2**63)],
        "other": [True, False, None, [], {}],
    }
    return orjson.dumps if orjson.dumps(probe) == _json_dumps(probe).encode() else None


# --------------------------------------------------------------------------- the batch


@contextmanager
def _open_output(destination: str | os.PathLike[str] | IO[str] | None) -> Iterator[IO[str]]:
    """stdout, a caller's stream, or a file written whole or not at all (temp file + rename).
    A file that cannot be created, written or put in place (a directory, a full disk) is an
    InputError on ``output``, raised before any work where it can be seen then."""
    if destination is None or (isinstance(destination, str) and destination == "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    if not isinstance(destination, (str, os.PathLike)):
        if not callable(getattr(destination, "write", None)) or isinstance(destination, (io.RawIOBase, io.BufferedIOBase)):
            raise InputError("output", f"expected a path, '-', None or a text stream, got {type(destination).__name__}")
        yield destination
        return
    from ..exports.files import atomic_open

    name = str(destination)
    opened = atomic_open(destination)
    try:
        handle = opened.__enter__()
    except OSError as exc:
        raise _output_error(name, exc) from None
    try:
        yield _OutputFile(handle, name)
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
    """The -o file's handle, whose write failures (ENOSPC, EIO) are errors about the output."""

    def __init__(self, handle: IO[str], name: str):
        self._handle, self._name = handle, name

    def write(self, text: str) -> int:
        try:
            return self._handle.write(text)
        except OSError as exc:
            raise _output_error(self._name, exc) from None


def _chunks(source: _Source, chunk_size: int, out_format: str, track: bool, launch_time: str) -> Iterator[_Chunk]:
    rows = source.rows()
    first = 1
    while True:
        block = []
        for raw in rows:
            block.append(raw)
            if len(block) == chunk_size:
                break
        if not block:
            return
        yield _Chunk(source.kind, source.header, first, block, out_format, track, launch_time)
        first += len(block)


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
) -> BatchSummary:
    """Simulate every row of ``source`` and write one record per row to ``destination``.

    ``source``: a path, ``"-"`` for stdin, or an open file (binary or text). The format
    is taken from the extension (.csv, .jsonl/.ndjson/.json), else from the content.
    ``destination``: a path (written whole or not at all), ``"-"``/None for stdout, or
    an open text stream. ``format``: "jsonl" or "csv". ``jobs``: worker processes
    (default: the CPUs this process may use; 1 = no subprocess). ``launch_time``: for
    rows without one (default: now). ``progress(rows_done, bytes_read, bytes_total)``
    is called after each chunk.

    Rows that cannot be simulated become error records; an unreadable input raises
    :class:`~jalert_sim.errors.InputError` (the CLI's exit code 2).
    """
    if format not in FORMATS:
        raise InputError("format", f"expected one of {', '.join(FORMATS)}, got {format!r}")
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, numbers.Integral) or not 1 <= jobs <= MAX_JOBS:
        raise InputError("jobs", f"expected a whole number of worker processes from 1 to {MAX_JOBS}, got {jobs!r}")
    jobs = int(jobs)
    when = parse_time(launch_time).isoformat()
    started = time.perf_counter()
    src = _Source(source, input_format)
    total = ok = failed = 0
    first_error = None
    try:
        with _open_output(destination) as out:
            if format == "csv":
                out.write(",".join(CSV_COLUMNS) + "\n")
            parts = _solve_all(_chunks(src, chunk_size, format, track, when), jobs)
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
    finally:
        src.close()
    return BatchSummary(total, ok, failed, time.perf_counter() - started, first_error)


def _solve_all(chunks: Iterator[_Chunk], jobs: int) -> Iterator[_ChunkOut]:
    """The chunks solved, in order: in this process, or over ``jobs`` forked workers."""
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if jobs == 1 or second is None:  # one chunk: workers would only cost their start-up
        yield _solve_chunk(first)
        if second is not None:
            yield _solve_chunk(second)
            for chunk in chunks:
                yield _solve_chunk(chunk)
        return
    yield from _Workers(jobs).run(_chain(first, second, chunks))


class _Workers:
    """Forked worker processes, one pipe each, one chunk each at a time, results in input order.

    Deliberately simpler than multiprocessing.Pool: no feeder threads, so nothing can block
    on a full pipe when the batch is interrupted, and stopping is killing our own children.
    A worker is sent its next chunk only after its result has been read, so neither side ever
    waits on the other with a full pipe. Results are read from whichever worker finishes
    first (a worker never idles behind a slower one) and handed out in input order; a worker
    is not given a chunk more than _LEAD chunks ahead of the next one to hand out, so the
    results held back stay few.
    """

    #: How many chunks, per worker, may be in flight or held back beyond the next one out.
    _LEAD = 2

    def __init__(self, jobs: int):
        import multiprocessing as mp

        _warm_up()  # load the geography once, before forking, so the workers share it
        self.jobs = jobs
        self.context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else None)
        self.procs, self.conns = [], []

    def _start(self) -> Any:
        """One more worker (they are started as chunks need them: a short input never forks more
        workers than it has chunks); its end of the pipe."""
        try:
            mine, theirs = self.context.Pipe()
        except OSError as exc:
            raise InputError("jobs", f"cannot start worker process {len(self.procs) + 1}: {exc.strerror or exc} "
                             "(ask for fewer)") from None
        proc = self.context.Process(target=_worker_main, args=(theirs, mine), daemon=True)
        self.conns.append(mine)
        try:
            proc.start()
        except OSError as exc:
            theirs.close()
            raise InputError("jobs", f"cannot start worker process {len(self.procs) + 1}: {exc.strerror or exc} "
                             "(ask for fewer)") from None
        self.procs.append(proc)
        theirs.close()
        return mine

    def run(self, chunks: Iterator[_Chunk]) -> Iterator[_ChunkOut]:
        from multiprocessing.connection import wait

        lead = self._LEAD * self.jobs
        working: dict[Any, int] = {}  # connection -> number of the chunk it is solving
        idle: list[Any] = []
        done: dict[int, _ChunkOut] = {}  # results that came in before an earlier one
        sent = handed = 0
        more = True
        try:
            while True:
                while more and (idle or len(self.conns) < self.jobs) and sent - handed < lead:
                    chunk = next(chunks, None)
                    if chunk is None:
                        more = False
                        break
                    conn = idle.pop() if idle else self._start()
                    conn.send(chunk)
                    working[conn] = sent
                    sent += 1
                if not working:
                    break
                for conn in wait(list(working)):
                    status, value = conn.recv()
                    if status != "ok":
                        raise value
                    done[working.pop(conn)] = value
                    idle.append(conn)
                while handed in done:
                    yield done.pop(handed)
                    handed += 1
            for conn in self.conns:
                conn.send(None)
            for proc in self.procs:
                proc.join()
        finally:
            for proc in self.procs:
                if proc.is_alive():
                    proc.terminate()
                    proc.join()
            for conn in self.conns:
                conn.close()


def _worker_main(conn, parent_end) -> None:
    import signal

    parent_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            chunk = conn.recv()
        except EOFError:
            return
        if chunk is None:
            return
        try:
            conn.send(("ok", _solve_chunk(chunk)))
        except Exception as exc:  # a bug: hand it to the parent, which raises it
            try:
                conn.send(("error", exc))
            except Exception:  # noqa: BLE001  (not picklable)
                conn.send(("error", RuntimeError(f"worker failed: {exc!r}")))


def _chain(first: _Chunk, second: _Chunk, rest: Iterator[_Chunk]) -> Iterator[_Chunk]:
    yield first
    yield second
    yield from rest


def _warm_up() -> None:
    simulate_many([{"launch": (39.0, 125.7), "azimuth_deg": 80.0, "apogee_km": 600.0}], errors="return")
    _orjson_dumps()
