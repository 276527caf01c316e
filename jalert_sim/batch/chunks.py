"""Chunks: input rows read together, then parsed, solved and written together.

A chunk is the unit of work of a batch and what a worker process is sent: rows as read (not
yet parsed, so that reading stays cheap in the parent), with the settings every chunk of the
batch shares. Solving one gives the output text of its rows, in order, and their tally.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..errors import JalertError
from ..exports.csv import table_csv
from ..simulation.api import prepare, solve_table
from ..simulation.table import Scenario
from .columnar import parse_csv_rows
from .parsing import parse_row
from .reading import Source
from .records import document_bytes


class RowError(NamedTuple):
    """A row that could not be simulated: its number (1-based), its id, the error message."""

    row: int
    id: Any
    message: str


@dataclass(frozen=True)
class Settings:
    """What every chunk of one batch shares."""

    kind: str  # the input: "csv" | "jsonl"
    header: tuple[str, ...] | None  # the CSV header's column names
    out_format: str  # "jsonl" | "csv" | "parquet"
    track: bool  # JSONL records with the track samples
    launch_time: str  # ISO 8601, for rows without one
    encoding: str = "UTF-8"  # the input's, as its rows' errors name it: "UTF-8" | "UTF-16"


@dataclass(frozen=True)
class Chunk:
    """Rows as read, not yet parsed: CSV field lists (or a csv error text), or JSONL lines."""

    settings: Settings
    first_row: int  # 1-based number of the first data row
    rows: list[Any]


@dataclass(frozen=True)
class ChunkOut:
    """A chunk solved: the output text of its rows (JSONL: UTF-8 bytes; Parquet: a pyarrow.Table),
    how many were simulated and how many failed."""

    text: Any
    ok: int
    failed: int
    first_error: RowError | None


def read_chunks(source: Source, settings: Settings, chunk_size: int) -> Iterator[Chunk]:
    """The rows of ``source``, ``chunk_size`` at a time (the last chunk may have fewer)."""
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
        yield Chunk(settings, first, block)
        first += len(block)


def solve_chunk(chunk: Chunk) -> ChunkOut:
    """Parse, solve and serialise one chunk (runs in a worker process)."""
    s = chunk.settings
    with _collector_paused():
        if s.kind == "csv":  # a column at a time (columnar.py), what parse_row and prepare give
            parsed = parse_csv_rows(s.header, chunk.rows, chunk.first_row, s.launch_time, s.encoding)
        else:
            parsed = [parse_row(s.kind, s.header, raw, chunk.first_row + k, s.launch_time, s.encoding)
                      for k, raw in enumerate(chunk.rows)]
        return solve_parsed(parsed, list(range(chunk.first_row, chunk.first_row + len(parsed))), s.out_format, s.track)


def solve_parsed(parsed: list[tuple[Any, Any]], rows: list[int], out_format: str, track: bool = False) -> ChunkOut:
    """Solve rows already parsed, ``(id, scenario keyword arguments, Scenario or JalertError)`` numbered
    ``rows``, and serialise them in ``out_format``: one call of the engine. CSV and Parquet are
    written from the columns of the table; JSONL from its results, made from the columns."""
    with _collector_paused():
        return _solve_parsed(parsed, rows, out_format, track)


def _solve_parsed(parsed: list[tuple[Any, Any]], rows: list[int], out_format: str, track: bool) -> ChunkOut:
    table = solve_table([item if isinstance(item, (JalertError, Scenario)) else prepare(item) for _, item in parsed])
    ids = [ident for ident, _ in parsed]
    failed = sum(e is not None for e in table.error)
    first = next((k for k, e in enumerate(table.error) if e is not None), None)
    first_error = None if first is None else RowError(rows[first], ids[first], table.error[first])
    if out_format == "csv":
        text: Any = table_csv(table, ids, rows)
    elif out_format == "parquet":
        text = parquet_part(table, ids, rows)
    else:
        text = _jsonl(table, ids, rows, track)
    return ChunkOut(text, len(parsed) - failed, failed, first_error)


def _jsonl(table, ids: list[Any], rows: list[int], track: bool) -> bytes:
    """The JSONL records of a table's scenarios in UTF-8: their documents assembled from the table's
    columns (simulation.documents), the text of :func:`json_record` of ``table.results()``; each
    serialised as it is made. Bytes, as orjson writes them: a str would be decoded here, encoded
    again to go to the parent process, decoded there and encoded into the file (~20 us a row)."""
    if not len(table):
        return b""
    texts: list[Any] = [None] * len(table)
    for k, doc, plain in table.iter_documents(track=track):
        texts[k] = document_bytes(ids[k], rows[k], doc, plain)
    texts.append(b"")
    return b"\n".join(texts)


@contextmanager
def _collector_paused():
    """The cyclic garbage collector paused (as it was, after). A chunk makes some hundred thousand
    containers (scenarios; for JSONL results and documents), alive until the chunk is written and
    freed by reference counting, which the collector would traverse again and again as they
    survive its generations: 38 us a JSONL row and 7 us a CSV row (gc.callbacks, benchmark rows).
    The only cycles are bad rows' errors with their tracebacks (~1.5 kB a bad row), collected
    after the chunk."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parquet_options(schema) -> dict[str, Any]:
    """How a batch's Parquet is written: dictionary-encoded where values repeat (the text and list
    columns but ``id``: sites, seas, warned sets, error messages), plain elsewhere. pyarrow's default
    tries a dictionary for every column, and for the per-scenario figures (every value different)
    that is work thrown away: measured on 10,000 typical rows, 2.1 against 1.5 us a row to write
    (the parent's work, beside the workers'), and a file 13 % larger (221 against 196 bytes a row)."""
    import pyarrow as pa

    names = [f.name for f in schema if f.name != "id" and pa.types.is_string(f.type)]
    names += [f"{f.name}.list.element" for f in schema if pa.types.is_list(f.type)]  # (Parquet's leaf path)
    return {"use_dictionary": names}


def empty_part():
    """:func:`parquet_part` of a chunk with no rows: a batch's Parquet columns and types."""
    return parquet_part(solve_table([]), [], [])


def parquet_part(table, ids: list[Any], rows: list[int]):
    """The chunk's rows as a pyarrow.Table: id (text) and row, then the table's columns."""
    import pyarrow as pa

    prefix = {"id": pa.array([str(i) for i in ids], pa.string()), "row": pa.array(rows, pa.int64())}
    return table.to_arrow_with(prefix)
