"""The scenario as a list of timed events, for the table report and the drills.

Pure: a SimulationResult in, a sorted tuple of :class:`Event` out (:func:`events`), and the
states of the warned prefectures as they change (:func:`prefecture_states`). :func:`plan` puts
them together as a :class:`DrillPlan`: what the terminal drill (``present.drill``) and the web
page (``present.webdrill``) both play, computed once.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..alerting.model import Reason
from ..simulation.result import SimulationResult

#: Seconds the drill stays up after the last event.
TAIL_S = 5.0
#: What a prefecture's state may be (the web page's ``data-state``), in the order it goes through them.
STATES = ("none", "warned", "overflown", "impact")


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


@dataclass(frozen=True)
class StateChange:
    """From ``t_s`` seconds after launch, prefecture ``code`` (JIS) is in ``state`` (one of STATES)."""

    t_s: float
    code: str
    state: str


def prefecture_states(result: SimulationResult) -> tuple[StateChange, ...]:
    """When each warned prefecture changes state, in time order: ``warned`` at its alert,
    ``overflown`` when the ground track enters its footprint, ``impact`` when the missile comes
    down (for an impact area). A change that would come before the alert waits for it (an
    overflight before the alert is shown from the alert on). Before its first change, and for a
    prefecture never warned, the state is ``none``."""
    out = []
    for a in result.alerts:
        out.append(StateChange(a.alert_time_s, a.code, "warned"))
        if a.overflight_start_s is not None:
            out.append(StateChange(max(a.alert_time_s, a.overflight_start_s), a.code, "overflown"))
        if a.reason == Reason.IMPACT:
            out.append(StateChange(max(a.alert_time_s, result.impact.time_s), a.code, "impact"))
    return tuple(sorted(out, key=lambda c: (c.t_s, STATES.index(c.state), c.code)))


@dataclass(frozen=True)
class DrillPlan:
    """What a drill plays: the result, a title, its timed events, the prefectures' state changes,
    and when it ends (seconds after launch)."""

    result: SimulationResult
    title: str
    events: tuple[Event, ...]
    end_s: float
    states: tuple[StateChange, ...] = ()

    @property
    def messages(self):
        return self.result.messages


def plan(result: SimulationResult, *, title: str | None = None) -> DrillPlan:
    """The drill of ``result``; the title defaults to "Launch from" the site (or its coordinates)."""
    evs = events(result)
    end = max([e.t_s for e in evs] + [float(result.track.t_s[-1])]) + TAIL_S
    if title is None:
        site = result.site.name if result.site else f"{result.launch_lat:.2f}N {result.launch_lon:.2f}E"
        title = f"Launch from {site}"
    return DrillPlan(result, title, evs, end, prefecture_states(result))
