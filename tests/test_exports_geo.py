"""GeoJSON, KML and CAP exports: they parse, follow their standards, and agree with the JSON."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import shapely
from typer.testing import CliRunner

from jalert_sim import exports, simulate
from jalert_sim.exports import cap as exports_cap
from jalert_sim.cli import app

runner = CliRunner()
HOKKAIDO = ["--scenario", "2017-08-29"]
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM = "{http://www.w3.org/2005/Atom}"
KML = "{http://www.opengis.net/kml/2.2}"


def invoke(*args: str) -> str:
    out = runner.invoke(app, ["run", *args])
    assert out.exit_code == 0, out.output
    return out.stdout


@pytest.fixture(scope="module")
def doc() -> dict:
    return json.loads(invoke(*HOKKAIDO, "--format", "json"))


@pytest.fixture(scope="module")
def geojson() -> dict:
    return json.loads(invoke(*HOKKAIDO, "--format", "geojson"))


@pytest.fixture(scope="module")
def feed() -> ET.Element:
    return ET.fromstring(invoke(*HOKKAIDO, "--format", "cap"))


def test_geojson_is_lon_lat(geojson, doc):
    assert geojson["type"] == "FeatureCollection"
    by_id = {f["id"]: f for f in geojson["features"]}
    track = by_id["track"]["geometry"]
    assert track["type"] == "LineString"
    # Sunan is at 39.22 N 125.67 E: RFC 7946 puts the longitude first.
    lon, lat = track["coordinates"][0]
    assert lon == pytest.approx(125.67, abs=0.01) and lat == pytest.approx(39.224, abs=0.01)
    assert by_id["impact"]["geometry"]["coordinates"] == pytest.approx([doc["impact"]["lon"], doc["impact"]["lat"]], abs=1e-4)
    props = by_id["track"]["properties"]
    assert len(props["t_s"]) == len(props["alt_km"]) == len(track["coordinates"])
    assert max(props["alt_km"]) == pytest.approx(doc["trajectory"]["apogee_km"], rel=0.01)


def test_geojson_prefectures_match_the_json(geojson, doc):
    prefs = [f for f in geojson["features"] if f["properties"]["kind"] == "prefecture"]
    assert [f["properties"]["code"] for f in prefs] == [a["code"] for a in doc["alerts"]]
    for f, a in zip(prefs, doc["alerts"]):
        for key in ("alert_time", "overflight_start", "overflight_end", "reason"):
            assert f["properties"][key] == a[key]
        geom = shapely.geometry.shape(f["geometry"])
        assert geom.geom_type == "MultiPolygon" and geom.is_valid
        assert all(p.exterior.is_ccw for p in geom.geoms)  # RFC 7946 §3.1.6 winding
    hok = next(f for f in prefs if f["properties"]["code"] == "01")
    assert shapely.geometry.shape(hok["geometry"]).contains(shapely.Point(141.35, 43.06))  # Sapporo, lon/lat


def test_antimeridian_split():
    import numpy as np

    parts = exports.split_antimeridian(np.array([10.0, 11.0, 12.0]), np.array([178.0, 179.5, -179.5]))
    assert len(parts) == 2
    assert parts[0][-1][0] == 180.0 and parts[1][0][0] == -180.0
    assert parts[0][-1][1] == pytest.approx(11.5)


def test_geojson_written_with_output(tmp_path, doc):
    path = tmp_path / "t.geojson"
    invoke(*HOKKAIDO, "--format", "geojson", "-o", str(path))
    assert json.loads(path.read_text())["features"][0]["id"] == "track"


def test_kml_is_valid_with_absolute_altitudes(doc, tmp_path):
    path = tmp_path / "t.kml"
    invoke(*HOKKAIDO, "--format", "kml", "-o", str(path))
    root = ET.parse(path).getroot()
    assert root.tag == f"{KML}kml"
    line = root.find(f".//{KML}LineString")
    assert line.find(f"{KML}altitudeMode").text == "absolute"
    coords = [tuple(map(float, c.split(","))) for c in line.find(f"{KML}coordinates").text.split()]
    assert all(len(c) == 3 for c in coords)
    assert max(c[2] for c in coords) == pytest.approx(doc["trajectory"]["apogee_km"] * 1000, rel=0.01)
    assert coords[0][:2] == pytest.approx((125.67, 39.224), abs=0.01)
    names = [pm.get("id") for pm in root.iter(f"{KML}Placemark") if pm.get("id")]
    assert names == [f"prefecture-{a['code']}" for a in doc["alerts"]]


def test_cap_one_alert_per_message_with_required_elements(feed, doc):
    alerts = [e.find(f"{ATOM}content/{CAP}alert") for e in feed.findall(f"{ATOM}entry")]
    assert len(alerts) == len(doc["messages"]) >= 2
    previous = None
    for n, (alert, msg) in enumerate(zip(alerts, doc["messages"])):
        get = lambda tag: alert.find(f"{CAP}{tag}").text  # noqa: E731
        for tag in ("identifier", "sender", "sent", "status", "msgType", "scope"):
            assert alert.find(f"{CAP}{tag}") is not None, tag
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", get("sent"))
        assert get("sent") == msg["time"]
        assert get("status") == "Exercise"
        assert get("scope") == "Public"
        assert get("msgType") == ("Alert" if n == 0 else "Update")
        if previous:
            assert get("references") == previous
        previous = f"{get('sender')},{get('identifier')},{get('sent')}"
        infos = alert.findall(f"{CAP}info")
        assert [i.find(f"{CAP}language").text for i in infos] == ["ja-JP", "en-US"]
        for info in infos:
            g = lambda tag: info.find(f"{CAP}{tag}").text  # noqa: E731
            assert g("category") == "Safety"
            assert g("urgency") in ("Immediate", "Expected", "Future", "Past", "Unknown")
            assert g("severity") in ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
            assert g("certainty") in ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
            assert g("responseType") in ("Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess",
                                         "AllClear", "None")
            for tag in ("event", "headline", "description", "instruction"):
                assert g(tag)
            codes = [a.find(f"{CAP}geocode/{CAP}value").text for a in info.findall(f"{CAP}area")]
            assert codes == msg["prefectures"]
        en = infos[1]
        assert en.find(f"{CAP}description").text == msg["text_en"]
        if msg["kind"] == "launch":
            assert en.find(f"{CAP}responseType").text == "Shelter"
            assert en.find(f"{CAP}urgency").text == "Immediate" and en.find(f"{CAP}severity").text == "Extreme"


def test_cap_areas_polygons_and_geocodes(feed):
    area = next(feed.iter(f"{CAP}area"))
    assert area.find(f"{CAP}geocode/{CAP}valueName").text == "JIS X 0401"
    polygons = [p.text.split() for p in area.findall(f"{CAP}polygon")]
    assert polygons
    for pairs in polygons:
        assert pairs[0] == pairs[-1] and 4 <= len(pairs) <= exports_cap.CAP_MAX_VERTICES + 1
        for pair in pairs:
            lat, lon = map(float, pair.split(","))
            assert 20 < lat < 50 and 120 < lon < 155  # "lat,lon", not "lon,lat"


def test_cap_status_is_never_actual_by_default():
    assert exports.cap_status(None) == "Exercise"
    actual = ET.fromstring(invoke(*HOKKAIDO, "--format", "cap", "--cap-status", "actual"))
    assert {s.text for s in actual.iter(f"{CAP}status")} == {"Actual"}
    out = runner.invoke(app, ["run", *HOKKAIDO, "--format", "cap", "--cap-status", "real"])
    assert out.exit_code == 2 and "--cap-status" in out.output


def test_no_alert_scenario_exports_nothing_to_warn():
    feed = ET.fromstring(invoke("--scenario", "2023-07-12", "--format", "cap"))
    assert feed.findall(f"{ATOM}entry") == []
    gj = json.loads(invoke("--scenario", "2023-07-12", "--format", "geojson"))
    assert [f["id"] for f in gj["features"]] == ["track", "launch", "impact"]


# An IRBM that crosses the 180th meridian on its way north-east.
ACROSS_180 = ["--launch", "pyongyang", "--azimuth", "75", "--apogee", "1200", "--range", "9000",
              "--at", "2024-01-01T07:00:00"]


def test_geojson_track_values_line_up_with_vertices_across_the_antimeridian():
    doc = json.loads(invoke(*ACROSS_180, "--format", "json"))
    track = next(f for f in json.loads(invoke(*ACROSS_180, "--format", "geojson"))["features"] if f["id"] == "track")
    parts = track["geometry"]["coordinates"]
    assert track["geometry"]["type"] == "MultiLineString" and len(parts) == 2
    vertices = [v for part in parts for v in part]
    t, alt = track["properties"]["t_s"], track["properties"]["alt_km"]
    assert len(t) == len(alt) == len(vertices) == len(doc["track"]) + 2  # the two ends of the cut
    cut = len(parts[0]) - 1  # the last vertex of the first part and the first of the second
    assert abs(vertices[cut][0]) == abs(vertices[cut + 1][0]) == 180.0 and t[cut] == t[cut + 1]
    assert t[cut - 1] < t[cut] < t[cut + 2] and min(alt[cut - 1], alt[cut + 2]) <= alt[cut] <= max(alt[cut - 1], alt[cut + 2])
    assert t == sorted(t) and t[0] == 0.0


def test_kml_track_is_cut_at_the_antimeridian():
    root = ET.fromstring(invoke(*ACROSS_180, "--format", "kml"))
    trajectory = next(pm for pm in root.iter(f"{KML}Placemark") if pm.find(f"{KML}name").text == "Trajectory")
    lines = trajectory.findall(f"{KML}MultiGeometry/{KML}LineString")
    assert len(lines) == 2
    for line in lines:
        lon = [float(c.split(",")[0]) for c in line.find(f"{KML}coordinates").text.split()]
        assert max(abs(b - a) for a, b in zip(lon, lon[1:])) < 180.0  # no stroke across the whole map
    assert {float(lines[0].find(f"{KML}coordinates").text.split()[-1].split(",")[0]),
            float(lines[1].find(f"{KML}coordinates").text.split()[0].split(",")[0])} == {180.0, -180.0}


# A fall predicted in Kochi's territorial sea: "take shelter now" goes to the impact area only.
FALL_IN_JAPAN = ["--launch", "pyongyang", "--azimuth", "120", "--apogee", "2000", "--range", "1000",
                 "--at", "2024-01-01T07:00:00"]


def test_cap_take_shelter_now_does_not_end_the_launch_alert_elsewhere():
    """A CAP receiver that follows §3.2.1 (an Update supersedes what it references) must keep every
    warned prefecture under an alert from the launch message until the message that ends it."""
    doc = json.loads(invoke(*FALL_IN_JAPAN, "--format", "json", "--no-track"))
    kinds = [m["kind"] for m in doc["messages"]]
    assert "take_shelter_now" in kinds and len(doc["messages"][0]["prefectures"]) > 2
    feed = ET.fromstring(invoke(*FALL_IN_JAPAN, "--format", "cap"))
    in_force: dict[str, set[str]] = {}  # reference -> prefectures, as the receiver keeps it
    for entry, msg in zip(feed.findall(f"{ATOM}entry"), doc["messages"]):
        alert = entry.find(f"{ATOM}content/{CAP}alert")
        get = lambda tag: alert.find(f"{CAP}{tag}").text  # noqa: E731
        codes = {a.find(f"{CAP}geocode/{CAP}value").text for a in alert.find(f"{CAP}info").findall(f"{CAP}area")}
        if get("msgType") == "Update":
            refs = get("references").split()
            assert refs and all(r in in_force for r in refs)
            for r in refs:
                in_force.pop(r)
        else:
            assert alert.find(f"{CAP}references") is None
        in_force[f"{get('sender')},{get('identifier')},{get('sent')}"] = codes
        if msg["kind"] in ("launch", "take_shelter_now"):  # still before any all-clear
            assert set().union(*in_force.values()) >= set(doc["messages"][0]["prefectures"]), msg["kind"]
    assert len(in_force) == 1  # the last message superseded everything


def test_cap_identifiers_differ_between_scenarios_launched_in_the_same_second():
    def ids(*args: str) -> tuple[str, ...]:
        feed = ET.fromstring(invoke("--launch", "pyongyang", "--apogee", "900", "--range", "2500",
                                    "--at", "2024-01-01T07:00:00", "--format", "cap", *args))
        return (feed.find(f"{ATOM}id").text,
                *(e.find(f"{ATOM}content/{CAP}alert/{CAP}identifier").text for e in feed.findall(f"{ATOM}entry")))

    okinawa, tohoku = ids("--azimuth", "188"), ids("--azimuth", "75")
    assert not set(okinawa) & set(tohoku)
    assert ids("--azimuth", "188") == okinawa  # the same scenario: the same ids
    assert not set(ids("--azimuth", "188", "--cap-status", "actual")) & set(okinawa)


def test_cap_identifiers_hash_the_options_given_not_the_solved_boost():
    """The boost model's burn time and burnout height in force are solved numbers (their last bits
    vary with numpy's math library: AVX-512 or not); the identifiers hash the options as given."""
    auto = simulate("pyongyang", 80.0, 900.0, 2500.0, "2024-01-01T07:00:00+09:00")
    solved = auto.to_dict(track=False)["input"]["model"]["burn_time_s"]
    assert solved is not None and exports_cap._scenario_key(auto)["model"]["burn_time_s"] is None
    assert repr(solved) not in json.dumps(exports_cap._scenario_key(auto))
    given = simulate("pyongyang", 80.0, 900.0, 2500.0, "2024-01-01T07:00:00+09:00", burn_time_s=solved)
    assert exports_cap._scenario_key(given)["model"]["burn_time_s"] == solved
    # A burn time given is another scenario, whatever it equals.
    assert exports_cap._incident(given, "Exercise") != exports_cap._incident(auto, "Exercise")


def test_cap_polygons_cover_the_land_they_stand_for():
    """Every prefecture's main polygon covers all of its largest part's land (a receiver that targets
    by polygon must not miss a coast), within 100 vertices and ~10 km of the land."""
    from jalert_sim.geo import prefectures

    for p in prefectures():
        polygons = exports.cap_polygons(p.land)
        shapes = [shapely.Polygon([tuple(map(float, pair.split(",")))[::-1] for pair in s.split()]) for s in polygons]
        assert all(s.is_valid and len(s.exterior.coords) <= exports_cap.CAP_MAX_VERTICES for s in shapes)
        largest = max(shapely.get_parts(p.land), key=lambda part: part.area)
        assert shapely.covers(shapes[0], shapely.Polygon(largest.exterior)), p.name
        margin_deg = shapely.distance(shapely.points(shapely.get_coordinates(shapes[0])), p.land).max()
        assert margin_deg < 0.1, p.name  # ~10 km


@pytest.mark.parametrize("encoding", ["cp932", "ascii"])
def test_output_to_a_pipe_is_utf8_whatever_the_locale(encoding):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": encoding}
    for fmt in ("kml", "json"):
        proc = subprocess.run([sys.executable, "-m", "jalert_sim", "run", *HOKKAIDO, "--format", fmt, "--no-track"],
                              capture_output=True, env=env)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        text = proc.stdout.decode("utf-8")  # (cp932 bytes would fail here or in the parsers)
        assert "北海道" in text
        ET.fromstring(text) if fmt == "kml" else json.loads(text)
