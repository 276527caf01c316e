"""Cold start of one ``jalert-sim run --format json`` against importing its libraries.

Issue #4's budget: a whole ``run`` process costs at most 1.3x
``python -c "import numpy, shapely, pyproj, typer, rich"`` on the same machine.
Both commands run alternately, each in a fresh interpreter, so that load on a
shared machine hits both alike; the medians of wall time and of CPU time (user +
system of the child) are reported, with their ratios.

Run it with the interpreter of an environment where the project is installed
from a wheel (``pip install .``), as users and CI have it:
python benchmarks/startup.py [--runs 21]
An editable install under PYTHONDONTWRITEBYTECODE=1 (set on this workplace's
machines) recompiles every module of the package at each start, ~60 ms that no
installed copy pays. ``hyperfine -N`` on the same two commands gives the same picture.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

BASELINE = [sys.executable, "-c", "import numpy, shapely, pyproj, typer, rich"]
RUN = [sys.executable, "-m", "jalert_sim", "run", "--launch", "sunan", "--azimuth", "73.5", "--apogee", "550",
       "--range", "2700", "--at", "2017-08-29T05:58+09:00", "--format", "json"]


def _once(cmd: list[str]) -> tuple[float, float]:
    """(wall s, CPU s) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=os.path.dirname(os.path.abspath(__file__)))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    for cmd in (BASELINE, RUN):  # warm the page cache and the .pyc files
        _once(cmd)
    samples: dict[str, list[tuple[float, float]]] = {"import": [], "run": []}
    for _ in range(args.runs):
        samples["import"].append(_once(BASELINE))
        samples["run"].append(_once(RUN))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in samples.items()}
    for name, (wall, cpu) in med.items():
        print(f"{name:7s} median wall {wall * 1000:7.1f} ms   median CPU {cpu * 1000:7.1f} ms")
    print(f"ratio   wall {med['run'][0] / med['import'][0]:.2f}x   CPU {med['run'][1] / med['import'][1]:.2f}x"
          f"   (budget 1.30x; {args.runs} runs each, load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
