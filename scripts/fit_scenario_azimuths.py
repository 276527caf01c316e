"""Reconstruct the launch azimuth of each historical scenario from its published fall point.

Usage (from the repository root): python scripts/fit_scenario_azimuths.py [--write]

For each scenario in data/scenarios.json with a ``target`` (e.g. "about 1,180 km
east of Cape Erimo"), the published fall point is computed on WGS84; the
simulator is run with the published apogee and range for azimuths from the
great-circle bearing minus 5° to plus 5° in 0.1° steps (all at once, with
simulate_many), and the azimuth whose simulated impact lies nearest that point
is kept, rounded to 0.1°. ``--write`` stores it in the data file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from jalert_sim.projection import GEOD
from jalert_sim.scenarios import scenarios
from jalert_sim.simulation import simulate_many

DATA = Path(__file__).resolve().parent.parent / "data" / "scenarios.json"


def fit(scn) -> tuple[float, float]:
    lat, lon = scn.target.point()
    guess = scn.target.great_circle_bearing_deg
    azimuths = np.round(np.arange(guess - 5.0, guess + 5.0001, 0.1), 1)
    base = scn.simulate_kwargs()
    results = simulate_many([{**base, "azimuth_deg": float(a)} for a in azimuths], errors="return")
    best = (None, float("inf"))
    for a, r in zip(azimuths, results):
        if isinstance(r, Exception):
            continue
        _, _, d_m = GEOD.inv(r.impact.lon, r.impact.lat, lon, lat)
        if d_m / 1000.0 < best[1]:
            best = (float(a), float(d_m) / 1000.0)
    return best


def main(argv: list[str]) -> None:
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    raw = {s["id"]: s for s in doc["scenarios"]}
    for scn in scenarios():
        if scn.target is None:
            continue
        az, miss = fit(scn)
        print(f"{scn.id}: great-circle bearing {scn.target.great_circle_bearing_deg:.1f}°, "
              f"fitted azimuth {az:.1f}° (was {scn.azimuth_deg:.1f}°), miss {miss:.1f} km")
        raw[scn.id]["azimuth_deg"] = az
    if "--write" in argv:
        text = DATA.read_text(encoding="utf-8")
        for scn in scenarios():
            if scn.target is not None:
                old = f'"azimuth_deg": {scn.azimuth_deg!r},'
                assert text.count(old) >= 1
                # Replace within this scenario's block only.
                start = text.index(f'"id": "{scn.id}"')
                pos = text.index(old, start)
                text = text[:pos] + f'"azimuth_deg": {raw[scn.id]["azimuth_deg"]!r},' + text[pos + len(old):]
        json.loads(text)
        DATA.write_text(text, encoding="utf-8")
        print(f"wrote {DATA}")


if __name__ == "__main__":
    main(sys.argv[1:])
