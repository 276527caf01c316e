"""Solving a batch's chunks in this process or over forked worker processes, results in input order.

Workers are forked after the geography has been loaded once (:func:`_warm_up`), so they share
it. :func:`solve_chunk` is looked up in this module both here and in the workers, which are
forked from this process: replacing it here (as the tests do) replaces it in both.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import numpy as np

from ..errors import InputError, WorkerError
from ..geo import distance_grid as _distance_grid
from ..simulation.api import simulate_many
from .chunks import Chunk, ChunkOut, empty_part, solve_chunk
from .records import orjson_dumps


def solve_all(chunks: Iterator[Any], jobs: int, solve: Callable[[Any], Any] | None = None) -> Iterator[Any]:
    """The chunks solved, in order: in this process, or over ``jobs`` forked workers. ``solve``:
    the function that solves one chunk (default :func:`solve_chunk`, a batch's :class:`Chunk`);
    another module-level function lets other work (an ensemble's blocks) use the same workers."""
    solve_one = solve or (lambda chunk: solve_chunk(chunk))
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if jobs == 1 or second is None:  # one chunk: workers would only cost their start-up
        yield solve_one(first)
        if second is not None:
            yield solve_one(second)
            for chunk in chunks:
                yield solve_one(chunk)
        return
    out_format = getattr(getattr(first, "settings", None), "out_format", "jsonl")  # (a batch's Chunk)
    yield from Workers(jobs, solve, out_format).run(_chain(first, second, chunks))


class Workers:
    """Forked worker processes, one pipe each, one chunk each at a time, results in input order.

    Deliberately simpler than multiprocessing.Pool: no feeder threads, so nothing can block
    on a full pipe when the batch is interrupted, and stopping is killing our own children.
    A worker is sent its next chunk only after its result has been read, so neither side ever
    waits on the other with a full pipe. Results are read from whichever worker finishes
    first (a worker never idles behind a slower one) and handed out in input order; a worker
    is not given a chunk more than _LEAD chunks ahead of the next one to hand out, so the
    results held back stay few. A worker that answers is sent at once the chunk read ahead while
    it worked; then the parent reads the next one, and hands out (writes) the results.
    """

    #: How many chunks, per worker, may be in flight or held back beyond the next one out.
    _LEAD = 2

    def __init__(self, jobs: int, solve: Callable[[Any], Any] | None = None, out_format: str = "jsonl"):
        import multiprocessing as mp

        _warm_up(out_format)  # load the geography and the kernels once, before forking, so the workers share them
        self.jobs = jobs
        self.solve = solve  # None: solve_chunk, looked up when each chunk is solved
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
        proc = self.context.Process(target=_worker_main, args=(theirs, mine, os.getpid(), self.solve), daemon=True)
        self.conns.append(mine)
        gc.freeze()  # the worker's collector leaves the inherited objects alone: their pages stay shared
        try:
            proc.start()
        except OSError as exc:
            theirs.close()
            raise InputError("jobs", f"cannot start worker process {len(self.procs) + 1}: {exc.strerror or exc} "
                             "(ask for fewer)") from None
        finally:
            gc.unfreeze()  # (in this process they are collected as before)
        self.procs.append(proc)
        theirs.close()
        return mine

    def run(self, chunks: Iterator[Chunk]) -> Iterator[ChunkOut]:
        from multiprocessing.connection import wait

        lead = self._LEAD * self.jobs
        working: dict[Any, int] = {}  # connection -> number of the chunk it is solving
        idle: list[Any] = []
        done: dict[int, ChunkOut] = {}  # results that came in before an earlier one
        sent = handed = 0
        ahead = next(chunks, None)  # the next chunk to send, read ahead (None: the input is done)

        def hand_out() -> None:  # (each idle worker the chunk read ahead, then the next one is read)
            nonlocal ahead, sent
            while ahead is not None and (idle or len(self.conns) < self.jobs) and sent - handed < lead:
                conn = idle.pop() if idle else self._start()
                self._send(conn, ahead)
                working[conn] = sent
                sent += 1
                ahead = next(chunks, None)

        try:
            while True:
                hand_out()
                if not working:
                    break
                for conn in wait(list(working)):
                    status, value = self._receive(conn)
                    if status != "ok":
                        raise value
                    done[working.pop(conn)] = value
                    idle.append(conn)
                hand_out()  # before the results are written: a worker never waits for that, nor for a read
                while handed in done:
                    yield done.pop(handed)
                    handed += 1
            for conn in self.conns:
                self._send(conn, None)
            for proc in self.procs:
                proc.join()
        finally:
            for proc in self.procs:
                if proc.is_alive():
                    proc.terminate()
                    proc.join()
            for conn in self.conns:
                conn.close()


    def _receive(self, conn) -> tuple[str, Any]:
        """A worker's answer; WorkerError if it died instead (the OOM killer, a kill -9)."""
        try:
            return conn.recv()
        except (EOFError, OSError):
            raise self._died(conn) from None

    def _send(self, conn, message: Any) -> None:
        """Hand a worker a chunk (None: stop); WorkerError if it died while idle."""
        try:
            conn.send(message)
        except OSError:  # (BrokenPipeError: its end of the pipe is closed)
            raise self._died(conn) from None

    def _died(self, conn) -> WorkerError:
        proc = self.procs[self.conns.index(conn)]
        proc.join(1.0)
        code = proc.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        return WorkerError(f"worker process {proc.pid} died ({how}; out of memory?): the batch stops, "
                           "and no -o file is written")


def _worker_main(conn, parent_end, parent_pid: int, solve: Callable[[Any], Any] | None = None) -> None:
    _as_child(parent_pid)
    parent_end.close()
    try:
        _serve(conn, solve)
    except (EOFError, OSError):  # the parent is gone (its end of the pipe closed): nobody to answer
        return


def _serve(conn, solve: Callable[[Any], Any] | None = None) -> None:
    while True:
        chunk = conn.recv()
        if chunk is None:
            return
        try:
            answer = ("ok", solve_chunk(chunk) if solve is None else solve(chunk))
        except Exception as exc:  # a bug: hand it to the parent, which raises it
            answer = ("error", exc)
        try:
            conn.send(answer)
        except (EOFError, OSError):
            raise
        except Exception:  # noqa: BLE001  (an exception that cannot be pickled)
            conn.send(("error", RuntimeError(f"worker failed: {answer[1]!r}")))


def _as_child(parent_pid: int) -> None:
    """A forked child's set-up: it dies with the parent, leaves Ctrl-C to it (the parent stops its
    children), and drops the parent's inherited SIGTERM and SIGHUP handlers."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def _die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this worker when the parent dies, however it dies (SIGKILL included):
    Linux's PR_SET_PDEATHSIG. Elsewhere a worker ends when it next finds the pipe closed. A
    parent that died before this call is seen by ``getppid``."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # (no prctl: as elsewhere)
            pass
    if os.getppid() != parent_pid:
        os._exit(0)


def _chain(first: Chunk, second: Chunk, rest: Iterator[Chunk]) -> Iterator[Chunk]:
    yield first
    yield second
    yield from rest


#: Scenarios that cross and pass near prefectures: every stage of the engine runs on them.
_WARM_SCENARIOS = [{"launch": (39.0, 125.7), "azimuth_deg": azimuth, "apogee_km": 600.0}
                   for azimuth in (60.0, 80.0, 95.0, 110.0, 130.0, 150.0)]


def _warm_up(out_format: str = "jsonl") -> None:
    """Load, before forking, what every worker needs, so that the workers share its pages instead of
    each loading (and holding) its own copy: the geography and the default models, numba and the
    compiled kernels (the engine is run once with every call sent to the kernels, which give
    numpy's answer bit for bit; without numba it is the numpy route), orjson, pyarrow for Parquet
    (and pandas, where installed). Kernels not yet in numba's cache (the first large job after an
    install) are compiled by a child process first (:func:`_compile_apart`)."""
    if not _kernels_cached():
        _compile_apart()
    _run_warm_scenarios()
    _distance_grid._cell_index()  # (the look-ups of large calls: on the numpy route these few scenarios skip it)
    orjson_dumps()
    if out_format == "parquet":
        try:  # (its absence is reported before any work)
            importlib.import_module("pyarrow")
        except ImportError:
            return
        # An empty chunk's Arrow table: pyarrow imports pandas, where it is installed, at its first
        # array (to look for pandas objects), 0.25 s and ~50 MB; here once, not in every worker.
        empty_part()


def _run_warm_scenarios() -> None:
    from .. import geo
    from ..alerting import geometry

    with _compiled_routes():
        simulate_many(_WARM_SCENARIOS, errors="return")
        # Two kernels that these scenarios' calls do not reach (a large batch's do): the inside test
        # and the distance to a footprint, of two points by Tokyo.
        tokyo = [p.code for p in geo.prefectures()].index("13")
        x, y = geo.to_xy(np.array([139.77, 139.77]), np.array([35.68, 34.5]))
        geometry.contains(np.array([tokyo, tokyo]), x, y)
        geometry._outside_distance(np.array([tokyo, tokyo]), x, y)


def _kernels_cached() -> bool:
    """Whether the compiled kernels are off, or in numba's cache (the index of each entry kernel)."""
    from .. import compiling

    if not compiling.enabled() or importlib.util.find_spec("numba") is None:
        return True
    return compiling.cached(_entry_kernels())


def _entry_kernels() -> list[Any]:
    """The functions of the compiled kernels that the engine calls from Python (the others are
    compiled into them). tests/test_compiling.py checks that the warm-up loads exactly these from
    numba's cache: a kernel missing here would be compiled in this process on a first job, and one
    the warm-up never calls would keep _kernels_cached False."""
    from ..alerting import chord_kernels, coarse_look, kernels, nearest, prefilter, search
    from ..geo import compiled as geo_compiled
    from ..physics import compiled as physics_compiled

    return [physics_compiled._anomalies, physics_compiled._positions, geo_compiled._interpolate,
            kernels._grid_bounds, kernels._chords_within, kernels._contains, kernels._box_spans,
            kernels._boundary_distance, search._search_rounds, search._refine_rounds, nearest._nearest_rows,
            chord_kernels._candidates, prefilter._table_mask_points, coarse_look._look_rows]


def _compile_apart() -> None:
    """Compile the kernels into numba's cache in a forked child, which then exits, and wait for it:
    compiling them here would leave this process (and so every worker forked from it) holding
    LLVM's memory, ~100 MB more than loading them from the cache (measured: 318 against 214 MB
    of RSS after the warm-up). The child dies with this process; if it fails, this process
    compiles them itself, as before (as it does where there is no fork)."""
    if not hasattr(os, "fork"):
        return
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child; tests/test_compiling.py checks what it leaves)
        code = 1
        try:
            _as_child(parent)
            _run_warm_scenarios()
            code = 0
        finally:
            os._exit(code)
    os.waitpid(pid, 0)


def warm_up_without_fork() -> None:
    """The warm-up of a process that must not fork, a Dask worker (it runs threads): the kernels
    compiled apart where they are not in numba's cache (:func:`compile_without_fork`), then loaded
    from it (:func:`_run_warm_scenarios`: every kernel)."""
    compile_without_fork()
    _run_warm_scenarios()


def compile_without_fork() -> None:
    """Where the kernels are not in numba's cache, a new Python process compiles them into it and
    exits, as :func:`_compile_apart`'s child does, one such process at a time for this user on this
    machine (other processes that ask meanwhile wait, then find them cached): this process does not
    keep the compiler's memory. If that process fails, the kernels are compiled where they are
    first used, as before."""
    if not _kernels_cached():
        with _machine_lock("jalert_sim-compile"):
            if not _kernels_cached():  # (another worker's process may have compiled them meanwhile)
                env = {**os.environ, "PYTHONPATH": os.pathsep.join([p for p in sys.path if p])}  # (this jalert_sim)
                with suppress(OSError, subprocess.SubprocessError):  # (then compiled where first used)
                    subprocess.run([sys.executable, "-c", "from jalert_sim.batch import workers\n"
                                    "workers._run_warm_scenarios()"], env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800, check=False)


@contextmanager
def _machine_lock(name: str) -> Iterator[None]:
    """An exclusive lock held by one process of this user on this machine at a time (a lock file in
    the temporary folder); no lock where there is no flock or the file cannot be opened."""
    try:
        import fcntl

        handle = open(os.path.join(tempfile.gettempdir(), f"{name}-{os.getuid()}.lock"), "a")  # noqa: SIM115
    except (ImportError, OSError, AttributeError):
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _compiled_routes():
    """The engine's calls sent to the compiled kernels whatever their size, for the time of the block."""
    from ..alerting import chords, crossings, distances, engine, geometry, prefilter
    from ..geo import projection
    from ..physics import tracks

    names = [(engine, "LOOK_COMPILED_FROM"), (prefilter, "COMPILED_FROM_POINTS"), (chords, "COMPILED_FROM_CHORDS"),
             (geometry, "BOUNDS_COMPILED_FROM_POINTS"),
             (geometry, "DISTANCE_COMPILED_FROM_POINTS"), (tracks, "COMPILED_FROM_POINTS"),
             (geometry, "CHORDS_COMPILED_FROM"), (geometry, "CONTAINS_COMPILED_FROM"), (distances, "COMPILED_FROM_PAIRS"),
             (crossings, "SEARCH_COMPILED_FROM"), (crossings, "REFINE_COMPILED_FROM"), (crossings, "WINDOWS_COMPILED_FROM"),
             (projection, "COMPILED_FROM_POINTS")]
    saved = [getattr(module, name) for module, name in names]
    try:
        for module, name in names:
            setattr(module, name, 0)
        yield
    finally:
        for (module, name), value in zip(names, saved):
            setattr(module, name, value)
