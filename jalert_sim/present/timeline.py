"""The scenario as a list of timed events, for the table report and the drill.

Pure: a SimulationResult in, a sorted tuple of :class:`Event` out.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..simulation.result import SimulationResult


@dataclass(frozen=True)
class Event:
    t_s: float  # seconds after launch
    kind: str  # launch | burnout | alert | enter | leave | apogee | impact | message
    text_en: str
    text_ja: str
    message_kind: str | None = None  # for kind == "message": one of messages.KINDS


def t_plus(seconds: float) -> str:
    """'T+06:05' (or 'T-00:10'), minutes and seconds, rounded down to the second."""
    sign = "-" if seconds < 0 else "+"
    s = int(abs(seconds) // 1)
    return f"T{sign}{s // 60:02d}:{s % 60:02d}"


def t_plus_at_second(seconds: float) -> str:
    """:func:`t_plus` of an event, rounded to the second as its clock time is
    (:meth:`~jalert_sim.simulation.result.SimulationResult.time_at_second`) and the JSON document's."""
    return t_plus(round(seconds))


def lead(seconds: float) -> str:
    """'+4:05' / '-1:30': the sign shown, never hidden."""
    sign = "-" if seconds < 0 else "+"
    s = int(round(abs(seconds)))
    return f"{sign}{s // 60}:{s % 60:02d}"


def events(result: SimulationResult) -> tuple[Event, ...]:
    tr = result.trajectory
    imp = result.impact
    out = [
        Event(0.0, "launch", "Launch", "発射"),
        Event(tr["burnout_time_s"], "burnout",
              f"Burnout at {tr['burnout_altitude_km']:.0f} km", f"燃焼終了（高度{tr['burnout_altitude_km']:.0f}km）"),
        Event(tr["apogee_time_s"], "apogee", f"Apogee {tr['apogee_km']:,.0f} km", f"最高高度{tr['apogee_km']:,.0f}km"),
    ]
    for a in result.alerts:
        if a.overflight_start_s is not None:
            out.append(Event(a.overflight_start_s, "enter",
                             f"Over {a.name} (lowest {a.min_altitude_km:,.0f} km)",
                             f"{a.name_ja}上空に到達（最低高度{a.min_altitude_km:,.0f}km）"))
            out.append(Event(a.overflight_end_s, "leave", f"Leaves {a.name}", f"{a.name_ja}上空を通過"))
    out.append(Event(imp.time_s, "impact", f"Impact: {imp.description}", f"落下：{imp.description_ja}"))
    for m in result.messages:
        out.append(Event(m.time_s, "message", m.text_en, m.text_ja, m.kind))
    order = {"launch": 0, "burnout": 1, "message": 2, "enter": 3, "leave": 4, "apogee": 5, "impact": 6}
    return tuple(sorted(out, key=lambda e: (e.t_s, order[e.kind])))
