"""The table report of ``jalert-sim run``: a rich screen for people."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..alerting.messages import HEADINGS, country_en
from ..simulation.result import SimulationResult
from .style import REASON_STYLES
from .timeline import events, lead, t_plus_at_second

_KIND_LABEL = {kind: (en, ja) for kind, (ja, en) in HEADINGS.items()}


def _clock(result: SimulationResult, seconds: float | None) -> str:
    """JST clock time of an event, rounded to the second as the JSON document rounds it."""
    return "—" if seconds is None else result.time_at_second(seconds).strftime("%H:%M:%S")


def _texts(en: str, ja: str, lang: str) -> str:
    return {"en": en, "ja": ja}.get(lang, f"{ja}\n{en}")


def scenario_panel(result: SimulationResult) -> Panel:
    tr = result.trajectory
    site = f"{result.site.name} ({result.site.name_ja}), " if result.site else ""
    requested = "minimum energy" if result.range_km is None else f"requested range {result.range_km:,.0f} km"
    lines = [
        f"[bold]Launch[/]  {site}{result.launch_lat:.2f}°N {result.launch_lon:.2f}°E  at "
        f"{result.time(0).strftime('%Y-%m-%d %H:%M:%S')} JST",
        f"[bold]Flight[/]  azimuth {result.azimuth_deg:.1f}°, apogee {tr['apogee_km']:,.0f} km, "
        f"range {tr['range_km']:,.0f} km ({requested}), flight time {t_plus_at_second(tr['flight_time_s'])[2:]} "
        f"(burnout T+{tr['burnout_time_s']:.0f} s at {tr['burnout_altitude_km']:.0f} km)",
        f"[bold]Model[/]   alert {result.model.latency_s:.0f} s after launch; corridor ±{result.model.corridor_km:g} km; "
        f"impact radius {result.model.impact_radius_km:g} km",
    ]
    return Panel("\n".join(lines), title="jalert-sim — simulated scenario", border_style="blue")


def timeline_table(result: SimulationResult, lang: str) -> Table:
    table = Table(title="Timeline", expand=True, show_lines=False)
    table.add_column("T+", no_wrap=True)
    table.add_column("JST", no_wrap=True)
    table.add_column("Event")
    for e in events(result):
        if e.kind == "message":
            en, ja = _KIND_LABEL[e.message_kind]
            text = Text(f"J-Alert: {_texts(en, ja, lang)}", style="bold magenta")
        else:
            text = Text(_texts(e.text_en, e.text_ja, lang))
        table.add_row(t_plus_at_second(e.t_s), _clock(result, e.t_s), text)
    return table


def alerts_table(result: SimulationResult) -> Table:
    first = result.alerts[0].alert_time_s
    table = Table(title=f"Warned prefectures — alert at {_clock(result, first)} JST ({t_plus_at_second(first)})",
                  expand=True)
    table.add_column("Prefecture", ratio=3)
    table.add_column("Reason", no_wrap=True)
    table.add_column("Over it (JST)", no_wrap=True)
    table.add_column("Lowest", justify="right", no_wrap=True)
    table.add_column("Lead", justify="right", no_wrap=True)
    for a in result.alerts:
        alt = "—" if a.min_altitude_km is None else f"{a.min_altitude_km:,.0f} km"
        over = "—" if a.overflight_start_s is None else (
            f"{_clock(result, a.overflight_start_s)}–{_clock(result, a.overflight_end_s)}")
        lead_text = Text(lead(a.lead_time_s), style="bold red" if a.lead_time_s < 0 else "green")
        table.add_row(f"{a.code} {a.name} {a.name_ja}", Text(a.reason, style=REASON_STYLES[a.reason].terminal), over, alt, lead_text)
    return table


def impact_panel(result: SimulationResult, lang: str) -> Panel:
    imp = result.impact
    if imp.on_land:
        where = "on Japanese land"
    elif imp.in_territorial_sea:
        where = "in Japan's territorial sea"
    elif imp.sea:
        where = f"in the {imp.sea}, outside the territorial sea"
    elif imp.country:
        where = f"on land in {country_en(imp.country)}"
    else:  # outside the mapped region (geo.seas.REGION)
        where = "outside Japan's territorial sea (beyond the map: sea or land not known)"
    eez = {"inside": "inside Japan's EEZ (approximate)", "outside": "outside Japan's EEZ (approximate)",
           "uncertain": "near the EEZ limit: inside or outside uncertain"}[imp.eez_status]
    body = (
        f"{_clock(result, imp.time_s)} JST ({t_plus_at_second(imp.time_s)}), {imp.lat:.2f}°N {imp.lon:.2f}°E\n"
        f"{_texts(imp.description, imp.description_ja, lang)}\n{where}; {eez}"
    )
    style = "red" if imp.in_territorial_sea else "green"
    return Panel(body, title="Impact", border_style=style)


def messages_panel(result: SimulationResult, lang: str) -> Panel:
    if not result.messages:
        text = _texts(result.assessment.summary_en, result.assessment.summary_ja, lang)
        return Panel(Text(text, style="bold"), title="No J-Alert", border_style="green")
    parts = []
    for m in result.messages:
        en, ja = _KIND_LABEL[m.kind]
        head = Text(f"{_clock(result, m.time_s)} {t_plus_at_second(m.time_s)}  {_texts(en, ja, lang)}  "
                    f"→ {', '.join(m.prefectures)}", style="bold magenta")
        parts += [head, Text(_texts(m.text_en, m.text_ja, lang)), Text("")]
    return Panel(Group(*parts), title="J-Alert messages", border_style="magenta")


def render(result: SimulationResult, console: Console, *, lang: str = "both", extra=()) -> None:
    """Print the whole report; ``extra`` renderables (e.g. a terminal map) go before the messages."""
    console.print(scenario_panel(result))
    console.print(timeline_table(result, lang))
    if result.alerts:
        console.print(alerts_table(result))
    console.print(impact_panel(result, lang))
    for item in extra:
        console.print(item)
    console.print(messages_panel(result, lang))


def historical_panel(result: SimulationResult, comparison, lang: str = "both") -> Panel:
    """Predicted vs actually issued, for a historical scenario (a comparison.Comparison)."""
    from ..geo import prefecture

    def names(codes) -> str:
        if not codes:
            return "—"
        pick = (lambda p: p.name) if lang == "en" else (lambda p: p.name_ja) if lang == "ja" else (
            lambda p: f"{p.name} {p.name_ja}")
        return ", ".join(pick(prefecture(c)) for c in codes)

    c = comparison
    prefs = Table(expand=True, show_header=False, box=None, padding=(0, 1))
    prefs.add_column(style="bold", no_wrap=True)
    prefs.add_column()
    if not c.predicted_prefectures and not c.actual_prefectures:
        verdict = Text("no J-Alert, as in reality", style="bold green")
    elif c.prefectures_match:
        verdict = Text("the same prefectures", style="bold green")
    else:
        verdict = Text(
            f"{len(c.predicted_prefectures)} simulated vs {len(c.actual_prefectures)} actually warned", style="bold yellow")
    prefs.add_row("Prefectures", verdict)
    if c.both:
        prefs.add_row("  warned in both", names(c.both))
    if c.only_actual:
        prefs.add_row(Text("  only in reality", style="bold yellow"), names(c.only_actual))
    if c.only_predicted:
        prefs.add_row(Text("  only simulated", style="bold yellow"), names(c.only_predicted))
    if c.erroneous_prefectures:
        prefs.add_row("  warned by mistake", names(c.erroneous_prefectures) + " (corrected)")

    times = Table(expand=True, show_lines=False)
    for col in ("", "Simulated", "Actual", "Difference"):
        times.add_column(col, no_wrap=True)
    for tc in c.times:
        diff = tc.difference_s
        if diff is None:
            dtext = Text("—")
        elif diff == 0.0 and (tc.predicted_end or tc.actual_end):
            dtext = Text("overlap", style="green")  # (spans: the gap between them)
        else:
            dtext = Text(lead(diff), style="green" if abs(diff) < 90 else "bold yellow")
        times.add_row(tc.what, _span(tc.predicted, tc.predicted_end), _span(tc.actual, tc.actual_end), dtext)
    parts = [prefs, times]
    if c.impact_miss_km is not None:
        a = c.scenario.actual
        parts.append(Text(f"Impact: simulated {result.impact.lat:.2f}°N {result.impact.lon:.2f}°E, "
                          f"{c.impact_miss_km:,.0f} km from where the published words put it ({a.impact_description})."))
    note = "Actual times were published to the minute: differences under a minute mean nothing."
    if c.only_actual:
        note += (" Early alert areas (2017) were much wider than the path; the model's default follows "
                 "today's practice (the prefectures near the path).")
    parts.append(Text(note, style="dim"))
    return Panel(Group(*parts), title=f"{c.scenario.id}: simulated vs actually issued", border_style="yellow")


def _span(start, end) -> str:
    """A time, or a span 'HH:MM:SS–HH:MM:SS'."""
    return _fmt(start) if end is None or start is None else f"{_fmt(start)}–{_fmt(end)}"


def _fmt(when) -> str:
    """HH:MM:SS, rounded to the second as the JSON document rounds times."""
    if when is None:
        return "—"
    return datetime.fromtimestamp(round(when.timestamp()), when.tzinfo).strftime("%H:%M:%S")
