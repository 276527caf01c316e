"""Read and write the precomputed geometry cache ``data/geometry.npz``.

The cache holds geometries that are too slow to compute at run time (projected land,
12 nm footprints, their union, the approximate EEZ limits) as WKB, numeric arrays (the
distance grid of jalert_sim.geo.distance_grid, the table that jalert_sim.geo.projection.to_xy
interpolates), plus a JSON header. ``scripts/build_data.py`` writes it; the product only
reads it. Layout: for each layer ``NAME`` two arrays, ``NAME.wkb`` (uint8, the WKB blobs
end to end) and ``NAME.offsets`` (int64, start of each blob, plus the end); numeric arrays
under their own names; and ``meta`` (uint8, UTF-8 JSON).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import shapely

from .._data import data_path
from ..errors import DataError

CACHE_FILE = "geometry.npz"
#: Bumped whenever the layout or the meaning of a layer changes.
CACHE_VERSION = 4


def write_cache(path, layers: Mapping[str, Sequence[shapely.Geometry]], meta: Mapping[str, Any],
                arrays: Mapping[str, np.ndarray] | None = None) -> None:
    """Write ``layers`` (name -> list of geometries), numeric ``arrays`` and ``meta`` to ``path``
    (build time only)."""
    arrays = dict(arrays or {})
    for name, geoms in layers.items():
        blobs = shapely.to_wkb(np.asarray(list(geoms), dtype=object), output_dimension=2)
        sizes = np.fromiter((len(b) for b in blobs), dtype=np.int64, count=len(blobs))
        arrays[f"{name}.offsets"] = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        arrays[f"{name}.wkb"] = np.frombuffer(b"".join(blobs), dtype=np.uint8)
    header = {"version": CACHE_VERSION, **meta}
    arrays["meta"] = np.frombuffer(json.dumps(header, ensure_ascii=False).encode(), dtype=np.uint8)
    # Stored, not deflated: reading 2 MB of WKB is ~7 ms; inflating it was ~40 ms of every start-up.
    np.savez(path, **arrays)


def _read(*keys: str) -> list[np.ndarray]:
    """The arrays ``keys`` of the cache file. The file is opened for each read, never kept open:
    batch workers are forked, and an inherited open file would share its read offset."""
    path = data_path(CACHE_FILE)
    try:
        with np.load(path, allow_pickle=False) as npz:
            return [npz[key] for key in keys]
    except KeyError as exc:
        raise DataError(f"geometry cache {path} has no array {exc}; rebuild it") from exc
    except (OSError, ValueError) as exc:
        raise DataError(f"geometry cache {path} is unreadable: {exc}") from exc


@cache
def _meta() -> dict[str, Any]:
    path = data_path(CACHE_FILE)
    (raw,) = _read("meta")
    meta = json.loads(raw.tobytes().decode())
    if meta.get("version") != CACHE_VERSION:
        raise DataError(f"geometry cache {path} has version {meta.get('version')}, expected {CACHE_VERSION}; rebuild it")
    return meta


def cache_meta() -> dict[str, Any]:
    """The cache's JSON header (prefecture properties, projection, build parameters)."""
    return _meta()


@cache
def layer(name: str) -> tuple[shapely.Geometry, ...]:
    """The geometries of layer ``name``, parsed once and cached."""
    _meta()  # checks the version first
    wkb, offsets = _read(f"{name}.wkb", f"{name}.offsets")
    raw = wkb.tobytes()
    blobs = [raw[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]
    return tuple(shapely.from_wkb(np.asarray(blobs, dtype=object)))
