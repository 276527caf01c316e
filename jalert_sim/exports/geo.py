"""Geographic exports of one simulation: GeoJSON, KML and OASIS CAP 1.2.

* :func:`to_geojson` — an RFC 7946 FeatureCollection: the ground track
  (LineString, or MultiLineString split at the antimeridian), the impact Point,
  the launch Point, and one Feature per warned prefecture (its land as a
  MultiPolygon) with the alert and overflight times. Coordinates are
  ``[lon, lat]`` degrees WGS84; polygons are wound counter-clockwise.
* :func:`to_kml` — KML 2.2: the 3-D track (``altitudeMode`` absolute, metres
  above the ellipsoid, which KML reads as above sea level: a few tens of metres
  at most, nothing at these altitudes), launch and impact, the warned prefectures.
* :func:`cap_alerts` / :func:`to_cap_feed` — one CAP 1.2 ``alert`` per J-Alert
  message. Several alerts travel together in an Atom 1.0 feed (the usual way
  CAP alerts are published: one ``entry`` per alert, the alert inside
  ``content type="application/cap+xml"``). ``status`` is ``Exercise`` unless the
  caller explicitly asks otherwise: a simulation is never an ``Actual`` warning
  by default.

Prefecture outlines are simplified for size (about 100 m in GeoJSON/KML);
CAP polygons are single rings, so each prefecture's area has one ``polygon``
per large part (the main island's exterior always, other parts of at least
:data:`CAP_MIN_PART_KM2`), each simplified to at most :data:`CAP_MAX_VERTICES`
vertices and grown to cover all of its land. Small islands are then covered only by the prefecture's geocode
(``JIS X 0401``), which is what alerting systems key on anyway.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timezone
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
import shapely
from shapely.geometry import mapping

from .. import __version__
from ..alerting.messages import HEADINGS
from ..simulation.result import SimulationResult

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
KML_NS = "http://www.opengis.net/kml/2.2"
ATOM_NS = "http://www.w3.org/2005/Atom"

#: CAP ``status`` values a caller may choose; the default is the first.
CAP_STATUSES = ("Exercise", "Test", "Draft", "System", "Actual")
CAP_SENDER = "jalert-sim@jalert-sim.invalid"
#: Polygon parts smaller than this are left to the geocode in CAP areas.
CAP_MIN_PART_KM2 = 100.0
CAP_MAX_PARTS = 8
CAP_MAX_VERTICES = 100
#: Simplification of prefecture outlines in GeoJSON and KML, degrees (~100 m).
OUTLINE_TOLERANCE_DEG = 0.001
_DECIMALS = 5  # ~1 m

# Per message kind: responseType, urgency, severity, certainty, and the event names.
# Launch and "take shelter now" are predictions that call for shelter; "passed" and
# "fell" report what has happened: shelter is over, suspicious objects are to be avoided.
_CAP_KIND = {
    "launch": ("Shelter", "Immediate", "Extreme", "Likely"),
    "take_shelter_now": ("Shelter", "Immediate", "Extreme", "Likely"),
    "passed": ("Avoid", "Past", "Moderate", "Observed"),
    "fell_in_japan": ("Shelter", "Immediate", "Extreme", "Observed"),
    "fell_outside": ("AllClear", "Past", "Minor", "Observed"),
}
_HEADLINE = HEADINGS  # (ja, en)
_INSTRUCTION = {
    "launch": ("頑丈な建物の中か地下に避難してください。", "Take shelter in a sturdy building or underground."),
    "take_shelter_now": ("今すぐ頑丈な建物の中か地下に避難してください。", "Get into a sturdy building or underground now."),
    "passed": ("不審な物には近寄らず、警察や消防に連絡してください。",
               "Do not go near suspicious objects; report them to the police or fire service."),
    "fell_in_japan": ("屋内にとどまり、不審な物には近寄らず、警察や消防に連絡してください。",
                      "Stay indoors; do not go near suspicious objects; report them to the police or fire service."),
    "fell_outside": ("屋内にとどまる必要はありません。不審な物には近寄らないでください。",
                     "No need to stay indoors. Do not go near suspicious objects."),
}


# --- shared helpers -------------------------------------------------------------------------


def _warned_prefectures(result: SimulationResult) -> list[tuple[Any, Any]]:
    """(PrefectureAlert, geography.Prefecture) for every warned prefecture, in alert order."""
    from ..geo import prefectures

    by_code = {p.code: p for p in prefectures()}
    return [(a, by_code[a.code]) for a in result.alerts]


def _iso(result: SimulationResult, seconds: float | None) -> str | None:
    """The time as the JSON document writes it (SimulationResult.to_dict): rounded to the second."""
    return None if seconds is None else result.time(round(seconds)).isoformat(timespec="seconds")


def _round(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(c), _DECIMALS) for c in coords]
        return [_round(c) for c in coords]
    return coords


def _track_lonlat(result: SimulationResult) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """t_s, lat, lon (wrapped to [-180, 180)), alt_km of the track samples."""
    tr = result.track
    lon = (np.asarray(tr.lon, dtype=float) + 180.0) % 360.0 - 180.0
    return np.asarray(tr.t_s, float), np.asarray(tr.lat, float), lon, np.asarray(tr.alt_km, float)


def split_antimeridian(lat: np.ndarray, lon: np.ndarray, *values: np.ndarray) -> list[list[list[float]]]:
    """The track as lists of [lon, lat, *values], cut where it crosses 180° (RFC 7946 §3.1.9): each
    cut ends one part at ±180 and starts the next at ∓180, with the latitude and the ``values``
    (time, altitude: one per sample) interpolated there, so that every vertex has its values."""
    rows = np.column_stack([lon, lat, *values]).tolist()
    parts: list[list[list[float]]] = [[rows[0]]]
    for prev, row in zip(rows, rows[1:]):
        lo0, lo1 = prev[0], row[0]
        if abs(lo1 - lo0) > 180.0:  # crossed the antimeridian: end here at ±180, restart on the other side
            edge = 180.0 if lo0 > 0 else -180.0
            lo1u = lo1 + 360.0 if lo0 > 0 else lo1 - 360.0
            f = (edge - lo0) / (lo1u - lo0)
            rest = [a + f * (b - a) for a, b in zip(prev[1:], row[1:])]
            parts[-1].append([edge, *rest])
            parts.append([[-edge, *rest]])
        parts[-1].append(row)
    return parts


# --- GeoJSON --------------------------------------------------------------------------------


def geojson_dict(result: SimulationResult) -> dict[str, Any]:
    """The RFC 7946 FeatureCollection as a dict (see the module docstring)."""
    t, lat, lon, alt = _track_lonlat(result)
    parts = split_antimeridian(lat, lon, t, alt)
    lines = [[v[:2] for v in part] for part in parts]
    if len(parts) == 1:
        track_geom = {"type": "LineString", "coordinates": _round(lines[0])}
    else:
        track_geom = {"type": "MultiLineString", "coordinates": _round(lines)}
    tr = result.trajectory
    imp = result.impact
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "id": "track",
            "geometry": track_geom,
            "properties": {
                "kind": "track",
                "launch_time": result.launch_time.isoformat(),
                "impact_time": _iso(result, imp.time_s),
                "azimuth_deg": result.azimuth_deg,
                "apogee_km": tr["apogee_km"],
                "range_km": tr["range_km"],
                "flight_time_s": tr["flight_time_s"],
                # One value per vertex of the track, in order (the parts' vertices end to end).
                "t_s": [round(v[2], 3) for part in parts for v in part],
                "alt_km": [round(v[3], 3) for part in parts for v in part],
            },
        },
        {
            "type": "Feature",
            "id": "launch",
            "geometry": {"type": "Point", "coordinates": _round([result.launch_lon, result.launch_lat])},
            "properties": {"kind": "launch", "time": result.launch_time.isoformat(),
                           "site": result.site.name if result.site else None},
        },
        {
            "type": "Feature",
            "id": "impact",
            "geometry": {"type": "Point", "coordinates": _round([(imp.lon + 180.0) % 360.0 - 180.0, imp.lat])},
            "properties": {
                "kind": "impact", "time": _iso(result, imp.time_s), "time_s": imp.time_s,
                "description": imp.description, "description_ja": imp.description_ja,
                "on_land": imp.on_land, "in_territorial_sea": imp.in_territorial_sea, "eez_status": imp.eez_status,
                "sea": imp.sea, "country": imp.country,
            },
        },
    ]
    for a, pref in _warned_prefectures(result):
        land = shapely.simplify(pref.land, OUTLINE_TOLERANCE_DEG, preserve_topology=True)
        land = shapely.orient_polygons(land, exterior_cw=False)
        geom = mapping(land)
        features.append({
            "type": "Feature",
            "id": f"prefecture-{a.code}",
            "geometry": {"type": geom["type"], "coordinates": _round(geom["coordinates"])},
            "properties": {
                "kind": "prefecture", "code": a.code, "name": a.name, "name_ja": a.name_ja, "reason": a.reason,
                "alert_time": _iso(result, a.alert_time_s),
                "overflight_start": _iso(result, a.overflight_start_s),
                "overflight_end": _iso(result, a.overflight_end_s),
                "min_altitude_km": a.min_altitude_km, "lead_time_s": a.lead_time_s,
            },
        })
    return {"type": "FeatureCollection", "features": features}


def to_geojson(result: SimulationResult) -> str:
    return json.dumps(geojson_dict(result), ensure_ascii=False, separators=(",", ":")) + "\n"


# --- KML ------------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = text
    return el


def _xml(root: ET.Element, namespaces: dict[str, str] | None = None) -> str:
    """Serialise with the given prefix → URI mapping ('' = default namespace)."""
    for prefix, uri in (namespaces or {}).items():
        ET.register_namespace(prefix, uri)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _kml_ring(parent: ET.Element, tag: str, coords) -> None:
    ring = _sub(_sub(parent, tag), "LinearRing")
    _sub(ring, "coordinates", " ".join(f"{x:.{_DECIMALS}f},{y:.{_DECIMALS}f}" for x, y in coords))


def to_kml(result: SimulationResult, *, title: str | None = None) -> str:
    """KML 2.2 document: 3-D track, launch, impact, warned prefectures (see the module docstring)."""
    q = lambda tag: f"{{{KML_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("kml"))
    doc = ET.SubElement(root, q("Document"))
    ET.SubElement(doc, q("name")).text = title or f"jalert-sim: launch {result.launch_time.isoformat()}"
    ET.SubElement(doc, q("description")).text = (
        f"Simulated by jalert-sim {__version__}. Not a real warning. {result.assessment.summary_en}")
    styles = {"track": ("ff0000ff", None), "impact": ("ff0000ff", "7f0000ff"), "overflight": ("ff00a5ff", "6000a5ff"),
              "corridor": ("ffffff00", "40ffff00")}
    for sid, (line, poly) in styles.items():
        st = ET.SubElement(doc, q("Style"), id=sid)
        ls = ET.SubElement(st, q("LineStyle"))
        ET.SubElement(ls, q("color")).text = line
        ET.SubElement(ls, q("width")).text = "3" if sid == "track" else "1"
        if poly:
            ET.SubElement(ET.SubElement(st, q("PolyStyle")), q("color")).text = poly

    t, lat, lon, alt = _track_lonlat(result)
    pm = ET.SubElement(doc, q("Placemark"))
    ET.SubElement(pm, q("name")).text = "Trajectory"
    ET.SubElement(pm, q("styleUrl")).text = "#track"
    # Cut at the antimeridian as in GeoJSON: flat lon/lat readers (GDAL, QGIS) would otherwise draw
    # a line across the whole map. Two or more parts go in a MultiGeometry.
    parts = split_antimeridian(lat, lon, alt)
    holder = pm if len(parts) == 1 else ET.SubElement(pm, q("MultiGeometry"))
    for part in parts:
        ls = ET.SubElement(holder, q("LineString"))
        ET.SubElement(ls, q("extrude")).text = "1"
        ET.SubElement(ls, q("tessellate")).text = "0"
        ET.SubElement(ls, q("altitudeMode")).text = "absolute"
        ET.SubElement(ls, q("coordinates")).text = " ".join(
            f"{x:.{_DECIMALS}f},{y:.{_DECIMALS}f},{h * 1000.0:.0f}" for x, y, h in part)

    imp = result.impact
    for name, (plat, plon), when, desc in (
        ("Launch", (result.launch_lat, result.launch_lon), result.launch_time.isoformat(),
         result.site.name if result.site else ""),
        ("Impact", (imp.lat, (imp.lon + 180.0) % 360.0 - 180.0), _iso(result, imp.time_s), imp.description),
    ):
        pm = ET.SubElement(doc, q("Placemark"))
        ET.SubElement(pm, q("name")).text = name
        ET.SubElement(pm, q("description")).text = desc
        ET.SubElement(ET.SubElement(pm, q("TimeStamp")), q("when")).text = when
        pt = ET.SubElement(pm, q("Point"))
        ET.SubElement(pt, q("coordinates")).text = f"{plon:.{_DECIMALS}f},{plat:.{_DECIMALS}f},0"

    folder = ET.SubElement(doc, q("Folder"))
    ET.SubElement(folder, q("name")).text = "Warned prefectures"
    for a, pref in _warned_prefectures(result):
        pm = ET.SubElement(folder, q("Placemark"), id=f"prefecture-{a.code}")
        ET.SubElement(pm, q("name")).text = f"{a.name} {a.name_ja}"
        ET.SubElement(pm, q("description")).text = (
            f"JIS {a.code}; {a.reason}; alert {_iso(result, a.alert_time_s)}; "
            f"over from {_iso(result, a.overflight_start_s) or '-'} to {_iso(result, a.overflight_end_s) or '-'}")
        ET.SubElement(pm, q("styleUrl")).text = f"#{a.reason}"
        multi = ET.SubElement(pm, q("MultiGeometry"))
        land = shapely.simplify(pref.land, OUTLINE_TOLERANCE_DEG, preserve_topology=True)
        for poly in shapely.get_parts(land):
            pg = ET.SubElement(multi, q("Polygon"))
            ET.SubElement(pg, q("altitudeMode")).text = "clampToGround"
            _kml_ring(pg, q("outerBoundaryIs"), poly.exterior.coords)
            for hole in poly.interiors:
                _kml_ring(pg, q("innerBoundaryIs"), hole.coords)
    return _xml(root, {"": KML_NS})


# --- CAP 1.2 --------------------------------------------------------------------------------


def cap_status(value: str | None) -> str:
    """Normalise a status name ('exercise' → 'Exercise'); ValueError for anything else."""
    if value is None:
        return CAP_STATUSES[0]
    for s in CAP_STATUSES:
        if s.lower() == str(value).strip().lower():
            return s
    raise ValueError(f"CAP status must be one of {', '.join(s.lower() for s in CAP_STATUSES)}, got {value!r}")


def cap_polygons(land, *, min_part_km2: float = CAP_MIN_PART_KM2, max_parts: int = CAP_MAX_PARTS,
                 max_vertices: int = CAP_MAX_VERTICES) -> list[str]:
    """CAP ``polygon`` strings ("lat,lon lat,lon ...", first pair repeated last) for a lon/lat (Multi)Polygon.

    The largest part always; other parts if at least ``min_part_km2`` (area measured in
    the project's metric projection), largest first, at most ``max_parts``. An exterior ring
    of more than ``max_vertices`` vertices becomes :func:`_covering_ring`: a receiver that
    targets by polygon must not miss a coast (simplifying the ring itself cut up to 4.7 km
    inside Hokkaido's).
    """
    from ..geo import to_xy

    parts = list(shapely.get_parts(land))
    areas = []
    for p in parts:
        x, y = to_xy(*np.asarray(p.exterior.coords).T)
        areas.append(shapely.Polygon(np.column_stack([x, y])).area / 1e6)
    order = np.argsort(areas)[::-1]
    out = []
    for rank, k in enumerate(order[:max_parts]):
        if rank > 0 and areas[k] < min_part_km2:
            break
        ring = shapely.Polygon(parts[k].exterior)
        simple = ring if len(ring.exterior.coords) <= max_vertices else _covering_ring(ring, max_vertices)
        coords = list(simple.exterior.coords)
        if coords[0] != coords[-1]:
            coords.append(coords[0])
        out.append(" ".join(f"{lat:.4f},{lon:.4f}" for lon, lat in coords))
    return out


def _covering_ring(ring, max_vertices: int):
    """A polygon of at most ``max_vertices`` vertices, on the 1e-4 degree grid the CAP coordinates
    are written on, that covers ``ring`` (a lon/lat Polygon). The ring is simplified (the tolerance
    rising x1.6 until few vertices are left), then grown, with mitred corners, by the farthest
    any of its vertices lies outside the simplification: a few km on Japan's coasts (bays whose
    mouth the growth closes are filled: they are sea). A grid step or two more if the rounding
    still leaves a vertex out; the grid-aligned bounding box if nothing else does."""
    vertices = shapely.points(np.asarray(ring.exterior.coords))
    tol = 0.001
    while tol < 1.0:
        simple = shapely.simplify(ring, tol, preserve_topology=True)
        tol *= 1.6
        if len(simple.exterior.coords) > max_vertices:
            continue
        reach = float(shapely.distance(vertices, simple).max())
        for extra in (1e-4, 5e-4, 2e-3):
            grown = simple.buffer(reach + extra, join_style="mitre", mitre_limit=1.5)
            out = shapely.set_precision(shapely.Polygon(grown.exterior), 1e-4)
            if out.geom_type == "Polygon" and len(out.exterior.coords) <= max_vertices and shapely.covers(out, ring):
                return out
    x0, y0, x1, y1 = ring.bounds
    return shapely.box(np.floor(x0 * 1e4) / 1e4, np.floor(y0 * 1e4) / 1e4, np.ceil(x1 * 1e4) / 1e4, np.ceil(y1 * 1e4) / 1e4)


def cap_alerts(result: SimulationResult, *, status: str = "Exercise", sender: str = CAP_SENDER) -> list[ET.Element]:
    """One CAP 1.2 ``alert`` element per J-Alert message, in time order.

    An Update supersedes the messages it references (CAP 1.2 §3.2.1), so a message to every
    prefecture under an alert in force ("passed", "fell") is an Update that references all of
    those alerts, and a message to fewer of them ("take shelter now", to the predicted impact
    area) is an Alert of its own: the launch alert stays in force for the other prefectures.
    The first message is an Alert. Identifiers are the incident (:func:`_incident`: the launch
    second and a digest of the scenario) and the message's number.
    """
    status = cap_status(status)
    return _cap_alerts(result, status, sender, _incident(result, status))


def _cap_alerts(result: SimulationResult, status: str, sender: str, incident: str) -> list[ET.Element]:
    """:func:`cap_alerts` for a normalised ``status`` and the scenario's ``incident``."""
    q = lambda tag: f"{{{CAP_NS}}}{tag}"  # noqa: E731
    prefs = {a.code: (a, p) for a, p in _warned_prefectures(result)}
    polygons = {code: cap_polygons(p.land) for code, (_, p) in prefs.items()}
    alerts: list[ET.Element] = []
    in_force: list[tuple[str, frozenset[str]]] = []  # (reference, prefectures) of the alerts in force
    for n, m in enumerate(result.messages, start=1):
        sent = _iso(result, m.time_s)  # CAP dateTime: seconds, explicit offset, as in the JSON
        identifier = f"{incident}-{n}"
        codes = frozenset(m.prefectures)
        supersedes = in_force if in_force and codes >= frozenset().union(*(c for _, c in in_force)) else []
        alert = ET.Element(q("alert"))
        for tag, text in (("identifier", identifier), ("sender", sender), ("sent", sent), ("status", status),
                          ("msgType", "Update" if supersedes else "Alert"), ("source", f"jalert-sim {__version__}"),
                          ("scope", "Public")):
            _sub(alert, q(tag), text)
        if status != "Actual":
            _sub(alert, q("note"), "Simulated by jalert-sim: a drill, not a real warning. / 訓練用のシミュレーションです。実際の警報ではありません。")
        if supersedes:
            _sub(alert, q("references"), " ".join(ref for ref, _ in supersedes))
        _sub(alert, q("incidents"), incident)
        response, urgency, severity, certainty = _CAP_KIND[m.kind]
        head_ja, head_en = _HEADLINE[m.kind]
        instr_ja, instr_en = _INSTRUCTION[m.kind]
        for lang, event, headline, text, instruction in (
            ("ja-JP", "弾道ミサイル", head_ja, m.text_ja, instr_ja),
            ("en-US", "Ballistic missile", head_en, m.text_en, instr_en),
        ):
            info = _sub(alert, q("info"))
            _sub(info, q("language"), lang)
            _sub(info, q("category"), "Safety")
            _sub(info, q("event"), event)
            _sub(info, q("responseType"), response)
            _sub(info, q("urgency"), urgency)
            _sub(info, q("severity"), severity)
            _sub(info, q("certainty"), certainty)
            _sub(info, q("senderName"), "jalert-sim (simulation)" if lang == "en-US" else "jalert-sim（シミュレーション）")
            _sub(info, q("headline"), headline)
            _sub(info, q("description"), text)
            _sub(info, q("instruction"), instruction)
            for code in m.prefectures:
                a, pref = prefs[code]
                area = _sub(info, q("area"))
                _sub(area, q("areaDesc"), pref.name_ja if lang == "ja-JP" else pref.name)
                for polygon in polygons[code]:
                    _sub(area, q("polygon"), polygon)
                geocode = _sub(area, q("geocode"))
                _sub(geocode, q("valueName"), "JIS X 0401")
                _sub(geocode, q("value"), code)
        alerts.append(alert)
        reference = (f"{sender},{identifier},{sent}", codes)
        in_force = [reference] if supersedes else [*in_force, reference]
    return alerts


def _incident(result: SimulationResult, status: str) -> str:
    """'jalert-sim-<launch second, UTC>-<scenario key>': the CAP incident, and the stem of the
    identifiers and of the Atom ids. Two scenarios launched in the same second differ in the key:
    the first 8 hex digits of SHA-256 of the run document's normalised ``input`` (launch point,
    azimuth, apogee, range, time, model options) and the CAP status. The same scenario and status
    get the same ids."""
    stamp = result.launch_time.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    key = json.dumps([result.to_dict(track=False)["input"], status], sort_keys=True, ensure_ascii=False)
    return f"jalert-sim-{stamp}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def cap_alert_xml(alert: ET.Element) -> str:
    """One alert as a standalone CAP document."""
    return _xml(alert, {"": CAP_NS})


def to_cap_feed(result: SimulationResult, *, status: str = "Exercise", sender: str = CAP_SENDER) -> str:
    """Every CAP alert of the simulation in one Atom 1.0 feed (one ``entry`` per alert).

    With no J-Alert the feed has no entries (CAP has no "nothing happened" alert).
    """
    q = lambda tag: f"{{{ATOM_NS}}}{tag}"  # noqa: E731
    status = cap_status(status)
    incident = _incident(result, status)  # (the input digest: once for the alerts and the feed)
    alerts = _cap_alerts(result, status, sender, incident)
    feed = ET.Element(q("feed"))
    _sub(feed, q("id"), f"urn:jalert-sim:{incident}")
    _sub(feed, q("title"), f"jalert-sim CAP alerts ({status}): launch {result.launch_time.isoformat()}")
    _sub(feed, q("updated"), _iso(result, max((m.time_s for m in result.messages), default=0.0)))
    _sub(_sub(feed, q("author")), q("name"), "jalert-sim")
    for alert, m in zip(alerts, result.messages):
        entry = _sub(feed, q("entry"))
        ident = alert.find(f"{{{CAP_NS}}}identifier").text
        _sub(entry, q("id"), f"urn:jalert-sim:{ident}")
        _sub(entry, q("title"), alert.find(f"{{{CAP_NS}}}info/{{{CAP_NS}}}headline").text)
        _sub(entry, q("updated"), alert.find(f"{{{CAP_NS}}}sent").text)
        content = _sub(entry, q("content"), type="application/cap+xml")
        content.append(alert)
    return _xml(feed, {"": ATOM_NS, "cap": CAP_NS})
