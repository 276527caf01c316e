"""Record the regression fixture: what jalert-sim says for a few hundred varied scenarios.

The fixture was first recorded from main before the layout change (issue "One engine, and a
layout that shows the architecture"), so that the refactored code can be held to the same
answers. Re-record it only when a change of behaviour is intended, and say so in the commit:

    python tests/regression/record.py

It writes two files beside this one:

* ``scenarios.json.gz``: per scenario its inputs and the ``run --format json`` document
  without the track, plus every 20th track sample (or the error message, for a scenario that
  cannot be flown);
* ``outputs.json``: SHA-256 digests of whole command outputs (every ``run`` format, the
  drill's plain timeline, a batch in CSV and JSONL, an SVG map) for the historical scenarios,
  so that the bytes a user sees are held too. The commands run with numpy's AVX-512 code
  switched off (:func:`command_env`): on a machine with AVX-512, numpy computes arctan2, tan,
  cbrt and others with its own SIMD versions, which differ from the C library's in the last
  bits, and those bits reach every full-precision number and the identifiers hashed from them.

Inputs are drawn once from a fixed seed and stored with the answers: the test replays the
stored inputs, whatever numpy's generators do in later versions.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SCENARIOS_FILE = HERE / "scenarios.json.gz"
OUTPUTS_FILE = HERE / "outputs.json"
TRACK_EVERY = 20

#: Launch-time spellings: JST, another fixed offset, UTC, a day boundary in JST.
_TIMES = ("2017-08-29T05:58:00+09:00", "2022-10-04T07:22:30+09:00", "2023-04-13T07:22:00+00:00",
          "2024-12-31T23:55:00+09:00", "2016-02-07T09:31:00-05:00")


def scenario_inputs(seed: int = 20261206) -> list[dict]:
    """A few hundred keyword-argument sets of ``jalert_sim.simulate``: every catalogue site and
    raw coordinates, all azimuths (most toward Japan), low to lofted apogees, minimum energy and
    given ranges (some impossible), the model options varied, five launch-time spellings."""
    from jalert_sim.geo import places

    rng = np.random.default_rng(seed)
    sites = [s.key for s in places.launch_sites()]
    out: list[dict] = []
    for k in range(320):
        if k % 3 == 0:
            launch = f"{rng.uniform(33.0, 43.0):.4f},{rng.uniform(123.0, 131.0):.4f}"
        else:
            launch = sites[k % len(sites)]
        azimuth = float(rng.uniform(30.0, 200.0) if k % 4 else rng.uniform(0.0, 360.0))
        kind = k % 5
        if kind in (0, 1):  # minimum energy
            apogee, range_km = float(rng.uniform(80.0, 1200.0)), None
        elif kind == 2:  # standard or depressed arcs
            apogee, range_km = float(rng.uniform(60.0, 1100.0)), float(rng.uniform(300.0, 5000.0))
        elif kind == 3:  # lofted
            apogee, range_km = float(rng.uniform(2000.0, 7000.0)), float(rng.uniform(300.0, 1300.0))
        else:  # long and sometimes impossible
            apogee, range_km = float(rng.uniform(300.0, 4500.0)), float(rng.uniform(800.0, 13000.0))
        kwargs = {"launch": launch, "azimuth_deg": round(azimuth, 3), "apogee_km": round(apogee, 2),
                  "range_km": None if range_km is None else round(range_km, 1), "launch_time": _TIMES[k % len(_TIMES)]}
        if k % 7 == 0:
            kwargs["corridor_km"] = float(rng.choice([0.0, 20.0, 120.0, 300.0]))
        if k % 11 == 0:
            kwargs["impact_radius_km"] = float(rng.choice([0.0, 150.0]))
            kwargs["latency_s"] = float(rng.choice([60.0, 600.0]))
        if k % 13 == 0:
            kwargs["report_delay_s"] = 30.0
        if k % 17 == 0:
            kwargs["burn_time_s"] = float(rng.choice([60.0, 150.0]))
        if k % 19 == 0:
            kwargs["burnout_altitude_km"] = 90.0
        out.append(kwargs)
    for s in recorded_scenarios():
        kwargs = s.simulate_kwargs()
        kwargs["launch_time"] = kwargs["launch_time"].isoformat()
        out.append(kwargs)
    return out


def answers(inputs: list[dict]) -> list[dict]:
    """Per input: {"input", "document", "track"} or {"input", "error"}; simulated as a batch (the
    vectorised route) and one by one for every fifth (the single route), which must agree."""
    import jalert_sim

    results = jalert_sim.simulate_many(inputs, errors="return")
    out = []
    for kwargs, result in zip(inputs, results):
        if isinstance(result, jalert_sim.JalertError):
            out.append({"input": kwargs, "error": str(result)})
            continue
        doc = result.to_dict(track=True)
        track = doc.pop("track")
        out.append({"input": kwargs, "document": doc, "track": track[::TRACK_EVERY] + track[-1:]})
    return out


#: The historical scenarios of the fixture: the catalogue's first four, recorded before it grew
#: (the rest of the catalogue is held by tests/test_fidelity.py, event by event).
RECORDED_SCENARIOS = ("2017-08-29", "2017-09-15", "2022-10-04", "2023-07-12")


def recorded_scenarios():
    from jalert_sim.simulation.scenarios import scenario

    return [scenario(sid) for sid in RECORDED_SCENARIOS]


#: The commands whose whole output is held by digest: (label, argv). ``{out}`` is a temporary file.
def commands() -> list[tuple[str, list[str]]]:
    out = []
    for s in recorded_scenarios():
        for fmt in ("json", "csv", "geojson", "kml", "cap"):
            out.append((f"run {s.id} {fmt}", ["run", "--scenario", s.id, "--format", fmt]))
        out.append((f"run {s.id} table", ["run", "--scenario", s.id, "--map", "-o", "{out}"]))
        out.append((f"drill {s.id} ja", ["drill", "--scenario", s.id, "--speed", "0", "--lang", "ja"]))
    out.append(("run wide corridor json", ["run", "--launch", "sinpo", "--azimuth", "95", "--apogee", "900",
                                           "--corridor-km", "150", "--at", "2024-01-01T06:00", "--format", "json"]))
    out.append(("map 2017-09-15 svg", ["map", "--scenario", "2017-09-15", "-o", "{out}.svg"]))
    return out


def batch_input(inputs: list[dict]) -> str:
    """The first 60 inputs as a JSONL batch (ids set), plus two bad rows."""
    lines = []
    for k, kwargs in enumerate(inputs[:60]):
        row = {"id": f"s{k}", **{key: value for key, value in kwargs.items() if value is not None}}
        lines.append(json.dumps(row))
    lines.insert(7, '{"launch": "nowhere", "azimuth": 80, "apogee": 500}')
    lines.insert(30, "not json")
    return "\n".join(lines) + "\n"


def command_env() -> dict[str, str]:
    """This process's environment, with numpy's AVX-512 dispatch targets disabled for the commands
    (NPY_DISABLE_CPU_FEATURES; names this numpy does not dispatch to are ignored). The digests
    were recorded where numpy's float64 math is the C library's, as on any x86-64 machine
    without AVX-512; the answers on AVX-512 differ only in the last bits, which the scenario
    records' tolerances allow (test_regression compares those without this switch)."""
    from numpy._core._multiarray_umath import __cpu_dispatch__  # (no public name: numpy.show_runtime prints it)

    avx512 = [name for name in __cpu_dispatch__ if name.startswith("AVX512") or name == "X86_V4"]
    return {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(avx512)}


def run_cli(argv: list[str]) -> bytes:
    """What ``jalert-sim ARGV`` writes (stdout, or the file named {out})."""
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "out")
        args = [a.replace("{out}", target) for a in argv]
        done = subprocess.run([sys.executable, "-m", "jalert_sim", *args], capture_output=True, check=True,
                              env={**command_env(), "COLUMNS": "120", "TERM": "dumb"})
        written = [a for a in args if a.startswith(target)]
        data = Path(written[0]).read_bytes() if written else done.stdout
    # matplotlib stamps an SVG with the time it was drawn
    return re.sub(rb"<dc:date>[^<]*</dc:date>", b"", data)


def digests(inputs: list[dict]) -> dict[str, str]:
    out = {label: hashlib.sha256(run_cli(argv)).hexdigest() for label, argv in commands()}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "in.jsonl")
        src.write_text(batch_input(inputs), encoding="utf-8")
        for fmt in ("jsonl", "csv"):
            out[f"batch {fmt}"] = hashlib.sha256(_batch_bytes(src, fmt)).hexdigest()
    return out


def _batch_bytes(src: Path, fmt: str) -> bytes:
    """A batch's output file (the command exits 1: two rows are bad on purpose)."""
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp, f"out.{fmt}")
        done = subprocess.run([sys.executable, "-m", "jalert_sim", "batch", str(src), "--format", fmt, "--jobs", "2",
                               "--at", "2020-01-01T00:00+09:00", "-o", str(target)], capture_output=True,
                              env=command_env())
        if done.returncode != 1 or not target.exists():
            raise RuntimeError(f"batch {fmt}: exit {done.returncode}: {done.stderr.decode()[-300:]}")
        return target.read_bytes()


def main() -> None:
    inputs = scenario_inputs()
    records = answers(inputs)
    text = json.dumps({"records": records}, ensure_ascii=False, separators=(",", ":"))
    SCENARIOS_FILE.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))  # same answers, same file
    OUTPUTS_FILE.write_text(json.dumps(digests(inputs), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = sum("error" in r for r in records)
    print(f"recorded {len(records)} scenarios ({failed} that cannot be flown) and {len(commands()) + 2} outputs")


if __name__ == "__main__":
    main()
