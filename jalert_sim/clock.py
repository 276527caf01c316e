"""Clock times of a flight: seconds after launch as timezone-aware datetimes and ISO 8601 text.

Every time in the simulation is a number of seconds after the launch; people see clock times
in JST. Documents, reports, exports and the drill show them rounded to the second
(:func:`at_second`, :func:`iso_seconds`): crossing times are good to about a second, and all
outputs must agree on the second they name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import cache

from .earth import JST


def fixed_offset(launch_time: datetime) -> bool:
    """True if adding seconds to ``launch_time`` is plain arithmetic on the instant (a datetime whose
    zone is a fixed UTC offset), so that it may be converted to JST first; False for zones with
    daylight saving, where it is wall-clock arithmetic, and for datetime subclasses."""
    return type(launch_time) is datetime and isinstance(launch_time.tzinfo, timezone)


def jst(launch_time: datetime, seconds: float | None) -> datetime | None:
    """Launch time plus ``seconds``, in JST; None stays None."""
    if seconds is None:
        return None
    return (launch_time + timedelta(seconds=seconds)).astimezone(JST)


def at_second(launch_time: datetime, seconds: float | None) -> datetime | None:
    """Launch time plus ``seconds`` rounded to the second, in JST: the moment every output names."""
    return None if seconds is None else jst(launch_time, round(seconds))


def launch_clock(launch_time: datetime) -> Callable[[float], datetime]:
    """``s -> launch_time + s seconds``, for the clock times of the messages. Where the launch zone
    has a fixed UTC offset the same instant is given in JST, which the texts then need not convert."""
    if fixed_offset(launch_time):
        local = launch_time.astimezone(JST)
        return lambda s: local + timedelta(seconds=s)
    return lambda s: launch_time + timedelta(seconds=s)


@cache
def _clock_table() -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """("HH:MM:" for each minute of a day, "SS" for each second of a minute, JST's "+09:00")."""
    two = tuple(["%02d" % k for k in range(60)])  # (~0.2 ms in all: a run pays it once)
    return tuple([f"{h}:{m}:" for h in two[:24] for m in two]), two, datetime(2000, 1, 1, tzinfo=JST).isoformat()[19:]


def iso_seconds(launch_time: datetime) -> Callable[[float | None], str | None]:
    """``s -> at_second(launch_time, s).isoformat(timespec="seconds")`` (None stays None).

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


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)


def launch_epoch_s(launch_time: datetime) -> int:
    """Whole seconds from 1970-01-01 UTC to ``launch_time`` (its microseconds dropped, as ISO
    seconds drop them)."""
    return (launch_time - _EPOCH) // _SECOND


def iso_seconds_many(launch_times: list[datetime | None], seconds) -> list[str | None]:
    """``iso_seconds(launch_times[k])(seconds[k])`` for every k, with numpy's datetime64 for the
    launch times with a fixed UTC offset (the usual ones); NaN seconds and None launches give None."""
    import numpy as np

    s = np.asarray(seconds, dtype=float)
    fixed = np.array([t is not None and fixed_offset(t) for t in launch_times], dtype=bool)
    go = fixed & ~np.isnan(s)
    out: list[str | None] = [None] * len(s)
    at = np.nonzero(go)[0]
    if len(at):
        base = np.array([launch_epoch_s(launch_times[k]) for k in at.tolist()], dtype=np.int64)
        local = base + np.rint(s[at]).astype(np.int64) + 9 * 3600  # JST, whose offset is fixed
        text = np.datetime_as_string(local.astype("datetime64[s]"), unit="s").tolist()
        zone = _clock_table()[2]
        for k, t in zip(at.tolist(), text):
            out[k] = t + zone
    for k in np.nonzero(~fixed & ~np.isnan(s))[0].tolist():
        if launch_times[k] is not None:
            out[k] = iso_seconds(launch_times[k])(float(s[k]))
    return out
