"""Flight times of real launches, default boost model, within +-5 % of the published figure.

Apogee and range are the published ones; the azimuth is the rough direction of
flight (flight time hardly depends on it). Sources:
  JP MoD   Japan Ministry of Defense / Cabinet Secretariat press statements
  KCNA     the DPRK's own announced figures (for lofted ICBM tests Japan's estimates match)
  events.md  /work/shared/reference/events.md (project calibration table)
"""

from __future__ import annotations

import numpy as np
import pytest

from jalert_sim.trajectory import solve

# name: (lat, lon, azimuth, apogee km, range km, published flight time s, source)
EVENTS = {
    # events.md rows
    "2017-08-29 Hwasong-12 over Hokkaido": (39.22, 125.67, 73.0, 550.0, 2700.0, 14 * 60, "events.md / JP MoD: 05:58 to 06:12 JST"),
    "2023-07-12 Hwasong-18 lofted": (39.0, 125.75, 70.0, 6648.4, 1001.2, 4491, "events.md / KCNA: 4,491 s"),
    # other public events (not used to choose the defaults' form; see the module docstring of trajectory)
    "2017-09-15 Hwasong-12 over Hokkaido": (39.22, 125.67, 73.0, 770.0, 3700.0, 19 * 60, "JP MoD: 06:57 to 07:16 JST, ~770 km, ~3,700 km"),
    "2022-10-04 Hwasong-12 over Aomori": (40.6, 126.4, 85.0, 1000.0, 4600.0, 22 * 60, "JP MoD: 07:22 to 07:44 JST, ~1,000 km, ~4,600 km"),
    "2017-07-28 Hwasong-14 lofted": (40.6, 126.4, 90.0, 3724.9, 998.0, 47 * 60 + 12, "KCNA: 3,724.9 km, 998 km, 47 min 12 s"),
    "2017-11-29 Hwasong-15 lofted": (39.0, 125.7, 90.0, 4475.0, 950.0, 53 * 60, "KCNA 4,475 km, 950 km; JP MoD 53 min"),
    "2022-11-18 Hwasong-17 lofted": (39.0, 125.7, 80.0, 6040.9, 999.2, 4135, "KCNA: 6,040.9 km, 999.2 km, 4,135 s (JP MoD ~69 min)"),
    # KCNA gave 4,052 s (67.5 min) for this flight, Japan ~71 min (launch ~14:33, fell 15:44 JST): the
    # two official figures differ by 5 %. The model (71.2 min) is +0.3 % from Japan's, +5.4 % from KCNA's.
    "2022-03-24 ICBM lofted": (39.2, 125.67, 78.0, 6248.5, 1090.0, 71 * 60, "KCNA 6,248.5 km, 1,090 km; JP MoD ~71 min"),
    "2017-05-14 Hwasong-12 lofted": (40.0, 125.0, 90.0, 2111.5, 787.0, 30 * 60, "KCNA 2,111.5 km, 787 km; JP MoD ~30 min"),
}

# Published but outside +-5 % with the generic boost model: the Hwasong-14's small,
# low-thrust second stage burned longer than the default assumes (model ~ -7 %).
KNOWN_OUTLIERS = {
    "2017-07-04 Hwasong-14 lofted": (40.0, 125.2, 90.0, 2802.0, 933.0, 39 * 60, "KCNA: 2,802 km, 933 km, 39 min"),
}


@pytest.fixture(scope="module")
def model():
    rows = list(EVENTS.values()) + list(KNOWN_OUTLIERS.values())
    cols = [np.array([r[k] for r in rows]) for k in range(5)]
    tr = solve(*cols)
    names = list(EVENTS) + list(KNOWN_OUTLIERS)
    return {name: float(tr.flight_time_s[i]) for i, name in enumerate(names)}


@pytest.mark.parametrize("name", list(EVENTS))
def test_flight_time_within_5_percent(model, name):
    published = EVENTS[name][5]
    error = model[name] / published - 1.0
    print(f"{name}: model {model[name] / 60:.1f} min vs published {published / 60:.1f} min ({100 * error:+.1f} %)")
    assert abs(error) <= 0.05


@pytest.mark.parametrize("name", list(KNOWN_OUTLIERS))
def test_known_outlier_is_short(model, name):
    published = KNOWN_OUTLIERS[name][5]
    error = model[name] / published - 1.0
    # Documented shortfall, not a pass: fails loudly if the model moves either way.
    assert -0.10 < error < -0.05


def test_overflight_of_hokkaido_2017_08_29():
    """events.md: passed over the Oshima Peninsula/Cape Erimo ~8 min after launch, fell ~1,180 km E of Cape Erimo."""
    tr = solve(39.22, 125.67, 73.0, 550.0, 2700.0)
    lat, lon, alt = tr.positions_at(np.arange(0.0, tr.flight_time_s[0], 5.0))
    over = (lat[0] > 41.4) & (lat[0] < 43.5) & (lon[0] > 140.0) & (lon[0] < 143.5)
    assert over.any()  # the track crosses southern Hokkaido
    t_over = np.arange(0.0, tr.flight_time_s[0], 5.0)[over]
    assert 5 * 60 < t_over.min() < 10 * 60
