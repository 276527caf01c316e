"""The compiled kernels (alerting.kernels, numba) give what their numpy twins give, on the same
inputs; and a single run never imports numba."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from jalert_sim.alerting.geometry import maybe_near

numba = pytest.importorskip("numba")


@pytest.mark.parametrize("reach_km", [0.0, 210.0, 3000.0])
def test_near_mask_equals_numpy(reach_km):
    rng = np.random.default_rng(int(reach_km) + 1)
    lat = np.concatenate([rng.uniform(20, 50, 40000), rng.uniform(-89, 89, 20000)]).reshape(300, 200)
    lon = np.concatenate([rng.uniform(120, 160, 40000), rng.uniform(-180, 360, 20000)]).reshape(300, 200)
    lat[::7, 150:] = np.nan  # padded rows, as sampled tracks have
    lon[::7, 150:] = np.nan
    fast = maybe_near(lon, lat, reach_km * 1000.0, compiled=True)
    slow = maybe_near(lon, lat, reach_km * 1000.0, compiled=False)
    assert fast.sum() > 1000 and (~fast).sum() > 1000  # both answers occur
    np.testing.assert_array_equal(fast, slow)


def test_run_does_not_import_numba():
    code = ("import sys, jalert_sim; r = jalert_sim.simulate('sunan', 80, 600); "
            "print('numba' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
