"""Independent check of the analytic free flight: numerical integration in the rotating Earth frame.

From the model's own burnout state (read back from its track by finite
differences), scipy's DOP853 integrates point-mass gravity in ECEF with the
Coriolis and centrifugal terms until the WGS84 ellipsoid is reached. The landing
point must agree with the fast model's impact within 1 km.
"""

from __future__ import annotations

import numpy as np
import pyproj
import pytest

scipy_integrate = pytest.importorskip("scipy.integrate")

from jalert_sim.earth import GM_M3_S2, OMEGA_EARTH_RAD_S, WGS84_A_M, WGS84_B_M  # noqa: E402
from jalert_sim.physics.trajectories import solve  # noqa: E402

GEOD = pyproj.Geod(ellps="WGS84")
TO_ECEF = pyproj.Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
TO_GEODETIC = pyproj.Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)
OMEGA = np.array([0.0, 0.0, OMEGA_EARTH_RAD_S])

CASES = {
    "min-energy IRBM over Hokkaido (Sunan)": (39.22, 125.67, 73.0, 550.0, None),
    "lofted ICBM 6,000 km / 1,000 km": (39.0, 125.75, 70.0, 6000.0, 1000.0),
    "depressed 150 km / 1,500 km": (39.0, 125.75, 90.0, 150.0, 1500.0),
    "northward near the pole": (70.0, 20.0, 2.0, 800.0, 3000.0),
    "across the 180th meridian": (40.0, 170.0, 90.0, 600.0, 2500.0),
}


def _ecef(tr, t):
    lat, lon, alt = tr.positions_at(np.array([t]))
    return np.array(TO_ECEF.transform(lon[0, 0], lat[0, 0], alt[0, 0] * 1000.0))


def _rhs(_, y):
    r, v = y[:3], y[3:]
    gravity = -GM_M3_S2 * r / np.linalg.norm(r) ** 3
    return np.concatenate([v, gravity - 2.0 * np.cross(OMEGA, v) - np.cross(OMEGA, np.cross(OMEGA, r))])


def _surface(_, y):
    return (y[0] ** 2 + y[1] ** 2) / WGS84_A_M**2 + y[2] ** 2 / WGS84_B_M**2 - 1.0


_surface.terminal = True
_surface.direction = -1


@pytest.mark.parametrize("name", list(CASES))
def test_integrated_impact_matches(name):
    lat0, lon0, az, apogee, rng = CASES[name]
    tr = solve(lat0, lon0, az, apogee, rng)
    t0 = float(tr.burnout_time_s[0]) + 1.0
    dt = 0.05
    r0 = _ecef(tr, t0)
    v0 = (_ecef(tr, t0 + dt) - _ecef(tr, t0 - dt)) / (2 * dt)
    sol = scipy_integrate.solve_ivp(
        _rhs, (t0, t0 + 6 * 3600.0), np.concatenate([r0, v0]), method="DOP853",
        rtol=1e-11, atol=1e-6, events=_surface,
    )
    assert sol.t_events[0].size == 1
    x, y, z = sol.y_events[0][0][:3]
    lon, lat, _ = TO_GEODETIC.transform(x, y, z)
    _, _, miss = GEOD.inv(lon, lat, tr.impact_lon[0], tr.impact_lat[0])
    print(f"{name}: integrator vs model impact {miss:.4f} m, time {sol.t_events[0][0] - tr.flight_time_s[0]:+.5f} s")
    assert miss < 1000.0
    assert abs(sol.t_events[0][0] - tr.flight_time_s[0]) < 1.0
