"""The one-call API: a scenario in, a complete result out.

``simulate`` runs one scenario; ``simulate_many`` runs many at once, solving all
trajectories in one vectorised call. Both return :class:`SimulationResult`,
whose ``to_dict()`` is exactly the document that ``jalert-sim run --format json``
prints (schema: ``jalert_sim/schemas/simulation.schema.json``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import numpy as np

from . import __version__
from ._frozen import quick_init
from .alerts import AlertModel, Assessment, assess, fixed_offset, jst
from .earth import JST
from .errors import InputError, JalertError
from .options import MODEL_OPTIONS
from .places import Place, parse_launch
from .trajectory import BoostModel, Track, solve

SCHEMA_VERSION = "1.0"
_GENERATOR = f"jalert-sim {__version__}"
#: Spacing of the track samples in the JSON document, seconds.
TRACK_STEP_S = 5.0

@quick_init
@dataclass(frozen=True)
class SimulationResult:
    """One scenario, solved and assessed. Times are seconds after ``launch_time``."""

    launch_lat: float
    launch_lon: float
    site: Place | None
    azimuth_deg: float
    apogee_km: float  # as requested
    range_km: float | None  # as requested; None = minimum energy
    launch_time: datetime
    model: AlertModel
    boost: BoostModel
    trajectory: dict[str, Any]  # Trajectories.summaries() row
    assessment: Assessment
    track: Track

    @property
    def alerts(self):
        return self.assessment.alerts

    @property
    def impact(self):
        return self.assessment.impact

    @property
    def messages(self):
        return self.assessment.messages

    def time(self, seconds: float | None) -> datetime | None:
        """Launch time plus ``seconds``, in JST."""
        return jst(self.launch_time, seconds)

    def to_dict(self, *, track: bool = True) -> dict[str, Any]:
        """The JSON document of ``jalert-sim run --format json`` (ISO 8601 times with offset)."""
        # Crossing times are good to about a second: ISO times say no more than that.
        iso = _iso_seconds(self.launch_time)
        tr = self.trajectory.copy()
        tr.pop("ok", None)
        tr.pop("error", None)
        a = self.assessment
        imp = a.impact
        site = self.site
        doc: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "generator": _GENERATOR,
            "input": {
                "launch": {
                    "lat": self.launch_lat,
                    "lon": self.launch_lon,
                    "site": site.key if site else None,
                    "name": site.name if site else None,
                    "name_ja": site.name_ja if site else None,
                },
                "azimuth_deg": self.azimuth_deg,
                "apogee_km": self.apogee_km,
                "range_km": self.range_km,
                "launch_time": self.launch_time.isoformat(),
                "model": {
                    **self.model.to_dict(),
                    "burn_time_s": tr["burnout_time_s"],
                    "burnout_altitude_km": tr["burnout_altitude_km"],
                },
            },
            "trajectory": {
                **tr,
                "apogee_time": iso(tr["apogee_time_s"]),
                "impact_time": iso(tr["flight_time_s"]),
            },
            "impact": {
                "lat": imp.lat,
                "lon": imp.lon,
                "time": iso(imp.time_s),
                "time_s": imp.time_s,
                "description": imp.description,
                "description_ja": imp.description_ja,
                "landmark": imp.landmark,
                "distance_km": imp.distance_km,
                "direction": imp.direction,
                "prefecture": imp.prefecture_code,
                "on_land": imp.on_land,
                "sea": imp.sea,
                "sea_ja": imp.sea_ja,
                "country": imp.country,
                "country_ja": imp.country_ja,
                "in_territorial_sea": imp.in_territorial_sea,
                "in_eez": imp.in_eez,
                "eez_status": imp.eez_status,
            },
            "alert_issued": a.alert_issued,
            "summary_en": a.summary_en,
            "summary_ja": a.summary_ja,
            "overflight": {
                "start": iso(a.overflight_start_s),
                "end": iso(a.overflight_end_s),
                "start_s": a.overflight_start_s,
                "end_s": a.overflight_end_s,
            },
            "alerts": [
                {
                    "code": p.code,
                    "name": p.name,
                    "name_ja": p.name_ja,
                    "region": p.region,
                    "region_ja": p.region_ja,
                    "reason": p.reason,
                    "alert_time": iso(p.alert_time_s),
                    "overflight_start": iso(p.overflight_start_s),
                    "overflight_end": iso(p.overflight_end_s),
                    "overflight_start_s": p.overflight_start_s,
                    "overflight_end_s": p.overflight_end_s,
                    "min_altitude_km": p.min_altitude_km,
                    "closest_approach": iso(p.closest_approach_s),
                    "closest_distance_km": p.closest_distance_km,
                    "lead_time_s": p.lead_time_s,
                }
                for p in a.alerts
            ],
            "messages": [
                {
                    "time": iso(m.time_s),
                    "time_s": m.time_s,
                    "kind": m.kind,
                    "prefectures": list(m.prefectures),
                    "text_ja": m.text_ja,
                    "text_en": m.text_en,
                }
                for m in a.messages
            ],
        }
        if track:
            doc["track"] = [
                {"t_s": float(t), "lat": float(la), "lon": float(lo), "alt_km": float(h)}
                for t, la, lo, h in zip(self.track.t_s, self.track.lat, self.track.lon, self.track.alt_km)
            ]
        return doc


@cache
def _clock_table() -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """("HH:MM:" for each minute of a day, "SS" for each second of a minute, JST's "+09:00")."""
    two = tuple(["%02d" % k for k in range(60)])  # (~0.2 ms in all: a run pays it once)
    return tuple([f"{h}:{m}:" for h in two[:24] for m in two]), two, datetime(2000, 1, 1, tzinfo=JST).isoformat()[19:]


def _iso_seconds(launch_time: datetime) -> Callable[[float | None], str | None]:
    """``s -> jst(launch_time, round(s)).isoformat(timespec="seconds")`` (None stays None).

    A document has some twenty such times and a batch writes thousands of documents: within
    the launch's JST day each is the day's prefix and a clock looked up from its seconds,
    without a datetime (performance). Other days, and launch times whose zone has no fixed
    offset (adding seconds there is wall-clock arithmetic), take the datetime route.
    """

    def exact(s: float | None) -> str | None:
        return None if s is None else jst(launch_time, round(s)).isoformat(timespec="seconds")

    if not fixed_offset(launch_time):
        return exact
    local = launch_time.astimezone(JST)  # ISO seconds truncate its microseconds
    day = "%04d-%02d-%02dT" % (local.year, local.month, local.day)
    start = local.hour * 3600 + local.minute * 60 + local.second
    minutes, seconds, zone = _clock_table()
    known: dict[float | None, str | None] = {None: None}  # a document repeats many of its times

    def iso(s: float | None) -> str | None:
        text = known.get(s)
        if text is None and s is not None:
            k = start + round(s)
            text = day + minutes[k // 60] + seconds[k % 60] + zone if type(k) is int and 0 <= k < 86400 else exact(s)
            known[s] = text
        return text

    return iso


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
        raise InputError("launch_time", f"must be between the years {_FIRST_LAUNCH.year} and {_LAST_LAUNCH.year} "
                         f"(got {value.isoformat()})")
    return value


_FIRST_LAUNCH = datetime(2, 1, 1, tzinfo=JST)
_LAST_LAUNCH = datetime(9998, 12, 31, 23, 59, 59, tzinfo=JST)


def _launch(launch: str | Place | tuple[float, float] | Sequence[float]) -> tuple[float, float, Place | None]:
    if isinstance(launch, Place):
        return launch.lat, launch.lon, launch
    if isinstance(launch, str):
        return parse_launch(launch)
    try:
        pair = list(launch)
        if any(isinstance(v, bool) for v in pair):
            raise TypeError
        lat, lon = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise InputError("launch", f"expected a site name, 'lat,lon' or a (lat, lon) pair, got {launch!r}") from None
    return parse_launch(f"{lat},{lon}")


def _number(name: str, value: Any, *, optional: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise InputError(name, "is required")
    if isinstance(value, bool):  # float(True) is 1.0: a JSON true is a mistake, not 1 degree
        raise InputError(name, f"must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(name, f"{value!r:.80} is not a number") from None
    except OverflowError:  # an integer beyond the largest float
        raise InputError(name, "must be a finite number, got an integer too large for a float") from None
    if not math.isfinite(number):
        raise InputError(name, f"must be a finite number, got {value!r}")
    return number


def _options(options: Mapping[str, Any]) -> tuple[AlertModel, BoostModel]:
    unknown = sorted(set(options) - set(MODEL_OPTIONS))
    if unknown:
        raise InputError(unknown[0], f"unknown model option (known: {', '.join(MODEL_OPTIONS)})")
    values: dict[str, float] = {}
    for name, raw in options.items():
        number = _number(name, raw, optional=True)
        if number is None:
            continue
        lo, hi, _ = MODEL_OPTIONS[name]
        if not lo <= number <= hi:
            raise InputError(name, f"must be between {lo:g} and {hi:g}, got {number!r}")
        values[name] = number
    alert = AlertModel(**{k: v for k, v in values.items() if k in AlertModel.__dataclass_fields__})
    boost = BoostModel(**{k: v for k, v in values.items() if k in BoostModel.__dataclass_fields__})
    return alert, boost


@dataclass(frozen=True)
class _Prepared:
    lat: float
    lon: float
    site: Place | None
    azimuth_deg: float
    apogee_km: float
    range_km: float | None
    launch_time: datetime
    model: AlertModel
    boost: BoostModel


def _prepare(launch, azimuth_deg, apogee_km, range_km=None, launch_time=None, **options) -> _Prepared:
    lat, lon, site = _launch(launch)
    model, boost = _options(options)
    return _Prepared(
        lat, lon, site,
        _number("azimuth_deg", azimuth_deg), _number("apogee_km", apogee_km),
        _number("range_km", range_km, optional=True), parse_time(launch_time), model, boost,
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
    scenarios: Iterable[Mapping[str, Any]] | None = None, *, errors: str = "raise", **columns: Any
) -> list[SimulationResult | JalertError]:
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
    prepared: list[_Prepared | JalertError] = []
    for scenario in scenarios:
        try:
            if not isinstance(scenario, Mapping):
                raise InputError("scenario", f"expected a mapping of simulate()'s arguments, got {type(scenario).__name__}")
            prepared.append(_prepare(**scenario))
        except TypeError as exc:  # missing or unexpected keyword
            err = InputError("scenario", str(exc).split("() ", 1)[-1])
            if errors == "raise":
                raise err from None
            prepared.append(err)
        except JalertError as exc:
            if errors == "raise":
                raise
            prepared.append(exc)
    good = [p for p in prepared if isinstance(p, _Prepared)]
    solved = iter(_run(good))
    out = [next(solved) if isinstance(p, _Prepared) else p for p in prepared]
    if errors == "raise":
        for r in out:
            if isinstance(r, JalertError):
                raise r
    return out


def _rows_from_columns(columns: dict[str, Any]) -> list[dict[str, Any]]:
    """Column arguments of simulate_many → one keyword dict per scenario."""
    if not columns:
        raise TypeError("simulate_many() needs scenarios or columns")
    if "launch" in columns and ("lat" in columns or "lon" in columns):
        raise InputError("launch", "give either launch or lat and lon columns, not both")
    if ("lat" in columns) != ("lon" in columns):
        raise InputError("lat" if "lat" not in columns else "lon", "is required with " + ("lon" if "lon" in columns else "lat"))

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


def _run(prepared: list[_Prepared]) -> list[SimulationResult | JalertError]:
    """Solve all trajectories at once, grouped by boost model (it is a scalar option)."""
    out: list[SimulationResult | JalertError | None] = [None] * len(prepared)
    groups: dict[tuple[BoostModel, AlertModel], list[int]] = {}
    for k, p in enumerate(prepared):
        groups.setdefault((p.boost, p.model), []).append(k)
    for (boost, model), idx in groups.items():
        ps = [prepared[k] for k in idx]
        trajs = solve(
            np.array([p.lat for p in ps]), np.array([p.lon for p in ps]),
            np.array([p.azimuth_deg for p in ps]), np.array([p.apogee_km for p in ps]),
            np.array([np.nan if p.range_km is None else p.range_km for p in ps]),
            boost=boost, errors="mask",
        )
        good = np.nonzero(trajs.ok)[0]
        for pos in np.nonzero(~trajs.ok)[0]:
            out[idx[pos]] = _trajectory_error(trajs.error[pos])
        if len(good) == 0:
            continue
        sub = trajs.select(good)
        assessments = assess(sub, [ps[g].launch_time for g in good], model)
        summaries = sub.summaries()
        azimuths = sub.azimuth_deg.tolist()
        for j, g in enumerate(good.tolist()):
            p = ps[g]
            out[idx[g]] = SimulationResult(
                launch_lat=p.lat, launch_lon=p.lon, site=p.site, azimuth_deg=azimuths[j],
                apogee_km=p.apogee_km, range_km=p.range_km, launch_time=p.launch_time,
                model=model, boost=boost, trajectory=summaries[j], assessment=assessments[j],
                track=_LazyTrack(sub, j),
            )
    return out  # type: ignore[return-value]


class _LazyTrack(Track):
    """``trajs.track(j, TRACK_STEP_S)``, computed on first use: most results are never asked for it,
    and sampling every trajectory at 5 s cost more than solving and assessing it (performance)."""

    def __init__(self, trajs, j: int):  # noqa: D107  (Track's generated __init__ is bypassed on purpose)
        object.__setattr__(self, "_source", (trajs, j))
        object.__setattr__(self, "_track", None)

    def _get(self) -> Track:
        if self._track is None:
            trajs, j = self._source
            object.__setattr__(self, "_track", trajs.track(j, TRACK_STEP_S))
        return self._track

    t_s = property(lambda self: self._get().t_s)
    lat = property(lambda self: self._get().lat)
    lon = property(lambda self: self._get().lon)
    alt_km = property(lambda self: self._get().alt_km)

    def __repr__(self) -> str:
        return repr(self._get())

    def __reduce__(self):
        return (Track, (self.t_s, self.lat, self.lon, self.alt_km))


def _trajectory_error(message: str) -> JalertError:
    from .errors import TrajectoryError

    parameter, _, text = str(message).partition(": ")
    return TrajectoryError(parameter or "trajectory", text or str(message))
