"""What the array look-ups of geography, seas and describe share: how they take their points,
and the first geometry of a tree that contains each point."""

from __future__ import annotations

import numpy as np
import shapely


def points(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """``lat``/``lon`` degrees (1-D arrays or scalars that broadcast together) as two 1-D float
    arrays of one length."""
    lat, lon = np.asarray(lat, dtype=float).ravel(), np.asarray(lon, dtype=float).ravel()
    if lat.shape != lon.shape:
        lat, lon = np.broadcast_arrays(lat, lon)
    return lat, lon


def first_hit(tree: shapely.STRtree, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Per point (1-D arrays, degrees), the smallest index of the tree's lon/lat geometries that
    contain or touch it, -1 if none (NaN: -1). A tree of projected geometries takes (y, x) metres.
    The bounding boxes first, then the exact test, which is fast when the tree's geometries are
    prepared."""
    point, geom = tree.query(shapely.points(lon, lat))
    hit = shapely.intersects_xy(tree.geometries[geom], lon[point], lat[point])
    none = len(tree.geometries)
    out = np.full(len(lon), none, dtype=np.intp)
    np.minimum.at(out, point[hit], geom[hit])
    out[out == none] = -1
    return out
