"""Batch throughput: scenarios per second, end to end, against the obvious loop.

Typical scenarios: a launch site in North Korea (the catalogue's launch sites inside
a box around the country), azimuth 40-200 deg, apogee 300-1,500 km, range between the
minimum-energy range for that apogee and 5,000 km (one row in five leaves the range
empty, i.e. minimum energy, with the apogee capped at 1,200 km where such arcs exist).

Measures, on the same input:

* ``loop``: ``simulate()`` once per scenario and ``json.dumps(result.to_dict(track=False))``,
  the obvious script (on a subset: it is slow);
* ``library``: ``jalert_sim.batch.run_batch`` with 1 and with all worker processes;
* ``cli``: ``python -m jalert_sim batch IN -o OUT`` as a whole process (start-up included), in
  each output format (jsonl, csv, parquet where pyarrow is installed), with the CPU time of the
  process and its workers (user + system) beside the wall clock: on a shared machine the CPU
  time per scenario is the steadier figure, and scenarios / (CPU s / cores) the rate the cores
  would give undisturbed;
* ``table``: ``simulate_many(..., table=True)`` in this process, in blocks of 5,000 scenarios,
  against the numeric kernels alone (the floor: ``physics.trajectories.solve`` and the 10 s
  sampling of every track, which the alert engine starts from).

Issue 15's targets: csv and parquet >= 25,000 scenarios/s end to end on 100,000 rows on 2 cores,
jsonl >= 10,000/s.

Run: ``python benchmarks/batch.py [--rows 100000] [--loop-rows 500] [--jobs N] [--formats jsonl,csv,parquet]``. It measures the
jalert_sim that the interpreter imports (printed at the end; install a wheel with ``pip install .``),
never the checkout's sources, and runs the CLI from a temporary directory for the same reason.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import jalert_sim
from jalert_sim import simulate
from jalert_sim.batch import run_batch
from jalert_sim.batch.workers import _kernels_cached as kernels_cached
from jalert_sim.earth import MEAN_EARTH_RADIUS_KM
from jalert_sim.geo.places import launch_sites

NK_BOX = (37.5, 43.1, 124.0, 130.8)  # lat min, lat max, lon min, lon max


def min_energy_range_km(apogee_km: np.ndarray) -> np.ndarray:
    """Spherical, non-rotating estimate: r_a = r/2 (1 + sin x + cos x), x = half the range angle."""
    r = MEAN_EARTH_RADIUS_KM
    s = np.clip((2 * (r + apogee_km) / r - 1) / math.sqrt(2), -1, 1)
    return 2 * r * (np.arcsin(s) - math.pi / 4)


def scenarios(n: int, seed: int = 5) -> list[dict]:
    rng = np.random.default_rng(seed)
    s, nn, w, e = NK_BOX
    sites = [p.key for p in launch_sites() if s <= p.lat <= nn and w <= p.lon <= e]
    site = rng.choice(sites, n)
    azimuth = rng.uniform(40.0, 200.0, n).round(2)
    apogee = rng.uniform(300.0, 1500.0, n).round(1)
    lower = np.minimum(min_energy_range_km(apogee), 5000.0)
    rng_km = rng.uniform(lower, 5000.0).round(1)
    minimum_energy = rng.random(n) < 0.2
    apogee = np.where(minimum_energy, np.minimum(apogee, 1200.0), apogee)
    start = np.datetime64("2026-01-01T00:00") + rng.integers(0, 365 * 24 * 60, n).astype("timedelta64[m]")
    return [
        {"id": f"s{k}", "launch": str(site[k]), "azimuth": float(azimuth[k]), "apogee": float(apogee[k]),
         "range": None if minimum_energy[k] else float(rng_km[k]), "launch_time": f"{start[k]}+09:00"}
        for k in range(n)
    ]


def write_csv(rows: list[dict], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


def loop(rows: list[dict]) -> tuple[float, int]:
    t0 = time.perf_counter()
    failed = 0
    for row in rows:
        try:
            result = simulate(row["launch"], row["azimuth"], row["apogee"], row["range"], row["launch_time"])
            json.dumps(result.to_dict(track=False), ensure_ascii=False)
        except Exception:  # noqa: BLE001  (the loop has to go on, as the batch does)
            failed += 1
    return len(rows) / (time.perf_counter() - t0), failed


def numpy_simd() -> str:
    """numpy's SIMD targets in use here, highest last: with AVX-512 its float64 math is its own,
    not the C library's (README, "Development"), and the figures of two machines may differ."""
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    used = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    return "SIMD " + (", ".join(used) or "baseline only")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--loop-rows", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument("--formats", default="jsonl,csv,parquet")
    parser.add_argument("--table-rows", type=int, default=None, help="rows for the table measure (default --rows)")
    parser.add_argument("--million", type=int, default=0, metavar="ROWS",
                        help="also write ROWS rows (issue 15: 1,000,000) to Parquet, with the peak memory of all processes")
    parser.add_argument("--only-million", action="store_true", help="only the --million measure")
    args = parser.parse_args()
    if args.only_million:
        with tempfile.TemporaryDirectory() as tmp:
            million(args.million or 1_000_000, Path(tmp), args.jobs)
        return

    rows = scenarios(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "scenarios.csv", Path(tmp) / "results.jsonl"
        write_csv(rows, src)
        run_batch(src.open("rb"), io_sink(), jobs=1, chunk_size=50)  # warm caches and imports
        report = {}
        rate, failed = loop(rows[: args.loop_rows])
        report["loop (simulate per scenario)"] = (rate, args.loop_rows, failed)
        for jobs in sorted({1, args.jobs}):
            summary = run_batch(src, out, jobs=jobs)
            report[f"library run_batch jobs={jobs}"] = (summary.rate, summary.total, summary.failed)
        if not args.skip_cli:
            for fmt in args.formats.split(","):
                report.update(cli(src, Path(tmp), fmt, args.jobs))
        report.update(table(rows[: args.table_rows or args.rows]))
        if args.million:
            report.update(million(args.million, Path(tmp), args.jobs))
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"machine: {os.cpu_count()} CPUs ({cpu}); python {sys.version.split()[0]}; numpy {np.__version__} "
          f"({numpy_simd()}); {jalert_sim.__file__}")
    print(f"{'what':38s} {'scenarios/s':>12s} {'rows':>8s} {'failed':>7s}")
    for what, (rate, n, failed) in report.items():
        print(f"{what:38s} {rate:12,.0f} {n:8d} {failed:7d}")
    base = report["loop (simulate per scenario)"][0]
    best = max(v[0] for k, v in report.items() if not k.startswith("loop"))
    print(f"speed-up over the loop: {best / base:.1f}x")


#: Said of a run that started with numba's cache empty (the first large batch after an install).
COLD = " [numba's cache was empty: this run compiled the kernels, ~25 s]"


def cli(src: Path, tmp: Path, fmt: str, jobs: int) -> dict:
    """One ``jalert-sim batch`` process: {label: (rate, rows, failed)} with wall and CPU figures."""
    if fmt == "parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            print("cli parquet: skipped (no pyarrow)")
            return {}
    out = tmp / f"cli.{fmt}"
    cold = not kernels_cached()  # (the batch's own check, in this environment)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "jalert_sim", "batch", str(src), "-o", str(out), "--quiet",
                           "--format", fmt, "--jobs", str(jobs)], cwd=tmp, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert proc.returncode in (0, 1), proc.stderr
    if fmt == "parquet":
        n = pq.read_metadata(out).num_rows
    else:
        n = sum(1 for _ in out.open(encoding="utf-8")) - (fmt == "csv")
    print(f"cli {fmt}: exit {proc.returncode}, {n} records in {elapsed:.1f} s wall, {cpu:.1f} s CPU "
          f"({cpu / n * 1e6:.0f} us CPU/scenario; {n / (cpu / jobs):,.0f}/s on {jobs} undisturbed cores)"
          f"{COLD if cold else ''}")
    return {f"cli {fmt} jobs={jobs} (wall)": (n / elapsed, n, proc.stderr.count("failed")),
            f"cli {fmt} jobs={jobs} (CPU time / cores)": (n / (cpu / jobs), n, proc.stderr.count("failed"))}


def table(rows: list[dict]) -> dict:
    """simulate_many(table=True) in blocks of 5,000, and the numeric kernels alone (the floor)."""
    from jalert_sim import simulate_many
    from jalert_sim.physics.trajectories import solve

    kwargs = [{"launch": r["launch"], "azimuth_deg": r["azimuth"], "apogee_km": r["apogee"], "range_km": r["range"],
               "launch_time": r["launch_time"]} for r in rows]
    simulate_many(kwargs[:500], errors="return", table=True)  # compile and warm
    blocks = [kwargs[k:k + 5000] for k in range(0, len(kwargs), 5000)]
    t0 = time.process_time()
    failed = sum(int((~simulate_many(b, errors="return", table=True)["ok"]).sum()) for b in blocks)
    t_table = time.process_time() - t0
    t = simulate_many(kwargs[:5000], errors="return", table=True)
    ok = t["ok"]
    lat, lon, az, apo, rng_km = (np.asarray(t[k])[ok] for k in ("launch_lat", "launch_lon", "azimuth_deg",
                                                               "requested_apogee_km", "requested_range_km"))
    t0 = time.process_time()
    for _ in range(len(blocks)):
        solve(lat, lon, az, apo, rng_km, errors="mask").sample(10.0)
    t_floor = (time.process_time() - t0) * len(kwargs) / (len(blocks) * len(lat))
    n = len(kwargs)
    print(f"table: {t_table / n * 1e6:.0f} us/scenario (one process, CPU); kernels alone (solve + 10 s samples): "
          f"{t_floor / n * 1e6:.0f} us/scenario, {t_table / t_floor:.1f}x below the table's time")
    return {"simulate_many(table=True), 1 process": (n / t_table, n, failed),
            "floor: solve + sample, 1 process": (n / t_floor, n, 0)}


def million(n: int, tmp: Path, jobs: int) -> dict:
    """``n`` rows to Parquet as one process, with the peak memory of the process and its workers
    summed (RSS, and PSS, which counts the pages they share once), sampled every 0.2 s."""
    if not cli_parquet_available():
        print("million: skipped (no pyarrow)")
        return {}
    src = tmp / "million.csv"
    block = 100_000
    with open(src, "w", newline="", encoding="utf-8") as handle:
        for k in range(0, n, block):
            part = scenarios(min(block, n - k), seed=100 + k // block)
            writer = csv.DictWriter(handle, fieldnames=list(part[0]))
            if k == 0:
                writer.writeheader()
            writer.writerows({**r, "id": f"s{k + i}", "range": "" if r["range"] is None else r["range"]}
                             for i, r in enumerate(part))
    out = tmp / "million.parquet"
    cold = not kernels_cached()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "jalert_sim", "batch", str(src), "-o", str(out), "--quiet",
                             "--format", "parquet", "--jobs", str(jobs)], cwd=tmp, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        rss, pss = tree_memory_kb(proc.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.2)
    stderr = proc.stderr.read()
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert proc.returncode in (0, 1), stderr
    import pyarrow.parquet as pq

    rows = pq.read_metadata(out).num_rows
    print(f"million: {rows:,} rows to Parquet in {elapsed:.0f} s wall ({os.getloadavg()[0]:.1f} load average at the end), "
          f"{cpu:.0f} s CPU ({cpu / rows * 1e6:.0f} us/scenario; "
          f"{rows / (cpu / jobs):,.0f}/s on {jobs} undisturbed cores); peak memory of all processes: "
          f"RSS {peak_rss / 1024:.0f} MB, PSS {peak_pss / 1024:.0f} MB{COLD if cold else ''}")
    return {f"cli parquet {rows:,} rows jobs={jobs} (wall)": (rows / elapsed, rows, stderr.count("failed")),
            f"cli parquet {rows:,} rows (CPU time / cores)": (rows / (cpu / jobs), rows, stderr.count("failed"))}


def cli_parquet_available() -> bool:
    from importlib.util import find_spec

    return find_spec("pyarrow") is not None


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB of process ``pid`` and its children, from /proc/PID/smaps_rollup (0 where gone)."""
    pids = [pid]
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                pids += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def io_sink():
    import io

    return io.StringIO()


if __name__ == "__main__":
    main()
