"""Cost of one ``to_xy`` call (the interpolated table) against ``to_xy_exact`` (PROJ), by size.

Points are random over Japan and the seas around it (120-150 E, 25-45 N, inside the table's
box), as the alert engine projects them. Both functions are timed alternately, best of
several repeats, so that load on a shared machine hits both alike. Also reported: the
first call in a fresh interpreter, which reads the table from data/geometry.npz and
computes the cells' coefficients.

Run: ``python benchmarks/projection.py [--sizes 1 4 8 16 64 1024 8192]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import timeit

import numpy as np

from jalert_sim.geo.projection import to_xy, to_xy_exact

FIRST_CALL = """
import time
from jalert_sim.geo import cache as _geocache
from jalert_sim.geo.projection import to_xy
_geocache.cache_meta()  # the header is read by every run anyway
t0 = time.perf_counter()
to_xy(140.0, 40.0)
print((time.perf_counter() - t0) * 1e3)
"""


def best_us(fn, lon, lat, budget_s: float = 0.2) -> float:
    number = max(1, int(budget_s / 7 / (2e-6 * len(lon) + 1e-5)))
    return min(timeit.repeat(lambda: fn(lon, lat), number=number, repeat=7)) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4, 8, 16, 64, 256, 1024, 8192, 65536])
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    to_xy(140.0, 40.0)  # load the table
    print(f"{'points':>7s} {'to_xy us':>10s} {'PROJ us':>10s} {'to_xy us/pt':>12s} {'PROJ us/pt':>11s} {'speed-up':>9s}")
    for n in args.sizes:
        lon, lat = rng.uniform(120.0, 150.0, n), rng.uniform(25.0, 45.0, n)
        table = min(best_us(to_xy, lon, lat) for _ in range(2))
        proj = min(best_us(to_xy_exact, lon, lat) for _ in range(2))
        print(f"{n:7d} {table:10.1f} {proj:10.1f} {table / n:12.3f} {proj / n:11.3f} {proj / table:8.1f}x")
    first = sorted(float(subprocess.run([sys.executable, "-c", FIRST_CALL], capture_output=True, text=True, check=True,
                                        cwd=tempfile.gettempdir()).stdout) for _ in range(7))
    print(f"first call in a fresh interpreter (reads the table): median {first[3]:.2f} ms, best {first[0]:.2f} ms")


if __name__ == "__main__":
    main()
