"""The solver: the burnout conditions of the trajectory a request means (see :mod:`.trajectories`).

* **Solver.** Quasi-Newton iterations on the Earth-relative burnout speed and
  flight-path angle, all trajectories at once, one vectorised model evaluation per
  iteration. The first Jacobian by finite differences: with a range, of the model
  itself (the perturbed points' geodesic range taken as the base point's plus its
  first variation, exact to second order); for minimum energy, of a cheap spherical
  twin of the model, on whose range the optimality condition (the range's slope in
  the flight-path angle) is evaluated. Then Broyden updates, except that a
  given-range row whose first residual exceeded 5 km gets fresh differences at its
  second point (Newton from there converges in one step, Broyden in two).
  Converged to 5 m in apogee and range: typically 3 evaluations with a range, 4
  for minimum energy (the first guess, :mod:`.guess`, is a spherical, non-rotating ellipse, tens of
  km off). Apogee and range together are solvable for any range up to half the
  circumference, except where the Earth's rotation makes the requested heading
  impossible (e.g. a near-vertical lofted shot heading west drifts ~900 km west in
  75 minutes, so it cannot land 100 km west); those, and anything that fails to
  converge, are TrajectoryError.

Units: speeds m/s, angles rad, distances m (the Jacobian's speed unit is km/s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

import numpy as np

from .boost import BoostModel
from .flight import Flight, Launches, RowPlan, evaluate
from .geodesy import geodesic_inv
from .guess import initial_guess
from .kepler import fast_clip

__all__ = ["Solution", "newton"]

_TOL_M = 5.0  # Newton tolerance on apogee and range (m): 200x inside the 1 km the tests demand
_MAX_ITER = 40
_SLOPE_STEP_RAD = 1e-4
_GAMMA_STEP_RAD = 1e-6  # flight-path-angle step of the given-range rows' finite differences
_TOL_SLOPE = 200.0  # m of range per rad of flight-path angle: |gamma - optimum| < ~3e-5 rad
_GAMMA_MIN_RAD, _GAMMA_MAX_RAD = 1e-3, math.pi / 2 - 1e-4
_REFRESH_M = 5000.0  # residual (m) of a first evaluation above which its next point is differenced too
# Newton's extra points after the base ones, by block (see newton): +dv, +dg (given-range rows'
# differences); the twin's slope pair, its base point and the slope pair at +dv (minimum energy).
# Speed offsets in units of the finite-difference step, flight-path-angle offsets in rad.
_ADD_DV = np.array([1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
_ADD_DG = np.array([0.0, _GAMMA_STEP_RAD, _SLOPE_STEP_RAD, -_SLOPE_STEP_RAD, 0.0, _SLOPE_STEP_RAD, -_SLOPE_STEP_RAD])
_NONE = np.zeros(0, int)
# Newton's unknowns (speed m/s, flight-path angle rad) against the Jacobian's units (km/s, rad);
# their bounds, the largest step (0.8 km/s, 0.15 rad) and the smallest back-off before giving up.
_UNITS, _INV_UNITS = np.array([[1000.0], [1.0]]), np.array([[1e-3], [1.0]])
_X_MIN, _X_MAX = np.array([[50.0], [_GAMMA_MIN_RAD]]), np.array([[11_000.0], [_GAMMA_MAX_RAD]])
_INV_STEP_LIMIT = np.array([[1 / 0.8], [1 / 0.15]])
_BACKOFF_MIN = np.array([[1e-12], [1e-9]])


class Solution(NamedTuple):
    """What :func:`newton` found, per row: burnout speed (m/s) and flight-path angle (rad), whether it
    converged to a valid arc, and the model at the solution (the exact evaluation that met the
    tolerance, with the geodesic range for minimum-energy rows; NaN where Newton did not converge)."""

    speed: np.ndarray
    gamma: np.ndarray
    converged: np.ndarray
    flight: Flight


@dataclass(slots=True, eq=False, repr=False, match_args=False)
class _Problem:
    """What Newton solves for: the rows' launches and requested apogees, and their ranges (NaN: minimum energy)."""

    launches: Launches
    range_m: np.ndarray
    me: np.ndarray  # minimum-energy rows
    any_me: bool
    boost: BoostModel
    every: np.ndarray  # every row's index


@dataclass(slots=True, eq=False, repr=False, match_args=False)
class _State:
    """Newton's state, one column per row: stacked arrays, so one numpy call serves both unknowns,
    both residuals or the whole 2 x 2 Jacobian."""

    x: np.ndarray  # (2, n): speed (m/s), flight-path angle (rad)
    done: np.ndarray  # converged
    failed: np.ndarray  # given up on (no finite guess, out of the domain, singular, or pinned at a bound)
    stuck: np.ndarray  # consecutive steps pinned at a bound
    dx: np.ndarray  # (2, n): the last step, in the Jacobian's units: speed km/s, angle rad
    jac: np.ndarray  # (2, 2, n): of (apogee m, range m or slope m/rad) by (speed km/s, flight-path angle rad)
    have_jac: np.ndarray  # the Jacobian is usable (else: finite differences at the next point)
    f_prev: np.ndarray  # (2, n): the residuals before the last step
    tol: np.ndarray  # (2, n): apogee (m); range (m) or range slope (m/rad)
    kept: Flight | None = None  # the model at each converged row (NaN-filled on first use)
    stuck_any: bool = False


@dataclass(slots=True, eq=False, repr=False, match_args=False)
class _Live:
    """One iteration's live rows and the points evaluated for them (positions ``i_*`` among the live rows)."""

    k: int  # how many
    act: np.ndarray  # their indices
    rows: slice | np.ndarray  # how to address them (a slice while all are live)
    xs: np.ndarray  # (2, k) their unknowns (a view of the state's while all are live)
    fd: np.ndarray  # (k,) mask: needs finite differences
    i_fd: np.ndarray  # rows needing finite differences ...
    i_fdr: np.ndarray  # ... with a range
    i_fdm: np.ndarray  # ... minimum-energy
    i_m: np.ndarray  # minimum-energy rows
    m: np.ndarray | None  # (k,) mask of the minimum-energy rows (None when there are none)
    sizes: tuple  # sizes of the blocks of extra points after the k base ones (see _ADD_DV)
    ends: list  # where each block of points ends (the base points' first)


def newton(launches: Launches, range_m, boost: BoostModel) -> Solution:
    """Burnout (speed, flight-path angle) meeting the apogee and the range (or the minimum-energy condition).

    Residuals: apogee error (m) and signed range error (m) or, for minimum energy,
    d(range)/d(flight-path angle) at fixed speed (m/rad) on the spherical twin,
    which is zero where the range is greatest for the speed. Quasi-Newton: the first
    Jacobian comes from finite differences (of the model itself for given-range
    rows, of the twin for minimum-energy rows), later ones from Broyden updates with
    the exact residuals (re-seeded whenever the residual grows, and once at the
    second point of a given-range row whose first residual exceeded _REFRESH_M).
    Each iteration is one vectorised model call.

    Every row's arithmetic depends on that row alone (a trajectory gets the same
    bits alone or in any batch). A single trajectory's solve is all per-call
    overhead, so the state is kept as stacked arrays (the two unknowns, the two
    residuals, the 2 x 2 Jacobian: one numpy call each for both), rows are
    addressed by slices while all are live, tests use np.count_nonzero, and the
    working records are slots dataclasses (whose fields Python reads faster than a
    NamedTuple's; without a repr or match_args, which halves what they cost every start-up).
    """
    prob, st = _start(launches, range_m, boost)
    for _ in range(_MAX_ITER):
        live = ~(st.done | st.failed)
        k = np.count_nonzero(live)
        if k == 0:
            break
        lv = _live_rows(prob, st, live, k)
        res = _evaluate_points(prob, lv)
        f = _residuals(prob, lv, res)
        conv = _note_converged(st, lv, res, f)
        bad, any_bad = _back_off(st, lv, f)
        if lv.i_fd.size:
            _difference_jacobian(st, lv, res)
        _broyden_update(st, lv, f, bad, any_bad)
        if lv.i_fd.size:
            st.have_jac[lv.act[lv.i_fd]] = True
        _advance(st, lv, f, conv, bad)
    return _solution(prob, st)


def _start(launches: Launches, range_m, boost: BoostModel):
    """The problem and Newton's starting state (the initial guess, no Jacobian yet)."""
    n = len(launches.lat)
    me = np.isnan(range_m)
    x = np.empty((2, n))
    x[0], x[1] = initial_guess(launches, range_m, boost)
    x[1] = fast_clip(x[1], _GAMMA_MIN_RAD, _GAMMA_MAX_RAD)
    tol = np.empty((2, n))
    tol[0], tol[1] = _TOL_M, np.where(me, _TOL_SLOPE, _TOL_M)
    prob = _Problem(launches, range_m, me, np.count_nonzero(me) > 0, boost, np.arange(n))
    return prob, _State(x=x, done=np.zeros(n, bool), failed=~np.isfinite(x[0] + x[1]), stuck=np.zeros(n, int),
                        dx=np.zeros((2, n)), jac=np.zeros((2, 2, n)), have_jac=np.zeros(n, bool),
                        f_prev=np.zeros((2, n)), tol=tol)


def _solution(prob: _Problem, st: _State) -> Solution:
    """Newton's results, with the geodesic range of the minimum-energy solutions; a row has converged
    if Newton met the tolerance there and its arc is a valid one: burnout before the apoapsis (eccentric
    anomaly in (0, pi)) and an impact."""
    kept = Flight.nan(prob.every.size) if st.kept is None else st.kept
    fix = np.nonzero(prob.me & st.done)[0]  # minimum-energy solutions: their range on the WGS84 geodesic
    if fix.size:
        lat0, lon0 = prob.launches.lat[fix], prob.launches.lon[fix]
        kept.range_m[fix] = geodesic_inv(lat0, lon0, kept.impact_lat[fix], kept.impact_lon[fix])[0]
    e_b = kept.orbit.e_burnout
    converged = st.done & ~st.failed & (e_b > 0) & (e_b < np.pi) & np.isfinite(kept.impact_time_s)
    return Solution(st.x[0], st.x[1], converged, kept)


def _live_rows(prob: _Problem, st: _State, live, k) -> _Live:
    """The ``k`` live rows (mask ``live``), which of them need finite differences, and the point blocks."""
    act, rows = (prob.every, slice(None)) if k == prob.every.size else (np.nonzero(live)[0],) * 2
    fd = ~st.have_jac[rows]
    i_fd = np.nonzero(fd)[0] if np.count_nonzero(fd) else _NONE
    if prob.any_me:
        m = prob.me[rows]
        i_m = np.nonzero(m)[0]
        i_fdr, i_fdm = i_fd[~m[i_fd]], i_fd[m[i_fd]]
    else:
        m = None
        i_m = i_fdm = i_fd[:0]
        i_fdr = i_fd
    sizes = (i_fdr.size, i_fdr.size, i_m.size, i_m.size, i_fdm.size, i_fdm.size, i_fdm.size)
    ends = list(accumulate((k,) + sizes))
    return _Live(k, act, rows, st.x[:, rows], fd, i_fd, i_fdr, i_fdm, i_m, m, sizes, ends)


def _evaluate_points(prob: _Problem, lv: _Live) -> Flight:
    """One model call for the live rows: the base points, then the blocks of extra points.

    For a new Jacobian +dv and +dg (range rows: finite differences of the model itself,
    their range by the geodesic's first variation, see flight.RowPlan); the twin's slope
    pair at +-d (minimum energy) and, for a new Jacobian, the twin's base point and the
    slope pair again at +dv.
    """
    s, g = lv.xs
    if not (lv.i_m.size or lv.i_fd.size):  # base points only (range rows with a Jacobian)
        return evaluate(prob.launches.take(lv.rows), s, g, prob.boost)
    i_fdr, i_m, i_fdm = lv.i_fdr, lv.i_m, lv.i_fdm
    extra = np.concatenate([i_fdr, i_fdr, i_m, i_m, i_fdm, i_fdm, i_fdm])
    pts_s = np.concatenate([s, s[extra] + 1e-6 * np.maximum(s[extra], 1.0) * np.repeat(_ADD_DV, lv.sizes)])
    pts_g = np.concatenate([g, g[extra] + np.repeat(_ADD_DG, lv.sizes)])
    at = np.concatenate([lv.act, lv.act[extra]])
    plan = RowPlan(lv.k + 2 * i_fdr.size, extra[:2 * i_fdr.size], np.nonzero(~lv.m)[0] if i_m.size else None)
    return evaluate(prob.launches.take(at), pts_s, pts_g, prob.boost, plan)


def _residuals(prob: _Problem, lv: _Live, res: Flight):
    """(2, k): apogee error (m); signed range error (m) or, minimum energy, the twin's range slope (m/rad)."""
    apo, sr = res.apogee_m, res.signed_range_m
    f = np.empty((2, lv.k))
    np.subtract(apo[:lv.k], prob.launches.apogee_m[lv.rows], out=f[0])
    np.subtract(sr[:lv.k], prob.range_m[lv.rows], out=f[1])
    if lv.i_m.size:
        b = lv.ends
        f[1, lv.i_m] = (sr[b[2]:b[3]] - sr[b[3]:b[4]]) / (2 * _SLOPE_STEP_RAD)
    return f


def _note_converged(st: _State, lv: _Live, res: Flight, f):
    """Mark the live rows within tolerance as done and keep the model's results there; their mask (k,)."""
    within = np.abs(f) < st.tol[:, lv.rows]
    conv = within[0] & within[1]
    count = np.count_nonzero(conv)
    if count:
        st.done[lv.act[conv]] = True
        n = st.done.size
        if st.kept is None and lv.k == n and count == n:  # all at once (e.g. a single trajectory)
            st.kept = res if res.apogee_m.size == n else res.take(slice(0, n))
        else:
            if st.kept is None:
                st.kept = Flight.nan(n)
            st.kept.put(lv.act[conv], res, np.nonzero(conv)[0])
    return conv


def _back_off(st: _State, lv: _Live, f):
    """Back off half the last step where the trial left the domain (no impact, unbound orbit), giving up
    once that step is negligible. Returns the mask (k,) of those rows and whether there are any."""
    bad = ~np.isfinite(f[0] + f[1])
    any_bad = np.count_nonzero(bad) > 0
    if any_bad:
        retry = lv.act[bad]
        st.dx[:, retry] *= 0.5
        st.x[:, retry] -= st.dx[:, retry] * _UNITS
        small = np.abs(st.dx[:, retry]) < _BACKOFF_MIN
        st.failed[retry[small[0] & small[1]]] = True
    return bad, any_bad


def _difference_jacobian(st: _State, lv: _Live, res: Flight):
    """The Jacobian by finite differences of the model (given-range rows) or of its twin (minimum energy)."""
    jac, act, b = st.jac, lv.act, lv.ends
    apo, sr = res.apogee_m, res.signed_range_m
    d = _SLOPE_STEP_RAD
    dv = 1e-6 * np.maximum(lv.xs[0], 1.0)
    i_fdr, i_fdm = lv.i_fdr, lv.i_fdm
    if i_fdr.size:
        dvk = dv[i_fdr] / 1000.0
        a0, r0 = apo[i_fdr], sr[i_fdr]
        at_fd = act[i_fdr]
        jac[0, 0, at_fd] = (apo[b[0]:b[1]] - a0) / dvk
        jac[1, 0, at_fd] = (sr[b[0]:b[1]] - r0) / dvk
        jac[0, 1, at_fd] = (apo[b[1]:b[2]] - a0) / _GAMMA_STEP_RAD
        jac[1, 1, at_fd] = (sr[b[1]:b[2]] - r0) / _GAMMA_STEP_RAD
    if i_fdm.size:
        dvk = dv[i_fdm] / 1000.0
        pos = np.searchsorted(lv.i_m, i_fdm)
        ap, am = apo[b[2]:b[3]][pos], apo[b[3]:b[4]][pos]
        rp, rmn = sr[b[2]:b[3]][pos], sr[b[3]:b[4]][pos]
        apv, amv, rpv, rmv = apo[b[5]:b[6]], apo[b[6]:b[7]], sr[b[5]:b[6]], sr[b[6]:b[7]]
        at_fd = act[i_fdm]
        jac[0, 0, at_fd] = 0.5 * ((apv + amv) - (ap + am)) / dvk
        jac[0, 1, at_fd] = (ap - am) / (2 * d)
        jac[1, 0, at_fd] = ((rpv - rmv) - (rp - rmn)) / (2 * d) / dvk
        jac[1, 1, at_fd] = (rp - 2.0 * sr[b[4]:b[5]] + rmn) / (d * d)


def _broyden_update(st: _State, lv: _Live, f, bad, any_bad):
    """Broyden's update where no finite differences were taken: J += (df - J dx) dx' / |dx|^2."""
    if lv.i_fd.size or any_bad:
        upd_mask = ~(lv.fd | bad)
        upd = upd_ix = lv.act[upd_mask]
        fu = f[:, upd_mask]
    else:
        upd, upd_ix, fu = lv.rows, lv.act, f
    if not fu.shape[1]:
        return
    du, fp, jj = st.dx[:, upd], st.f_prev[:, upd], st.jac[:, :, upd]
    du0, du1 = du
    miss = (fu - fp) - (jj[:, 0] * du0 + jj[:, 1] * du1)
    st.jac[:, :, upd] = jj + miss[:, None] * (du / (du0 * du0 + du1 * du1))
    grew = np.abs(fu) > 0.9 * np.abs(fp)
    grew = grew[0] & grew[1]
    if np.count_nonzero(grew):
        st.have_jac[upd_ix[grew]] = False  # not converging: fresh finite differences next time


def _advance(st: _State, lv: _Live, f, conv, bad):
    """Take Newton's step on every live row that is neither converged nor out of the domain."""
    step, new, pinned = _newton_step(st, lv, f)
    # Range rows that started far off get their Jacobian differenced again at the next point:
    # from there Newton converges in one step where Broyden's secant needs two (two more
    # points in the next call, one call fewer).
    if lv.i_fdr.size:
        far = np.abs(f[:, lv.i_fdr]) > _REFRESH_M
        far = far[0] | far[1]
        if np.count_nonzero(far):
            st.have_jac[lv.act[lv.i_fdr[far]]] = False
    if not (np.count_nonzero(conv | bad | pinned) or st.stuck_any):  # every row takes a plain step
        st.f_prev[:, lv.rows] = f
        st.dx[:, lv.rows] = (new - lv.xs) * _INV_UNITS
        st.x[:, lv.rows] = new
        return
    go = ~(conv | bad)
    if not np.count_nonzero(go):
        return
    idx = lv.act[go]
    st.f_prev[:, idx] = f[:, go]
    step, new, pinned, xg = step[:, go], new[:, go], pinned[go], lv.xs[:, go]
    finite = np.isfinite(step)
    singular = ~(finite[0] & finite[1])
    if np.count_nonzero(singular):
        st.failed[idx[singular & ~st.have_jac[idx]]] = True
        st.have_jac[idx[singular]] = False
        new, pinned = _clipped(xg, np.where(finite, step, 0.0))
    # A solution beyond the vertical (or the speed limits) does not exist: stop after a few tries.
    st.stuck[idx] = np.where(pinned, st.stuck[idx] + 1, 0)
    st.failed[idx[st.stuck[idx] >= 4]] = True
    st.stuck_any = np.count_nonzero(st.stuck) > 0
    st.dx[:, idx] = (new - xg) * _INV_UNITS
    st.x[:, idx] = new


def _newton_step(st: _State, lv: _Live, f):
    """Newton's step for every live row (in the Jacobian's units), at most 800 m/s and 0.15 rad, and
    where it leads: (step, new unknowns within their bounds, mask of the rows a bound pinned)."""
    a00, a01, a10, a11 = st.jac.reshape(4, st.x.shape[1])[:, lv.rows]
    inv_det = 1.0 / (a00 * a11 - a01 * a10)
    step = np.empty((2, lv.k))
    np.multiply(a01 * f[1] - a11 * f[0], inv_det, out=step[0])
    np.multiply(a10 * f[0] - a00 * f[1], inv_det, out=step[1])
    ratio = np.abs(step) * _INV_STEP_LIMIT
    step *= np.minimum(1.0, 1.0 / np.maximum(ratio[0], ratio[1]))
    return (step,) + _clipped(lv.xs, step)


def _clipped(xs, step):
    """The unknowns ``xs`` moved by ``step`` (Jacobian units) and clipped to their bounds, and the mask of
    the rows the bounds pinned (also where the step is NaN)."""
    trial = xs + step * _UNITS
    new = fast_clip(trial, _X_MIN, _X_MAX)
    pinned = new != trial
    return new, pinned[0] | pinned[1]
