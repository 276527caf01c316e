"""A classroom drill: the simulated launch played back as a live screen.

:func:`plan` (of ``present.timeline``, shared with the web page) turns a
SimulationResult into a :class:`DrillPlan` (the result, the title, the timed
events, the prefectures' states); :func:`state_at` is the screen's content at any
moment, a pure function of the plan and the time; :func:`frame` renders a state
with rich in large, high-contrast type for the back of a room; :func:`play` runs
it in a ``rich.live.Live`` at any speed; :func:`plain_lines` is the whole
timeline as plain text (``--speed 0``, scripts and tests).

Where the missile is at a moment (its altitude, what it is over) the result
says (:meth:`~jalert_sim.simulation.result.SimulationResult.altitude_at`,
:meth:`~jalert_sim.simulation.result.SimulationResult.over_at`): between track
samples (every 5 s) positions are interpolated linearly, which is well within
a kilometre at these speeds: enough for a display.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.align import Align
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..alerting.messages import HEADINGS
from ..geo.over import Location
from .playback import speed_problem
from .style import REASON_STYLES
from .timeline import TAIL_S, DrillPlan, lead, plan, t_plus, t_plus_at_second

__all__ = ["TAIL_S", "DrillPlan", "plan", "state_at", "frame", "plain_lines", "play", "big"]

#: Screen refreshes per second of wall time.
REFRESH_HZ = 8.0

_KIND_LABEL = {kind: (en.upper(), ja) for kind, (ja, en) in HEADINGS.items()}

# A 5-row block font for the clock: readable from across a room.
_FONT = {
    "0": ["████", "█  █", "█  █", "█  █", "████"],
    "1": ["  █ ", " ██ ", "  █ ", "  █ ", " ███"],
    "2": ["████", "   █", "████", "█   ", "████"],
    "3": ["████", "   █", " ███", "   █", "████"],
    "4": ["█  █", "█  █", "████", "   █", "   █"],
    "5": ["████", "█   ", "████", "   █", "████"],
    "6": ["████", "█   ", "████", "█  █", "████"],
    "7": ["████", "   █", "  █ ", " █  ", " █  "],
    "8": ["████", "█  █", "████", "█  █", "████"],
    "9": ["████", "█  █", "████", "   █", "████"],
    ":": ["    ", " ██ ", "    ", " ██ ", "    "],
    "+": ["    ", " █  ", "███ ", " █  ", "    "],
    "-": ["    ", "    ", "███ ", "    ", "    "],
    "T": ["███ ", " █  ", " █  ", " █  ", " █  "],
    " ": ["  ", "  ", "  ", "  ", "  "],
}


def big(text: str) -> str:
    """``text`` (digits, ':', '+', '-', 'T', ' ') in the 5-row block font."""
    return "\n".join(" ".join(_FONT[ch][row] for ch in text) for row in range(5))


@dataclass(frozen=True)
class Countdown:
    code: str
    name: str
    name_ja: str
    reason: str
    seconds_left: float | None  # to the missile being overhead / closest / falling; None before the alert
    status: str  # "waiting" (not yet warned) | "warned" | "overhead" | "passed"


@dataclass(frozen=True)
class DrillState:
    t_s: float
    clock: datetime
    in_flight: bool
    altitude_km: float | None
    over: Location | None
    issued: tuple  # messages already out (alerting.model.Message)
    next_message: object | None
    next_in_s: float | None
    countdowns: tuple[Countdown, ...]


def state_at(p: DrillPlan, t_s: float) -> DrillState:
    """The drill screen's content ``t_s`` seconds after launch."""
    r = p.result
    flight = r.impact.time_s
    in_flight = 0.0 <= t_s <= flight
    if in_flight:
        alt, over = r.altitude_at(t_s), r.over_at(t_s)
    else:
        alt, over = None, None
    issued = tuple(m for m in r.messages if m.time_s <= t_s)
    upcoming = [m for m in r.messages if m.time_s > t_s]
    nxt = upcoming[0] if upcoming else None
    rows = []
    for a in r.alerts:
        start, end = r.danger_span(a)
        if t_s < a.alert_time_s:
            status, left = "waiting", None
        elif t_s < start:
            status, left = "warned", start - t_s
        elif t_s <= end:
            status, left = "overhead", 0.0
        else:
            status, left = "passed", None
        rows.append(Countdown(a.code, a.name, a.name_ja, a.reason, left, status))
    return DrillState(t_s, r.time(t_s), in_flight, alt, over, issued, nxt,
                      None if nxt is None else nxt.time_s - t_s, tuple(rows))


def _pick(en: str, ja: str, lang: str) -> str:
    return {"en": en, "ja": ja}.get(lang, f"{en}  /  {ja}")


def _mmss(seconds: float) -> str:
    s = max(0, int(math.ceil(seconds)))
    return f"{s // 60}:{s % 60:02d}"


def frame(p: DrillPlan, s: DrillState, *, lang: str = "both", width: int = 120):
    """The rich renderable of one moment: big clock, missile, next message, last message, prefectures.

    ``width`` is the console's: below about 84 columns the T+ clock goes under the JST clock.
    """
    parts = [_clock_panel(p, s, width), _missile_line(p, s, lang), _next_line(s, lang)]
    last = _last_message_panel(p, s, lang)
    if last is not None:
        parts.append(last)
    if s.countdowns:
        parts.append(_countdown_table(s))
    return Group(*parts)


def _clock_panel(p: DrillPlan, s: DrillState, width: int) -> Panel:
    """The JST and T+ clocks in the block font (side by side if ``width`` allows), the date, the title."""
    clock_text, tplus_text = big(s.clock.strftime("%H:%M:%S")), big(t_plus(s.t_s))
    clock = Text(clock_text, style="bold bright_white", no_wrap=True)
    tplus = Text(tplus_text, style="bold bright_yellow", no_wrap=True)
    head = Table.grid(padding=(0, 4))
    if width >= len(clock_text.split("\n")[0]) + len(tplus_text.split("\n")[0]) + 4 + 6:
        head.add_row(clock, tplus)
    else:
        head.add_row(clock)
        head.add_row(tplus)
    return Panel(Group(Align.center(head), Align.center(Text(
        f"JST {s.clock.strftime('%Y-%m-%d')}      {p.title}      DRILL — NOT A REAL WARNING / 訓練", style="bold"))),
        border_style="bright_white", style="on grey11")


def _missile_line(p: DrillPlan, s: DrillState, lang: str) -> Text:
    """Altitude and what the missile is over; where it fell; or that it is not launched yet."""
    if s.in_flight:
        where = _pick(s.over.en, s.over.ja, lang) if s.over else "—"
        return Text.assemble(("  ALTITUDE 高度  ", "bold black on bright_white"), (f" {s.altitude_km:,.0f} km ", "bold bright_white"),
                             ("   OVER 上空  ", "bold black on bright_white"), (f" {where} ", "bold bright_white"))
    if s.t_s > p.result.impact.time_s:
        imp = p.result.impact
        return Text(" " + _pick(f"FELL {imp.description}", f"落下：{imp.description_ja}", lang) + " ",
                    style="bold black on bright_green")
    return Text(" awaiting launch ", style="bold")


def _next_line(s: DrillState, lang: str) -> Text:
    """The next J-Alert message and the time until it."""
    if s.next_message is None:
        return Text("  no further J-Alert messages  ", style="bold")
    en, ja = _KIND_LABEL[s.next_message.kind]
    return Text.assemble(("  NEXT J-ALERT 次の情報  ", "bold black on bright_magenta"),
                         (f"  in {_mmss(s.next_in_s)}  ", "bold bright_magenta"), (_pick(en, ja, lang), "bold"))


def _last_message_panel(p: DrillPlan, s: DrillState, lang: str) -> Panel | None:
    """The last message out, in full; "No J-Alert" for a flight that has none; else None."""
    if s.issued:
        m = s.issued[-1]
        en, ja = _KIND_LABEL[m.kind]
        body = Group(Text(_pick(en, ja, lang), style="bold bright_white on red", justify="center"),
                     Text(_pick(m.text_en, m.text_ja, lang) if lang != "both" else f"{m.text_ja}\n{m.text_en}",
                          style="bold bright_white"))
        return Panel(body, title=f"J-ALERT {p.result.time(m.time_s).strftime('%H:%M:%S')}", border_style="bold red")
    if not p.result.messages:
        return Panel(Text(_pick(p.result.assessment.summary_en, p.result.assessment.summary_ja, lang),
                          style="bold"), title="No J-Alert", border_style="green")
    return None


def _countdown_table(s: DrillState) -> Table:
    """Per warned prefecture, its reason and the time left before the missile is upon it."""
    table = Table(expand=True, show_edge=False, header_style="bold")
    table.add_column("Prefecture 都道府県", style="bold", no_wrap=True)
    table.add_column("Alert", no_wrap=True)
    table.add_column("Time left before overhead 残り時間", justify="right", no_wrap=True)
    for c in s.countdowns:
        if c.status == "waiting":
            left = Text("not yet warned", style="dim")
        elif c.status == "warned":
            left = Text(f" {_mmss(c.seconds_left)} ", style="bold black on bright_yellow" if c.seconds_left > 60
                        else "bold bright_white on red")
        elif c.status == "overhead":
            left = Text(" OVERHEAD NOW 通過中 ", style="bold bright_white on red")
        else:
            left = Text(" passed 通過 ", style="bold black on bright_green")
        table.add_row(f"{c.name} {c.name_ja}", Text(f" {c.reason} ", style=REASON_STYLES[c.reason].badge), left)
    return table


def plain_lines(p: DrillPlan, *, lang: str = "both") -> list[str]:
    """The whole drill as plain lines in time order (``--speed 0``)."""
    r = p.result
    out = [f"DRILL: {p.title} (simulated; not a real warning)",
           f"Launch {r.time(0).strftime('%Y-%m-%d %H:%M:%S')} JST"]
    by_time = {}
    for m in r.messages:
        by_time.setdefault((m.time_s, m.kind), m)
    for e in p.events:
        stamp = f"{r.time_at_second(e.t_s).strftime('%H:%M:%S')} JST  {t_plus_at_second(e.t_s)}"
        if e.kind == "message":
            en, ja = _KIND_LABEL[e.message_kind]
            m = by_time[(e.t_s, e.message_kind)]
            out.append(f"{stamp}  J-ALERT {_pick(en, ja, lang)} -> {', '.join(m.prefectures)}")
            if lang in ("ja", "both"):
                out.append(f"    {m.text_ja}")
            if lang in ("en", "both"):
                out.append(f"    {m.text_en}")
        else:
            out.append(f"{stamp}  {_pick(e.text_en, e.text_ja, lang)}  "
                       f"[{r.altitude_at(e.t_s):,.0f} km over {r.over_at(e.t_s).en}]")
    if r.alerts:
        out.append("Time from the first alert until the missile is overhead (lead time):")
        for a in r.alerts:
            out.append(f"    {a.code} {a.name} {a.name_ja}: {lead(a.lead_time_s)} ({a.reason})")
    else:
        out.append(_pick(r.assessment.summary_en, r.assessment.summary_ja, lang))
    return out


def play(p: DrillPlan, console: Console, *, speed: float = 1.0, lang: str = "both", bell: bool = True,
         clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
    """Play the drill live at ``speed`` × real time (``playback.MIN_SPEED`` to ``MAX_SPEED``). KeyboardInterrupt
    propagates."""
    from rich.live import Live

    problem = speed_problem(speed)
    if problem:
        raise ValueError(f"speed {problem}")
    start = clock()
    rung = 0
    with Live(frame(p, state_at(p, 0.0), lang=lang, width=console.width), console=console, auto_refresh=False, screen=False,
              transient=False, vertical_overflow="crop") as live:
        while True:
            t = (clock() - start) * speed
            if t >= p.end_s:
                t = p.end_s
            s = state_at(p, t)
            live.update(frame(p, s, lang=lang, width=console.width), refresh=True)
            if bell and len(s.issued) > rung:
                console.bell()
            rung = len(s.issued)
            if t >= p.end_s:
                break
            sleep(1.0 / REFRESH_HZ)
