"""A scenario in, a complete result out: the library's front door.

* ``api`` — :func:`simulate` and :func:`simulate_many` (inputs checked, trajectories solved
  and assessed in one vectorised call per model);
* ``result`` — :class:`SimulationResult` and its JSON document;
* ``options`` — the model options (collected from the models' fields);
* ``scenarios`` — the catalogue of historical launches (every J-Alert missile event);
* ``comparison`` — one result beside what happened; ``fidelity`` — the whole catalogue, with totals.
"""

from .api import parse_time, simulate, simulate_many
from .result import TRACK_STEP_S, SimulationResult

__all__ = ["SimulationResult", "TRACK_STEP_S", "parse_time", "simulate", "simulate_many"]
