"""Batches on a Dask cluster (``dask.distributed``): the client side.

:func:`connect` reaches a scheduler (or starts a ``LocalCluster``) within a time limit and checks
that every worker runs this version of jalert-sim; :func:`map_parts` runs a function over
partitions on the cluster and hands the results back in partition order, with a bounded number
in flight, cancelling what is left when its caller stops (an error, Ctrl-C); :func:`run_on_cluster`
is ``jalert-sim batch --scheduler``: the input planned as partitions (``partitions``) that the
workers read, solve and, for a Parquet dataset, write themselves.

dask and distributed are imported only here and only when called (the extra ``jalert-sim[dask]``).
A worker that dies loses nothing: the scheduler reruns its tasks elsewhere, including those whose
results it held and the client had not fetched yet.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import jalert_sim

from ..errors import InputError, JalertError, WorkerError
from ..exports.csv import SCENARIO_COLUMNS
from ..simulation.api import parse_time
from .chunks import Settings
from .run import BatchSummary

#: Rows per partition of ``--scheduler`` (one task: ~2-3 s of a worker's CPU at ~500 us a row).
DEFAULT_PARTITION_ROWS = 5000
#: Seconds to reach the scheduler (and for a first worker to be there) before giving up.
DEFAULT_CONNECT_TIMEOUT_S = 10.0
#: What ``pip install`` names to get the cluster's libraries.
INSTALL_HINT = "pip install 'jalert-sim[dask]'"


def require_distributed() -> Any:
    """The ``distributed`` module, or an InputError that says how to install it."""
    import importlib

    try:
        distributed = importlib.import_module("distributed")
        importlib.import_module("pyarrow.parquet")  # the partitions' input and output
    except ImportError as exc:
        raise InputError("scheduler", f"a Dask cluster needs dask, distributed and pyarrow ({exc.name} is "
                                      f"missing): {INSTALL_HINT}") from None
    return distributed


@contextmanager
def connect(address: str, *, timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``address`` ("tcp://host:8786"), or of a new
    ``LocalCluster`` of ``workers`` single-threaded processes ("local"; default one per CPU this
    process may use), closed at the end. InputError if the scheduler cannot be reached, or no
    worker is there, within ``timeout_s``, or if a worker runs another version of jalert-sim."""
    distributed = require_distributed()
    cluster = client = None
    try:
        if address == "local":
            if workers is None:
                workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
            # Quiet: a task's failure is raised here as one error; a lost worker is replaced and its
            # tasks rerun, which needs no word either.
            # No dashboard; the scheduler's HTTP server (health checks) on a free port of 127.0.0.1, not
            # on 8787, which another cluster may hold.
            # And glibc's malloc as it is: Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which
            # also fixes the mmap threshold, so that every large numpy temporary of the engine is
            # mmapped and page-faulted afresh: 1,050-1,080 us of CPU per row instead of 470-610.
            import dask

            with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
                cluster = distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1",
                    silence_logs=logging.CRITICAL, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})
            client = distributed.Client(cluster, timeout=timeout_s)
        else:
            if workers is not None:
                raise InputError("jobs", "the cluster's workers run the batch: --jobs only sizes --scheduler local")
            try:
                client = distributed.Client(address, timeout=timeout_s)
            except (OSError, ValueError, TypeError) as exc:
                raise InputError("scheduler", f"cannot reach {address!r} within {timeout_s:g} s: "
                                              f"{_one_line(exc)}") from None
        _wait_for_workers(client, timeout_s, address)
        check_versions(client)
        yield client
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def _wait_for_workers(client: Any, timeout_s: float, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=timeout_s)
    except (OSError, TimeoutError) as exc:
        raise InputError("scheduler", f"no worker joined {address!r} within {timeout_s:g} s ({_one_line(exc)})") from None


async def _version() -> str:
    """This process's jalert-sim version (run on each worker), the engine warmed up on the way
    (:func:`_warm_up`), in a thread: the worker's event loop goes on answering meanwhile."""
    import asyncio

    import jalert_sim as installed

    await asyncio.get_running_loop().run_in_executor(None, _warm_up)
    return installed.__version__


def _warm_up() -> None:
    """A worker's warm-up: every compiled kernel loaded from numba's cache (compiled there first by a
    process of their own where they are not: workers.warm_up_without_fork), then 48 scenarios
    through a partition's code (its modules, pyarrow: ~1 s of CPU that the worker's first task
    would otherwise pay)."""
    from jalert_sim.batch import partitions, workers
    from jalert_sim.batch.parsing import parse_fields

    workers.warm_up_without_fork()
    rows = [parse_fields({"launch": site, "azimuth": 40 + 5 * k, "apogee": 300 + 40 * k, "range": 900 + 60 * k or None},
                         k + 1, "2024-01-01T12:00") for k, site in enumerate(["sunan", "sinpo", "kusong"] * 16)]
    partitions.solve_parsed(rows, list(range(1, len(rows) + 1)), "parquet")


def check_versions(client: Any) -> None:
    """InputError unless every worker imports jalert-sim of the client's version: a worker with
    another version (or none) would give other results, or fail every task."""
    try:
        versions = client.run(_version)
    except Exception as exc:  # the function cannot even be unpickled where jalert_sim is missing
        raise InputError("scheduler", f"the workers cannot run jalert-sim ({_one_line(exc)}): install "
                                      f"jalert-sim {jalert_sim.__version__} on them") from None
    other = {worker: v for worker, v in versions.items() if v != jalert_sim.__version__}
    if other:
        worker, version = sorted(other.items())[0]
        raise InputError("scheduler", f"{len(other)} of {len(versions)} workers run jalert-sim {version} "
                                      f"(e.g. {worker}), this client {jalert_sim.__version__}: install "
                                      f"jalert-sim {jalert_sim.__version__} on every worker")


def map_parts(client: Any, func: Callable[..., Any], parts: Iterable[Any], *args: Any,
              window: int | None = None) -> Iterator[Any]:
    """``func(part, *args)`` for every part, run on the cluster; the results in the order of
    ``parts``. At most ``window`` tasks are submitted and not yet handed back (default: twice
    the cluster's threads, plus two), so that results wait in few workers' memory. The tasks
    not handed back are cancelled when the iterator is closed or its caller unwinds (close it
    in a ``finally``). A task that fails (after the scheduler's retries of lost workers) raises
    :class:`~jalert_sim.errors.WorkerError`, or the JalertError it raised."""
    if window is None:
        window = 2 * max(sum(client.nthreads().values()), 1) + 2
    pending: deque = deque()
    try:
        for part in parts:
            pending.append(client.submit(func, part, *args, pure=False))
            if len(pending) >= window:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:
        if pending:
            client.cancel(list(pending))


def _result(future: Any) -> Any:
    try:
        return future.result()
    except JalertError:
        raise
    except Exception as exc:
        raise WorkerError(f"a task failed on the cluster: {type(exc).__name__}: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def run_on_cluster(source: str, destination: str | None, *, scheduler: str, format: str | None = None,
                   partition_rows: int = DEFAULT_PARTITION_ROWS, connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S,
                   workers: int | None = None, track: bool = False, launch_time: Any = None,
                   input_format: str | None = None, force: bool = False,
                   progress: Callable[[int, int | None, int | None], None] | None = None) -> BatchSummary:
    """``run_batch`` on a Dask cluster (see :func:`connect` for ``scheduler`` and ``workers``).

    ``source``: a CSV or JSONL file, a Parquet file, a directory or a glob of Parquet files
    (paths and fsspec URLs, read by the workers). ``destination``: a Parquet dataset directory
    (``format`` "parquet", the default unless ``destination`` ends in .csv/.jsonl/.ndjson/.json),
    written by the workers beside it and renamed into place at the end; or one CSV or JSONL file
    (or stdout: None or "-") in input order. ``partition_rows``: rows per task (text inputs: on
    average). ``progress(rows_done, parts_done, parts_total)`` after each partition.
    """
    from .dataset import Output, plan
    from .partitions import count_rows, number_parts, solve_part

    if isinstance(partition_rows, bool) or not isinstance(partition_rows, int) or partition_rows < 1:
        raise InputError("partition_rows", f"expected a whole number of rows >= 1, got {partition_rows!r}")
    if not connect_timeout_s > 0:
        raise InputError("connect_timeout", f"expected seconds > 0, got {connect_timeout_s!r}")
    started = time.perf_counter()
    when = parse_time(launch_time).isoformat()
    output = Output(destination, format, force)
    parts, kind, header, encoding = plan(source, input_format, partition_rows)
    settings = Settings(kind, header, output.format, track, when, encoding)
    total = ok = failed = 0
    first_error = None
    with connect(scheduler, timeout_s=connect_timeout_s, workers=workers) as client:
        if kind != "parquet":  # the rows of each text partition, for the number of its first row
            counted = map_parts(client, count_rows, parts, kind)
            try:
                parts = number_parts(parts, list(counted))
            finally:
                counted.close()
        with output.open() as (write, dataset):
            if output.format == "csv":
                write(",".join(SCENARIO_COLUMNS) + "\n")
            results = map_parts(client, solve_part, parts, settings, dataset)
            try:
                for done, part in enumerate(results, 1):
                    if part.text is not None:
                        write(part.text)
                    total, ok, failed = total + part.ok + part.failed, ok + part.ok, failed + part.failed
                    first_error = first_error or part.first_error
                    if progress is not None:
                        progress(total, done, len(parts))
            finally:
                results.close()
    return BatchSummary(total, ok, failed, time.perf_counter() - started, first_error)


__all__ = ["DEFAULT_CONNECT_TIMEOUT_S", "DEFAULT_PARTITION_ROWS", "check_versions", "connect", "map_parts",
           "require_distributed", "run_on_cluster"]
