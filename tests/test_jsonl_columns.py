"""A batch's JSONL records assembled from the table's columns (simulation.documents) against the
records of the results (``json_record`` over ``table.results()``, each ``to_dict()`` walked): the
same bytes, on the benchmark's rows, the regression fixture's inputs, bad and infeasible rows,
flights that warn nobody, falls on land, in the territorial sea and the EEZ, launches in other
zones (a zone with daylight saving takes results()), ids of every type, with and without tracks."""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jalert_sim.batch import chunks
from jalert_sim.batch.chunks import Chunk, Settings, solve_chunk, solve_parsed
from jalert_sim.batch.records import json_record
from jalert_sim.simulation.api import prepare, solve_table

HERE = Path(__file__).resolve().parent


def _benchmark():
    spec = importlib.util.spec_from_file_location("_batch_benchmark", HERE.parent / "benchmarks" / "batch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference(table, ids, rows, track) -> str:
    """The records as the batch wrote them before: a SimulationResult per row, its to_dict() walked."""
    return "".join([json_record(i, r, result, track=track) + "\n" for i, r, result in zip(ids, rows, table.results())])


def _both(items: list, ids: list, track: bool = False) -> tuple[str, str, object]:
    table = solve_table([prepare(item) for item in items])
    rows = list(range(1, len(items) + 1))
    fast = chunks._jsonl(table, ids, rows, track)  # (UTF-8 bytes; a lone surrogate as surrogatepass writes it)
    return fast.decode("utf-8", "surrogatepass"), _reference(table, ids, rows, track), table


def _assert_same(fast: str, slow: str) -> None:
    if fast != slow:  # name the first record and key that differ
        for a, b in zip(fast.splitlines(), slow.splitlines()):
            if a != b:
                da, db = json.loads(a), json.loads(b)
                keys = [k for k in db if da.get(k) != db.get(k)]
                pytest.fail(f"record {db.get('row')}: {keys} differ\n{a[:2000]}\n{b[:2000]}")
        pytest.fail("the texts differ (not record by record)")


#: Launch times in several zones: fixed offsets east and west, with seconds and microseconds, and
#: zones with daylight saving (their rows take results()).
ZONES = ["2026-01-01T00:00:00+09:00", "2017-08-29T05:57:59.999999+09:00", "2023-04-13T07:22:00+00:00",
         "2024-02-29T23:59:30-05:00", "2020-02-28T23:58:40.25+05:45", "2019-12-31T14:59:59+00:00",
         datetime(2026, 3, 8, 1, 59, 30, tzinfo=ZoneInfo("America/New_York")),
         datetime(2025, 7, 1, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
         datetime(2021, 6, 1, 3, 4, 5, 600_000, tzinfo=timezone(timedelta(hours=-9, minutes=-30)))]


def _varied() -> tuple[list[dict], list]:
    """Rows of every kind: falls in Japan (land, territorial sea), in the EEZ and outside, overflights,
    no alert, bad inputs and impossible flights, other models, in every zone of ZONES."""
    flights = [
        ("pyongyang", 95.0, 600.0, 1000.0), ("pyongyang", 85.0, 550.0, 2700.0), ("sohae", 164.9, 345.8, None),
        ("sinpo", 162.2, 315.8, 763.7), ("41.5216,125.0663", 293.8, 248.4, None), ("pyongyang", 120.0, 150.0, 650.0),
        ("pyongyang", 104.0, 900.0, 950.0), ("pyongyang", 100.0, 200.0, 1200.0), ("pyongyang", 60.0, 1500.0, 4800.0),
        ("pyongyang", 110.0, 2000.0, 2500.0), ("pyongyang", 140.0, 400.0, 1300.0), ("kusong", 108.09, 131.4, 7027.2),
        ("pyongyang", 95.0, 120.0, 20000.0),  # impossible: no such trajectory (solved, then refused)
        ("pyongyang", 95.0, "high", None),  # bad apogee
        ("nowhere", 90.0, 500.0, None),  # unknown site
        ("38.0,127.0", 90.0, 500.0, 900.0),
    ]
    items, ids = [], []
    for k, (launch, az, apogee, rng) in enumerate(flights * 3):
        item = {"launch": launch, "azimuth_deg": az + 0.37 * (k // len(flights)), "apogee_km": apogee,
                "range_km": rng, "launch_time": ZONES[k % len(ZONES)]}
        if k % 4 == 1:
            item.update(latency_s=60.0, report_delay_s=30.0, corridor_km=0.0, impact_radius_km=0.0)
        if k % 5 == 2:
            item.update(burn_time_s=150.0, burnout_altitude_km=90.0, corridor_km=120.0)
        items.append(item)
        ids.append([f"r{k}", k, float(k) + 0.5, f"日本{k}"][k % 4])
    return items, ids


@pytest.mark.parametrize("track", [False, True])
def test_varied_rows_write_the_same_bytes(track):
    items, ids = _varied()
    fast, slow, table = _both(items, ids, track)
    _assert_same(fast, slow)
    docs = [json.loads(line) for line in slow.splitlines()]
    # what the rows cover: errors, no alert, every reason and message kind, falls on Japanese land
    # and territorial sea and in the EEZ, and rows of both routes
    assert sum("no ballistic trajectory" in d.get("error", "") for d in docs) == 3
    assert sum("error" in d for d in docs) == 9
    good = [d for d in docs if "error" not in d]
    assert any(not d["alert_issued"] for d in good)
    assert {a["reason"] for d in good for a in d["alerts"]} == {"impact", "overflight", "corridor"}
    assert {m["kind"] for d in good for m in d["messages"]} >= {"launch", "take_shelter_now", "passed",
                                                                "fell_in_japan", "fell_outside"}
    assert any(d["impact"]["on_land"] and d["impact"]["prefecture"] for d in good)
    assert {d["impact"]["eez_status"] for d in good} >= {"inside", "outside"}
    assert {d["input"]["launch_time"][-6:] for d in good} >= {"+09:00", "-05:00", "+05:45", "+00:00", "-09:30"}
    assert sum(isinstance(s.launch_time.tzinfo, ZoneInfo) for s in table._scenarios if hasattr(s, "launch_time")) >= 4
    assert ("track" in good[0]) is track


def test_documents_are_to_dicts_including_other_zones():
    items, _ = _varied()
    table = solve_table([prepare(item) for item in items])
    results = table.results()
    for track, docs in ((False, table.documents(track=False)), (True, table.documents())):  # (to_dict's default)
        for doc, result in zip(docs, results):
            assert doc == (result if isinstance(result, Exception) else result.to_dict(track=track))
            if not isinstance(result, Exception):
                assert list(doc) == list(result.to_dict(track=track))


def test_benchmark_rows_through_the_chunks_write_the_same_bytes():
    """The benchmark's typical rows, as a CSV chunk: solve_chunk's text against the results'."""
    bench = _benchmark()
    rows = bench.scenarios(1500, seed=3)
    header = list(rows[0])
    body = [["" if row[h] is None else str(row[h]) for h in header] for row in rows]
    body[7][2] = "north"  # a bad azimuth
    for track in (False, True):
        settings_ = Settings("csv", tuple(header), "jsonl", track, "2026-01-01T00:00:00+09:00")
        out = solve_chunk(Chunk(settings_, 1, body))
        from jalert_sim.batch.columnar import parse_csv_rows

        parsed = parse_csv_rows(tuple(header), body, 1, settings_.launch_time, "UTF-8")
        table = solve_table([item if not isinstance(item, dict) else prepare(item) for _, item in parsed])
        expected = _reference(table, [i for i, _ in parsed], list(range(1, len(body) + 1)), track)
        _assert_same(out.text.decode(), expected)
        assert out.failed >= 1 and out.ok > 1000


def test_regression_inputs_write_the_same_bytes():
    path = HERE / "regression" / "scenarios.json.gz"
    inputs = [r["input"] for r in json.loads(gzip.decompress(path.read_bytes()))["records"]]
    ids = [k if k % 3 else f"s{k}" for k in range(len(inputs))]
    fast, slow, _ = _both(inputs, ids)
    _assert_same(fast, slow)


def test_float_ids_and_odd_ids_go_through_the_same_serialiser():
    items = [{"launch": "pyongyang", "azimuth_deg": 100.0, "apogee_km": 600.0, "range_km": 1000.0,
              "launch_time": "2026-01-01T00:00:00+09:00"}] * 5
    ids = [math.nan, 1e-7, 2**70, "\ud800x", None]
    fast, slow, _ = _both(items, ids)
    _assert_same(fast, slow)
    assert "NaN" in fast and "1e-07" in fast


def test_solve_parsed_writes_the_same_bytes_as_before():
    items, ids = _varied()
    parsed = list(zip(ids, items))
    rows = list(range(10, 10 + len(items)))
    out = solve_parsed(parsed, rows, "jsonl")
    table = solve_table([prepare(item) for item in items])
    _assert_same(out.text.decode(), _reference(table, ids, rows, False))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(["pyongyang", "sohae", "sinpo", "kusong", "39.0,125.7", "40.5,129.0"]),
                          st.floats(0.0, 360.0), st.floats(80.0, 2500.0),
                          st.one_of(st.none(), st.floats(300.0, 6000.0)),
                          st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1)),
                          st.integers(-12 * 60, 14 * 60), st.sampled_from([0.0, 30.0, 240.0, 600.0])),
                min_size=1, max_size=12))
def test_random_flights_write_the_same_bytes(flights):
    items = [{"launch": site, "azimuth_deg": az, "apogee_km": apogee, "range_km": rng,
              "launch_time": when.replace(tzinfo=timezone(timedelta(minutes=offset))).isoformat(),
              "latency_s": latency} for site, az, apogee, rng, when, offset, latency in flights]
    fast, slow, _ = _both(items, [f"f{k}" for k in range(len(items))])
    _assert_same(fast, slow)


def _floats(doc):
    """Every float of a JSON document."""
    if isinstance(doc, dict):
        return [x for v in doc.values() for x in _floats(v)]
    if isinstance(doc, list):
        return [x for v in doc for x in _floats(v)]
    return [doc] if isinstance(doc, float) else []


def test_documents_said_plain_hold_only_plain_floats():
    """ScenarioTable.iter_documents' flag lets the records skip orjson's checks: where it says plain,
    every float is finite and 0 or 1e-4 <= |x| < 1e16 (repr writes it without an exponent)."""

    items, _ = _varied()
    tiny = [dict(items[k], **extra) for k, extra in enumerate(
        [{"latency_s": 5e-5}, {"corridor_km": 2e-5}, {"report_delay_s": 1e-5}, {"impact_radius_km": 3e-5}])]
    table = solve_table([prepare(item) for item in items + tiny])
    plain = [False] * len(table)
    docs = table.documents(track=False)
    for k, _, flag in table.iter_documents(track=False):
        plain[k] = flag
    assert sum(plain) >= 25 and not any(plain[len(items):])
    for doc, flag in zip(docs, plain):
        if flag:
            assert all(x == 0 or 1e-4 <= abs(x) < 1e16 for x in _floats(doc))
    # ... and those that are not are written as json writes them
    ids = [f"t{k}" for k in range(len(tiny))]
    fast, slow, _ = _both(tiny, ids)
    _assert_same(fast, slow)
    assert "5e-05" in fast and "1e-05" in fast


def test_iso_texts_are_iso_seconds():
    """clock.iso_texts (a column of times at once) against iso_seconds, the one-by-one route, on the
    fixed-offset launches and the times of test_jsonl_fast that stay within datetime's years."""
    import numpy as np

    from jalert_sim import clock
    from test_jsonl_fast import LAUNCHES, SECONDS

    fixed = [t for t in LAUNCHES if clock.fixed_offset(t) and 1000 <= t.year <= 9000]
    times = [s for s in SECONDS if not abs(s) >= 1e8] + [np.float64(59.5), -0.5000001, 86399.49999]
    launches = [t for t in fixed for _ in times]
    seconds = [s for _ in fixed for s in times]
    jst_s = np.array([clock.jst_microseconds(t) // 1_000_000 for t in launches])
    expected = [None if s != s else clock.iso_seconds(t)(s) for t, s in zip(launches, seconds)]
    assert len(fixed) >= 6 and clock.iso_texts(jst_s, seconds) == expected


def test_the_chunks_bytes_reach_files_streams_and_stdout_as_the_same_text(tmp_path, capsys):
    """A JSONL chunk is UTF-8 bytes (chunks._jsonl): the -o file gets them as they are, stdout and a
    caller's text stream get them decoded; all three hold the records of the results."""
    import io

    from jalert_sim.batch import run_batch

    items, ids = _varied()
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"r{k}", "launch": it["launch"], "azimuth": it["azimuth_deg"],
                                       "apogee": it["apogee_km"], "range": it["range_km"],
                                       "launch_time": it["launch_time"] if isinstance(it["launch_time"], str)
                                       else it["launch_time"].isoformat()}, ensure_ascii=False) + "\n"
                           for k, it in enumerate(items)), encoding="utf-8")
    run_batch(src, tmp_path / "out.jsonl", jobs=1)
    stream = io.StringIO()
    run_batch(src, stream, jobs=1)
    capsys.readouterr()
    run_batch(src, "-", jobs=1)
    printed = capsys.readouterr().out
    written = (tmp_path / "out.jsonl").read_bytes().decode("utf-8")
    assert written == stream.getvalue() == printed and len(written.splitlines()) == len(items)
    assert "日本の" in written or "都道府県" in written
