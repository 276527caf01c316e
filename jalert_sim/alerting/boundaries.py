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
    segs, boxes, starts, first = [], [], [0], [0]
    for p in geo.prefectures():
        for ring in shapely.get_rings(shapely.get_parts(p.footprint_xy)):
            xy = shapely.get_coordinates(ring)
            for s in range(0, len(xy) - 1, PIECE):
                piece = xy[s:s + PIECE + 1]
                segs.append(np.column_stack([piece[:-1], piece[1:]]))
                boxes.append(np.concatenate([piece.min(axis=0), piece.max(axis=0)]))
                starts.append(starts[-1] + len(piece) - 1)
        first.append(len(boxes))
    return (np.array(first, np.int64), np.array(boxes), np.array(starts, np.int64),
            np.ascontiguousarray(np.concatenate(segs)))


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
    band_lists = []
    for f in range(n):
        s0, s1 = piece_segments[first_piece[f]], piece_segments[first_piece[f + 1]]
        lo = np.minimum(seg[s0:s1, 1], seg[s0:s1, 3])
        hi = np.maximum(seg[s0:s1, 1], seg[s0:s1, 3])
        bands = max(1, (s1 - s0) // _PER_BAND)
        y0[f] = lo.min()
        inv_h[f] = bands / max(hi.max() - y0[f], 1.0)
        a = np.clip(np.floor((lo - y0[f]) * inv_h[f]), 0, bands - 1).astype(np.int64)
        b = np.clip(np.floor((hi - y0[f]) * inv_h[f]), 0, bands - 1).astype(np.int64)
        members = [[] for _ in range(bands)]
        for s, (i, j) in enumerate(zip(a.tolist(), b.tolist())):
            for band in range(i, j + 1):
                members[band].append(s0 + s)
        band_lists += members
        first_band.append(first_band[-1] + bands)
    counts = np.array([len(m) for m in band_lists], np.int64)
    band_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    band_segments = np.array([s for m in band_lists for s in m], np.int64)
    return np.array(first_band, np.int64), y0, inv_h, band_start, band_segments, seg
