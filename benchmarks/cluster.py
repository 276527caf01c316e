"""Batch throughput on a Dask cluster (``batch --scheduler local``) against the local batch engine.

Measures, on the same rows (benchmarks/batch.py's typical scenarios, CSV in, Parquet out):

* ``local``: ``jalert-sim batch IN -o OUT.parquet --format parquet --jobs W`` as a whole process;
* ``cluster``: ``jalert-sim batch IN -o DIR --scheduler local --jobs W`` (a LocalCluster of W
  single-threaded worker processes, started and closed by the command) for W = 1 and 2;
  each with wall clock and CPU time (user + system of the process and all its descendants:
  on a shared machine the CPU time is the steadier figure), and the load average around it;
* ``steady``: the same partitions through ``cluster.map_parts`` on a running LocalCluster, the
  cluster's start and the row counting left out, with the workers' own CPU time;
* ``overhead``: Dask's cost per task (no-op tasks through ``map_parts``, in order, windowed as a
  batch is), and a partition's fixed cost in ``solve_part`` (a 1-row partition: read, header,
  engine set-up, one Parquet file written);
* on paper, from these: the rate of 100 workers and the smallest partition that keeps the
  scheduler under 1,000 tasks/s.

Issue 16's target: the 2-worker cluster >= 80 % of the local engine's rate on 2 cores.

Run: ``python benchmarks/cluster.py [--rows 200000] [--partition-rows 5000]``. It measures the
jalert_sim that the interpreter imports (printed at the end); needs ``jalert-sim[dask]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import scenarios, write_csv  # noqa: E402  (the same typical rows as the batch benchmark)

import jalert_sim  # noqa: E402


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def command(label: str, args: list[str], rows: int, tmp: Path) -> dict:
    """One ``jalert-sim batch`` process: wall, CPU (with its workers), rate."""
    load = os.getloadavg()[0]
    cpu0, t0 = _cpu_children(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "jalert_sim", "batch", *args, "--quiet"], cwd=tmp,
                          capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, _cpu_children() - cpu0
    assert proc.returncode in (0, 1), proc.stderr
    print(f"{label:<28} {wall:7.1f} s wall {rows / wall:8,.0f}/s   {cpu:7.1f} s CPU {cpu / rows * 1e6:5.0f} us/row"
          f"   load {load:.1f} -> {os.getloadavg()[0]:.1f}", flush=True)
    return {"wall": wall, "cpu": cpu}


def steady(src: Path, tmp: Path, workers: int, partition_rows: int) -> dict:
    """The partitions solved on a running cluster: wall and the workers' CPU, start-up left out."""
    from jalert_sim.batch.chunks import Settings
    from jalert_sim.batch.cluster import connect, map_parts
    from jalert_sim.batch.dataset import plan
    from jalert_sim.batch.partitions import count_rows, number_parts, solve_part

    parts, kind, header, encoding = plan(str(src), None, partition_rows)
    settings = Settings(kind, header, "parquet", False, "2026-01-01T00:00:00+09:00", encoding)
    out = tmp / f"steady-{workers}"
    out.mkdir()
    with connect("local", workers=workers) as client:
        parts = number_parts(parts, list(map_parts(client, count_rows, parts, kind)))
        cpu0 = sum(client.run(_cpu_self).values())
        t0 = time.perf_counter()
        n = sum(p.ok + p.failed for p in map_parts(client, solve_part, parts, settings, str(out)))
        wall = time.perf_counter() - t0
        cpu = sum(client.run(_cpu_self).values()) - cpu0
        tasks = _noop_rate(client)
    shutil.rmtree(out)
    print(f"steady, {workers} worker(s), {len(parts)} parts {wall:5.1f} s wall {n / wall:8,.0f}/s   {cpu:7.1f} s "
          f"worker CPU {cpu / n * 1e6:5.0f} us/row; no-op tasks: {tasks * 1e3:.2f} ms each", flush=True)
    return {"wall": wall, "cpu": cpu, "rows": n, "parts": len(parts), "task_s": tasks}


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _noop(part: int) -> int:
    return part


def _noop_rate(client, n: int = 400) -> float:
    """Seconds per no-op task through map_parts (submit, schedule, run, fetch in order)."""
    from jalert_sim.batch.cluster import map_parts

    t0 = time.perf_counter()
    assert sum(1 for _ in map_parts(client, _noop, range(n))) == n
    return (time.perf_counter() - t0) / n


def fixed_cost(src: Path, tmp: Path) -> float:
    """Seconds of one 1-row partition in solve_part (in this process; its modules already loaded)."""
    from jalert_sim.batch.chunks import Settings
    from jalert_sim.batch.dataset import plan
    from jalert_sim.batch.partitions import Part, solve_part

    one = tmp / "one.csv"
    one.write_text("\n".join(src.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    _, kind, header, encoding = plan(str(one), None, 10)
    settings = Settings(kind, header, "parquet", False, "2026-01-01T00:00:00+09:00", encoding)
    out = tmp / "one"
    out.mkdir()
    solve_part(Part(0, str(one)), settings, str(out))  # warm
    t0 = time.perf_counter()
    for k in range(20):
        solve_part(Part(k, str(one)), settings, str(out))
    return (time.perf_counter() - t0) / 20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--partition-rows", type=int, default=5000)
    args = ap.parse_args()
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        src = tmp / "in.csv"
        write_csv(scenarios(args.rows), src)
        n, p = args.rows, str(args.partition_rows)
        print(f"{n:,} rows, partitions of {p} rows, {cores} cores, load {os.getloadavg()}", flush=True)
        local = command(f"local batch --jobs {cores}", [str(src), "-o", "local.parquet", "-f", "parquet",
                                                        "--jobs", str(cores)], n, tmp)
        runs = {}
        for w in (1, 2):
            runs[w] = command(f"--scheduler local --jobs {w}", [str(src), "-o", f"cluster{w}", "--scheduler", "local",
                                                               "--jobs", str(w), "--partition-rows", p], n, tmp)
        s2 = steady(src, tmp, 2, args.partition_rows)
        fixed = fixed_cost(src, tmp)
    per_row = local["cpu"] / n
    print(f"\n2 workers / local, wall: {local['wall'] / runs[2]['wall']:.0%}; by CPU per row: "
          f"{per_row / (runs[2]['cpu'] / n):.0%} (target >= 80 %)")
    overhead = s2["task_s"] + fixed
    print(f"per partition: {s2['task_s'] * 1e3:.1f} ms Dask (no-op task) + {fixed * 1e3:.0f} ms fixed in solve_part "
          f"= {overhead * 1e3:.0f} ms, against {args.partition_rows} x {per_row * 1e6:.0f} us = "
          f"{args.partition_rows * per_row:.1f} s of rows ({overhead / (args.partition_rows * per_row):.1%})")
    worker_rate = 1 / (s2["cpu"] / s2["rows"])
    rate100 = 100 * args.partition_rows / (args.partition_rows / worker_rate + overhead)
    print(f"on paper, 100 single-threaded workers: {rate100:,.0f} rows/s; scheduler under 1,000 tasks/s needs "
          f"partitions of >= {100 * worker_rate / 1000:,.0f} rows (at {worker_rate:,.0f} rows/s per worker)")
    print(f"jalert_sim {jalert_sim.__version__} from {Path(jalert_sim.__file__).parent}")


if __name__ == "__main__":
    main()
