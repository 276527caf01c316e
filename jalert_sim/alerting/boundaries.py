"""The footprints' boundaries as plain segment arrays, for the compiled kernels (:mod:`.kernels`,
:mod:`.search`): in pieces with their boxes (distances, chords), and in horizontal bands (the
ray-crossing inside test).

Segments are rows ax, ay, bx, by in the plane of geo.to_xy (metres), ring by ring of every
footprint of geo.prefectures(), in the order shapely gives the rings and their coordinates.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import shapely

from .. import geo

#: Boundary segments per piece.
PIECE = 4
#: Segments per band, on average over a footprint (a band also lists the segments that only
#: pass through it): the ray test of a point reads its band's segments instead of every piece box.
_PER_BAND = 4


@cache
def pieces() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every footprint's boundary as segments in pieces of PIECE (within a ring): (first piece of
    each footprint (48,), box of each piece (minx, miny, maxx, maxy), first segment of each piece
    (+ the end), segments)."""
    shapes = np.array([p.footprint_xy for p in geo.prefectures()], dtype=object)
    parts, of_shape = shapely.get_parts(shapes, return_index=True)
    rings, of_part = shapely.get_rings(parts, return_index=True)
    xy, of_ring = shapely.get_coordinates(rings, return_index=True)
    # Segment k of a ring joins its points k and k + 1; piece k // PIECE of the ring holds it.
    inside = np.flatnonzero(of_ring[1:] == of_ring[:-1])
    seg = np.ascontiguousarray(np.column_stack([xy[inside], xy[inside + 1]]))
    ring_of_seg = of_ring[inside]
    ring_start = np.searchsorted(ring_of_seg, ring_of_seg)  # each segment's ring's first segment
    k = np.arange(len(seg)) - ring_start
    first_of_piece = np.flatnonzero(k % PIECE == 0)
    starts = np.append(first_of_piece, len(seg)).astype(np.int64)
    # A piece's box is that of its points: its segments' ends.
    lo = np.minimum.reduceat(np.minimum(seg[:, :2], seg[:, 2:]), first_of_piece)
    hi = np.maximum.reduceat(np.maximum(seg[:, :2], seg[:, 2:]), first_of_piece)
    shape_of_piece = of_shape[of_part[ring_of_seg[first_of_piece]]]
    first = np.searchsorted(shape_of_piece, np.arange(len(shapes) + 1)).astype(np.int64)
    return first, np.column_stack([lo, hi]), starts, seg


@cache
def ray_bands() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each footprint's y extent cut into equal bands, and the segments each band meets:
    (first band of each footprint (48,), the footprint's lowest y and 1 / band height (47,),
    first entry of each band in ``band_segments`` (+ the end), ``band_segments`` (indices into
    the segments, ascending within a band), the segments (:func:`pieces`')).

    A segment is listed in every band from band(min y) to band(max y), where band(v) is
    ``floor((v - y0) * inv_h)`` clipped to the footprint's bands: the same expression the ray test
    computes for its point, and monotonic in v, so a segment whose closed y range holds the
    point's y is always in the point's band. Those are the only segments the ray-crossing count
    can stop at or count, so it reads them alone, in the same order, with the same answer.
    """
    first_piece, _, piece_segments, seg = pieces()
    n = len(first_piece) - 1
    first_band, y0, inv_h = [0], np.zeros(n), np.zeros(n)
    bands_of, lists = [], []
    for f in range(n):
        s0, s1 = piece_segments[first_piece[f]], piece_segments[first_piece[f + 1]]
        lo = np.minimum(seg[s0:s1, 1], seg[s0:s1, 3])
        hi = np.maximum(seg[s0:s1, 1], seg[s0:s1, 3])
        bands = max(1, (s1 - s0) // _PER_BAND)
        y0[f] = lo.min()
        inv_h[f] = bands / max(hi.max() - y0[f], 1.0)
        a = np.clip(np.floor((lo - y0[f]) * inv_h[f]), 0, bands - 1).astype(np.int64)
        b = np.clip(np.floor((hi - y0[f]) * inv_h[f]), 0, bands - 1).astype(np.int64)
        # Segment s0 + i is listed in bands a[i]..b[i]: one entry per (segment, band).
        spans = b - a + 1
        entry_seg = np.repeat(np.arange(s0, s1), spans)
        step = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)  # 0, 1, .. within a segment
        entry_band = first_band[-1] + np.repeat(a, spans) + step
        bands_of.append(entry_band)
        lists.append(entry_seg)
        first_band.append(first_band[-1] + bands)
    entry_band, entry_seg = np.concatenate(bands_of), np.concatenate(lists)
    order = np.argsort(entry_band, kind="stable")  # by band, segments ascending within each
    band_segments = entry_seg[order].astype(np.int64)
    counts = np.bincount(entry_band, minlength=first_band[-1])
    band_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return np.array(first_band, np.int64), y0, inv_h, band_start, band_segments, seg
