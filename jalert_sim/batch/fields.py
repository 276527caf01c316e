"""The fields of a batch's input row, and the scenario they make.

A row names its fields by the keys of :data:`FIELDS` or their :data:`ALIASES`; the values are
text (CSV) or JSON values (JSONL), in the units of :func:`jalert_sim.simulate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..errors import InputError
from ..simulation.api import launch_from_fields, number
from ..simulation.options import MODEL_OPTIONS

#: The input fields, for the documentation and for ``--help``. Units as in :func:`jalert_sim.simulate`.
FIELDS: dict[str, str] = {
    "id": "optional label copied to the output record (default: the row number)",
    "launch": "site name (e.g. sunan) or 'lat,lon' in degrees; or give lat and lon instead",
    "lat": "launch latitude, degrees north (WGS84), with lon",
    "lon": "launch longitude, degrees east (WGS84), with lat",
    "azimuth": "initial heading of the ground track, degrees clockwise from true north (alias azimuth_deg)",
    "apogee": "apogee, km (alias apogee_km)",
    "range": "ground range launch to impact, km; empty = minimum energy (alias range_km)",
    "launch_time": "ISO 8601; no offset = JST; empty = the batch's launch time",
    **{name: option.description for name, option in MODEL_OPTIONS.items()},
}
#: Other names of fields: simulate()'s keyword names.
ALIASES = {"azimuth_deg": "azimuth", "apogee_km": "apogee", "range_km": "range"}


def scenario_from_fields(fields: Mapping[str, Any], *, launch_time: datetime | str | None = None) -> dict[str, Any]:
    """The keyword arguments of :func:`jalert_sim.simulate` for one input row.

    ``fields`` maps field names (:data:`FIELDS` or their aliases) to values; None and
    blank strings count as absent. ``launch_time`` is used when the row has none.
    Raises :class:`~jalert_sim.errors.InputError` naming the offending field.
    """
    values: dict[str, Any] = {}
    for key, value in fields.items():
        name = ALIASES.get(key, key)
        if name not in FIELDS:
            raise InputError(str(key), f"unknown field (known: {', '.join(FIELDS)})")
        if name in values:
            raise InputError(str(key), f"given twice (as {name!r} and an alias)")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        values[name] = value
    values.pop("id", None)
    lat_lon = launch_from_fields(values)
    if lat_lon is not None:
        launch = (number("lat", values.pop("lat")), number("lon", values.pop("lon")))
    elif "launch" in values:
        launch = values.pop("launch")
    else:
        raise InputError("launch", "is required (a site name or 'lat,lon'; or the fields lat and lon)")
    scenario: dict[str, Any] = {
        "launch": launch,
        "azimuth_deg": number("azimuth", values.pop("azimuth", None)),
        "apogee_km": number("apogee", values.pop("apogee", None)),
        "range_km": number("range", values.pop("range", None), optional=True),
        "launch_time": values.pop("launch_time", launch_time),
    }
    for name, value in values.items():  # only model options are left
        scenario[name] = number(name, value)
    return scenario
