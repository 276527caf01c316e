"""The model options a scenario may carry: name, allowed range and one description each.

One table feeds the checks of :func:`jalert_sim.simulate`, the batch field list
(:data:`jalert_sim.batch.FIELDS`) and the command-line help, so the three cannot drift
apart. The defaults are not here: they live on the model objects that use them
(:class:`jalert_sim.alerts.AlertModel`, :class:`jalert_sim.trajectory.BoostModel`).
This module imports nothing, because the command line reads it before anything heavy.
"""

from __future__ import annotations

from typing import NamedTuple


class ModelOption(NamedTuple):
    """Allowed values ``low``..``high`` (inclusive, in the unit the name ends with) and a description."""

    low: float
    high: float
    description: str


#: The model options by name (keyword of ``simulate``, batch field, ``--name-with-dashes`` on the CLI).
MODEL_OPTIONS: dict[str, ModelOption] = {
    "latency_s": ModelOption(0.0, 3600.0, "seconds from launch to the first J-Alert"),
    "corridor_km": ModelOption(0.0, 3000.0, "half-width of the alert corridor around the ground track, km"),
    "impact_radius_km": ModelOption(0.0, 3000.0, "uncertainty radius of the predicted impact point, km"),
    "report_delay_s": ModelOption(0.0, 3600.0, "seconds from leaving Japan's airspace to 'passed', "
                                               "and from impact to 'fell'"),
    "burn_time_s": ModelOption(1.0, 1000.0, "powered-ascent duration, s (default: from the boost model)"),
    "burnout_altitude_km": ModelOption(1.0, 1000.0, "altitude at burnout, km (default: from the boost model)"),
}


def option_help(name: str) -> str:
    """The ``--help`` text of model option ``name``: its description and allowed range, as a sentence."""
    low, high, text = MODEL_OPTIONS[name]
    return f"{text[0].upper()}{text[1:]}; {low:g} to {high:g}."
