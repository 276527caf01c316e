"""The catalogue of every J-Alert missile event and the fidelity table (`scenarios --compare`).

Published figures are those cited, with their sources, in data/scenarios.json (Ministry of
Defense, Cabinet Secretariat, FDMA and news reports of them). The pinned table below is the
model's fidelity as of this catalogue: a model change that moves an event fails here and names
it; if the move is meant, update the pin in the same commit and say why.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from jalert_sim.cli import app
from jalert_sim.earth import GEOD
from jalert_sim.simulation.fidelity import PUBLISHED_DISTANCE_HALF_WIDTH_KM, fidelity, published_area
from jalert_sim.simulation.scenarios import COMPASS_HALF_SECTOR_DEG, KINDS, scenario, scenarios

runner = CliRunner()

#: The launches the issue names, for which J-Alert warned about a missile or a rocket.
ALERTED = ("2012-12-12", "2016-02-07", "2017-08-29", "2017-09-15", "2022-10-04", "2022-11-03", "2023-04-13",
           "2023-05-31", "2023-08-24", "2023-11-21", "2024-05-27")
#: Significant launches that warned nobody but came down in or near Japan's EEZ.
SILENT = ("2017-07-04", "2017-07-28", "2017-11-29", "2022-03-24", "2022-11-18", "2023-02-18", "2023-03-16",
          "2023-07-12", "2023-12-18", "2024-10-31")

#: Per event: (prefectures in both, only in reality, only simulated, EEZ verdict at the simulated
#: fall, EEZ verdict of the EEZ model over the published fall area, flight-time error in s).
PINNED = {
    "2012-12-12": (1, 0, 0, None, None, None),
    "2016-02-07": (1, 0, 0, None, None, None),
    "2017-07-04": (0, 0, 0, "right", "right", -219),
    "2017-07-28": (0, 0, 0, "uncertain", "uncertain", 27),
    "2017-08-29": (2, 10, 0, "right", "right", 34),
    "2017-09-15": (2, 10, 0, "right", "right", -14),
    "2017-11-29": (0, 0, 0, "uncertain", "right", -5),
    "2022-03-24": (0, 0, 0, "right", "right", 10),
    "2022-10-04": (2, 0, 0, "right", "right", 15),
    "2022-11-03": (3, 0, 1, None, None, None),
    "2022-11-18": (0, 0, 0, "uncertain", "uncertain", -3),
    "2023-02-18": (0, 0, 0, "uncertain", "uncertain", 6),
    "2023-03-16": (0, 0, 0, "uncertain", "uncertain", -89),
    "2023-04-13": (0, 1, 0, None, None, None),
    "2023-05-31": (1, 0, 0, None, None, None),
    "2023-07-12": (0, 0, 0, "uncertain", "right", 80),
    "2023-08-24": (1, 0, 0, "right", None, None),
    "2023-11-21": (1, 0, 0, None, None, None),
    "2023-12-18": (0, 0, 0, "uncertain", "right", 57),
    "2024-05-27": (1, 0, 0, None, None, None),
    "2024-10-31": (0, 0, 0, "uncertain", "uncertain", 33),
}
#: Flight times are compared to the second, with this much play for floating-point noise.
FLIGHT_TIME_TOLERANCE_S = 2.0


@pytest.fixture(scope="module")
def table():
    return fidelity()


def test_the_catalogue_holds_every_event_the_issue_names_with_sources():
    ids = [s.id for s in scenarios()]
    assert len(ids) >= 16 and ids == sorted(ids) and len(set(ids)) == len(ids)
    assert set(ALERTED) | set(SILENT) <= set(ids)
    for s in scenarios():
        assert s.kind in KINDS, s.id
        assert s.sources and all(src.title and src.used_for for src in s.sources), s.id
        # every event cites at least one dated publication by a named publisher
        assert any(src.publisher and src.date and src.date[:4] == s.id[:4] for src in s.sources), s.id
        if not s.modelled:
            assert s.not_modelled_reason and s.azimuth_deg is None, s.id


def test_alerted_events_record_what_was_issued_and_silent_ones_their_fall():
    for sid in ALERTED:
        a = scenario(sid).actual
        assert a.prefectures and a.messages, sid  # the area addressed and the message sequence
        assert all(set(m.area) <= set(a.prefectures) | set(a.erroneous_prefectures) for m in a.messages), sid
        timed = [m.time for m in a.messages if m.time is not None]
        assert timed == sorted(timed), sid
        if a.alert_time is not None:
            assert timed[0] == a.alert_time, sid
    for sid in SILENT:
        s = scenario(sid)
        assert s.kind == "flight" and s.actual.alert_time is None and not s.actual.prefectures, sid
        assert s.actual.eez in ("inside", "outside") and s.target is not None, sid
        assert ("inside" if s.actual.eez == "inside" else "outside") in s.actual.impact_description, sid


def test_what_went_wrong_is_said_plainly():
    assert "Tokyo islands" in " ".join(scenario("2022-10-04").actual.incidents)
    assert scenario("2022-10-04").actual.erroneous_prefectures == ("13",)
    nov3 = scenario("2022-11-03")
    assert nov3.kind == "prediction" and "never" in " ".join(nov3.actual.incidents)
    assert [m.kind for m in nov3.actual.messages] == ["launch", "passed"]
    apr13 = scenario("2023-04-13")
    assert apr13.kind == "prediction" and not apr13.modelled and "withdrew" in " ".join(apr13.actual.incidents)
    assert [m.kind for m in scenario("2023-05-31").actual.messages] == ["launch", "cleared"]


def test_published_durations_agree_with_published_launch_and_fall_times():
    # Two published figures, checked against each other: "about 69 minutes" and 10:14 -> 11:23.
    checked = 0
    for s in scenarios():
        a = s.actual
        if a.flight_time_s is not None and a.impact_time is not None:
            minutes = (a.impact_time - s.launch_time).total_seconds() / 60.0
            assert abs(minutes - a.flight_time_s / 60.0) <= 1.0, s.id
            checked += 1
    assert checked >= 7


def test_dprk_figures_used_as_inputs_are_close_to_japans():
    # events.md: Japan's estimates closely match the DPRK's announced figures. Japan's apogees are
    # "more than"/"about" (lower bounds or rounded); ranges "about".
    for sid in SILENT:
        s = scenario(sid)
        p = s.published
        if p.apogee_km is not None:
            assert p.apogee_km <= s.apogee_km * 1.02 and s.apogee_km < p.apogee_km * 1.25, sid
        if p.range_km is not None:
            assert abs(s.range_km - p.range_km) <= 0.12 * p.range_km, sid


def test_published_area_is_the_words_distance_and_compass_point():
    t = scenario("2023-03-16").target  # about 200 km west of Oshima-Oshima
    lat, lon = published_area(t)
    n = len(lat)
    fwd, _, d = GEOD.inv(np.full(n, t.lon), np.full(n, t.lat), lon, lat)
    h = PUBLISHED_DISTANCE_HALF_WIDTH_KM
    assert d.min() / 1000 == pytest.approx(t.distance_km - h, abs=0.01)
    assert d.max() / 1000 == pytest.approx(t.distance_km + h, abs=0.01)
    assert (fwd % 360).min() == pytest.approx(270 - COMPASS_HALF_SECTOR_DEG, abs=0.01)
    assert (fwd % 360).max() == pytest.approx(270 + COMPASS_HALF_SECTOR_DEG, abs=0.01)


def test_no_published_eez_verdict_is_contradicted(table):
    """The model may call a published verdict uncertain (the table shows it), never the opposite:
    not at the simulated fall, and not over the whole of the published fall area."""
    wrong = [r.id for r in table.rows if "wrong" in (r.eez_verdict, r.eez_verdict_at_published_point)]
    assert not wrong, f"EEZ verdict contradicts the published one for {wrong}"
    compared = [r for r in table.rows if r.eez_verdict is not None]
    assert len(compared) >= 12


def test_fidelity_is_as_pinned_event_by_event(table):
    moved = []
    for r in table.rows:
        e = r.flight_time_error_s
        now = (len(r.both), len(r.only_actual), len(r.only_simulated), r.eez_verdict, r.eez_verdict_at_published_point,
               None if e is None else round(e))
        want = PINNED.get(r.id)
        same = want is not None and now[:5] == want[:5] and (
            (now[5] is None) == (want[5] is None) and (now[5] is None or abs(now[5] - want[5]) <= FLIGHT_TIME_TOLERANCE_S))
        if not same:
            moved.append(f"{r.id}: pinned {want}, now {now}")
    missing = sorted(set(PINNED) - {r.id for r in table.rows})
    assert not moved and not missing, "fidelity moved:\n" + "\n".join(moved + [f"{m}: gone" for m in missing])


def test_totals_follow_from_the_pinned_events(table):
    """Totals recomputed here from the pinned rows (true positives: in both; false negatives: only
    in reality; false positives: only simulated), so a change of a total names its events above."""
    t = table.totals
    modelled = [sid for sid in PINNED if scenario(sid).modelled]
    since = [sid for sid in modelled if sid >= "2022"]
    for ids, pr in ((modelled, t.prefectures_all), (since, t.prefectures_since_2022)):
        tp, fn, fp = (sum(PINNED[i][k] for i in ids) for k in (0, 1, 2))
        assert (pr.true_positives, pr.false_negatives, pr.false_positives) == (tp, fn, fp)
        assert pr.precision == pytest.approx(tp / (tp + fp)) and pr.recall == pytest.approx(tp / (tp + fn))
    assert (t.prefectures_all.precision, t.prefectures_all.recall) == (pytest.approx(15 / 16), pytest.approx(15 / 35))
    assert (t.prefectures_since_2022.precision, t.prefectures_since_2022.recall) == (pytest.approx(9 / 10), 1.0)
    assert t.eez == {"right": 6, "uncertain": 8, "wrong": 0}
    assert t.eez_at_published_points == {"right": 8, "uncertain": 5, "wrong": 0}
    errors = [PINNED[i][5] for i in PINNED if PINNED[i][5] is not None]
    assert t.flight_time_compared == len(errors) == 13
    assert t.flight_time_median_error_s == pytest.approx(float(np.median(np.abs(errors))), abs=FLIGHT_TIME_TOLERANCE_S)
    assert t.flight_time_worst_event == "2017-07-04"


def test_since_2022_the_model_warns_the_prefectures_that_were_warned(table):
    # Today's practice (jalert.md): the alert area follows the predicted path; 2022-10-04 Hokkaido and
    # Aomori, the Okinawa satellite launches Okinawa only.
    assert table.row("2022-10-04").simulated_prefectures == ("01", "02")
    for sid in ("2023-05-31", "2023-08-24", "2023-11-21", "2024-05-27"):
        assert table.row(sid).simulated_prefectures == ("47",), sid
    for sid in SILENT:
        assert table.row(sid).simulated_prefectures == (), sid


def test_cli_compare_table_json_and_csv():
    out = runner.invoke(app, ["scenarios", "--compare"], env={"COLUMNS": "160"})
    assert out.exit_code == 0, out.output
    assert "precision 94%, recall 43%" in out.stdout and "precision 90%, recall 100%" in out.stdout
    assert "6 right, 8 uncertain, 0 wrong" in out.stdout
    doc = json.loads(runner.invoke(app, ["scenarios", "--compare", "--format", "json"]).stdout)
    assert [r["id"] for r in doc["rows"]] == [s.id for s in scenarios()]
    assert doc["totals"]["prefectures"]["since_2022"]["recall"] == 1.0
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["scenarios", "--compare", "-f", "csv"]).stdout)))
    by_id = {r["id"]: r for r in rows}
    assert len(rows) == len(scenarios())
    assert by_id["2017-08-29"]["prefectures_both"] == "01 02"
    assert by_id["2023-04-13"]["modelled"] == "False"


def test_cli_bad_format_and_unmodelled_scenario_are_one_line_errors():
    out = runner.invoke(app, ["scenarios", "--format", "csv"])
    assert out.exit_code == 2 and "csv needs --compare" in out.output
    out = runner.invoke(app, ["run", "--scenario", "2023-04-13"])
    assert out.exit_code == 2 and "Traceback" not in out.output and "--azimuth" in out.output


def test_a_scenario_that_is_not_modelled_says_why_on_the_command_line():
    from typer.testing import CliRunner

    from jalert_sim.cli import app

    out = CliRunner().invoke(app, ["run", "--scenario", "2023-04-13"])
    assert out.exit_code == 2
    assert "scenario 2023-04-13 is not modelled: " in " ".join(out.output.split())
