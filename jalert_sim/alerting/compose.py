"""The J-Alert message sequence of one assessment: which messages go out, when, to whom.

launch (to every warned prefecture, ``latency_s`` after launch) → "take shelter now" (where a
fall on Japanese land or territorial sea is predicted) → "passed" (``report_delay_s`` after the
missile has left the last warned prefecture's airspace) or "fell" (``report_delay_s`` after the
impact). The wording is :mod:`jalert_sim.alerting.messages`.
"""

from __future__ import annotations

from functools import cache

from . import messages
from .model import AlertModel, Impact, Launch, Message, PrefectureAlert, Reason

# A rough box around North Korea, to word the launch message ("from North Korea").
_NK_BOX = (37.5, 43.1, 124.0, 130.8)

_KIND_ORDER = {kind: k for k, kind in enumerate(messages.KINDS)}


def origin(launch_lat: float, launch_lon: float) -> tuple[str, str]:
    """Where the launch message says the missile came from, (ja, en): North Korea, or unsaid."""
    s, n, w, e = _NK_BOX
    if s <= launch_lat <= n and w <= launch_lon <= e:
        return "北朝鮮から", " from North Korea"
    return "", ""


#: A warned prefecture as :func:`sequence` reads it: (code, name_ja, name, reason is impact,
#: overflight_start_s, overflight_end_s), the fields of a PrefectureAlert (None: not overflown).
Warned = tuple[str, str, str, bool, float | None, float | None]
#: A message as :func:`sequence` gives it: the fields of :class:`Message`.
MessageFields = tuple[float, str, tuple[str, ...], str, str]


#: Texts that depend only on which prefectures are named (a batch repeats the same few sets):
#: the launch message by (origin, codes), the overflown names by codes. Bounded (cleared when full).
_LAUNCH_TEXTS: dict[tuple, tuple[str, str]] = {}
_OVER_NAMES: dict[tuple, tuple[str, str]] = {}
_CACHED = 20_000


def _launch_texts(alerts: list[Warned], codes: tuple[str, ...], launch: Launch) -> tuple[str, str]:
    """:func:`messages.launch` for ``alerts`` (their ``codes``) from ``launch``, remembered."""
    where = origin(launch.lat, launch.lon)
    key = (where[0], codes)
    texts = _LAUNCH_TEXTS.get(key)
    if texts is None:
        if len(_LAUNCH_TEXTS) >= _CACHED:
            _LAUNCH_TEXTS.clear()
        texts = _LAUNCH_TEXTS[key] = messages.launch(*where, [a[1] for a in alerts], [a[2] for a in alerts])
    return texts


def _over_names(over: list[Warned]) -> tuple[str, str]:
    """The overflown prefectures as the "passed" message names them, (ja, en), remembered."""
    key = tuple([a[0] for a in over])
    names = _OVER_NAMES.get(key)
    if names is None:
        if len(_OVER_NAMES) >= _CACHED:
            _OVER_NAMES.clear()
        names = _OVER_NAMES[key] = "、".join([a[1] for a in over]), messages.join_en([a[2] for a in over])
    return names


def compose(alerts: list[PrefectureAlert], impact: Impact, launch: Launch, model: AlertModel,
            prefs) -> tuple[list[Message], tuple[str, str]]:
    """(messages in time order, (summary_ja, summary_en)) of one assessment; ``prefs`` are the 47
    geo.Prefecture records (the impact prefecture's names)."""
    warned = [(a.code, a.name_ja, a.name, a.reason == Reason.IMPACT, a.overflight_start_s, a.overflight_end_s)
              for a in alerts]
    shelter = impact.prefecture_code if impact.in_territorial_sea else None
    fall = (impact.description_ja, impact.description, impact.sea_ja, impact.sea, impact.country_ja, impact.country,
            impact.eez_status)
    out, summary = sequence(warned, fall, impact.time_s, shelter, launch, model, prefs)
    return [Message(*m) for m in out], summary


def sequence(alerts: list[Warned], fall: tuple, impact_time_s: float, shelter: str | None, launch: Launch,
             model: AlertModel, prefs) -> tuple[list[MessageFields], tuple[str, str]]:
    """:func:`compose` on plain values (a batch's JSONL records call it on their columns, without
    records: performance): the messages' fields in time order, and the summary.

    ``alerts``: :data:`Warned` tuples; ``fall``: the impact's (description_ja, description, sea_ja,
    sea, country_ja, country, eez_status) as :class:`Impact` holds them; ``shelter``: the JIS code
    of the prefecture whose land or territorial sea it falls in (``Impact.prefecture_code`` where
    ``in_territorial_sea``), else None."""
    where_ja, where_en, sea_ja, sea, country_ja, country, eez_status = fall
    place = messages.fall_place(where_ja, where_en, sea_ja, sea, country_ja, country)
    if not alerts:
        return [], messages.no_alert(*place, eez_status)

    at = messages.launch_clocks(launch.time)
    codes = tuple([a[0] for a in alerts])
    latency_s = model.latency_s
    out = [(latency_s, "launch", codes, *_launch_texts(alerts, codes, launch))]

    report_s = impact_time_s + model.report_delay_s
    impact_time = at(impact_time_s)
    if shelter:
        p = next(q for q in prefs if q.code == shelter)
        targets = tuple([a[0] for a in alerts if a[3]]) or (p.code,)
        out.append((latency_s, "take_shelter_now", targets,
                    *messages.take_shelter_now(p.name_ja, p.name, impact_time)))
        out.append((report_s, "fell_in_japan", codes,
                    *messages.fell_in_japan(p.name_ja, p.name, where_ja, where_en, impact_time)))
    else:
        over = [a for a in alerts if a[4] is not None]
        if over:
            first_s = min([a[4] for a in over])
            last_s = max([a[5] for a in over])
            passed_s = max(last_s, latency_s) + model.report_delay_s
            toward = messages.heading_for(sea_ja, sea, country_ja, country)
            out.append((passed_s, "passed", codes,
                        *messages.passed(*_over_names(over), *toward, at(first_s), at(last_s))))
        out.append((report_s, "fell_outside", codes,
                    *messages.fell_outside(*place, eez_status, impact_time)))
    # Appended in the order of KINDS: sorted already unless a time goes back.
    if out[0][0] > out[1][0] or (len(out) > 2 and out[1][0] > out[2][0]):  # (2 or 3 messages)
        out.sort(key=lambda m: (m[0], _KIND_ORDER[m[1]]))
    return out, _summary(len(alerts))


@cache
def _summary(count: int) -> tuple[str, str]:
    return f"Jアラートは{count}都道府県に発出されます。", f"J-Alert would warn {count} prefecture(s)."
