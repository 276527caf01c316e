"""The wording of the J-Alert messages, in Japanese and English.

The sequence and the fields of each message follow the government's structure
(launch information and call to shelter → "take shelter immediately" when a
fall on Japan is predicted → "passed over" → where it fell); the sentences are
this project's own.  Every function returns ``(text_ja, text_en)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import cache

from ..clock import fixed_offset, jst_microseconds, launch_clock
from ..earth import JST

#: Message kinds, in the order they are issued when several share a time.
KINDS = ("launch", "take_shelter_now", "passed", "fell_in_japan", "fell_outside")

#: The heading of each kind, (Japanese, English): the report, the drill and CAP headlines use these.
HEADINGS = {
    "launch": ("ミサイル発射情報・避難の呼びかけ", "Missile launch: take shelter"),
    "take_shelter_now": ("直ちに避難", "Take shelter immediately"),
    "passed": ("ミサイル通過", "Missile passed over"),
    "fell_in_japan": ("ミサイル落下情報（日本）", "Missile fell in Japan"),
    "fell_outside": ("ミサイル落下情報", "Missile fell outside Japan"),
}

_EEZ_JA = {
    "inside": "日本の排他的経済水域（EEZ）内と推定",
    "outside": "日本の排他的経済水域（EEZ）外と推定",
    "uncertain": "EEZの境界付近のため内外は不明",
}
_EEZ_EN = {
    "inside": "inside Japan's EEZ (approximate)",
    "outside": "outside Japan's EEZ (approximate)",
    "uncertain": "near the limit of Japan's EEZ, inside or outside uncertain",
}


#: Country names that English writes with "the".
_WITH_THE = frozenset({"Marshall Islands", "Northern Mariana Islands", "Philippines", "United States"})


def country_en(name: str) -> str:
    """A country's English name as it reads after "in" or "toward": 'China', 'the Philippines'."""
    return f"the {name}" if name in _WITH_THE else name


def heading_for(sea_ja: str | None, sea_en: str | None, country_ja: str | None,
                country_en_name: str | None) -> tuple[str, str]:
    """Where a missile that left Japan is headed, (ja, en): its sea ('太平洋', 'the Pacific Ocean'),
    else the country where it comes down ('中国', 'China'), else ('', '') (off the map: not said)."""
    if sea_en:
        return sea_ja or "", f"the {sea_en}"
    if country_en_name:
        return country_ja or "", country_en(country_en_name)
    return "", ""


def fall_place(where_ja: str, where_en: str, sea_ja: str | None, sea_en: str | None, country_ja: str | None,
               country_en_name: str | None) -> tuple[str, str]:
    """Where a missile comes down outside Japan's territorial sea, (ja, en), to follow "fell"
    ("into the Pacific Ocean, about 1,180 km E of Cape Erimo", "on land in China, about ..."); off
    the map (no sea, no land known) the description alone, which claims neither."""
    if sea_en:
        return f"{where_ja}の{sea_ja}", f"into the {sea_en}, {where_en}"
    if country_en_name:
        return f"{country_ja}の陸上（{where_ja}）", f"on land in {country_en(country_en_name)}, {where_en}"
    return where_ja, where_en


def _local(when: datetime) -> datetime:
    """``when`` in JST, rounded to the second as the JSON document and the report show it, so that
    the minute a message gives is the minute of the time beside it (19:10:59.6 is 19:11:00 there:
    "about 19:11", not "about 19:10")."""
    return (when + timedelta(microseconds=500_000)).astimezone(JST)


def clock_ja(when: datetime) -> str:
    """'6時12分' in JST."""
    local = _local(when)
    return f"{local.hour}時{local.minute:02d}分"


def clock_en(when: datetime) -> str:
    """'06:12 JST'."""
    local = _local(when)
    return "%02d:%02d JST" % (local.hour, local.minute)


#: A clock time as the messages say it, (ja, en): ('6時12分', '06:12 JST').
Clock = tuple[str, str]


def clock(when: datetime) -> Clock:
    """(:func:`clock_ja`, :func:`clock_en`) of ``when``."""
    return clock_ja(when), clock_en(when)


_DAY_US = 86_400_000_000
#: JST microseconds since 1970 of 0005-01-01 and 9995-01-01: launches between, plus or minus
#: 10^8 s (3.2 years), stay within datetime's years.
_SAFE_US = (-62009366400 * 1_000_000, 253244534400 * 1_000_000)


@cache
def _minute_clocks() -> tuple[Clock, ...]:
    """:func:`clock` of each minute of a JST day, 00:00 first (1,440 pairs, ~0.5 ms once)."""
    return tuple([(f"{h}時{m:02d}分", "%02d:%02d JST" % (h, m)) for h in range(24) for m in range(60)])


def launch_clocks(launch_time: datetime) -> Callable[[float], Clock]:
    """``s -> clock(launch_clock(launch_time)(s))``: the clock texts of the time ``s`` seconds after
    the launch (performance: a batch words some three times a scenario).

    Where the launch zone has a fixed UTC offset, JST is a fixed UTC+9 too, so the minute of the
    day is integer arithmetic on microseconds: the launch's JST time of day, plus ``s`` as
    ``timedelta(seconds=s)`` takes it (whole seconds exactly, the fraction's microseconds
    rounded half to even), plus the half second of :func:`_local`, floored to the minute. Times
    it cannot vouch for (zones with daylight saving, launches within five years of datetime's
    limits, ``s`` beyond 10^8 s or not finite) take the datetime route, errors included."""

    def exact(s: float) -> Clock:
        return clock(launch_clock(launch_time)(s))

    if not fixed_offset(launch_time):
        return exact
    local_us = jst_microseconds(launch_time)
    if not _SAFE_US[0] < local_us < _SAFE_US[1]:
        return exact
    base_us = local_us % _DAY_US + 500_000
    minutes = _minute_clocks()

    def fast(s: float) -> Clock:
        if -1e8 < s < 1e8:  # (False for NaN)
            whole = int(s)
            return minutes[(base_us + whole * 1_000_000 + round((s - whole) * 1e6)) // 60_000_000 % 1440]
        return exact(s)

    return fast


def join_en(names: Sequence[str]) -> str:
    """'Hokkaido', 'Hokkaido and Aomori', 'Hokkaido, Aomori and Iwate'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _names_ja(names_ja: Sequence[str]) -> str:
    return "、".join(names_ja)


def _names_en(names_en: Sequence[str]) -> str:
    return ", ".join(names_en)


def launch(origin_ja: str, origin_en: str, names_ja: Sequence[str], names_en: Sequence[str]) -> tuple[str, str]:
    """First message to the whole alert area: a launch is detected; take shelter."""
    ja = (
        f"ミサイル発射情報・避難の呼びかけ。{origin_ja}ミサイルが発射されたとみられます。"
        f"頑丈な建物の中か地下に避難してください。対象地域：{_names_ja(names_ja)}。"
    )
    en = (
        f"Missile launch information: a missile appears to have been launched{origin_en}. "
        f"Take shelter in a sturdy building or underground. Areas: {_names_en(names_en)}."
    )
    return ja, en


def take_shelter_now(area_ja: str, area_en: str, impact_time: Clock) -> tuple[str, str]:
    """A fall on Japanese land or territorial sea is predicted around ``area`` at ``impact_time``
    (:func:`clock`)."""
    ja = (
        f"直ちに避難。直ちに避難。ミサイルが{impact_time[0]}頃、{area_ja}周辺に落下するおそれがあります。"
        "今すぐ頑丈な建物の中か地下に避難してください。"
    )
    en = (
        f"Take shelter immediately. The missile may fall around {area_en} at about {impact_time[1]}. "
        "Get into a sturdy building or underground now."
    )
    return ja, en


def passed(over_ja: str, over_en: str, toward_ja: str, toward_en: str, over_start: Clock,
           over_end: Clock) -> tuple[str, str]:
    """The missile has passed over Japan and flown on toward ``toward`` (:func:`heading_for`; empty:
    not said). It was overhead from ``over_start`` to ``over_end``: a span of clock minutes is said
    as one, as the government does ("7時4分頃から7時6分頃にかけて", 2017-09-15), and a single minute
    as "at about". Clock times as :func:`clock` gives them."""
    start_ja, start_en = over_start
    end_ja, end_en = over_end
    when_ja = f"{start_ja}頃" if end_ja == start_ja else f"{start_ja}頃から{end_ja}頃にかけて"
    when_en = f"At about {start_en}" if end_en == start_en else \
        f"Between about {start_en[:-4]} and {end_en}"
    went_ja = f"通過し、{toward_ja}へ向かったとみられます。" if toward_ja else "通過したとみられます。"
    went_en = f" toward {toward_en}" if toward_en else ""
    ja = (
        f"ミサイル通過。ミサイルは{when_ja}、{over_ja}の上空を{went_ja}"
        "不審な物を見つけても近寄らず、直ちに警察や消防に連絡してください。"
    )
    en = (
        f"Missile passed over. {when_en} the missile appears to have passed over "
        f"{over_en}{went_en}. If you find a suspicious object, do not go near it; "
        "call the police or fire service at once."
    )
    return ja, en


def fell_in_japan(area_ja: str, area_en: str, where_ja: str, where_en: str, impact_time: Clock) -> tuple[str, str]:
    """The missile came down on Japanese land or in its territorial sea at ``impact_time`` (:func:`clock`)."""
    ja = (
        f"ミサイル落下情報。ミサイルは{impact_time[0]}頃、{area_ja}周辺（{where_ja}）に落下したとみられます。"
        "追加の情報があるまで屋内にとどまり、不審な物には近寄らず、警察や消防に連絡してください。"
    )
    en = (
        f"Missile fall information. At about {impact_time[1]} the missile appears to have fallen "
        f"around {area_en} ({where_en}). Stay indoors until further notice; do not go near "
        "suspicious objects and report them to the police or fire service."
    )
    return ja, en


def fell_outside(place_ja: str, place_en: str, eez_status: str, impact_time: Clock) -> tuple[str, str]:
    """The missile came down outside Japan's territorial sea, at ``place`` (:func:`fall_place`), at
    ``impact_time`` (:func:`clock`)."""
    ja = (
        f"ミサイル落下情報。ミサイルは{impact_time[0]}頃、{place_ja}に落下したとみられます"
        f"（{_EEZ_JA[eez_status]}）。屋内にとどまる必要はありません。"
        "不審な物を見つけた場合は近寄らず、警察や消防に連絡してください。"
    )
    en = (
        f"Missile fall information. At about {impact_time[1]} the missile appears to have fallen "
        f"{place_en}, {_EEZ_EN[eez_status]}. There is no longer any need to stay indoors. "
        "Do not go near suspicious objects; report them to the police or fire service."
    )
    return ja, en


def no_alert(place_ja: str, place_en: str, eez_status: str) -> tuple[str, str]:
    """The summary when nobody is warned: J-Alert is not used, the fall (at ``place``,
    :func:`fall_place`) is announced afterwards."""
    ja = (
        "Jアラートは発出されません。ミサイルは日本の領土・領海の上空を通過せず、"
        f"{place_ja}（{_EEZ_JA[eez_status]}）に落下すると予測されます。政府が事後に発表します。"
    )
    en = (
        "No J-Alert would be issued: the missile does not pass over Japan's land or territorial sea and is "
        f"predicted to fall {place_en} ({_EEZ_EN[eez_status]}). The government announces it afterwards."
    )
    return ja, en
