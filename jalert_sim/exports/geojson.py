"""GeoJSON of one simulation: an RFC 7946 FeatureCollection.

The ground track (LineString, or MultiLineString split at the antimeridian), the impact
Point, the launch Point, and one Feature per warned prefecture (its land as a MultiPolygon,
simplified to about 100 m) with the alert and overflight times. Coordinates are
``[lon, lat]`` degrees WGS84; polygons are wound counter-clockwise. Times are ISO 8601 as
in the JSON document (rounded to the second).
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from shapely.geometry import mapping

from ..earth import wrap_lon
from ..simulation.result import SimulationResult
from .geometry import outline, round_coords, split_antimeridian, track_lonlat, warned_prefectures


def geojson_dict(result: SimulationResult) -> dict[str, Any]:
    """The RFC 7946 FeatureCollection as a dict (see the module docstring)."""
    features = [_track_feature(result), _launch_feature(result), _impact_feature(result)]
    features += [_prefecture_feature(result, a, pref) for a, pref in warned_prefectures(result)]
    return {"type": "FeatureCollection", "features": features}


def to_geojson(result: SimulationResult) -> str:
    """:func:`geojson_dict` as compact JSON (UTF-8 as it is), ending in a newline."""
    return json.dumps(geojson_dict(result), ensure_ascii=False, separators=(",", ":")) + "\n"


def _track_feature(result: SimulationResult) -> dict[str, Any]:
    """The ground track, with the time (s after launch) and altitude (km) of every vertex."""
    t, lat, lon, alt = track_lonlat(result)
    parts = split_antimeridian(lat, lon, t, alt)
    lines = [[v[:2] for v in part] for part in parts]
    if len(parts) == 1:
        track_geom = {"type": "LineString", "coordinates": round_coords(lines[0])}
    else:
        track_geom = {"type": "MultiLineString", "coordinates": round_coords(lines)}
    tr = result.trajectory
    return {
        "type": "Feature",
        "id": "track",
        "geometry": track_geom,
        "properties": {
            "kind": "track",
            "launch_time": result.launch_time.isoformat(),
            "impact_time": result.iso(result.impact.time_s),
            "azimuth_deg": result.azimuth_deg,
            "apogee_km": tr["apogee_km"],
            "range_km": tr["range_km"],
            "flight_time_s": tr["flight_time_s"],
            # One value per vertex of the track, in order (the parts' vertices end to end).
            "t_s": [round(v[2], 3) for part in parts for v in part],
            "alt_km": [round(v[3], 3) for part in parts for v in part],
        },
    }


def _launch_feature(result: SimulationResult) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": "launch",
        "geometry": {"type": "Point", "coordinates": round_coords([result.launch_lon, result.launch_lat])},
        "properties": {"kind": "launch", "time": result.launch_time.isoformat(),
                       "site": result.site.name if result.site else None},
    }


def _impact_feature(result: SimulationResult) -> dict[str, Any]:
    imp = result.impact
    return {
        "type": "Feature",
        "id": "impact",
        "geometry": {"type": "Point", "coordinates": round_coords([wrap_lon(imp.lon), imp.lat])},
        "properties": {
            "kind": "impact", "time": result.iso(imp.time_s), "time_s": imp.time_s,
            "description": imp.description, "description_ja": imp.description_ja,
            "on_land": imp.on_land, "in_territorial_sea": imp.in_territorial_sea, "eez_status": imp.eez_status,
            "sea": imp.sea, "country": imp.country,
        },
    }


def _prefecture_feature(result: SimulationResult, a: Any, pref: Any) -> dict[str, Any]:
    """A warned prefecture: its alert ``a`` (PrefectureAlert) over its land (Prefecture ``pref``)."""
    land = shapely.orient_polygons(outline(pref.land), exterior_cw=False)
    geom = mapping(land)
    return {
        "type": "Feature",
        "id": f"prefecture-{a.code}",
        "geometry": {"type": geom["type"], "coordinates": round_coords(geom["coordinates"])},
        "properties": {
            "kind": "prefecture", "code": a.code, "name": a.name, "name_ja": a.name_ja, "reason": a.reason,
            "alert_time": result.iso(a.alert_time_s),
            "overflight_start": result.iso(a.overflight_start_s),
            "overflight_end": result.iso(a.overflight_end_s),
            "min_altitude_km": a.min_altitude_km, "lead_time_s": a.lead_time_s,
        },
    }
