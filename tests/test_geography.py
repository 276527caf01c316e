"""Prefectures, footprints and point-in-prefecture, checked against published facts.

Coordinates of prefectural offices: GSI (国土地理院) 「都道府県庁の経緯度」 (world geodetic system),
rounded to 4 decimals. Island centres: GSI 地理院地図 / Wikipedia (GeoHack), rounded to 0.01-0.05 deg.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from pyproj import Geod

from jalert_sim import geo
from jalert_sim.geo import seas
from jalert_sim._data import data_path
from jalert_sim.geo.cache import layer
from jalert_sim.earth import TERRITORIAL_SEA_KM
from jalert_sim.errors import UnknownNameError

GEOD = Geod(ellps="WGS84")

# JIS code: (lat, lon) of the prefectural office (都道府県庁), GSI 都道府県庁の経緯度.
CAPITALS = {
    "01": (43.0642, 141.3469), "02": (40.8244, 140.7400), "03": (39.7036, 141.1527), "04": (38.2689, 140.8721),
    "05": (39.7186, 140.1024), "06": (38.2404, 140.3633), "07": (37.7500, 140.4678), "08": (36.3418, 140.4468),
    "09": (36.5657, 139.8836), "10": (36.3911, 139.0608), "11": (35.8569, 139.6489), "12": (35.6047, 140.1233),
    "13": (35.6895, 139.6917), "14": (35.4478, 139.6425), "15": (37.9022, 139.0236), "16": (36.6953, 137.2114),
    "17": (36.5944, 136.6256), "18": (36.0652, 136.2219), "19": (35.6642, 138.5684), "20": (36.6513, 138.1810),
    "21": (35.3912, 136.7223), "22": (34.9769, 138.3831), "23": (35.1802, 136.9066), "24": (34.7303, 136.5086),
    "25": (35.0045, 135.8686), "26": (35.0214, 135.7556), "27": (34.6863, 135.5200), "28": (34.6913, 135.1830),
    "29": (34.6851, 135.8328), "30": (34.2260, 135.1675), "31": (35.5036, 134.2383), "32": (35.4723, 133.0505),
    "33": (34.6617, 133.9350), "34": (34.3966, 132.4597), "35": (34.1859, 131.4714), "36": (34.0658, 134.5593),
    "37": (34.3401, 134.0434), "38": (33.8416, 132.7657), "39": (33.5597, 133.5311), "40": (33.6064, 130.4181),
    "41": (33.2494, 130.2988), "42": (32.7448, 129.8737), "43": (32.7898, 130.7417), "44": (33.2381, 131.6126),
    "45": (31.9111, 131.4239), "46": (31.5602, 130.5581), "47": (26.2124, 127.6809),
}

# Outlying islands that alerts and reports name: (lat, lon) of a point well inland, JIS code.
ISLANDS = {
    "Sado": ((38.05, 138.37), "15"),
    "Izu Oshima": ((34.74, 139.40), "13"),
    "Miyakejima": ((34.08, 139.53), "13"),
    "Hachijojima": ((33.11, 139.79), "13"),
    "Chichijima (Ogasawara)": ((27.07, 142.21), "13"),
    "Hahajima (Ogasawara)": ((26.66, 142.16), "13"),
    "Miyako-jima (Sakishima)": ((24.76, 125.33), "47"),
    "Ishigaki-jima (Sakishima)": ((24.43, 124.19), "47"),
    "Iriomote-jima (Sakishima)": ((24.33, 123.82), "47"),
    "Yonaguni-jima (Sakishima)": ((24.45, 122.99), "47"),
    "Minamidaito-jima (Daito)": ((25.83, 131.23), "47"),
    "Kitadaito-jima (Daito)": ((25.95, 131.30), "47"),
    "Kume-jima": ((26.34, 126.78), "47"),
    "Tsushima": ((34.40, 129.33), "42"),
    "Iki": ((33.79, 129.72), "42"),
    "Fukue-jima (Goto)": ((32.68, 128.75), "42"),
    "Dogo (Oki)": ((36.25, 133.27), "32"),
    "Amami-Oshima": ((28.30, 129.40), "46"),
    "Tokunoshima": ((27.77, 128.97), "46"),
    "Yakushima": ((30.35, 130.53), "46"),
    "Tanegashima": ((30.55, 130.97), "46"),
    "Rishiri": ((45.18, 141.24), "01"),
    "Okushiri": ((42.15, 139.46), "01"),
    "Kunashiri (Northern Territories)": ((44.10, 145.85), "01"),
    "Etorofu (Northern Territories)": ((45.00, 147.70), "01"),
    "Awaji": ((34.40, 134.85), "28"),
    "Shodoshima": ((34.49, 134.26), "37"),
}


def _containing(lat: float, lon: float) -> list[str]:
    return [p.code for p in geo.prefectures() if p.land.contains(shapely.Point(lon, lat))]


def test_47_prefectures_in_jis_order_with_names_and_regions():
    prefs = geo.prefectures()
    assert [p.code for p in prefs] == [f"{i:02d}" for i in range(1, 48)]
    assert (prefs[0].name, prefs[0].name_ja, prefs[0].region_ja) == ("Hokkaido", "北海道", "北海道")
    assert (prefs[12].name, prefs[12].name_ja, prefs[12].region) == ("Tokyo", "東京都", "Kanto")
    assert (prefs[26].name, prefs[26].name_ja) == ("Osaka", "大阪府")
    assert (prefs[28].name, prefs[46].region_ja) == ("Nara", "九州・沖縄")
    assert len({p.region for p in prefs}) == 8 and len({p.region_ja for p in prefs}) == 8


@pytest.mark.parametrize("code, latlon", sorted(CAPITALS.items()))
def test_each_prefectural_office_is_in_its_prefecture_only(code, latlon):
    assert _containing(*latlon) == [code]
    assert geo.prefecture_at(*latlon).code == code


@pytest.mark.parametrize("island", sorted(ISLANDS))
def test_outlying_islands_are_in_their_prefecture_only(island):
    latlon, code = ISLANDS[island]
    assert _containing(*latlon) == [code]


def test_sea_is_in_no_prefecture():
    assert geo.prefecture_at(37.5, 134.0) is None  # middle of the Sea of Japan
    assert geo.prefecture_at(35.0, 141.5) is None  # Pacific off Boso


def test_geometries_are_valid_and_polygonal():
    for p in geo.prefectures():
        assert p.land.geom_type == "MultiPolygon" and p.land.is_valid, p.name
        assert p.land_xy.is_valid and p.footprint_xy.is_valid, p.name
        assert p.footprint_xy.geom_type in ("Polygon", "MultiPolygon")
        assert p.footprint_xy.contains(p.land_xy.buffer(-1.0)), p.name


def test_land_areas_against_gsi():
    # GSI 令和5年全国都道府県市区町村別面積調: Japan 377,975 km² (includes the Northern
    # Territories and Takeshima, which the data also include); Hokkaido 83,424 km²
    # (with the Northern Territories), largest; Kagawa 1,877 km², smallest.
    prefs = geo.prefectures()
    areas = {p.name: p.area_km2 for p in prefs}
    assert max(areas, key=areas.get) == "Hokkaido" and min(areas, key=areas.get) == "Kagawa"
    assert sum(areas.values()) == pytest.approx(377_975, rel=0.03)
    assert areas["Hokkaido"] == pytest.approx(83_424, rel=0.03)
    assert areas["Kagawa"] == pytest.approx(1_877, rel=0.05)


def test_projected_land_matches_the_lonlat_land():
    tokyo = geo.prefecture("13")
    x, y = geo.to_xy(*tokyo.land.representative_point().coords[0])
    assert tokyo.land_xy.contains(shapely.Point(float(x), float(y)))
    assert tokyo.land_xy.area / 1e6 == pytest.approx(tokyo.area_km2, rel=0.01)  # aeqd area error is tiny here


def test_cache_agrees_with_the_published_geojson():
    fc = json.loads(data_path("prefectures.geojson").read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 47
    for feature, pref in zip(fc["features"], geo.prefectures()):
        props = feature["properties"]
        assert (props["code"], props["name"], props["name_ja"], props["region"]) == (
            pref.code, pref.name, pref.name_ja, pref.region)
        assert shapely.geometry.shape(feature["geometry"]).equals_exact(pref.land, 1e-9)


def test_projection_round_trip():
    lon, lat = geo.to_lonlat(*geo.to_xy([125.67, 143.25], [39.22, 41.92]))
    assert lon == pytest.approx([125.67, 143.25]) and lat == pytest.approx([39.22, 41.92])
    x, y = geo.to_xy(138.0, 36.0)
    assert abs(float(x)) < 1e-6 and abs(float(y)) < 1e-6


@pytest.mark.parametrize("query", ["tokyo", "Tokyo", "TOKYO", "Tokyo-to", "Tokyo Metropolis", "東京都", "東京", "13", 13])
def test_prefecture_lookup_forms_agree(query):
    assert geo.prefecture(query).code == "13"


@pytest.mark.parametrize("query, code", [("01", "01"), (1, "01"), ("1", "01"), ("北海道", "01"), ("京都", "26"),
                                         ("Osaka-fu", "27"), ("aomori prefecture", "02"), ("青森", "02"), ("nara", "29")])
def test_prefecture_lookup_other_forms(query, code):
    assert geo.prefecture(query).code == code


@pytest.mark.parametrize("query, suggestion", [("Hokaido", "Hokkaido"), ("Tokio", "Tokyo"), ("Kagosima", "Kagoshima")])
def test_unknown_prefecture_suggests(query, suggestion):
    with pytest.raises(UnknownNameError) as err:
        geo.prefecture(query)
    assert suggestion in err.value.suggestions and err.value.parameter == "prefecture"


@pytest.mark.parametrize("query", ["48", 0, "Atlantis", ""])
def test_unknown_prefecture_raises(query):
    with pytest.raises(UnknownNameError):
        geo.prefecture(query)


# Coastal points (GSI 地理院地図, rounded) and an azimuth that points straight out to open sea.
COASTS = [
    ("Cape Inubo", 35.707, 140.869, 100.0, "12"),
    ("Cape Erimo", 41.924, 143.249, 150.0, "01"),
    ("Cape Ashizuri", 32.724, 133.020, 180.0, "39"),
    ("Todogasaki", 39.546, 142.072, 90.0, "03"),
    ("Cape Nosappu", 43.385, 145.817, 135.0, "01"),
    ("Kyogamisaki", 35.778, 135.224, 0.0, "26"),
]


@pytest.mark.parametrize("name, lat, lon, azimuth, code", COASTS)
def test_12nm_footprint_reaches_15_km_but_not_40_km_offshore(name, lat, lon, azimuth, code):
    assert 15.0 < TERRITORIAL_SEA_KM < 40.0
    tree = geo.footprint_tree()
    prefs = geo.prefectures()
    for km, inside in ((15.0, True), (40.0, False)):
        plon, plat, _ = GEOD.fwd(lon, lat, azimuth, km * 1000.0)
        x, y = geo.to_xy(plon, plat)
        point = shapely.Point(float(x), float(y))
        hits = {prefs[i].code for i in tree.query(point, predicate="intersects")}
        assert (code in hits) is inside, (name, km, hits)
        assert geo.in_territorial_sea(plat, plon) is inside
        assert geo.japan_footprint_xy().contains(point) is inside


def test_inland_prefecture_footprint_is_its_land():
    nagano = geo.prefecture("Nagano")
    assert nagano.footprint_xy.area == pytest.approx(nagano.land_xy.area, rel=1e-3)
    # the neighbours' offices are not in Nagano's footprint
    for code in ("10", "15", "19", "21", "22"):
        x, y = geo.to_xy(CAPITALS[code][1], CAPITALS[code][0])
        assert not nagano.footprint_xy.contains(shapely.Point(float(x), float(y)))


# --- EEZ (approximate) against government reports ---------------------------------------
# Reports (MOD / Cabinet Secretariat press releases, summarised in shared/reference/geography.md)
# give "about D km <direction> of <landmark>" and inside/outside the EEZ. The points below put
# the impact exactly D km due <direction> of the landmark (geodesic, pyproj.Geod).

def _offset(place_key: str, azimuth_deg: float, km: float) -> tuple[float, float]:
    from jalert_sim.geo.places import landmark

    p = landmark(place_key)
    lon, lat, _ = GEOD.fwd(p.lon, p.lat, azimuth_deg, km * 1000.0)
    return lat, lon


EEZ_REPORTS = [
    # (event, landmark, azimuth, km, reported status)
    ("2022-03-24 Hwasong-17", "oshima-peninsula", 270.0, 150.0, "inside"),
    ("2022-11-18 Hwasong-17", "oshima-oshima", 270.0, 210.0, "inside"),
    ("2023-03-16 Hwasong-17", "oshima-oshima", 270.0, 200.0, "outside"),
    ("2023-07-12 Hwasong-18", "okushiri", 270.0, 250.0, "outside"),
    ("2023-12-18 Hwasong-18", "okushiri", 270.0, 250.0, "outside"),
    ("2017-08-29 Hwasong-12", "cape-erimo", 90.0, 1180.0, "outside"),
]


@pytest.mark.parametrize("event, key, azimuth, km, reported", EEZ_REPORTS)
def test_eez_model_is_never_confidently_wrong_on_reports(event, key, azimuth, km, reported):
    status = geo.eez_status(*_offset(key, azimuth, km))
    assert status in (geo.EEZStatus(reported), geo.EEZStatus.UNCERTAIN), (event, status)


def test_eez_clear_reports_are_called_right_and_contradictory_ones_uncertain():
    assert geo.eez_status(*_offset("oshima-peninsula", 270.0, 150.0)) is geo.EEZStatus.INSIDE
    assert geo.eez_status(*_offset("okushiri", 270.0, 250.0)) is geo.EEZStatus.OUTSIDE
    assert geo.eez_status(*_offset("cape-erimo", 90.0, 1180.0)) is geo.EEZStatus.OUTSIDE
    # 2022-11-18 (inside) and 2023-03-16 (outside) are both "about 200 km W of Oshima-Oshima"
    for km in (200.0, 210.0):
        assert geo.eez_status(*_offset("oshima-oshima", 270.0, km)) is geo.EEZStatus.UNCERTAIN


def test_eez_obvious_points():
    todogasaki = (39.546, 142.072)  # easternmost point of Honshu (GSI)
    lon, lat, _ = GEOD.fwd(todogasaki[1], todogasaki[0], 90.0, 100_000.0)
    assert geo.eez_status(lat, lon) is geo.EEZStatus.INSIDE  # 100 km off the Sanriku coast
    assert geo.eez_status(35.69, 139.69) is geo.EEZStatus.INSIDE  # Tokyo, on land
    assert geo.eez_status(39.22, 125.67) is geo.EEZStatus.OUTSIDE  # Sunan, North Korea
    assert geo.eez_status(35.0, 160.0) is geo.EEZStatus.OUTSIDE  # open Pacific, ~1,800 km from Japan
    assert geo.eez_status(24.28, 153.98) is geo.EEZStatus.INSIDE  # Minamitorishima
    lon, lat, _ = GEOD.fwd(136.0697, 20.4253, 180.0, 150_000.0)  # 150 km S of Okinotorishima (GSI)
    assert geo.eez_status(lat, lon) is geo.EEZStatus.INSIDE
    assert geo.EEZStatus.INSIDE == "inside"


def test_territorial_sea_is_inside_eez():
    lon, lat, _ = GEOD.fwd(143.249, 41.924, 150.0, 15_000.0)  # 15 km off Cape Erimo
    assert geo.in_territorial_sea(lat, lon) and geo.eez_status(lat, lon) is geo.EEZStatus.INSIDE


# --- seas --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "lat, lon, expected",
    [
        (40.0, 135.0, "Sea of Japan"),
        (41.49, 136.97, "Sea of Japan"),  # 2023-03-16 impact area
        (41.05, 157.35, "Pacific Ocean"),  # 2017-08-29 impact area, 1,180 km E of Cape Erimo
        (35.0, 145.0, "Pacific Ocean"),
        (25.0, 135.0, "Pacific Ocean"),
        (30.0, 126.0, "East China Sea"),
        (36.0, 124.0, "Yellow Sea"),
        (38.5, 120.0, "Yellow Sea"),  # Bohai
        (50.0, 150.0, "Sea of Okhotsk"),
        (34.2, 133.0, "Seto Inland Sea"),
        (21.0, 118.0, "South China Sea"),
    ],
)
def test_sea_at(lat, lon, expected):
    sea = geo.sea_at(lat, lon)
    assert sea is not None and sea.name == expected


@pytest.mark.parametrize("lat, lon", [(35.69, 139.69), (39.02, 125.74), (37.57, 126.98), (43.06, 141.35),
                                      (26.21, 127.68), (39.90, 116.40), (43.12, 131.89)])
def test_sea_at_is_none_on_land(lat, lon):
    # Tokyo, Pyongyang, Seoul, Sapporo, Naha, Beijing, Vladivostok
    assert geo.sea_at(lat, lon) is None


def test_sea_names_in_japanese():
    assert geo.sea_at(40.0, 135.0).name_ja == "日本海"
    assert geo.sea_at(41.05, 157.35).name_ja == "太平洋"


# --- describing a point like a report ----------------------------------------------------

def _haversine_km(lat1, lon1, lat2, lon2, r_km=6371.0088):
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r_km * math.asin(math.sqrt(a))


def test_describe_2017_08_29_impact_relative_to_cape_erimo():
    # Reported: about 1,180 km E of Cape Erimo. Point: 1,180 km due E (geodesic) of the cape.
    lat, lon = _offset("cape-erimo", 90.0, 1180.0)
    d = geo.describe_point(lat, lon, reference="Cape Erimo")
    assert d.landmark.key == "cape-erimo" and (d.direction, d.direction_ja) == ("E", "東")
    assert d.distance_km == pytest.approx(_haversine_km(41.924, 143.249, lat, lon), rel=0.02)
    assert d.text_en == "about 1,180 km E of Cape Erimo" and d.text_ja == "襟裳岬の東約1,180km"


@pytest.mark.parametrize(
    "lat, lon, key, direction, direction_ja",
    [
        (41.49, 136.97, "oshima-oshima", "W", "西"),  # ~200 km W of Oshima-Oshima
        (36.70, 133.27, "dogo", "N", "北"),  # ~50 km N of Dogo
        (23.90, 124.60, "ishigaki-jima", "SE", "南東"),
        (38.30, 137.90, "sado", "NW", "北西"),
        (33.10, 134.00, "cape-ashizuri", "NE", "北東"),
    ],
)
def test_describe_point_picks_the_nearest_landmark(lat, lon, key, direction, direction_ja):
    d = geo.describe_point(lat, lon)
    assert d.landmark.key == key and geo.nearest_landmark(lat, lon).key == key
    assert (d.direction, d.direction_ja) == (direction, direction_ja)
    assert d.distance_km == pytest.approx(_haversine_km(d.landmark.lat, d.landmark.lon, lat, lon), rel=0.02)
    assert 0.0 <= d.bearing_deg < 360.0


def test_describe_point_rounds_like_reports():
    near = geo.describe_point(36.70, 133.27, reference="dogo")  # ~50 km: to 1 km
    assert near.text_en == f"about {round(near.distance_km)} km N of Dogo (Oki Islands)"
    far = geo.describe_point(*_offset("okushiri", 270.0, 253.0), reference="okushiri")  # to 10 km
    assert far.text_en == "about 250 km W of Okushiri Island" and far.text_ja == "奥尻島の西約250km"


def test_describe_point_unknown_reference():
    with pytest.raises(UnknownNameError):
        geo.describe_point(40.0, 135.0, reference="Cape Nowhere")


# --- invariants --------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

lats = st.floats(15.0, 55.0)
lons = st.floats(110.0, 165.0)


@settings(max_examples=200, deadline=None)
@given(lats, lons)
def test_queries_answer_for_any_point_in_the_region(lat, lon):
    status = geo.eez_status(lat, lon)
    assert isinstance(status, geo.EEZStatus)
    sea = geo.sea_at(lat, lon)
    pref = geo.prefecture_at(lat, lon)
    if pref is not None:
        assert sea is None and status is geo.EEZStatus.INSIDE and geo.in_territorial_sea(lat, lon)
    d = geo.describe_point(lat, lon)
    assert d.distance_km == pytest.approx(_haversine_km(d.landmark.lat, d.landmark.lon, lat, lon), rel=0.01, abs=0.5)


def test_import_loads_nothing():
    import subprocess
    import sys

    code = (
        "import jalert_sim.geo, jalert_sim.geo.cache as c, jalert_sim.geo.places as p;"
        "assert c._meta.cache_info().currsize == 0 and c.layer.cache_info().currsize == 0 and p._catalogue.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- array look-ups (many points per call) -----------------------------------------------
# The array functions answer for many points in one call (the alert engine's impact points);
# the scalar functions are one point of each. Each is checked against the scalar one point by
# point (a point's answer must not depend on the rest of the call), against an independent
# statement of its rule in plain shapely/pyproj on unprepared copies of the data, at points
# chosen to sit on the edges, and at known places.


def _unprepared(geom):
    """A copy of ``geom`` that no look-up has prepared (so shapely takes its plain path)."""
    return shapely.from_wkb(shapely.to_wkb(geom))


@pytest.fixture(scope="module")
def probes() -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of ~7,000 points: land, exact vertices of coasts and borders, 0-40 km off the
    coast (the 12 nm edge is at 22.2 km), on and around the EEZ limits and the seas' limits,
    foreign coasts, the edges of seas.REGION, far outside it (lon beyond 180 too), NaN, inf."""
    rng = np.random.default_rng(7)
    parts = [
        np.column_stack([rng.uniform(20, 48, 1500), rng.uniform(122, 155, 1500)]),
        np.column_stack([rng.uniform(-10, 75, 300), rng.uniform(90, 250, 300)]),
        np.array(list(CAPITALS.values()) + [latlon for latlon, _ in ISLANDS.values()]),
    ]
    coast = np.concatenate([shapely.get_coordinates(p.land) for p in geo.prefectures()])
    parts.append(coast[rng.choice(len(coast), 1500, replace=False)][:, ::-1])
    base = coast[rng.choice(len(coast), 1500, replace=False)]
    lon, lat, _ = GEOD.fwd(base[:, 0], base[:, 1], rng.uniform(0, 360, 1500), rng.uniform(0, 40_000, 1500))
    parts.append(np.column_stack([lat, lon]))
    for name in ("eez_inner_xy", "eez_outer_xy"):
        xy = shapely.get_coordinates(layer(name)[0])
        xy = xy[rng.choice(len(xy), 300, replace=False)]
        lon, lat = geo.to_lonlat(xy[:, 0], xy[:, 1])
        parts += [np.column_stack([lat, lon]), np.column_stack([lat, lon]) + rng.normal(0, 0.05, (300, 2))]
    limits = np.array([v for _, vertices in seas._LIMITS for v in vertices])[:, ::-1]
    parts += [limits, np.repeat(limits, 5, axis=0) + rng.normal(0, 0.1, (5 * len(limits), 2))]
    foreign = shapely.get_coordinates(list(layer("basemap_land")))  # coasts of every country on the map
    parts.append(foreign[rng.choice(len(foreign), 800, replace=False)][:, ::-1])
    parts.append(np.column_stack([rng.uniform(-2.0, 64.0, 1500), rng.uniform(98.0, 182.0, 1500)]))
    lon_min, lat_min, lon_max, lat_max = seas.REGION
    parts.append(np.array([
        (lat_min, 130.0), (lat_max, 150.0), (30.0, lon_min), (30.0, lon_max), (lat_max, lon_max),
        (np.nextafter(lat_min, -1.0), 130.0), (np.nextafter(lat_max, 90.0), 150.0), (30.0, np.nextafter(lon_max, 360.0)),
        (np.nan, 140.0), (35.0, np.nan), (np.inf, 140.0), (35.0, -np.inf),
    ]))
    pts = np.concatenate(parts)
    return pts[:, 0].copy(), pts[:, 1].copy()


def _scalar_pairs(lat, lon):
    return zip(lat.tolist(), lon.tolist())


def test_prefecture_indices_at_against_prefecture_at_and_plain_shapely(probes):
    """First prefecture in JIS order whose land intersects the point, tested point by polygon
    (GEOS's point-in-polygon, no tree, nothing prepared); border vertices are in both neighbours."""
    lat, lon = probes
    prefs = geo.prefectures()
    index = geo.prefecture_indices_at(lat, lon)
    assert index.shape == lat.shape and index.dtype.kind == "i"
    scalar = [geo.prefecture_at(a, b) for a, b in _scalar_pairs(lat, lon)]
    assert index.tolist() == [-1 if p is None else prefs.index(p) for p in scalar]
    lands = [_unprepared(p.land) for p in prefs]
    points = shapely.points(lon, lat)
    expected = np.full(len(lat), -1)
    for i in reversed(range(len(lands))):  # the last assignment is the first in JIS order
        expected[shapely.intersects(points, lands[i])] = i
    assert index.tolist() == expected.tolist()
    assert set(index.tolist()) == set(range(-1, 47))  # the probes reach every answer


def test_prefecture_indices_at_known_places():
    codes = sorted(CAPITALS)
    lat = np.array([CAPITALS[c][0] for c in codes] + [43.0642, 34.0, 39.02, np.nan])
    lon = np.array([CAPITALS[c][1] for c in codes] + [141.3469, 140.0, 125.74, 140.0])
    index = geo.prefecture_indices_at(lat, lon)
    assert [geo.prefectures()[k].code for k in index[:47]] == codes
    assert geo.prefectures()[index[47]].name == "Hokkaido"  # Sapporo
    assert index[48:].tolist() == [-1, -1, -1]  # the Pacific S of the Boso peninsula, Pyongyang, NaN
    assert geo.prefecture_indices_at(43.0642, 141.3469).tolist() == [0]  # scalars: one point
    assert geo.prefecture_indices_at([43.0642, 26.2124], 141.3469).tolist() == [0, -1]  # broadcast
    assert geo.prefecture_indices_at([], []).shape == (0,)


def test_territorial_sea_mask_against_in_territorial_sea_and_plain_shapely(probes):
    lat, lon = probes
    mask = geo.territorial_sea_mask(lat, lon)
    assert mask.dtype == bool and mask.shape == lat.shape
    assert mask.tolist() == [geo.in_territorial_sea(a, b) for a, b in _scalar_pairs(lat, lon)]
    x, y = geo.to_xy(lon, lat)
    assert mask.tolist() == shapely.contains(_unprepared(layer("japan_footprint_xy")[0]), shapely.points(x, y)).tolist()
    assert mask.any() and not mask.all()
    lon_15, lat_15, _ = GEOD.fwd(143.249, 41.924, 150.0, 15_000.0)  # 15 km off Cape Erimo
    assert geo.territorial_sea_mask([lat_15, 43.0642, 40.0, np.nan], [lon_15, 141.3469, 135.0, 140.0]).tolist() == [
        True, True, False, False]


def test_eez_statuses_against_eez_status_and_plain_shapely(probes):
    lat, lon = probes
    statuses = geo.eez_statuses(lat, lon)
    assert statuses == [geo.eez_status(a, b) for a, b in _scalar_pairs(lat, lon)]
    x, y = geo.to_xy(lon, lat)
    points = shapely.points(x, y)
    footprint, inner, outer = (_unprepared(layer(n)[0]) for n in ("japan_footprint_xy", "eez_inner_xy", "eez_outer_xy"))
    inside = shapely.contains(footprint, points) | shapely.contains(inner, points)
    assert statuses == [geo.EEZStatus.INSIDE if i else geo.EEZStatus.UNCERTAIN if o else geo.EEZStatus.OUTSIDE
                        for i, o in zip(inside.tolist(), shapely.contains(outer, points).tolist())]
    assert set(statuses) == set(geo.EEZStatus)
    # Reports: 2017-08-29 outside, 100 km off Sanriku inside (see test_eez_obvious_points)
    lon_s, lat_s, _ = GEOD.fwd(142.072, 39.546, 90.0, 100_000.0)
    assert geo.eez_statuses([41.05, lat_s, np.nan], [157.35, lon_s, 140.0]) == [
        geo.EEZStatus.OUTSIDE, geo.EEZStatus.INSIDE, geo.EEZStatus.OUTSIDE]
    assert geo.eez_statuses([], []) == []


def test_seas_at_against_sea_at_and_plain_shapely(probes):
    """Outside REGION or on land (basemap or Japan): None; else the first limit polygon that
    contains the point; else the Pacific."""
    lat, lon = probes
    got = geo.seas_at(lat, lon)
    assert got == [geo.sea_at(a, b) for a, b in _scalar_pairs(lat, lon)]
    land = [_unprepared(g) for g in shapely.get_parts([*layer("basemap_land"), *layer("land")])]
    land_tree = shapely.STRtree(land)
    limits = [(sea, shapely.make_valid(shapely.Polygon(vertices))) for sea, vertices in seas._LIMITS]
    lon_min, lat_min, lon_max, lat_max = seas.REGION
    expected = []
    for a, b in _scalar_pairs(lat, lon):
        if not (lon_min <= b <= lon_max and lat_min <= a <= lat_max):
            expected.append(None)
            continue
        point = shapely.Point(b, a)
        if any(shapely.intersects(point, land[k]) for k in land_tree.query(point)):
            expected.append(None)
            continue
        expected.append(next((sea for sea, poly in limits if shapely.contains(poly, point)), seas.PACIFIC_OCEAN))
    assert got == expected
    assert set(got) == {None} | {sea for sea, _ in seas._LIMITS} | {seas.PACIFIC_OCEAN}


def test_countries_at_against_country_at_and_the_basemap_file(probes):
    """Per point: Japan on prefecture land, else the first feature of data/basemap.geojson (read
    here, not from the cache) whose land holds it; None outside REGION."""
    lat, lon = probes
    got = geo.countries_at(lat, lon)
    assert got == [geo.country_at(a, b) for a, b in _scalar_pairs(lat, lon)]
    doc = json.loads(data_path("basemap.geojson").read_text(encoding="utf-8"))
    features = [(f["properties"], shapely.geometry.shape(f["geometry"])) for f in doc["features"]]
    prefecture_land = [_unprepared(p.land) for p in geo.prefectures()]
    lon_min, lat_min, lon_max, lat_max = seas.REGION
    expected = []
    for a, b in _scalar_pairs(lat, lon):
        point = shapely.Point(b, a)
        if not (lon_min <= b <= lon_max and lat_min <= a <= lat_max):
            expected.append(None)
            continue
        props = None
        if any(shapely.intersects(land, point) for land in prefecture_land):
            props = {"name": "Japan", "name_ja": "日本"}
        props = props or next((props for props, land in features if shapely.intersects(land, point)), None)
        expected.append(None if props is None else seas.Country(props["name"], props["name_ja"]))
    assert got == expected
    assert {c.name for c in got if c} >= {"China", "Japan", "Russia", "South Korea", "North Korea", "Philippines"}
    # on land there is no sea, and at sea no land
    assert all(c is None or s is None for c, s in zip(got, geo.seas_at(lat, lon)))


@pytest.mark.parametrize("lat, lon, country", [
    (39.90, 116.40, "China"),  # Beijing
    (41.79, 114.52, "China"),  # Inner Mongolia, west of the old 115 E edge of the map
    (37.57, 126.98, "South Korea"),  # Seoul
    (39.02, 125.75, "North Korea"),  # Pyongyang
    (47.92, 106.92, "Mongolia"),  # Ulaanbaatar
    (43.12, 131.89, "Russia"),  # Vladivostok
    (53.02, 158.65, "Russia"),  # Petropavlovsk-Kamchatsky, north of the old 50 N edge
    (25.03, 121.56, "Taiwan"),  # Taipei
    (14.60, 121.00, "Philippines"),  # Manila
    (21.03, 105.85, "Vietnam"),  # Hanoi
    (1.35, 103.82, "Singapore"),  # (worldHires files it under Malaysia)
    (13.45, 144.78, "United States"),  # Guam
    (15.19, 145.75, "Northern Mariana Islands"),  # Saipan
    (7.50, 134.56, "Palau"),  # Babeldaob (worldHires files it under the USA)
    (35.68, 139.76, "Japan"),  # Tokyo
    (44.0, 145.8, "Japan"),  # Kunashiri: Hokkaido in the prefecture data, the USSR in worldHires
    (40.0, 135.0, None),  # Sea of Japan
    (30.0, 170.0, None),  # the Pacific
    (30.0, -170.0, None),  # beyond the map
])
def test_country_at_known_places(lat, lon, country):
    got = geo.country_at(lat, lon)
    assert (got and got.name) == country
    if country is not None:
        assert geo.sea_at(lat, lon) is None  # (a fall in inner China used to be "Pacific Ocean")


@pytest.mark.parametrize("lat, lon, sea", [
    (39.25, 127.58, "Sea of Japan"),  # the bay at Wonsan (East Korea Bay), where short-range missiles fall
    (39.75, 127.75, "Sea of Japan"),  # off Hamhung
    (37.26, 126.64, "Yellow Sea"),  # Gyeonggi Bay, off Incheon
    (36.95, 126.80, "Yellow Sea"),  # Asan Bay
    (34.78, 126.30, "Yellow Sea"),  # off Mokpo
    (14.55, 120.80, "South China Sea"),  # Manila Bay
    (10.0, 118.0, "South China Sea"),  # west of Palawan
    (5.5, 114.5, "South China Sea"),  # off Brunei
    (8.5, 120.0, "Sulu Sea"),
    (6.0, 118.3, "Sulu Sea"),  # off Sandakan
    (4.0, 123.0, "Celebes Sea"),
    (7.2, 123.5, "Celebes Sea"),  # Moro Gulf
    (58.0, 175.0, "Bering Sea"),
    (55.0, 170.0, "Bering Sea"),
    (61.5, 163.0, "Sea of Okhotsk"),  # Penzhina Gulf
    (50.0, 175.0, "Pacific Ocean"),  # south of the Aleutians
    (8.0, 128.0, "Pacific Ocean"),  # east of Mindanao
])
def test_bays_and_seas_between_the_limits_are_named(lat, lon, sea):
    # (all but the last two used to fall between the limits and be called "Pacific Ocean")
    assert geo.sea_at(lat, lon).name == sea


def test_seas_at_known_places():
    # test_sea_at's places in one call, then Tokyo (land), a point beyond REGION, NaN
    lat = [40.0, 41.05, 30.0, 36.0, 50.0, 34.2, 21.0, 35.69, 65.0, np.nan]
    lon = [135.0, 157.35, 126.0, 124.0, 150.0, 133.0, 118.0, 139.69, 150.0, 140.0]
    assert [s and s.name for s in geo.seas_at(lat, lon)] == [
        "Sea of Japan", "Pacific Ocean", "East China Sea", "Yellow Sea", "Sea of Okhotsk", "Seto Inland Sea",
        "South China Sea", None, None, None]
    assert geo.seas_at(40.0, 135.0) == [seas.SEA_OF_JAPAN] and geo.seas_at([], []) == []


def test_nearest_landmarks_against_nearest_landmark_and_every_geodesic(probes):
    """The landmark at the smallest GEOD.inv distance of all (first on a tie), without the
    spherical shortlist that nearest_landmarks uses."""
    from jalert_sim.geo.places import landmarks

    lat, lon = probes
    got = geo.nearest_landmarks(lat, lon)
    assert got == [geo.nearest_landmark(a, b) for a, b in _scalar_pairs(lat, lon)]
    ok = np.isfinite(lat) & np.isfinite(lon)
    lat, lon = lat[ok], lon[ok]
    marks = landmarks()
    mlat, mlon = np.array([m.lat for m in marks]), np.array([m.lon for m in marks])
    _, _, dist = GEOD.inv(np.tile(mlon, len(lat)), np.tile(mlat, len(lat)), np.repeat(lon, len(marks)),
                          np.repeat(lat, len(marks)))
    expected = [marks[k] for k in dist.reshape(len(lat), len(marks)).argmin(axis=1).tolist()]
    assert [m for m, keep in zip(got, ok.tolist()) if keep] == expected
    assert len(set(expected)) == len(marks)  # every landmark is the nearest somewhere
    # test_describe_point_picks_the_nearest_landmark's places in one call
    got = geo.nearest_landmarks([41.49, 36.70, 23.90, 38.30, 33.10], [136.97, 133.27, 124.60, 137.90, 134.00])
    assert [m.key for m in got] == ["oshima-oshima", "dogo", "ishigaki-jima", "sado", "cape-ashizuri"]
    assert geo.nearest_landmarks([], []) == []


@pytest.mark.parametrize("name, lat, lon, code", [
    # GSI coordinates; the islands the 'japan' database lacks, added from worldHires and GSI
    ("Minamitorishima", 24.287, 153.981, "13"),
    ("Okinotorishima", 20.4253, 136.0697, "13"),
    ("Oki-Daitojima", 24.467, 131.183, "47"),
    ("Torishima (Izu)", 30.483, 140.303, "13"),
])
def test_remote_islands_are_japan_with_their_territorial_sea(name, lat, lon, code):
    """A fall on them, or within 12 nm, is a fall on Japan (it used to be 'Pacific Ocean', no J-Alert)."""
    x, y = geo.to_xy([lon], [lat])
    owner = geo.prefectures()[int(geo.footprint_tree().query(shapely.points(x, y), predicate="intersects")[1][0])]
    assert owner.code == code and geo.in_territorial_sea(lat, lon), name
    for bearing in (0.0, 90.0, 180.0, 270.0):  # 10 nm out: still territorial sea; 14 nm out: not
        lon_in, lat_in, _ = GEOD.fwd(lon, lat, bearing, 10 * 1852.0)
        lon_out, lat_out, _ = GEOD.fwd(lon, lat, bearing, 14 * 1852.0 + 3000.0)  # (+ the coarse coast)
        assert geo.in_territorial_sea(lat_in, lon_in) and not geo.in_territorial_sea(lat_out, lon_out), (name, bearing)
    assert geo.eez_status(lat, lon) == geo.EEZStatus.INSIDE


def test_a_hit_on_minamitorishima_is_a_fall_on_japan():
    from jalert_sim import simulate

    r = simulate(launch="sinpo", azimuth_deg=115.53, apogee_km=800.0, range_km=2977.5)
    assert r.impact.prefecture_code == "13" and r.impact.in_territorial_sea
    assert r.impact.description == "near Minamitorishima" and r.impact.description_ja == "南鳥島付近"
    kinds = {m.kind: m for m in r.messages}
    assert kinds["take_shelter_now"].prefectures == ("13",) and "fell_in_japan" in kinds
