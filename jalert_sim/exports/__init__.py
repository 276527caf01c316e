"""Machine-readable outputs of a simulation, and files written whole or not at all.

* ``files`` — the JSON document and the per-prefecture CSV of ``run``, atomic file writing;
* ``geo`` — GeoJSON, KML and OASIS CAP 1.2.
"""

from .files import CSV_COLUMNS, atomic_open, to_csv, to_json, write_atomic

__all__ = ["CSV_COLUMNS", "atomic_open", "to_csv", "to_json", "write_atomic"]
