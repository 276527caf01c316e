"""The metric projection is exactly the one its PROJ string names."""

import numpy as np
import pyproj

from jalert_sim._geocache import _read
from jalert_sim.projection import PROJECTION_CRS, table_nodes, to_lonlat, to_xy, to_xy_exact


def test_pipeline_equals_the_crs_it_stands_for():
    # The independent route: pyproj resolves EPSG:4326 -> PROJECTION_CRS itself.
    reference = pyproj.Transformer.from_crs("EPSG:4326", PROJECTION_CRS, always_xy=True)
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(110, 200, 5000), rng.uniform(0, 70, 5000)
    x_ref, y_ref = reference.transform(lon, lat)
    x, y = to_xy_exact(lon, lat)
    np.testing.assert_allclose(x, x_ref, rtol=0, atol=1e-6)
    np.testing.assert_allclose(y, y_ref, rtol=0, atol=1e-6)
    back_lon, back_lat = to_lonlat(x, y)
    np.testing.assert_allclose(back_lon, (lon + 180) % 360 - 180, rtol=0, atol=1e-9)  # comes back in [-180, 180)
    np.testing.assert_allclose(back_lat, lat, rtol=0, atol=1e-9)


def test_distance_from_centre_is_the_geodesic():
    # Azimuthal equidistant: distance from 36 N 138 E is true (pyproj.Geod, WGS84).
    geod = pyproj.Geod(ellps="WGS84")
    lon, lat = np.array([143.25, 125.67, 127.68]), np.array([41.93, 39.22, 26.21])
    x, y = to_xy(lon, lat)
    _, _, dist = geod.inv(np.full(3, 138.0), np.full(3, 36.0), lon, lat)
    np.testing.assert_allclose(np.hypot(x, y), dist, rtol=1e-9)


def test_stored_table_is_projs_values_at_the_nodes():
    reference = pyproj.Transformer.from_crs("EPSG:4326", PROJECTION_CRS, always_xy=True)
    (table,) = _read("projection_table.xy")
    x_ref, y_ref = reference.transform(*table_nodes())
    np.testing.assert_allclose(table[0], x_ref, rtol=0, atol=1e-6)
    np.testing.assert_allclose(table[1], y_ref, rtol=0, atol=1e-6)
