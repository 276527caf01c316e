"""Historical scenarios: the data file, the API, and `run --scenario` with its comparison.

Published figures: ../shared/reference/events.md and jalert.md, and the sources cited in
data/scenarios.json (Ministry of Defense press release of 2017-09-15; NTV/NHK of 2022-10-04).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from jalert_sim import simulate
import jalert_sim
from jalert_sim.cli import app
from jalert_sim.errors import UnknownNameError
from jalert_sim.earth import GEOD
from jalert_sim.earth import JST
from jalert_sim.simulation.comparison import TimeComparison, compare
from jalert_sim.simulation.scenarios import scenario, scenarios

runner = CliRunner()
TWELVE_2017 = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "15", "20"]


def test_the_required_events_are_there_in_order():
    ids = [s.id for s in scenarios()]
    assert {"2017-08-29", "2017-09-15", "2022-10-04"} <= set(ids)
    assert ids == sorted(ids)
    for s in scenarios():
        assert s.launch_time.utcoffset() == timedelta(hours=9)
        assert s.sources, s.id


def test_published_figures_are_encoded():
    s = scenario("2017-08-29")
    assert s.launch_time.strftime("%H:%M") == "05:58"
    assert (s.apogee_km, s.range_km) == (550.0, 2700.0)
    assert s.actual.alert_time.strftime("%H:%M") == "06:02"
    assert s.actual.passed_time.strftime("%H:%M") == "06:14"
    assert s.actual.impact_time.strftime("%H:%M") == "06:12"
    assert list(s.actual.prefectures) == TWELVE_2017
    assert list(scenario("2017-09-15").actual.prefectures) == TWELVE_2017
    oct4 = scenario("2022-10-04")
    assert list(oct4.actual.prefectures) == ["01", "02"]
    assert oct4.actual.erroneous_prefectures == ("13",)
    assert oct4.actual.alert_time_for("02").strftime("%H:%M") == "07:29"
    assert scenario("2023-07-12").actual.alert_time is None


def test_published_fall_point_is_consistent_with_published_range():
    # events.md: Sunan → 1,180 km E of Cape Erimo is ≈2,690 km, matching "≈2,700 km". Where Japan and
    # the DPRK published different ranges (2017-11-29: about 1,000 km and 950 km), one of them fits.
    for s in (s for s in scenarios() if s.target is not None):
        lat, lon = s.target.point()
        _, _, d = GEOD.inv(s.launch_lon, s.launch_lat, lon, lat)
        ranges = [r for r in (s.range_km, s.published.range_km if s.published else None) if r is not None]
        assert min(abs(d / 1000.0 - r) / r for r in ranges) < 0.05, s.id


def test_fitted_azimuth_is_a_little_less_than_the_great_circle_bearing_for_overflights():
    # events.md: on the rotating Earth the initial heading is 1-3 degrees less than the great-circle
    # bearing to where the missile falls (the Earth turns east under it).
    for sid in ("2017-08-29", "2017-09-15", "2022-10-04"):
        s = scenario(sid)
        r = simulate(**s.simulate_kwargs())
        bearing, _, _ = GEOD.inv(s.launch_lon, s.launch_lat, r.impact.lon, r.impact.lat)
        assert 1.0 <= bearing - s.azimuth_deg <= 3.5, sid


@pytest.mark.parametrize("sid", ["2017-08-29", "2017-09-15"])
def test_2017_tracks_pass_over_cape_erimo_and_fall_east_of_it_as_reported(sid):
    """Both were reported to pass over the Oshima Peninsula and Cape Erimo and to fall "about N km
    east of Cape Erimo". Checked on the trajectory sampled every 0.5 s, with pyproj's geodesics."""
    import numpy as np

    from jalert_sim.physics.trajectories import solve

    s = scenario(sid)
    cape = s.overflight_point
    assert cape.reference == "Cape Erimo"
    track = solve(s.launch_lat, s.launch_lon, s.azimuth_deg, s.apogee_km, s.range_km).track(0, 0.5)
    n = len(track)
    _, _, d = GEOD.inv(np.full(n, cape.lon), np.full(n, cape.lat), track.lon, track.lat)
    assert d.min() < 5_000.0
    assert track.alt_km[d.argmin()] > 400.0  # far above it, as in 2017
    r = simulate(**s.simulate_kwargs())
    assert [a.code for a in r.alerts if a.reason == "overflight"] == ["01"]  # Hokkaido, not Aomori
    fwd, _, dist = GEOD.inv(cape.lon, cape.lat, r.impact.lon, r.impact.lat)
    assert abs(dist / 1000.0 - s.target.distance_km) < 0.02 * s.target.distance_km
    assert abs(fwd - 90.0) <= 11.25  # "east" on the 16-point compass
    assert r.impact.landmark == "Cape Erimo" and r.impact.direction == "E"


def test_published_fall_area_is_the_arc_the_words_describe():
    """Target.miss_km against hand-made points: on the arc, beyond it, and outside its sector."""
    t = scenario("2017-08-29").target
    for bearing in (80.0, 90.0, 101.0):  # the words fit each of these
        lon, lat, _ = GEOD.fwd(t.lon, t.lat, bearing, t.distance_km * 1000.0)
        assert t.miss_km(lat, lon) < 0.2
    lon, lat, _ = GEOD.fwd(t.lon, t.lat, 95.0, (t.distance_km + 60.0) * 1000.0)
    assert t.miss_km(lat, lon) == pytest.approx(60.0, abs=0.5)  # 60 km too far, in the sector
    lon, lat, _ = GEOD.fwd(t.lon, t.lat, 120.0, t.distance_km * 1000.0)
    end_lon, end_lat, _ = GEOD.fwd(t.lon, t.lat, 101.25, t.distance_km * 1000.0)
    _, _, to_end = GEOD.inv(lon, lat, end_lon, end_lat)
    assert t.miss_km(lat, lon) == pytest.approx(to_end / 1000.0, rel=0.01)  # ESE: nearest the arc's end
    assert t.miss_km(*t.point()) < 0.01


def test_unknown_scenario_suggests_close_ids():
    with pytest.raises(UnknownNameError) as err:
        scenario("2017-08-30")
    assert "2017-08-29" in err.value.suggestions


@pytest.mark.parametrize("sid, tolerance_km", [("2017-08-29", 30), ("2017-09-15", 30), ("2022-10-04", 150)])
def test_simulated_fall_is_near_the_published_point(sid, tolerance_km):
    s = scenario(sid)
    c = compare(simulate(**s.simulate_kwargs()), s)
    assert c.impact_miss_km < tolerance_km
    impact = next(t for t in c.times if t.what == "impact")
    assert abs(impact.difference_s) < 150  # published to the minute


def test_time_comparison_of_spans_is_the_gap_between_them():
    at = lambda m, s=0: datetime(2017, 9, 15, 7, m, s, tzinfo=JST)  # noqa: E731
    assert TimeComparison("x", at(3, 35), at(4), at(5, 28), at(6)).difference_s == 0.0  # overlap
    assert TimeComparison("x", at(4, 48), at(6), at(6, 47)).difference_s == 0.0  # a moment inside the span
    assert TimeComparison("x", at(1), at(4), at(2, 30), at(6)).difference_s == -90.0  # ends 90 s before
    assert TimeComparison("x", at(7, 30), at(4), at(8), at(6)).difference_s == 90.0  # starts 90 s after
    assert TimeComparison("x", at(7, 30), at(4)).difference_s == 210.0  # two moments, as before


@pytest.mark.parametrize("sid", ["2017-08-29", "2017-09-15", "2022-10-04"])
def test_simulated_overflight_overlaps_the_published_time_over_japan(sid):
    """Reports give the time over Japan as a moment (2017-08-29: over Cape Erimo about 06:06) or
    a span (07:04 to 07:06; 07:28 to 07:29). The simulated entry-to-exit span meets it."""
    s = scenario(sid)
    c = compare(simulate(**s.simulate_kwargs()), s)
    over = next(t for t in c.times if t.what == "over Japan")
    assert over.predicted < over.predicted_end and over.difference_s == 0.0
    assert (over.actual_end is None) == (sid == "2017-08-29")


def test_comparison_is_honest_about_the_wide_2017_alert_area():
    s = scenario("2017-08-29")
    c = compare(simulate(**s.simulate_kwargs()), s)
    assert "01" in c.both
    assert not c.prefectures_match  # today's narrow default vs the 12 prefectures of 2017
    assert set(c.only_actual) | set(c.both) == set(TWELVE_2017)


def test_cli_scenarios_lists_them():
    out = runner.invoke(app, ["scenarios"])
    assert out.exit_code == 0, out.output
    for s in scenarios():
        assert s.id in out.stdout
    doc = json.loads(runner.invoke(app, ["scenarios", "--format", "json"]).stdout)
    assert [d["id"] for d in doc["scenarios"]] == [s.id for s in scenarios()]
    by_id = {d["id"]: d for d in doc["scenarios"]}
    assert by_id["2017-08-29"]["actual"]["prefectures"] == TWELVE_2017


def test_run_scenario_json_has_historical_block_and_stays_valid():
    out = runner.invoke(app, ["run", "--scenario", "2017-08-29", "--format", "json", "--no-track"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    schema = json.loads((Path(jalert_sim.__file__).parent / "schemas" / "simulation.schema.json").read_text())
    jsonschema.validate(doc, schema)
    h = doc["historical"]
    assert h["scenario"] == "2017-08-29"
    assert h["prefectures"]["actual"] == TWELVE_2017
    assert h["prefectures"]["predicted"] == [a["code"] for a in doc["alerts"]]
    first = next(t for t in h["times"] if t["what"] == "first alert")
    assert first["actual"] == "2017-08-29T06:02:00+09:00"
    assert first["predicted"] == doc["messages"][0]["time"] and first["predicted_end"] is None
    over = next(t for t in h["times"] if t["what"] == "over Japan")
    assert (over["predicted"], over["predicted_end"]) == (doc["overflight"]["start"], doc["overflight"]["end"])
    assert over["actual"] == "2017-08-29T06:06:00+09:00" and over["difference_s"] == 0.0
    assert doc["input"]["launch_time"] == "2017-08-29T05:58:00+09:00"


def test_explicit_options_override_the_scenario():
    doc = json.loads(runner.invoke(app, ["run", "--scenario", "2017-08-29", "--azimuth", "60", "--format", "json",
                                         "--no-track"]).stdout)
    assert doc["input"]["azimuth_deg"] == 60.0
    assert doc["input"]["apogee_km"] == 550.0


def test_run_scenario_table_shows_simulated_vs_actual():
    out = runner.invoke(app, ["run", "--scenario", "2022-10-04", "--lang", "en"], env={"COLUMNS": "120"})
    assert out.exit_code == 0, out.output
    assert "simulated vs actually issued" in out.stdout
    assert "warned by mistake" in out.stdout and "Tokyo" in out.stdout
    assert "07:27:00" in out.stdout  # the actual first alert


def test_unknown_scenario_is_one_line_exit_2():
    out = runner.invoke(app, ["run", "--scenario", "1999-01-01"])
    assert out.exit_code == 2
    assert "unknown scenario" in out.output and "Traceback" not in out.output
