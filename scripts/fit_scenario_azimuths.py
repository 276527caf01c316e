"""Reconstruct the launch azimuth of each historical scenario from its published path.

Usage (from the repository root): python scripts/fit_scenario_azimuths.py [--write] [--refit]

The simulator is run with the published apogee and range for azimuths from the
great-circle bearing to the published fall point (``Target.point``) minus 5° to
plus 5°, all at once. Where the scenario names a place the missile flew over
(``overflight_point``: Cape Erimo in 2017), the azimuth whose ground track passes
nearest that place is kept, in 0.05° steps: a published overflight pins the
heading to a few km, where "about 1,180 km east of" only says the fall was
somewhere on an arc ~460 km long (a compass point is 22.5° wide). Otherwise the
azimuth whose impact lies nearest the middle of the published arc is kept, in 0.1°
steps.

Satellite launches (``kind`` "satellite") have no published apogee: the stage that crossed
Japan is flown as a minimum-energy arc whose apogee (1 km steps) makes its flight time the
published time of its fall, and whose azimuth passes nearest the published overflight place;
the two are fitted in turn until they settle. A prediction without a published range (2022-11-03)
is fitted the same way to the published time at which it was said to pass over the alert area. A scenario with ``corridor_of`` copies that
scenario's fitted azimuth, apogee and range (launches whose notified corridor was the same
but whose own path was not flown or not published).

Derived places are computed here, not typed: an ``overflight_point`` whose ``lat``/``lon`` are
null is the geodesic midpoint of the two places its ``reference`` names, or the middle of the
land of the alert area (``actual.prefectures``) for a prediction; a ``target`` without
``great_circle_bearing_deg`` gets the bearing from the launch site to its middle.

``--write`` stores the results (and each scenario's ``fit``: what was fitted and the residual)
in the data file; azimuths already there are kept unless ``--refit`` is given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from jalert_sim.earth import GEOD
from jalert_sim.physics.trajectories import solve
from jalert_sim.simulation.scenarios import Target

DATA = Path(__file__).resolve().parent.parent / "data" / "scenarios.json"

NAHA = (26.212, 127.681)  # Okinawa Island (the prefectural capital), GSI
MIYAKO = (24.76, 125.33)  # Miyako-jima, data/places.json


def midpoint(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """Geodesic midpoint (lat, lon) of two (lat, lon) points on WGS84."""
    fwd, _, d = GEOD.inv(a[1], a[0], b[1], b[0])
    lon, lat, _ = GEOD.fwd(a[1], a[0], fwd, d / 2.0)
    return round(float(lat), 3), round(float(lon), 3)


def area_middle(codes: list[str]) -> tuple[float, float]:
    """(lat, lon) of the centroid, in the project's equidistant projection, of these prefectures' land."""
    import shapely

    from jalert_sim.geo import prefecture
    from jalert_sim.geo.projection import to_lonlat

    c = shapely.union_all([prefecture(code).land_xy for code in codes]).centroid
    lon, lat = to_lonlat(c.x, c.y)
    return round(float(lat), 3), round(float(lon), 3)


def launch(raw: dict) -> tuple[float, float]:
    return float(raw["launch"]["lat"]), float(raw["launch"]["lon"])


def target(raw: dict) -> Target | None:
    t = raw.get("target")
    return None if t is None else Target(t["reference"], t["lat"], t["lon"], t["distance_km"], t["bearing_deg"],
                                         t.get("great_circle_bearing_deg") or 0.0)


def track_distance_km(raw: dict, azimuths: np.ndarray, apogee_km) -> tuple[np.ndarray, np.ndarray]:
    """Per azimuth, the least geodesic distance (km) from the overflight point to the ground track
    (sampled every 0.2 s, < 1 km apart) and the time (s after launch) at which it is least."""
    n = len(azimuths)
    lat0, lon0 = launch(raw)
    rng = raw.get("range_km")
    trajs = solve(np.full(n, lat0), np.full(n, lon0), azimuths, np.broadcast_to(np.asarray(apogee_km, float), (n,)),
                  np.full(n, np.nan if rng is None else rng))
    t, lat, lon, _ = trajs.sample(0.2)
    way = raw["overflight_point"]
    ok = np.isfinite(lat)
    _, _, d = GEOD.inv(np.full(ok.sum(), way["lon"]), np.full(ok.sum(), way["lat"]), lon[ok], lat[ok])
    dist = np.full(lat.shape, np.inf)
    dist[ok] = d
    k = dist.argmin(axis=1)
    times = np.broadcast_to(t, lat.shape)[np.arange(n), k] if np.ndim(t) else k * 0.2
    return dist.min(axis=1) / 1000.0, times


def guess_bearing(raw: dict) -> float:
    lat0, lon0 = launch(raw)
    if raw.get("overflight_point") is not None:
        way = raw["overflight_point"]
        fwd, _, _ = GEOD.inv(lon0, lat0, way["lon"], way["lat"])
    else:
        lat, lon = target(raw).point()
        fwd, _, _ = GEOD.inv(lon0, lat0, lon, lat)
    return float(fwd) % 360.0


def fit_overflight(raw: dict, apogee_km: float, guess: float) -> tuple[float, str]:
    azimuths = np.round(np.arange(guess - 5.0, guess + 5.0001, 0.05), 2)
    d, t = track_distance_km(raw, azimuths, apogee_km)
    k = int(np.argmin(d))
    return float(azimuths[k]), (f"track passes {d[k]:.1f} km from {raw['overflight_point']['reference']} "
                                f"{t[k]:.0f} s after launch")


def fit_target(raw: dict) -> tuple[float, str]:
    tgt = target(raw)
    lat, lon = tgt.point()
    guess = guess_bearing(raw)
    azimuths = np.round(np.arange(guess - 5.0, guess + 5.0001, 0.1), 1)
    n = len(azimuths)
    lat0, lon0 = launch(raw)
    rng = raw.get("range_km")
    trajs = solve(np.full(n, lat0), np.full(n, lon0), azimuths, np.full(n, raw["apogee_km"]),
                  np.full(n, np.nan if rng is None else rng), errors="mask")
    rows = trajs.summaries()
    best = (None, float("inf"), 0.0)
    for a, r in zip(azimuths, rows):
        if not r["ok"]:
            continue
        _, _, d_m = GEOD.inv(r["impact_lon"], r["impact_lat"], lon, lat)
        if d_m / 1000.0 < best[1]:
            best = (float(a), float(d_m) / 1000.0, tgt.miss_km(r["impact_lat"], r["impact_lon"]))
    return best[0], (f"impact falls {best[1]:.0f} km from the middle of the published arc "
                     f"('about {tgt.distance_km:,.0f} km {tgt.bearing_deg:g} deg from {tgt.reference}'), "
                     f"{best[2]:.0f} km from the arc")


def fit_timed(raw: dict) -> tuple[float, float, str]:
    """(azimuth, apogee, how) for a path known by a published time and place but no apogee: a
    minimum-energy arc whose apogee (1 km steps) puts the stage's fall (satellites) or the
    closest approach to the overflight place (predictions) at the published time, and whose
    azimuth passes nearest that place; the two fitted in turn until they settle."""
    from datetime import datetime

    a = raw["actual"]
    by_fall = raw["kind"] == "satellite"
    when = datetime.fromisoformat(a["impact_time"] if by_fall else a["overflight_time"])
    t_pub = (when - datetime.fromisoformat(raw["launch_time"])).total_seconds()
    lat0, lon0 = launch(raw)
    az = guess_bearing(raw)
    apogees = np.arange(150.0, 1200.0, 1.0)
    for _ in range(3):
        n = len(apogees)
        if by_fall:
            rows = solve(np.full(n, lat0), np.full(n, lon0), np.full(n, az), apogees, np.full(n, np.nan),
                         errors="mask").summaries()
            t = np.array([r["flight_time_s"] if r["ok"] else np.nan for r in rows])
        else:
            _, t = track_distance_km(raw, np.full(n, az), apogees)
        apogee = float(apogees[int(np.nanargmin(np.abs(t - t_pub)))])
        az, how = fit_overflight(raw, apogee, az)
    what = "the fall of the stage" if by_fall else f"the closest approach to {raw['overflight_point']['reference']}"
    return az, apogee, (f"minimum-energy apogee {apogee:g} km puts {what} {t_pub:.0f} s after launch "
                        f"(the published time); {how}")


def main(argv: list[str]) -> None:
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    raws = {s["id"]: s for s in doc["scenarios"]}
    refit = "--refit" in argv
    for raw in doc["scenarios"]:
        o = raw.get("overflight_point")
        if o is not None and o.get("lat") is None:
            if raw["kind"] == "prediction":
                o["lat"], o["lon"] = area_middle(raw["actual"]["prefectures"])
            else:
                o["lat"], o["lon"] = midpoint(NAHA, MIYAKO)
        t = raw.get("target")
        if t is not None and t.get("great_circle_bearing_deg") is None:
            lat, lon = target(raw).point()
            fwd, _, _ = GEOD.inv(raw["launch"]["lon"], raw["launch"]["lat"], lon, lat)
            t["great_circle_bearing_deg"] = round(float(fwd) % 360.0, 1)
    for raw in doc["scenarios"]:
        if not raw.get("modelled", True) or raw.get("corridor_of"):
            continue
        keep = raw.get("azimuth_deg") is not None and not refit
        if raw["kind"] == "satellite" or (raw["kind"] == "prediction" and raw.get("range_km") is None):
            az, apogee, how = fit_timed(raw)
            raw["apogee_km"] = apogee
        elif raw.get("overflight_point") is not None:
            az, how = fit_overflight(raw, raw["apogee_km"], raw["target"]["great_circle_bearing_deg"]
                                     if raw.get("target") else guess_bearing(raw))
        else:
            az, how = fit_target(raw)
        print(f"{raw['id']}: azimuth {az:g} (in the file: {raw.get('azimuth_deg')}): {how}")
        if keep and abs(az - raw["azimuth_deg"]) > 1e-9:
            how += f" (the file keeps {raw['azimuth_deg']:g} deg, fitted by an earlier model version)"
        else:
            raw["azimuth_deg"] = az
        raw["fit"] = how
    for raw in doc["scenarios"]:
        of = raw.get("corridor_of")
        if of:
            src = raws[of]
            raw["azimuth_deg"], raw["apogee_km"], raw["range_km"] = src["azimuth_deg"], src["apogee_km"], src["range_km"]
            raw["fit"] = f"copied from {of} (the same notified corridor)"
            print(f"{raw['id']}: {raw['fit']}")
    if "--write" in argv:
        DATA.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {DATA}")


if __name__ == "__main__":
    main(sys.argv[1:])
