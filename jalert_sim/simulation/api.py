"""The one-call API: a scenario in, a complete result out.

``simulate`` runs one scenario; ``simulate_many`` runs many at once, solving all
trajectories in one vectorised call. Both return :class:`SimulationResult`,
whose ``to_dict()`` is exactly the document that ``jalert-sim run --format json``
prints (schema: ``jalert_sim/schemas/simulation.schema.json``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

import numpy as np

from ..alerting.engine import assess_columns
from ..alerting.model import AlertModel
from ..decimals import to_float
from ..earth import JST
from ..errors import InputError, JalertError, TrajectoryError
from ..geo.places import Place, parse_launch
from ..physics.trajectories import BoostModel, solve
from .options import MODEL_OPTIONS
from .result import SimulationResult
from .table import Group, Scenario, ScenarioTable, build_table


def parse_time(value: datetime | str | None) -> datetime:
    """A timezone-aware launch time: now if None; ISO 8601 strings without an offset are JST."""
    if value is None:
        return datetime.now(JST).replace(microsecond=0)
    if isinstance(value, str):
        text = value.strip()
        iso = text.upper()  # RFC 3339 allows a lowercase "t" and "z"
        try:
            value = datetime.fromisoformat(iso[:-1] + "+00:00" if iso.endswith("Z") else iso)
        except ValueError:
            raise InputError("launch_time", f"{text!r} is not an ISO 8601 date-time (e.g. 2017-08-29T05:58:00+09:00)") from None
    if not isinstance(value, datetime):
        raise InputError("launch_time", f"expected an ISO 8601 date-time, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=JST)
    # The flight's times (launch + up to a few hours, shown in JST) must be dates Python can hold.
    if not _FIRST_LAUNCH <= value <= _LAST_LAUNCH:
        # The limits are JST instants: say them at the offset the user wrote, where the years line up.
        first, last = (limit.astimezone(value.tzinfo).isoformat() for limit in (_FIRST_LAUNCH, _LAST_LAUNCH))
        raise InputError("launch_time", f"must be from {first} to {last} (got {value.isoformat()})")
    return value


_FIRST_LAUNCH = datetime(2, 1, 1, tzinfo=JST)
_LAST_LAUNCH = datetime(9998, 12, 31, 23, 59, 59, tzinfo=JST)


@cache
def _default_models() -> tuple[AlertModel, BoostModel]:
    return AlertModel(), BoostModel()


@lru_cache(maxsize=4096)
def _parse_launch(text: str) -> tuple[float, float, Place | None]:
    """parse_launch, remembered: a batch names the same few sites in row after row. (An error is
    not remembered: it is raised again each time.)"""
    return parse_launch(text)


def resolve_launch(launch: str | Place | tuple[float, float] | Sequence[float]) -> tuple[float, float, Place | None]:
    """(lat, lon, the site or None) of a launch as simulate() takes it: a site's name, "lat,lon",
    a Place or a (lat, lon) pair; InputError if it is none of them."""
    if isinstance(launch, Place):
        return launch.lat, launch.lon, launch
    if isinstance(launch, str):
        return _parse_launch(launch)
    try:
        lat, lon = (to_float(v) for v in launch)
    except ValueError as exc:  # not two values, or one that is not a number
        raise InputError("launch", f"expected a site name, 'lat,lon' or a (lat, lon) pair of numbers: {exc}") from None
    except TypeError:
        raise InputError("launch", f"expected a site name, 'lat,lon' or a (lat, lon) pair, got {launch!r:.80}") from None
    return parse_launch(f"{lat},{lon}")


def number(name: str, value: Any, *, optional: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise InputError(name, "is required")
    try:
        number = to_float(value)
    except TypeError:
        raise InputError(name, f"must be a number, got {value!r:.80}") from None
    except ValueError as exc:
        raise InputError(name, str(exc)) from None
    if not math.isfinite(number):
        raise InputError(name, f"must be a finite number, got {value!r}")
    return number


def launch_from_fields(values: Mapping[str, Any], noun: str = "") -> tuple[Any, Any] | None:
    """``(lat, lon)`` if ``values`` (a scenario's fields, or simulate_many's columns) give the
    launch point as ``lat`` and ``lon`` (degrees north and east, WGS84; returned as they are);
    None if they give it as ``launch``, or not at all.

    Raises InputError if they give both ``launch`` and lat or lon ("give either launch or lat
    and lon<noun>, not both"), or only one of lat and lon.
    """
    if "launch" in values:
        if "lat" in values or "lon" in values:
            raise InputError("launch", f"give either launch or lat and lon{noun}, not both")
        return None
    if "lat" not in values and "lon" not in values:
        return None
    for name, other in (("lat", "lon"), ("lon", "lat")):
        if name not in values:
            raise InputError(name, "is required with " + other)
    return values["lat"], values["lon"]


def resolve_models(options: Mapping[str, Any]) -> tuple[AlertModel, BoostModel]:
    """The alert and boost models of simulate()'s model options (MODEL_OPTIONS, each checked
    against its range; None: the default); InputError for an unknown option or a bad value."""
    if not options:  # the usual scenario: the default models, made once
        return _default_models()
    unknown = sorted(set(options) - set(MODEL_OPTIONS))
    if unknown:
        raise InputError(unknown[0], f"unknown model option (known: {', '.join(MODEL_OPTIONS)})")
    values: dict[str, float] = {}
    for name, raw in options.items():
        value = number(name, raw, optional=True)
        if value is None:
            continue
        lo, hi, _ = MODEL_OPTIONS[name]
        if not lo <= value <= hi:
            raise InputError(name, f"must be between {lo:g} and {hi:g}, got {value!r}")
        values[name] = value
    alert = AlertModel(**{k: v for k, v in values.items() if k in AlertModel.__dataclass_fields__})
    boost = BoostModel(**{k: v for k, v in values.items() if k in BoostModel.__dataclass_fields__})
    return alert, boost


def _prepare(launch, azimuth_deg, apogee_km, range_km=None, launch_time=None, **options) -> Scenario:
    lat, lon, site = resolve_launch(launch)
    model, boost = resolve_models(options)
    return Scenario(
        lat, lon, site,
        number("azimuth_deg", azimuth_deg), number("apogee_km", apogee_km),
        number("range_km", range_km, optional=True), parse_time(launch_time), model, boost,
    )


def simulate(
    launch: str | Place | tuple[float, float],
    azimuth_deg: float,
    apogee_km: float,
    range_km: float | None = None,
    launch_time: datetime | str | None = None,
    **model_options: float,
) -> SimulationResult:
    """Solve and assess one scenario.

    ``launch`` is a catalogue site name ("Sunan"), a "lat,lon" string or a (lat, lon)
    pair in degrees WGS84. ``model_options``: latency_s, corridor_km,
    impact_radius_km, report_delay_s, burn_time_s, burnout_altitude_km.
    Raises :class:`~jalert_sim.errors.JalertError` for bad input.
    """
    (result,) = _run([_prepare(launch, azimuth_deg, apogee_km, range_km, launch_time, **model_options)])
    if isinstance(result, JalertError):
        raise result
    return result


def simulate_many(
    scenarios: Iterable[Mapping[str, Any]] | None = None, *, errors: str = "raise", table: bool = False,
    **columns: Any
) -> list[SimulationResult | JalertError] | ScenarioTable:
    """Solve and assess many scenarios, vectorised, in input order.

    Either ``scenarios``, an iterable of mappings with the keyword arguments of
    :func:`simulate`, or the same arguments as *columns*: each a scalar (shared by
    every scenario) or a sequence/array with one value per scenario (all of one
    length); ``lat`` and ``lon`` columns (degrees) may replace ``launch``; None or NaN
    in ``range_km`` means minimum energy::

        simulate_many(launch="sunan", azimuth_deg=np.arange(40, 200), apogee_km=800)
        simulate_many(lat=lats, lon=lons, azimuth_deg=azs, apogee_km=apogees, range_km=ranges)

    Result ``k`` is what ``simulate`` gives for scenario ``k``.
    ``errors="raise"`` raises the first JalertError; ``errors="return"`` puts the
    error in that scenario's place and goes on with the others.

    ``table=True`` returns a :class:`~jalert_sim.simulation.table.ScenarioTable` instead: numpy
    columns by name (``t["impact_lat"]``), the (n, 47) matrix of reason codes ``t.warned``, the
    warned prefectures' times (``t.prefecture_values("lead_time_s")``), ``t.to_arrow()`` and
    ``t.to_pandas()``, and ``t.result(k)`` for a scenario's SimulationResult (made on request). A
    failed scenario is a row with ``ok`` False and its ``error`` (with ``errors="return"``).
    """
    if errors not in ("raise", "return"):
        raise InputError("errors", f"must be 'raise' or 'return', got {errors!r}")
    if scenarios is None:
        if not columns:
            raise InputError("scenarios", "give an iterable of scenarios or the scenario columns as keywords")
        scenarios = _rows_from_columns(columns)
    elif columns:
        raise InputError("scenarios", "give either scenarios or columns, not both")
    elif isinstance(scenarios, (Mapping, str, bytes)):
        raise InputError("scenarios", f"expected an iterable of scenarios (mappings), got one {type(scenarios).__name__}"
                         " (for one scenario use simulate(), or put it in a list)")
    try:
        scenarios = iter(scenarios)
    except TypeError:
        raise InputError("scenarios", f"expected an iterable of scenarios, got {type(scenarios).__name__}") from None
    prepared: list[Scenario | JalertError] = []
    for scenario in scenarios:
        item = prepare(scenario)
        if errors == "raise" and isinstance(item, JalertError):
            raise item
        prepared.append(item)
    solved = solve_table(prepared)
    if errors == "raise":
        for k in range(len(solved)):
            if solved.error[k] is not None:
                raise solved.result(k)
    return solved if table else solved.results()


def _rows_from_columns(columns: dict[str, Any]) -> list[dict[str, Any]]:
    """Column arguments of simulate_many → one keyword dict per scenario."""
    if not columns:
        raise TypeError("simulate_many() needs scenarios or columns")
    launch_from_fields(columns, " columns")  # (checks only: the rows are paired below)

    def is_scalar(name: str, value: Any) -> bool:
        if isinstance(value, (str, bytes, Place, Mapping)) or np.ndim(value) == 0:
            return True
        # launch=(lat, lon) is one launch point, not a column of two launches
        return name == "launch" and len(value) == 2 and all(isinstance(v, (int, float, np.number)) for v in value)

    scalars, arrays = {}, {}
    for name, value in columns.items():
        if is_scalar(name, value):
            scalars[name] = value.item() if isinstance(value, np.generic) else value
        else:
            arrays[name] = value.tolist() if isinstance(value, np.ndarray) else list(value)
    lengths = {len(v) for v in arrays.values()}
    if len(lengths) > 1:
        raise InputError("columns", "all array columns must have one length (got " + ", ".join(
            f"{k}: {len(v)}" for k, v in arrays.items()) + ")")
    n = lengths.pop() if lengths else 1
    rows = []
    for k in range(n):
        row = {**scalars, **{name: values[k] for name, values in arrays.items()}}
        if "lat" in row:
            row["launch"] = (row.pop("lat"), row.pop("lon"))
        rng = row.get("range_km")
        if isinstance(rng, float) and math.isnan(rng):
            row["range_km"] = None
        rows.append(row)
    return rows


def prepare(scenario: Any) -> Scenario | JalertError:
    """One scenario of simulate_many (a mapping of simulate()'s keyword arguments), checked; or
    what is wrong with it."""
    try:
        if not isinstance(scenario, Mapping):
            raise InputError("scenario", f"expected a mapping of simulate()'s arguments, got {type(scenario).__name__}")
        return _prepare(**scenario)
    except TypeError as exc:  # missing or unexpected keyword
        return InputError("scenario", str(exc).split("() ", 1)[-1])
    except JalertError as exc:
        return exc


def _run(prepared: list[Scenario]) -> list[SimulationResult | JalertError]:
    return solve_table(prepared).results()


def solve_table(items: list[Scenario | JalertError], *, detail: bool = True) -> ScenarioTable:
    """The table of the scenarios ``items`` (a JalertError stands for a scenario that could not be
    prepared): all trajectories solved at once per model (the boost model is a scalar option).
    ``detail`` False: a table to tally, without the overflights' exits and lowest altitudes nor the
    impacts' descriptions (NaN, None; see :func:`~jalert_sim.alerting.engine.assess_columns`)."""
    out: list[Scenario | JalertError] = list(items)
    by_model: dict[tuple[BoostModel, AlertModel], list[int]] = {}
    for k, p in enumerate(items):
        if isinstance(p, Scenario):
            by_model.setdefault((p.boost, p.model), []).append(k)
    groups = []
    for (boost, model), idx in by_model.items():
        ps = [items[k] for k in idx]
        trajs = solve(
            np.array([p.lat for p in ps]), np.array([p.lon for p in ps]),
            np.array([p.azimuth_deg for p in ps]), np.array([p.apogee_km for p in ps]),
            np.array([np.nan if p.range_km is None else p.range_km for p in ps]),
            boost=boost, errors="mask",
        )
        for pos in np.nonzero(~trajs.ok)[0]:
            out[idx[pos]] = _trajectory_error(trajs.error[pos])
        good = np.nonzero(trajs.ok)[0]
        if len(good):
            sub = trajs.select(good)
            groups.append(Group(np.asarray(idx)[good], sub, assess_columns(sub, model, detail=detail)))
    return build_table(out, groups)


def _trajectory_error(message: str) -> JalertError:
    parameter, _, text = str(message).partition(": ")
    return TrajectoryError(parameter or "trajectory", text or str(message))
