"""Instructions a scenario costs, counted by valgrind's callgrind: a measure the VM's noise does not move.

Timing on the shared 2-core VM drifts by 10-20 % from one minute to the next (benchmarks/ab.py
alternates A and B to live with it); a change worth 3 % cannot be seen that way. The number of
instructions the CPU executes for the same work is the same on every run, so this script counts
them: it runs one workload twice under ``valgrind --tool=callgrind``, after the same warm-up, once
with no units of work and once with ``--units``, and reports the difference per unit, with the C
functions (numpy's loops, GEOS, libm, the interpreter, numba's kernels) that account for it.

    python benchmarks/instructions.py ensemble [--units 2] [--python PY ...]
    python benchmarks/instructions.py csv --units 2        # 2 chunks of 2,000 benchmark rows
    python benchmarks/instructions.py jsonl --python /tmp/venv-a/bin/python /tmp/venv-b/bin/python

A unit is a 1,000-sample block of the README's ensemble (2017-08-29, azimuth +-1 deg, apogee
+-50 km) or a 2,000-row chunk of benchmarks/batch.py's typical rows solved as a batch worker
solves it (``solve_chunk``), to CSV or JSONL. Several ``--python`` interpreters (environments with
jalert-sim installed) are compared on the same workload. Needs valgrind (Debian's package); a run
takes 40-90 s under it (the two runs of an interpreter go side by side).

The engine runs its numpy route (``compiling.numpy_only``): with numba, one 2,000-row chunk
under valgrind had not finished after 18 minutes, where the numpy route takes a minute or two. A
large batch takes the compiled route; what this script sees of one is the work outside the
kernels (parsing, the stages' glue, the output) and the numpy twins of the kernels.

Instructions are not time: a cache miss or a slow division costs more than an addition, and the
compiled kernels' share is counted like the rest. Use it to compare two versions of the same
code; take times from benchmarks/batch.py and ab.py.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

#: The workload, run by the interpreter under test: argv = kind, units, rows file.
WORKLOAD = r'''
import csv, sys
from jalert_sim import compiling
kind, units, rows = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with compiling.numpy_only():
    if kind == "ensemble":
        from jalert_sim.batch.ensemble import base_scenario
        from jalert_sim.simulation.ensemble import solve_block
        from jalert_sim.simulation.sampling import Spreads
        from jalert_sim.simulation.scenarios import scenario
        spreads = Spreads(1.0, 50.0)
        base = base_scenario(scenario("2017-08-29").simulate_kwargs(), spreads)
        for b in range(units + 1):  # block 0: the warm-up, in both runs
            solve_block(base, spreads, 0, b, 1000)
    else:
        from jalert_sim.batch import workers
        from jalert_sim.batch.chunks import Chunk, Settings, solve_chunk
        with open(rows, encoding="utf-8", newline="") as handle:
            lines = list(csv.reader(handle))
        settings = Settings("csv", tuple(lines[0]), kind, False, "2026-01-01T00:00:00+09:00")
        workers._warm_up(kind)
        for c in range(units + 1):
            solve_chunk(Chunk(settings, 1 + 2000 * c, lines[1 + 2000 * c:1 + 2000 * (c + 1)]))
'''

_LINE = re.compile(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)")


def count(python: str, kind: str, units: int, rows: Path, folder: Path) -> tuple[int, collections.Counter]:
    """(total instructions, instructions by C function) of one run of the workload."""
    out = folder / f"callgrind.{abs(hash((python, units)))}"
    script = folder / "workload.py"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", python, str(script), kind,
                    str(units), str(rows)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    text = subprocess.run(["callgrind_annotate", "--threshold=100", str(out)], check=True, capture_output=True,
                          text=True).stdout
    total, by = 0, collections.Counter()
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        n, name = int(m.group(1).replace(",", "")), m.group(2)
        if "PROGRAM TOTALS" in name:
            total = n
            continue
        name = re.sub(r"\s*\[.*\]$", "", name)  # the object file
        by[name.split(":", 1)[-1][:100] if not name.startswith("???:") else name[4:][:100]] += n
    return total, by


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["ensemble", "csv", "jsonl"])
    parser.add_argument("--units", type=int, default=2, help="blocks or chunks counted (default 2)")
    parser.add_argument("--python", nargs="+", default=[sys.executable], help="interpreters to compare")
    parser.add_argument("--top", type=int, default=25, help="C functions listed (default 25)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("instructions.py: needs valgrind (apt-get install valgrind)")
    per = 1000 if args.kind == "ensemble" else 2000
    what = "sample" if args.kind == "ensemble" else "row"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "workload.py").write_text(WORKLOAD, encoding="utf-8")
        rows = folder / "rows.csv"
        sys.path.insert(0, str(Path(__file__).parent))
        from batch import scenarios, write_csv

        write_csv(scenarios(2000 * (args.units + 1), seed=11), rows)
        for python in args.python:
            with ThreadPoolExecutor(2) as pool:
                base, full = pool.map(lambda u: count(python, args.kind, u, rows, folder), (0, args.units))
            units = args.units * per
            print(f"{python}: {args.kind} (numpy route): {(full[0] - base[0]) / units:,.0f} instructions a {what}")
            diff = {name: full[1][name] - base[1][name] for name in full[1].keys() | base[1].keys()}
            for name, n in sorted(diff.items(), key=lambda kv: -kv[1])[:args.top]:
                print(f"  {n / units:10,.0f} {100 * n / (full[0] - base[0]):5.1f} %  {name}")


if __name__ == "__main__":
    main()
