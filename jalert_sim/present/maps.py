"""Static maps of a simulation (SVG or PNG) with matplotlib, an optional extra.

Projection: the project's azimuthal equidistant frame centred at 36 N 138 E
(``geo.to_xy``, metres): distances from central Japan are true and shapes
over the region are close to right, so the corridor band (a buffer of the
projected ground track) is drawn at its true width.

The map shows the land of the region (``data/basemap.geojson``), the 47
prefectures coloured by alert status, the alert corridor, the ground track with
a tick and ``T+N`` label every minute (fewer on long flights) and the altitude
beside it, the launch site and the impact point, a legend, a 500 km scale bar
and a title. SVG keeps text as ``<text>`` elements (``svg.fonttype = none``) so
the labels are searchable and testable.

Install with ``pip install 'jalert-sim[maps]'``; without matplotlib,
:func:`render_map` raises :class:`MapsUnavailableError`.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import shapely

from .._data import data_path
from ..errors import InputError, JalertError
from ..exports.formats import names
from ..simulation.result import SimulationResult

FORMATS = names("map")
#: Fill colours by alert reason; "none" is a prefecture that is not warned.
STATUS_COLOURS = {"impact": "#d7191c", "overflight": "#fdae61", "corridor": "#fee08b", "none": "#e8e8e0"}
STATUS_LABELS = {"impact": "Impact area (warned)", "overflight": "Overflight (warned)",
                 "corridor": "Near the path (warned)", "none": "Not warned"}
LAND_COLOUR = "#d9d4c7"
SEA_COLOUR = "#dbe9f4"
TRACK_COLOUR = "#7b0099"
CORRIDOR_COLOUR = "#7b0099"
_PAD_M = 250_000.0
_JAPAN_BOX = (128.0, 30.0, 146.5, 46.0)  # lon/lat always in view
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


@cache
def _basemap_xy() -> tuple[shapely.Geometry, ...]:
    """Basemap land polygons projected to the metric frame."""
    from ..geo import to_xy

    doc = json.loads(data_path("basemap.geojson").read_text(encoding="utf-8"))
    out = []
    for f in doc["features"]:
        geom = shapely.geometry.shape(f["geometry"])
        out.append(shapely.transform(geom, lambda c: np.column_stack(to_xy(c[:, 0], c[:, 1]))))
    return tuple(out)


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


def render_map(result: SimulationResult, path: str | Path | None = None, *, fmt: str | None = None,
               title: str | None = None, subtitle: str | None = None, dpi: int = 150) -> bytes:
    """Draw the map; write it to ``path`` if given (atomically) and return the file's bytes."""
    import io

    matplotlib, plt = _matplotlib()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from ..geo import prefectures, to_xy

    fmt = fmt or (format_of(path) if path is not None else "png")
    if fmt not in FORMATS:
        raise InputError("format", f"expected svg or png, got {fmt!r}")

    tr = result.track
    lon = np.degrees(np.unwrap(np.radians(np.asarray(tr.lon, float))))
    lat = np.asarray(tr.lat, float)
    t = np.asarray(tr.t_s, float)
    alt = np.asarray(tr.alt_km, float)
    x, y = to_xy(lon, lat)

    jx, jy = to_xy(np.array([_JAPAN_BOX[0], _JAPAN_BOX[2], _JAPAN_BOX[0], _JAPAN_BOX[2]]),
                   np.array([_JAPAN_BOX[1], _JAPAN_BOX[1], _JAPAN_BOX[3], _JAPAN_BOX[3]]))
    x0, x1 = min(x.min(), jx.min()) - _PAD_M, max(x.max(), jx.max()) + _PAD_M
    y0, y1 = min(y.min(), jy.min()) - _PAD_M, max(y.max(), jy.max()) + _PAD_M

    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "jalert-sim"}):
        width_in = 11.0
        height_in = float(np.clip(width_in * (y1 - y0) / (x1 - x0) + 1.2, 5.0, 14.0))
        fig, ax = plt.subplots(figsize=(width_in, height_in))
        ax.set_facecolor(SEA_COLOUR)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])

        # Graticule every 5 degrees.
        for glon in range(110, 200, 5):
            gy = np.linspace(15, 55, 80)
            gx_, gy_ = to_xy(np.full_like(gy, glon), gy)
            ax.plot(gx_, gy_, color="#b8cbe0", lw=0.5, zorder=0.5)
        for glat in range(15, 60, 5):
            gx = np.linspace(110, 200, 180)
            gx_, gy_ = to_xy(gx, np.full_like(gx, glat))
            ax.plot(gx_, gy_, color="#b8cbe0", lw=0.5, zorder=0.5)

        for land in _basemap_xy():
            _add(ax, land, facecolor=LAND_COLOUR, edgecolor="#9e9a8e", lw=0.4, zorder=1)

        status = {a.code: a.reason for a in result.alerts}
        for pref in prefectures():
            reason = status.get(pref.code, "none")
            _add(ax, pref.land_xy, facecolor=STATUS_COLOURS[reason], edgecolor="#6d6d6d", lw=0.35, zorder=2,
                 gid=f"prefecture-{pref.code}")

        line = shapely.LineString(np.column_stack([x, y]))
        corridor = line.buffer(result.model.corridor_km * 1000.0)
        _add(ax, corridor, facecolor=CORRIDOR_COLOUR, alpha=0.12, edgecolor=CORRIDOR_COLOUR, lw=0.8, ls="--",
             zorder=3, gid="corridor")
        impact_circle = shapely.Point(x[-1], y[-1]).buffer(result.model.impact_radius_km * 1000.0)
        _add(ax, impact_circle, facecolor="none", edgecolor="#d7191c", lw=1.0, ls=":", zorder=3)

        ax.plot(x, y, color=TRACK_COLOUR, lw=2.2, zorder=5, gid="ground-track", solid_capstyle="round")

        # Minute ticks: a short bar across the track and a label beside it.
        flight = float(t[-1])
        step = _minute_step(flight)
        span = max(x1 - x0, y1 - y0)
        last_label = None  # skip labels that would pile up where the ground speed is low (lofted shots)
        last_label_below = False  # was the last minute label under the track? The impact label goes the other way
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
            h = float(np.interp(ts, t, alt))
            side = 1 if (minute // step) % 2 else -1
            off = 0.022 * span * side
            last_label_below = ny * off < 0
            ax.annotate(f"T+{minute}\n{h:,.0f} km", (px, py), xytext=(px + nx * off, py + ny * off),
                        ha="center", va="center", fontsize=7.5, color="#3b0047", zorder=7,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75})

        ax.plot(x[0], y[0], marker="^", ms=11, color="black", mec="white", zorder=8, gid="launch")
        site = result.site.name if result.site else f"{result.launch_lat:.2f}°N {result.launch_lon:.2f}°E"
        def side(px: float) -> tuple[str, float]:
            """Keep edge labels inside the frame: left-aligned near the left edge, right near the right."""
            f = (px - x0) / (x1 - x0)
            return ("left", -10.0) if f < 0.3 else ("right", 10.0) if f > 0.7 else ("center", 0.0)

        ha, dx_pt = side(x[0])
        ax.annotate(f"Launch: {site}\n{result.time(0).strftime('%H:%M JST')}", (x[0], y[0]),
                    xytext=(dx_pt, -42), textcoords="offset points", ha=ha, va="top", fontsize=8, zorder=8,
                    arrowprops={"arrowstyle": "-", "color": "black", "lw": 0.6},
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "black", "lw": 0.5})
        imp = result.impact
        ax.plot(x[-1], y[-1], marker="X", ms=12, color="#d7191c", mec="white", zorder=8, gid="impact")
        ha, dx_pt = side(x[-1])
        ax.annotate(f"Impact {result.time(imp.time_s).strftime('%H:%M JST')}\n{imp.description}", (x[-1], y[-1]),
                    xytext=(dx_pt, 45 if last_label_below else -45), textcoords="offset points", ha=ha,
                    va="bottom" if last_label_below else "top", fontsize=8, zorder=8,
                    arrowprops={"arrowstyle": "-", "color": "#d7191c", "lw": 0.6},
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#d7191c", "lw": 0.7})

        # Scale bar: 500 km, bottom left.
        bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
        ax.plot([bx, bx + 500_000], [by, by], color="black", lw=3, zorder=9, solid_capstyle="butt")
        ax.text(bx + 250_000, by + 0.012 * (y1 - y0), "500 km", ha="center", va="bottom", fontsize=8, zorder=9)

        handles = [Patch(facecolor=STATUS_COLOURS[k], edgecolor="#6d6d6d", label=STATUS_LABELS[k])
                   for k in ("impact", "overflight", "corridor", "none")]
        handles += [
            Patch(facecolor=CORRIDOR_COLOUR, alpha=0.12, edgecolor=CORRIDOR_COLOUR, ls="--",
                  label=f"Alert corridor ±{result.model.corridor_km:g} km"),
            Line2D([], [], color=TRACK_COLOUR, lw=2.2, label="Ground track (T+ minutes, altitude)"),
            Line2D([], [], marker="^", ls="none", color="black", ms=9, label="Launch site"),
            Line2D([], [], marker="X", ls="none", color="#d7191c", ms=9, label="Impact point"),
        ]
        ax.legend(handles=handles, loc="lower right", fontsize=8, framealpha=0.92)

        tr_sum = result.trajectory
        if title is None:
            title = f"Simulated launch from {site}, {result.time(0).strftime('%Y-%m-%d %H:%M JST')}"
        if subtitle is None:
            warned = ", ".join(a.name for a in result.alerts) or "none"
            subtitle = (f"azimuth {result.azimuth_deg:.1f}°, apogee {tr_sum['apogee_km']:,.0f} km, range "
                        f"{tr_sum['range_km']:,.0f} km, flight {tr_sum['flight_time_s'] / 60:.1f} min — "
                        f"J-Alert (simulated): {warned}")
        ax.set_title(subtitle, fontsize=9, pad=6)
        ax.text(0.5, 1.0, title, transform=ax.transAxes, ha="center", va="bottom", fontsize=14, fontweight="bold",
                gid="map-title").set_y(1.035)
        ax.text(1.0, -0.006, "jalert-sim simulation — not an official forecast. Land: R mapdata (GPL-2).",
                transform=ax.transAxes, ha="right", va="top", fontsize=6.5, color="#555555")
        fig.tight_layout(rect=(0, 0.01, 1, 0.97))

        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.15,
                    metadata={"Title": title} if fmt == "svg" else None)
        plt.close(fig)
    data = buffer.getvalue()
    if path is not None:
        from ..exports.files import write_atomic

        write_atomic(path, data)
    return data
