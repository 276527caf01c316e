"""``jalert-sim batch --scheduler`` and jalert_sim.batch.cluster / frames on real Dask clusters.

A LocalCluster of two worker processes on 127.0.0.1, and a scheduler and two workers started as
separate ``dask scheduler`` / ``dask worker`` processes. The reference for every result is the
local batch (``run_batch``, one process) on the same input: a cluster must say exactly what it
says, row for row, error rows included; the local batch is itself checked against ``simulate()``
in test_batch.py.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import jalert_sim  # noqa: E402
from jalert_sim.batch import run_batch  # noqa: E402
from jalert_sim.batch.cluster import run_on_cluster  # noqa: E402
from jalert_sim.batch.frames import simulate_dataframe  # noqa: E402
from jalert_sim.errors import InputError  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    filter(None, [str(Path(jalert_sim.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")]))}
AT = "2024-03-01T09:00:00+09:00"
SITES = ("sunan", "sinpo", "tongchang-ri", "kusong", "39.0,125.8")


def _rows(n: int) -> list[str]:
    """CSV rows: typical scenarios, with hostile ones mixed in (unknown site, a number that is not
    one, too few fields, an open quote, a blank line, an apogee too high for minimum energy)."""
    out = []
    for k in range(n):
        site = SITES[k % len(SITES)]
        site = f'"{site}"' if "," in site else site
        azimuth, apogee = 40 + (k * 37) % 160, 300 + (k * 53) % 900
        rng = "" if k % 4 == 0 else str(900 + (k * 71) % 2500)
        out.append(f"r{k},{site},{azimuth},{apogee},{rng},")
    out[7] = "bad-site,nowhere,80,500,,"
    out[19] = "bad-number,sunan,eighty,500,,"
    out[23] = "short,sunan,80"
    out[41] = 'open-quote,"sunan,80,500,,'
    out[55] = ""
    out[60] = "too-high,sunan,80,1400,,2023-07-12T09:59:00+09:00"
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """The same scenarios as CSV (with its hostile rows), and their good rows as JSONL and as a
    directory of three Parquet files (typed columns; a null is an absent field)."""
    d = tmp_path_factory.mktemp("cluster-in")
    csv_path = d / "in.csv"
    csv_path.write_text("id,launch,azimuth,apogee,range,launch_time\n" + "\n".join(_rows(240)) + "\n", encoding="utf-8")
    records = []
    for k in range(150):
        rec = {"id": f"p{k}", "launch": SITES[k % 4], "azimuth": float(40 + (k * 37) % 160),
               "apogee": float(300 + (k * 53) % 900), "range": None if k % 4 == 0 else float(900 + (k * 71) % 2500)}
        records.append(rec)
    records[5]["launch"] = "nowhere"
    jsonl = d / "in.jsonl"
    jsonl.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None}) + "\n" for r in records),
                     encoding="utf-8")
    pdir = d / "parts"
    pdir.mkdir()
    for n, (lo, hi) in enumerate([(0, 40), (40, 110), (110, 150)]):  # part.2 before part.10: natural order
        pq.write_table(pa.Table.from_pylist(records[lo:hi]), pdir / f"part.{[2, 10, 11][n]}.parquet", row_group_size=25)
    return {"csv": csv_path, "jsonl": jsonl, "parquet": pdir}


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 single-threaded worker processes on 127.0.0.1, and a client of it."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as local, distributed.Client(local) as client:
        yield local, client


def _local(source: Path, fmt: str) -> bytes | pa.Table:
    """The local batch's output of ``source`` (one process) in ``fmt``."""
    if fmt == "parquet":
        out = source.parent / f"local-{source.stem}.parquet"
        run_batch(source, out, format="parquet", jobs=1, launch_time=AT, force=True)
        return pq.read_table(out)
    text = io.StringIO()
    run_batch(source, text, format=fmt, jobs=1, launch_time=AT)
    return text.getvalue()


def test_csv_on_the_cluster_is_the_local_batch_row_for_row(cluster, inputs, tmp_path):
    address = cluster[0].scheduler_address
    local = _local(inputs["csv"], "parquet")
    summary = run_on_cluster(str(inputs["csv"]), str(tmp_path / "out"), scheduler=address, partition_rows=30,
                             launch_time=AT)
    assert (summary.total, summary.failed) == (240, local["error"].is_valid().to_pylist().count(True))
    files = sorted(os.listdir(tmp_path / "out"))
    assert len(files) >= 6 and all(f.startswith("part.") for f in files)  # one file per partition, no leftovers
    got = pq.read_table(tmp_path / "out")
    assert got.schema == local.schema and got.equals(local)
    assert got["row"].to_pylist() == list(range(1, 241)) and got["id"][7].as_py() == "bad-site"
    assert not [p for p in os.listdir(tmp_path) if p != "out"]  # the temporary directory is gone
    for fmt in ("csv", "jsonl"):  # one file in input order, the same bytes as the local batch's
        run_on_cluster(str(inputs["csv"]), str(tmp_path / f"out.{fmt}"), scheduler=address, partition_rows=30,
                       launch_time=AT)
        assert (tmp_path / f"out.{fmt}").read_text(encoding="utf-8") == _local(inputs["csv"], fmt)


def test_jsonl_and_parquet_inputs_are_read_by_the_workers(cluster, inputs, tmp_path):
    address = cluster[0].scheduler_address
    expected = _local(inputs["jsonl"], "jsonl")
    run_on_cluster(str(inputs["jsonl"]), str(tmp_path / "a.jsonl"), scheduler=address, partition_rows=20, launch_time=AT)
    assert (tmp_path / "a.jsonl").read_text(encoding="utf-8") == expected
    # The Parquet partitions hold the same records, typed: the same results (by directory and by glob).
    for source in (inputs["parquet"], inputs["parquet"] / "part.*.parquet"):
        out = tmp_path / f"p{len(str(source))}.jsonl"
        run_on_cluster(str(source), str(out), scheduler=address, partition_rows=30, launch_time=AT)
        assert out.read_text(encoding="utf-8") == expected


def test_the_dataframe_api_gives_the_parquet_columns_of_the_local_batch(cluster, inputs, tmp_path):
    client = cluster[1]
    local = _local(inputs["jsonl"], "parquet")
    scenarios = dd.read_parquet(str(inputs["parquet"]))
    results = simulate_dataframe(scenarios, launch_time=AT)
    assert list(results.columns) == local.column_names  # known before anything is computed
    frame = client.compute(results).result()
    got = pa.Table.from_pandas(frame, preserve_index=False)
    assert got.equals(local.cast(got.schema)) and frame["row"].tolist() == list(range(1, 151))
    results.to_parquet(str(tmp_path / "api"), write_index=False)
    written = pq.read_table(tmp_path / "api")
    assert written.select(local.column_names).equals(local)
    with pytest.raises(InputError, match="unknown column 'altitude'"):
        simulate_dataframe(scenarios.assign(altitude=1.0))


def test_a_sweep_maps_the_engine_over_partitions_of_columns(cluster, tmp_path):
    """What an ensemble or a sweep does: columns of scenarios per partition, map_parts, in order."""
    from jalert_sim.batch.cluster import map_parts
    from jalert_sim.batch.partitions import solve_columns

    grid = [(az, ap) for ap in (450.0, 900.0, 2500.0) for az in range(40, 201, 8)]  # 2500 km: an error per row
    parts = [(1 + k, {"launch": ["sinpo"] * len(grid[k:k + 20]), "azimuth": [a for a, _ in grid[k:k + 20]],
                      "apogee": [b for _, b in grid[k:k + 20]]}) for k in range(0, len(grid), 20)]
    solve = lambda part: solve_columns(part[1], part[0], AT, out_format="csv")  # noqa: E731  (pickled by value)
    text = "".join(out.text for out in map_parts(cluster[1], solve, parts))
    src = tmp_path / "grid.csv"
    src.write_text("launch,azimuth,apogee\n" + "".join(f"sinpo,{a},{b}\n" for a, b in grid), encoding="utf-8")
    assert text == _local(src, "csv").split("\n", 1)[1] and text.count("\n") == len(grid) == 63


def test_a_worker_killed_mid_run_loses_nothing(cluster, inputs, tmp_path):
    local, client = cluster
    before = client.run(os.getpid)
    killed = []

    def kill_one(rows, done, total):  # after the first partition: the others are queued or running
        if not killed:
            victim = sorted(before.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append((victim, done, total))

    summary = run_on_cluster(str(inputs["csv"]), str(tmp_path / "out"), scheduler=local.scheduler_address,
                             partition_rows=10, launch_time=AT, progress=kill_one)
    victim, done, total = killed[0]
    assert done == 1 and total >= 20 and summary.total == 240
    assert pq.read_table(tmp_path / "out").equals(_local(inputs["csv"], "parquet"))
    client.wait_for_workers(2, timeout=30)  # the nanny started a new worker process in its place
    after = client.run(os.getpid)
    assert victim not in after.values() and len(after) == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = predicate()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def dask_processes(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1 (random free ports),
    stopped at the end; yields the scheduler's address."""
    d = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port",
                                 address.rsplit(":", 1)[1], "--no-dashboard"], env=ENV, cwd=d,
                                stdout=subprocess.DEVNULL, stderr=open(d / "scheduler.log", "wb"))]
    try:
        for k in range(2):
            started.append(subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--nthreads", "1",
                                             "--no-dashboard", "--host", "127.0.0.1"], env=ENV, cwd=d,
                                            stdout=subprocess.DEVNULL, stderr=open(d / f"worker{k}.log", "wb")))
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for proc in reversed(started):
            proc.terminate()
        for proc in reversed(started):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jalert_sim", "batch", *args], env=ENV, capture_output=True,
                          text=True, **kw)


def test_the_cli_on_a_separately_started_scheduler_and_workers(dask_processes, inputs, tmp_path):
    out = tmp_path / "out.csv"
    done = _cli(str(inputs["csv"]), "-o", str(out), "--scheduler", dask_processes, "--partition-rows", "40",
                "--at", AT, "-q")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "of 240 scenario(s) failed" in done.stderr
    assert out.read_text(encoding="utf-8") == _local(inputs["csv"], "csv")
    run_on_cluster(str(inputs["parquet"]), str(tmp_path / "ds"), scheduler=dask_processes, launch_time=AT)
    assert pq.read_table(tmp_path / "ds").equals(_local(inputs["jsonl"], "parquet"))
    with pytest.raises(InputError, match="exists [(]--force replaces it[)]"):
        run_on_cluster(str(inputs["csv"]), str(tmp_path / "ds"), scheduler=dask_processes)
    with distributed.Client(dask_processes, timeout=10) as client:  # the batch's tasks were released
        count = lambda dask_scheduler: len(dask_scheduler.tasks)  # noqa: E731  (a lambda: pickled by value)
        _wait_for(lambda: client.run_on_scheduler(count) == 0, 10, "the scheduler to forget the tasks")


def test_unreachable_scheduler_is_one_line_and_exit_2_within_the_timeout(inputs, tmp_path):
    started = time.monotonic()
    done = _cli(str(inputs["csv"]), "-o", str(tmp_path / "out"), "--scheduler", f"tcp://127.0.0.1:{_free_port()}",
                "--connect-timeout", "2")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "cannot reach" in done.stderr and "within 2 s" in done.stderr
    assert time.monotonic() - started < 2 + 15  # the timeout, plus starting Python and importing dask on a busy machine
    assert not os.listdir(tmp_path)


def test_without_the_dask_extra_scheduler_is_one_line_and_exit_2(inputs, tmp_path):
    prog = "import sys; sys.modules['distributed'] = None; from jalert_sim.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", prog, "batch", str(inputs["csv"]), "-o", str(tmp_path / "o"),
                           "--scheduler", "local"], env=ENV, capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "pip install 'jalert-sim[dask]'" in done.stderr


def test_stdin_and_a_version_mismatch_are_refused(cluster, inputs, tmp_path):
    local, client = cluster
    with pytest.raises(InputError, match="not standard input"):
        run_on_cluster("-", None, scheduler=local.scheduler_address)
    # One worker whose jalert-sim says another version, as an old install would.
    one = sorted(client.scheduler_info()["workers"])[0]
    set_version = lambda v: setattr(jalert_sim, "__version__", v)  # noqa: E731  (pickled by value)
    client.run(set_version, "0.0.1", workers=[one])
    try:
        with pytest.raises(InputError, match=f"1 of 2 workers run jalert-sim 0.0.1 .*{jalert_sim.__version__}"):
            run_on_cluster(str(inputs["csv"]), str(tmp_path / "o.csv"), scheduler=local.scheduler_address)
    finally:
        client.run(set_version, jalert_sim.__version__, workers=[one])
    assert not (tmp_path / "o.csv").exists()


def _kernels_probe():
    """A function for client.run (nested: cloudpickle sends it by value): in the worker, how many of
    jalert-sim's compiled kernels were loaded from numba's cache, and how many were compiled."""

    def kernels_here() -> tuple[int, int]:
        import gc

        from numba.core.registry import CPUDispatcher

        ours = [d for d in gc.get_objects() if isinstance(d, CPUDispatcher) and d.py_func.__module__.startswith("jalert_sim.")]
        return sum(bool(d.stats.cache_hits) for d in ours), sum(len(d.stats.cache_misses) for d in ours)

    return kernels_here


def test_cold_workers_load_kernels_that_one_process_of_their_own_compiled(tmp_path, monkeypatch):
    """With numba's cache empty (as after an install or an upgrade), each worker used to compile the
    kernels it used in its own process, and keep the compiler's memory (~400 MB, measured). Now, as
    the workers are checked, one new process on the machine compiles them all into the cache (the
    others wait for it), and every worker loads them: cache hits, no compile in a worker."""
    pytest.importorskip("numba")
    from jalert_sim.batch.cluster import connect

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))  # (the workers' cache: empty)
    with connect("local", workers=2, timeout_s=60) as client:
        found = client.run(_kernels_probe())
    assert len(found) == 2
    assert all(loaded >= 10 and compiled == 0 for loaded, compiled in found.values()), found
    assert any((tmp_path / "numba").rglob("*.nbi"))


def test_the_dataframe_api_on_a_cold_cache_compiles_the_kernels_outside_the_workers(tmp_path, monkeypatch):
    """simulate_dataframe on a script's own cluster (not warmed up by ``connect``), numba's cache
    empty: a partition large enough for the compiled routes has a process of its own compile the
    kernels first, and the workers load what they use from the cache."""
    pytest.importorskip("numba")
    pd = pytest.importorskip("pandas")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    n = 600
    scenarios = pd.DataFrame({"launch": [SITES[k % 4] for k in range(n)], "azimuth": [40.0 + (k * 37) % 160 for k in range(n)],
                              "apogee": [300.0 + (k * 53) % 900 for k in range(n)]})
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1", scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as local, \
            distributed.Client(local) as client:
        frame = client.compute(simulate_dataframe(dd.from_pandas(scenarios, npartitions=2), launch_time=AT)).result()
        found = client.run(_kernels_probe())
    assert len(frame) == n and frame["error"].isna().all()
    assert sum(loaded for loaded, _ in found.values()) >= 5 and all(c == 0 for _, c in found.values()), found


def test_interrupted_cli_cancels_and_leaves_no_output(tmp_path):
    psutil = pytest.importorskip("psutil")
    src = tmp_path / "big.csv"
    src.write_text("launch,azimuth,apogee\n" + "sunan,80,600\n" * 60000, encoding="utf-8")
    for signum in (signal.SIGTERM,):
        proc = subprocess.Popen([sys.executable, "-m", "jalert_sim", "batch", str(src), "-o", str(tmp_path / "out"),
                                 "--scheduler", "local", "--jobs", "2", "--partition-rows", "200"], env=ENV,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        partial = _wait_for(lambda: [p for p in os.listdir(tmp_path) if ".partial-" in p], 60, "the batch to start")
        _wait_for(lambda: os.listdir(tmp_path / partial[0]), 60, "a first partition")
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 2  # the cluster's worker processes (and their nannies)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 128 + signum and err.count("\n") == 1, err
        assert os.listdir(tmp_path) == ["big.csv"]  # no output, no temporary directory
        _wait_for(lambda: not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE],
                  15, "the workers to stop")


def test_ctrl_c_cancels_the_tasks_of_a_remote_cluster(dask_processes, tmp_path):
    src = tmp_path / "big.csv"
    # 240,000 rows: 20 s and more of work for the two workers, so that the batch is still running
    # when the client has connected (60,000 took ~5 s on a fast machine, and once ended before).
    src.write_text("launch,azimuth,apogee\n" + "sinpo,90,700\n" * 240_000, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "jalert_sim", "batch", str(src), "-o", str(tmp_path / "out"),
                             "--scheduler", dask_processes, "--partition-rows", "200"], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    partial = _wait_for(lambda: [p for p in os.listdir(tmp_path) if ".partial-" in p], 60, "the batch to start")
    _wait_for(lambda: os.listdir(tmp_path / partial[0]), 60, "a first partition")
    with distributed.Client(dask_processes, timeout=10) as client:
        count = lambda dask_scheduler: len(dask_scheduler.tasks)  # noqa: E731  (a lambda: pickled by value)
        assert client.run_on_scheduler(count) > 0  # the batch's tasks are there
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130 and err.count("\n") == 1, err
        assert os.listdir(tmp_path) == ["big.csv"]
        _wait_for(lambda: client.run_on_scheduler(count) == 0, 10, "the scheduler to drop the batch's tasks")


def test_an_ensemble_and_a_sweep_on_the_cluster_equal_the_local_ones(cluster, tmp_path):
    """Issue 17's --scheduler: the blocks and chunks run on the cluster's workers; the seed per block
    makes the ensemble's document the same bytes, and the sweep's rows are the local ones."""
    from jalert_sim.batch.ensemble import run_ensemble
    from jalert_sim.batch.sweep import run_sweep
    from jalert_sim.simulation.ensemble import ensemble_document
    from jalert_sim.simulation.sampling import Spreads
    from jalert_sim.simulation.sweep import Grid

    address = cluster[0].scheduler_address
    scenario = {"launch": "sunan", "azimuth_deg": 72.05, "apogee_km": 550.0, "range_km": 2700.0,
                "launch_time": "2017-08-29T05:58+09:00"}
    spreads = Spreads(azimuth_sd_deg=1.0, apogee_sd_km=50.0)
    local = run_ensemble(scenario, spreads, samples=2500, seed=7, jobs=1)
    remote = run_ensemble(scenario, spreads, samples=2500, seed=7, scheduler=address)
    assert json.dumps(ensemble_document(remote)) == json.dumps(ensemble_document(local))
    grid = Grid(("sinpo",), np.arange(60.0, 121.0, 2.0), np.array([400.0, 600.0, 800.0]), None,
                launch_time="2024-01-01T00:00+09:00")
    run_sweep(grid, tmp_path / "local.csv", jobs=1, chunk_size=40)
    run_sweep(grid, tmp_path / "remote.csv", chunk_size=40, scheduler=address)
    assert (tmp_path / "remote.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()


def test_an_ensemble_with_an_unreachable_scheduler_is_one_line_and_exit_2():
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "jalert_sim", "ensemble", "--scenario", "2017-08-29", "--azimuth-sd",
                           "1", "-n", "100", "--scheduler", f"tcp://127.0.0.1:{_free_port()}", "--connect-timeout", "2"],
                          capture_output=True, text=True, env=ENV, timeout=60)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "cannot reach" in proc.stderr
    assert time.monotonic() - started < 30
