"""Where the shipped data files are.

In a wheel they are package data under ``jalert_sim/data/``; in a source
checkout (or an editable install) they are the top-level ``data/`` folder.
"""

from __future__ import annotations

from pathlib import Path

from .errors import DataError

_PACKAGE_DIR = Path(__file__).resolve().parent
_CANDIDATES = (_PACKAGE_DIR / "data", _PACKAGE_DIR.parent / "data")


def data_path(name: str) -> Path:
    """Path of the shipped data file ``name``; raises DataError if it is not there."""
    for folder in _CANDIDATES:
        path = folder / name
        if path.exists():
            return path
    raise DataError(f"data file {name!r} is missing from the installation (looked in {', '.join(str(c) for c in _CANDIDATES)})")
