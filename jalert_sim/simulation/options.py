"""The model options a scenario may carry: name, allowed range and one description each.

The options are the fields of the models that use them (:class:`jalert_sim.alerting.model.AlertModel`,
:class:`jalert_sim.physics.boost.BoostModel`), each declaring its range and description
beside its default (``jalert_sim._frozen.model_option``). This table collects them, and feeds the
checks of :func:`jalert_sim.simulate`, the batch field list and the command line's options and
help, so that a new model field is a new option everywhere.
"""

from __future__ import annotations

from dataclasses import fields
from typing import NamedTuple

from ..alerting.model import AlertModel
from ..physics.trajectories import BoostModel


class ModelOption(NamedTuple):
    """Allowed values ``low``..``high`` (inclusive, in the unit the name ends with) and a description."""

    low: float
    high: float
    description: str


#: The model options by name (keyword of ``simulate``, batch field, ``--name-with-dashes`` on the CLI).
MODEL_OPTIONS: dict[str, ModelOption] = {
    f.name: ModelOption(f.metadata["low"], f.metadata["high"], f.metadata["description"])
    for model in (AlertModel, BoostModel) for f in fields(model)
}


def option_help(name: str) -> str:
    """The ``--help`` text of model option ``name``: its description and allowed range, as a sentence."""
    low, high, text = MODEL_OPTIONS[name]
    return f"{text[0].upper()}{text[1:]}; {low:g} to {high:g}."
