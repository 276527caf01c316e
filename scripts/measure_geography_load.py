"""Measure the cold cost of the geography layer: import, then load and prepare everything.

Usage: python scripts/measure_geography_load.py [RUNS]
Each run is a fresh interpreter (nothing cached). Prints the median over RUNS of
(a) importing numpy, shapely and pyproj alone, (b) importing jalert_sim.geo,
(c) the first calls that load and prepare every layer (prefectures, footprints,
STRtree, union, EEZ bands, basemap land, seas, places).
"""

from __future__ import annotations

import statistics
import subprocess
import sys

DEPS = "import time; t=time.perf_counter(); import numpy, shapely, pyproj; print(time.perf_counter()-t)"
RUN = """
import time
t0 = time.perf_counter()
import jalert_sim.geo as g
t1 = time.perf_counter()
g.prefectures(); g.footprint_tree(); g.japan_footprint_xy(); g.in_territorial_sea(35.0, 139.0)
g.eez_status(40.0, 135.0); g.sea_at(40.0, 135.0); g.prefecture_at(35.69, 139.69); g.describe_point(40.0, 135.0)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    deps, imports, loads = [], [], []
    for _ in range(runs):
        deps.append(float(subprocess.check_output([sys.executable, "-c", DEPS])))
        a, b = map(float, subprocess.check_output([sys.executable, "-c", RUN]).split())
        imports.append(a)
        loads.append(b)
    ms = lambda xs: f"{1000 * statistics.median(xs):.0f} ms"  # noqa: E731
    print(f"median of {runs} fresh processes: numpy+shapely+pyproj import {ms(deps)}, "
          f"jalert_sim.geo import {ms(imports)} (includes those), load+prepare {ms(loads)}")


if __name__ == "__main__":
    main()
