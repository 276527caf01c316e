"""`jalert-sim map` (SVG/PNG with matplotlib) and the terminal map of `run --map`."""

from __future__ import annotations

import builtins
import struct
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from jalert_sim import simulate
from jalert_sim.present import maps, termmap
from jalert_sim.present.style import NOT_WARNED_FILL, REASON_STYLES
from jalert_sim.cli import app
from jalert_sim.simulation.scenarios import scenario

pytest.importorskip("matplotlib")
runner = CliRunner()
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def result():
    return simulate(**scenario("2017-08-29").simulate_kwargs())


@pytest.fixture(scope="module")
def svg(tmp_path_factory):
    path = tmp_path_factory.mktemp("maps") / "hokkaido.svg"
    out = runner.invoke(app, ["map", "--scenario", "2017-08-29", "-o", str(path)])
    assert out.exit_code == 0, out.output
    return ET.parse(path).getroot()


def _texts(root) -> list[str]:
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def test_svg_has_title_legend_and_minute_labels(svg, result):
    texts = _texts(svg)
    assert any("2017-08-29 Hwasong-12 over Hokkaido" in t for t in texts)
    for label in ("Overflight (warned)", "Not warned", "Impact area (warned)", "Alert corridor ±40 km",
                  "Launch site", "Impact point", "500 km"):
        assert label in texts, label
    minutes = sorted(int(t.split()[0][2:]) for t in texts if t.startswith("T+"))
    # A 14.6-minute flight: a tick every minute, and a label on each but the last few, which
    # give way to the impact label.
    whole_minutes = int(result.trajectory["flight_time_s"] // 60)
    ticks = {el.get("id") for el in svg.iter() if (el.get("id") or "").startswith("tick-")}
    assert ticks == {f"tick-{m}" for m in range(1, whole_minutes + 1)}
    assert minutes == list(range(1, len(minutes) + 1))
    assert len(minutes) >= whole_minutes - 3


def test_svg_has_the_track_and_coloured_prefectures(svg, result):
    ids = {el.get("id") for el in svg.iter() if el.get("id")}
    assert {"ground-track", "corridor", "launch", "impact", "map-title"} <= ids
    assert {f"prefecture-{c:02d}" for c in range(1, 48)} <= ids
    warned = svg.find(f".//*[@id='prefecture-{result.alerts[0].code}']")
    quiet = svg.find(".//*[@id='prefecture-47']")
    fill = lambda g: ET.tostring(g, encoding="unicode")  # noqa: E731
    assert REASON_STYLES[result.alerts[0].reason].fill in fill(warned)
    assert NOT_WARNED_FILL in fill(quiet)


def test_png_is_written_with_sensible_dimensions(tmp_path, result):
    path = tmp_path / "map.png"
    data = maps.render_map(result, path, dpi=80)
    raw = path.read_bytes()
    assert raw == data and raw[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", raw[16:24])
    assert 600 < width < 2000 and 300 < height < 2000
    assert width > height  # the track runs east-west


def test_png_through_the_cli(tmp_path):
    path = tmp_path / "m.png"
    out = runner.invoke(app, ["map", "--scenario", "2022-10-04", "-o", str(path), "--dpi", "60"])
    assert out.exit_code == 0, out.output
    assert path.stat().st_size > 10_000


def test_wrong_extension_is_one_line_exit_2(tmp_path):
    out = runner.invoke(app, ["map", "--scenario", "2017-08-29", "-o", str(tmp_path / "m.jpg")])
    assert out.exit_code == 2 and ".svg or .png" in out.output
    assert not (tmp_path / "m.jpg").exists()


def test_missing_matplotlib_tells_how_to_install(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.split(".")[0] == "matplotlib":
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    out = runner.invoke(app, ["map", "--scenario", "2017-08-29", "-o", str(tmp_path / "m.svg")])
    assert out.exit_code == 2
    assert "pip install 'jalert-sim[maps]'" in out.output
    assert len(out.output.strip().splitlines()) == 1


def test_terminal_map_draws_track_launch_and_impact(result):
    text = termmap.render(result, width=60)
    plain = text.plain
    assert "▲" in plain and "✕" in plain
    lines = plain.splitlines()
    assert all(len(ln) <= 60 for ln in lines[:-2])
    assert sum(1 for ch in plain if 0x2801 <= ord(ch) <= 0x28FF) > 100
    # The launch is left of the impact: the track runs east.
    row_l = next(i for i, ln in enumerate(lines) if "▲" in ln)
    row_i = next(i for i, ln in enumerate(lines) if "✕" in ln)
    assert lines[row_l].index("▲") < lines[row_i].index("✕")


def test_run_map_adds_the_terminal_map():
    out = runner.invoke(app, ["run", "--scenario", "2017-08-29", "--map"])
    assert out.exit_code == 0, out.output
    assert "Ground track" in out.stdout and "▲" in out.stdout
