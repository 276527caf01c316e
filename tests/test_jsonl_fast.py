"""The JSONL fast paths (issue #15) against the straightforward ways they replace: clock texts of
the messages and ISO times from integer arithmetic against datetime + timedelta + astimezone,
compose against a plain composition from messages' functions, and the records a batch builds
from columns against their constructors."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jalert_sim import clock, geo
from jalert_sim.alerting import columns, compose, messages
from jalert_sim.alerting.model import Launch, Message, PrefectureAlert, Reason
from jalert_sim.earth import JST
from jalert_sim.simulation.api import simulate_many
from jalert_sim.simulation.result import SimulationResult

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

#: Launch times of every kind the fast paths meet or refuse: offsets of whole hours, minutes,
#: seconds and microseconds, east and west, microseconds in the launch, the ends of datetime's
#: years, a zone with daylight saving (the datetime route) and a UTC launch that is JST's next day.
LAUNCHES = [
    datetime(2017, 8, 29, 5, 57, 59, 999_999, tzinfo=JST),
    datetime(2024, 6, 30, 23, 59, 59, 500_000, tzinfo=JST),
    datetime(2016, 12, 31, 14, 59, 30, tzinfo=timezone.utc),
    datetime(1999, 12, 31, 23, 59, 0, 1, tzinfo=timezone(timedelta(hours=-11, minutes=-30))),
    datetime(2020, 2, 28, 23, 58, 40, 250_000, tzinfo=timezone(timedelta(hours=5, minutes=45))),
    datetime(2030, 1, 1, 0, 0, 0, 700_000, tzinfo=timezone(timedelta(seconds=32_399, microseconds=999_999))),
    datetime(1970, 1, 1, 8, 59, 59, 999_999, tzinfo=timezone(timedelta(seconds=-1))),
    datetime(1, 1, 1, 9, 0, 0, tzinfo=JST),
    datetime(1, 1, 2, 23, 59, 59, 999_999, tzinfo=JST),
    datetime(9999, 12, 31, 14, 58, 0, tzinfo=timezone.utc),
    datetime(9998, 12, 31, 23, 59, 30, tzinfo=JST),
    datetime(2026, 3, 8, 1, 59, 30, tzinfo=ZoneInfo("America/New_York")),
    datetime(2026, 3, 28, 23, 59, 59, 999_999, tzinfo=ZoneInfo("Asia/Tokyo")),
]

#: Seconds after launch at the edges the texts turn on: whole and half seconds and minutes (and
#: just either side), half microseconds (timedelta rounds them to even), negative times, a day and
#: years away, beyond datetime's range, and not finite.
SECONDS = [0.0, -0.0, 0.5, -0.5, 29.5, 30.5, 59.4999995, 59.5, 59.5000005, 60.0, 89.5, 90.4999999, 119.5, 599.7,
           1e-6, 5e-7, 1.5e-6, 2.5e-6, -2.5e-6, 0.0000015, 3599.5, 86399.5, 86400.0, -86400.5, -1.0, -60.5,
           123456.7890125, 1e7 + 0.5, -1e7 - 0.5, 99_999_999.9, 1e8, -1e8, 3.2e9, -3.2e9, 1e12, math.inf,
           -math.inf, math.nan]
SECONDS += [math.nextafter(s, d) for s in SECONDS[:20] for d in (-math.inf, math.inf) if math.isfinite(s)]


def _outcome(f, *args):
    """f(*args), or the type of the error it raised."""
    try:
        return f(*args)
    except (ArithmeticError, ValueError) as error:
        return type(error)


def _clock_exact(launch_time: datetime, s: float) -> messages.Clock:
    """The messages' clock as it was worded: a datetime, then messages.clock (timedelta, astimezone)."""
    return messages.clock(clock.launch_clock(launch_time)(s))


def _iso_exact(launch_time: datetime, s: float | None) -> str | None:
    return None if s is None else clock.at_second(launch_time, s).isoformat(timespec="seconds")


@pytest.mark.parametrize("launch_time", LAUNCHES, ids=str)
def test_message_clocks_match_the_datetime_route(launch_time):
    fast = messages.launch_clocks(launch_time)
    for s in SECONDS:
        assert _outcome(fast, s) == _outcome(_clock_exact, launch_time, s), (launch_time, s)


@pytest.mark.parametrize("launch_time", LAUNCHES, ids=str)
def test_iso_seconds_match_the_datetime_route(launch_time):
    iso = clock.iso_seconds(launch_time)
    for s in [None, *SECONDS, np.float64(59.5), np.float64(-3600.5), 7]:
        # twice: the second answer comes from the document's memo
        assert _outcome(iso, s) == _outcome(iso, s) == _outcome(_iso_exact, launch_time, s), (launch_time, s)


@settings(max_examples=400, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
       st.integers(-86_399_999_999, 86_399_999_999), st.floats(-2e8, 2e8, allow_nan=False),
       st.sampled_from([0, 1, 1_000_000, 60_000_000]))
def test_clock_texts_and_iso_on_random_launches(naive, offset_us, s, grain):
    """Random launches (any fixed offset, any microsecond) and times, rounded to a grain now and
    then so that whole seconds and minutes (where the rounding turns) come up often."""
    if grain:
        s = round(s * 1e6 / grain) * grain / 1e6 + random.Random(s).choice([0.0, 0.5, -0.5, 5e-7])
    launch_time = naive.replace(tzinfo=timezone(timedelta(microseconds=offset_us)))
    assert clock.jst_microseconds(launch_time) == (launch_time - _EPOCH) // timedelta(microseconds=1) + 9 * 3600 * 10**6
    assert _outcome(messages.launch_clocks(launch_time), s) == _outcome(_clock_exact, launch_time, s)
    assert _outcome(clock.iso_seconds(launch_time), s) == _outcome(_iso_exact, launch_time, s)


def test_minute_table_is_the_clock_of_every_minute():
    day = datetime(2025, 5, 5, tzinfo=JST)
    for m in range(0, 1440, 7):
        assert messages._minute_clocks()[m] == messages.clock(day + timedelta(minutes=m))


# -- compose and the records, on a fan of flights that gives every kind of message ------------


def _plain_compose(alerts, impact, launch, model, prefs):
    """compose as written before the fast paths: datetimes for the clocks, every text joined anew,
    every message list sorted."""
    place = messages.fall_place(impact.description_ja, impact.description, impact.sea_ja, impact.sea,
                                impact.country_ja, impact.country)
    if not alerts:
        return [], messages.no_alert(*place, impact.eez_status)
    at = clock.launch_clock(launch.time)
    codes = tuple(a.code for a in alerts)
    out = [Message(model.latency_s, "launch", codes,
                   *messages.launch(*compose.origin(launch.lat, launch.lon), [a.name_ja for a in alerts],
                                    [a.name for a in alerts]))]
    report_s = impact.time_s + model.report_delay_s
    impact_time = messages.clock(at(impact.time_s))
    if impact.in_territorial_sea and impact.prefecture_code:
        p = next(q for q in prefs if q.code == impact.prefecture_code)
        targets = tuple(a.code for a in alerts if a.reason == Reason.IMPACT) or (p.code,)
        out.append(Message(model.latency_s, "take_shelter_now", targets,
                           *messages.take_shelter_now(p.name_ja, p.name, impact_time)))
        out.append(Message(report_s, "fell_in_japan", codes,
                           *messages.fell_in_japan(p.name_ja, p.name, impact.description_ja, impact.description,
                                                   impact_time)))
    else:
        over = [a for a in alerts if a.overflight_start_s is not None]
        if over:
            first = min(over, key=lambda a: a.overflight_start_s)
            last_s = max(a.overflight_end_s for a in over)
            toward = messages.heading_for(impact.sea_ja, impact.sea, impact.country_ja, impact.country)
            out.append(Message(max(last_s, model.latency_s) + model.report_delay_s, "passed", codes,
                               *messages.passed("、".join(a.name_ja for a in over),
                                                messages.join_en([a.name for a in over]), *toward,
                                                messages.clock(at(first.overflight_start_s)),
                                                messages.clock(at(last_s)))))
        out.append(Message(report_s, "fell_outside", codes,
                           *messages.fell_outside(*place, impact.eez_status, impact_time)))
    out.sort(key=lambda m: (m.time_s, messages.KINDS.index(m.kind)))
    n = len(alerts)
    return out, (f"Jアラートは{n}都道府県に発出されます。", f"J-Alert would warn {n} prefecture(s).")


@pytest.fixture(scope="module")
def fan():
    """Flights from Pyongyang fanned over azimuths, apogees and ranges (falls in Japan, overflights,
    falls outside, no alert), launched at varied times in varied zones, as one table."""
    az = np.repeat(np.arange(60.0, 200.0, 7.0), 4)
    n = len(az)
    times = [LAUNCHES[k % 7].isoformat() for k in range(n)]  # (fixed offsets, within the years a launch may take)
    return simulate_many(launch="pyongyang", azimuth_deg=az, apogee_km=np.tile([150.0, 400.0, 900.0, 2000.0], n // 4),
                         range_km=np.tile([600.0, 1100.0, 1300.0, 2500.0], n // 4), launch_time=times, table=True)


def test_compose_matches_the_plain_composition_for_every_kind(fan):
    prefs = geo.prefectures()
    kinds = set()
    compose._LAUNCH_TEXTS.clear()
    compose._OVER_NAMES.clear()
    for launch_time in (None, LAUNCHES[-2]):  # the table's times, then a zone with daylight saving
        for r in fan.results():
            a = r.assessment
            launch = Launch(r.launch_lat, r.launch_lon, launch_time or r.launch_time)
            for _ in range(2):  # the second time from the remembered texts
                got = compose.compose(list(a.alerts), a.impact, launch, r.model, prefs)
                assert got == _plain_compose(list(a.alerts), a.impact, launch, r.model, prefs)
            kinds.update(m.kind for m in got[0])
            kinds.add("no_alert" if not a.alerts else "alerts")
    assert kinds == {*messages.KINDS, "no_alert", "alerts"}


def test_records_match_their_constructors(fan):
    prefs = geo.prefectures()
    for g in fan._groups:
        cols = g.alerts
        alerts = columns._alert_records(cols, prefs)
        impacts = columns._impact_records(cols.impact, prefs)
        assert len(alerts) == len(cols.row) > 0 and len(impacts) == len(g.rows)
        for k, rec in enumerate(alerts):
            made = PrefectureAlert(**{name: getattr(rec, name) for name in PrefectureAlert.__dataclass_fields__})
            assert list(rec.__dict__.items()) == list(made.__dict__.items())
            assert type(rec.overflight_start_s) in (float, type(None)) and type(rec.lead_time_s) is float
        for i, rec in enumerate(impacts):
            made = cols.impact.record(i, prefs)
            assert list(rec.__dict__.items()) == list(made.__dict__.items()) and rec == made
            assert [type(v) for v in rec.__dict__.values()] == [type(v) for v in made.__dict__.values()]
    for r in fan.results():
        a = r.assessment
        made = type(a)(a.alerts, a.impact, a.messages, a.overflight_start_s, a.overflight_end_s, a.summary_ja,
                       a.summary_en)
        assert list(a.__dict__.items()) == list(made.__dict__.items())
        fields = {name: getattr(r, name) for name in SimulationResult.__dataclass_fields__}
        assert list(r.__dict__.items())[:len(fields)] == list(SimulationResult(**fields).__dict__.items())


def test_documents_of_the_table_are_simulates(fan):
    """The JSON documents the table's results write are those of simulate()'s results made with
    the constructors (the batch tests check the same on the CLI's records)."""
    from jalert_sim.simulation.api import simulate

    for k in range(0, len(fan), 9):
        r = fan.result(k)
        alone = simulate(launch="pyongyang", azimuth_deg=r.azimuth_deg, apogee_km=r.apogee_km,
                         range_km=r.range_km, launch_time=r.launch_time)
        assert r.to_dict() == alone.to_dict()
