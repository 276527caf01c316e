"""simulate_many(table=True) (simulation.table.ScenarioTable) and the outputs written from its
columns (batch CSV, Parquet): they say what the SimulationResult documents say, scenario by
scenario, a failed one included. The documents are the reference (tests/test_regression.py holds
them to the recorded fixture)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import jalert_sim
from jalert_sim.exports.csv import scenario_row, table_csv

sys.path.insert(0, str(Path(__file__).resolve().parent / "regression"))
import record  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    filter(None, [str(Path(jalert_sim.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")]))}
INPUTS = record.scenario_inputs()[:90] + [{"launch": "nowhere", "azimuth_deg": 80, "apogee_km": 500}]


@pytest.fixture(scope="module")
def solved():
    table = jalert_sim.simulate_many(INPUTS, errors="return", table=True)
    results = jalert_sim.simulate_many(INPUTS, errors="return")
    return table, results


def test_failed_scenarios_are_rows(solved):
    table, results = solved
    failed = [k for k, r in enumerate(results) if isinstance(r, jalert_sim.JalertError)]
    assert len(failed) >= 2  # an impossible trajectory and the unknown site
    assert [k for k in range(len(table)) if not table["ok"][k]] == failed
    for k in failed:
        assert table.error[k] == str(results[k])
        assert math.isnan(table["impact_lat"][k]) and table["alert_count"][k] == 0 and not table.warned[k].any()
        assert str(table.result(k)) == str(results[k])


def test_warned_matrix_and_pair_values_are_the_alerts(solved):
    table, results = solved
    codes = table.prefecture_codes
    lead = table.prefecture_values("lead_time_s")
    closest = table.prefecture_values("closest_distance_km")
    for k, r in enumerate(results):
        if isinstance(r, jalert_sim.JalertError):
            continue
        got = {codes[j]: table.reasons[c] for j, c in enumerate(table.warned[k]) if c}
        assert got == {a.code: a.reason.value for a in r.alerts}
        for a in r.alerts:
            j = codes.index(a.code)
            assert lead[k, j] == a.lead_time_s and closest[k, j] == a.closest_distance_km
        assert table["alert_count"][k] == len(r.alerts)
        assert table["impact_lat"][k] == r.impact.lat and table["flight_time_s"][k] == r.trajectory["flight_time_s"]
        assert table["impact_description"][k] == r.impact.description


def test_csv_from_columns_is_the_documents_csv(solved):
    """table_csv (columns, no per-scenario object) writes the bytes scenario_row writes from each
    result's document."""
    table, results = solved
    ids = [f"s{k}" for k in range(len(table))]
    rows = list(range(1, len(table) + 1))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(scenario_row(i, r, res) for i, r, res in zip(ids, rows, results))
    assert table_csv(table, ids, rows) == buffer.getvalue()


def test_results_from_the_table_are_simulate(solved):
    table, _ = solved
    k = next(k for k in range(len(table)) if table["alert_count"][k] > 1)
    alone = jalert_sim.simulate(**INPUTS[k])
    assert table.result(k).to_dict(track=False) == alone.to_dict(track=False)


def test_to_arrow_columns(solved):
    pa = pytest.importorskip("pyarrow")
    table, results = solved
    t = table.to_arrow()
    assert t.num_rows == len(table)
    rows = t.to_pylist()
    for k, r in enumerate(results):
        if isinstance(r, jalert_sim.JalertError):
            assert rows[k]["error"] == str(r) and rows[k]["impact_lat"] is None and rows[k]["warned_codes"] is None
            continue
        doc = r.to_dict(track=False)
        assert rows[k]["warned_codes"] == [a["code"] for a in doc["alerts"]]
        assert rows[k]["warned_reasons"] == [a["reason"] for a in doc["alerts"]]
        assert rows[k]["impact_time"].isoformat() == doc["impact"]["time"]
        assert rows[k]["launch_time"] == r.launch_time
    assert t.schema.field("alert_count").type == pa.int16()


def _batch(*args: str, code: str = "") -> subprocess.CompletedProcess:
    prog = code + "from jalert_sim.cli import main; main()"
    return subprocess.run([sys.executable, "-c", prog, "batch", *args], env=ENV, capture_output=True, text=True)


def test_batch_parquet_says_what_the_csv_says(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in.jsonl"
    src.write_text(record.batch_input(record.scenario_inputs()), encoding="utf-8")
    for fmt in ("csv", "parquet"):
        done = _batch(str(src), "--format", fmt, "-o", str(tmp_path / f"out.{fmt}"), "--at", "2020-01-01T00:00+09:00")
        assert done.returncode == 1, done.stderr  # two rows are bad on purpose
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        lines = list(csv.DictReader(handle))
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert len(rows) == len(lines) == 62
    for line, row in zip(lines, rows):
        assert line["id"] == row["id"] and int(line["row"]) == row["row"] and line["error"] == (row["error"] or "")
        if row["error"]:
            assert row["impact_lat"] is None and row["warned"] is None
            continue
        assert line["warned"] == row["warned"] == ";".join(row["warned_codes"])
        assert float(line["impact_lat"]) == pytest.approx(row["impact_lat"], rel=1e-5)
        for name in ("impact_time", "alert_time", "overflight_start", "overflight_end"):
            assert line[name] == ("" if row[name] is None else row[name].isoformat())


def test_batch_parquet_encodes_a_dictionary_only_where_values_repeat(tmp_path):
    """Text and list columns (sites, seas, warned sets) are dictionary-encoded, the per-scenario
    figures and the unique ids plain: pyarrow's default would try a dictionary for every column."""
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in.jsonl"
    src.write_text(record.batch_input(record.scenario_inputs()), encoding="utf-8")
    target = tmp_path / "out.parquet"
    assert _batch(str(src), "--format", "parquet", "-o", str(target)).returncode == 1  # (two bad rows)
    meta = pq.ParquetFile(target).metadata
    group = meta.row_group(0)
    encodings = {group.column(i).path_in_schema: group.column(i).encodings for i in range(meta.num_columns)}
    for name in ("site", "impact_sea", "warned", "warned_codes.list.element", "impact_description"):
        assert "RLE_DICTIONARY" in encodings[name], name
    for name in ("id", "apogee_km", "impact_lat", "flight_time_s", "overflight_start_s"):
        assert "RLE_DICTIONARY" not in encodings[name], name


def test_parquet_needs_a_file_and_pyarrow(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("launch,azimuth,apogee\nsunan,80,600\n", encoding="utf-8")
    done = _batch(str(src), "--format", "parquet")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "-o FILE.parquet" in done.stderr
    target = tmp_path / "out.parquet"
    done = _batch(str(src), "--format", "parquet", "-o", str(target), code="import sys; sys.modules['pyarrow'] = None; ")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "pip install" in done.stderr
    assert not target.exists()


def test_batch_writes_the_format_its_output_name_says(tmp_path):
    """Without --format, -o out.parquet is a Parquet file and -o out.csv a CSV one (a name that says
    neither, or stdout, gets JSONL): a Parquet-named file of JSONL would be a trap."""
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in.csv"
    src.write_text("id,launch,azimuth,apogee\na,sunan,80,600\nb,sunan,95,700\n", encoding="utf-8")
    for name in ("out.parquet", "out.csv", "out.txt"):
        done = _batch(str(src), "-o", str(tmp_path / name), "--at", "2020-01-01T00:00+09:00")
        assert done.returncode == 0, done.stderr
    assert pq.read_table(tmp_path / "out.parquet").column("id").to_pylist() == ["a", "b"]
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("id,row,")
    assert [json.loads(line)["id"] for line in (tmp_path / "out.txt").read_text(encoding="utf-8").splitlines()] == ["a", "b"]


def test_a_table_with_no_simulated_scenario_has_the_schema_of_one_with_some():
    """A chunk whose rows all failed (or an empty input) is written with the same Arrow columns as
    any other: its (empty) warned pairs are integer indices, not floats."""
    pytest.importorskip("pyarrow")
    from jalert_sim.simulation.api import prepare, solve_table

    some = jalert_sim.simulate_many([{"launch": "sunan", "azimuth_deg": 80, "apogee_km": 600}], table=True).to_arrow()
    failed = solve_table([prepare({"launch": "nowhere", "azimuth_deg": 80, "apogee_km": 600})])
    assert failed.to_arrow().schema == some.schema and failed.to_arrow()["warned_codes"].to_pylist() == [None]
    assert solve_table([]).to_arrow().schema == some.schema and solve_table([]).to_arrow().num_rows == 0
