"""The metric projection is the one its PROJ string names (numpy's Vincenty within 0.1 mm of PROJ)."""

import numpy as np
import pyproj

from jalert_sim.projection import PROJECTION_CRS, to_lonlat, to_xy


def test_pipeline_equals_the_crs_it_stands_for():
    # The independent route: pyproj resolves EPSG:4326 -> PROJECTION_CRS itself.
    reference = pyproj.Transformer.from_crs("EPSG:4326", PROJECTION_CRS, always_xy=True)
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(110, 200, 5000), rng.uniform(0, 70, 5000)
    x_ref, y_ref = reference.transform(lon, lat)
    x, y = to_xy(lon, lat)
    np.testing.assert_allclose(x, x_ref, rtol=0, atol=1e-4)
    np.testing.assert_allclose(y, y_ref, rtol=0, atol=1e-4)
    back_lon, back_lat = to_lonlat(x, y)
    np.testing.assert_allclose(back_lon, (lon + 180) % 360 - 180, rtol=0, atol=1e-9)  # comes back in [-180, 180)
    np.testing.assert_allclose(back_lat, lat, rtol=0, atol=1e-9)


def test_whole_globe_and_special_points():
    # Uniform over the sphere, the centre's antipode (PROJ answers there) and its neighbourhood.
    reference = pyproj.Transformer.from_crs("EPSG:4326", PROJECTION_CRS, always_xy=True)
    rng = np.random.default_rng(8)
    lon = np.concatenate([rng.uniform(-180, 180, 20000), -42 + rng.normal(0, 0.3, 500), [-42.0, 138.0, 138.0 + 1e-9]])
    lat = np.concatenate([np.degrees(np.arcsin(rng.uniform(-1, 1, 20000))), -36 + rng.normal(0, 0.3, 500), [-36.0, 36.0, 36.0]])
    x_ref, y_ref = reference.transform(lon, lat)
    x, y = to_xy(lon, lat)
    np.testing.assert_allclose(x, x_ref, rtol=0, atol=1e-4)
    np.testing.assert_allclose(y, y_ref, rtol=0, atol=1e-4)
    assert to_xy(138.0, 36.0) == (0.0, 0.0)  # the centre itself, as scalars
    nan_x, nan_y = to_xy(np.array([np.nan, 140.0]), np.array([40.0, np.nan]))
    assert np.isnan(nan_x).all() and np.isnan(nan_y).all()


def test_distance_from_centre_is_the_geodesic():
    # Azimuthal equidistant: distance from 36 N 138 E is true (pyproj.Geod, WGS84).
    geod = pyproj.Geod(ellps="WGS84")
    lon, lat = np.array([143.25, 125.67, 127.68]), np.array([41.93, 39.22, 26.21])
    x, y = to_xy(lon, lat)
    _, _, dist = geod.inv(np.full(3, 138.0), np.full(3, 36.0), lon, lat)
    np.testing.assert_allclose(np.hypot(x, y), dist, rtol=1e-9)
