"""Where a batch's CPU goes: cProfile of ``solve_chunk`` on the benchmark's typical rows, in chunks
of 2,000, in this process (as one worker runs them, after the same warm-up), printed as
cumulative microseconds per row for the engine's main stages.

    python benchmarks/profile_chunks.py --rows 12000 --format csv
    python benchmarks/profile_chunks.py --rows 16000 --kernels

The figures include cProfile's own overhead (~15-20 % here); compare runs of this script, not
with benchmarks/batch.py's CPU figures. ``--kernels`` runs without cProfile and times each
compiled kernel's calls instead (a clock around the functions that call numba), beside the CPU
of the whole: what the kernels alone cost a row, and what is left to the numpy and Python around
them. It needs numba.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import pstats
import tempfile
import time
from pathlib import Path

from batch import scenarios, write_csv

from jalert_sim.batch import workers
from jalert_sim.batch.chunks import Chunk, Settings, solve_chunk

STAGES = ["solve_chunk", "parse_csv_rows", "solve_parsed", "parse_row", "prepare", "solve_table", "solve",
          "assess_columns", "_coarse_samples", "sample", "_warned_pairs", "track_pairs", "impact_pairs",
          "_approaches", "crossings", "_windows", "_near_chords", "_search", "_bisect", "_refine", "_short",
          "closest", "min_distance", "impact_columns", "positions_at", "table_csv", "_jsonl", "json_record",
          "results", "assessments", "compose", "to_dict"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=12_000)
    parser.add_argument("--format", default="csv", choices=["csv", "jsonl", "parquet"])
    parser.add_argument("--kernels", action="store_true", help="time the compiled kernels instead of profiling")
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "rows.csv"
    write_csv(scenarios(args.rows, seed=11), path)
    with open(path, encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    settings = Settings("csv", tuple(lines[0]), args.format, False, "2026-01-01T00:00:00+09:00")
    workers._warm_up(args.format)
    body = lines[1:]
    chunks = [Chunk(settings, 1 + k, body[k:k + 2000]) for k in range(0, len(body), 2000)]
    if args.kernels:
        return kernel_times(chunks, args.format)
    profile = cProfile.Profile()
    t0 = time.process_time()
    profile.enable()
    for chunk in chunks:
        solve_chunk(chunk)
    profile.disable()
    cpu = time.process_time() - t0
    n = len(body)
    print(f"{args.format}: {cpu / n * 1e6:.0f} us CPU a row under cProfile ({n} rows)")
    stats = pstats.Stats(profile).stats
    for (file, line, name), (_, calls, _, cumulative, _) in sorted(stats.items(), key=lambda kv: -kv[1][3]):
        if name in STAGES and "jalert_sim" in file:
            print(f"{cumulative / n * 1e6:7.1f} us  {calls:6d} calls  {name:16s} {file.split('jalert_sim/')[-1]}:{line}")


def kernel_times(chunks: list, out_format: str) -> None:
    """Solve ``chunks`` with a clock around each compiled kernel's calls; print µs a row."""
    from jalert_sim import compiling
    from jalert_sim.alerting import chord_kernels, chords, coarse_look, geometry, kernels, nearest, prefilter, search
    from jalert_sim.physics import compiled

    loaded = [compiled.compiled(), kernels.compiled(), search.compiled(), nearest.compiled(), chord_kernels.compiled(),
              prefilter._kernels(), coarse_look.compiled()]
    if not compiling.enabled() or any(k is None for k in loaded):
        raise SystemExit("--kernels needs numba (pip install '.[fast]') and the kernels switched on")
    spent: dict[str, float] = {}

    def clocked(name: str, func):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
        return timed

    track = loaded[0]
    compiled.compiled = lambda: clocked("track (Kepler, positions)", track)
    for module, name, label in ((search, "search", "crossing search"), (search, "refine", "bisections"),
                                (nearest, "nearest", "nearest approaches"), (geometry, "_chord_kernel", "chord kernel"),
                                (prefilter, "_table_mask", "prefilter"),
                                (coarse_look, "first_look", "coarse samples (first look, Kepler)")):
        setattr(module, name, clocked(label, getattr(module, name)))
    chords.candidates = clocked("chord candidates", chords.candidates)
    rows = sum(len(c.rows) for c in chunks)
    t0 = time.process_time()
    for chunk in chunks:
        solve_chunk(chunk)
    cpu = time.process_time() - t0
    print(f"{out_format}: {cpu / rows * 1e6:.0f} us CPU a row ({rows} rows, one process)")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"{seconds / rows * 1e6:7.1f} us  {name}")
    total = sum(spent.values())
    print(f"{total / rows * 1e6:7.1f} us  the kernels (and their few numpy lines) together; "
          f"{(cpu - total) / rows * 1e6:.0f} us the rest")


if __name__ == "__main__":
    main()
