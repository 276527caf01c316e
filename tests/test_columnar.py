"""The batch's columnar CSV parse (``batch.columnar``) against the per-row parse it replaces
(``parsing.parse_row`` then ``simulation.api.prepare``): the same id and the same prepared
scenario, float for float (by repr: -0.0 is not 0.0), or the same error, for varied good and
bad rows and headers; and the batch CSV's cells written a column at a time against the csv
module and ``cell``. Hypothesis examples are derandomised, so CI is repeatable."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jalert_sim.batch.columnar import parse_csv_rows
from jalert_sim.batch.parsing import parse_row
from jalert_sim.batch.reading import LongLine
from jalert_sim.errors import JalertError
from jalert_sim.clock import launch_epochs
from jalert_sim.exports.csv import _float_cells, _launch_texts, _texts, cell
from jalert_sim.simulation.api import prepare

FUZZ = settings(max_examples=150, derandomize=True, suppress_health_check=[HealthCheck.too_slow], deadline=None)
LAUNCH_TIME = "2026-01-01T00:00:00+09:00"

#: Numbers as people and programs write them, and what to_float refuses or the range checks do.
NUMBERS = ["72", "-3", "+4.5", "72.", ".5", "1e3", "1.5E-2", "0", "-0", "-0.0", "550", "1200.5", "4321.25",
           " 550\t", "550 ", "5_50", "７２", "٧٢", "1,000", "72\u00a0", "0x1f", "nan", "-inf", "Infinity",
           "1e999", "-1e400", "1e-400", "", " ", "\u3000", "\ud800", "1\n2", "1.2.3", "e5", "."]
LAUNCHES = ["sunan", "Sunan", " sunan ", "SOHAE", "39.0,125.7", "39.6N, 124.7E", "-0.0,0", "91,0",
            "nowhere", "", " ", "\ud800x", "39,125,1", "３９,１２５"]
TIMES = ["2026-01-01T00:00+09:00", "2017-08-29T05:58:00+09:00", "2017-08-29T05:58:00.5-03:30",
         "2026-02-30T00:00+09:00", "2017-08-29T05:58:00", "2017-08-29t05:58z", "2017-08-29T05:58:00Z",
         "9998-12-31T23:59:59+09:00", "9999-01-01T00:00+09:00", "0002-01-01T00:00+09:00",
         "0001-12-31T23:00+00:00", "1000-01-01T00:00+24:00", " 2026-01-01T00:00+09:00", "", "  ", "noon",
         "\ud800"]
OPTIONS = ["", "10", "0", "-5", "1e9", "nan", "12.5", " 3 "]
IDS = ["", "a", " b ", "s1", "\ud800id", "１", "x,y"]

HEADERS = [
    ("id", "launch", "azimuth", "apogee", "range", "launch_time"),
    ("launch", "azimuth_deg", "apogee_km", "range_km"),
    ("id", "lat", "lon", "azimuth", "apogee"),
    ("id", "launch", "lat", "lon", "azimuth", "apogee", "range", "launch_time", "latency_s", "burn_time_s"),
    ("launch", "azimuth", "apogee", "corridor_km"),
    ("launch", "azimuth", "apogee", "colour"),  # an unknown field: every row's error
    ("launch", "azimuth", "azimuth_deg", "apogee"),  # a field and its alias
    ("launch", "apogee"),  # no azimuth
    ("id",),
]
VALUES = {"id": IDS, "launch": LAUNCHES, "lat": NUMBERS + ["39.0", "125.7", "38.9"],
          "lon": NUMBERS + ["125.7", "124.7"], "launch_time": TIMES, "latency_s": OPTIONS,
          "burn_time_s": OPTIONS, "corridor_km": OPTIONS, "colour": ["red", ""]}
GOOD = {"launch": ["sunan", "sohae", "39.0,125.7"], "azimuth": ["80", "72.5", "150"],
        "apogee": ["550", "800.5", "1200"], "range": ["", "1200", "2500.5"], "lat": ["39.0", "40.1"],
        "lon": ["125.7", "127"], "launch_time": ["", "2026-03-01T12:00+09:00", "2017-08-29T05:58:00+09:00"]}


def _values(name: str) -> list[str]:
    return VALUES.get(name, NUMBERS)


@st.composite
def rows(draw):
    header = draw(st.sampled_from(HEADERS))
    n = draw(st.integers(1, 12))
    raws = []
    for _ in range(n):
        kind = draw(st.sampled_from(["good"] * 5 + ["mixed"] * 4 + ["short", "long", "csv error", "long line",
                                                                 "empty"]))
        if kind == "csv error":
            raws.append("unexpected end of data")
            continue
        if kind == "long line":
            raws.append(LongLine("x" * 100))
            continue
        if kind == "empty":
            raws.append(draw(st.sampled_from([[], [""], [" "]])))
            continue
        row = []
        for name in header:
            pool = GOOD.get(name, _values(name)) if kind == "good" else _values(name)
            row.append(draw(st.sampled_from(pool)) if draw(st.integers(0, 9)) else draw(st.text(max_size=6)))
        if kind == "short":
            row = row[:-1]
        elif kind == "long":
            row = row + ["1"]
        raws.append(row)
    return header, raws


def per_row(header, raws, first_row, encoding="UTF-8"):
    out = []
    for k, raw in enumerate(raws):
        ident, item = parse_row("csv", header, raw, first_row + k, LAUNCH_TIME, encoding)
        out.append((ident, item if isinstance(item, JalertError) else prepare(item)))
    return out


def comparable(parsed):
    """repr of ids and scenarios (floats by repr: -0.0 stays apart from 0.0), errors by type and text."""
    return [(repr(ident), (type(item).__name__, str(item)) if isinstance(item, JalertError) else repr(item))
            for ident, item in parsed]


@FUZZ
@given(rows(), st.integers(1, 10_000))
def test_columnar_parse_is_the_per_row_parse(header_rows, first_row):
    header, raws = header_rows
    fast = parse_csv_rows(header, raws, first_row, LAUNCH_TIME)
    assert comparable(fast) == comparable(per_row(header, raws, first_row))


def test_a_chunk_of_plain_rows_all_take_the_fast_path_and_agree():
    header = ("id", "launch", "azimuth", "apogee", "range", "launch_time", "latency_s")
    raws = [[f"s{k}", ["sunan", "sohae", "39.5,125.25"][k % 3], f"{40 + k * 0.37:.2f}", f"{300 + k * 3.1:.1f}",
             "" if k % 5 == 0 else f"{1000 + k:.1f}", f"2026-0{1 + k % 9}-1{k % 10}T0{k % 10}:30+09:00",
             "" if k % 2 else "25"] for k in range(300)]
    raws[7][2] = "5_50"  # a bad one among them: its error, and no other row disturbed
    raws[11][3] = "1e999"
    fast = parse_csv_rows(header, raws, 1, LAUNCH_TIME)
    assert comparable(fast) == comparable(per_row(header, raws, 1))
    assert [k for k, (_, item) in enumerate(fast) if isinstance(item, JalertError)] == [7, 11]
    assert "'_' digit separators" in str(fast[7][1]) and "finite" in str(fast[11][1])
    assert fast[4][1].model.latency_s == 25.0 and fast[5][1].model.latency_s != 25.0
    # made once for all the rows with latency_s 25 (prepare makes a model per row): the fast path
    assert fast[0][1].model is fast[298][1].model and per_row(header, raws[:3], 1)[0][1].model is not fast[0][1].model


def test_bad_utf16_in_a_row_keeps_its_encoding_in_the_error():
    header = ("id", "launch", "azimuth", "apogee")
    raws = [["\udcff", "sunan", "80", "600"], ["ok", "sunan", "80", "600"]]
    fast = parse_csv_rows(header, raws, 1, LAUNCH_TIME, "UTF-16")
    assert comparable(fast) == comparable(per_row(header, raws, 1, "UTF-16"))
    assert str(fast[0][1]) == "row: not valid UTF-16" and fast[0][0] == "\ufffd"


# The batch CSV written a column at a time (exports.csv.table_csv) against the csv module and
# exports.csv.cell, which wrote it a row and a cell at a time.

@FUZZ
@given(st.lists(st.lists(st.one_of(st.text(max_size=8), st.integers(-10**20, 10**20), st.booleans(), st.none()),
                         min_size=2, max_size=5), min_size=1, max_size=6))
def test_columns_of_cells_are_written_as_the_csv_module_writes_the_rows(table):
    width = min(len(row) for row in table)
    table = [row[:width] for row in table]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    columns = [_texts([row[k] for row in table]) for k in range(width)]
    assert "".join(",".join(line) + "\n" for line in zip(*columns)) == buffer.getvalue()


@FUZZ
@given(st.lists(st.one_of(st.floats(), st.floats(-2e6, 2e6), st.sampled_from([0.0, -0.0, 999999.5, 1e6, -1e6,
                                                                               5e-324, 1e-5, 123456.75])),
                min_size=1, max_size=40))
def test_float_columns_are_formatted_as_cell_formats_each_value(values):
    expected = ["" if v != v else cell(v) for v in values]
    assert _float_cells(np.array(values, dtype=float)) == expected


_ZONES = st.one_of(st.none(), st.just(timezone.utc), st.timedeltas(-timedelta(hours=23, minutes=59), timedelta(
    hours=23, minutes=59)).map(timezone), st.sampled_from([timedelta(hours=9), timedelta(hours=-3, minutes=-30),
                                                          timedelta(hours=5, minutes=30, seconds=15)]).map(timezone))


@FUZZ
@given(st.lists(st.one_of(st.none(), st.builds(lambda t, z, whole: (t.replace(microsecond=0) if whole else t)
                                              .replace(tzinfo=z or ZoneInfo("Asia/Tokyo")),
                                              st.datetimes(datetime(2, 1, 2), datetime(9998, 12, 30)), _ZONES,
                                              st.booleans())), min_size=1, max_size=30))
def test_launch_times_are_written_as_isoformat_writes_them(times):
    assert _launch_texts(times, launch_epochs(times)) == ["" if t is None else t.isoformat() for t in times]
