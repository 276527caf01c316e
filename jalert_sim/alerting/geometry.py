"""The alert engine's geometry: the questions it asks about the 47 prefecture footprints, each
answered as shapely would answer it, but settled by guaranteed bounds wherever they can.

Everything is in the plane of geo.to_xy (metres; footprints as geo.Prefecture.footprint_xy),
for arrays of points or chords with one footprint index (0..46) each:

* :func:`maybe_near` (from :mod:`.prefilter`), the prefilter: a raster of the approximate
  plane that drops the points surely beyond reach of every footprint, before any exact projection;
* :func:`inside` and :func:`_outside_distance`: containment and the distance to a footprint,
  from the distance grid's bounds (geo.distance_grid, within 3.5 km), with exact shapely tests
  and per-footprint boundary trees only where the bounds leave the answer open (the nearest
  point of a row: :mod:`.distances`);
* :func:`chords_within` and :func:`chords_intersect`: the same for the chords of a polyline (the
  pairs a coarse track warns or crosses are decided in :mod:`.chords`);
* :func:`impact_pairs`: the pairs an impact point falls in or near.

Pairs are keys ``row * 47 + footprint``, sorted.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import numpy as np
import shapely

from .. import geo
from ..geo import distance_grid as _distance_grid
from .arrays import unique
from .boundaries import PIECE as _BOUNDARY_PIECE
from .boundaries import pieces as _boundary_pieces
from .boundaries import ray_bands
from .prefilter import maybe_near as _maybe_near


maybe_near = _maybe_near  # the engine's prefilter, named here as before


class Footprints(NamedTuple):
    """The 47 footprints, prepared in place, and their bounds (47, 4): minx, miny, maxx, maxy (m)."""

    shapes: np.ndarray
    bounds: np.ndarray


@cache
def footprints() -> Footprints:
    """The footprints of geo.prefectures(), in their order."""
    geoms = np.array([p.footprint_xy for p in geo.prefectures()], dtype=object)
    shapely.prepare(geoms)
    return Footprints(geoms, shapely.bounds(geoms))


def project(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """geo.to_xy on the finite entries; NaN elsewhere."""
    x = np.full(lat.shape, np.nan)
    y = np.full(lat.shape, np.nan)
    ok = ~np.isnan(lat)
    if ok.any():
        x[ok], y[ok] = geo.to_xy(lon[ok], lat[ok])
    return x, y


# --------------------------------------------------------------------------- points


#: Calls of grid_bounds on fewer points use numpy (a single run's calls have hundreds).
BOUNDS_COMPILED_FROM_POINTS = 5_000


def grid_bounds(pref, x, y, *, compiled: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
    """geo.distance_grid.bounds(pref, x, y): through the numba kernel (True), numpy (False), or the
    kernel for calls of at least BOUNDS_COMPILED_FROM_POINTS points where numba is installed (None)."""
    if compiled or (compiled is None and np.size(x) >= BOUNDS_COMPILED_FROM_POINTS):
        from .kernels import compiled as kernels

        k = kernels()
        if k is not None:
            pref, x, y = np.broadcast_arrays(np.asarray(pref), np.asarray(x, dtype=float), np.asarray(y, dtype=float))
            g = _distance_grid.grid()
            start, present = _distance_grid._cell_index()
            lower, upper = k.grid_bounds(pref.ravel().astype(np.int64), np.ascontiguousarray(x).ravel(),
                                         np.ascontiguousarray(y).ravel(), g.x0_m, g.y0_m, g.cell_m, g.nx, g.ny,
                                         g.reach_m, g.slack_m, g.unit_m, start, present, g.sd, g.pref_bounds)
            return lower.reshape(x.shape), upper.reshape(x.shape)
    return _distance_grid.bounds(pref, x, y)


def inside(pref: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``shapely.contains_xy(footprint[pref], x, y)`` (arrays of one shape; NaN: False), exact but
    computed only where the distance grid cannot tell; and the grid's (lower, upper) bounds."""
    finite = ~np.isnan(x)
    if finite.all():
        lower, upper = grid_bounds(pref, x, y)
    else:  # rows of tracks padded with NaN: look up only the points
        at = np.nonzero(finite)
        lower, upper = np.full(x.shape, np.inf), np.full(x.shape, np.inf)
        lower[at], upper[at] = grid_bounds(pref[at], x[at], y[at])
    is_in = upper < 0.0
    r = np.nonzero((lower <= 0.0) & ~is_in)
    if len(r[0]):
        is_in[r] = contains(pref[r], x[r], y[r])
    return is_in, lower, upper


#: Calls of contains on fewer points use shapely alone (a single run's have tens).
CONTAINS_COMPILED_FROM = 500


def contains(pref: np.ndarray, x: np.ndarray, y: np.ndarray, *, compiled: bool | None = None) -> np.ndarray:
    """shapely.contains_xy(footprint[pref], x, y) (1-D arrays): decided by the numba kernel where it
    is sure and by shapely elsewhere (``compiled`` True; None: for calls of CONTAINS_COMPILED_FROM
    points or more where numba is installed; False: shapely)."""
    shapes = footprints().shapes
    if compiled or (compiled is None and len(x) >= CONTAINS_COMPILED_FROM):
        from .kernels import compiled as kernels

        k = kernels()
        if k is not None:
            pref = np.asarray(pref, np.int64)
            answer = k.contains(pref, np.ascontiguousarray(x, dtype=float), np.ascontiguousarray(y, dtype=float),
                                *ray_bands())
            out = answer == 1
            o = np.nonzero(answer < 0)[0]
            if len(o):
                out[o] = shapely.contains_xy(shapes[pref[o]], x[o], y[o])
            return out
    return shapely.contains_xy(shapes[pref], x, y)


@cache
def _boundary_tree(pref: int) -> shapely.STRtree:
    """An STRtree of footprint ``pref``'s boundary cut into pieces of _BOUNDARY_PIECE segments
    (built on first use: a single scenario needs a few of the 47)."""
    pieces = []
    for ring in shapely.get_rings(shapely.get_parts(footprints().shapes[pref])):
        xy = shapely.get_coordinates(ring)
        pieces += [xy[s:s + _BOUNDARY_PIECE + 1] for s in range(0, len(xy) - 1, _BOUNDARY_PIECE)]
    index = np.repeat(np.arange(len(pieces)), [len(p) for p in pieces])
    return shapely.STRtree(shapely.linestrings(np.concatenate(pieces), indices=index))


#: Calls of _outside_distance on fewer points use the boundary trees (a single run's have tens).
DISTANCE_COMPILED_FROM_POINTS = 500


def _outside_distance(pref: np.ndarray, x: np.ndarray, y: np.ndarray, *, compiled: bool | None = None) -> np.ndarray:
    """shapely.distance(footprint[pref], point) for points that are not inside their footprint
    (1-D arrays): the distance to the nearest piece of its boundary, found by its tree (NaN where
    the tree answers nothing, as for a NaN point); or by the numba kernel of the same arithmetic
    (``compiled`` True; None: for calls of DISTANCE_COMPILED_FROM_POINTS points or more where
    numba is installed)."""
    if compiled or (compiled is None and len(x) >= DISTANCE_COMPILED_FROM_POINTS):
        from .kernels import compiled as kernels

        k = kernels()
        if k is not None:
            return k.boundary_distance(np.asarray(pref, np.int64), np.asarray(x, dtype=float),
                                       np.asarray(y, dtype=float), *_boundary_pieces())
    out = np.full(len(x), np.nan)
    order = np.argsort(pref, kind="stable")
    cuts = np.flatnonzero(np.diff(pref[order])) + 1
    for group in np.split(order, cuts):
        if len(group):
            tree = _boundary_tree(int(pref[group[0]]))
            (at, _), dist = tree.query_nearest(shapely.points(x[group], y[group]), return_distance=True,
                                               all_matches=False)
            out[group[at]] = dist
    return out


def impact_pairs(lon: np.ndarray, lat: np.ndarray, radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Keys of the pairs whose impact point (degrees, one per row) lies within ``radius_m`` of the
    footprint, and of those whose point is in it."""
    ix, iy = geo.to_xy(lon, lat)
    # The same pairs as footprint_tree().query(points, predicate), found the other way round: the
    # predicates are symmetric, and a prepared footprint tests a point much faster than the reverse.
    point_tree = shapely.STRtree(shapely.points(ix, iy))
    shapes = footprints().shapes

    def keys(q: np.ndarray) -> np.ndarray:
        return unique(q[1].astype(np.int64) * len(shapes) + q[0])[0]

    near = keys(point_tree.query(shapes, predicate="dwithin", distance=radius_m))
    hit = keys(point_tree.query(shapes, predicate="intersects"))
    return near, hit


# --------------------------------------------------------------------------- chords


def segments(ax, ay, bx, by) -> np.ndarray:
    """LineStrings of the segments (ax, ay)-(bx, by)."""
    return shapely.linestrings(np.stack([np.column_stack([ax, ay]), np.column_stack([bx, by])], axis=1))


#: Calls of chords_within on fewer chords use shapely alone (a single run's have tens).
CHORDS_COMPILED_FROM = 500


def chords_within(pref, ax, ay, bx, by, limit_m: float, *, compiled: bool | None = None) -> np.ndarray:
    """shapely.dwithin(footprint[pref], segment a-b, limit_m) per chord (1-D arrays): decided by the
    numba kernel where it is sure and by shapely where it leaves the chord open (``compiled`` True;
    None: for calls of CHORDS_COMPILED_FROM chords or more where numba is installed; False: shapely)."""
    return _chords(pref, ax, ay, bx, by, float(limit_m), None, compiled,
                   lambda shapes, lines: shapely.dwithin(shapes, lines, limit_m))


def chords_maybe_within(pref, ax, ay, bx, by, limit_m: float, start_bounds=None) -> np.ndarray:
    """The chords that may lie within ``limit_m`` of footprint ``pref``: a superset of
    :func:`chords_within`'s, for callers that only narrow a search. The numba kernel drops the
    chords it finds surely farther (calls of CHORDS_COMPILED_FROM chords or more where numba is
    installed); the chords it leaves open, and every chord without it, are kept. ``start_bounds``:
    the grid's (lower, upper) bounds at the chords' starts where the caller has them, or None."""
    big = len(ax) >= CHORDS_COMPILED_FROM
    answer = _chord_kernel(pref, ax, ay, bx, by, limit_m, start_bounds) if big else None
    return np.ones(len(ax), dtype=bool) if answer is None else answer != 0


def chords_intersect(pref, ax, ay, bx, by, lower_a, upper_a) -> np.ndarray:
    """shapely.intersects(footprint[pref], segment a-b) per chord, decided as :func:`chords_within`
    decides, by the kernel at limit 0 (a chord that properly crosses a boundary segment meets the
    footprint; one farther than 1 mm from every boundary segment lies wholly inside or outside, which
    the grid's bounds at its start, ``lower_a``/``upper_a`` (:func:`grid_bounds`), tell where they can)."""
    return _chords(pref, ax, ay, bx, by, 0.0, (lower_a, upper_a), None, shapely.intersects)


def _chords(pref, ax, ay, bx, by, limit_m: float, start_bounds, compiled: bool | None, predicate) -> np.ndarray:
    """``predicate(footprints, segments)`` per chord, with the chords_within kernel at ``limit_m``
    deciding first where it runs; ``start_bounds``: the grid's bounds at the chords' starts, or None."""
    shapes = footprints().shapes
    pref = np.asarray(pref, np.int64)
    if compiled or (compiled is None and len(ax) >= CHORDS_COMPILED_FROM):
        answer = _chord_kernel(pref, ax, ay, bx, by, limit_m, start_bounds)
        if answer is not None:
            out = answer == 1
            o = np.nonzero(answer < 0)[0]
            if len(o):
                out[o] = predicate(shapes[pref[o]], segments(ax[o], ay[o], bx[o], by[o]))
            return out
    return predicate(shapes[pref], segments(ax, ay, bx, by))


def _chord_kernel(pref, ax, ay, bx, by, limit_m: float, start_bounds) -> np.ndarray | None:
    """The chords_within kernel's answers (1 within ``limit_m``, 0 beyond, -1 open), or None
    without numba (or with the kernels switched off)."""
    from .kernels import compiled as kernels

    k = kernels()
    if k is None:
        return None
    pref = np.asarray(pref, np.int64)
    lower_a, upper_a = grid_bounds(pref, ax, ay) if start_bounds is None else start_bounds
    return k.chords_within(pref, *(np.ascontiguousarray(v, dtype=float) for v in (ax, ay, bx, by)), float(limit_m),
                           np.asarray(lower_a, dtype=float), np.asarray(upper_a, dtype=float), *_boundary_pieces())
