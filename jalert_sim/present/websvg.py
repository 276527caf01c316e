"""The web drill's map as inline SVG: the frame of ``present.mapframe`` (the projection and the box
of ``jalert-sim map``), its land and prefectures simplified for a screen, and the ground track.

Coordinates: SVG user units of :data:`UNIT_M` metres in the projected plane (azimuthal
equidistant about 36 N 138 E), x east and y *south* (SVG's y runs down), rounded to whole units
and written as relative moves, so a path costs a few bytes a vertex. At 1920 px across a map of
Japan a pixel is about 2-3 km: outlines simplified by :data:`SIMPLIFY_M` stay under a pixel.

Each prefecture is a ``<path class="pref" data-code="01" data-state="none">``; a warned one also
carries ``data-reason``. The page's script changes ``data-state`` as the drill plays; its fill
(the reason's colour from ``style.REASON_STYLES``, with the reason's pattern over it) and its
outline (by state) come from the page's CSS.
"""

from __future__ import annotations

from html import escape

import numpy as np
import shapely

from ..alerting.model import Reason
from ..geo import prefectures, to_xy
from ..simulation.result import SimulationResult
from .mapframe import MapBox, TrackXY, basemap_xy
from .style import LAND_COLOUR, REASON_STYLES, SEA_COLOUR

#: Metres per SVG user unit.
UNIT_M = 100.0
#: Simplification of outlines, metres: Douglas-Peucker distance for the basemap's land, the
#: square root of the largest triangle removed (Visvalingam-Whyatt, shared borders kept shared)
#: for the prefectures.
SIMPLIFY_M = 1000.0
#: The size of a tile of the reasons' patterns as a fraction of the box's longer side.
_PATTERN_FRACTION = 0.012
#: About how many pixels the box's longer side takes on a 1920 x 1080 screen.
_SPAN_PX = 1270.0
#: The look of each reason's pattern over its fill: dots (near the path), stripes (overflight),
#: cross-hatching (impact area). A reason is told by pattern and label as well as colour.
_PATTERNS = {
    Reason.CORRIDOR: '<circle cx="{h}" cy="{h}" r="{r}" fill="#000" fill-opacity=".55"/>',
    Reason.OVERFLIGHT: '<path d="M0 0V{s}" stroke="#000" stroke-opacity=".55" stroke-width="{w}"/>',
    Reason.IMPACT: '<path d="M0 0V{s}M0 0H{s}" stroke="#fff" stroke-opacity=".7" stroke-width="{w}"/>',
}


def _units(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Projected metres to whole SVG units (y down), shape (n, 2)."""
    return np.column_stack([np.round(x / UNIT_M), np.round(-y / UNIT_M)]).astype(np.int64)


def _ring_d(xy: np.ndarray) -> str:
    """One closed ring (projected metres, shape (n, 2)) as ``m x y dx dy ... z``, repeated points
    dropped; empty if fewer than three distinct points remain."""
    c = _units(xy[:, 0], xy[:, 1])
    keep = np.r_[True, np.any(np.diff(c, axis=0) != 0, axis=1)]
    c = c[keep]
    if len(c) > 1 and (c[0] == c[-1]).all():
        c = c[:-1]
    if len(c) < 3:
        return ""
    return f"M{c[0, 0]} {c[0, 1]}" + _deltas(np.diff(c, axis=0)) + "z"


def _deltas(d: np.ndarray) -> str:
    """Relative line-tos ``l dx dy dx dy ...`` of whole-unit steps (a minus sign separates too)."""
    return ("l" + " ".join(f"{a} {b}" for a, b in d.tolist())).replace(" -", "-")


def path_d(geom: shapely.Geometry) -> str:
    """The SVG path data of a (Multi)Polygon in projected metres, holes included (even-odd rule
    not needed: holes run the other way round)."""
    out = []
    for poly in shapely.get_parts(geom):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            out.append(_ring_d(np.asarray(ring.coords)))
    return "".join(out)


def view_box(box: MapBox) -> tuple[int, int, int, int]:
    """(min x, min y, width, height) of the SVG viewBox, whole units."""
    x0, y0 = int(np.floor(box.x0 / UNIT_M)), int(np.floor(-box.y1 / UNIT_M))
    return x0, y0, int(np.ceil(box.x1 / UNIT_M)) - x0, int(np.ceil(-box.y0 / UNIT_M)) - y0


def track_units(track: TrackXY) -> list[list[int]]:
    """The track's samples in SVG units, [[x, y], ...], one per sample of the JSON document's track."""
    return _units(track.x, track.y).tolist()


def _defs(unit_span: float) -> str:
    size = max(2, round(unit_span * _PATTERN_FRACTION))
    parts = []
    for reason, mark in _PATTERNS.items():
        rotate = ' patternTransform="rotate(45)"' if reason != Reason.CORRIDOR else ""
        mark = mark.format(h=size / 2, r=size * 0.1, s=size, w=size * 0.08)
        parts.append(f'<pattern id="pat-{reason.value}" patternUnits="userSpaceOnUse" width="{size}" '
                     f'height="{size}"{rotate}><rect width="{size}" height="{size}" '
                     f'fill="{REASON_STYLES[reason].fill}"/>{mark}</pattern>')
    return "<defs>" + "".join(parts) + "</defs>"


def _graticule(box: MapBox) -> str:
    """Meridians and parallels every 5 degrees, as ``map`` draws them."""
    d = []
    for glon in range(110, 200, 5):
        gy = np.linspace(15, 55, 41)
        d.append(np.column_stack(to_xy(np.full_like(gy, glon), gy)))
    for glat in range(15, 60, 5):
        gx = np.linspace(110, 200, 91)
        d.append(np.column_stack(to_xy(gx, np.full_like(gx, glat))))
    lines = []
    for xy in d:
        c = _units(xy[:, 0], xy[:, 1])
        lines.append(f"M{c[0, 0]} {c[0, 1]}" + _deltas(np.diff(c, axis=0)))
    return f'<path class="graticule" d="{"".join(lines)}"/>'


def _land(box: MapBox) -> str:
    """The basemap's land, simplified and clipped to the box."""
    rect = (box.x0, box.y0, box.x1, box.y1)
    d = "".join(path_d(shapely.simplify(shapely.clip_by_rect(g, *rect), SIMPLIFY_M)) for g in basemap_xy())
    return f'<path class="land" fill="{LAND_COLOUR}" d="{d}"/>'


def _prefectures(result: SimulationResult) -> tuple[str, str]:
    """(the 47 prefecture paths, the labels of the warned ones)."""
    prefs = prefectures()
    simple = shapely.coverage_simplify(np.asarray([p.land_xy for p in prefs], dtype=object), SIMPLIFY_M)
    reasons = {a.code: a.reason for a in result.alerts}
    paths, labels = [], []
    for pref, geom in zip(prefs, simple):
        reason = reasons.get(pref.code)
        extra = f' data-reason="{reason.value}"' if reason else ""
        paths.append(f'<path class="pref" data-code="{pref.code}" data-state="none"{extra} d="{path_d(geom)}">'
                     f'<title>{escape(pref.name)} {escape(pref.name_ja)}</title></path>')
        if reason:
            # The label sits on the largest part (Hokkaido's main island, not the Kurils).
            part = max(shapely.get_parts(pref.land_xy), key=lambda g: g.area)
            (x, y), = _units(*np.array(part.point_on_surface().coords).T).tolist()
            # The page places the label on the prefecture or beside it; until then, on its point.
            labels.append(f'<text class="pref-label" data-code="{pref.code}" data-at="{x} {y}" '
                          f'transform="translate({x} {y})"><tspan class="ja">{escape(pref.name_ja)} </tspan>'
                          f'<tspan class="en">{escape(pref.name)}</tspan><tspan x="0" dy="1.15em" '
                          f'class="reason">{reason.value}</tspan></text>')
    return "".join(paths), "".join(labels)


def map_svg(result: SimulationResult, track: TrackXY, box: MapBox) -> str:
    """The whole ``<svg>`` of the page: sea, graticule, land, prefectures, the planned and the
    flown track, launch and impact marks, the missile, and the warned prefectures' labels."""
    vb = view_box(box)
    span = max(vb[2], vb[3])
    px = span / _SPAN_PX  # units per pixel, until the page measures it
    pref_paths, labels = _prefectures(result)
    pts = track_units(track)
    plan_d = f"M{pts[0][0]} {pts[0][1]}" + "".join(f"L{x} {y}" for x, y in pts[1:])
    (lx, ly), (ix, iy) = pts[0], pts[-1]
    # Marks are drawn in pixels about their point: the page scales each ``.px`` group by the
    # map's units per pixel, so they keep their size whatever the map's scale.
    return (
        f'<svg id="map" xmlns="http://www.w3.org/2000/svg" viewBox="{" ".join(map(str, vb))}" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="Map of Japan and the region">'
        + _defs(span)
        + f'<rect class="sea" x="{vb[0]}" y="{vb[1]}" width="{vb[2]}" height="{vb[3]}" fill="{SEA_COLOUR}"/>'
        + _graticule(box) + _land(box)
        + f'<g id="prefectures">{pref_paths}</g>'
        + f'<path id="track-plan" d="{plan_d}"/><polyline id="track-flown" points=""/>'
        + f'<g id="launch-mark" transform="translate({lx} {ly})"><g class="px" transform="scale({px:.3g})">'
          '<path d="M0-10l9 16h-18z"/></g></g>'
        + f'<g id="impact-mark" transform="translate({ix} {iy})"><g class="px" transform="scale({px:.3g})">'
          '<path d="M-9-9l18 18m0-18l-18 18"/></g></g>'
        + f'<g id="labels" font-size="{17 * px:.0f}">{labels}</g>'
        + f'<g id="missile" transform="translate({lx} {ly})"><g class="px" transform="scale({px:.3g})">'
          '<circle r="10"/><text id="missile-alt" x="15" y="-12" font-size="22"></text></g></g>'
        + "</svg>"
    )
