"""The drill as one self-contained web page, for a classroom's projector.

:func:`drill_page` gives the HTML text of a result's drill; :func:`write_drill_page` writes it
whole or not at all. The page has everything inline (CSS, script, the SVG map, the data) and
asks for nothing over the network, so it works from ``file://`` or a USB stick.

What it plays is computed here, once, in Python, and embedded as data; the page's script only
renders it at the current moment:

* the ``run --format json`` document of the result (the ``historical`` block too, for a
  catalogue scenario), in ``<script id="simulation">``;
* the drill's plan (``present.timeline.plan``, the one the terminal drill plays): its events
  and the prefectures' state changes, with the moment the missile is upon each warned
  prefecture (``SimulationResult.danger_span``, the terminal drill's countdown), what it is
  over at each track sample, and the track projected to the map's units, in
  ``<script id="drill-data">``;
* the map (``present.websvg``) in the projection and frame of ``jalert-sim map``.

The template (``assets/drill.html``, ``drill.css``, ``drill.js``) is package data.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ..alerting.messages import HEADINGS
from ..errors import InputError
from ..exports.document import to_json
from ..simulation.result import SimulationResult
from .mapframe import map_box, track_xy
from .playback import MAX_SPEED, MIN_SPEED, speed_problem
from .style import REASON_STYLES
from .timeline import DrillPlan, plan, t_plus_at_second
from .websvg import map_svg, track_units

#: The speeds the page offers as buttons (``?speed=`` and ``--speed`` take any in playback's range).
SPEEDS = (1, 10, 30, 60)
LANGS = ("en", "ja", "both")


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _script_json(text: str) -> str:
    """JSON text made safe inside ``<script>``: no ``<`` (so no ``</script>`` or ``<!--``)."""
    return text.replace("<", "\\u003c")


def _over(result: SimulationResult) -> dict[str, Any]:
    """What the missile is over at each track sample: the distinct places [[en, ja], ...] and,
    per sample, an index into them."""
    names: dict[tuple[str, str], int] = {}
    index = [names.setdefault((loc.en, loc.ja), len(names)) for loc in result.track_over]
    return {"places": [list(k) for k in names], "index": index}


def _event(r: SimulationResult, e) -> dict[str, Any]:
    """One event of the plan as the page shows it in its log: its clock time and T+ as the
    terminal drill prints them, and for a flight event where the missile is then."""
    out = {"t_s": e.t_s, "kind": e.kind, "text_en": e.text_en, "text_ja": e.text_ja,
           "message_kind": e.message_kind, "clock": r.time_at_second(e.t_s).strftime("%H:%M:%S"),
           "t_plus": t_plus_at_second(e.t_s)}
    if e.kind != "message":
        over = r.over_at(e.t_s)
        out.update(alt_km=round(r.altitude_at(e.t_s)), over_en=over.en, over_ja=over.ja)
    return out


def drill_data(p: DrillPlan, *, lang: str = "both", speed: float = 1.0, chime: bool = True) -> dict[str, Any]:
    """What the page's script plays, besides the JSON document: times are seconds after launch;
    ``countdowns`` are per warned prefecture, in the document's order, its alert and the span
    when the missile is upon it; ``track_xy`` is one point (SVG units) per sample of the
    document's track; ``over`` what each sample is over."""
    r = p.result
    return {
        "title": p.title,
        "lang": lang,
        "speed": speed,
        "speeds": list(SPEEDS),
        "speed_range": [MIN_SPEED, MAX_SPEED],
        "chime": chime,
        "end_s": p.end_s,
        "events": [_event(r, e) for e in p.events],
        "states": [[c.t_s, c.code, c.state] for c in p.states],
        "countdowns": [{"code": a.code, "alert_s": a.alert_time_s, "start_s": start, "end_s": end}
                       for a in r.alerts for start, end in [r.danger_span(a)]],
        "headings": {kind: {"ja": ja, "en": en} for kind, (ja, en) in HEADINGS.items()},
        "reasons": {reason.value: s.label for reason, s in REASON_STYLES.items()},
        "over": _over(r),
        "track_xy": track_units(track_xy(r)),
    }


def drill_page(result: SimulationResult, *, scenario=None, title: str | None = None, lang: str = "both",
               speed: float = 1.0, chime: bool = True) -> str:
    """The HTML of the drill of ``result``.

    ``scenario`` (a catalogue :class:`~jalert_sim.simulation.scenarios.Scenario`, or None) gives
    the title and the document's ``historical`` block, as ``run --scenario`` has it. ``lang``
    (en, ja or both), ``speed`` (× real time, ``playback.MIN_SPEED`` to ``MAX_SPEED``) and ``chime`` are the page's defaults;
    its URL (``?lang=``, ``?speed=``) and controls change them. Raises InputError for a bad one.
    """
    if lang not in LANGS:
        raise InputError("lang", f"expected en, ja or both, got {lang!r}")
    problem = speed_problem(speed)
    if problem:
        raise InputError("speed", problem)
    extra = None
    if scenario is not None:
        from ..simulation.comparison import compare

        title = title or scenario.title_en
        comparison = compare(result, scenario)
        extra = None if comparison is None else {"historical": comparison.to_dict()}
    p = plan(result, title=title)
    track = track_xy(result)
    data = drill_data(p, lang=lang, speed=speed, chime=chime)
    fields = {
        "TITLE": _html_text(f"DRILL — {p.title}"),
        "LANG": "ja" if lang == "ja" else "en",
        "CSS": _asset("drill.css"),
        "MAP": map_svg(result, track, map_box(track)),
        "DOCUMENT": _script_json(to_json(result, extra=extra)),
        "DATA": _script_json(json.dumps(data, ensure_ascii=False, separators=(",", ":"))),
        "JS": _asset("drill.js"),
    }
    # One pass over the template: the values put in are never scanned for markers themselves.
    return re.sub(r"@@([A-Z]+)@@", lambda m: fields[m.group(1)], _asset("drill.html"))


def _html_text(text: str) -> str:
    from html import escape

    return escape(text, quote=False)


def write_drill_page(path: str | Path, html: str, *, force: bool = False) -> None:
    """Write the page to ``path``, whole or not at all (``files.write_atomic``; a read-only file
    is replaced only with ``force``)."""
    from ..files import write_atomic

    write_atomic(path, html, force=force)
