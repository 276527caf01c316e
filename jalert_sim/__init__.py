"""jalert-sim: simulate Japan's J-Alert warnings for a ballistic missile.

The facade: ``simulate`` and ``simulate_many`` for scripts; everything else is
reachable in its own module (``trajectory``, ``geography``, ``places``,
``alerts``). Importing this package is cheap: the heavy modules load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AlertModel",
    "BoostModel",
    "InputError",
    "JalertError",
    "SimulationResult",
    "TrajectoryError",
    "UnknownNameError",
    "__version__",
    "simulate",
    "simulate_many",
]

_LAZY = {
    "simulate": "simulation",
    "simulate_many": "simulation",
    "SimulationResult": "simulation",
    "AlertModel": "alerts",
    "BoostModel": "trajectory",
    "JalertError": "errors",
    "InputError": "errors",
    "TrajectoryError": "errors",
    "UnknownNameError": "errors",
}

if TYPE_CHECKING:  # pragma: no cover
    from .alerts import AlertModel
    from .errors import InputError, JalertError, TrajectoryError, UnknownNameError
    from .simulation import SimulationResult, simulate, simulate_many
    from .trajectory import BoostModel


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jalert_sim' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
