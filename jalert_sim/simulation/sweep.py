"""Parameter sweeps: a grid over launch sites, azimuths, apogees and ranges, every point
solved, and what the grid warns: each prefecture's exposure (the share of the grid's points
that warn it) and the parameter intervals that warn one prefecture.

Points are numbered in C order over (launch, azimuth, apogee, range): the last axis varies
fastest. A point that cannot fly is counted under its reason, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import geo
from ..errors import InputError
from .api import prepare, solve_table
from .ensemble import infeasible_reason
from .table import Scenario, ScenarioTable

#: The grid's axes, in the order of the points, with the unit shown beside their values.
AXES = (("launch", ""), ("azimuth_deg", "°"), ("apogee_km", " km"), ("range_km", " km"))
#: The most points a sweep may have (about 4 minutes of 2 cores at ~0.5 ms a point).
MAX_POINTS = 1_000_000


@dataclass(frozen=True)
class Grid:
    """A sweep's grid: launch sites (as simulate() takes them) and the values of each numeric
    input (degrees, km; ``range_km`` None: minimum-energy trajectories), with the launch time
    and model options every point shares."""

    launches: tuple[str, ...]
    azimuth_deg: np.ndarray
    apogee_km: np.ndarray
    range_km: np.ndarray | None
    launch_time: Any = None
    options: tuple[tuple[str, float], ...] = ()

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self.launches), len(self.azimuth_deg), len(self.apogee_km),
                1 if self.range_km is None else len(self.range_km))

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def values(self, axis: str) -> list:
        if axis == "launch":
            return list(self.launches)
        v = getattr(self, axis)
        return [None] if v is None else v.tolist()

    @property
    def varied(self) -> tuple[str, ...]:
        """The axes with more than one value."""
        return tuple(name for (name, _), n in zip(AXES, self.shape) if n > 1)

    def bases(self) -> list[Scenario]:
        """One checked scenario per launch site (InputError for a bad site, time or option)."""
        out = []
        for launch in self.launches:
            base = prepare({"launch": launch, "azimuth_deg": float(self.azimuth_deg[0]),
                            "apogee_km": float(self.apogee_km[0]), "launch_time": self.launch_time,
                            "range_km": None if self.range_km is None else float(self.range_km[0]),
                            **dict(self.options)})
            if not isinstance(base, Scenario):
                raise base
            out.append(base)
        return out

    def scenarios(self, bases: list[Scenario], start: int, stop: int) -> list[Scenario]:
        """Points ``start`` to ``stop`` - 1 as scenarios."""
        idx = np.unravel_index(np.arange(start, stop), self.shape)
        az, ap = self.azimuth_deg[idx[1]].tolist(), self.apogee_km[idx[2]].tolist()
        rng = [None] * (stop - start) if self.range_km is None else self.range_km[idx[3]].tolist()
        return [bases[s]._replace(azimuth_deg=a, apogee_km=p, range_km=r)
                for s, a, p, r in zip(idx[0].tolist(), az, ap, rng)]


def check_grid(grid: Grid, max_points: int = MAX_POINTS) -> None:
    if not grid.launches:
        raise InputError("launch", "give at least one launch site")
    if grid.size > max_points:
        raise InputError("grid", f"{' x '.join(map(str, grid.shape))} = {grid.size:,} points is more than "
                         f"{max_points:,} (a coarser step, or fewer values)")


def solve_points(grid: Grid, bases: list[Scenario], start: int, stop: int, *, detail: bool = True) -> ScenarioTable:
    """The table of points ``start`` to ``stop`` - 1 (``detail``: as for :func:`~.api.solve_table`)."""
    return solve_table(grid.scenarios(bases, start, stop), detail=detail)


@dataclass(frozen=True)
class Exposure:
    """How much of the grid warns one prefecture: ``count`` of the ``flown`` points."""

    code: str
    name: str
    name_ja: str
    count: int
    flown: int

    @property
    def share(self) -> float:
        return self.count / self.flown if self.flown else float("nan")


@dataclass(frozen=True)
class Interval:
    """A run of consecutive values of ``axis`` (lo to hi, ends included) at which a prefecture
    is warned, the other varied axes held at ``at`` (axis -> value)."""

    axis: str
    lo: float
    hi: float
    at: tuple[tuple[str, Any], ...]

    def text(self) -> str:
        unit = dict(AXES)[self.axis]
        span = f"{self.lo:g}{unit}" if self.lo == self.hi else f"{self.lo:g}{unit}–{self.hi:g}{unit}"
        where = ", ".join(f"{name.split('_')[0]} {v:g}{dict(AXES)[name]}" if isinstance(v, float) else
                          f"{name.split('_')[0]} {v}" for name, v in self.at if v is not None)
        return f"{self.axis.split('_')[0]} {span}" + (f" at {where}" if where else "")


@dataclass(frozen=True)
class SweepSummary:
    """A solved grid: per point whether it flew and its (47,) reason codes (``warned``, in
    geo.prefectures() order; 0 for a point that did not fly), and why points could not fly."""

    grid: Grid
    ok: np.ndarray
    warned: np.ndarray
    infeasible: dict[str, int]

    @property
    def flown(self) -> int:
        return int(self.ok.sum())

    def exposure(self) -> list[Exposure]:
        """The prefectures that some point warns, most exposed first."""
        counts = np.count_nonzero(self.warned, axis=0)
        prefs = geo.prefectures()
        out = [Exposure(p.code, p.name, p.name_ja, int(counts[j]), self.flown) for j, p in enumerate(prefs) if counts[j]]
        return sorted(out, key=lambda e: (-e.count, e.code))

    def intervals(self, query: str | int, axis: str | None = None) -> tuple[Any, list[Interval]]:
        """(the prefecture, the runs of ``axis`` values that warn it); ``axis`` defaults to the
        first varied axis (azimuth in the usual sweep). Raises UnknownNameError for a bad name."""
        pref = geo.prefecture(query)
        j = [p.code for p in geo.prefectures()].index(pref.code)
        names = [name for name, _ in AXES]
        axis = axis or next((a for a in self.grid.varied if a != "launch"), names[1])
        k = names.index(axis)
        hit = np.moveaxis((self.warned[:, j] != 0).reshape(self.grid.shape), k, -1)
        values = np.asarray(self.grid.values(axis), float)
        others = [n for n in names if n != axis]
        out = []
        for idx in np.ndindex(hit.shape[:-1]):
            row = hit[idx]
            if not row.any():
                continue
            at = tuple((name, self.grid.values(name)[i]) for name, i in zip(others, idx) if name in self.grid.varied)
            edges = np.flatnonzero(np.diff(np.r_[0, row.astype(np.int8), 0]))
            out.extend(Interval(axis, float(values[a]), float(values[b - 1]), at) for a, b in zip(edges[::2], edges[1::2]))
        return pref, out


def tally_points(table: ScenarioTable) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """(ok, warned, infeasible reasons) of a solved chunk of points."""
    infeasible: dict[str, int] = {}
    for error in table.error:
        if error is not None:
            reason = infeasible_reason(error)
            infeasible[reason] = infeasible.get(reason, 0) + 1
    return table["ok"].copy(), table.warned.copy(), infeasible
