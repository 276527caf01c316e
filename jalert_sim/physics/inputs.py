"""The solver's input limits and its vectorised input checks.

Inputs are the five arguments of :func:`~jalert_sim.physics.trajectories.solve` and
:func:`~jalert_sim.physics.trajectories.validate`: launch latitude and longitude
(degrees WGS84), azimuth (degrees clockwise from true north), apogee (km above the
ellipsoid) and range (km along the WGS84 geodesic; None or NaN for a minimum-energy
trajectory), each a number or a 1-D array. A batch is checked in a few numpy calls
when every element is valid (the usual case); otherwise each element gets the first
problem found, as (parameter, message).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..earth import GEOD, wrap_lon
from ..errors import InputError

__all__ = ["MAX_APOGEE_KM", "MAX_RANGE_KM", "MIN_ENERGY_MAX_APOGEE_KM", "CheckedInputs", "as_arrays", "check",
           "checked_inputs", "messages",
           "raise_first"]

MAX_APOGEE_KM = 40_000.0
#: Half the meridian: the longest geodesic on WGS84 (pole to pole), ~20,004 km.
MAX_RANGE_KM = GEOD.inv(0.0, 90.0, 0.0, -90.0)[2] / 1000.0
#: Minimum-energy arcs peak at ~1,300 km apogee; keep clear of that fold.
MIN_ENERGY_MAX_APOGEE_KM = 1_200.0

_PARAMS = ("lat_deg", "lon_deg", "azimuth_deg", "apogee_km", "range_km")


class CheckedInputs(NamedTuple):
    """A batch's inputs as float arrays (n,), and their problems.

    ``lat``, ``lon`` (wrapped to [-180, 180)) and ``az`` (in [0, 360)) are in degrees,
    NaN where the element is invalid; ``apogee_km`` and ``range_km`` are as given
    (NaN range: minimum energy). ``rows``: the valid elements' indices. ``param`` and
    ``message``: per element, the parameter and message of its first problem or None;
    both None when every element is valid. ``scalar``: every input was a scalar.
    """

    lat: np.ndarray
    lon: np.ndarray
    az: np.ndarray
    apogee_km: np.ndarray
    range_km: np.ndarray
    rows: np.ndarray
    param: np.ndarray | None
    message: np.ndarray | None
    scalar: bool


def checked_inputs(args, errors, boost) -> CheckedInputs:
    """Check and normalise the five inputs ``args`` for a solve with ``boost``; with ``errors="raise"``,
    raise :class:`InputError` for the first invalid element."""
    arrays, notes, scalar = as_arrays(args, errors)
    lat, lon, az, apogee, rng = arrays
    param, message = check(arrays, notes, boost)
    if param is None:  # every element valid
        lat_n, lon_n = lat, wrap_lon(lon)
        az_n = np.mod(az, 360.0)
        rows = np.arange(len(lat))
    else:
        if errors == "raise" and np.any(param != None):  # noqa: E711
            raise_first(param, message, scalar)
        good = param == None  # noqa: E711
        lat_n = np.where(good, lat, np.nan)
        lon_n = np.where(good, wrap_lon(lon), np.nan)
        az_n = np.where(good, np.mod(az, 360.0), np.nan)
        rows = np.nonzero(good)[0]
    az_n = np.where(az_n >= 360.0, 0.0, az_n)  # (np.mod can round up to the modulus)
    return CheckedInputs(lat_n, lon_n, az_n, apogee, rng, rows, param, message, scalar)


def as_arrays(args, errors):
    """Convert the five inputs to float arrays of one shape (n,); non-numbers become NaN with a note.

    Returns the arrays, the notes (per input, None or a boolean array marking the
    elements that were not numbers; only with ``errors="mask"``, which otherwise raises)
    and whether every input was a scalar.
    """
    arrays, notes = [], []
    for name, value in zip(_PARAMS, args):
        if value is None and name == "range_km":
            value = np.nan
        note = None
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            if errors != "mask":
                raise InputError(name, f"must be a number or an array of numbers (got {value!r:.60})") from None
            obj = np.asarray(value, dtype=object) if not isinstance(value, str) else np.asarray([value], dtype=object)
            arr = np.array([_to_float(v) for v in obj.reshape(-1)], dtype=float).reshape(obj.shape)
            note = ~np.isfinite(arr) & np.array([not _is_number(v) for v in obj.reshape(-1)]).reshape(obj.shape)
        if arr.ndim > 1:
            raise InputError(name, f"must be a number or a 1-D array (got shape {arr.shape})")
        arrays.append(arr)
        notes.append(note)
    # Broadcast to (n,) (what np.broadcast_shapes/broadcast_to do, with fewer calls: a single
    # trajectory's solve is all per-call overhead).
    lengths = {a.shape[0] for a in arrays if a.ndim == 1}
    if len(lengths - {1}) > 1:
        raise InputError("lat_deg", "the inputs must be scalars or 1-D arrays of one common length "
                         f"(got lengths {[a.shape for a in arrays]})")
    n = max(lengths - {1}, default=1)
    arrays = [a.astype(float) if a.shape == (n,) else np.full(n, a.reshape(-1)[0] if a.size else np.nan) for a in arrays]
    notes = [None if k is None else np.broadcast_to(k, (n,)) for k in notes]
    return arrays, notes, not lengths


def _to_float(v):
    try:
        return float(v)
    except (TypeError, ValueError, OverflowError):
        return np.nan


def _is_number(v):
    try:
        float(v)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def check(arrays, notes, boost):
    """Per element of the five input ``arrays`` (and their ``notes``, as :func:`as_arrays` gives them):
    (parameter, message) of the first problem, or (None, None); (None, None) for the whole batch when
    every element is valid (the usual case, tested first in few calls)."""
    lat, lon, az, apogee, rng = arrays
    rng_note = notes[4]
    range_ok = (rng > 0) & (rng <= MAX_RANGE_KM)
    no_range = np.isnan(rng)
    valid = ((np.abs(lat) <= 90.0) & np.isfinite(lon) & np.isfinite(az) & (apogee > 0) & (apogee <= MAX_APOGEE_KM)
             & (range_ok | (no_range & (True if rng_note is None else ~rng_note)))
             & ~(no_range & (apogee > MIN_ENERGY_MAX_APOGEE_KM)))
    if boost.burnout_altitude_km is not None:
        valid &= apogee > boost.burnout_altitude_km
    if valid.all():
        return None, None
    n = len(lat)
    param = np.full(n, None, dtype=object)
    message = np.full(n, None, dtype=object)

    def flag(name, bad, text):
        if not bad.any():  # the usual case: skip the object-array comparison
            return
        new = bad & (param == None)  # noqa: E711  (object array comparison)
        if new.any():
            param[new] = name
            idx = np.nonzero(new)[0]
            values = {"lat_deg": lat, "lon_deg": lon, "azimuth_deg": az, "apogee_km": apogee, "range_km": rng}[name]
            message[idx] = [f"{text} (got {float(values[i]):g})" if not _nonnum(name, i) else
                            f"{text} (got a value that is not a number)" for i in idx]

    def _nonnum(name, i):
        k = notes[_PARAMS.index(name)]
        return k is not None and bool(k[i])

    with np.errstate(invalid="ignore"):
        flag("lat_deg", ~(np.abs(lat) <= 90.0), "must be a finite latitude between -90 and 90 degrees")
        flag("lon_deg", ~np.isfinite(lon), "must be a finite longitude in degrees")
        flag("azimuth_deg", ~np.isfinite(az), "must be a finite azimuth in degrees clockwise from north")
        flag("apogee_km", ~((apogee > 0) & (apogee <= MAX_APOGEE_KM)),
             f"must be above 0 and at most {MAX_APOGEE_KM:,.0f} km")
        rng_note = notes[4] if notes[4] is not None else np.zeros(n, bool)
        flag("range_km", (np.isnan(rng) & rng_note) | np.isinf(rng) | (rng <= 0) | (rng > MAX_RANGE_KM),
             f"must be above 0 and at most {MAX_RANGE_KM:,.0f} km (half the Earth's circumference), "
             "or omitted/NaN for a minimum-energy trajectory")
        flag("apogee_km", np.isnan(rng) & (apogee > MIN_ENERGY_MAX_APOGEE_KM),
             f"a minimum-energy trajectory (no range_km) reaches at most {MIN_ENERGY_MAX_APOGEE_KM:,.0f} km; "
             "give range_km for a lofted trajectory")
        if boost.burnout_altitude_km is not None:
            flag("apogee_km", apogee <= boost.burnout_altitude_km,
                 f"must be above the boost's burnout altitude ({boost.burnout_altitude_km:g} km)")
    return param, message


def raise_first(param, message, scalar, error_type=InputError):
    """Raise ``error_type`` for the first element with a problem (its index named unless ``scalar``)."""
    i = int(np.nonzero(param != None)[0][0])  # noqa: E711
    text = message[i] if scalar else f"element {i}: {message[i]}"
    raise error_type(param[i], text)


def messages(param, message, n):
    """Object array (n,): "parameter: message" per element with a problem, None elsewhere."""
    out = np.full(n, None, dtype=object)
    if param is None:
        return out
    bad = param != None  # noqa: E711
    out[bad] = [f"{p}: {m}" for p, m in zip(param[bad], message[bad])]
    return out
