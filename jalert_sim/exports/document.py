"""The JSON document of ``run`` (the schema is ``jalert_sim/schemas/simulation.schema.json``).

The CSV tables are :mod:`jalert_sim.exports.csv`; the other formats, and which command offers
which, :mod:`jalert_sim.exports.formats`.
"""

from __future__ import annotations

import json
from typing import Any

from ..simulation.result import SimulationResult


def to_json(result: SimulationResult, *, track: bool = True, extra: dict[str, Any] | None = None) -> str:
    """The ``run --format json`` document; ``extra`` adds top-level blocks (e.g. ``historical``)."""
    doc = result.to_dict(track=track)
    if extra:
        doc.update(extra)
    # Compact: json's C encoder serves only indent=None, and the track makes the document long.
    return json.dumps(doc, ensure_ascii=False) + "\n"
