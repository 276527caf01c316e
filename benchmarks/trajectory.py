"""Time the trajectory solver: one trajectory (solve + 1 s sampling) and 10,000 at once.

Run: python benchmarks/trajectory.py
Reports the best and median wall time of several repeats and the best CPU
time (process_time: what the run costs on a core of its own, even when other
processes share the box). Single-threaded: numpy here does not use threads.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from jalert_sim.trajectory import solve


def _timed(fn, repeat):
    """(best wall, median wall, best CPU) seconds; CPU time ignores waits for a busy shared box."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), statistics.median(wall), min(cpu)


def main() -> None:
    def single_lofted():
        solve(39.0, 125.75, 70.0, 6648.4, 1001.2).sample(1.0)

    def single_irbm():
        solve(39.22, 125.67, 73.0, 550.0, 2700.0).sample(1.0)

    def single_min_energy():
        solve(39.22, 125.67, 73.0, 550.0).sample(1.0)

    rng = np.random.default_rng(1)
    n = 10_000
    # Launch points around the Korean peninsula, eastward-ish, a third each
    # minimum-energy, standard and lofted.
    lat = rng.uniform(35, 43, n)
    lon = rng.uniform(124, 130, n)
    az = rng.uniform(30, 150, n)
    apogee = np.concatenate([rng.uniform(100, 1100, n // 3), rng.uniform(300, 1000, n // 3), rng.uniform(2000, 7500, n - 2 * (n // 3))])
    rng_km = np.concatenate([np.full(n // 3, np.nan), rng.uniform(1000, 4500, n // 3), rng.uniform(700, 1300, n - 2 * (n // 3))])

    def vectorised():
        tr = solve(lat, lon, az, apogee, rng_km, errors="mask")
        assert tr.ok.mean() > 0.99

    for name, fn, repeat in (
        ("single IRBM 550/2700 km, solve + sample(1 s)", single_irbm, 30),
        ("single min-energy 550 km, solve + sample(1 s)", single_min_energy, 30),
        ("single lofted 6648/1001 km, solve + sample(1 s)", single_lofted, 30),
        (f"{n:,} mixed trajectories, solve", vectorised, 5),
    ):
        best, median, cpu = _timed(fn, repeat)
        print(f"{name}: wall best {best * 1e3:.2f} ms, median {median * 1e3:.2f} ms; CPU best {cpu * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
