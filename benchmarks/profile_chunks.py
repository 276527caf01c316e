"""Where a batch's CPU goes: cProfile of ``solve_chunk`` on the benchmark's typical rows, in chunks
of 2,000, in this process (as one worker runs them, after the same warm-up), printed as
cumulative microseconds per row for the engine's main stages.

    python benchmarks/profile_chunks.py --rows 12000 --format csv

The figures include cProfile's own overhead (~15-20 % here); compare runs of this script, not
with benchmarks/batch.py's CPU figures.
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
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "rows.csv"
    write_csv(scenarios(args.rows, seed=11), path)
    with open(path, encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    settings = Settings("csv", tuple(lines[0]), args.format, False, "2026-01-01T00:00:00+09:00")
    workers._warm_up(args.format)
    body = lines[1:]
    chunks = [Chunk(settings, 1 + k, body[k:k + 2000]) for k in range(0, len(body), 2000)]
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


if __name__ == "__main__":
    main()
