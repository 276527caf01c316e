"""A small map of the ground track for the terminal, drawn in Unicode braille.

Each character cell holds 2×4 braille dots, so a 76-column map has 152 dots
across. The projection is equirectangular with the longitude scaled by
cos(mean latitude), which keeps shapes right to a few per cent over Japan's
latitudes; a terminal cell is about twice as tall as wide, so a braille dot is
close to square. Coastlines are dots on land next to the sea (the land of
:func:`jalert_sim.geo.land_mask`: the prefectures and ``data/basemap.geojson``);
cells over a warned prefecture take the colour of its alert reason; the track is
drawn on top, with the launch (▲) and impact (✕).
"""

from __future__ import annotations

import numpy as np
import shapely
from rich.panel import Panel
from rich.text import Text

from ..geo import land_mask
from ..simulation.result import SimulationResult
from .style import PAINT_ORDER, REASON_STYLES

LAND_STYLE = "green"
TRACK_STYLE = "bold bright_white on blue"
#: Japan's main islands, always in view (lon_min, lat_min, lon_max, lat_max).
_JAPAN_BOX = (129.0, 31.0, 146.0, 45.6)
_PAD_DEG = 1.5
# Braille dot bits by (column, row) inside a cell (Unicode 2800 block).
_BITS = np.array([[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]])


def _land(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """:func:`land_mask` on a grid of (unwrapped) longitudes and latitudes, in the grid's shape."""
    return land_mask(lat.ravel(), ((lon.ravel() + 180.0) % 360.0) - 180.0).reshape(lon.shape)


def _extent(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = _JAPAN_BOX
    return (min(x0, float(np.nanmin(lon))) - _PAD_DEG, min(y0, float(np.nanmin(lat))) - _PAD_DEG,
            max(x1, float(np.nanmax(lon))) + _PAD_DEG, max(y1, float(np.nanmax(lat))) + _PAD_DEG)


def render(result: SimulationResult, *, width: int = 76, max_height: int = 30) -> Text:
    """The map as rich Text, ``width`` columns wide (height follows the aspect, capped)."""
    lon = np.asarray(result.track.lon, float)
    lat = np.asarray(result.track.lat, float)
    lon = np.degrees(np.unwrap(np.radians(lon)))
    x0, y0, x1, y1 = _extent(lon, lat)
    kx = np.cos(np.radians(0.5 * (y0 + y1)))
    nx = 2 * width
    deg_per_dot = (x1 - x0) * kx / nx
    ny = int(np.ceil((y1 - y0) / deg_per_dot / 4.0)) * 4
    if ny > 4 * max_height:  # too tall: fit the height instead and widen the box
        ny = 4 * max_height
        deg_per_dot = (y1 - y0) / ny
        half = 0.5 * nx * deg_per_dot / kx
        mid = 0.5 * (x0 + x1)
        x0, x1 = mid - half, mid + half
    height = ny // 4

    # Dot centres, row 0 at the top.
    cols = x0 + (np.arange(nx) + 0.5) * deg_per_dot / kx
    rows = y1 - (np.arange(ny) + 0.5) * deg_per_dot
    gx, gy = np.meshgrid(cols, rows)
    land = _land(gx, gy)
    sea = ~land
    edge = np.zeros_like(land)
    edge[1:, :] |= sea[:-1, :]
    edge[:-1, :] |= sea[1:, :]
    edge[:, 1:] |= sea[:, :-1]
    edge[:, :-1] |= sea[:, 1:]
    coast = land & edge

    # Track dots: interpolate so that consecutive dots are at most half a dot apart.
    track = np.zeros_like(land)
    px = (lon - x0) * kx / deg_per_dot
    py = (y1 - lat) / deg_per_dot
    steps = max(2, int(np.nansum(np.hypot(np.diff(px), np.diff(py))) * 2) + 2)
    s = np.linspace(0.0, 1.0, steps)
    seg = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(px), np.diff(py)))])
    if seg[-1] > 0:
        tx, ty = np.interp(s * seg[-1], seg, px), np.interp(s * seg[-1], seg, py)
        ix, iy = tx.astype(int), ty.astype(int)
        ok = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
        track[iy[ok], ix[ok]] = True

    # Cell colours from the warned prefectures (cell centre inside its land).
    cell_style = np.full((height, width), "", dtype=object)
    ccx = x0 + (np.arange(width) + 0.5) * 2 * deg_per_dot / kx
    ccy = y1 - (np.arange(height) + 0.5) * 4 * deg_per_dot
    cgx, cgy = np.meshgrid(ccx, ccy)
    cell_land = _land(cgx, cgy)
    cell_style[cell_land] = LAND_STYLE
    if result.alerts:
        from ..geo import prefecture

        for a in sorted(result.alerts, key=lambda a: PAINT_ORDER.index(a.reason)):
            inside = shapely.contains_xy(prefecture(a.code).land, cgx, cgy)
            cell_style[inside] = REASON_STYLES[a.reason].terminal

    dots = coast | track
    bits = np.zeros((height, width), dtype=int)
    for c in range(2):
        for r in range(4):
            bits |= np.where(dots[r::4, c::2][:height, :width], _BITS[c, r], 0)
    has_track = track.reshape(height, 4, width, 2).any(axis=(1, 3))

    def cell(xdeg: float, ydeg: float) -> tuple[int, int]:
        return int((xdeg - x0) * kx / deg_per_dot / 2), int((y1 - ydeg) / deg_per_dot / 4)

    marks = {cell(lon[0], lat[0]): "▲", cell(lon[-1], lat[-1]): "✕"}
    warned_styles = {style.terminal for style in REASON_STYLES.values()}
    text = Text(no_wrap=True, overflow="crop")
    for r in range(height):
        for c in range(width):
            mark = marks.get((c, r))
            if mark:
                text.append(mark, style="bold bright_white on red")
            elif has_track[r, c]:
                text.append(chr(0x2800 + bits[r, c]), style=TRACK_STYLE)
            elif bits[r, c]:
                text.append(chr(0x2800 + bits[r, c]), style=cell_style[r, c] or LAND_STYLE)
            elif cell_style[r, c] in warned_styles:
                text.append("░", style=cell_style[r, c])
            else:
                text.append(" ")
        text.append("\n")
    text.append("▲ launch  ✕ impact  ", style="bold")
    text.append("━ track  ", style=TRACK_STYLE)
    legend = PAINT_ORDER[::-1]  # impact first
    for reason in legend:
        text.append(f"░ {reason}" + ("" if reason is legend[-1] else "  "), style=REASON_STYLES[reason].terminal)
    text.append(f"\n{y0:.0f}–{y1:.0f}°N, {x0:.0f}–{x1:.0f}°E", style="dim")
    return text


def map_panel(result: SimulationResult, *, width: int = 76) -> Panel:
    """The terminal map in a panel, for ``report.render(extra=...)``."""
    return Panel(render(result, width=width), title="Ground track", border_style="blue", expand=False)
