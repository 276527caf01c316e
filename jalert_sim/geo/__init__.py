"""Geography: where things are, on real data (mapdata boundaries, the places catalogue).

* ``projection`` — the metric frame (azimuthal equidistant about 36 N 138 E) and ``to_xy``;
* ``cache`` — the precomputed geometry file ``data/geometry.npz``;
* ``prefectures`` — the 47 prefectures, their 12 nm footprints, land and territorial-sea tests;
* ``seas`` — seas, countries, and the approximate EEZ;
* ``places``, ``names``, ``describe`` — launch sites and landmarks, name matching, and
  "about 1,180 km E of Cape Erimo";
* ``over`` — what a point of a track is over, in words;
* ``distance_grid``, ``lookup`` — the array look-ups the alert engine relies on.

This package is the facade: ``from jalert_sim import geo``; ``geo.prefecture_at(lat, lon)``.
Frames and units: lat/lon degrees WGS84, ``*_xy`` metres in :data:`PROJECTION_CRS`.
"""

from .describe import PointDescription, describe_point, nearest_landmark, nearest_landmarks
from .over import Location, over_place, over_places
from .places import Place, landmark, landmarks, launch_site, launch_sites, parse_launch
from .prefectures import (
    Prefecture, footprint_tree, in_territorial_sea, japan_footprint_xy, prefecture, prefecture_at,
    prefecture_indices_at, prefectures, territorial_sea_mask,
)
from .projection import PROJECTION_CRS, to_lonlat, to_xy
from .seas import (
    Country, EEZStatus, Sea, basemap_land, countries_at, country_at, eez_status, eez_statuses, land_mask, sea_at,
    seas_and_countries_at, seas_at,
)

__all__ = [
    "PROJECTION_CRS", "to_xy", "to_lonlat",
    "Prefecture", "prefectures", "prefecture", "prefecture_at", "prefecture_indices_at", "footprint_tree",
    "japan_footprint_xy", "in_territorial_sea", "territorial_sea_mask",
    "EEZStatus", "eez_status", "eez_statuses", "Sea", "sea_at", "seas_at", "Country", "country_at",
    "countries_at", "seas_and_countries_at", "land_mask", "basemap_land",
    "Place", "launch_site", "launch_sites", "landmark", "landmarks", "parse_launch",
    "PointDescription", "nearest_landmark", "nearest_landmarks", "describe_point",
    "Location", "over_place", "over_places",
]
