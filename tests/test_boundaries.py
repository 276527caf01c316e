"""The footprints' ray bands (alerting.boundaries): every segment is where the banded ray test
looks for it, and the compiled inside test that reads them gives shapely's answers on the
points where band edges and vertices make it hardest."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from jalert_sim.alerting.boundaries import pieces, ray_bands
from jalert_sim.alerting.geometry import contains, footprints


def _band(f: int, y: np.ndarray) -> np.ndarray:
    first_band, y0, inv_h, *_ = ray_bands()
    bands = first_band[f + 1] - first_band[f]
    return first_band[f] + np.clip(np.floor((y - y0[f]) * inv_h[f]), 0, bands - 1).astype(int)


def test_every_segment_is_in_the_band_of_every_y_it_spans():
    first_band, y0, inv_h, band_start, band_segments, seg = ray_bands()
    first_piece, _, piece_segments, _ = pieces()
    rng = np.random.default_rng(5)
    for f in range(47):
        s0, s1 = piece_segments[first_piece[f]], piece_segments[first_piece[f + 1]]
        listed = [set(band_segments[band_start[j]:band_start[j + 1]].tolist())
                  for j in range(first_band[f], first_band[f + 1])]
        assert sorted(set().union(*listed)) == list(range(s0, s1))  # each segment somewhere, no other
        for s in range(s0, s1):
            lo, hi = sorted((seg[s, 1], seg[s, 3]))
            ys = np.concatenate([[lo, hi], rng.uniform(lo, hi, 3)])
            for j in _band(f, ys).tolist():
                assert s in listed[j - first_band[f]]


def _pieces_one_by_one():
    """boundaries.pieces built ring by ring and piece by piece, as it first was."""
    from jalert_sim import geo
    from jalert_sim.alerting.boundaries import PIECE

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
    return np.array(first), np.array(boxes), np.array(starts), np.concatenate(segs)


def _bands_one_by_one():
    """boundaries.ray_bands' band lists built segment by segment, as they first were."""
    from jalert_sim.alerting.boundaries import _PER_BAND

    first_piece, _, piece_segments, seg = pieces()
    band_lists = []
    for f in range(len(first_piece) - 1):
        s0, s1 = piece_segments[first_piece[f]], piece_segments[first_piece[f + 1]]
        lo = np.minimum(seg[s0:s1, 1], seg[s0:s1, 3])
        hi = np.maximum(seg[s0:s1, 1], seg[s0:s1, 3])
        bands = max(1, (s1 - s0) // _PER_BAND)
        inv_h = bands / max(hi.max() - lo.min(), 1.0)
        a = np.clip(np.floor((lo - lo.min()) * inv_h), 0, bands - 1).astype(np.int64)
        b = np.clip(np.floor((hi - lo.min()) * inv_h), 0, bands - 1).astype(np.int64)
        members = [[] for _ in range(bands)]
        for k, (i, j) in enumerate(zip(a.tolist(), b.tolist())):
            for band in range(i, j + 1):
                members[band].append(s0 + k)
        band_lists += members
    return band_lists


def test_pieces_and_bands_are_those_built_one_by_one():
    """The array-at-once construction gives the same pieces, boxes, segments and band lists."""
    for mine, theirs in zip(pieces(), _pieces_one_by_one()):
        assert mine.shape == theirs.shape and mine.tobytes() == theirs.astype(mine.dtype).tobytes()
    first_band, _, _, band_start, band_segments, seg = ray_bands()
    assert seg is pieces()[3]
    listed = [band_segments[band_start[j]:band_start[j + 1]].tolist() for j in range(first_band[-1])]
    assert listed == _bands_one_by_one()


def test_contains_on_band_edges_and_vertex_rows_is_shapely():
    """Points on the bands' edges, and points level with a vertex (the ray passes through it) or on a
    horizontal stretch of the boundary, where a ray count that missed a segment would go wrong."""
    pytest.importorskip("numba")
    first_band, y0, inv_h, *_ = ray_bands()
    fp = footprints()
    rng = np.random.default_rng(9)
    pref, xs, ys = [], [], []
    for f in range(47):
        minx, miny, maxx, maxy = fp.bounds[f]
        bands = first_band[f + 1] - first_band[f]
        edges = y0[f] + np.arange(bands + 1) / inv_h[f]
        vertices = shapely.get_coordinates(fp.shapes[f])
        picked = vertices[rng.integers(0, len(vertices), 300)]
        level = np.concatenate([edges, picked[:, 1], picked[:, 1]])
        x = np.concatenate([rng.uniform(minx, maxx, len(edges)), rng.uniform(minx, maxx, 300),
                            picked[:, 0] + rng.choice([-1.0, 1.0], 300) * rng.uniform(0, 3000, 300)])
        pref.append(np.full(len(x), f))
        xs.append(x)
        ys.append(level)
    pref, x, y = np.concatenate(pref), np.concatenate(xs), np.concatenate(ys)
    exact = shapely.contains_xy(fp.shapes[pref], x, y)
    assert 2000 < exact.sum() < len(x) - 2000
    np.testing.assert_array_equal(contains(pref, x, y, compiled=True), exact)
