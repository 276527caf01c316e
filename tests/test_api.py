"""The Python API: the lazy facade, and simulate_many == simulate one by one (both input forms)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

import jalert_sim
from jalert_sim import JalertError, simulate, simulate_many

from docdiff import assert_same

AT = "2024-03-01T07:00:00+09:00"


def doc(result) -> dict:
    return json.loads(json.dumps(result.to_dict(track=True), ensure_ascii=False))


def test_facade_is_lazy_and_complete():
    code = "import sys, jalert_sim; print('jalert_sim.simulation' in sys.modules, 'shapely' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    for name in jalert_sim.__all__:
        assert getattr(jalert_sim, name) is not None
    with pytest.raises(AttributeError):
        jalert_sim.no_such_thing  # noqa: B018


# A varied set: sites and coordinates, minimum energy and given ranges, lofted, model options, bad rows.
SCENARIOS = [
    {"launch": "sunan", "azimuth_deg": 73, "apogee_km": 550, "range_km": 2700, "launch_time": "2017-08-29T05:58:00+09:00"},
    {"launch": (39.0, 125.8), "azimuth_deg": 95, "apogee_km": 6000, "range_km": 1000, "launch_time": AT},
    {"launch": "sinpo", "azimuth_deg": 100, "apogee_km": 450, "launch_time": AT},
    {"launch": "39.5,125.2", "azimuth_deg": 160, "apogee_km": 900, "range_km": 3500, "launch_time": AT, "corridor_km": 120},
    {"launch": "sunan", "azimuth_deg": 75, "apogee_km": 300, "range_km": 900, "launch_time": AT, "latency_s": 60},
    {"launch": "sunan", "azimuth_deg": 73, "apogee_km": -1, "launch_time": AT},  # bad
    {"launch": "sunan", "azimuth_deg": 120, "apogee_km": 1200, "launch_time": AT, "burn_time_s": 200},
    {"launch": "atlantis", "azimuth_deg": 73, "apogee_km": 550, "launch_time": AT},  # bad
]


def test_simulate_many_mappings_equals_simulate_one_by_one():
    many = simulate_many(SCENARIOS, errors="return")
    assert len(many) == len(SCENARIOS)
    for scenario, got in zip(SCENARIOS, many):
        try:
            expected = simulate(**scenario)
        except JalertError as exc:
            assert isinstance(got, JalertError) and str(got) == str(exc)
            continue
        assert_same(doc(got), doc(expected))


def test_simulate_many_raises_the_first_error_by_default():
    with pytest.raises(JalertError, match="atlantis"):  # input errors are found before any solving
        simulate_many(SCENARIOS)
    with pytest.raises(JalertError, match="apogee"):
        simulate_many(SCENARIOS[:-1])


def test_simulate_many_columns_equal_simulate_one_by_one():
    rng = np.random.default_rng(1)
    n = 12
    lat, lon = rng.uniform(38.5, 41.0, n), rng.uniform(124.5, 129.5, n)
    az, apo = rng.uniform(40, 200, n), rng.uniform(300, 1500, n)
    ranges = np.where(np.arange(n) % 3 == 0, np.nan, rng.uniform(1000, 5000, n))
    many = simulate_many(lat=lat, lon=lon, azimuth_deg=az, apogee_km=apo, range_km=ranges, launch_time=AT,
                         corridor_km=60, errors="return")
    assert len(many) == n
    for k, got in enumerate(many):
        rng_k = None if np.isnan(ranges[k]) else float(ranges[k])
        try:
            expected = simulate((float(lat[k]), float(lon[k])), float(az[k]), float(apo[k]), rng_k, AT, corridor_km=60)
        except JalertError as exc:
            assert isinstance(got, JalertError) and str(got) == str(exc)
            continue
        assert_same(doc(got), doc(expected))


def test_columns_broadcast_scalars_and_accept_a_launch_pair():
    by_site = simulate_many(launch="sunan", azimuth_deg=[60, 70, 80], apogee_km=600, launch_time=AT)
    assert [r.azimuth_deg for r in by_site] == [60, 70, 80]
    pair = simulate_many(launch=(39.224, 125.67), azimuth_deg=np.array([60.0]), apogee_km=600, launch_time=AT)
    assert len(pair) == 1 and pair[0].launch_lat == 39.224
    single = simulate_many(launch="sunan", azimuth_deg=70, apogee_km=600, launch_time=AT)
    assert_same(doc(single[0]), doc(by_site[1]))


def test_columns_misuse_is_reported():
    with pytest.raises(JalertError, match="one length"):
        simulate_many(launch="sunan", azimuth_deg=[60, 70], apogee_km=[500, 600, 700])
    with pytest.raises(JalertError, match="not both"):
        simulate_many(launch="sunan", lat=[39.0], lon=[125.0], azimuth_deg=60, apogee_km=500)
    with pytest.raises(JalertError, match="either scenarios or columns"):
        simulate_many(SCENARIOS, azimuth_deg=[1])


def test_result_internals_match_the_trajectory_methods():
    from jalert_sim.simulation.result import TRACK_STEP_S
    from jalert_sim.physics.trajectories import solve

    trajs = solve([39.2, 40.0, 95.0], [125.7, 128.0, 125.0], [73, 100, 80], [550, 800, 600], [2700, None, None],
                  errors="mask")
    rows = trajs.summaries()
    assert rows == [trajs.summary(j) for j in range(len(trajs))]
    assert rows[2]["ok"] is False and rows[2]["apogee_km"] is None  # row 2 is not ok: NaN -> None
    assert rows[0]["apogee_km"] == pytest.approx(550, abs=1) and rows[1]["minimum_energy"] is True
    (result,) = simulate_many(launch="sunan", azimuth_deg=[73], apogee_km=550, range_km=2700, launch_time=AT)
    expected = simulate("sunan", 73, 550, 2700, AT).track
    assert len(result.track) == len(expected) and result.track.t_s[1] == TRACK_STEP_S
    np.testing.assert_allclose(result.track.lat, expected.lat, rtol=1e-12)


def test_wrong_shapes_of_api_input_are_input_errors_naming_what_was_expected():
    import io

    from jalert_sim.batch import run_batch
    from jalert_sim.errors import InputError

    csv_text = "launch,azimuth,apogee\nsunan,73,550\n"
    cases = [
        (lambda: jalert_sim.simulate_many(), "scenarios"),
        (lambda: jalert_sim.simulate_many({"launch": "sunan", "azimuth_deg": 73, "apogee_km": 550}), "simulate()"),
        (lambda: jalert_sim.simulate_many(5), "iterable"),
        (lambda: jalert_sim.simulate_many(["sunan"]), "mapping"),
        (lambda: jalert_sim.simulate_many([], errors="ignore"), "errors"),
        (lambda: run_batch(None), "input"),
        (lambda: run_batch(["a,b"]), "input"),
        (lambda: run_batch(io.StringIO(csv_text), 5), "output"),
        (lambda: run_batch(io.StringIO(csv_text), io.BytesIO()), "text stream"),
    ]
    for call, needle in cases:
        with pytest.raises(InputError, match=re.escape(needle)):
            call()
    # errors="return" keeps going past a scenario that is not a mapping.
    out = jalert_sim.simulate_many(["sunan", {"launch": "sunan", "azimuth_deg": 73, "apogee_km": 550}], errors="return")
    assert isinstance(out[0], InputError) and out[1].alerts is not None
