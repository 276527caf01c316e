"""Scenarios as a ``dask.dataframe.DataFrame``: the Python API of a batch on a Dask cluster.

:func:`simulate_dataframe` maps the engine over the partitions of a DataFrame of scenarios (the
batch's fields as columns, as in a CSV header) and returns a lazy DataFrame of results with the
columns of ``batch --format parquet`` (``id``, ``row``, then the columns of
``ScenarioTable.to_arrow()``), typed as Arrow types (``pandas.ArrowDtype``: nulls, timestamps in
JST, lists of prefecture codes as they are in Parquet). Each partition is one call of the engine.

Rows are numbered from 1 in the DataFrame's order (a ``row`` column, if there is one, gives the
numbers instead, and saves counting the partitions' rows first); a row's id is its ``id`` column,
or its number. A missing value (None, NaN, pandas.NA) is an absent field, as an empty CSV cell is.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..alerting import engine
from ..simulation.api import parse_time
from .chunks import empty_part, solve_parsed
from .partitions import parquet_columns


def result_meta() -> Any:
    """An empty pandas.DataFrame with the result's columns and dtypes (the engine's Arrow schema)."""
    import pandas as pd

    return empty_part().to_pandas(types_mapper=pd.ArrowDtype)


def simulate_dataframe(scenarios: Any, *, launch_time: Any = None) -> Any:
    """The results of the scenarios of ``scenarios`` (a dask.dataframe.DataFrame), lazily: a
    dask.dataframe.DataFrame with one row per scenario, in order, a failed one included (``error``
    its message, the figures null). ``launch_time`` (ISO 8601 or an aware datetime; default now)
    for rows without one. Raises InputError at once for unknown or missing columns."""
    import dask

    from .cluster import require_distributed

    require_distributed()
    when = parse_time(launch_time).isoformat()
    fields = [c for c in scenarios.columns if c != "row"]
    parquet_columns(fields)
    meta = result_meta()
    if "row" in scenarios.columns:
        return scenarios.map_partitions(solve_frame, None, when, meta=meta, enforce_metadata=False)
    lengths = scenarios.map_partitions(len, meta=(None, "int64")).to_delayed()
    firsts = dask.delayed(_first_rows)(lengths)
    return scenarios.map_partitions(solve_frame, firsts, when, meta=meta, enforce_metadata=False)


def _first_rows(lengths: list[Any]) -> list[int]:
    """The number of each partition's first row, from the partitions' lengths."""
    out, row = [], 1
    for n in lengths:
        out.append(row)
        row += int(n.iloc[0] if hasattr(n, "iloc") else n)
    return out


def solve_frame(frame: Any, first_rows: list[int] | None, launch_time: str, partition_info: Any = None) -> Any:
    """One partition (a pandas.DataFrame of scenarios) solved: the pandas.DataFrame of its results.
    ``first_rows[k]`` numbers partition k's first row, unless the frame has a ``row`` column."""
    import pandas as pd
    import pyarrow as pa

    if len(frame) >= engine.LOOK_COMPILED_FROM:  # (large enough for the engine's compiled routes)
        _compiled_apart()
    if "row" in frame.columns:
        rows = [int(r) for r in frame["row"].tolist()]
        frame = frame.drop(columns="row")
    else:
        first = first_rows[partition_info["number"]] if partition_info else 1
        rows = list(range(first, first + len(frame)))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    names = parquet_columns(table.column_names)
    from .parsing import parse_fields

    parsed = [parse_fields(fields, row, launch_time)
              for row, fields in zip(rows, table.rename_columns(list(names)).to_pylist())]
    out = solve_parsed(parsed, rows, "parquet")
    return out.text.to_pandas(types_mapper=pd.ArrowDtype)


@cache
def _compiled_apart() -> None:
    """Once per process: the kernels compiled by a process of their own where numba's cache lacks
    them (workers.compile_without_fork), not by this worker, which would keep the compiler's
    memory. (A worker of a script's own client is not warmed up as ``connect``'s are.)"""
    from .workers import compile_without_fork

    compile_without_fork()
