"""End-to-end tests of ``jalert-sim run``: the real command, its exit codes and what it prints.

Scenario figures come from ../shared/reference/events.md and jalert.md:
2017-08-29 Hwasong-12 from Sunan (39.22 N, 125.67 E), launch 05:58 JST, apogee ≈550 km,
range ≈2,700 km, over Hokkaido ≈06:06 (T+8 min), fell 06:12 (T+14 min) ≈1,180 km E of
Cape Erimo in the Pacific, outside Japan's EEZ.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime

import pytest
from typer.testing import CliRunner

from jalert_sim.cli import app

runner = CliRunner()

HOKKAIDO_2017 = ["--launch", "sunan", "--azimuth", "73", "--apogee", "550", "--range", "2700",
                 "--at", "2017-08-29T05:58:00+09:00"]


def run_json(*args: str) -> dict:
    result = runner.invoke(app, ["run", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def hokkaido() -> dict:
    return run_json(*HOKKAIDO_2017)


def test_2017_overflight_warns_hokkaido_between_6_and_10_minutes(hokkaido):
    alerts = {a["code"]: a for a in hokkaido["alerts"]}
    assert "01" in alerts
    hok = alerts["01"]
    assert hok["reason"] == "overflight"
    assert 6 * 60 <= hok["overflight_start_s"] <= 10 * 60
    assert hok["overflight_start_s"] < hok["overflight_end_s"] <= 10 * 60
    # Over Hokkaido the missile was high: ~550 km apogee, so hundreds of km up.
    assert 300 < hok["min_altitude_km"] < 600


def test_2017_lands_in_pacific_outside_eez_12_to_16_minutes(hokkaido):
    imp = hokkaido["impact"]
    assert 12 * 60 <= imp["time_s"] <= 16 * 60
    assert imp["sea"] == "Pacific Ocean"
    assert imp["in_territorial_sea"] is False
    assert imp["eez_status"] == "outside" and imp["in_eez"] is False
    # Times in data are ISO 8601 with the JST offset, and consistent with time_s.
    launch = datetime.fromisoformat(hokkaido["input"]["launch_time"])
    fell = datetime.fromisoformat(imp["time"])
    assert fell.utcoffset().total_seconds() == 9 * 3600
    assert abs((fell - launch).total_seconds() - imp["time_s"]) < 1.0


def test_2017_message_sequence(hokkaido):
    kinds = [m["kind"] for m in hokkaido["messages"]]
    assert kinds == ["launch", "passed", "fell_outside"]
    times = [m["time_s"] for m in hokkaido["messages"]]
    assert times == sorted(times)
    launch_msg = hokkaido["messages"][0]
    assert launch_msg["time_s"] == hokkaido["input"]["model"]["latency_s"]
    assert "01" in launch_msg["prefectures"]
    fell = hokkaido["messages"][-1]
    assert "Pacific" in fell["text_en"] and "太平洋" in fell["text_ja"]
    assert "outside Japan's EEZ" in fell["text_en"]


def test_lead_time_is_overflight_minus_alert(hokkaido):
    for a in hokkaido["alerts"]:
        if a["reason"] == "overflight":
            assert a["lead_time_s"] == pytest.approx(a["overflight_start_s"] - hokkaido["input"]["model"]["latency_s"])


def test_late_alert_gives_negative_lead_time_and_shows_it():
    doc = run_json(*HOKKAIDO_2017, "--latency-s", "900")
    hok = next(a for a in doc["alerts"] if a["code"] == "01")
    assert hok["lead_time_s"] < 0
    table = runner.invoke(app, ["run", *HOKKAIDO_2017, "--latency-s", "900"])
    assert table.exit_code == 0
    assert "-" in next(line for line in table.stdout.splitlines() if "Hokkaido" in line and "overflight" in line)


def test_json_validates_against_published_schema(hokkaido):
    jsonschema = pytest.importorskip("jsonschema")
    from importlib.resources import files

    schema = json.loads(files("jalert_sim").joinpath("schemas/simulation.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(hokkaido, schema, cls=jsonschema.Draft202012Validator)
    broken = dict(hokkaido, alerts=[dict(hokkaido["alerts"][0], reason="maybe")])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


def test_yellow_sea_launch_warns_nobody():
    # Westward from Nampo into the Yellow Sea (2020s cruise/SRBM tests went this way).
    doc = run_json("--launch", "38.7,125.4", "--azimuth", "260", "--apogee", "60", "--at", "2024-01-01T09:00")
    assert doc["alert_issued"] is False
    assert doc["alerts"] == [] and doc["messages"] == []
    assert doc["impact"]["sea"] == "Yellow Sea"
    assert "No J-Alert" in doc["summary_en"]


def test_sea_of_japan_inside_eez_outside_territorial_sea_warns_nobody_and_says_so():
    # Like 2022-03-24 (fell ≈150 km W of the Oshima Peninsula, inside the EEZ, no J-Alert):
    # a lofted shot from near Pyongyang toward a point ≈150 km west of the Oshima Peninsula.
    doc = run_json("--launch", "sunan", "--azimuth", "79", "--apogee", "6000", "--range", "1090",
                   "--at", "2022-03-24T14:33")
    imp = doc["impact"]
    assert imp["sea"] == "Sea of Japan"
    assert imp["in_territorial_sea"] is False
    assert imp["eez_status"] == "inside"
    assert doc["alert_issued"] is False and doc["alerts"] == []
    assert "No J-Alert" in doc["summary_en"] and "inside Japan's EEZ" in doc["summary_en"]
    table = runner.invoke(app, ["run", "--launch", "sunan", "--azimuth", "79", "--apogee", "6000", "--range", "1090"])
    assert "No J-Alert would be issued" in " ".join(table.stdout.split())


def test_impact_on_land_says_take_shelter_now_for_that_prefecture():
    # From Sinpo (≈40.0 N, 128.2 E) toward Akita: the great-circle distance to Akita city is
    # ≈850 km (pyproj.Geod); a lofted shot with that range comes down on Akita Prefecture.
    from pyproj import Geod

    az, _, dist_m = Geod(ellps="WGS84").inv(128.18, 40.03, 140.10, 39.72)
    doc = run_json("--launch", "40.03,128.18", "--azimuth", f"{az:.2f}", "--apogee", "1500",
                   "--range", f"{dist_m / 1000:.1f}", "--at", "2024-05-01T10:00")
    imp = doc["impact"]
    assert imp["on_land"] and imp["in_territorial_sea"]
    assert imp["prefecture"] == "05"  # Akita
    shelter = [m for m in doc["messages"] if m["kind"] == "take_shelter_now"]
    assert len(shelter) == 1 and "05" in shelter[0]["prefectures"]
    assert "Akita" in shelter[0]["text_en"] and "秋田県" in shelter[0]["text_ja"]
    assert any(m["kind"] == "fell_in_japan" for m in doc["messages"])
    akita = next(a for a in doc["alerts"] if a["code"] == "05")
    assert akita["reason"] == "impact"


def test_csv_has_one_row_per_warned_prefecture(hokkaido):
    result = runner.invoke(app, ["run", *HOKKAIDO_2017, "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["code"] for r in rows] == [a["code"] for a in hokkaido["alerts"]]
    assert float(rows[0]["lead_time_s"]) == pytest.approx(hokkaido["alerts"][0]["lead_time_s"], abs=0.01)


def test_table_shows_scenario_timeline_prefectures_and_messages():
    result = runner.invoke(app, ["run", *HOKKAIDO_2017, "--lang", "en"])
    assert result.exit_code == 0
    out = result.stdout
    for needle in ("Timeline", "Warned prefectures", "Hokkaido", "Impact", "J-Alert messages", "Pacific Ocean", "05:58:00"):
        assert needle in out, needle


def test_output_file_is_written_whole(tmp_path):
    target = tmp_path / "out.json"
    result = runner.invoke(app, ["run", *HOKKAIDO_2017, "--format", "json", "-o", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text("utf-8"))["alerts"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_output_file_gets_the_permissions_a_shell_redirect_would_give(tmp_path):
    """A new file: 0o666 less the umask (not the temporary file's private 0o600); a file that is
    replaced keeps its own mode."""
    import os
    import stat

    from jalert_sim.files import write_atomic

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        assert runner.invoke(app, ["run", *HOKKAIDO_2017, "--format", "json", "-o", str(fresh)]).exit_code == 0
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o640)
        write_atomic(kept, "new")
        assert kept.read_text() == "new" and stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.json", "kept.txt"]


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--launch", "pyongyangg", "--azimuth", "73", "--apogee", "550"], "did you mean"),
        (["--launch", "95,125", "--azimuth", "73", "--apogee", "550"], "lat"),
        (["--launch", "sunan", "--azimuth", "73", "--apogee", "-5"], "apogee"),
        (["--launch", "sunan", "--azimuth", "73", "--apogee", "nan"], "apogee"),
        (["--launch", "sunan", "--azimuth", "abc", "--apogee", "550"], "azimuth"),
        (["--launch", "sunan", "--azimuth", "73", "--apogee", "550", "--range", "30000"], "range"),
        (["--launch", "sunan", "--azimuth", "73", "--apogee", "550", "--at", "yesterday"], "launch_time"),
        (["--launch", "sunan", "--azimuth", "73", "--apogee", "550", "--format", "xml"], "format"),
        (["--launch", "sunan", "--azimuth", "73"], "--apogee"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(args, needle):
    proc = subprocess.run([sys.executable, "-m", "jalert_sim", "run", *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle.lower() in lines[0].lower()
    assert "Traceback" not in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("name", ["latency_s", "corridor_km", "burn_time_s"])
def test_a_model_option_has_one_range_in_help_api_cli_and_batch(name):
    """The allowed range that --help states is the one simulate() and run enforce; batch takes the field."""
    import re

    from jalert_sim import InputError, simulate
    from jalert_sim.batch import FIELDS

    flag = "--" + name.replace("_", "-")
    help_text = " ".join(runner.invoke(app, ["run", "--help"], terminal_width=200).stdout.split())
    found = re.search(re.escape(flag) + r" FLOAT .*?; ([0-9.]+) to ([0-9.]+)\.", help_text)
    assert found, help_text
    low, high = float(found[1]), float(found[2])
    assert name in FIELDS
    for outside in (low - 1, high + 1):
        with pytest.raises(InputError, match=name):
            simulate("sunan", 73, 550, 2700, "2017-08-29T05:58+09:00", **{name: outside})
        result = runner.invoke(app, ["run", *HOKKAIDO_2017, flag, f"{outside:g}"])
        assert result.exit_code == 2 and name in result.stderr
    inside = simulate("sunan", 73, 550, 2700, "2017-08-29T05:58+09:00", **{name: high})
    assert inside.to_dict()["input"]["model"][name] == pytest.approx(high)


@pytest.mark.parametrize("command", ["run", "drill", "map"])
def test_every_model_option_is_an_option_of_every_scenario_command(command):
    """The commands' model options are generated from MODEL_OPTIONS (cli.common.with_model_options):
    each is there, with its help, and its value reaches the simulation."""
    import typer.main

    from jalert_sim import simulate
    from jalert_sim.simulation.options import MODEL_OPTIONS, option_help

    options = {p.name: p for p in typer.main.get_command(app).commands[command].params}
    for name in MODEL_OPTIONS:
        assert options[name].opts == ["--" + name.replace("_", "-")] and options[name].help == option_help(name)
    if command == "drill":  # (run's are checked above; a map shows no number that tells)
        out = runner.invoke(app, ["drill", *HOKKAIDO_2017, "--latency-s", "200", "--speed", "0", "--lang", "en"])
        assert out.exit_code == 0, out.output
        assert simulate("sunan", 73, 550, 2700, "2017-08-29T05:58+09:00", latency_s=200).messages[0].time_s == 200
        first_alert = next(ln for ln in out.stdout.splitlines() if "J-ALERT" in ln)
        assert first_alert.startswith("06:01:20 JST")  # 05:58:00 + 200 s


def test_version_and_help():
    proc = subprocess.run([sys.executable, "-m", "jalert_sim", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    import jalert_sim

    assert proc.stdout.strip() == f"jalert-sim {jalert_sim.__version__}"
    help_text = runner.invoke(app, ["run", "--help"]).stdout
    assert "--corridor-km" in help_text and "--impact-radius-km" in help_text
    # Defaults and [required] read as such: typer escapes their brackets for rich markup, which
    # showed as a stray backslash ("\\[default: both]") when the help was not rendered by rich.
    for command in ([], ["run"], ["drill"], ["map"], ["scenarios"], ["batch"]):
        text = runner.invoke(app, [*command, "--help"], terminal_width=100).stdout
        assert "\\[" not in text, (command, text)
    assert "[default: both]" in help_text and "[required]" in runner.invoke(app, ["batch", "--help"]).stdout


def test_console_script_json_subprocess():
    import shutil
    from pathlib import Path

    # The script sits beside the interpreter of the environment the package is installed in.
    exe = shutil.which("jalert-sim", path=str(Path(sys.executable).parent))
    assert exe is not None, "the jalert-sim console script is not installed"
    proc = subprocess.run([exe, "run", *HOKKAIDO_2017, "--format", "json", "--no-track"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert "track" not in doc and doc["alerts"][0]["code"] == "01"


def test_table_shows_the_same_clock_times_as_the_json():
    """The report rounds times to the second as the JSON document does (it used to cut them: an impact
    at 06:12:33.93 was 06:12:33 on screen and 06:12:34 in the JSON)."""
    args = ["run", "--scenario", "2017-08-29"]
    doc = json.loads(runner.invoke(app, [*args, "--format", "json", "--no-track"]).stdout)
    table = runner.invoke(app, [*args, "--lang", "en"], terminal_width=200).stdout
    times = [doc["impact"]["time"], *(m["time"] for m in doc["messages"])]
    for a in doc["alerts"]:
        times += [t for t in (a["alert_time"], a["overflight_start"], a["overflight_end"]) if t]
    assert len(times) >= 6
    for iso in times:
        assert iso[11:19] in table, iso
    t_plus = round(doc["impact"]["time_s"])
    assert f"T+{t_plus // 60:02d}:{t_plus % 60:02d}" in table


@pytest.mark.parametrize("args, needle", [
    (["--at", "9999-12-31T23:59"], "launch_time: must be from 0002-01-01T00:00:00+09:00 to 9998-12-31T23:59:59+09:00"),
    (["--at", "0001-01-01T00:00+09:00"], "launch_time"),
    (["--corridor-km", "3000.0001"], "got 3000.0001"),
])
def test_edge_values_give_one_line_and_exit_2(args, needle):
    proc = subprocess.run([sys.executable, "-m", "jalert_sim", "run", "--launch", "sunan", "--azimuth", "73",
                           "--apogee", "550", "--range", "2700", *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and needle in proc.stderr


def test_edge_values_that_are_allowed():
    # RFC 3339's lowercase "t" and "z"; the documented lowest burn time, 1 s, itself.
    result = runner.invoke(app, ["run", "--launch", "sunan", "--azimuth", "73", "--apogee", "550", "--range", "2700",
                                 "--at", "2017-08-28t20:58z", "--burn-time-s", "1", "--format", "json", "--no-track"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["input"]["launch_time"] == "2017-08-28T20:58:00+00:00"
    assert doc["trajectory"]["burnout_time_s"] == 1.0


def test_no_arguments_names_the_commands():
    proc = subprocess.run([sys.executable, "-m", "jalert_sim"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Usage" in proc.stdout
    assert proc.stderr.strip().startswith("jalert-sim: error: no command given: one of run,")
