"""Ensembles and sweeps (issue 17): time end to end, as a user runs them.

Measures, each as a whole ``python -m jalert_sim`` process (start-up included), with the CPU
time of the process and its workers (user + system) beside the wall clock (on a shared machine
the CPU time per sample is the steadier figure):

* ``startup``: ``jalert-sim --version`` (the floor of any command: Python, the command line and
  the libraries it imports);
* ``ensemble n=1``: the same ensemble command with one sample: its fixed cost (start-up, the
  geography, the output);
* ``ensemble``: the README's example, 2017-08-29 with azimuth ±1° and apogee ±50 km (1σ),
  ``-n 10000 --format json`` (issue 17's target: under 1 s plus start-up on 2 cores);
* ``sweep``: a 100 x 100 grid from Sinpo, azimuth 40-139° by 1°, apogee 200-1,190 km by 10 km;
* ``library``: ``run_ensemble`` in this process with 1 and with all worker processes.

Run: ``python benchmarks/ensemble.py [--samples 10000] [--jobs N]``. It measures the jalert_sim
that the interpreter imports (set PYTHONPATH to measure a checkout).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time


def timed(args: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the process and its children) of ``python -m jalert_sim ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jalert_sim", *args], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def best(args: list[str], repeat: int) -> tuple[float, float]:
    return min((timed(args) for _ in range(repeat)), key=lambda t: t[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--repeat", type=int, default=2)
    opts = parser.parse_args()
    n, jobs = opts.samples, opts.jobs
    home = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        wall0, cpu0 = best(["--version"], 3)
        print(f"startup   jalert-sim --version                 {wall0:6.2f} s wall  {cpu0:6.2f} s CPU")
        command = ["ensemble", "--scenario", "2017-08-29", "--azimuth-sd", "1", "--apogee-sd", "50", "-j", str(jobs),
                   "--format", "json", "-o", "e.json", "--force"]
        wall1, cpu1 = best([*command, "-n", "1"], 3)
        print(f"ensemble  n=1 (the command's fixed cost)           {wall1:6.2f} s wall  {cpu1:6.2f} s CPU")
        wall, cpu = best([*command, "-n", str(n)], opts.repeat)
        print(f"ensemble  n={n:,} -j {jobs} (2017-08-29 ±1°, ±50 km) {wall:6.2f} s wall  {cpu:6.2f} s CPU"
              f"  = {wall - wall0:.2f} s + --version, {wall - wall1:.2f} s + n=1; {(cpu - cpu1) / n * 1e6:,.0f} us CPU"
              " a sample")
        wall, cpu = best(["sweep", "--launch", "sinpo", "--azimuth", "40:139:1", "--apogee", "200:1190:10",
                          "--at", "2024-01-01T00:00", "-j", str(jobs), "-o", "grid.csv"], 1)
        print(f"sweep     100 x 100 from Sinpo -o grid.csv         {wall:6.2f} s wall  {cpu:6.2f} s CPU"
              f"  = {(cpu - cpu0) / 10_000 * 1e6:,.0f} us CPU a point")
        os.chdir(home)  # (numba, compiling a kernel, needs a working directory that exists)
    from jalert_sim.batch.ensemble import run_ensemble
    from jalert_sim.simulation.sampling import Spreads
    from jalert_sim.simulation.scenarios import scenario

    kwargs = scenario("2017-08-29").simulate_kwargs()
    spreads = Spreads(azimuth_sd_deg=1.0, apogee_sd_km=50.0)
    run_ensemble(kwargs, spreads, samples=100, jobs=1)  # (the geography, loaded once)
    for j in sorted({1, jobs}):
        start = time.perf_counter()
        cpu_start = time.process_time()
        run_ensemble(kwargs, spreads, samples=n, jobs=j)
        wall = time.perf_counter() - start
        print(f"library   run_ensemble n={n:,} jobs={j}                {wall:6.2f} s wall"
              + (f"  {(time.process_time() - cpu_start) / n * 1e6:,.0f} us CPU a sample" if j == 1 else ""))
    import jalert_sim

    print(f"(jalert_sim from {os.path.dirname(jalert_sim.__file__)}; {len(os.sched_getaffinity(0))} CPUs)")


if __name__ == "__main__":
    main()
