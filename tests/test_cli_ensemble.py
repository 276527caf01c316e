"""`jalert-sim ensemble` and `jalert-sim sweep` end to end: the JSON validates against the shipped
schema, CSV and tables say what the library says, maps are drawn, bad input is one line and exit 2."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.resources import files

import pytest
from typer.testing import CliRunner

from jalert_sim.cli import app
from jalert_sim.present.ensemble_maps import shade
from test_hostile import ENV

runner = CliRunner()
OKI = ["--launch", "sinpo", "--azimuth", "135", "--apogee", "150", "--at", "2024-01-01T00:00"]


@pytest.fixture(scope="module")
def doc():
    out = runner.invoke(app, ["ensemble", *OKI, "--azimuth-sd", "1", "--apogee-sd", "10", "-n", "600", "--seed", "3",
                              "-j", "1", "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def test_json_validates_against_the_shipped_schema(doc):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(files("jalert_sim").joinpath("schemas/ensemble.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    assert doc["samples"] == doc["flown"] == 600 and doc["seed"] == 3
    assert doc["spreads"] == {"azimuth_sd_deg": 1.0, "apogee_sd_km": 10.0}
    assert doc["prefectures"][0]["name"] == "Shimane"  # always warned: its Oki Islands are under the fall area
    broken = json.loads(json.dumps(doc))
    broken["prefectures"][0]["warned"]["p"] = 1.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


def test_csv_is_the_json_per_prefecture(doc, tmp_path):
    path = tmp_path / "odds.csv"
    out = runner.invoke(app, ["ensemble", *OKI, "--azimuth-sd", "1", "--apogee-sd", "10", "-n", "600", "--seed", "3",
                              "-j", "2", "--format", "csv", "-o", str(path)])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["code"] for r in rows] == [p["code"] for p in doc["prefectures"]]
    for row, p in zip(rows, doc["prefectures"]):
        assert float(row["p_warned"]) == p["warned"]["p"] and float(row["p_warned_lo"]) == p["warned"]["ci95"][0]
        assert int(row["samples"]) == 600 and int(row["warned"]) == p["warned"]["count"]


def test_table_names_the_prefectures_and_the_fall_area():
    out = runner.invoke(app, ["ensemble", "--scenario", "2017-08-29", "--azimuth-sd", "1", "-n", "200", "-j", "1"])
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert "01 Hokkaido" in text and "Any alert" in text and "outside Japan's EEZ" in text
    assert "centre about" in text and "Cape" in text and "1σ ellipse" in text
    assert "200 samples, 200 fly" in text


def test_uniform_range_of_the_cli_is_the_library_s(doc):
    out = runner.invoke(app, ["ensemble", "--launch", "sinpo", "--azimuth", "130:140", "--apogee", "150", "--at",
                              "2024-01-01T00:00", "-n", "300", "-j", "1", "--format", "json"])
    assert out.exit_code == 0, out.output
    d = json.loads(out.stdout)
    assert d["spreads"] == {"azimuth_deg": [130.0, 140.0]} and d["base"]["azimuth_deg"] == 135.0


def test_ensemble_map_shades_prefectures_by_their_odds(tmp_path, doc):
    pytest.importorskip("matplotlib")
    path = tmp_path / "odds.svg"
    out = runner.invoke(app, ["ensemble", *OKI, "--azimuth-sd", "1", "--apogee-sd", "10", "-n", "600", "--seed", "3",
                              "-j", "1", "--map", str(path), "-o", str(tmp_path / "t.txt")])
    assert out.exit_code == 0, out.output
    root = ET.parse(path).getroot()
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert {"ellipse-1sigma", "ellipse-2sigma", "impacts", "launch", "track-0"} <= ids
    for p in doc["prefectures"]:
        group = root.find(f".//*[@id='prefecture-{p['code']}']")
        assert shade(p["warned"]["p"]) in ET.tostring(group, encoding="unicode")
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "P(warned): 90 % or more" in texts and "2σ ellipse" in texts


def test_sweep_writes_batch_columns_and_intervals(tmp_path):
    path = tmp_path / "grid.csv"
    out = runner.invoke(app, ["sweep", "--launch", "sinpo", "--azimuth", "125:145:2", "--apogee", "150:200:50",
                              "--at", "2024-01-01T00:00", "--prefecture", "Tottori", "-o", str(path), "-j", "1"])
    assert out.exit_code == 0, out.output
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    from jalert_sim.exports.csv import SCENARIO_COLUMNS

    assert tuple(header) == SCENARIO_COLUMNS
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1 + 11 * 2
    assert "What warns Tottori" in out.stdout and "azimuth " in out.stdout and "at apogee" in out.stdout


def test_sweep_map_has_the_heat_map(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "sweep.svg"
    out = runner.invoke(app, ["sweep", "--launch", "sinpo", "--azimuth", "125:145:5", "--apogee", "150:250:50",
                              "--at", "2024-01-01T00:00", "--map", str(path), "-j", "1"])
    assert out.exit_code == 0, out.output
    ids = {el.get("id") for el in ET.parse(path).getroot().iter() if el.get("id")}
    assert "heat-map" in ids and "prefecture-32" in ids


@pytest.mark.parametrize(("args", "words"), [
    (["ensemble", *OKI, "--azimuth-sd", "-1"], "azimuth_sd_deg"),
    (["ensemble", *OKI[:2], "--azimuth", "80:70", *OKI[4:]], "empty"),
    (["ensemble", *OKI, "-n", "0"], "samples"),
    (["ensemble", *OKI, "-n", "1000001"], "1,000,000"),
    (["ensemble", *OKI, "--range-sd", "5"], "give --range"),
    (["ensemble", *OKI, "--apogee-sd", "5_0"], "digit separators"),
    (["ensemble", *OKI, "--format", "xml"], "--format"),
    (["ensemble", *OKI, "--map", "x.gif"], ".svg or .png"),
    (["ensemble", "--launch", "sinpo", "--apogee", "150"], "--azimuth"),
    (["sweep", "--launch", "sinpo", "--azimuth", "0:360:0.01", "--apogee", "100:1200:1"], "1,000,000"),
    (["sweep", "--launch", "sinpo", "--azimuth", "0:10", "--apogee", "500"], "lo:hi:step"),
    (["sweep", "--launch", "sinpo", "--azimuth", "0:10:0", "--apogee", "500"], "step"),
    (["sweep", "--launch", "sinpo", "--azimuth", "0:10:1", "--apogee", "500", "-o", "x.json"], "FILE.csv"),
    (["sweep", "--launch", "sinpo", "--azimuth", "0:10:1", "--apogee", "500", "--prefecture", "Atlantis"], "Atlantis"),
])
def test_bad_input_is_one_line_and_exit_2(args, words):
    proc = subprocess.run([sys.executable, "-m", "jalert_sim", *args], capture_output=True, text=True, env=ENV,
                          timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("jalert-sim: error:") and words in lines[0], proc.stderr
    assert proc.stdout == ""


def test_spreads_near_the_float_limit_are_infeasible_draws_without_a_warning():
    """An sd of 1e308 is a finite number >= 0, so it is accepted; most of its draws overflow to
    infinity or leave the allowed apogees and ranges, and are counted as infeasible samples, by
    reason, with nothing on stderr (numpy's overflow warning was printed there). (An azimuth of
    1e308 degrees is still an azimuth.)"""
    for option in ("--apogee-sd", "--azimuth-sd", "--range-sd", "--launch-sd-km"):
        proc = subprocess.run([sys.executable, "-m", "jalert_sim", "ensemble", "--scenario", "2017-08-29", "-n", "20",
                               option, "1e308", "--format", "json"], capture_output=True, text=True, env=ENV,
                              timeout=120)
        assert proc.returncode == 0 and proc.stderr == "", (option, proc.stderr)
        doc = json.loads(proc.stdout)
        assert doc["samples"] == 20 and doc["flown"] + sum(r["count"] for r in doc["infeasible"]) == 20, option
        assert doc["infeasible"] or option == "--azimuth-sd", option
