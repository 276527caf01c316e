"""KML 2.2 of one simulation: the 3-D track, launch and impact, the warned prefectures.

The track's ``altitudeMode`` is absolute: metres above the ellipsoid, which KML reads as
above sea level (a few tens of metres apart at most, nothing at these altitudes). Like the
GeoJSON, the track is cut at the antimeridian and the prefecture outlines are simplified
to about 100 m; coordinates are lon,lat degrees WGS84.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import shapely

from .. import __version__
from ..earth import wrap_lon
from ..present.style import REASON_STYLES
from ..simulation.result import SimulationResult
from .geometry import DECIMALS, outline, split_antimeridian, track_lonlat, warned_prefectures
from .xmldoc import sub, to_xml

KML_NS = "http://www.opengis.net/kml/2.2"
#: Line and fill colours (KML's aabbggrr) of the track and of the prefectures by alert reason.
_STYLES = {"track": ("ff0000ff", None),
           **{reason.value: (style.kml_line, style.kml_fill) for reason, style in REASON_STYLES.items()}}


def _q(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


def to_kml(result: SimulationResult, *, title: str | None = None) -> str:
    """KML 2.2 document: 3-D track, launch, impact, warned prefectures (see the module docstring).
    ``title`` names the document (default: the launch time)."""
    root = ET.Element(_q("kml"))
    doc = ET.SubElement(root, _q("Document"))
    ET.SubElement(doc, _q("name")).text = title or f"jalert-sim: launch {result.launch_time.isoformat()}"
    ET.SubElement(doc, _q("description")).text = (
        f"Simulated by jalert-sim {__version__}. Not a real warning. {result.assessment.summary_en}")
    for sid, (line, poly) in _STYLES.items():
        st = ET.SubElement(doc, _q("Style"), id=sid)
        ls = ET.SubElement(st, _q("LineStyle"))
        ET.SubElement(ls, _q("color")).text = line
        ET.SubElement(ls, _q("width")).text = "3" if sid == "track" else "1"
        if poly:
            ET.SubElement(ET.SubElement(st, _q("PolyStyle")), _q("color")).text = poly
    _track(doc, result)
    _points(doc, result)
    _prefectures(doc, result)
    return to_xml(root, {"": KML_NS})


def _track(doc: ET.Element, result: SimulationResult) -> None:
    t, lat, lon, alt = track_lonlat(result)
    pm = ET.SubElement(doc, _q("Placemark"))
    ET.SubElement(pm, _q("name")).text = "Trajectory"
    ET.SubElement(pm, _q("styleUrl")).text = "#track"
    # Cut at the antimeridian as in GeoJSON: flat lon/lat readers (GDAL, QGIS) would otherwise draw
    # a line across the whole map. Two or more parts go in a MultiGeometry.
    parts = split_antimeridian(lat, lon, alt)
    holder = pm if len(parts) == 1 else ET.SubElement(pm, _q("MultiGeometry"))
    for part in parts:
        ls = ET.SubElement(holder, _q("LineString"))
        ET.SubElement(ls, _q("extrude")).text = "1"
        ET.SubElement(ls, _q("tessellate")).text = "0"
        ET.SubElement(ls, _q("altitudeMode")).text = "absolute"
        ET.SubElement(ls, _q("coordinates")).text = " ".join(
            f"{x:.{DECIMALS}f},{y:.{DECIMALS}f},{h * 1000.0:.0f}" for x, y, h in part)


def _points(doc: ET.Element, result: SimulationResult) -> None:
    """The launch and the impact, each with its time and what it is."""
    imp = result.impact
    for name, (plat, plon), when, desc in (
        ("Launch", (result.launch_lat, result.launch_lon), result.launch_time.isoformat(),
         result.site.name if result.site else ""),
        ("Impact", (imp.lat, wrap_lon(imp.lon)), result.iso(imp.time_s), imp.description),
    ):
        pm = ET.SubElement(doc, _q("Placemark"))
        ET.SubElement(pm, _q("name")).text = name
        ET.SubElement(pm, _q("description")).text = desc
        ET.SubElement(ET.SubElement(pm, _q("TimeStamp")), _q("when")).text = when
        pt = ET.SubElement(pm, _q("Point"))
        ET.SubElement(pt, _q("coordinates")).text = f"{plon:.{DECIMALS}f},{plat:.{DECIMALS}f},0"


def _prefectures(doc: ET.Element, result: SimulationResult) -> None:
    """A folder of the warned prefectures: each a Placemark styled by its alert reason."""
    folder = ET.SubElement(doc, _q("Folder"))
    ET.SubElement(folder, _q("name")).text = "Warned prefectures"
    for a, pref in warned_prefectures(result):
        pm = ET.SubElement(folder, _q("Placemark"), id=f"prefecture-{a.code}")
        ET.SubElement(pm, _q("name")).text = f"{a.name} {a.name_ja}"
        ET.SubElement(pm, _q("description")).text = (
            f"JIS {a.code}; {a.reason}; alert {result.iso(a.alert_time_s)}; "
            f"over from {result.iso(a.overflight_start_s) or '-'} to {result.iso(a.overflight_end_s) or '-'}")
        ET.SubElement(pm, _q("styleUrl")).text = f"#{a.reason}"
        multi = ET.SubElement(pm, _q("MultiGeometry"))
        for poly in shapely.get_parts(outline(pref.land)):
            pg = ET.SubElement(multi, _q("Polygon"))
            ET.SubElement(pg, _q("altitudeMode")).text = "clampToGround"
            _ring(pg, _q("outerBoundaryIs"), poly.exterior.coords)
            for hole in poly.interiors:
                _ring(pg, _q("innerBoundaryIs"), hole.coords)


def _ring(parent: ET.Element, tag: str, coords: Any) -> None:
    # Unqualified tags: serialised without a prefix, they are in the document's default (KML) namespace.
    ring = sub(sub(parent, tag), "LinearRing")
    sub(ring, "coordinates", " ".join(f"{x:.{DECIMALS}f},{y:.{DECIMALS}f}" for x, y in coords))
