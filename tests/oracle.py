"""The alert model stated one trajectory at a time: the independent oracle the engine is checked
against (tests/test_engine.py).

It applies the model of :mod:`jalert_sim.alerting.model` as plainly as it can be said: the
candidates from STRtree queries on each coarse polyline, every fine sample of a window tested
with shapely, crossing times bisected on the exact trajectory, closest approaches searched on
fine samples, the impact point described with ``describe_point``. It shares with the engine
only the model's leaf (records, constants, the rule that decides an alert) and the message
composition; everything geometric is computed here again, by the slow, obvious route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import shapely

from jalert_sim import geo
from jalert_sim.alerting.compose import compose
from jalert_sim.alerting.model import (
    BISECTIONS, COARSE_STEP_M, COARSE_STEP_S, FINE_STEP_S, SUB_STEPS, AlertModel, Approach, Assessment, Crossing, Impact,
    Launch, overflight_span, prefecture_alert,
)
from jalert_sim.physics.trajectories import Trajectories


@dataclass(frozen=True)
class _Track:
    """One trajectory of the batch and its coarse samples (NaN padding removed)."""

    one: Trajectories  # the batch's row, as a batch of one
    t: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    flight_time_s: float

    def at(self, t_s: np.ndarray):
        """(lat, lon, alt) of the exact trajectory at times ``t_s`` (1-D)."""
        return (a[0] for a in self.one.positions_at(t_s))


@dataclass(frozen=True)
class _Candidates:
    """The footprints (indices) a track's coarse polyline comes near, by test."""

    corridor: set[int]
    crossed: set[int]
    near_impact: set[int]
    hit: set[int]


def assess(trajectories: Trajectories, launch_times: list[datetime], model: AlertModel = AlertModel()) -> list[Assessment]:
    """What jalert_sim.alerting.engine.assess computes, one trajectory at a time."""
    n = len(trajectories)
    if n == 0:
        return []
    tree = geo.footprint_tree()
    t, lat, lon, _ = trajectories.sample(COARSE_STEP_S)
    lines = _track_lines(lat, lon)
    ix, iy = geo.to_xy(trajectories.impact_lon, trajectories.impact_lat)
    impact_points = shapely.points(ix, iy)
    corridor = _pairs(tree.query(lines, predicate="dwithin", distance=model.corridor_km * 1000.0), n)
    crossed = _pairs(tree.query(lines, predicate="intersects"), n)
    near_impact = _pairs(tree.query(impact_points, predicate="dwithin", distance=model.impact_radius_km * 1000.0), n)
    hit = _pairs(tree.query(impact_points, predicate="intersects"), n)
    out = []
    for i in range(n):
        valid = ~np.isnan(t[i])
        track = _Track(trajectories.select([i]), t[i][valid], lat[i][valid], lon[i][valid],
                       float(trajectories.flight_time_s[i]))
        candidates = _Candidates(corridor[i], crossed[i], near_impact[i], hit[i])
        out.append(_assess_one(track, candidates, launch_times[i], model))
    return out


def _pairs(query_result: np.ndarray, n: int) -> list[set[int]]:
    out: list[set[int]] = [set() for _ in range(n)]
    for a, b in zip(query_result[0].tolist(), query_result[1].tolist()):
        out[a].add(b)
    return out


def _track_lines(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """One projected LineString per row of (NaN-padded) samples."""
    valid = ~np.isnan(lat)
    rows = np.nonzero(valid)[0]
    x, y = geo.to_xy(lon[valid], lat[valid])
    return shapely.linestrings(np.column_stack([x, y]), indices=rows)


def _assess_one(track: _Track, c: _Candidates, launch_time: datetime, model: AlertModel) -> Assessment:
    prefs = geo.prefectures()
    alerts, crossings = [], []
    for j in sorted(c.corridor | c.near_impact | c.hit):
        footprint = prefs[j].footprint_xy
        crossing = _crossing(track, footprint) if j in c.crossed else None
        if crossing is not None:  # the track enters the footprint: nearest approach is the entry
            closest_s, closest_km = crossing.entry_s, 0.0
        else:
            closest_s, closest_km = _closest_approach(track, footprint)
        alert = prefecture_alert(prefs[j], model, track.flight_time_s,
                                 Approach(crossing, closest_s, closest_km, j in c.hit, j in c.near_impact))
        if alert is not None:
            alerts.append(alert)
            crossings.append(crossing)
    first_entry, last_exit, exit_fix = overflight_span(crossings)
    impact = _impact(track, c.hit, exit_fix)
    launch = track.one
    msgs, (summary_ja, summary_en) = compose(
        alerts, impact, Launch(float(launch.launch_lat[0]), float(launch.launch_lon[0]), launch_time), model, prefs)
    return Assessment(alerts=tuple(alerts), impact=impact, messages=tuple(msgs), overflight_start_s=first_entry,
                      overflight_end_s=last_exit, summary_ja=summary_ja, summary_en=summary_en)


def _inside(footprint, lat, lon) -> np.ndarray:
    x, y = geo.to_xy(lon, lat)
    return shapely.contains_xy(footprint, x, y)


def _crossing(track: _Track, footprint) -> Crossing | None:
    """The coarse samples bracket the window; 1 s samples find the crossing and bisection on the
    exact trajectory refines each boundary time."""
    x, y = geo.to_xy(track.lon, track.lat)
    minx, miny, maxx, maxy = footprint.bounds
    step_m = COARSE_STEP_M
    near = (x > minx - step_m) & (x < maxx + step_m) & (y > miny - step_m) & (y < maxy + step_m)
    if not near.any():
        return None
    k = np.nonzero(near)[0]
    t0, t1 = track.t[max(k[0] - 1, 0)], track.t[min(k[-1] + 1, len(track.t) - 1)]
    fine_t = np.clip(np.arange(t0, t1 + FINE_STEP_S, FINE_STEP_S), 0.0, track.flight_time_s)
    flat, flon, falt = track.at(fine_t)
    inside = _inside(footprint, flat, flon)
    if not inside.any():
        # No 1 s sample inside: the track may still cut a corner of the footprint between two.
        fine_t, flat, flon, falt, inside = _sub_steps(track, footprint, fine_t, flat, flon)
        if not inside.any():
            return None
    k = np.nonzero(inside)[0]

    def refine(t_out: float, t_in: float) -> float:
        for _ in range(BISECTIONS):
            mid = 0.5 * (t_out + t_in)
            mlat, mlon, _ = (a[0] for a in track.one.positions_at(np.array([mid])))
            if _inside(footprint, mlat, mlon):
                t_in = mid
            else:
                t_out = mid
        return 0.5 * (t_out + t_in)

    entry = fine_t[k[0]] if k[0] == 0 else refine(fine_t[k[0] - 1], fine_t[k[0]])
    exit_ = fine_t[k[-1]] if k[-1] == len(fine_t) - 1 else refine(fine_t[k[-1] + 1], fine_t[k[-1]])
    _, _, ealt = track.at(np.array([entry, exit_]))
    min_alt = float(min(np.nanmin(falt[inside]), np.nanmin(ealt)))
    return Crossing(float(entry), float(exit_), max(min_alt, 0.0), (float(flat[k[-1]]), float(flon[k[-1]])))


def _sub_steps(track: _Track, footprint, fine_t, flat, flon):
    """The samples of every 1 s chord whose segment (in the plane) intersects the footprint, at
    1/SUB_STEPS s steps, with the chord's ends (which are outside): (times, lat, lon, alt, inside)."""
    x, y = geo.to_xy(flon, flat)
    times = []
    for i in range(len(fine_t) - 1):
        chord = shapely.LineString([(x[i], y[i]), (x[i + 1], y[i + 1])])
        if shapely.intersects(footprint, chord):
            t0, t1 = fine_t[i], fine_t[i + 1]
            times += [t0, *(t0 + (t1 - t0) * (np.arange(1, SUB_STEPS) / SUB_STEPS)), t1]
    t = np.array(times, dtype=float)
    lat, lon, alt = track.at(t) if len(t) else (t, t, t)
    return t, lat, lon, alt, _inside(footprint, lat, lon) if len(t) else np.zeros(0, bool)


def _closest_approach(track: _Track, footprint) -> tuple[float, float]:
    """(time_s, distance_km) of the ground track's nearest approach to the footprint."""
    x, y = geo.to_xy(track.lon, track.lat)
    d = shapely.distance(footprint, shapely.points(x, y))
    k = int(np.argmin(d))
    if d[k] == 0.0:
        return float(track.t[k]), 0.0
    lo, hi = track.t[max(k - 1, 0)], track.t[min(k + 1, len(track.t) - 1)]
    fine_t = np.arange(lo, hi + FINE_STEP_S, FINE_STEP_S).clip(0.0, track.flight_time_s)
    flat, flon, _ = track.at(fine_t)
    fx, fy = geo.to_xy(flon, flat)
    fd = shapely.distance(footprint, shapely.points(fx, fy))
    m = int(np.argmin(fd))
    return float(fine_t[m]), float(fd[m]) / 1000.0


def _impact(track: _Track, hit: set[int], exit_fix) -> Impact:
    one = track.one
    lat, lon, time_s = float(one.impact_lat[0]), float(one.impact_lon[0]), track.flight_time_s
    on_land = geo.prefecture_at(lat, lon)
    territorial = geo.in_territorial_sea(lat, lon)
    code = None
    if territorial:
        code = on_land.code if on_land else (geo.prefectures()[min(hit)].code if hit else None)
    (sea,), (country,) = geo.seas_and_countries_at(lat, lon)
    # For an overflight the government describes the fall from where the path left Japan.
    reference = geo.nearest_landmark(*exit_fix) if exit_fix else None
    d = geo.describe_point(lat, lon, reference=reference)
    return Impact(
        lat=lat, lon=lon, time_s=time_s, prefecture_code=code, on_land=on_land is not None,
        in_territorial_sea=territorial, eez_status=geo.eez_status(lat, lon).value,
        sea=sea.name if sea else None, sea_ja=sea.name_ja if sea else None,
        country=country.name if country else None, country_ja=country.name_ja if country else None,
        description=d.text_en, description_ja=d.text_ja,
        landmark=d.landmark.name, distance_km=d.distance_km, direction=d.direction,
    )
