"""Chunks: input rows read together, then parsed, solved and written together.

A chunk is the unit of work of a batch and what a worker process is sent: rows as read (not
yet parsed, so that reading stays cheap in the parent), with the settings every chunk of the
batch shares. Solving one gives the output text of its rows, in order, and their tally.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..errors import JalertError
from ..exports.csv import scenario_row
from ..simulation.api import simulate_many
from .parsing import parse_row
from .reading import Source
from .records import json_record


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
    out_format: str  # "jsonl" | "csv"
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
    """A chunk solved: the output text of its rows, how many were simulated and how many failed."""

    text: str
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
    parsed = [parse_row(s.kind, s.header, raw, chunk.first_row + k, s.launch_time, s.encoding)
              for k, raw in enumerate(chunk.rows)]
    scenarios = [scenario for _, scenario in parsed if isinstance(scenario, dict)]
    solved = iter(simulate_many(scenarios, errors="return"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n") if s.out_format == "csv" else None
    ok = failed = 0
    first_error = None
    for k, (ident, item) in enumerate(parsed):
        row = chunk.first_row + k
        result = next(solved) if isinstance(item, dict) else item
        if isinstance(result, JalertError):
            failed += 1
            if first_error is None:
                first_error = RowError(row, ident, str(result))
        else:
            ok += 1
        if writer is not None:
            writer.writerow(scenario_row(ident, row, result))
        else:
            buffer.write(json_record(ident, row, result, track=s.track))
            buffer.write("\n")
    return ChunkOut(buffer.getvalue(), ok, failed, first_error)
