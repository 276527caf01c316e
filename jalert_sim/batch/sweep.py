"""``run_sweep``: every point of a grid solved in chunks (over the batch's workers), optionally
written one row per point with the columns of ``batch`` (CSV or Parquet), and summarised."""

from __future__ import annotations

import os
from typing import IO, Any, NamedTuple

import numpy as np

from ..errors import InputError
from ..exports.csv import SCENARIO_COLUMNS, table_csv
from ..simulation.sweep import MAX_POINTS, Grid, SweepSummary, check_grid, solve_points, tally_points
from ..simulation.table import Scenario
from .chunks import parquet_part
from .ensemble import run_blocks, scheduled
from .run import DEFAULT_CHUNK_SIZE, _check_parquet, _jobs, _open_output, _ParquetOut

#: The largest grid on a Dask cluster: the summary keeps each point's status and warned set here
#: (~50 bytes a point: 0.5 GB at this size), whatever runs the points.
MAX_CLUSTER_POINTS = 10_000_000

#: The formats of a sweep's -o file.
FORMATS = ("csv", "parquet")


class PointChunk(NamedTuple):
    """Points ``start`` to ``stop`` - 1 of a grid: what a worker is sent."""

    grid: Grid
    bases: list[Scenario]
    start: int
    stop: int
    out_format: str | None


def _solve(chunk: PointChunk):
    table = solve_points(chunk.grid, chunk.bases, chunk.start, chunk.stop, detail=chunk.out_format is not None)
    rows = list(range(chunk.start + 1, chunk.stop + 1))
    text: Any = None
    if chunk.out_format == "csv":
        text = table_csv(table, rows, rows)
    elif chunk.out_format == "parquet":
        text = parquet_part(table, rows, rows)
    return (*tally_points(table), text)


def output_format(destination: str | os.PathLike[str] | None) -> str | None:
    """The -o file's format from its name (.csv or .parquet); None for no file."""
    if destination is None:
        return None
    name = str(destination).lower()
    for fmt in FORMATS:
        if name.endswith("." + fmt):
            return fmt
    raise InputError("output", f"a sweep writes FILE.csv or FILE.parquet, got {str(destination)!r}")


def run_sweep(grid: Grid, destination: str | os.PathLike[str] | IO[str] | None = None, *, format: str | None = None,
              jobs: int | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE, force: bool = False,
              max_points: int | None = None, scheduler: str | None = None,
              connect_timeout_s: float | None = None) -> SweepSummary:
    """Solve every point of ``grid``; write one row per point (the columns of ``batch``: id and
    row are the point's number, from 1) to ``destination`` in ``format`` ("csv" or "parquet";
    default from the file's name) if given; return the :class:`~jalert_sim.simulation.sweep.SweepSummary`.
    ``scheduler``: run the chunks on a Dask cluster (its address, or "local"), where a grid may
    have up to ``MAX_CLUSTER_POINTS``."""
    check_grid(grid, max_points or (MAX_POINTS if scheduler is None else MAX_CLUSTER_POINTS))
    fmt = format or (output_format(destination) if isinstance(destination, (str, os.PathLike)) else
                     None if destination is None else "csv")
    if fmt is not None and fmt not in FORMATS:
        raise InputError("format", f"expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "parquet":
        _check_parquet(destination)
    jobs = _jobs(jobs)
    bases = grid.bases()
    chunks = (PointChunk(grid, bases, a, min(a + chunk_size, grid.size), fmt) for a in range(0, grid.size, chunk_size))
    ok, warned, infeasible = [], [], {}
    with scheduled(scheduler, jobs, connect_timeout_s, grid.size) as client:
        if destination is None:
            _collect(run_blocks(chunks, _solve, jobs, client), None, ok, warned, infeasible)
        else:
            with _open_output(destination, force, binary=fmt == "parquet") as out:
                if fmt == "csv":
                    out.write(",".join(SCENARIO_COLUMNS) + "\n")
                else:
                    out = _ParquetOut(out)
                _collect(run_blocks(chunks, _solve, jobs, client), out, ok, warned, infeasible)
                if fmt == "parquet":
                    out.close()
    return SweepSummary(grid, np.concatenate(ok), np.concatenate(warned),
                        dict(sorted(infeasible.items(), key=lambda kv: (-kv[1], kv[0]))))


def _collect(parts, out, ok: list, warned: list, infeasible: dict) -> None:
    try:
        for part_ok, part_warned, part_infeasible, text in parts:
            ok.append(part_ok)
            warned.append(part_warned)
            for reason, count in part_infeasible.items():
                infeasible[reason] = infeasible.get(reason, 0) + count
            if out is not None:
                out.write(text)
    finally:
        parts.close()
