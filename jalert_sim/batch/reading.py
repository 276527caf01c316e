"""Reading a batch's input as a stream of raw rows: CSV or JSON Lines, from a file, stdin or a
script's stream.

Memory stays flat whatever the input: lines are read at most :data:`MAX_LINE_CHARS` at a time,
and a longer one is skipped to its end and stands for its row's error (:class:`LongLine`).
Rows are handed out raw (CSV field lists, JSONL lines); ``parsing.parse_row`` parses them
where they are solved, in the workers.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import InputError
from .fields import ALIASES, FIELDS

#: The input formats a batch reads (the output formats are ``exports.formats``'s).
INPUT_FORMATS = ("jsonl", "csv")
#: Longest input line read as a row; a longer one is that row's error (memory stays flat).
MAX_LINE_CHARS = 1 << 20


class LongLine(str):
    """Stands for an input line longer than MAX_LINE_CHARS (its row's error); its text is the
    line's first 100 characters (never empty, so it does not end the input)."""


#: Lines from this long take the csv module (whose fields have a size limit, and its error).
_PLAIN_MAX_CHARS = 4096


def csv_fields(line: str) -> list[str] | str:
    """The fields of one line of CSV, or what is wrong with it.

    One line is one row: no field of ours holds a line break, and a quote left open must
    not swallow the rows after it (the csv module would carry the field on to the next
    line, and every good row up to the next quote would be lost in one bad record).

    A line without a quote, a NUL or a line break but at its end (every line of a usual input)
    is split at its commas: the csv module's fields for it, without a reader made for each line
    (0.4 against 1.0 us a row of the parent's CPU, which shares the cores with the workers)."""
    if '"' not in line and len(line) < _PLAIN_MAX_CHARS:
        body = line[:-2] if line.endswith("\r\n") else line[:-1] if line.endswith(("\n", "\r")) else line
        if "\r" not in body and "\n" not in body and "\0" not in body:
            return body.split(",") if body else []
    if not line.endswith(("\n", "\r")):  # the last line: end it, so that an open quote shows
        line += "\n"
    try:
        fields = next(csv.reader((line,)), [])
    except csv.Error as exc:
        return str(exc)
    if fields and fields[-1].endswith(("\n", "\r")):
        return "a quoted field is not closed on its line"
    return fields


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


def _keep_bad_units(exc: UnicodeError) -> tuple[str, int]:
    """Decoding's error handler: what cannot be decoded (invalid UTF-8 bytes, a lone UTF-16
    surrogate, an odd byte at the end of UTF-16) is kept as lone surrogates, one per byte, as
    Python's "surrogateescape" does for UTF-8 alone. The row that holds them is an error record;
    the rows around it are read as usual."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return "".join(chr(0xDC00 + b) for b in bad), exc.end


#: The decoding error handler of a batch's input (codecs' registry is keyed by name, once per process).
_ERRORS = "jalert_sim.keep_bad_units"
codecs.register_error(_ERRORS, _keep_bad_units)


def _open_binary(source: str | os.PathLike[str] | IO[Any]) -> tuple[IO[Any], str | None]:
    """The stream to read ``source`` from (a path opened, stdin for '-', a script's stream as it
    is), and the file's name (None for a stream)."""
    if isinstance(source, (str, os.PathLike)) and str(source) != "-":
        name = str(source)
        try:
            return open(source, "rb"), name  # noqa: SIM115  (closed by Source.close())
        except OSError as exc:
            raise InputError("input", f"cannot read {name!r}: {exc.strerror}") from None
    if isinstance(source, (str, os.PathLike)):
        if sys.stdin is None:  # (started with its file descriptor closed: `<&-`)
            raise InputError("input", "cannot read standard input: it is closed")
        return getattr(sys.stdin, "buffer", sys.stdin), None
    if not callable(getattr(source, "readline", None)):
        raise InputError("input", f"expected a path, '-' or an open file, got {type(source).__name__}")
    return source, None  # a script's stream: text is read as it is, bytes are decoded below


class Source:
    """An input opened for streaming: its kind ("jsonl" or "csv"), CSV header, and a row iterator."""

    def __init__(self, source: str | os.PathLike[str] | IO[Any], input_format: str | None = None):
        binary, name = _open_binary(source)
        self._close: IO[Any] | None = binary if name else None
        self.binary = binary
        try:
            self.size = os.fstat(binary.fileno()).st_size if name else None
        except (OSError, AttributeError, ValueError):
            self.size = None
        self.encoding = "UTF-8"
        if isinstance(binary, io.TextIOBase):  # a text stream from a script
            text = binary
        else:
            # Bytes that cannot be decoded survive as lone surrogates; the row that has them is rejected.
            encoding = _encoding(binary)
            self.encoding = "UTF-16" if encoding == "utf-16" else "UTF-8"
            text = io.TextIOWrapper(binary, encoding=encoding, errors=_ERRORS, newline="")
        self.text = text
        self._pending: list[str] = []
        self.header: tuple[str, ...] | None = None
        try:
            self.kind = input_format or self._detect(name)
            if self.kind not in INPUT_FORMATS:
                raise InputError("input", f"unknown input format {self.kind!r} (expected jsonl or csv)")
            if self.kind == "csv":
                self.header = self._read_header()
        except BaseException:  # (a rejected header: the file is not read further)
            self.close()
            raise

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
        its end and given as a LongLine, so that memory stays flat whatever the input. A read that
        fails, first or mid-way (EIO from a disk or a terminal, a stream closed under us), is an
        InputError: the input cannot be read."""
        try:
            line = self.text.readline(MAX_LINE_CHARS + 1)
            if len(line) <= MAX_LINE_CHARS or line.endswith("\n"):
                return line
            head = LongLine(line[:100])
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
        header = csv_fields(header)
        if isinstance(header, str):
            raise InputError("input", f"unreadable CSV header: {header}")
        return _check_header(header)

    def rows(self) -> Iterator[Any]:
        """CSV: lists of fields ([] for a blank line) or a csv.Error text; JSONL: lines; either: a
        LongLine for a line too long to read."""
        if self.kind == "jsonl":
            for line in self._lines():
                yield line if isinstance(line, LongLine) else line.rstrip("\r\n")
            return
        if self.header is None:
            return
        for line in self._csv_lines:
            if isinstance(line, LongLine):
                yield line
                continue
            fields = csv_fields(line)
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


def _check_header(header: list[str]) -> tuple[str, ...]:
    """The CSV header's column names (trimmed, lower case); InputError for an unknown or repeated
    column, or one the scenarios need that is missing."""
    names = tuple(h.strip().lstrip("\ufeff").strip().lower() for h in header)
    unknown = [h for h in names if ALIASES.get(h, h) not in FIELDS]
    if unknown and "\x00" in "".join(header):
        raise InputError("input", "the CSV header is full of NUL characters: UTF-16 without a byte-order mark? "
                                  "Save the file as UTF-8")
    if unknown:
        raise InputError("input", f"unknown column {unknown[0]!r} in the CSV header (known: {', '.join(FIELDS)})")
    canonical = [ALIASES.get(h, h) for h in names]
    dupes = sorted({h for h in canonical if canonical.count(h) > 1})
    if dupes:
        raise InputError("input", f"column {dupes[0]!r} appears twice in the CSV header")
    need = [("launch", "launch (or lat and lon)")] if not {"lat", "lon"} <= set(canonical) else []
    need += [("azimuth", "azimuth"), ("apogee", "apogee")]
    for field, label in need:
        if field not in canonical:
            raise InputError("input", f"the CSV header has no {label} column")
    return names
