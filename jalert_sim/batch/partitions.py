"""A batch's input cut into partitions that workers on other machines read and solve themselves.

A partition names where its rows are, not the rows: a byte range of a CSV or JSONL file (cut at
line ends, as ``dask.bytes`` cuts text), or row groups of a Parquet file. The client plans the
partitions from the files' sizes and metadata; each worker opens the path itself (local paths
on storage that every machine mounts, or fsspec URLs such as ``s3://``), parses its rows exactly
as the local batch does (``reading``, ``parsing``: the same rows, errors and row numbers) and
solves them in one call of the engine (``chunks.solve_parsed``).

Text partitions are counted first (one pass over the file, on the workers) so that each knows
the number of its first row: a row's default id is its number.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from typing import Any

from ..errors import InputError
from .chunks import ChunkOut, Settings, parquet_options, solve_parsed
from .columnar import parse_csv_rows
from .parsing import parse_fields, parse_row
from .reading import INPUT_FORMATS, Source, _check_header

#: Bytes of a text input read on the client to plan its partitions (kind, header, line length).
HEAD_BYTES = 1 << 20


@dataclass(frozen=True)
class Part:
    """One partition: rows ``first_row``.. of ``path``. Text: the lines that start in the byte range
    [offset, offset + length) (length None: the whole file), with the CSV header line prepended to
    every range but the first. Parquet: the file's row groups ``groups``."""

    index: int
    path: str
    first_row: int = 1
    offset: int = 0
    length: int | None = None
    header: bytes = b""
    groups: tuple[int, ...] = ()


def _fs(path: str):
    """The fsspec filesystem of ``path`` (a local path or a URL) and the path within it."""
    import fsspec.core

    return fsspec.core.url_to_fs(path)


def plan_text(path: str, input_format: str | None, partition_rows: int) -> tuple[list[Part], Source]:
    """The partitions of a CSV or JSONL file (their first rows not yet known), and its head read
    as a Source (kind, header, encoding), which raises InputError for an unusable header. UTF-16
    is not cut (its line ends are two bytes): one partition."""
    fs, inner = _fs(path)
    try:
        size = fs.size(inner)
        with fs.open(inner, "rb") as f:
            head = f.read(HEAD_BYTES)
    except (OSError, ValueError) as exc:
        raise InputError("input", f"cannot read {path!r}: {getattr(exc, 'strerror', None) or exc}") from None
    if input_format is None:
        suffix = re.sub(r".*(\.[^./]*)$", r"\1", inner.lower())
        input_format = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}.get(suffix)
    source = Source(io.BufferedReader(io.BytesIO(head)), input_format)
    if source.encoding == "UTF-16" or size <= len(head) and b"\n" not in head[:-1]:
        return [Part(0, path)], source
    header = head[:head.index(b"\n") + 1] if source.kind == "csv" and b"\n" in head else b""
    lines = max(head.count(b"\n"), 1)
    block = max(int(len(head) / lines * partition_rows), 1)
    parts = [Part(k, path, offset=offset, length=block, header=header if k else b"")
             for k, offset in enumerate(range(0, size, block))]
    return parts or [Part(0, path)], source


def plan_parquet(path: str, partition_rows: int) -> tuple[list[Part], tuple[str, ...]]:
    """The partitions of a Parquet file, a directory of them (``*.parquet`` inside, in natural
    order: part.2 before part.10) or a glob, with their first rows (from the files' metadata: no
    row is read), and the column names, checked as a CSV header is. Row groups are not split."""
    import pyarrow.parquet as pq

    fs, inner = _fs(path)
    try:
        if any(c in inner for c in "*?["):
            files = fs.glob(inner)
        elif fs.isdir(inner):
            files = [f for f in fs.find(inner) if f.endswith((".parquet", ".parq"))]
        else:
            files = [inner] if fs.exists(inner) else []
        if not files:
            raise InputError("input", f"no Parquet file at {path!r}")
        files = sorted(files, key=_natural)
        parts: list[Part] = []
        names: tuple[str, ...] | None = None
        row = 1
        for name in files:
            with fs.open(name, "rb") as f:
                meta = pq.ParquetFile(f).metadata
                columns = tuple(meta.schema.to_arrow_schema().names)
            if names is None:
                names = columns
            elif columns != names:
                raise InputError("input", f"{name!r} has the columns {', '.join(columns)}, not those of "
                                          f"{files[0]!r}: {', '.join(names)}")
            url = fs.unstrip_protocol(name) if "://" in path else name
            groups: list[int] = []
            count = 0
            for g in range(meta.num_row_groups):
                groups.append(g)
                count += meta.row_group(g).num_rows
                if count >= partition_rows or g == meta.num_row_groups - 1:
                    parts.append(Part(len(parts), url, first_row=row, groups=tuple(groups)))
                    row += count
                    groups, count = [], 0
    except (OSError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError("input", f"cannot read {path!r} as Parquet: {getattr(exc, 'strerror', None) or exc}") from None
    return parts, parquet_columns(list(names or ()))


def parquet_columns(names: list[str]) -> tuple[str, ...]:
    """The column names of a table of scenarios, checked as a CSV header's are (and made lower case)."""
    try:
        return _check_header(list(names))
    except InputError as exc:
        raise InputError("input", str(exc).removeprefix("input: ").replace("in the CSV header", "among the Parquet columns")
                         .replace("the CSV header", "the Parquet columns")) from None


def _natural(name: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _text_rows(part: Part, kind: str) -> Source:
    """The part's lines as a Source (the CSV header prepended to a range that is not the first)."""
    from fsspec.utils import read_block

    fs, inner = _fs(part.path)
    with fs.open(inner, "rb") as f:
        data = f.read() if part.length is None else read_block(f, part.offset, part.length, b"\n")
    return Source(io.BufferedReader(io.BytesIO(part.header + data)), kind)


def count_rows(part: Part, kind: str) -> int:
    """The number of rows in a text partition (runs on a worker)."""
    return sum(1 for _ in _text_rows(part, kind).rows())


def number_parts(parts: list[Part], counts: list[int]) -> list[Part]:
    """The text partitions with their first rows, from the counts of their rows."""
    out, row = [], 1
    for part, count in zip(parts, counts):
        out.append(replace(part, first_row=row))
        row += count
    return out


def parse_part(part: Part, settings: Settings) -> list[tuple[Any, Any]]:
    """The partition's rows parsed: (id, scenario or error) each, as the local batch parses them."""
    if settings.kind in INPUT_FORMATS:
        source = _text_rows(part, settings.kind)
        if settings.kind == "csv":  # a column at a time, as a local batch's chunk
            return parse_csv_rows(source.header, list(source.rows()), part.first_row, settings.launch_time,
                                  settings.encoding)
        return [parse_row(settings.kind, source.header, raw, part.first_row + k, settings.launch_time,
                          settings.encoding) for k, raw in enumerate(source.rows())]
    import pyarrow.parquet as pq

    fs, inner = _fs(part.path)
    with fs.open(inner, "rb") as f:
        table = pq.ParquetFile(f).read_row_groups(list(part.groups))
    return parse_records(table, part.first_row, settings.launch_time)


def parse_records(table, first_row: int, launch_time: str) -> list[tuple[Any, Any]]:
    """A pyarrow.Table of scenarios (the batch's fields as columns; null: absent) parsed, its rows
    numbered from ``first_row``."""
    names = parquet_columns(table.column_names)
    rows = table.rename_columns(list(names)).to_pylist()
    return [parse_fields(fields, first_row + k, launch_time) for k, fields in enumerate(rows)]


def solve_columns(columns: Any, first_row: int, launch_time: str, *, out_format: str = "parquet",
                  dataset: str | None = None, index: int = 0) -> ChunkOut:
    """The engine over one partition of scenario columns (a pyarrow.Table, or a mapping of column
    name -> values: the batch's fields, None absent), its rows numbered from ``first_row``: what an
    ensemble or a sweep maps over its partitions on a cluster (``cluster.map_parts``). With
    ``dataset``, written there as the Parquet file number ``index`` (see :func:`write_part`)."""
    import pyarrow as pa

    table = columns if isinstance(columns, pa.Table) else pa.table(dict(columns))
    out = solve_parsed(parse_records(table, first_row, launch_time),
                       list(range(first_row, first_row + table.num_rows)), out_format)
    if dataset is None:
        return out
    write_part(out.text, dataset, index)
    return ChunkOut(None, out.ok, out.failed, out.first_error)


def solve_part(part: Part, settings: Settings, dataset: str | None = None) -> ChunkOut:
    """Read, parse and solve one partition (runs on a worker). With ``dataset`` (a directory), its
    Parquet table is written there as ``part.NNNNN.parquet`` and not returned."""
    parsed = parse_part(part, settings)
    out = solve_parsed(parsed, list(range(part.first_row, part.first_row + len(parsed))),
                       settings.out_format, settings.track)
    if dataset is None:
        return out
    write_part(out.text, dataset, part.index)
    return ChunkOut(None, out.ok, out.failed, out.first_error)


def write_part(table, dataset: str, index: int) -> None:
    """``table`` written as the dataset's file number ``index``: to a name of its own first, then
    renamed, so that a task run twice (a worker lost and its task rerun) leaves one whole file."""
    import uuid

    import pyarrow.parquet as pq

    fs, inner = _fs(dataset)
    final = f"{inner}/part.{index:05d}.parquet"
    temporary = f"{inner}/.part.{index:05d}.{uuid.uuid4().hex}.tmp"
    with fs.open(temporary, "wb") as f:
        pq.write_table(table, f, **parquet_options(table.schema))
    fs.mv(temporary, final)
