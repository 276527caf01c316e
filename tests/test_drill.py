"""`jalert-sim drill`: the plain timeline, the live screen's state, the bell, and Ctrl-C."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from rich.console import Console
from typer.testing import CliRunner

from jalert_sim import geo, simulate
from jalert_sim.present import drill
from jalert_sim.cli import app
from jalert_sim.simulation.scenarios import scenario

runner = CliRunner()


@pytest.fixture(scope="module")
def result():
    return simulate(**scenario("2017-08-29").simulate_kwargs())


@pytest.fixture(scope="module")
def plan(result):
    return drill.plan(result, title="test")


def test_speed_0_prints_every_message_in_time_order(result):
    out = runner.invoke(app, ["drill", "--scenario", "2017-08-29", "--speed", "0", "--lang", "en"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    alerts = [ln for ln in lines if "J-ALERT" in ln]
    assert len(alerts) == len(result.messages) >= 2
    expected = [result.time(round(m.time_s)).strftime("%H:%M:%S") for m in result.messages]
    assert [ln[:8] for ln in alerts] == expected
    for m in result.messages:
        assert m.text_en in out.stdout
    stamps = [ln[:8] for ln in lines if re.match(r"\d\d:\d\d:\d\d JST", ln)]
    assert stamps == sorted(stamps)
    assert "Hokkaido" in out.stdout and "lead time" in out.stdout


def test_speed_0_in_a_real_subprocess_japanese():
    proc = subprocess.run([sys.executable, "-m", "jalert_sim", "drill", "--scenario", "2017-08-29", "--speed", "0",
                           "--lang", "ja"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "ミサイル発射情報" in proc.stdout and "ミサイル通過" in proc.stdout


def test_state_follows_the_prefecture_through_the_flight(result, plan):
    hok = next(a for a in result.alerts if a.code == "01")

    def row(t):
        return next(c for c in drill.state_at(plan, t).countdowns if c.code == "01")

    assert row(hok.alert_time_s - 1).status == "waiting"
    before = row(hok.alert_time_s + 10)
    assert before.status == "warned"
    assert before.seconds_left == pytest.approx(hok.overflight_start_s - hok.alert_time_s - 10)
    assert row(0.5 * (hok.overflight_start_s + hok.overflight_end_s)).status == "overhead"
    assert row(hok.overflight_end_s + 1).status == "passed"


def test_state_shows_altitude_place_and_next_message(result, plan):
    s = drill.state_at(plan, 60.0)
    assert s.in_flight and 0 < s.altitude_km < 200
    assert s.over.en == "North Korea"
    assert s.next_message is result.messages[0]
    assert s.next_in_s == pytest.approx(result.messages[0].time_s - 60.0)
    over = drill.state_at(plan, next(a for a in result.alerts if a.code == "01").overflight_start_s + 5)
    assert "Hokkaido" in over.over.en
    after = drill.state_at(plan, plan.end_s)
    assert not after.in_flight and after.next_message is None and len(after.issued) == len(result.messages)


def test_live_play_rings_the_bell_once_per_message_time(plan, result):
    wall = [0.0]
    console = Console(file=io.StringIO(), force_terminal=True, width=110)
    drill.play(plan, console, speed=60.0, lang="en", clock=lambda: wall[0],
               sleep=lambda s: wall.__setitem__(0, wall[0] + s))
    text = console.file.getvalue()
    assert text.count("\a") == len({m.time_s for m in result.messages})
    assert "MISSILE PASSED OVER" in text


def test_big_clock_font_is_five_rows():
    rows = drill.big("06:02").split("\n")
    assert len(rows) == 5 and len({len(r) for r in rows}) == 1


def test_ctrl_c_stops_cleanly(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(drill, "play", interrupted)
    out = runner.invoke(app, ["drill", "--scenario", "2017-08-29", "--speed", "10"])
    assert out.exit_code == 130
    assert "drill stopped" in out.output and "Traceback" not in out.output


def test_negative_speed_is_refused():
    out = runner.invoke(app, ["drill", "--scenario", "2017-08-29", "--speed", "-1"])
    assert out.exit_code == 2 and "--speed" in out.output


@pytest.mark.parametrize("width", [80, 120])
def test_frame_fits_the_terminal_without_wrapping_the_big_clock(plan, width):
    console = Console(file=io.StringIO(), width=width, force_terminal=False)
    console.print(drill.frame(plan, drill.state_at(plan, 300.0), lang="en", width=width))
    lines = console.file.getvalue().splitlines()
    assert max(len(ln) for ln in lines) <= width
    top = lines[:next(i for i, ln in enumerate(lines) if "JST 20" in ln)]
    clock_rows = [ln for ln in top if "█" in ln]
    assert len(clock_rows) == (10 if width < 84 else 5)  # stacked below ~84 columns, side by side above


def test_over_places_names_each_kind_of_place_as_one_point_at_a_time():
    """One array look-up per kind gives, point by point, what the rule says for that point alone."""
    import numpy as np
    import shapely

    from jalert_sim import geo as geography

    # (lat, lon, expected English name): land, the 12 nm band, named seas, countries, open ocean,
    # an unwrapped longitude past 180 (the Pacific east of the antimeridian) and NaN.
    known = [
        (43.0642, 141.3469, "Hokkaido"),  # Sapporo
        (35.6895, 139.6917, "Tokyo"),
        (39.0, 125.7, "North Korea"),  # Pyongyang
        (37.57, 126.98, "South Korea"),  # Seoul
        (40.0, 135.0, "Sea of Japan"),
        (30.0, 160.0, "Pacific Ocean"),
        (10.0, 200.0, "open ocean"),
        (float("nan"), 140.0, "open ocean"),
    ]
    lat = np.array([k[0] for k in known])
    lon = np.array([k[1] for k in known])
    # A point in the sea within 12 nm of Cape Erimo, outside every prefecture's land.
    band = (41.85, 143.35)
    assert geography.prefecture_at(*band) is None and geography.in_territorial_sea(*band)
    x, y = geography.to_xy(band[1], band[0])
    first = next(p for p in geography.prefectures() if p.footprint_xy.intersects(shapely.Point(float(x), float(y))))
    lat, lon = np.append(lat, band[0]), np.append(lon, band[1])

    places = geo.over_places(lat, lon)
    assert [p.en for p in places[:-1]] == [k[2] for k in known]
    assert places[-1].en == f"territorial sea off {first.name}" and places[-1].ja == f"{first.name_ja}沖の領海"
    assert places[0].ja == "北海道" and places[2].ja == "北朝鮮"
    # Shuffled, the answers follow their points (no leak between points of different kinds).
    order = np.random.default_rng(3).permutation(len(lat))
    assert geo.over_places(lat[order], lon[order]) == [places[i] for i in order]
    assert [geo.over_place(a, o) for a, o in zip(lat, lon)] == places
