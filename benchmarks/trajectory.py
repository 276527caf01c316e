"""Time the trajectory solver: one trajectory (solve + 1 s sampling) and 10,000 at once.

Run: python benchmarks/trajectory.py
Reports the best of several repeats (the least disturbed by other processes)
and the median, in the spirit of ``timeit``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from jalert_sim.trajectory import solve


def _timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


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
        best, median = _timed(fn, repeat)
        print(f"{name}: best {best * 1e3:.2f} ms, median {median * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
