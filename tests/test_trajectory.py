"""Trajectory solver: requested apogee, range and heading are met (checked independently), API and inputs."""

from __future__ import annotations

import json
import math

import numpy as np
import pyproj
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jalert_sim.earth import GM_M3_S2, OMEGA_EARTH_RAD_S
from jalert_sim.errors import InputError, TrajectoryError
from jalert_sim.physics.trajectories import MAX_RANGE_KM, BoostModel, Trajectories, solve, validate

GEOD = pyproj.Geod(ellps="WGS84")
TO_ECEF = pyproj.Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)

# (lat, lon, azimuth, apogee km, range km or None): Sunan (39.22 N, 125.67 E) IRBM over
# Hokkaido, a lofted ICBM, a depressed arc, a polar route, a Pacific route over 180 deg.
CASES = [
    (39.22, 125.67, 73.0, 550.0, 2700.0),
    (39.22, 125.67, 73.0, 550.0, None),
    (39.0, 125.75, 70.0, 6000.0, 1000.0),
    (39.0, 125.75, 90.0, 150.0, 1500.0),
    (70.0, 20.0, 2.0, 800.0, 3000.0),
    (40.0, 170.0, 90.0, 600.0, 2500.0),
    (-33.9, 151.2, 250.0, 1000.0, None),
]


def _dense_apogee_km(tr, i):
    t, lat, lon, alt = tr.sample(1.0)
    k = int(np.nanargmax(alt[i]))
    fine = np.linspace(t[i, max(k - 1, 0)], t[i, k + 1], 2001)
    return np.nanmax(tr.positions_at(fine)[2][i])


@pytest.fixture(scope="module")
def solved():
    lat, lon, az, apo, rng = (np.array([c[k] if c[k] is not None else np.nan for c in CASES]) for k in range(5))
    return solve(lat, lon, az, apo, rng)


@pytest.mark.parametrize("i", range(len(CASES)))
def test_apogee_range_heading(solved, i):
    lat0, lon0, az, apogee, rng = CASES[i]
    tr = solved
    assert tr.ok[i]
    # Apogee: maximum of the sampled ellipsoidal height, independent of the solver's internal value.
    assert abs(_dense_apogee_km(tr, i) - apogee) < 1.0
    # Range: pyproj geodesic from the launch point to the track's last (impact) sample.
    track = tr.track(i)
    assert track.alt_km[-1] == pytest.approx(0.0, abs=1e-3)
    _, _, dist = GEOD.inv(lon0, lat0, track.lon[-1], track.lat[-1])
    if rng is not None:
        assert abs(dist / 1000 - rng) < 0.005 * rng
    assert dist / 1000 == pytest.approx(tr.range_km[i], rel=1e-6)
    # Initial heading from the first few km of the Earth-fixed ground track.
    t = np.linspace(0.0, tr.burnout_time_s[i], 4001)
    la, lo, _ = tr.positions_at(t)
    _, _, d = GEOD.inv(np.full(t.size, lon0), np.full(t.size, lat0), lo[i], la[i])
    k = np.nonzero((d > 2000) & (d < 10000))[0][0]
    heading, _, _ = GEOD.inv(lon0, lat0, lo[i, k], la[i, k])
    assert abs((heading - az + 180) % 360 - 180) < 0.1


def test_lofted_and_depressed_bracket_minimum_energy():
    me = solve(39.22, 125.67, 73.0, 550.0)
    r = float(me.range_km[0])
    lofted = solve(39.22, 125.67, 73.0, 550.0 * 1.5, r)
    depressed = solve(39.22, 125.67, 73.0, 550.0 * 0.6, r)
    # Same range: the lofted arc is slower, the depressed one faster (more energy goes into range).
    assert depressed.flight_time_s[0] < me.flight_time_s[0] < lofted.flight_time_s[0]
    assert me.minimum_energy[0] and not lofted.minimum_energy[0]
    # Minimum energy: a tiny change of the apogee at this range needs more burnout speed either way.
    assert me.max_speed_km_s[0] > 0


@pytest.mark.parametrize("azimuth", [73.0, 253.0])
def test_minimum_energy_is_least_speed_for_its_range(azimuth):
    """At the minimum-energy arc's ground range, lower or higher apogees need more burnout speed.

    Speed relative to the rotating Earth, measured from the track by finite differences.
    """
    boost = BoostModel(burn_time_s=60, burnout_altitude_km=50)
    me = solve(39.22, 125.67, azimuth, 500.0, boost=boost)
    r = float(me.range_km[0])
    apogees = np.array([470.0, 485.0, 500.0, 515.0, 530.0])
    tr = solve(np.full(5, 39.22), 125.67, azimuth, apogees, np.full(5, r), boost=boost)
    speeds = [_earth_relative_speed(tr, i, tr.burnout_time_s[i] + 1.0) for i in range(5)]
    assert int(np.argmin(speeds)) == 2
    assert speeds[0] > speeds[1] > speeds[2] < speeds[3] < speeds[4]


def _earth_relative_speed(tr, i, t, dt=0.02):
    sub = tr._take(i)
    lat, lon, alt = sub.positions_at(np.array([t - dt, t + dt]))
    x, y, z = TO_ECEF.transform(lon[0], lat[0], alt[0] * 1000.0)
    return float(np.linalg.norm([x[1] - x[0], y[1] - y[0], z[1] - z[0]]) / (2 * dt))


def _eci(tr, t):
    lat, lon, alt = tr.positions_at(np.atleast_1d(t))
    x, y, z = TO_ECEF.transform(lon, lat, alt * 1000.0)
    ang = OMEGA_EARTH_RAD_S * np.broadcast_to(np.atleast_1d(t), np.shape(x))
    return np.stack([x * np.cos(ang) - y * np.sin(ang), x * np.sin(ang) + y * np.cos(ang), z], axis=-1)


def _free_flight_energy(tr, i, t, dt=0.02):
    sub = tr._take(i)
    r = _eci(sub, np.array([t]))[0, 0]
    v = (_eci(sub, np.array([t + dt]))[0, 0] - _eci(sub, np.array([t - dt]))[0, 0]) / (2 * dt)
    return 0.5 * v @ v - GM_M3_S2 / np.linalg.norm(r)


def test_shapes_and_summary(solved):
    n = len(CASES)
    assert len(solved) == n
    t, lat, lon, alt = solved.sample(5.0)
    assert t.shape == lat.shape == lon.shape == alt.shape and t.shape[0] == n
    for i in range(n):
        row = t[i][np.isfinite(t[i])]
        assert row[0] == 0.0 and row[-1] == pytest.approx(solved.flight_time_s[i])
        assert np.all(np.diff(row) > 0)
    s = solved.summary(0)
    json.dumps(s)
    assert s["ok"] is True and isinstance(s["flight_time_s"], float)
    assert 0 <= solved.azimuth_deg.min() and solved.azimuth_deg.max() < 360
    assert np.all((solved.impact_lon >= -180) & (solved.impact_lon < 180))
    # Beyond impact and before launch: NaN.
    lat, _, _ = solved.positions_at(np.array([-1.0, 1e6]))
    assert np.all(np.isnan(lat))


def test_antimeridian_track_is_continuous(solved):
    track = solved.track(5)
    assert track.lon[0] == pytest.approx(170.0)
    assert track.lon[-1] > 180.0  # unwrapped: no jump back to -180
    assert np.max(np.abs(np.diff(track.lon))) < 1.0
    assert -180 <= solved.impact_lon[5] < -150


def test_azimuth_is_normalised():
    a = solve(39.22, 125.67, 73.0 + 720.0, 550.0, 2700.0)
    b = solve(39.22, 125.67, 73.0 - 360.0, 550.0, 2700.0)
    assert a.azimuth_deg[0] == pytest.approx(73.0) and b.azimuth_deg[0] == pytest.approx(73.0)
    assert a.impact_lat[0] == pytest.approx(b.impact_lat[0], abs=1e-9)


def test_boost_options_are_used():
    tr = solve(39.22, 125.67, 73.0, 550.0, 2700.0, boost=BoostModel(burn_time_s=120.0, burnout_altitude_km=90.0))
    assert tr.burnout_time_s[0] == pytest.approx(120.0)
    assert tr.burnout_altitude_km[0] == pytest.approx(90.0, abs=1e-6)
    lat, lon, alt = tr.positions_at(np.array([119.999, 120.001]))
    assert alt[0, 0] == pytest.approx(alt[0, 1], abs=0.05)  # continuous through burnout
    assert lon[0, 0] == pytest.approx(lon[0, 1], abs=1e-3)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "args, parameter",
    [
        ((95.0, 125.0, 73.0, 550.0, None), "lat_deg"),
        ((float("nan"), 125.0, 73.0, 550.0, None), "lat_deg"),
        ((39.0, float("inf"), 73.0, 550.0, None), "lon_deg"),
        ((39.0, 125.0, float("nan"), 550.0, None), "azimuth_deg"),
        ((39.0, 125.0, 73.0, 0.0, None), "apogee_km"),
        ((39.0, 125.0, 73.0, 40_001.0, 1000.0), "apogee_km"),
        ((39.0, 125.0, 73.0, 550.0, -5.0), "range_km"),
        ((39.0, 125.0, 73.0, 550.0, 20_100.0), "range_km"),
        ((39.0, 125.0, 73.0, 550.0, float("inf")), "range_km"),
        ((39.0, 125.0, 73.0, 6000.0, None), "apogee_km"),  # min-energy arcs stop near 1,300 km
        (("abc", 125.0, 73.0, 550.0, None), "lat_deg"),
    ],
)
def test_bad_input_names_parameter(args, parameter):
    with pytest.raises(InputError) as err:
        solve(*args)
    assert err.value.parameter == parameter
    assert str(err.value).startswith(parameter + ": ") and "element" not in str(err.value)
    assert validate(*args)[0].startswith(parameter + ": ")


def test_array_error_names_first_bad_element():
    with pytest.raises(InputError, match=r"^apogee_km: element 2: must be above 0"):
        solve([39.0, 39.0, 39.0, 39.0], 125.0, 73.0, [500.0, 600.0, -1.0, 0.0])


def test_unsolvable_is_trajectory_error():
    # Lofted straight up-ish to 6,000 km while heading west: the Earth turns away
    # beneath it, so it cannot come down only 100 km west of the pad.
    with pytest.raises(TrajectoryError) as err:
        solve(39.0, 125.0, 270.0, 6000.0, 100.0)
    assert err.value.parameter == "range_km"


def test_mask_mode_reports_per_element():
    tr = solve([39.0, 95.0, 39.0], 125.0, 73.0, [550.0, 550.0, 6000.0], [2700.0, 2700.0, np.nan], errors="mask")
    assert tr.ok.tolist() == [True, False, False]
    assert tr.error[0] is None and tr.error[1].startswith("lat_deg:") and tr.error[2].startswith("apogee_km:")
    assert np.isnan(tr.flight_time_s[1]) and np.isfinite(tr.flight_time_s[0])
    assert np.all(np.isnan(tr.sample(10.0)[1][1]))
    assert tr.summary(1)["ok"] is False


def test_bad_boost_and_options():
    with pytest.raises(InputError, match="boost.burn_time_s"):
        BoostModel(burn_time_s=-3)
    with pytest.raises(InputError, match="errors"):
        solve(39.0, 125.0, 73.0, 550.0, errors="ignore")
    with pytest.raises(InputError, match="apogee_km"):
        solve(39.0, 125.0, 73.0, 80.0, 500.0, boost=BoostModel(burnout_altitude_km=100.0))


hostile = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10**30, max_value=10**30),
    st.text(max_size=5),
    st.none(),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=3),
    st.complex_numbers(max_magnitude=10),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lat=hostile, lon=hostile, az=hostile, apo=hostile, rng=hostile)
def test_hostile_input_only_raises_input_error(lat, lon, az, apo, rng):
    try:
        tr = solve(lat, lon, az, apo, rng)
    except InputError:
        pass
    else:
        assert isinstance(tr, Trajectories) and tr.ok.all()


hostile_scalar = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10**400, max_value=10**400),
    st.text(max_size=5),
    st.none(),
    st.complex_numbers(max_magnitude=10),
    st.booleans(),
)


@settings(max_examples=80, deadline=None)
@given(lat=hostile_scalar, lon=hostile_scalar, az=hostile_scalar, apo=hostile_scalar, rng=hostile_scalar)
def test_mask_mode_never_raises_for_hostile_scalars(lat, lon, az, apo, rng):
    tr = solve(lat, lon, az, apo, rng, errors="mask")
    assert len(tr) == 1
    if not tr.ok[0]:
        assert isinstance(tr.error[0], str) and ": " in tr.error[0]
        assert np.isnan(tr.flight_time_s[0])


numbers = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=60, deadline=None)
@given(lat=numbers, lon=numbers, az=numbers, apo=numbers, rng=numbers)
def test_mask_mode_never_raises_for_bad_numbers(lat, lon, az, apo, rng):
    tr = solve(lat, lon, az, apo, rng, errors="mask")
    assert len(tr) == 1 and (tr.ok[0] == (tr.error[0] is None))
    v = validate(lat, lon, az, apo, rng)
    if v[0] is not None:
        assert not tr.ok[0]


# ---------------------------------------------------------------- invariants

realistic = st.tuples(
    st.floats(-80, 80),
    st.floats(-180, 180),
    st.floats(0, 360),
    st.one_of(
        st.tuples(st.floats(120, 1100), st.just(float("nan"))),  # minimum energy
        st.tuples(st.floats(2000, 7000), st.floats(600, 1500)),  # lofted
        st.tuples(st.floats(300, 1000), st.floats(1000, 4000)),  # near standard
    ),
)


@settings(max_examples=25, deadline=None)
@given(case=realistic)
def test_track_invariants(case):
    lat, lon, az, (apo, rng) = case
    tr = solve(lat, lon, az, apo, rng, errors="mask")
    if not tr.ok[0]:
        return
    track = tr.track(0, step_s=2.0)
    assert np.all(np.diff(track.t_s) > 0)
    assert np.all(track.alt_km >= 0)
    k = int(np.argmax(track.alt_km))
    # The ellipsoid bulges under the arc, so the height maximum can sit seconds off the Kepler apoapsis.
    assert abs(track.t_s[k] - tr.apogee_time_s[0]) <= 10.0
    assert abs(track.alt_km[k] - apo) < 1.0
    # No longitude jumps: consecutive samples 2 s apart are < 20 km apart east-west.
    east_west_km = np.abs(np.diff(track.lon)) * 111.32 * np.cos(np.radians(track.lat[1:]))
    assert np.all(east_west_km < 20.0)
    assert -180 <= track.lon[0] < 180
    # Specific energy is conserved through the free flight (inertial frame).
    tb, tf = tr.burnout_time_s[0], tr.flight_time_s[0]
    energies = [_free_flight_energy(tr, 0, t) for t in np.linspace(tb + 1, tf - 1, 5)]
    assert np.ptp(energies) < 1e-6 * abs(np.mean(energies)) + 2.0


def test_range_limit_is_half_meridian():
    assert MAX_RANGE_KM == pytest.approx(20_003.93, abs=0.01)  # WGS84 meridian quadrant 10,001.966 km x 2
    assert math.isfinite(MAX_RANGE_KM)


# ---------------------------------------------------------------- numerics behind the speed-ups


@pytest.mark.parametrize("size", [5, 5000])  # a single track and a long one
def test_kepler_anomaly_solves_keplers_equation(size):
    from jalert_sim.physics.kepler import Ellipses

    ecc = np.array([0.0, 0.01, 0.3, 0.7, 0.9, 0.98, 0.999])
    k = len(ecc)
    one = np.ones(k)
    ell = Ellipses(np.tile([1.0, 0.0, 0.0], (k, 1)), np.tile([0.0, 1.0, 0.0], (k, 1)), 7e6 * one, ecc, 1e-3 * one, 0 * one, 0 * one)
    t = np.linspace(-10.0, 7000.0, size)
    big_e = ell.anomaly_at(np.broadcast_to(t, (k, size)))
    mean = np.mod(1e-3 * t, 2 * np.pi)
    assert np.all((big_e >= -1e-12) & (big_e < 2 * np.pi + 1e-12))
    assert np.max(np.abs(big_e - ecc[:, None] * np.sin(big_e) - mean[None, :])) < 1e-12
    # Positions agree with the sin/cos form to well below a millimetre.
    r = ell.position(big_e)
    x = 7e6 * (np.cos(big_e) - ecc[:, None])
    assert np.max(np.abs(r[..., 0] - x)) < 1e-6


def _tracks_whole_and_blocked(ell, t, free, reference, monkeypatch, block_points):
    """track_at_times's numpy route on (t, free) as one call, and in blocks of ``block_points``."""
    from jalert_sim.physics import tracks
    from jalert_sim.physics.geodesy import DEG

    lat, lon, alt = ell.geodetic_at_times(t, reference)  # one call
    whole = (np.where(free, lat * DEG, np.nan), np.where(free, lon * DEG, np.nan),
             np.where(free, np.maximum(alt, 0.0) / 1000.0, np.nan))
    monkeypatch.setattr(tracks, "BLOCK_POINTS", block_points)
    assert t.size >= 2 * block_points  # (the blocked route is taken)
    return whole, tracks.track_at_times(ell, t, free, reference, DEG, compiled=False)


def _varied_trajectories(rng, n: int):
    """The flyable ones of ``n`` trajectories from North Korea in every direction, lofted to
    depressed, a fifth of them minimum-energy."""
    trajs = solve(rng.uniform(38, 42, n), rng.uniform(124, 130, n), rng.uniform(0, 360, n),
                  rng.uniform(80, 3000, n), np.where(rng.random(n) < 0.2, np.nan, rng.uniform(300, 9000, n)),
                  errors="mask")
    return trajs.select(np.nonzero(trajs.ok)[0])


@pytest.mark.parametrize("block_points", [64, 700, 8192])
def test_track_in_blocks_has_the_bits_of_one_call(monkeypatch, block_points):
    """track_at_times's numpy route solves a large call in blocks of rows, each iterated until its
    own points settle: it gives the bits of one call over all rows (ballistic tracks)."""
    rng = np.random.default_rng(block_points)
    trajs = _varied_trajectories(rng, 900)
    span = (trajs.flight_time_s - trajs.burnout_time_s)[:, None]
    t = trajs.burnout_time_s[:, None] + span * rng.uniform(-0.05, 1.05, (len(trajs), 40))
    t[::5, 30:] = trajs.burnout_time_s[::5, None]  # rows padded with one time, as positions_at pads
    free = rng.random(t.shape) < 0.8
    whole, blocked = _tracks_whole_and_blocked(trajs._ellipses, t, free, (trajs._lon_sign, trajs._lon_start_rad),
                                               monkeypatch, block_points)
    assert np.isfinite(blocked[0]).sum() > 10000
    for a, b in zip(blocked, whole):
        assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("block_points", [300, 8192])
def test_track_over_free_spans_has_the_bits_of_one_call(monkeypatch, block_points):
    """Times padded as positions_at pads them (the burnout time before burnout and after impact):
    the numpy route solves each row's free span only, in blocks of rows of like width, and still
    gives the bits of one call over the whole array."""
    rng = np.random.default_rng(block_points)
    trajs = _varied_trajectories(rng, 700)
    tb, flight = trajs.burnout_time_s[:, None], trajs.flight_time_s[:, None]
    j = np.arange(180)
    kind = rng.integers(0, 3, len(trajs))[:, None]
    t = np.where(kind == 0, j * 10.0,  # from launch, past the impact: points outside at both ends
                 np.where(kind == 1, tb + j * (flight - tb) / 179,  # free flight throughout
                          flight - (179 - j) * 10.0))  # up to the impact: points outside before only
    free = (t >= tb) & (t <= flight)
    tt = np.where(free, t, tb)
    assert free.all(axis=1).sum() > 100 and (~free[:, 0] & free[:, -1]).sum() > 100 and (~free[:, -1]).sum() > 100
    assert free.sum() < 0.9 * tt.size  # fewer points solved
    whole, blocked = _tracks_whole_and_blocked(trajs._ellipses, tt, free, (trajs._lon_sign, trajs._lon_start_rad),
                                               monkeypatch, block_points)
    for a, b in zip(blocked, whole):
        assert a.tobytes() == b.tobytes()


def _turned_orbits(ecc: np.ndarray, tau_s: float):
    """Orbits of 7,000 km semi-major axis and eccentricities ``ecc``, their planes turned step by
    step about the z axis (mean motion 1e-3 rad/s, perigee passage at ``tau_s``)."""
    from jalert_sim.physics.kepler import Ellipses

    one = np.ones(len(ecc))
    angle = np.linspace(0.0, 3.0, len(ecc))
    p_hat = np.column_stack([np.cos(angle), np.sin(angle), 0.0 * one])
    q_hat = np.column_stack([-np.sin(angle) * 0.6, np.cos(angle) * 0.6, 0.8 * one])
    return Ellipses(p_hat, q_hat, 7e6 * one, ecc, 1e-3 * one, tau_s * one, 0 * one)


def test_track_in_blocks_with_random_free_points(monkeypatch):
    """Orbits from circular to e = 0.999 at random times with random points outside free flight:
    the blocks (of each row's free span) give the bits of one call."""
    ecc = np.repeat([0.0, 1e-5, 3e-5, 1e-4, 0.01, 0.3, 0.7, 0.9, 0.98, 0.999], 6)
    ell = _turned_orbits(ecc, 10.0)
    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(-10.0, 7000.0, (len(ecc), 200)), axis=1)
    free = rng.random(t.shape) < 0.9
    free[::7, :40] = free[::5, 150:] = False
    whole, blocked = _tracks_whole_and_blocked(ell, t, free, ell.longitude_reference(), monkeypatch, 200)
    for a, b in zip(blocked, whole):
        assert a.tobytes() == b.tobytes()


def test_each_kepler_point_is_its_own():
    """Kepler's equation point by point: near-circular orbits (one Halley step) solved row by row,
    or in one call with orbits up to e = 0.999 (several steps), have the same bits, cosine and sine
    included, on the numpy route. (Before, a call iterated until its last point settled, and the
    points that settled earlier had their cosine and sine computed afresh: other bits.)"""
    from jalert_sim.physics import kepler

    ecc = np.repeat([1e-5, 3e-5, 1e-4, 0.01, 0.3, 0.7, 0.9, 0.98, 0.999], 6)
    ell = _turned_orbits(ecc, 10.0)
    t = np.sort(np.random.default_rng(5).uniform(-10.0, 7000.0, (len(ecc), 200)), axis=1)
    together = ell._halley(t)
    near_circular = range(18)
    for i in near_circular:
        alone = ell.take(slice(i, i + 1))._halley(t[i:i + 1])
        for a, b in zip(alone, together):
            assert a[0].tobytes() == b[i].tobytes()
    # The carried cosine and sine differ from fresh ones in some bits, so the test above can fail.
    fresh = kepler.cos_sin(together[0][near_circular])
    assert (fresh[0] != together[1][near_circular]).sum() + (fresh[1] != together[2][near_circular]).sum() > 20


def test_single_and_batch_solutions_agree():
    """Each row is solved independently: alone or in a batch, bit for bit the same answer (batch.py relies on it)."""
    lat, lon, az, apo, rng = (np.array([c[k] if c[k] is not None else np.nan for c in CASES]) for k in range(5))
    together = solve(lat, lon, az, apo, rng)
    for i in range(len(CASES)):
        alone = solve(lat[i], lon[i], az[i], apo[i], rng[i])
        for name in ("range_km", "apogee_km", "flight_time_s", "impact_lat", "impact_lon", "max_speed_km_s"):
            assert getattr(alone, name)[0] == getattr(together, name)[i], name
        for a, b in zip(alone.sample(5.0), together._take(i).sample(5.0)):
            assert np.array_equal(a, b, equal_nan=True)
        assert np.array_equal(alone.positions_at(np.array([100.0]))[0], together.positions_at(np.array([100.0]))[0][i:i + 1])


def test_the_spheres_first_look_at_the_boost_lies_within_its_bound():
    """Trajectories.boost_ground_sphere (a great circle of the mean sphere) puts each boost-phase
    point within the distance it reports of positions_at's (WGS84 geodesics), measured with
    pyproj; and that bound, BOOST_SPHERE_OFF of the downrange, holds for great circles and
    geodesics from anywhere, in any heading, up to 3,000 km (0.56 % at most, by a meridian near the
    equator)."""
    from jalert_sim.physics.geodesy import DEG, RAD, sphere_fwd
    from jalert_sim.physics.trajectories import BOOST_SPHERE_OFF

    rng = np.random.default_rng(8)
    n = 300
    tr = solve(rng.uniform(-60, 60, n), rng.uniform(-180, 180, n), rng.uniform(0, 360, n),
               rng.uniform(100, 3000, n), np.where(rng.random(n) < 0.3, np.nan, rng.uniform(300, 9000, n)),
               errors="mask")
    t = tr.sample_times(5.0)
    with np.errstate(invalid="ignore"):
        r, c = np.nonzero((t >= 0) & (t < tr.burnout_time_s[:, None]))
    assert len(r) > 5000
    lat, lon, off_m = tr.boost_ground_sphere(r, t[r, c])
    exact_lat, exact_lon, _ = tr.positions_at(t)
    _, _, apart_m = GEOD.inv(exact_lon[r, c], exact_lat[r, c], lon, lat)
    assert np.all(apart_m <= off_m + 1e-6) and np.max(apart_m / np.maximum(off_m, 1.0)) > 0.2

    m = 100_000
    lat0, lon0, az, dist = rng.uniform(-70, 70, m), rng.uniform(-180, 180, m), rng.uniform(0, 360, m), \
        rng.uniform(1e3, 3e6, m)
    slat, slon, _ = sphere_fwd(lat0 * RAD, lon0 * RAD, az * RAD, dist)
    glon, glat, _ = GEOD.fwd(lon0, lat0, az, dist)
    _, _, apart_m = GEOD.inv(glon, glat, slon * DEG, slat * DEG)
    assert 0.004 < np.max(apart_m / dist) < BOOST_SPHERE_OFF
