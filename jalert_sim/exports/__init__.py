"""Machine-readable outputs of a simulation (written whole or not at all by :mod:`jalert_sim.files`).

* ``formats`` — every output format of every command, once, and the renderers of ``run``'s;
* ``document`` — the JSON document of ``run``;
* ``csv`` — the two CSV tables (a row per warned prefecture for ``run``, per scenario for
  ``batch``) and their one number format;
* ``geojson``, ``kml``, ``cap`` — GeoJSON, KML and OASIS CAP 1.2 (sharing ``geometry``: the
  track and outlines in lon/lat, and ``xmldoc``: XML writing).

The public names of all of them are importable from here, and load on first use (the command
line imports ``formats`` at every start; XML and geometry libraries only when asked for).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

__all__ = ["CSV_COLUMNS", "cap_alert_xml", "cap_alerts", "cap_polygons", "cap_status", "geojson_dict",
           "split_antimeridian", "to_cap_feed", "to_csv", "to_geojson", "to_json", "to_kml"]

_LAZY = {
    "CSV_COLUMNS": "csv",
    "to_csv": "csv",
    "to_json": "document",
    "split_antimeridian": "geometry",
    "geojson_dict": "geojson",
    "to_geojson": "geojson",
    "to_kml": "kml",
    "cap_alert_xml": "cap",
    "cap_alerts": "cap",
    "cap_polygons": "cap",
    "cap_status": "cap",
    "to_cap_feed": "cap",
}

if TYPE_CHECKING:  # pragma: no cover
    from .csv import CSV_COLUMNS, to_csv
    from .document import to_json
    from .cap import cap_alert_xml, cap_alerts, cap_polygons, cap_status, to_cap_feed
    from .geojson import geojson_dict, to_geojson
    from .geometry import split_antimeridian
    from .kml import to_kml

__getattr__ = lazy_names(__name__, globals(), _LAZY)
