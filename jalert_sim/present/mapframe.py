"""The frame of a map of one result, shared by the SVG/PNG maps and the web drill: the ground
track and the basemap's land in the projected plane, and the box that both show.

Projection: the project's azimuthal equidistant frame centred at 36 N 138 E (``geo.to_xy``,
metres east and north): distances from central Japan are true and shapes over the region are
close to right. The box holds the whole track and Japan (``JAPAN_BOX``) with a margin.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np
import shapely

from ..geo import basemap_land, to_xy
from ..simulation.result import SimulationResult

#: Margin around the track and Japan, metres.
PAD_M = 250_000.0
#: lon/lat box (degrees: west, south, east, north) always in view.
JAPAN_BOX = (128.0, 30.0, 146.5, 46.0)


class MapBox(NamedTuple):
    """The frame of the map in the projected plane (``geo.to_xy``), metres."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def span(self) -> float:
        """The longer side, metres: offsets of ticks and labels are fractions of it."""
        return max(self.x1 - self.x0, self.y1 - self.y0)

    def align(self, x: float) -> tuple[str, float]:
        """(horizontal alignment, x offset in points) that keep a label at ``x`` inside the frame:
        left-aligned near the left edge, right-aligned near the right."""
        f = (x - self.x0) / (self.x1 - self.x0)
        return ("left", -10.0) if f < 0.3 else ("right", 10.0) if f > 0.7 else ("center", 0.0)


class TrackXY(NamedTuple):
    """The ground track in the projected plane: sample times (s after launch) and x, y (metres)."""

    t: np.ndarray
    x: np.ndarray
    y: np.ndarray


def track_xy(result: SimulationResult) -> TrackXY:
    """The result's track samples (every 5 s, as in its JSON document) projected; longitudes are
    unwrapped first, so that a track across the antimeridian stays one line."""
    tr = result.track
    lon = np.degrees(np.unwrap(np.radians(np.asarray(tr.lon, float))))
    x, y = to_xy(lon, np.asarray(tr.lat, float))
    return TrackXY(np.asarray(tr.t_s, float), x, y)


def map_box(track: TrackXY) -> MapBox:
    """The track and Japan (``JAPAN_BOX``), with a margin of ``PAD_M``."""
    x, y = track.x, track.y
    jx, jy = to_xy(np.array([JAPAN_BOX[0], JAPAN_BOX[2], JAPAN_BOX[0], JAPAN_BOX[2]]),
                   np.array([JAPAN_BOX[1], JAPAN_BOX[1], JAPAN_BOX[3], JAPAN_BOX[3]]))
    return MapBox(min(x.min(), jx.min()) - PAD_M, min(y.min(), jy.min()) - PAD_M,
                  max(x.max(), jx.max()) + PAD_M, max(y.max(), jy.max()) + PAD_M)


@cache
def basemap_xy() -> tuple[shapely.Geometry, ...]:
    """The basemap's land (``geo.basemap_land``) projected to the metric frame."""
    # Exteriors counterclockwise (RFC 7946), as data/basemap.geojson, which maps were drawn from,
    # has them: the cache keeps worldHires' turn, and a ring drawn from its other end changes the
    # SVG's path text and, by one level, some antialiased pixels of a PNG.
    land = shapely.orient_polygons(np.asarray(basemap_land(), dtype=object), exterior_cw=False)
    return tuple(shapely.transform(geom, lambda c: np.column_stack(to_xy(c[:, 0], c[:, 1]))) for geom in land)
