"""Hostile input: numbers as Python reads them but people do not write them, integers beyond any
float, bad UTF-16, times at the edge of the calendar; and hypothesis fuzzing of ``run``'s
arguments and of batch rows (a bounded number of examples, derandomised, so CI is repeatable).
"""

from __future__ import annotations

import io
import json
import math
import re
import string
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import jalert_sim
from jalert_sim.batch import run_batch
from jalert_sim.cli import app
from jalert_sim.decimals import to_float
from jalert_sim.errors import InputError
from test_hostile import ENV

runner = CliRunner()
FUZZ = settings(max_examples=60, derandomize=True, suppress_health_check=[HealthCheck.too_slow], deadline=None)


@pytest.mark.parametrize("text", ["72", "-3", "+4.5", "72.", ".5", "1e3", "1.5E-2", " 550\t", "0", "nan", "-inf"])
def test_plain_ascii_decimals_are_read_as_python_reads_them(text):
    expected = float(text)  # the independent reading, for text that both accept
    got = to_float(text)
    assert got == expected or (math.isnan(got) and math.isnan(expected))


@pytest.mark.parametrize(("text", "why"), [
    ("5_50", "'_' digit separators"),
    ("７２", "U+FF17 FULLWIDTH DIGIT SEVEN"),
    ("٧٢", "U+0667 ARABIC-INDIC DIGIT SEVEN"),
    ("1,000", "thousands separators"),
    ("72\u00a0", "U+00A0 NO-BREAK SPACE"),
    ("0x1f", "is not a number"),
    ("", "blank"),
])
def test_numbers_python_would_read_are_refused_with_the_reason(text, why):
    if text in ("5_50", "７２", "٧٢", "72\u00a0"):
        assert math.isfinite(float(text))  # what Python's float() makes of them: a number, silently
    with pytest.raises(ValueError, match=re.escape(why)):
        to_float(text)


def test_an_integer_beyond_any_float_is_an_input_error_not_an_overflow():
    with pytest.raises(InputError, match=r"launch: .*\(401 digits\) is too large"):
        jalert_sim.simulate((10**400, 0), 72, 550)
    with pytest.raises(InputError, match=r"apogee_km: .*too large"):
        jalert_sim.simulate("sunan", 72, -(10**400))


@pytest.mark.parametrize("launch", ["３９,１２５", "39_0,125"])
def test_a_launch_point_in_other_digits_says_why(launch):
    with pytest.raises(InputError, match="cannot read .* as 'lat,lon'.*(ASCII digits|digit separators)"):
        jalert_sim.simulate(launch, 72, 550)


@pytest.mark.parametrize("option", ["--azimuth", "--apogee", "--range", "--corridor-km", "--latency-s"])
@pytest.mark.parametrize("value", ["5_50", "７２"])
def test_command_line_numbers_are_plain_ascii(option, value):
    args = ["run", "--launch", "sunan", "--azimuth", "72", "--apogee", "550", option, value]
    out = runner.invoke(app, args)
    assert out.exit_code == 2
    assert "is not a plain decimal number" in out.output


def test_one_huge_integer_loses_only_its_own_row():
    rows = [json.dumps({"launch": "sunan", "azimuth": 60 + k % 40, "apogee": 550}) for k in range(1200)]
    rows[600] = '{"launch": [1' + "0" * 400 + ', 0], "azimuth": 72, "apogee": 550}'
    out = io.StringIO()
    summary = run_batch(io.StringIO("\n".join(rows) + "\n"), out, jobs=2, input_format="jsonl", chunk_size=100)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (summary.ok, summary.failed) == (1199, 1)
    assert [r["row"] for r in records] == list(range(1, 1201))
    assert "too large" in records[600]["error"] and all("error" not in r for k, r in enumerate(records) if k != 600)


def _utf16(text: str) -> bytes:
    return b"\xff\xfe" + text.encode("utf-16-le")


def test_a_bad_utf16_unit_fails_only_its_row(tmp_path):
    lines = ["id,launch,azimuth,apogee"] + [f"r{k},sunan,{70 + k},550" for k in range(5)]
    data = _utf16("\n".join(lines) + "\n")
    lone = data.index("r2".encode("utf-16-le"))
    data = data[:lone] + b"\x00\xd8" + data[lone + 4:]  # a lone high surrogate instead of "r2"
    data += b"7"  # and an odd byte at the end: half a code unit
    (tmp_path / "in.csv").write_bytes(data)
    out = io.StringIO()
    summary = run_batch(tmp_path / "in.csv", out, format="csv", jobs=1)
    rows = out.getvalue().splitlines()[1:]
    assert (summary.ok, summary.failed) == (4, 2)
    assert [r.split(",")[0] for r in rows[:5]] == ["r0", "r1", "\ufffd", "r3", "r4"]
    assert "not valid UTF-16" in rows[2]
    assert rows[5].split(",")[1] == "6"  # the odd byte is row 6's error, not the file's


def test_a_bad_utf16_unit_in_jsonl_fails_only_its_row(tmp_path):
    lines = [json.dumps({"id": f"r{k}", "launch": "sunan", "azimuth": 70 + k, "apogee": 550}) for k in range(4)]
    data = _utf16("\n".join(lines) + "\n")
    at = data.index("r1".encode("utf-16-le"))
    data = data[:at] + b"\x00\xdc" + data[at + 2:]  # a lone low surrogate in row 2
    (tmp_path / "in.jsonl").write_bytes(data)
    out = io.StringIO()
    summary = run_batch(tmp_path / "in.jsonl", out, jobs=1)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (summary.ok, summary.failed) == (3, 1)
    assert records[1]["error"] == "row: not valid UTF-16"


def test_a_launch_time_out_of_range_is_told_in_the_users_time_zone():
    out = runner.invoke(app, ["run", "--scenario", "2017-08-29", "--at", "0002-01-01T00:00+14:00"])
    assert out.exit_code == 2
    # Year 2 at +14:00 is still year 1 in JST: the limit is shown at +14:00, where it is 05:00 on 1 January of year 2.
    assert "must be from 0002-01-01T05:00:00+14:00 to 9999-01-01T04:59:59+14:00" in out.output


@pytest.mark.parametrize("speed", ["1e-308", "0.01", "5000", "nan", "inf", "-1"])
def test_drill_speed_has_a_floor_and_a_ceiling(speed):
    out = runner.invoke(app, ["drill", "--scenario", "2017-08-29", "--speed", speed])
    assert out.exit_code == 2
    assert "must be 0 (the whole timeline at once) or from 0.1 to 1000" in out.output


# --- fuzzing -------------------------------------------------------------------------------------

_number_text = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.text(alphabet=string.digits + "._-+eE,１２ ", max_size=12),
)
_launch_text = st.one_of(st.sampled_from(["sunan", "sinpo", "Sohae", "39.0,125.7", "90,180", "-90,-180", "nowhere"]),
                         st.tuples(_number_text, _number_text).map(lambda p: f"{p[0]},{p[1]}"), st.text(max_size=20))
_time_text = st.one_of(st.none(), st.sampled_from(["2017-08-29T05:58+09:00", "0002-01-01T00:00+14:00", "9998-12-31T23:00-12:00",
                                                    "2024-02-29T23:59:59Z", "not a time"]), st.text(max_size=25))


def _run_args(launch, azimuth, apogee, rng, at, fmt) -> list[str]:
    args = ["run", "--launch", launch, "--azimuth", azimuth, "--apogee", apogee, "--format", fmt]
    args += [] if rng is None else ["--range", rng]
    return args + ([] if at is None else ["--at", at])


_run_arguments = dict(launch=_launch_text, azimuth=_number_text, apogee=_number_text,
                      rng=st.one_of(st.none(), _number_text), at=_time_text,
                      fmt=st.sampled_from(["table", "json", "csv", "geojson"]))


@FUZZ
@given(**_run_arguments)
def test_fuzz_run_arguments(launch, azimuth, apogee, rng, at, fmt):
    """In process (fast, many examples): the command ends with 0 or 2 and raises nothing else."""
    out = runner.invoke(app, _run_args(launch, azimuth, apogee, rng, at, fmt))
    assert out.exit_code in (0, 2), out.output
    assert out.exception is None or isinstance(out.exception, SystemExit), repr(out.exception)


@settings(max_examples=12, derandomize=True, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(**_run_arguments)
def test_fuzz_run_arguments_as_a_process(launch, azimuth, apogee, rng, at, fmt):
    """As the shell runs it (fewer examples: a process each): status 0 or 2, and an error is one line."""
    args = _run_args(launch, azimuth, apogee, rng, at, fmt)
    if any("\x00" in a or any("\ud800" <= c <= "\udfff" for c in a) for a in args):  # (not passable in argv)
        return
    proc = subprocess.run([sys.executable, "-m", "jalert_sim", *args], capture_output=True, text=True, env=ENV,
                          timeout=120)
    assert proc.returncode in (0, 2), proc.stderr
    assert "Traceback" not in proc.stderr
    if proc.returncode == 2:
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("jalert-sim: error: "), proc.stderr


_GOOD = [("sunan", 73, 550, 2700), ("39.0,125.8", 95, 6000, 1000), ("sinpo", 120, 400, None), ("sunan", 250, 600, None)]
_junk_cell = st.one_of(_number_text, st.text(max_size=15), st.sampled_from(["", '"', '"a', "\x00", "\ud800", "\r"]))


@FUZZ
@given(junk=st.lists(st.lists(_junk_cell, min_size=0, max_size=6), min_size=1, max_size=8), data=st.data())
def test_fuzz_batch_rows_keep_every_good_row(tmp_path_factory, junk, data):
    """Good rows mixed with junk rows (CSV and JSONL): every good row is simulated as simulate()
    does it, every row has its record, and an -o file holds them all (exit 1) or is absent."""
    good = [data.draw(st.sampled_from(_GOOD)) for _ in range(3)]
    rows = [("good", g) for g in good] + [("junk", j) for j in junk]
    rows = data.draw(st.permutations(rows))
    expected = {g: jalert_sim.simulate(g[0], g[1], g[2], g[3], "2024-01-01T00:00+09:00") for g in set(good)}
    for kind in ("csv", "jsonl"):
        lines = [_line(kind, item) for item in rows]
        folder = tmp_path_factory.mktemp("fuzz")
        target = folder / "out.jsonl"
        text = ("launch,azimuth,apogee,range\n" if kind == "csv" else "") + "".join(line + "\n" for line in lines)
        summary = run_batch(io.StringIO(text), target, jobs=1, input_format=kind, launch_time="2024-01-01T00:00+09:00")
        records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
        assert summary.total == len(rows) == len(records)
        assert [r["row"] for r in records] == list(range(1, len(rows) + 1))
        for (what, item), record in zip(rows, records):
            if what == "good":
                assert "error" not in record, record
                assert record["alerts"] == expected[item].to_dict()["alerts"]
        assert [p.name for p in folder.iterdir()] == ["out.jsonl"]


def _line(kind: str, item: tuple[str, tuple]) -> str:
    what, cells = item
    if what == "good":
        launch, az, apogee, rng = cells
        if kind == "csv":
            return f'"{launch}",{az},{apogee},{"" if rng is None else rng}'
        return json.dumps({"launch": launch, "azimuth": az, "apogee": apogee, "range": rng})
    cells = [c.replace("\n", " ") for c in cells]
    if kind == "csv":
        return ",".join(cells)
    keys = ["launch", "azimuth", "apogee", "range", "id", "x"]
    return json.dumps(dict(zip(keys, cells)), ensure_ascii=False).replace("\n", " ") if len(cells) % 2 else ",".join(cells)
