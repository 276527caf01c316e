"""Time the trajectory solver: one trajectory (solve + 1 s sampling) and 10,000 at once.

Run: python benchmarks/trajectory.py
Reports the best and median wall time of several repeats and the best CPU
time (process_time: what the run costs on a core of its own, even when other
processes share the box). Single-threaded: numpy here does not use threads.

    python benchmarks/trajectory.py --compare REV

also solves ~800 varied trajectories with the jalert_sim of git revision REV (in
a subprocess) and with this checkout, and prints the largest differences of the
results: a speed-up must not move them by more than the solver tolerance (5 m in
apogee and range, so up to ~10 m between two solutions; minimum-energy arcs sit
on a flat optimum whose slope tolerance allows ~100-200 m along the range).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

try:
    from jalert_sim.physics.trajectories import BoostModel, solve
except ImportError:  # --compare with a revision from before the layered layout
    from jalert_sim.trajectory import BoostModel, solve

# Summary fields compared by --compare, with their unit for the report.
_FIELDS = {
    "apogee_km": "km", "range_km": "km", "flight_time_s": "s", "apogee_time_s": "s", "apogee_lat": "deg",
    "apogee_lon": "deg", "burnout_time_s": "s", "burnout_altitude_km": "km", "impact_lat": "deg",
    "impact_lon": "deg", "max_speed_km_s": "km/s",
}


def _timed(fn, repeat):
    """(best wall, median wall, best CPU) seconds; CPU time ignores waits for a busy shared box."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), statistics.median(wall), min(cpu)


def _varied_cases():
    """~800 trajectories all over the globe: minimum-energy, lofted, standard; default and fixed boost."""
    rng = np.random.default_rng(7)
    n = 600
    kind = rng.integers(0, 3, n)
    lat, lon, az = rng.uniform(-70, 70, n), rng.uniform(-180, 180, n), rng.uniform(0, 360, n)
    apogee = np.where(kind == 0, rng.uniform(120, 1100, n), np.where(kind == 1, rng.uniform(2000, 7000, n), rng.uniform(300, 1000, n)))
    range_km = np.where(kind == 0, np.nan, np.where(kind == 1, rng.uniform(600, 1500, n), rng.uniform(1000, 4000, n)))
    fixed = BoostModel(burn_time_s=100, burnout_altitude_km=60)
    return [((lat, lon, az, apogee, range_km), BoostModel()), ((lat[:200], lon[:200], az[:200], apogee[:200], range_km[:200]), fixed)]


def _summaries():
    """Results of the varied cases as one dict of arrays (rows of all batches concatenated)."""
    parts = []
    for args, boost in _varied_cases():
        tr = solve(*args, boost=boost, errors="mask")
        part = {name: np.asarray(getattr(tr, name), dtype=float) for name in _FIELDS}
        part["ok"] = np.asarray(tr.ok, dtype=float)
        part["minimum_energy"] = np.isnan(args[4]).astype(float)
        # Last 1 s sample before impact: checks positions_at as well.
        t, lat, lon, alt = tr.sample(1.0)
        last = np.maximum(np.sum(np.isfinite(t), axis=1) - 2, 0)
        rows = np.arange(len(tr))
        part["track_lat"], part["track_lon"], part["track_alt_km"] = lat[rows, last], lon[rows, last], alt[rows, last]
        parts.append(part)
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def compare(rev: str) -> None:
    """Solve the varied cases with revision ``rev`` and with this checkout; print the largest differences."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", root, "archive", rev, "jalert_sim"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        out = os.path.join(tmp, "old.npz")
        env = dict(os.environ, PYTHONPATH=tmp)
        subprocess.run([sys.executable, os.path.abspath(__file__), "--dump", out], check=True, env=env, cwd=tmp)
        old = dict(np.load(out))
    new = _summaries()
    print(f"results vs {rev} on {len(new['ok'])} trajectories:")
    same_ok = np.array_equal(old["ok"], new["ok"])
    print(f"  solved: {int(new['ok'].sum())} now, {int(old['ok'].sum())} before ({'same rows' if same_ok else 'DIFFERENT rows'})")
    ok = (old["ok"] > 0) & (new["ok"] > 0)
    me = new["minimum_energy"] > 0
    # Great-circle distance between the old and new impact points, m.
    la1, la2 = np.radians(old["impact_lat"]), np.radians(new["impact_lat"])
    dlon = np.radians(new["impact_lon"] - old["impact_lon"])
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin(dlon / 2) ** 2
    new["impact_shift_m"], old["impact_shift_m"] = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.minimum(h, 1.0))), 0 * h
    for name in list(_FIELDS) + ["impact_shift_m", "track_lat", "track_lon", "track_alt_km"]:
        diff = np.abs(new[name] - old[name])
        lon_like = name.endswith("_lon")
        if lon_like:
            diff = np.abs((diff + 180.0) % 360.0 - 180.0)
        given, minimum = np.nanmax(diff[ok & ~me], initial=0.0), np.nanmax(diff[ok & me], initial=0.0)
        unit = _FIELDS.get(name, name.rsplit("_", 1)[-1] if name.endswith(("_km", "_m")) else "deg")
        print(f"  {name:20s} max |diff|: given range {given:.3g} {unit}, minimum energy {minimum:.3g} {unit}")


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", metavar="REV", help="also compare results with git revision REV")
    parser.add_argument("--dump", metavar="NPZ", help=argparse.SUPPRESS)  # internal: write the varied cases' results
    opts = parser.parse_args()
    if opts.dump:
        np.savez(opts.dump, **_summaries())
    else:
        main()
        if opts.compare:
            compare(opts.compare)
