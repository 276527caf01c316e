"""Static maps of a simulation (SVG or PNG) with matplotlib, an optional extra.

Projection: the project's azimuthal equidistant frame centred at 36 N 138 E
(``geo.to_xy``, metres): distances from central Japan are true and shapes
over the region are close to right, so the corridor band (a buffer of the
projected ground track) is drawn at its true width.

The map shows the land of the region (:func:`jalert_sim.geo.basemap_land`), the
47 prefectures coloured by alert reason (``style.REASON_STYLES``), the alert corridor, the ground track with
a tick and ``T+N`` label every minute (fewer on long flights) and the altitude
beside it, the launch site and the impact point, a legend, a 500 km scale bar
and a title. SVG keeps text as ``<text>`` elements (``svg.fonttype = none``) so
the labels are searchable and testable.

Install with ``pip install 'jalert-sim[maps]'``; without matplotlib,
:func:`render_map` raises :class:`MapsUnavailableError`.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import shapely

from ..alerting.model import Reason
from ..errors import InputError, JalertError
from ..exports.formats import names
from ..geo import prefectures, to_xy
from ..simulation.result import SimulationResult
from .mapframe import MapBox, TrackXY, basemap_xy, map_box, track_xy
from .style import LAND_COLOUR, NOT_WARNED_FILL, NOT_WARNED_LABEL, PAINT_ORDER, REASON_STYLES, SEA_COLOUR, TRACK_COLOUR

FORMATS = names("map")
# Prefectures take the fill and legend words of their alert reason from style.REASON_STYLES.
CORRIDOR_COLOUR = TRACK_COLOUR
#: The impact point, its label and its uncertainty circle: the red of the impact area.
IMPACT_COLOUR = REASON_STYLES[Reason.IMPACT].fill
INSTALL_HINT = "maps need matplotlib: pip install 'jalert-sim[maps]' (or pip install matplotlib)"


class MapsUnavailableError(JalertError):
    """matplotlib is not installed."""


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise MapsUnavailableError(INSTALL_HINT) from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return matplotlib, plt


def format_of(path: str | Path) -> str:
    """'svg' or 'png' from the file name; InputError otherwise."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InputError("output", f"map file must end in {' or '.join('.' + f for f in FORMATS)}, got {str(path)!r}")
    return suffix


def _path(geom):
    """A matplotlib Path of a (Multi)Polygon, holes included."""
    from matplotlib.path import Path as MPath

    verts, codes = [], []
    for poly in shapely.get_parts(geom):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            verts.append(xy)
            codes.append(np.r_[MPath.MOVETO, np.full(len(xy) - 2, MPath.LINETO), MPath.CLOSEPOLY])
    if not verts:
        return None
    return MPath(np.concatenate(verts), np.concatenate(codes))


def _add(ax, geom, **kw):
    from matplotlib.patches import PathPatch

    path = _path(geom)
    if path is not None:
        # add_artist, not add_patch: the limits are set by hand, and add_patch's
        # per-vertex limit update costs seconds on the prefecture outlines.
        ax.add_artist(PathPatch(path, **kw))


def _minute_step(flight_s: float) -> int:
    """Minutes between labelled ticks: every minute up to 20, then fewer (at most ~20 labels)."""
    return max(1, math.ceil(flight_s / 60.0 / 20.0))


def _axes(plt, box: MapBox):
    """(figure, axes): 11 inches wide, as tall as the box needs (5 to 14 inches), sea-coloured."""
    width_in = 11.0
    height_in = float(np.clip(width_in * (box.y1 - box.y0) / (box.x1 - box.x0) + 1.2, 5.0, 14.0))
    fig, ax = plt.subplots(figsize=(width_in, height_in))
    ax.set_facecolor(SEA_COLOUR)
    ax.set_xlim(box.x0, box.x1)
    ax.set_ylim(box.y0, box.y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig, ax


def _draw_graticule(ax) -> None:
    """Meridians and parallels every 5 degrees."""
    for glon in range(110, 200, 5):
        gy = np.linspace(15, 55, 80)
        gx_, gy_ = to_xy(np.full_like(gy, glon), gy)
        ax.plot(gx_, gy_, color="#b8cbe0", lw=0.5, zorder=0.5)
    for glat in range(15, 60, 5):
        gx = np.linspace(110, 200, 180)
        gx_, gy_ = to_xy(gx, np.full_like(gx, glat))
        ax.plot(gx_, gy_, color="#b8cbe0", lw=0.5, zorder=0.5)


def _draw_land(ax, result: SimulationResult) -> None:
    """The basemap's land, then the prefectures in the fill of their alert reason."""
    for land in basemap_xy():
        _add(ax, land, facecolor=LAND_COLOUR, edgecolor="#9e9a8e", lw=0.4, zorder=1)
    fills = {a.code: REASON_STYLES[a.reason].fill for a in result.alerts}
    for pref in prefectures():
        _add(ax, pref.land_xy, facecolor=fills.get(pref.code, NOT_WARNED_FILL), edgecolor="#6d6d6d", lw=0.35,
             zorder=2, gid=f"prefecture-{pref.code}")


def _draw_track(ax, result: SimulationResult, track: TrackXY) -> None:
    """The alert corridor (a buffer of the projected track, so at its true width), the impact
    radius and the ground track."""
    x, y = track.x, track.y
    line = shapely.LineString(np.column_stack([x, y]))
    corridor = line.buffer(result.model.corridor_km * 1000.0)
    _add(ax, corridor, facecolor=CORRIDOR_COLOUR, alpha=0.12, edgecolor=CORRIDOR_COLOUR, lw=0.8, ls="--",
         zorder=3, gid="corridor")
    impact_circle = shapely.Point(x[-1], y[-1]).buffer(result.model.impact_radius_km * 1000.0)
    _add(ax, impact_circle, facecolor="none", edgecolor=IMPACT_COLOUR, lw=1.0, ls=":", zorder=3)
    ax.plot(x, y, color=TRACK_COLOUR, lw=2.2, zorder=5, gid="ground-track", solid_capstyle="round")


def _draw_minute_ticks(ax, result: SimulationResult, track: TrackXY, box: MapBox) -> bool:
    """Minute ticks: a short bar across the track and a ``T+N`` / altitude label beside it, on
    alternate sides. Returns whether the last label went under the track: the impact label goes
    the other way."""
    t, x, y = track
    flight = float(t[-1])
    step = _minute_step(flight)
    span = box.span
    last_label = None  # skip labels that would pile up where the ground speed is low (lofted shots)
    last_label_below = False
    for minute in range(step, int(flight // 60) + 1, step):
        ts = minute * 60.0
        k = int(np.clip(np.searchsorted(t, ts), 1, len(t) - 1))
        px, py = float(np.interp(ts, t, x)), float(np.interp(ts, t, y))
        dx, dy = x[k] - x[k - 1], y[k] - y[k - 1]
        norm = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / norm, dx / norm  # left of the direction of flight
        tick = 0.008 * span
        ax.plot([px - nx * tick, px + nx * tick], [py - ny * tick, py + ny * tick], color=TRACK_COLOUR, lw=1.6,
                zorder=6, gid=f"tick-{minute}")
        if (last_label is not None and math.hypot(px - last_label[0], py - last_label[1]) < 0.05 * span) or \
                math.hypot(px - x[-1], py - y[-1]) < 0.1 * span:  # room for the impact label
            continue
        last_label = (px, py)
        side = 1 if (minute // step) % 2 else -1
        off = 0.022 * span * side
        last_label_below = ny * off < 0
        ax.annotate(f"T+{minute}\n{result.altitude_at(ts):,.0f} km", (px, py), xytext=(px + nx * off, py + ny * off),
                    ha="center", va="center", fontsize=7.5, color="#3b0047", zorder=7,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75})
    return last_label_below


def _draw_ends(ax, result: SimulationResult, track: TrackXY, box: MapBox, site: str, impact_above: bool) -> None:
    """The launch site and the impact point, each marked and labelled with its time; the impact
    label above the track if ``impact_above`` (the last minute label is below it), else below."""
    x, y = track.x, track.y
    ax.plot(x[0], y[0], marker="^", ms=11, color="black", mec="white", zorder=8, gid="launch")
    ha, dx_pt = box.align(x[0])
    ax.annotate(f"Launch: {site}\n{result.time(0).strftime('%H:%M JST')}", (x[0], y[0]),
                xytext=(dx_pt, -42), textcoords="offset points", ha=ha, va="top", fontsize=8, zorder=8,
                arrowprops={"arrowstyle": "-", "color": "black", "lw": 0.6},
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "black", "lw": 0.5})
    imp = result.impact
    ax.plot(x[-1], y[-1], marker="X", ms=12, color=IMPACT_COLOUR, mec="white", zorder=8, gid="impact")
    ha, dx_pt = box.align(x[-1])
    ax.annotate(f"Impact {result.time(imp.time_s).strftime('%H:%M JST')}\n{imp.description}", (x[-1], y[-1]),
                xytext=(dx_pt, 45 if impact_above else -45), textcoords="offset points", ha=ha,
                va="bottom" if impact_above else "top", fontsize=8, zorder=8,
                arrowprops={"arrowstyle": "-", "color": IMPACT_COLOUR, "lw": 0.6},
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": IMPACT_COLOUR, "lw": 0.7})


def _draw_scale_bar(ax, box: MapBox) -> None:
    """500 km, bottom left."""
    bx, by = box.x0 + 0.04 * (box.x1 - box.x0), box.y0 + 0.04 * (box.y1 - box.y0)
    ax.plot([bx, bx + 500_000], [by, by], color="black", lw=3, zorder=9, solid_capstyle="butt")
    ax.text(bx + 250_000, by + 0.012 * (box.y1 - box.y0), "500 km", ha="center", va="bottom", fontsize=8, zorder=9)


def _draw_legend(ax, result: SimulationResult) -> None:
    """The alert reasons (strongest first) and the not-warned fill, the corridor, track and ends."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=REASON_STYLES[r].fill, edgecolor="#6d6d6d", label=REASON_STYLES[r].label)
               for r in PAINT_ORDER[::-1]]
    handles += [
        Patch(facecolor=NOT_WARNED_FILL, edgecolor="#6d6d6d", label=NOT_WARNED_LABEL),
        Patch(facecolor=CORRIDOR_COLOUR, alpha=0.12, edgecolor=CORRIDOR_COLOUR, ls="--",
              label=f"Alert corridor ±{result.model.corridor_km:g} km"),
        Line2D([], [], color=TRACK_COLOUR, lw=2.2, label="Ground track (T+ minutes, altitude)"),
        Line2D([], [], marker="^", ls="none", color="black", ms=9, label="Launch site"),
        Line2D([], [], marker="X", ls="none", color=IMPACT_COLOUR, ms=9, label="Impact point"),
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.92)


def _subtitle(result: SimulationResult) -> str:
    """The flight in one line, and who J-Alert warns."""
    tr = result.trajectory
    warned = ", ".join(a.name for a in result.alerts) or "none"
    return (f"azimuth {result.azimuth_deg:.1f}°, apogee {tr['apogee_km']:,.0f} km, range "
            f"{tr['range_km']:,.0f} km, flight {tr['flight_time_s'] / 60:.1f} min — "
            f"J-Alert (simulated): {warned}")


def _draw_titles(ax, title: str, subtitle: str) -> None:
    """The title over the subtitle above the map, the disclaimer and the data's credit below it."""
    ax.set_title(subtitle, fontsize=9, pad=6)
    ax.text(0.5, 1.0, title, transform=ax.transAxes, ha="center", va="bottom", fontsize=14, fontweight="bold",
            gid="map-title").set_y(1.035)
    ax.text(1.0, -0.006, "jalert-sim simulation — not an official forecast. Land: R mapdata (GPL-2).",
            transform=ax.transAxes, ha="right", va="top", fontsize=6.5, color="#555555")


def render_map(result: SimulationResult, path: str | Path | None = None, *, fmt: str | None = None,
               title: str | None = None, subtitle: str | None = None, dpi: int = 150) -> bytes:
    """Draw the map; write it to ``path`` if given (atomically) and return the file's bytes."""
    matplotlib, plt = _matplotlib()

    fmt = fmt or (format_of(path) if path is not None else "png")
    if fmt not in FORMATS:
        raise InputError("format", f"expected svg or png, got {fmt!r}")

    track = track_xy(result)
    box = map_box(track)
    site = result.site.name if result.site else f"{result.launch_lat:.2f}°N {result.launch_lon:.2f}°E"
    if title is None:
        title = f"Simulated launch from {site}, {result.time(0).strftime('%Y-%m-%d %H:%M JST')}"
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "jalert-sim"}):
        fig, ax = _axes(plt, box)
        _draw_graticule(ax)
        _draw_land(ax, result)
        _draw_track(ax, result, track)
        last_label_below = _draw_minute_ticks(ax, result, track, box)
        _draw_ends(ax, result, track, box, site, impact_above=last_label_below)
        _draw_scale_bar(ax, box)
        _draw_legend(ax, result)
        _draw_titles(ax, title, _subtitle(result) if subtitle is None else subtitle)
        fig.tight_layout(rect=(0, 0.01, 1, 0.97))

        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.15,
                    metadata={"Title": title} if fmt == "svg" else None)
        plt.close(fig)
    data = buffer.getvalue()
    if path is not None:
        from ..files import write_atomic

        write_atomic(path, data)
    return data
