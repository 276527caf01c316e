"""How each alert reason looks, in every medium: one table for the terminal report and map, the
drill (terminal and web page), the SVG/PNG maps and the KML export; and the colours of the maps."""

from __future__ import annotations

from typing import NamedTuple

from ..alerting.model import Reason


class ReasonStyle(NamedTuple):
    """The look of one reason. ``terminal``: rich style of the word (report, terminal map);
    ``badge``: rich style of the drill's badge; ``fill``: map fill colour; ``kml_line`` and
    ``kml_fill``: KML colours (aabbggrr); ``label``: the map legend's words."""

    terminal: str
    badge: str
    fill: str
    kml_line: str
    kml_fill: str
    label: str


REASON_STYLES: dict[Reason, ReasonStyle] = {
    Reason.IMPACT: ReasonStyle("bold red", "bold white on red", "#d7191c", "ff0000ff", "7f0000ff",
                               "Impact area (warned)"),
    Reason.OVERFLIGHT: ReasonStyle("bold yellow", "bold black on yellow", "#fdae61", "ff00a5ff", "6000a5ff",
                                   "Overflight (warned)"),
    Reason.CORRIDOR: ReasonStyle("cyan", "bold black on cyan", "#fee08b", "ffffff00", "40ffff00",
                                 "Near the path (warned)"),
}
#: A prefecture that is not warned, on maps.
NOT_WARNED_FILL = "#e8e8e0"
NOT_WARNED_LABEL = "Not warned"
#: Order in which reasons are painted (the strongest last, on top) and listed in legends (reversed).
PAINT_ORDER = (Reason.CORRIDOR, Reason.OVERFLIGHT, Reason.IMPACT)
#: Land, sea and the ground track on maps (SVG/PNG and the web drill).
LAND_COLOUR = "#d9d4c7"
SEA_COLOUR = "#dbe9f4"
TRACK_COLOUR = "#7b0099"
