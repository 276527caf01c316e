"""The metric projection is the one its PROJ string names: exactly (to_xy_exact, and to_xy
outside its table's box) or within TABLE_ERROR_M (to_xy inside the box).

The authority is pyproj resolving EPSG:4326 -> PROJECTION_CRS itself, not the module's own
pipeline."""

import numpy as np
import pyproj
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jalert_sim.geo import projection
from jalert_sim.geo.cache import _read
from jalert_sim.geo.projection import (
    PROJECTION_CRS, TABLE_BOX_DEG, TABLE_ERROR_M, table_nodes, to_lonlat, to_xy, to_xy_exact,
)

LON_MIN, LAT_MIN, LON_MAX, LAT_MAX = TABLE_BOX_DEG
SMALL = projection._SMALL_CALL


@pytest.fixture(scope="module")
def reference():
    return pyproj.Transformer.from_crs("EPSG:4326", PROJECTION_CRS, always_xy=True)


def test_pipeline_equals_the_crs_it_stands_for(reference):
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
    _, _, dist = geod.inv(np.full(3, 138.0), np.full(3, 36.0), lon, lat)
    x, y = to_xy_exact(lon, lat)
    np.testing.assert_allclose(np.hypot(x, y), dist, rtol=1e-9)
    x, y = to_xy(lon, lat)
    np.testing.assert_allclose(np.hypot(x, y), dist, rtol=0, atol=TABLE_ERROR_M)


def _error_m(reference, lon, lat):
    x, y = to_xy(lon, lat)
    x_ref, y_ref = reference.transform(lon, lat)
    return np.hypot(x - x_ref, y - y_ref)


def test_table_within_its_bound_over_the_box(reference):
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(LON_MIN, LON_MAX, 200_000), rng.uniform(LAT_MIN, LAT_MAX, 200_000)
    assert _error_m(reference, lon, lat).max() <= TABLE_ERROR_M
    # The worst place found by a 0.025 degree scan and a local search (1.38 mm), and its cell.
    lon, lat = np.meshgrid(np.linspace(179.0, 180.0, 201), np.linspace(10.0, 11.0, 201))
    worst = _error_m(reference, lon.ravel(), lat.ravel())
    assert 1.3e-3 < worst.max() <= TABLE_ERROR_M  # a bound that is tight, not a loose one
    assert _error_m(reference, np.array([179.48882] * 9), np.array([10.51295] * 9)).max() <= TABLE_ERROR_M


def test_table_is_exact_at_its_nodes_and_continuous_across_cell_edges(reference):
    lon, lat = table_nodes()
    inside = (lon >= LON_MIN) & (lon <= LON_MAX) & (lat >= LAT_MIN) & (lat <= LAT_MAX)
    lon, lat = lon[inside], lat[inside]
    x, y = to_xy(lon, lat)
    x_ref, y_ref = reference.transform(lon, lat)
    np.testing.assert_allclose(x, x_ref, rtol=0, atol=1e-6)  # u = v = 0 picks the node's value
    np.testing.assert_allclose(y, y_ref, rtol=0, atol=1e-6)
    # 1e-9 degree either side of a cell's west or south edge: the two patches move as PROJ does
    # (0.1 mm), to a micrometre: no step between cells.
    rng = np.random.default_rng(5)
    along_lon, along_lat = rng.uniform(LON_MIN, LON_MAX, 2000), rng.uniform(LAT_MIN, LAT_MAX, 2000)
    edge_lon, edge_lat = rng.integers(LON_MIN + 1, LON_MAX, 2000), rng.integers(LAT_MIN + 1, LAT_MAX, 2000)
    for lon, lat, d_lon, d_lat in ((edge_lon, along_lat, 1e-9, 0), (along_lon, edge_lat, 0, 1e-9)):
        step = np.subtract(to_xy(lon + d_lon, lat + d_lat), to_xy(lon - d_lon, lat - d_lat))
        step_ref = np.subtract(reference.transform(lon + d_lon, lat + d_lat), reference.transform(lon - d_lon, lat - d_lat))
        assert np.abs(step - step_ref).max() < 1e-6


def test_stored_table_is_projs_values_at_the_nodes(reference):
    (table,) = _read("projection_table.xy")
    x_ref, y_ref = reference.transform(*table_nodes())
    np.testing.assert_allclose(table[0], x_ref, rtol=0, atol=1e-6)
    np.testing.assert_allclose(table[1], y_ref, rtol=0, atol=1e-6)


def test_near_and_on_the_box_edges(reference):
    rng = np.random.default_rng(9)
    n = 4000
    along_lon, along_lat = rng.uniform(LON_MIN, LON_MAX, n), rng.uniform(LAT_MIN, LAT_MAX, n)
    tiny = rng.choice([0.0, 1e-12, 1e-9, 1e-6, 1e-3, 0.2], n)
    edges = [
        (np.full(n, LON_MIN) + tiny, along_lat), (np.full(n, LON_MAX) - tiny, along_lat),
        (along_lon, np.full(n, LAT_MIN) + tiny), (along_lon, np.full(n, LAT_MAX) - tiny),
        (np.array([LON_MIN, LON_MAX, LON_MIN, LON_MAX] * 3), np.array([LAT_MIN, LAT_MIN, LAT_MAX, LAT_MAX] * 3)),
    ]
    for lon, lat in edges:  # inside or on the edge: the table, within its bound
        assert _error_m(reference, lon, lat).max() <= TABLE_ERROR_M
    below, above = np.nextafter(LON_MIN, -np.inf) - tiny, np.nextafter(LON_MAX, np.inf) + tiny
    south, north = np.nextafter(LAT_MIN, -np.inf) - tiny, np.nextafter(LAT_MAX, np.inf) + tiny
    for lon, lat in ((below, along_lat), (above, along_lat), (along_lon, south), (along_lon, north)):
        x, y = to_xy(lon, lat)  # just outside: PROJ itself, to the bit
        x_ref, y_ref = reference.transform(lon, lat)
        np.testing.assert_array_equal(x, x_ref)
        np.testing.assert_array_equal(y, y_ref)


def test_outside_the_box_is_projs_answer_to_the_bit(reference):
    rng = np.random.default_rng(8)
    # The whole globe, unwrapped track longitudes past the antimeridian, the centre's antipode.
    lon = np.concatenate([rng.uniform(-180, 180, 20000), rng.uniform(180, 260, 2000), [-42.0, 320.0]])
    lat = np.concatenate([np.degrees(np.arcsin(rng.uniform(-1, 1, 20000))), rng.uniform(0, 70, 2000), [-36.0, 20.0]])
    out = ~((lon >= LON_MIN) & (lon <= LON_MAX) & (lat >= LAT_MIN) & (lat <= LAT_MAX))
    x, y = to_xy(lon, lat)
    x_ref, y_ref = reference.transform(lon, lat)
    np.testing.assert_array_equal(x[out], x_ref[out])
    np.testing.assert_array_equal(y[out], y_ref[out])
    np.testing.assert_array_less(np.hypot(x - x_ref, y - y_ref)[~out], TABLE_ERROR_M)


def test_nan_and_infinity_go_to_proj(reference):
    lon = np.array([np.nan, 140.0, np.nan, np.inf, 140.0, -np.inf, 140.0, 141.0, 142.0, 143.0])
    lat = np.array([40.0, np.nan, np.nan, 40.0, np.inf, 40.0, 40.0, 41.0, 42.0, 43.0])
    x_ref, y_ref = reference.transform(lon, lat)
    for k in (slice(None), slice(0, 3), slice(3, 6)):  # vectorised and small calls
        x, y = to_xy(lon[k], lat[k])
        np.testing.assert_array_equal(x, x_ref[k])  # NaN where PROJ gives NaN, inf where it gives inf
        np.testing.assert_array_equal(y, y_ref[k])
    assert np.isnan(x_ref[:3]).all() and np.isnan(y_ref[:3]).all()
    for scalar in (to_xy(np.nan, 40.0), to_xy(140.0, np.nan)):
        assert np.isnan(scalar[0]) and np.isnan(scalar[1])


def test_shapes_follow_the_input():
    x, y = to_xy(138.0, 36.0)  # the centre, a node: exactly PROJ's (0, 0)
    assert isinstance(x, np.ndarray) and x.shape == y.shape == () and abs(float(x)) < 1e-9 and abs(float(y)) < 1e-9
    assert to_xy([140.0], [40.0])[0].shape == (1,)
    assert to_xy([], [])[0].shape == (0,)
    for shape in ((2, 3), (5, 4), (3, 1, 7)):
        lon, lat = np.full(shape, 140.5), np.linspace(20, 60, np.prod(shape)).reshape(shape)
        x, y = to_xy(lon, lat)
        assert x.shape == y.shape == shape
        flat = to_xy(lon.ravel(), lat.ravel())
        np.testing.assert_array_equal(x.ravel(), flat[0])
        np.testing.assert_array_equal(y.ravel(), flat[1])
    x, y = to_xy(np.array([130.0, 140.0, 150.0, 160.0] * 3), 35.0)  # a scalar broadcasts
    assert x.shape == (12,) and np.array_equal(x[:4], x[4:8])
    x, y = to_xy(np.float32(140.25), np.int64(40))  # other dtypes are read as float64
    assert (x, y) == tuple(to_xy(140.25, 40.0))


def test_small_calls_equal_the_vectorised_path_bit_for_bit():
    rng = np.random.default_rng(3)
    n = 3000
    lon = np.concatenate([rng.uniform(LON_MIN, LON_MAX, n), rng.uniform(95, 185, n // 3), [np.nan, 140.0, LON_MAX]])
    lat = np.concatenate([rng.uniform(LAT_MIN, LAT_MAX, n), rng.uniform(5, 70, n // 3), [40.0, np.nan, LAT_MAX]])
    x, y = to_xy(lon, lat)
    assert len(lon) > projection._BLOCK / 4
    for size in sorted({1, 2, SMALL - 1, SMALL}):
        for start in range(0, len(lon), size * 7):
            k = slice(start, start + size)
            part = to_xy(lon[k], lat[k])
            np.testing.assert_array_equal(part[0], x[k])
            np.testing.assert_array_equal(part[1], y[k])
    for p, q, a, b in zip(lon[:200], lat[:200], x[:200], y[:200]):  # scalars too
        assert to_xy(float(p), float(q)) == (a, b)


def test_blocks_and_mixed_calls_equal_point_by_point():
    # Past one block, and in and out of the box in one call: each point as if alone.
    rng = np.random.default_rng(4)
    n = 2 * projection._BLOCK + 17
    lon, lat = rng.uniform(90, 190, n), rng.uniform(0, 75, n)
    x, y = to_xy(lon, lat)
    pick = rng.choice(n, 300, replace=False)
    for k in pick:
        assert to_xy(lon[k], lat[k]) == (x[k], y[k])


@given(st.lists(st.tuples(st.one_of(st.floats(95.0, 185.0), st.floats()), st.one_of(st.floats(5.0, 70.0), st.floats())),
                min_size=1, max_size=20),
       st.integers(min_value=0, max_value=19))
def test_a_point_projects_alike_alone_or_in_any_call(points, which):
    # In, near and far from the box, and hostile (huge, tiny, NaN, infinite): batch results may
    # not depend on the batch.
    lon = np.array([p[0] for p in points] + [120.0] * 10)  # 11 or more points: the vectorised path
    lat = np.array([p[1] for p in points] + [30.0] * 10)
    k = which % len(points)
    x, y = to_xy(lon, lat)
    alone = to_xy(lon[k], lat[k])
    np.testing.assert_array_equal(alone[0], x[k])
    np.testing.assert_array_equal(alone[1], y[k])
