"""Build jalert-sim's shipped geography from the rings that export_mapdata.R dumped.

Usage (from the repository root, after ``Rscript scripts/export_mapdata.R build/mapdata``):

    python scripts/build_data.py build/mapdata data

Writes, in ``data/``:
  prefectures.geojson  47 prefectures (JIS order), land as MultiPolygons, lon/lat WGS84
  basemap.geojson      land of the region 100-180 E, 0-62 N (jalert_sim.geo.seas.REGION), one
                       MultiPolygon per country or territory, English and Japanese names
  geometry.npz         precomputed layers read at run time (see jalert_sim/geo/cache.py):
                       projected land, 12 nm footprints and their union, the approximate
                       EEZ limit with its uncertainty band, the basemap land, the
                       footprints' distance grid (jalert_sim/geo/distance_grid.py), and the
                       table that jalert_sim.geo.projection.to_xy interpolates.

Needs numpy, shapely>=2, pyproj and scipy (scipy only here, for a KD-tree). Deterministic:
the same input rings give byte-identical GeoJSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon, box, mapping

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from jalert_sim.geo.cache import write_cache  # noqa: E402
from jalert_sim.earth import EEZ_KM, TERRITORIAL_SEA_KM  # noqa: E402
from jalert_sim.geo.projection import PROJECTION_CRS, table_nodes, table_params, to_xy_exact  # noqa: E402
from jalert_sim.geo.seas import REGION  # noqa: E402

# JIS X 0401 code, mapdata's ring name, English name, Japanese name, region.
PREFECTURES = [
    ("01", "Hokkaido", "Hokkaido", "北海道", "Hokkaido"),
    ("02", "Aomori", "Aomori", "青森県", "Tohoku"),
    ("03", "Iwate", "Iwate", "岩手県", "Tohoku"),
    ("04", "Miyagi", "Miyagi", "宮城県", "Tohoku"),
    ("05", "Akita", "Akita", "秋田県", "Tohoku"),
    ("06", "Yamagata", "Yamagata", "山形県", "Tohoku"),
    ("07", "Fukushima", "Fukushima", "福島県", "Tohoku"),
    ("08", "Ibaraki", "Ibaraki", "茨城県", "Kanto"),
    ("09", "Tochigi", "Tochigi", "栃木県", "Kanto"),
    ("10", "Gunma", "Gunma", "群馬県", "Kanto"),
    ("11", "Saitama", "Saitama", "埼玉県", "Kanto"),
    ("12", "Chiba", "Chiba", "千葉県", "Kanto"),
    ("13", "Tokyo", "Tokyo", "東京都", "Kanto"),
    ("14", "Kanagawa", "Kanagawa", "神奈川県", "Kanto"),
    ("15", "Niigata", "Niigata", "新潟県", "Chubu"),
    ("16", "Toyama", "Toyama", "富山県", "Chubu"),
    ("17", "Ishikawa", "Ishikawa", "石川県", "Chubu"),
    ("18", "Fukui", "Fukui", "福井県", "Chubu"),
    ("19", "Yamanashi", "Yamanashi", "山梨県", "Chubu"),
    ("20", "Nagano", "Nagano", "長野県", "Chubu"),
    ("21", "Gifu", "Gifu", "岐阜県", "Chubu"),
    ("22", "Shizuoka", "Shizuoka", "静岡県", "Chubu"),
    ("23", "Aichi", "Aichi", "愛知県", "Chubu"),
    ("24", "Mie", "Mie", "三重県", "Kinki"),
    ("25", "Shiga", "Shiga", "滋賀県", "Kinki"),
    ("26", "Kyoto", "Kyoto", "京都府", "Kinki"),
    ("27", "Osaka", "Osaka", "大阪府", "Kinki"),
    ("28", "Hyogo", "Hyogo", "兵庫県", "Kinki"),
    ("29", "NARA", "Nara", "奈良県", "Kinki"),
    ("30", "Wakayama", "Wakayama", "和歌山県", "Kinki"),
    ("31", "Tottori", "Tottori", "鳥取県", "Chugoku"),
    ("32", "Shimane", "Shimane", "島根県", "Chugoku"),
    ("33", "Okayama", "Okayama", "岡山県", "Chugoku"),
    ("34", "Hiroshima", "Hiroshima", "広島県", "Chugoku"),
    ("35", "Yamaguchi", "Yamaguchi", "山口県", "Chugoku"),
    ("36", "Tokushima", "Tokushima", "徳島県", "Shikoku"),
    ("37", "Kagawa", "Kagawa", "香川県", "Shikoku"),
    ("38", "Ehime", "Ehime", "愛媛県", "Shikoku"),
    ("39", "Kochi", "Kochi", "高知県", "Shikoku"),
    ("40", "Fukuoka", "Fukuoka", "福岡県", "Kyushu-Okinawa"),
    ("41", "Saga", "Saga", "佐賀県", "Kyushu-Okinawa"),
    ("42", "Nagasaki", "Nagasaki", "長崎県", "Kyushu-Okinawa"),
    ("43", "Kumamoto", "Kumamoto", "熊本県", "Kyushu-Okinawa"),
    ("44", "Oita", "Oita", "大分県", "Kyushu-Okinawa"),
    ("45", "Miyazaki", "Miyazaki", "宮崎県", "Kyushu-Okinawa"),
    ("46", "Kagoshima", "Kagoshima", "鹿児島県", "Kyushu-Okinawa"),
    ("47", "Okinawa", "Okinawa", "沖縄県", "Kyushu-Okinawa"),
]
REGIONS_JA = {
    "Hokkaido": "北海道",
    "Tohoku": "東北",
    "Kanto": "関東",
    "Chubu": "中部",
    "Kinki": "近畿",
    "Chugoku": "中国",
    "Shikoku": "四国",
    "Kyushu-Okinawa": "九州・沖縄",
}

#: The basemap's extent, degrees (lon_min, lat_min, lon_max, lat_max): the region in which
#: jalert_sim.geo.seas names seas, so that land anywhere in it is known (a fall in inner China, say,
#: must not be taken for sea).
BASEMAP_BOX = REGION
#: Topology-preserving simplification of the basemap, degrees (about 1 km).
BASEMAP_TOLERANCE_DEG = 0.005
#: Basemap islands smaller than this are dropped (square degrees, about 1 km^2).
BASEMAP_MIN_AREA_DEG2 = 1e-4
#: Simplification of the 12 nm footprints, metres: far below the band's own 22 km.
FOOTPRINT_TOLERANCE_M = 200.0
#: Outline within this distance of another prefecture is a land border, not coast (metres).
BORDER_SNAP_M = 300.0
#: Spacing of coastline samples for the median (equidistance) line, metres.
MEDIAN_SAMPLE_M = 3_000.0
#: Simplification of the EEZ limit, metres.
EEZ_TOLERANCE_M = 1_000.0
#: Holes in the EEZ smaller than this (m^2) are Voronoi slivers, not high seas.
EEZ_MIN_HOLE_M2 = 100e6
#: Width of the UNCERTAIN band on each side of the approximate EEZ limit, km, where nothing
#: better is known: the construction's own error (data/README.md, "The EEZ is an approximation"):
#: the azimuthal-equidistant plane's scale error on a 370 km buffer (up to ~6 km at
#: Minamitorishima, under 1 km near 36 N 138 E), half the coast-sample spacing (1.5 km), the
#: simplification (1 km), worldHires' coarse islands (~1 km) and the baselines the data's
#: coastline stands for (a few km).
EEZ_UNCERTAIN_KM = 10.0
#: Where the median line Japan applies is known to lie farther from the drawn one, wider bands:
#: (what, (lon_min, lat_min, lon_max, lat_max) in degrees, km inside, km outside).
#: Off Hokkaido the public reports put the limit up to ~47 km nearer Japan than the median line
#: with Russia drawn from the data (2023-03-16: outside, at a point the drawn line leaves 47 km
#: inside, where 2022-11-18 and 2023-02-18, in the same words, were inside); near Korea the
#: median line is ~25 km off (the 1974 Japan-Korea continental-shelf line and the 1998 fisheries
#: zones are not median lines).
EEZ_BAND_REGIONS = (
    ("Sea of Japan north of 38.5 N: the median line with Russia", (128.0, 38.5, 142.5, 48.0), 50.0, EEZ_UNCERTAIN_KM),
    ("Korea Strait, the Sea of Japan south of 38.5 N west of 132.5 E and the sea around Jeju north of 30 N: "
     "the median line with Korea", (124.5, 30.0, 132.5, 38.5), 25.0, 25.0),
)
#: Other countries' land lying mostly (this fraction of its area) inside Japanese land in the data is
#: Japan's position, not a neighbour's coast: the Northern Territories, which worldHires (1991)
#: files under the USSR. The median line Japan applies runs between them and Russia's Kurils.
CLAIMED_LAND_FRACTION = 0.5

# Remote Japanese islands that the 'japan' database lacks, added to their prefecture's land:
# a fall on them, or within 12 nm, is a fall on Japan (J-Alert), and they bound the EEZ.
# Two are worldHires rings (coarse: 7 km2 each against 1.5 and 4.8 km2 real, so their coasts
# lie up to ~1 km too far out): (ring name, JIS code, what it is).
OUTLYING_ISLAND_RINGS = (
    ("Marshall Islands:Marcus", "13", "Minamitorishima"),  # mislabelled in worldHires
    ("Japan:Tori Shima", "13", "Torishima, Izu Islands"),
)
# Two are discs at GSI's (地理院地図) coordinates: (what, JIS code, (lon, lat), radius in degrees).
# Okinotorishima's two rocks are a few square metres (its EEZ is contested by China and South
# Korea, who hold it to be a rock). Oki-Daitojima (1.2 km2) is drawn by worldHires 7.5 km east
# of where it is ('Japan:Okino Daito'). Smaller rocks (Sumisu-jima, Sofu-gan, ...) are in
# neither database and are missing.
OUTLYING_ISLAND_DISCS = (
    ("Okinotorishima", "13", (136.0697, 20.4253), 0.001),  # 20°25'31"N 136°04'11"E, ~100 m
    ("Oki-Daitojima", "47", (131.183, 24.467), 0.006),  # 24°28'N 131°11'E, ~600 m
)
# worldHires predates 1991 and mislabels a few islands (ring_country). Whole ring names first:
# Minamitorishima is filed under the Marshall Islands, Palau (independent since 1994) under the
# USA, Wake Island (held by the United States) under the Marshall Islands, Singapore
# (independent since 1965) under Malaysia. Then by country: inside BASEMAP_BOX the "Cook
# Islands" ring is Farallon de Pajaros (20.5 N 144.9 E, Northern Mariana Islands).
BASEMAP_RING_RENAMES = {
    "Marshall Islands:Marcus": "Japan",
    "USA:Palau:Babelthuap": "Palau",
    "USA:Angaur": "Palau",
    "USA:Peleliu": "Palau",
    "USA:Urukthapel": "Palau",
    "Sonsorol Island": "Palau",
    "Marshall Islands:Wake Island": "United States",
    "Malaysia:Singapore": "Singapore",
}
BASEMAP_RENAMES = {
    "USSR": "Russia",
    "USA": "United States",
    "Cook Islands": "Northern Mariana Islands",
    "Maug Island": "Northern Mariana Islands",
}
#: Japanese names of the basemap's countries and territories (as the Japanese government writes them).
BASEMAP_NAMES_JA = {
    "Brunei": "ブルネイ", "Cambodia": "カンボジア", "China": "中国", "Indonesia": "インドネシア", "Japan": "日本",
    "Kiribati": "キリバス", "Laos": "ラオス", "Malaysia": "マレーシア", "Marshall Islands": "マーシャル諸島",
    "Micronesia": "ミクロネシア連邦", "Mongolia": "モンゴル", "Myanmar": "ミャンマー", "North Korea": "北朝鮮",
    "Northern Mariana Islands": "北マリアナ諸島", "Palau": "パラオ", "Philippines": "フィリピン", "Russia": "ロシア",
    "Singapore": "シンガポール", "South Korea": "韓国", "Taiwan": "台湾", "Thailand": "タイ", "United States": "米国",
    "Vietnam": "ベトナム",
}


def ring_country(name: str) -> str:
    """The country or territory of a worldHires ring, by its name, relabelled as above."""
    country = BASEMAP_RING_RENAMES.get(name, name.split(":")[0])
    return BASEMAP_RENAMES.get(country, country)


def read_rings(path: Path) -> dict[str, list[np.ndarray]]:
    """Rings per database name (e.g. "Hokkaido", "Hokkaido:") as (n, 2) lon/lat arrays, file order."""
    by_ring: dict[tuple[int, str], list[tuple[float, float]]] = defaultdict(list)
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            by_ring[(int(row["ring"]), row["name"])].append((float(row["lon"]), float(row["lat"])))
    out: dict[str, list[np.ndarray]] = defaultdict(list)
    for (_, name), pts in sorted(by_ring.items()):
        out[name].append(np.asarray(pts))
    return out


def ring_polygon(pts: np.ndarray) -> MultiPolygon:
    """A valid MultiPolygon from one ring; self-intersections repaired with make_valid."""
    if len(pts) < 3:
        return MultiPolygon()
    return as_multipolygon(shapely.make_valid(Polygon(pts)))


def as_multipolygon(geom: shapely.Geometry) -> MultiPolygon:
    """The polygonal parts of ``geom`` (make_valid may add stray lines or points) as one MultiPolygon."""
    parts: list[Polygon] = []
    for g in shapely.get_parts(geom):
        if g.geom_type == "Polygon" and not g.is_empty:
            parts.append(g)
        elif g.geom_type in ("MultiPolygon", "GeometryCollection"):
            parts.extend(as_multipolygon(g).geoms)
    return MultiPolygon(parts)


def round_coords(geom: shapely.Geometry, ndigits: int) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.round(c, ndigits))


def project(geom: shapely.Geometry) -> shapely.Geometry:
    # PROJ itself: the shipped geometry must not depend on how the run-time to_xy computes.
    return shapely.transform(geom, lambda c: np.column_stack(to_xy_exact(c[:, 0], c[:, 1])))


def geodesic_area_km2(geom: shapely.Geometry) -> float:
    area_m2, _ = Geod(ellps="WGS84").geometry_area_perimeter(geom)
    return abs(area_m2) / 1e6


def build_prefectures(named_rings: dict[str, list[np.ndarray]],
                      world: dict[str, list[np.ndarray]]) -> list[tuple[dict, MultiPolygon]]:
    """The 47 prefectures from the 'japan' database's rings, plus the outlying islands it lacks
    (OUTLYING_ISLAND_RINGS from worldHires, OUTLYING_ISLAND_DISCS)."""
    # the database names islands "Aichi:" etc.; everything before the colon is the prefecture
    rings: dict[str, list[np.ndarray]] = defaultdict(list)
    for name, ring_list in named_rings.items():
        rings[name.split(":")[0]].extend(ring_list)
    names = {p[1] for p in PREFECTURES}
    if set(rings) != names:
        raise SystemExit(f"unexpected ring names: {sorted(set(rings) ^ names)}")
    added: dict[str, list[shapely.Geometry]] = defaultdict(list)
    for ring_name, code, _ in OUTLYING_ISLAND_RINGS:
        added[code].extend(ring_polygon(r) for r in world[ring_name])
    for _, code, lonlat, radius in OUTLYING_ISLAND_DISCS:
        added[code].append(Point(lonlat).buffer(radius, quad_segs=4))
    out = []
    for code, raw, name, name_ja, region in PREFECTURES:
        parts = [ring_polygon(r) for r in rings[raw]] + added[code]
        land = as_multipolygon(shapely.union_all([p for p in parts if not p.is_empty]))
        land = as_multipolygon(shapely.make_valid(round_coords(land, 5)))
        land = shapely.orient_polygons(land)  # as written to GeoJSON, so cache and file agree exactly
        if not land.is_valid:
            raise SystemExit(f"{name}: invalid after repair")
        props = {
            "code": code,
            "name": name,
            "name_ja": name_ja,
            "region": region,
            "region_ja": REGIONS_JA[region],
            "area_km2": round(geodesic_area_km2(land), 1),
            "source_rings": len(rings[raw]) + len(added[code]),
        }
        out.append((props, land))
    return out


def feature_collection(features: list[tuple[dict, shapely.Geometry]], **extra) -> dict:
    return {
        "type": "FeatureCollection",
        **extra,
        "features": [
            # RFC 7946 section 3.1.6: exterior rings counterclockwise, holes clockwise
            {"type": "Feature", "properties": props, "geometry": mapping(shapely.orient_polygons(geom))}
            for props, geom in features
        ],
    }


def write_geojson(path: Path, fc: dict) -> None:
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def build_basemap(world: dict[str, list[np.ndarray]]) -> list[tuple[dict, MultiPolygon]]:
    """Land per country inside BASEMAP_BOX (ring_country), simplified. Properties: ``name``
    (English) and ``name_ja``."""
    frame = box(*BASEMAP_BOX)
    countries: dict[str, list[shapely.Geometry]] = defaultdict(list)
    for name, ring_list in world.items():
        country = ring_country(name)
        for pts in ring_list:
            poly = ring_polygon(pts)
            if poly.is_empty or not poly.intersects(frame):
                continue
            countries[country].append(poly.intersection(frame))
    out = []
    for country in sorted(countries):
        land = as_multipolygon(shapely.union_all(countries[country]))
        land = shapely.simplify(land, BASEMAP_TOLERANCE_DEG, preserve_topology=True)
        parts = [p for p in shapely.get_parts(as_multipolygon(land)) if p.area >= BASEMAP_MIN_AREA_DEG2]
        if not parts:
            continue
        land = as_multipolygon(shapely.make_valid(round_coords(MultiPolygon(parts), 4)))
        out.append(({"name": country, "name_ja": BASEMAP_NAMES_JA[country]}, land))
    return out


def build_footprints(lands_xy: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Land plus the sea within 12 nm of its own coast (not neighbours' land), projected metres.

    The coast is the part of the prefecture's outline that does not run along another
    prefecture (more than BORDER_SNAP_M from it), so an inland prefecture's footprint
    is its land, and a land border near the sea does not push a band out to sea.
    """
    band_m = TERRITORIAL_SEA_KM * 1000.0
    tree = shapely.STRtree(lands_xy)
    out = []
    for i, land in enumerate(lands_xy):
        reach = land.buffer(band_m, quad_segs=8)
        others = shapely.union_all([lands_xy[j] for j in tree.query(reach) if j != i])
        coast = shapely.difference(shapely.boundary(land), others.buffer(BORDER_SNAP_M))
        if coast.is_empty:
            out.append(land)
            continue
        sea_band = coast.buffer(band_m, quad_segs=8).difference(others)
        fp = shapely.union_all([land, shapely.simplify(sea_band, FOOTPRINT_TOLERANCE_M)])
        out.append(fp if fp.is_valid else as_multipolygon(shapely.make_valid(fp)))
    return out


#: Distance grid (jalert_sim/geo/distance_grid.py): cell size, how far from each footprint cells get
#: an entry (the default corridor, 40 km, plus a 10 s chord and the bounds' slack fit well inside),
#: and the unit of the stored int16 distances.
GRID_CELL_M = 5_000.0
GRID_REACH_M = 120_000.0
GRID_UNIT_M = 10.0


def build_distance_grid(footprints: list[shapely.Geometry]) -> tuple[dict, dict[str, np.ndarray]]:
    """Signed distance (negative inside) from the centre of every grid cell within GRID_REACH_M of
    a footprint to that footprint: (parameters for the cache header, arrays)."""
    from jalert_sim.geo.distance_grid import KEY_PREF_BITS

    b = shapely.bounds(np.array(footprints, dtype=object))
    x0 = float(np.floor((b[:, 0].min() - GRID_REACH_M) / GRID_CELL_M) * GRID_CELL_M)
    y0 = float(np.floor((b[:, 1].min() - GRID_REACH_M) / GRID_CELL_M) * GRID_CELL_M)
    nx = int(np.ceil((b[:, 2].max() + GRID_REACH_M - x0) / GRID_CELL_M))
    ny = int(np.ceil((b[:, 3].max() + GRID_REACH_M - y0) / GRID_CELL_M))
    assert len(footprints) <= 1 << KEY_PREF_BITS and nx * ny << KEY_PREF_BITS < 2**31
    keys, sds = [], []
    for j, fp in enumerate(footprints):
        i0, i1 = (int(np.floor((b[j, k] + s * GRID_REACH_M - x0) / GRID_CELL_M)) for k, s in ((0, -1), (2, 1)))
        k0, k1 = (int(np.floor((b[j, k] + s * GRID_REACH_M - y0) / GRID_CELL_M)) for k, s in ((1, -1), (3, 1)))
        ix, iy = (a.ravel() for a in np.meshgrid(np.arange(max(i0, 0), min(i1, nx - 1) + 1),
                                                 np.arange(max(k0, 0), min(k1, ny - 1) + 1), indexing="ij"))
        centres = shapely.points(x0 + (ix + 0.5) * GRID_CELL_M, y0 + (iy + 0.5) * GRID_CELL_M)
        sd = shapely.distance(fp, centres)
        inside = sd == 0.0
        sd[inside] = -shapely.distance(shapely.boundary(fp), centres[inside])
        keep = sd <= GRID_REACH_M
        keys.append(((ix * ny + iy)[keep] << KEY_PREF_BITS) + j)
        sds.append(sd[keep])
    key = np.concatenate(keys)
    order = np.argsort(key, kind="stable")
    sd_units = np.rint(np.concatenate(sds)[order] / GRID_UNIT_M)
    assert sd_units.min() > np.iinfo(np.int16).min and sd_units.max() < np.iinfo(np.int16).max
    params = {"x0_m": x0, "y0_m": y0, "cell_m": GRID_CELL_M, "nx": nx, "ny": ny, "reach_m": GRID_REACH_M,
              "unit_m": GRID_UNIT_M}
    return params, {"distance_grid.keys": key[order].astype(np.int32), "distance_grid.sd": sd_units.astype(np.int16)}


def build_projection_table() -> tuple[dict, dict[str, np.ndarray]]:
    """PROJ's x and y (m) at the nodes that jalert_sim.geo.projection.to_xy interpolates between:
    (parameters for the cache header, arrays)."""
    x, y = to_xy_exact(*table_nodes())
    return table_params(), {"projection_table.xy": np.stack([x, y])}


def coast_samples(geoms_xy: list[shapely.Geometry], spacing_m: float) -> np.ndarray:
    """Points every ``spacing_m`` (at most) along the exterior rings of polygons, projected metres."""
    rings = shapely.get_exterior_ring(shapely.get_parts(shapely.get_parts(np.asarray(geoms_xy, dtype=object))))
    dense = shapely.segmentize(rings, spacing_m)
    return shapely.get_coordinates(dense)


def build_eez(lands_xy: list[shapely.Geometry], world: dict[str, list[np.ndarray]]) -> dict[str, shapely.Geometry]:
    """Approximate EEZ: 200 nm from Japanese land, cut at the median line with other land.

    The median line is drawn between coastline samples (Voronoi cells of the samples: every
    point of a cell is nearer to its sample than to any other), which is exact to within
    about half the sample spacing.
    """
    from scipy.spatial import cKDTree  # build-time only

    neighbours = []
    claimed = shapely.union_all(lands_xy)
    shapely.prepare(claimed)
    for name, ring_list in world.items():
        if ring_country(name) == "Japan":  # (Japan's land is lands_xy)
            continue
        for pts in ring_list:
            lon, lat = pts[:, 0], pts[:, 1]
            # only land that can matter: within ~1,500 km of Japan's 200 nm zone
            if lon.max() < 105 or lon.min() > 175 or lat.max() < 5:
                continue
            pts = pts[(lon > 100) & (lon < 180)]
            if len(pts) >= 3:
                poly = project(ring_polygon(pts))
                if poly.intersection(claimed).area > CLAIMED_LAND_FRACTION * poly.area:
                    continue  # (the Northern Territories: Japanese land in Japan's position)
                neighbours.append(poly)
    japan = list(lands_xy)
    eez_m = EEZ_KM * 1000.0
    reach = shapely.union_all([g.buffer(eez_m, quad_segs=16) for g in japan])
    jp_pts = coast_samples(japan, MEDIAN_SAMPLE_M)
    other_pts = coast_samples([g for g in neighbours if g.intersects(reach.buffer(eez_m))], MEDIAN_SAMPLE_M)
    # Voronoi of all samples, keep the cells of Japanese samples
    # metre-rounded, duplicate-free samples (a shared vertex would give a degenerate cell)
    jp_pts = np.unique(np.round(jp_pts), axis=0)
    other_pts = np.unique(np.round(other_pts), axis=0)
    pts = np.vstack([jp_pts, other_pts])
    is_japan = np.r_[np.ones(len(jp_pts), bool), np.zeros(len(other_pts), bool)]
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=reach))
    cells = shapely.make_valid(cells)
    centres = cKDTree(pts)
    _, owner = centres.query(shapely.get_coordinates(shapely.point_on_surface(cells)))
    japan_side = shapely.union_all(cells[is_japan[owner]], grid_size=1.0)  # 1 m grid: robust union of cells
    eez = shapely.intersection(reach, japan_side)
    eez = shapely.union_all([eez, *japan])
    eez = as_multipolygon(shapely.make_valid(shapely.simplify(eez, EEZ_TOLERANCE_M)))
    # drop slivers between Voronoi cells, keep real high-seas pockets
    eez = MultiPolygon(
        [Polygon(p.exterior, [h for h in p.interiors if Polygon(h).area > EEZ_MIN_HOLE_M2]) for p in eez.geoms]
    )
    inner, outer = eez_band(eez)
    return {"eez": eez, "eez_inner": inner, "eez_outer": outer}


def eez_band(eez: shapely.Geometry) -> tuple[shapely.Geometry, shapely.Geometry]:
    """(inner, outer): the EEZ shrunk and grown by the UNCERTAIN band, EEZ_UNCERTAIN_KM, or in
    each of EEZ_BAND_REGIONS its own widths."""
    def grown(km: float) -> shapely.Geometry:
        return shapely.make_valid(eez.buffer(km * 1000.0, quad_segs=4))

    inner, outer = grown(-EEZ_UNCERTAIN_KM), grown(EEZ_UNCERTAIN_KM)
    for _, (x0, y0, x1, y1), inside_km, outside_km in EEZ_BAND_REGIONS:
        region = project(shapely.segmentize(shapely.box(x0, y0, x1, y1), 0.1))
        inner = shapely.difference(inner, shapely.difference(region, grown(-inside_km)))
        outer = shapely.union(outer, shapely.intersection(region, grown(outside_km)))
    return shapely.make_valid(inner), shapely.make_valid(outer)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mapdata", type=Path, help="folder written by scripts/export_mapdata.R")
    ap.add_argument("out", type=Path, help="data folder to write (data/)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    versions = (args.mapdata / "versions.txt").read_text().strip().splitlines()

    world = read_rings(args.mapdata / "world_rings.csv")
    prefs = build_prefectures(read_rings(args.mapdata / "japan_rings.csv"), world)
    source = ("R package mapdata, databases 'japan' and, for Minamitorishima and Torishima, 'worldHires' ("
              + "; ".join(versions) + "), GPL-2; Okinotorishima and Oki-Daitojima at GSI's coordinates")
    write_geojson(args.out / "prefectures.geojson", feature_collection(prefs, source=source))
    print(f"prefectures: {sum(shapely.get_num_coordinates(g) for _, g in prefs)} vertices ({time.perf_counter() - t0:.1f} s)")

    basemap = build_basemap(world)
    write_geojson(
        args.out / "basemap.geojson",
        feature_collection(basemap, source="R package mapdata, database 'worldHires' (" + "; ".join(versions) + "), GPL-2"),
    )
    print(f"basemap: {sum(shapely.get_num_coordinates(g) for _, g in basemap)} vertices ({time.perf_counter() - t0:.1f} s)")

    lands = [g for _, g in prefs]
    lands_xy = [project(g) for g in lands]
    footprints = build_footprints(lands_xy)
    japan_fp = shapely.make_valid(shapely.union_all(footprints))
    print(f"footprints: {sum(shapely.get_num_coordinates(g) for g in footprints)} vertices, union {shapely.get_num_coordinates(japan_fp)} ({time.perf_counter() - t0:.1f} s)")

    eez = build_eez(lands_xy, world)
    print(f"eez: {shapely.get_num_coordinates(eez['eez'])} vertices ({time.perf_counter() - t0:.1f} s)")

    grid_params, grid_arrays = build_distance_grid(footprints)
    print(f"distance grid: {len(grid_arrays['distance_grid.keys'])} entries ({time.perf_counter() - t0:.1f} s)")
    table_meta, table_arrays = build_projection_table()
    meta = {
        "projection": PROJECTION_CRS,
        "source": source,
        "territorial_sea_km": TERRITORIAL_SEA_KM,
        "eez_km": EEZ_KM,
        "eez_uncertain_km": EEZ_UNCERTAIN_KM,
        "eez_band_regions": [{"what": w, "box": list(b), "inside_km": i, "outside_km": o} for w, b, i, o in EEZ_BAND_REGIONS],
        "prefectures": [props for props, _ in prefs],
        "distance_grid": grid_params,
        "projection_table": table_meta,
        "basemap_countries": [props for props, _ in basemap],
    }
    write_cache(
        args.out / "geometry.npz",
        {
            "land": lands,
            "land_xy": lands_xy,
            "footprint_xy": footprints,
            "japan_footprint_xy": [japan_fp],
            "eez_xy": [eez["eez"]],
            "eez_inner_xy": [eez["eez_inner"]],
            "eez_outer_xy": [eez["eez_outer"]],
            "basemap_land": [g for _, g in basemap],
        },
        meta,
        {**grid_arrays, **table_arrays},
    )
    for name in ("prefectures.geojson", "basemap.geojson", "geometry.npz"):
        print(f"{name}: {(args.out / name).stat().st_size / 1e6:.2f} MB")
    print(f"done in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
