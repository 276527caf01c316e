"""What is uncertain about a scenario (:class:`Spreads`), the ``lo:hi`` and ``lo:hi:step``
notation of ranges and grids, and the samples of an ensemble drawn block by block.

Samples are drawn in blocks of a fixed size: block ``b`` of input ``k`` (azimuth, apogee,
range, launch point) draws from numpy's ``SeedSequence(seed, spawn_key=(b, k))``, so the
samples, and every summary merged from the blocks in order, are the same whatever the number
of processes that solve the blocks; and a spread on one input does not change the draws of
another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from ..decimals import to_float
from ..earth import GEOD
from ..errors import InputError
from .table import Scenario

#: Samples per block: the unit of drawing, solving and merging (and of a worker's task).
BLOCK_SIZE = 1000
#: The inputs that can be spread, in the order of their streams (``spawn_key=(block, k)``).
INPUTS = ("azimuth_deg", "apogee_km", "range_km", "launch")


def _number(name: str, text: str) -> float:
    try:
        value = to_float(text)
    except (TypeError, ValueError) as exc:
        raise InputError(name, str(exc)) from None
    if not math.isfinite(value):
        raise InputError(name, f"must be a finite number, got {text!r}")
    return value


def parse_interval(name: str, text: str) -> float | tuple[float, float]:
    """``"75"`` -> 75.0; ``"70:80"`` -> (70.0, 80.0), a range lo <= hi (an empty one is an error)."""
    parts = str(text).split(":")
    if len(parts) == 1:
        return _number(name, parts[0])
    if len(parts) != 2:
        raise InputError(name, f"expected a number or a range lo:hi, got {text!r}")
    lo, hi = (_number(name, p) for p in parts)
    if hi < lo:
        raise InputError(name, f"the range {text!r} is empty (lo:hi needs lo <= hi)")
    return lo, hi


def parse_grid(name: str, text: str) -> np.ndarray:
    """``"600"`` -> [600.]; ``"0:360:1"`` -> 0, 1, ..., 360 (``hi`` included when the steps land
    on it); ``"lo:hi"`` alone is an error (a grid needs its step)."""
    parts = str(text).split(":")
    if len(parts) == 1:
        return np.array([_number(name, parts[0])])
    if len(parts) != 3:
        raise InputError(name, f"expected a number or a grid lo:hi:step, got {text!r}")
    lo, hi, step = (_number(name, p) for p in parts)
    if step <= 0:
        raise InputError(name, f"the step of {text!r} must be above 0")
    if hi < lo:
        raise InputError(name, f"the grid {text!r} is empty (lo:hi:step needs lo <= hi)")
    count = math.floor((hi - lo) / step * (1 + 1e-12) + 1e-9) + 1
    if count > 10_000_000:
        raise InputError(name, f"the grid {text!r} has {count:,} values")
    return np.round(lo + step * np.arange(count), 9)


@dataclass(frozen=True)
class Spreads:
    """The uncertainty of a scenario's inputs. Normal spreads (standard deviations) around the
    base scenario's values: ``azimuth_sd_deg``, ``apogee_sd_km``, ``range_sd_km``;
    ``launch_sd_km`` a circular normal around the launch point (east and north each of that
    standard deviation, moved along the WGS84 geodesic). A uniform range (lo, hi) replaces an
    input's value: ``azimuth_deg``, ``apogee_km``, ``range_km``."""

    azimuth_sd_deg: float = 0.0
    apogee_sd_km: float = 0.0
    range_sd_km: float = 0.0
    launch_sd_km: float = 0.0
    azimuth_deg: tuple[float, float] | None = None
    apogee_km: tuple[float, float] | None = None
    range_km: tuple[float, float] | None = None

    def __post_init__(self):
        for name in ("azimuth_sd_deg", "apogee_sd_km", "range_sd_km", "launch_sd_km"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise InputError(name, f"must be a finite number >= 0, got {value!r}")
        for name, sd in (("azimuth_deg", "azimuth_sd_deg"), ("apogee_km", "apogee_sd_km"), ("range_km", "range_sd_km")):
            band = getattr(self, name)
            if band is None:
                continue
            lo, hi = band
            if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
                raise InputError(name, f"the range {lo:g}:{hi:g} is empty (lo:hi needs lo <= hi)")
            if getattr(self, sd):
                raise InputError(sd, f"give either a range of {name} or its standard deviation, not both")

    @property
    def none(self) -> bool:
        """No input is uncertain: every sample is the base scenario."""
        return all(not getattr(self, f.name) for f in fields(self))

    def to_dict(self) -> dict:
        return {f.name: (list(v) if isinstance(v, tuple) else v) for f in fields(self) if (v := getattr(self, f.name))}


def check_base(base: Scenario, spreads: Spreads) -> None:
    """InputError if ``spreads`` cannot apply to ``base`` (a range spread of a minimum-energy
    trajectory, which has no range to spread)."""
    if base.range_km is None and spreads.range_km is None and spreads.range_sd_km:
        raise InputError("range_sd_km", "the base scenario has no range (a minimum-energy trajectory): give --range")


def _stream(seed: int, block: int, k: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, k)))


def _draw(base_value, sd: float, band, rng: np.random.Generator, size: int) -> np.ndarray:
    if band is not None:
        return rng.uniform(band[0], band[1], size) if band[1] > band[0] else np.full(size, float(band[0]))
    value = np.nan if base_value is None else float(base_value)
    if not sd:
        return np.full(size, value)
    with np.errstate(over="ignore"):  # (a spread near the float limit: infinite draws, counted as infeasible)
        return value + rng.normal(0.0, 1.0, size) * sd


def draw_block(base: Scenario, spreads: Spreads, seed: int, block: int, size: int) -> dict[str, np.ndarray]:
    """Block ``block``'s ``size`` samples (the first ``size`` of its BLOCK_SIZE draws): arrays
    ``lat``, ``lon`` (degrees), ``azimuth_deg``, ``apogee_km``, ``range_km`` (NaN: minimum energy)."""
    draws = BLOCK_SIZE  # always the whole block, so that a shorter last block is a prefix of it
    out = {name: _draw(getattr(base, name), getattr(spreads, sd), getattr(spreads, name), _stream(seed, block, k), draws)
           for k, (name, sd) in enumerate((("azimuth_deg", "azimuth_sd_deg"), ("apogee_km", "apogee_sd_km"),
                                           ("range_km", "range_sd_km")))}
    lat, lon = np.full(draws, base.lat), np.full(draws, base.lon)
    if spreads.launch_sd_km:
        en = _stream(seed, block, 3).normal(0.0, spreads.launch_sd_km * 1000.0, (draws, 2))
        lon, lat, _ = GEOD.fwd(lon, lat, np.degrees(np.arctan2(en[:, 0], en[:, 1])), np.hypot(en[:, 0], en[:, 1]))
        lat, lon = np.asarray(lat), np.asarray(lon)
    out["lat"], out["lon"] = lat, lon
    return {name: values[:size] for name, values in out.items()}


def block_scenarios(base: Scenario, samples: dict[str, np.ndarray]) -> list[Scenario]:
    """The samples as scenarios of the base's model, boost and launch time, for solve_table."""
    ranges = [None if r != r else r for r in samples["range_km"].tolist()]
    return [base._replace(lat=la, lon=lo, azimuth_deg=az, apogee_km=ap, range_km=r) for la, lo, az, ap, r in zip(
        samples["lat"].tolist(), samples["lon"].tolist(), samples["azimuth_deg"].tolist(),
        samples["apogee_km"].tolist(), ranges)]
