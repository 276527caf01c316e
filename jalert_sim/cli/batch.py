"""``jalert-sim batch``: many scenarios from CSV or JSONL; the work is jalert_sim.batch."""

import re
import sys
import time
from typing import Annotated, Optional

import typer

from ..simulation.options import MODEL_OPTIONS
from .common import NUMBER, AtOpt, ForceOpt, app, check_output, fail, user_errors

_FIELDS_HELP = (
    "Input fields (CSV header or JSON keys): id (optional; default the row number), launch "
    "(site or 'lat,lon') or lat and lon, azimuth, apogee, range (optional; empty = minimum energy), "
    "launch_time (optional; default --at), and the model options " + ", ".join(MODEL_OPTIONS) + "."
)


@app.command(help="Simulate every scenario of a CSV or JSONL file (or '-' for stdin), one output record per row, "
                  "in input order.\n\n" + _FIELDS_HELP + "\n\nExit code: 0 all rows ok, 1 some rows failed "
                  "(they get an error record), 2 the input is unreadable.")
def batch(
    input: Annotated[str, typer.Argument(help="CSV (with a header) or JSONL file; '-' reads stdin.", show_default=False,
                                   metavar="INPUT")],
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write to this file (whole or not at all) instead of stdout ('-': stdout).")] = None,
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="jsonl (the run JSON document per row), csv (one summary row per scenario) or parquet (typed columns; needs -o FILE and pyarrow). Default: what -o ends in (.csv, .jsonl, .parquet), else jsonl (with --scheduler and -o DIR, parquet).", show_default=False)] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker processes (default: number of CPUs).")] = None,
    track: Annotated[bool, typer.Option("--track", help="Include the track samples in JSONL records.")] = False,
    at: AtOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or timing line (failed rows are still summarised).")] = False,
    force: ForceOpt = False,
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Run on a Dask cluster: its scheduler's address (tcp://host:8786) or 'local' (a cluster of --jobs processes on this machine). INPUT may then also be a Parquet file, directory or glob, read by the workers; -o DIR is a Parquet dataset (or one .csv/.jsonl file). Needs jalert-sim[dask].", show_default=False)] = None,
    partition_rows: Annotated[int, typer.Option("--partition-rows", min=1, help="With --scheduler: rows per task (CSV/JSONL input: on average).")] = 5000,
    connect_timeout: Annotated[float, typer.Option("--connect-timeout", click_type=NUMBER, help="With --scheduler: seconds to reach the scheduler and a worker.")] = 10.0,
) -> None:
    from ..batch import FORMATS, run_batch
    from ..batch.dataset import format_for

    if format is not None and format not in FORMATS:
        fail(f"--format: expected one of {', '.join(FORMATS)}, got {format!r}")
    show = not quiet and sys.stderr.isatty()
    if scheduler is not None:
        summary = _on_cluster(input, output, format, jobs, track, at, force, scheduler, partition_rows, connect_timeout,
                              show)
    else:
        check_output(output, force)
        with user_errors(), _progress(show) as progress:
            summary = run_batch(input, output, format=format or format_for(output, "jsonl"), jobs=jobs, track=track,
                                launch_time=at, progress=progress, force=force)
    if summary.failed:
        first = summary.first_error
        sys.stderr.write(f"jalert-sim: {summary.failed} of {summary.total} scenario(s) failed; "
                         f"first: row {first.row} (id {_one_line(first.id)}): {_one_line(first.message)}\n")
        raise SystemExit(1)
    if show:
        sys.stderr.write(f"jalert-sim: {summary.total} scenario(s) in {summary.elapsed_s:.1f} s "
                         f"({summary.rate:,.0f}/s)\n")


def _on_cluster(input, output, format, jobs, track, at, force, scheduler, partition_rows, connect_timeout, show):
    """The batch on a Dask cluster (jalert_sim.batch.cluster)."""
    if not connect_timeout > 0:
        fail(f"--connect-timeout: expected seconds > 0, got {connect_timeout:g}")
    with user_errors():
        from ..batch.cluster import require_distributed, run_on_cluster

        require_distributed()
        with _progress(show) as progress:
            return run_on_cluster(input, output, scheduler=scheduler, format=format, partition_rows=partition_rows,
                                  connect_timeout_s=connect_timeout, workers=jobs, track=track, launch_time=at,
                                  force=force, progress=progress)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(value: object, limit: int = 300) -> str:
    """``value`` as text for a one-line summary: control characters escaped (an id may hold a
    newline or NULs), cut to ``limit`` characters."""
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(value))
    return text if len(text) <= limit else text[:limit] + "…"


class _progress:
    """A rich progress bar on stderr (rate and ETA), or nothing."""

    def __init__(self, show: bool):
        self.show = show
        self.bar = None

    def __enter__(self):
        if not self.show:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[rows]:,} scenarios"),
            TextColumn("{task.fields[rate]:,.0f}/s"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            # No refresh thread: the batch forks its workers, and it updates after every chunk anyway.
            console=Console(file=sys.stderr), transient=True, auto_refresh=False,
        )
        self.bar.start()
        self.task = self.bar.add_task("batch", total=None, rows=0, rate=0.0)
        self.started = time.perf_counter()
        return self.update

    def update(self, rows: int, done_bytes: int | None, total_bytes: int | None) -> None:
        elapsed = time.perf_counter() - self.started
        rate = rows / elapsed if elapsed > 0 else 0.0
        self.bar.update(self.task, completed=done_bytes or 0, total=total_bytes, rows=rows, rate=rate)
        self.bar.refresh()

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False
