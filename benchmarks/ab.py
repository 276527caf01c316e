"""Two installs of jalert-sim, A and B, timed back to back on the same commands.

The workplace's VM is shared: its speed drifts by 10-20 % from one minute to the next, more
than most changes this project measures. Timing A and B alternately, command by command,
lets the drift hit both alike; the medians of wall and CPU time (user + system of the process
and its workers) are compared, and the outputs too (the same bytes, or not).

    python benchmarks/ab.py /tmp/venv-before/bin/python /tmp/venv-after/bin/python [--rounds 3] [--only ensemble]

Each interpreter is an environment where jalert-sim is installed (from a wheel, with the extras
to compare, and warmed once so that numba's kernels are compiled). The commands: 100,000 typical
rows (benchmarks/batch.py's generator) to CSV, Parquet and JSONL; the README's 10,000-sample
ensemble with ``-n 1`` and ``--version`` beside it; a 100 x 100 sweep.
"""

from __future__ import annotations

import argparse
import filecmp
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from batch import scenarios, write_csv

ENSEMBLE = ["ensemble", "--scenario", "2017-08-29", "--azimuth-sd", "1", "--apogee-sd", "50", "--format", "json",
            "--force"]
SWEEP = ["sweep", "--launch", "sinpo", "--azimuth", "40:139:1", "--apogee", "200:1190:10", "--at",
         "2024-01-01T00:00", "--force"]


def commands(rows: Path, out: str) -> dict[str, list[str]]:
    """Label -> jalert-sim arguments; ``out`` is the output's stem (one per install)."""
    batch = ["batch", str(rows), "--quiet", "--force"]
    return {
        "batch csv": [*batch, "--format", "csv", "-o", f"{out}.csv"],
        "batch parquet": [*batch, "--format", "parquet", "-o", f"{out}.parquet"],
        "batch jsonl": [*batch, "--format", "jsonl", "-o", f"{out}.jsonl"],
        "--version": ["--version"],
        "ensemble -n 1": [*ENSEMBLE, "-n", "1", "-o", f"{out}-1.json"],
        "ensemble -n 10000": [*ENSEMBLE, "-o", f"{out}-ensemble.json"],
        "sweep 100 x 100": [*SWEEP, "-o", f"{out}-sweep.csv"],
    }


def timed(python: str, args: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of the process and its children) of ``python -m jalert_sim ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([python, "-m", "jalert_sim", *args], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", help="python of install A")
    parser.add_argument("b", help="python of install B")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="time only the commands whose label contains this text")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = Path(tmp) / "rows.csv"
        write_csv(scenarios(opts.rows), rows)
        runs = {name: {label: args for label, args in commands(rows, str(Path(tmp) / name)).items()
                       if opts.only in label} for name in ("a", "b")}
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(opts.rounds):
            for label in runs["a"]:
                for name, python in (("a", opts.a), ("b", opts.b)):
                    times.setdefault((label, name), []).append(timed(python, runs[name][label]))
        print(f"{'command':20s} {'A wall':>8s} {'B wall':>8s} {'A CPU':>8s} {'B CPU':>8s}  B/A CPU  output")
        for label, args in runs["a"].items():
            a, b = times[(label, "a")], times[(label, "b")]
            med = [statistics.median(t[k] for t in runs_) for runs_ in (a, b) for k in (0, 1)]
            out_a = next((x for x in args if x.startswith(str(Path(tmp) / "a"))), None)
            same = "" if out_a is None else (
                "same bytes" if filecmp.cmp(out_a, out_a.replace(f"{tmp}/a", f"{tmp}/b"), shallow=False) else "DIFFER")
            print(f"{label:20s} {med[0]:7.2f}s {med[2]:7.2f}s {med[1]:7.2f}s {med[3]:7.2f}s  {med[3] / med[1]:6.2f}x  {same}")
        print(f"(medians of {opts.rounds} alternated rounds; {opts.rows:,} rows; A = {opts.a}, B = {opts.b})")


if __name__ == "__main__":
    sys.exit(main())
