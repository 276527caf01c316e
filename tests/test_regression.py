"""The answers of the fixture recorded from main before the layout change, reproduced.

``tests/regression/record.py`` recorded, for 324 varied scenarios (every launch site and raw
coordinates, all azimuths, minimum-energy, depressed and lofted arcs, impossible ones, varied
model options and launch-time offsets, the historical launches), the ``run --format json``
document and a sample of the track, and the digests of whole command outputs. A change of
code layout must not change any of it: the same warned prefectures, reasons and message kinds
and texts, ISO times (to the second) equal, impact points to a metre, every other number to
1 part in a million. A change of behaviour that is meant re-records the fixture in its commit.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

import jalert_sim

sys.path.insert(0, str(Path(__file__).resolve().parent / "regression"))
import record  # noqa: E402

RECORDS = json.loads(gzip.decompress(record.SCENARIOS_FILE.read_bytes()))["records"]
DIGESTS = json.loads(record.OUTPUTS_FILE.read_text(encoding="utf-8"))

#: Degrees: 1e-5 of latitude is 1.1 m.
_DEG_TOL = 1e-5
_DEG_KEYS = {"lat", "lon", "impact_lat", "impact_lon", "apogee_lat", "apogee_lon"}


def differences(recorded: Any, now: Any, path: str = "") -> list[str]:
    if isinstance(recorded, dict) and isinstance(now, dict):
        if recorded.keys() != now.keys():
            return [f"{path}: keys {sorted(recorded.keys() ^ now.keys())} differ"]
        return [d for k in recorded for d in differences(recorded[k], now[k], f"{path}/{k}")]
    if isinstance(recorded, list) and isinstance(now, list):
        if len(recorded) != len(now):
            return [f"{path}: {len(recorded)} items recorded, {len(now)} now"]
        return [d for k, (a, b) in enumerate(zip(recorded, now)) for d in differences(a, b, f"{path}[{k}]")]
    if isinstance(recorded, float) and isinstance(now, (int, float)) and not isinstance(now, bool):
        key = path.rsplit("/", 1)[-1]
        ok = (abs(recorded - now) <= _DEG_TOL if key in _DEG_KEYS
              else math.isclose(recorded, now, rel_tol=1e-6, abs_tol=1e-6))
        return [] if ok else [f"{path}: recorded {recorded!r}, now {now!r}"]
    if type(recorded) is not type(now):
        return [f"{path}: recorded {recorded!r}, now {now!r} (types)"]
    return [] if recorded == now else [f"{path}: recorded {recorded!r}, now {now!r}"]


def _now(result) -> dict:
    if isinstance(result, jalert_sim.JalertError):
        return {"error": str(result)}
    doc = result.to_dict(track=True)
    track = doc.pop("track")
    return {"document": doc, "track": track[::record.TRACK_EVERY] + track[-1:]}


def _expected(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if k != "input"}


def test_fixture_covers_what_it_claims():
    """Guard against a fixture that holds too little to catch anything."""
    docs = [r["document"] for r in RECORDS if "document" in r]
    reasons = {a["reason"] for d in docs for a in d["alerts"]}
    kinds = {m["kind"] for d in docs for m in d["messages"]}
    assert len(RECORDS) >= 300 and sum("error" in r for r in RECORDS) >= 3
    assert reasons == {"impact", "overflight", "corridor"}
    assert kinds == {"launch", "take_shelter_now", "passed", "fell_in_japan", "fell_outside"}
    assert {d["impact"]["eez_status"] for d in docs} == {"inside", "outside", "uncertain"}
    assert sum(not d["alert_issued"] for d in docs) >= 50


def test_batch_route_reproduces_the_fixture():
    results = jalert_sim.simulate_many([r["input"] for r in RECORDS], errors="return")
    diffs = []
    for rec, result in zip(RECORDS, results):
        for d in differences(_expected(rec), _now(result)):
            diffs.append(f"{rec['input']}: {d}")
    assert not diffs, f"{len(diffs)} differences; first:\n" + "\n".join(diffs[:15])


def test_compiled_route_reproduces_the_fixture():
    """The same scenarios with every call sent to the compiled kernels, as a large job's workers
    send them (their size thresholds set to 0): the fixture's answers too. (The test above takes
    the numpy route where its calls are small, as a few hundred scenarios' are.)"""
    pytest.importorskip("numba")
    from jalert_sim.batch.workers import _compiled_routes

    with _compiled_routes():
        results = jalert_sim.simulate_many([r["input"] for r in RECORDS], errors="return")
    diffs = [f"{rec['input']}: {d}" for rec, result in zip(RECORDS, results)
             for d in differences(_expected(rec), _now(result))]
    assert not diffs, f"{len(diffs)} differences; first:\n" + "\n".join(diffs[:15])


@pytest.mark.parametrize("k", range(0, len(RECORDS), 5))
def test_single_route_reproduces_the_fixture(k):
    rec = RECORDS[k]
    try:
        result = jalert_sim.simulate(**rec["input"])
    except jalert_sim.JalertError as exc:
        result = exc
    diffs = differences(_expected(rec), _now(result))
    assert not diffs, "\n".join(diffs[:15])


@pytest.mark.parametrize("label, argv", record.commands(), ids=[label for label, _ in record.commands()])
def test_command_output_bytes_are_unchanged(label, argv):
    """The whole output of each command, byte for byte (a digest of the recorded bytes; numpy's
    AVX-512 math switched off, as ``record.command_env`` explains). On a failure, record the
    fixture on the commit before the change and on this one, and compare the outputs of
    ``record.run_cli(argv)``."""
    if argv[0] == "map":
        pytest.importorskip("matplotlib")
    assert hashlib.sha256(record.run_cli(argv)).hexdigest() == DIGESTS[label]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_batch_output_bytes_are_unchanged(tmp_path, fmt):
    inputs = [r["input"] for r in RECORDS]
    src = tmp_path / "in.jsonl"
    src.write_text(record.batch_input(inputs), encoding="utf-8")
    assert hashlib.sha256(record._batch_bytes(src, fmt)).hexdigest() == DIGESTS[f"batch {fmt}"]
