"""OASIS CAP 1.2 alerts of one simulation: one ``alert`` per J-Alert message.

Several alerts travel together in an Atom 1.0 feed (the usual way CAP alerts are published:
one ``entry`` per alert, the alert inside ``content type="application/cap+xml"``).
``status`` is ``Exercise`` unless the caller explicitly asks otherwise: a simulation is never
an ``Actual`` warning by default.

CAP polygons are single rings ("lat,lon" pairs, degrees WGS84), so each prefecture's area has
one ``polygon`` per large part (the main island's exterior always, other parts of at least
:data:`CAP_MIN_PART_KM2`), each simplified to at most :data:`CAP_MAX_VERTICES` vertices and
grown to cover all of its land. Small islands are then covered only by the prefecture's
geocode (``JIS X 0401``), which is what alerting systems key on anyway.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import timezone
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
import shapely

from .. import __version__
from ..alerting.messages import HEADINGS
from ..simulation.result import SimulationResult
from .geometry import warned_prefectures
from .xmldoc import sub, to_xml

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"

#: CAP ``status`` values a caller may choose; the default is the first.
CAP_STATUSES = ("Exercise", "Test", "Draft", "System", "Actual")
CAP_SENDER = "jalert-sim@jalert-sim.invalid"
#: Polygon parts smaller than this are left to the geocode in CAP areas.
CAP_MIN_PART_KM2 = 100.0
CAP_MAX_PARTS = 8
CAP_MAX_VERTICES = 100

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


def _q(tag: str) -> str:
    return f"{{{CAP_NS}}}{tag}"


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


@dataclass(frozen=True)
class _Issue:
    """What every alert of one simulation shares."""

    incident: str  # see _incident
    status: str  # normalised (cap_status)
    sender: str
    areas: dict[str, tuple[Any, list[str]]]  # JIS code -> (geo.Prefecture, its CAP polygons)


def _cap_alerts(result: SimulationResult, status: str, sender: str, incident: str) -> list[ET.Element]:
    """:func:`cap_alerts` for a normalised ``status`` and the scenario's ``incident``."""
    areas = {a.code: (p, cap_polygons(p.land)) for a, p in warned_prefectures(result)}
    issue = _Issue(incident, status, sender, areas)
    alerts: list[ET.Element] = []
    in_force: list[tuple[str, frozenset[str]]] = []  # (reference, prefectures) of the alerts in force
    for n, m in enumerate(result.messages, start=1):
        sent = result.iso(m.time_s)  # CAP dateTime: seconds, explicit offset, as in the JSON
        identifier = f"{incident}-{n}"
        codes = frozenset(m.prefectures)
        supersedes = in_force if in_force and codes >= frozenset().union(*(c for _, c in in_force)) else []
        alerts.append(_alert(issue, m, identifier, sent, [ref for ref, _ in supersedes]))
        reference = (f"{sender},{identifier},{sent}", codes)
        in_force = [reference] if supersedes else [*in_force, reference]
    return alerts


def _alert(issue: _Issue, m: Any, identifier: str, sent: str, references: list[str]) -> ET.Element:
    """The ``alert`` of message ``m`` (alerting Message): an Update of ``references`` if any, else
    an Alert; one ``info`` in Japanese and one in English, each with the message's areas."""
    alert = ET.Element(_q("alert"))
    for tag, text in (("identifier", identifier), ("sender", issue.sender), ("sent", sent), ("status", issue.status),
                      ("msgType", "Update" if references else "Alert"), ("source", f"jalert-sim {__version__}"),
                      ("scope", "Public")):
        sub(alert, _q(tag), text)
    if issue.status != "Actual":
        sub(alert, _q("note"), "Simulated by jalert-sim: a drill, not a real warning. / 訓練用のシミュレーションです。実際の警報ではありません。")
    if references:
        sub(alert, _q("references"), " ".join(references))
    sub(alert, _q("incidents"), issue.incident)
    response, urgency, severity, certainty = _CAP_KIND[m.kind]
    head_ja, head_en = _HEADLINE[m.kind]
    instr_ja, instr_en = _INSTRUCTION[m.kind]
    for lang, event, headline, text, instruction in (
        ("ja-JP", "弾道ミサイル", head_ja, m.text_ja, instr_ja),
        ("en-US", "Ballistic missile", head_en, m.text_en, instr_en),
    ):
        info = sub(alert, _q("info"))
        sub(info, _q("language"), lang)
        sub(info, _q("category"), "Safety")
        sub(info, _q("event"), event)
        sub(info, _q("responseType"), response)
        sub(info, _q("urgency"), urgency)
        sub(info, _q("severity"), severity)
        sub(info, _q("certainty"), certainty)
        sub(info, _q("senderName"), "jalert-sim (simulation)" if lang == "en-US" else "jalert-sim（シミュレーション）")
        sub(info, _q("headline"), headline)
        sub(info, _q("description"), text)
        sub(info, _q("instruction"), instruction)
        for code in m.prefectures:
            _area(info, lang, code, *issue.areas[code])
    return alert


def _area(info: ET.Element, lang: str, code: str, pref: Any, polygons: list[str]) -> None:
    """One prefecture's ``area``: its name in ``lang``, its polygons, its JIS X 0401 geocode."""
    area = sub(info, _q("area"))
    sub(area, _q("areaDesc"), pref.name_ja if lang == "ja-JP" else pref.name)
    for polygon in polygons:
        sub(area, _q("polygon"), polygon)
    geocode = sub(area, _q("geocode"))
    sub(geocode, _q("valueName"), "JIS X 0401")
    sub(geocode, _q("value"), code)


def _incident(result: SimulationResult, status: str) -> str:
    """'jalert-sim-<launch second, UTC>-<scenario key>': the CAP incident, and the stem of the
    identifiers and of the Atom ids. Two scenarios launched in the same second differ in the key:
    the first 8 hex digits of SHA-256 of :func:`_scenario_key` and the CAP status. The same
    scenario and status get the same ids, on any machine."""
    stamp = result.launch_time.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    key = json.dumps([_scenario_key(result), status], sort_keys=True, ensure_ascii=False)
    return f"jalert-sim-{stamp}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def _scenario_key(result: SimulationResult) -> dict[str, Any]:
    """The run document's normalised ``input`` (launch point, azimuth, apogee, range, time) with the
    model options as given (None: the boost model's own choice), not those in force: the boost
    model's burn time and burnout height are solved numbers, whose last bits vary with the
    machine's floating-point library."""
    return {**result.to_dict(track=False)["input"], "model": {**result.model.to_dict(), **asdict(result.boost)}}


def cap_alert_xml(alert: ET.Element) -> str:
    """One alert as a standalone CAP document."""
    return to_xml(alert, {"": CAP_NS})


def to_cap_feed(result: SimulationResult, *, status: str = "Exercise", sender: str = CAP_SENDER) -> str:
    """Every CAP alert of the simulation in one Atom 1.0 feed (one ``entry`` per alert).

    With no J-Alert the feed has no entries (CAP has no "nothing happened" alert).
    """
    q = lambda tag: f"{{{ATOM_NS}}}{tag}"  # noqa: E731
    status = cap_status(status)
    incident = _incident(result, status)  # (the input digest: once for the alerts and the feed)
    alerts = _cap_alerts(result, status, sender, incident)
    feed = ET.Element(q("feed"))
    sub(feed, q("id"), f"urn:jalert-sim:{incident}")
    sub(feed, q("title"), f"jalert-sim CAP alerts ({status}): launch {result.launch_time.isoformat()}")
    sub(feed, q("updated"), result.iso(max((m.time_s for m in result.messages), default=0.0)))
    sub(sub(feed, q("author")), q("name"), "jalert-sim")
    for alert in alerts:
        entry = sub(feed, q("entry"))
        ident = alert.find(f"{{{CAP_NS}}}identifier").text
        sub(entry, q("id"), f"urn:jalert-sim:{ident}")
        sub(entry, q("title"), alert.find(f"{{{CAP_NS}}}info/{{{CAP_NS}}}headline").text)
        sub(entry, q("updated"), alert.find(f"{{{CAP_NS}}}sent").text)
        content = sub(entry, q("content"), type="application/cap+xml")
        content.append(alert)
    return to_xml(feed, {"": ATOM_NS, "cap": CAP_NS})
