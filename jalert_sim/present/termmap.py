"""A small map of the ground track for the terminal, drawn in Unicode braille.

Each character cell holds 2×4 braille dots, so a 76-column map has 152 dots
across. The projection is equirectangular with the longitude scaled by
cos(mean latitude), which keeps shapes right to a few per cent over Japan's
latitudes; a terminal cell is about twice as tall as wide, so a braille dot is
close to square. Coastlines are dots on land next to the sea (the land of
:func:`jalert_sim.geo.land_mask`: the prefectures and the basemap);
cells over a warned prefecture take the colour of its alert reason; the track is
drawn on top, with the launch (▲) and impact (✕).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import shapely
from rich.panel import Panel
from rich.text import Text

from ..earth import wrap_lon
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
    return land_mask(lat.ravel(), wrap_lon(lon.ravel())).reshape(lon.shape)


def _extent(lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = _JAPAN_BOX
    return (min(x0, float(np.nanmin(lon))) - _PAD_DEG, min(y0, float(np.nanmin(lat))) - _PAD_DEG,
            max(x1, float(np.nanmax(lon))) + _PAD_DEG, max(y1, float(np.nanmax(lat))) + _PAD_DEG)


class _Grid(NamedTuple):
    """The braille canvas: a lon/lat box (longitudes unwrapped, degrees), ``nx`` dots across and
    ``ny`` down (2 and 4 a character cell), ``deg_per_dot`` degrees of latitude a dot, and ``kx``
    (cos of the mean latitude) that makes a degree of longitude as long."""

    x0: float
    y0: float
    x1: float
    y1: float
    kx: float
    deg_per_dot: float
    nx: int
    ny: int

    @property
    def width(self) -> int:
        return self.nx // 2

    @property
    def height(self) -> int:
        return self.ny // 4

    def cell(self, xdeg: float, ydeg: float) -> tuple[int, int]:
        """(column, row) of the character cell at a point."""
        return int((xdeg - self.x0) * self.kx / self.deg_per_dot / 2), int((self.y1 - ydeg) / self.deg_per_dot / 4)


def _grid(lon: np.ndarray, lat: np.ndarray, width: int, max_height: int) -> _Grid:
    """``width`` columns over the track and Japan; as many rows as the aspect needs, at most ``max_height``."""
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
    return _Grid(x0, y0, x1, y1, kx, deg_per_dot, nx, ny)


def _coast(g: _Grid) -> np.ndarray:
    """Per dot (row 0 at the top), True on land next to the sea."""
    cols = g.x0 + (np.arange(g.nx) + 0.5) * g.deg_per_dot / g.kx
    rows = g.y1 - (np.arange(g.ny) + 0.5) * g.deg_per_dot
    gx, gy = np.meshgrid(cols, rows)
    land = _land(gx, gy)
    sea = ~land
    edge = np.zeros_like(land)
    edge[1:, :] |= sea[:-1, :]
    edge[:-1, :] |= sea[1:, :]
    edge[:, 1:] |= sea[:, :-1]
    edge[:, :-1] |= sea[:, 1:]
    return land & edge


def _track_dots(g: _Grid, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Per dot, True on the track: interpolated so that consecutive dots are at most half a dot apart."""
    track = np.zeros((g.ny, g.nx), dtype=bool)
    px = (lon - g.x0) * g.kx / g.deg_per_dot
    py = (g.y1 - lat) / g.deg_per_dot
    steps = max(2, int(np.nansum(np.hypot(np.diff(px), np.diff(py))) * 2) + 2)
    s = np.linspace(0.0, 1.0, steps)
    seg = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(px), np.diff(py)))])
    if seg[-1] > 0:
        tx, ty = np.interp(s * seg[-1], seg, px), np.interp(s * seg[-1], seg, py)
        ix, iy = tx.astype(int), ty.astype(int)
        ok = (ix >= 0) & (ix < g.nx) & (iy >= 0) & (iy < g.ny)
        track[iy[ok], ix[ok]] = True
    return track


def _cell_styles(g: _Grid, result: SimulationResult) -> np.ndarray:
    """Per character cell, the style of its centre: land, a warned prefecture's reason, or ""."""
    cell_style = np.full((g.height, g.width), "", dtype=object)
    ccx = g.x0 + (np.arange(g.width) + 0.5) * 2 * g.deg_per_dot / g.kx
    ccy = g.y1 - (np.arange(g.height) + 0.5) * 4 * g.deg_per_dot
    cgx, cgy = np.meshgrid(ccx, ccy)
    cell_land = _land(cgx, cgy)
    cell_style[cell_land] = LAND_STYLE
    if result.alerts:
        from ..geo import prefecture

        for a in sorted(result.alerts, key=lambda a: PAINT_ORDER.index(a.reason)):
            inside = shapely.contains_xy(prefecture(a.code).land, cgx, cgy)
            cell_style[inside] = REASON_STYLES[a.reason].terminal
    return cell_style


def _cells(g: _Grid, dots: np.ndarray, track: np.ndarray, cell_style: np.ndarray, marks: dict) -> Text:
    """The character cells, row by row: a mark, a track cell, braille dots, a warned prefecture's
    shade, or a blank."""
    height, width = g.height, g.width
    bits = np.zeros((height, width), dtype=int)
    for c in range(2):
        for r in range(4):
            bits |= np.where(dots[r::4, c::2][:height, :width], _BITS[c, r], 0)
    has_track = track.reshape(height, 4, width, 2).any(axis=(1, 3))
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
    return text


def render(result: SimulationResult, *, width: int = 76, max_height: int = 30) -> Text:
    """The map as rich Text, ``width`` columns wide (height follows the aspect, capped)."""
    lon = np.asarray(result.track.lon, float)
    lat = np.asarray(result.track.lat, float)
    lon = np.degrees(np.unwrap(np.radians(lon)))
    g = _grid(lon, lat, width, max_height)
    track = _track_dots(g, lon, lat)
    marks = {g.cell(lon[0], lat[0]): "▲", g.cell(lon[-1], lat[-1]): "✕"}
    text = _cells(g, _coast(g) | track, track, _cell_styles(g, result), marks)
    text.append("▲ launch  ✕ impact  ", style="bold")
    text.append("━ track  ", style=TRACK_STYLE)
    legend = PAINT_ORDER[::-1]  # impact first
    for reason in legend:
        text.append(f"░ {reason}" + ("" if reason is legend[-1] else "  "), style=REASON_STYLES[reason].terminal)
    text.append(f"\n{g.y0:.0f}–{g.y1:.0f}°N, {g.x0:.0f}–{g.x1:.0f}°E", style="dim")
    return text


def map_panel(result: SimulationResult, *, width: int = 76) -> Panel:
    """The terminal map in a panel, for ``report.render(extra=...)``."""
    return Panel(render(result, width=width), title="Ground track", border_style="blue", expand=False)
