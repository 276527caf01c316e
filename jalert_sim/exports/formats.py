"""Every output format, once: its name, the command that offers it, and what renders it.

``run`` prints one scenario as a table (for people: ``present.report``) or in a machine
format, rendered here by :func:`render`; ``batch`` writes one record per scenario
(``batch.run``); ``map`` draws a static map (``present.maps``). A command checks its
``--format`` against :func:`names`, so adding a format is one entry in :data:`FORMATS`
(plus its writer). The same name may serve two commands: ``csv`` is a row per warned
prefecture in ``run``, a row per scenario in ``batch`` (see :mod:`jalert_sim.exports.csv`).

Importing this module is cheap (the command line reads it at every start: its records are
NamedTuples, a frozen dataclass costs ~1 ms to define): a renderer imports its writer (and the
XML and geometry libraries it needs) when it is called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from ..simulation.result import SimulationResult


class RenderOptions(NamedTuple):
    """What ``run``'s machine formats use besides the result; each format reads its own."""

    track: bool = True  # json: include the track samples
    historical: dict[str, Any] | None = None  # json: the "historical" block of a catalogue scenario
    title: str | None = None  # kml: the document's name (default: the launch time)
    cap_status: str = "Exercise"  # cap: a CAP status (see exports.cap.cap_status)


def _json(result: SimulationResult, options: RenderOptions) -> str:
    from .document import to_json

    extra = {"historical": options.historical} if options.historical is not None else None
    return to_json(result, track=options.track, extra=extra)


def _csv(result: SimulationResult, options: RenderOptions) -> str:
    from .csv import to_csv

    return to_csv([result])


def _geojson(result: SimulationResult, options: RenderOptions) -> str:
    from .geojson import to_geojson

    return to_geojson(result)


def _kml(result: SimulationResult, options: RenderOptions) -> str:
    from .kml import to_kml

    return to_kml(result, title=options.title)


def _cap(result: SimulationResult, options: RenderOptions) -> str:
    from .cap import to_cap_feed

    return to_cap_feed(result, status=options.cap_status)


class Format(NamedTuple):
    """One output format of one command. ``render`` turns a result into the text of a
    machine format of ``run``; None where the command draws it itself (a table, a map) or
    writes it record by record (a batch)."""

    name: str
    command: str  # "run", "batch" or "map"
    description: str
    render: Callable[[SimulationResult, RenderOptions], str] | None = None


#: Every format, in the order each command lists them in its messages.
FORMATS: tuple[Format, ...] = (
    Format("table", "run", "a report for people (rich tables, optionally a terminal map)"),
    Format("json", "run", "the simulation document (schemas/simulation.schema.json)", _json),
    Format("csv", "run", "one row per warned prefecture (exports.csv.CSV_COLUMNS)", _csv),
    Format("geojson", "run", "RFC 7946 FeatureCollection: track, launch, impact, warned prefectures", _geojson),
    Format("kml", "run", "KML 2.2: the 3-D track, launch, impact, warned prefectures", _kml),
    Format("cap", "run", "CAP 1.2 alerts, one per J-Alert message, in an Atom feed", _cap),
    Format("jsonl", "batch", "the run document per row, with id and row (or the row's error)"),
    Format("csv", "batch", "one summary row per scenario (exports.csv.SCENARIO_COLUMNS)"),
    Format("parquet", "batch", "one typed row per scenario, with -o FILE (needs pyarrow: jalert-sim[parquet])"),
    Format("svg", "map", "a static map, text kept as text"),
    Format("png", "map", "a static map, 150 dpi by default"),
)


def names(command: str) -> tuple[str, ...]:
    """The names of the formats ``command`` offers, in order."""
    return tuple(f.name for f in FORMATS if f.command == command)


def get(command: str, name: str) -> Format:
    """The format ``name`` of ``command``; KeyError if it offers none of that name."""
    for f in FORMATS:
        if f.command == command and f.name == name:
            return f
    raise KeyError(f"{command} has no format {name!r}")


def render(name: str, result: SimulationResult, options: RenderOptions = RenderOptions()) -> str:
    """The text of ``run --format name`` for ``result``: one of its machine formats."""
    renderer = get("run", name).render
    if renderer is None:
        raise KeyError(f"run's {name!r} format is not rendered here")
    return renderer(result, options)
