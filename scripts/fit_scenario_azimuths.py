"""Reconstruct the launch azimuth of each historical scenario from its published path.

Usage (from the repository root): python scripts/fit_scenario_azimuths.py [--write]

The simulator is run with the published apogee and range for azimuths from the
great-circle bearing to the published fall point (``Target.point``) minus 5° to
plus 5°, all at once. Where the scenario names a place the missile flew over
(``overflight_point``: Cape Erimo in 2017), the azimuth whose ground track passes
nearest that place is kept, in 0.05° steps: a published overflight pins the
heading to a few km, where "about 1,180 km east of" only says the fall was
somewhere on an arc ~460 km long (a compass point is 22.5° wide). Otherwise the
azimuth whose impact lies nearest the middle of the published arc is kept, in 0.1°
steps. ``--write`` stores it in the data file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from jalert_sim.earth import GEOD
from jalert_sim.simulation.scenarios import scenarios
from jalert_sim.simulation.api import simulate_many
from jalert_sim.physics.trajectories import solve

DATA = Path(__file__).resolve().parent.parent / "data" / "scenarios.json"


def closest_approach_km(scn, azimuths: np.ndarray) -> np.ndarray:
    """Per azimuth, the least geodesic distance (km) from the scenario's overflight point to its
    ground track, sampled every 0.2 s (< 1 km apart)."""
    n = len(azimuths)
    trajs = solve(np.full(n, scn.launch_lat), np.full(n, scn.launch_lon), azimuths, np.full(n, scn.apogee_km),
                  np.full(n, np.nan if scn.range_km is None else scn.range_km))
    _, lat, lon, _ = trajs.sample(0.2)
    way = scn.overflight_point
    ok = np.isfinite(lat)
    _, _, d = GEOD.inv(np.full(ok.sum(), way.lon), np.full(ok.sum(), way.lat), lon[ok], lat[ok])
    dist = np.full(lat.shape, np.inf)
    dist[ok] = d
    return dist.min(axis=1) / 1000.0


def fit(scn) -> tuple[float, str]:
    """(azimuth, what it was fitted to and how closely)."""
    guess = scn.target.great_circle_bearing_deg
    if scn.overflight_point is not None:
        azimuths = np.round(np.arange(guess - 5.0, guess + 5.0001, 0.05), 2)
        d = closest_approach_km(scn, azimuths)
        k = int(np.argmin(d))
        return float(azimuths[k]), f"passes {d[k]:.1f} km from {scn.overflight_point.reference}"
    lat, lon = scn.target.point()
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
    return best[0], f"falls {best[1]:.1f} km from the middle of the published arc"


def main(argv: list[str]) -> None:
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    raw = {s["id"]: s for s in doc["scenarios"]}
    for scn in scenarios():
        if scn.target is None:
            continue
        az, how = fit(scn)
        r = simulate_many([{**scn.simulate_kwargs(), "azimuth_deg": az}])[0]
        t = scn.target
        fwd, _, d_m = GEOD.inv(t.lon, t.lat, r.impact.lon, r.impact.lat)
        print(f"{scn.id}: great-circle bearing {t.great_circle_bearing_deg:.1f}°, fitted azimuth {az:g}° "
              f"(was {scn.azimuth_deg:g}°): {how}; falls {d_m / 1000:,.0f} km at {fwd % 360:.1f}° from "
              f"{t.reference} (published: {t.distance_km:,.0f} km at {t.bearing_deg:g}°), "
              f"{t.miss_km(r.impact.lat, r.impact.lon):.1f} km from the published arc; \"{r.impact.description}\"")
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
