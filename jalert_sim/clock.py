"""Clock times of a flight: seconds after launch as timezone-aware datetimes and ISO 8601 text.

Every time in the simulation is a number of seconds after the launch; people see clock times
in JST. Documents, reports, exports and the drill show them rounded to the second
(:func:`at_second`, :func:`iso_seconds`): crossing times are good to about a second, and all
outputs must agree on the second they name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
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


def _exact_iso(launch_time: datetime, s: float | None) -> str | None:
    """:func:`iso_seconds`'s answer by way of a datetime."""
    return None if s is None else jst(launch_time, round(s)).isoformat(timespec="seconds")


#: "YYYY-MM-DDT" of JST days, by days since 1970-01-01 (a batch's launches span a few hundred days).
_DAYS: dict[int, str] = {}
_ORDINAL_1970 = 719163  # date(1970, 1, 1).toordinal()


def _day(days: int) -> str | None:
    """"YYYY-MM-DDT" of the day ``days`` after 1970-01-01; None outside datetime's years."""
    text = _DAYS.get(days)
    if text is None:
        if not 1 <= days + _ORDINAL_1970 <= date.max.toordinal():
            return None
        if len(_DAYS) > 100_000:
            _DAYS.clear()
        text = _DAYS[days] = date.fromordinal(days + _ORDINAL_1970).isoformat() + "T"
    return text


#: Fixed UTC offsets in microseconds, by tzinfo.
_OFFSETS: dict[timezone, int] = {}


def jst_microseconds(launch_time: datetime) -> int:
    """Microseconds from 1970-01-01 00:00 to ``launch_time`` on JST's clock (JST is a fixed UTC+9),
    for a launch time whose zone is a fixed offset (:func:`fixed_offset`): from its fields, which
    is cheaper than subtracting datetimes (~0.2 us against 0.9)."""
    zone = launch_time.tzinfo
    offset = _OFFSETS.get(zone)
    if offset is None:
        offset = _OFFSETS[zone] = launch_time.utcoffset() // _MICROSECOND
    t = launch_time
    seconds = (t.toordinal() - _ORDINAL_1970) * 86400 + t.hour * 3600 + t.minute * 60 + t.second + _JST_S
    return seconds * 1_000_000 + t.microsecond - offset


def iso_seconds(launch_time: datetime) -> Callable[[float | None], str | None]:
    """``s -> at_second(launch_time, s).isoformat(timespec="seconds")`` (None stays None).

    A document has some twenty such times and a batch writes thousands of documents
    (performance): where the launch zone has a fixed UTC offset (JST is UTC+9 too), each is the
    launch's whole JST seconds since 1970 (its microseconds dropped, as ISO seconds drop them) plus
    ``round(s)``, written as a day looked up and a clock from tables, without a datetime. Other
    zones (adding seconds there is wall-clock arithmetic) take the datetime route.
    """
    if not fixed_offset(launch_time):
        return lambda s: _exact_iso(launch_time, s)
    known = _Known({None: None})
    known.launch_time = launch_time
    known.days, known.start = divmod(jst_microseconds(launch_time) // 1_000_000, 86400)  # (ISO drops the us)
    known.day = _day(known.days)
    return known.__getitem__


class _Known(dict):
    """The ISO texts of the times a document has written, by seconds after launch (a document repeats
    many: each alert's alert time, the impact's...): a time written before costs a dict's own
    lookup, a new one the call of __missing__, which writes it from the launch's JST day
    (``days`` since 1970, ``day`` its "YYYY-MM-DDT", None beyond datetime's years) and second of
    the day (``start``)."""

    __slots__ = ("launch_time", "days", "start", "day")

    def __missing__(self, s: float) -> str:
        k = self.start + round(s)  # (NaN and infinities raise here as on the datetime route)
        if type(k) is not int:  # (round of a numpy float may stay a float)
            text = _exact_iso(self.launch_time, s)
        else:
            minutes, seconds, zone = _clock_table()
            if 0 <= k < 86400 and self.day is not None:
                text = self.day + minutes[k // 60] + seconds[k % 60] + zone
            else:
                on, k = divmod(k + self.days * 86400, 86400)
                day = _day(on)
                text = _exact_iso(self.launch_time, s) if day is None else day + minutes[k // 60] + seconds[k % 60] + zone
        self[s] = text
        return text


def iso_texts(jst_s, seconds) -> list[str | None]:
    """``iso_seconds(launch)(s)`` for many (launch, s) pairs at once, NaN giving None: a batch's
    documents write their times a column at a time (performance). ``jst_s``: each launch's whole
    seconds since 1970 on JST's clock (:func:`jst_microseconds` // 10**6; launches with a fixed
    UTC offset only). The caller keeps the times within datetime's years (ValueError otherwise)."""
    import numpy as np

    s = np.asarray(seconds, dtype=float)
    nan = np.isnan(s)
    days, second = np.divmod(np.asarray(jst_s, dtype=np.int64) + np.rint(np.where(nan, 0.0, s)).astype(np.int64),
                             86400)
    minute, second = np.divmod(second, 60)
    unique, which = np.unique(days, return_inverse=True)
    day_texts = [_day(d) for d in unique.tolist()]
    if None in day_texts:
        raise ValueError("a time beyond datetime's years")
    minutes, _, _ = _clock_table()
    ends = _second_texts()
    out: list[str | None] = [day_texts[d] + minutes[m] + ends[c]
                             for d, m, c in zip(which.ravel().tolist(), minute.tolist(), second.tolist())]
    for k in np.flatnonzero(nan).tolist():
        out[k] = None
    return out


@cache
def _second_texts() -> tuple[str, ...]:
    """"SS+09:00" for each second of a minute."""
    _, two, zone = _clock_table()
    return tuple([t + zone for t in two])


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)
_MICROSECOND = timedelta(microseconds=1)
_JST_S = 9 * 3600  # JST's fixed offset from UTC, s


def launch_epoch_s(launch_time: datetime) -> int:
    """Whole seconds from 1970-01-01 UTC to ``launch_time`` (its microseconds dropped, as ISO
    seconds drop them)."""
    return (launch_time - _EPOCH) // _SECOND


def launch_epochs(launch_times: list[datetime | None]):
    """(fixed, epoch_s): per launch time, whether it has a fixed UTC offset (bool array) and its
    :func:`launch_epoch_s` where it has (int64 array, 0 elsewhere), for :func:`iso_seconds_many`."""
    import numpy as np

    fixed = np.array([t is not None and fixed_offset(t) for t in launch_times], dtype=bool)
    epoch = np.zeros(len(launch_times), dtype=np.int64)
    at = np.nonzero(fixed)[0].tolist()
    epoch[at] = [launch_epoch_s(launch_times[k]) for k in at]
    return fixed, epoch


def iso_seconds_many(launch_times: list[datetime | None], seconds, epochs=None) -> list[str | None]:
    """``iso_seconds(launch_times[k])(seconds[k])`` for every k, with numpy's datetime64 for the
    launch times with a fixed UTC offset (the usual ones); NaN seconds and None launches give None.
    ``epochs``: :func:`launch_epochs` of the launch times, if at hand (several columns of times)."""
    import numpy as np

    s = np.asarray(seconds, dtype=float)
    fixed, epoch = launch_epochs(launch_times) if epochs is None else epochs
    go = fixed & ~np.isnan(s)
    out: list[str | None] = [None] * len(s)
    at = np.nonzero(go)[0]
    if len(at):
        local = epoch[at] + np.rint(s[at]).astype(np.int64) + 9 * 3600  # JST, whose offset is fixed
        text = np.datetime_as_string(local.astype("datetime64[s]"), unit="s").tolist()
        zone = _clock_table()[2]
        for k, t in zip(at.tolist(), text):
            out[k] = t + zone
    for k in np.nonzero(~fixed & ~np.isnan(s))[0].tolist():
        if launch_times[k] is not None:
            out[k] = iso_seconds(launch_times[k])(float(s[k]))
    return out
