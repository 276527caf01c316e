"""jalert-sim: simulate Japan's J-Alert warnings for a ballistic missile.

The facade: ``simulate`` and ``simulate_many`` for scripts; everything else is reachable in the
subpackage of its layer (imports flow one way, each layer using only those below it):

* ``cli`` — the ``jalert-sim`` command, a thin shell over the library;
* ``present``, ``exports``, ``batch`` — what people see, machine-readable outputs, batches;
* ``simulation`` — a scenario in, a result (and its JSON document) out;
* ``alerting`` — the alert model: who is warned, when, the messages;
* ``physics`` and ``geo`` — trajectories; prefectures, seas, places;
* ``earth``, ``clock``, ``errors`` — constants, times, errors.

Importing this package is cheap: the heavy modules load on first use.
"""

from __future__ import annotations

import sys

from ._lazy import lazy_names as _lazy_names

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
    "simulate": "simulation.api",
    "simulate_many": "simulation.api",
    "SimulationResult": "simulation.result",
    "AlertModel": "alerting.model",
    "BoostModel": "physics.boost",
    "JalertError": "errors",
    "InputError": "errors",
    "TrajectoryError": "errors",
    "UnknownNameError": "errors",
}

# typing.TYPE_CHECKING, without importing typing (~5 ms) before the command line can catch a Ctrl-C.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from .alerting.model import AlertModel
    from .errors import InputError, JalertError, TrajectoryError, UnknownNameError
    from .physics.boost import BoostModel
    from .simulation.api import simulate, simulate_many
    from .simulation.result import SimulationResult

__getattr__ = _lazy_names(__name__, globals(), _LAZY)


#: Modules that the README of earlier versions named, and where they are now. Importing an old
#: name still works, with a DeprecationWarning, and gives the new module's names.
_MOVED = {"trajectory": "physics.trajectories", "geography": "geo", "projection": "geo.projection",
          "seas": "geo.seas", "exports_geo": "exports"}


class _MovedModules:
    """The import system's finder and loader for the old names of :data:`_MOVED`. It comes last on
    ``sys.meta_path``, so it is asked only about names that no file answers."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        package, _, old = fullname.partition(".")
        if package != __name__ or old not in _MOVED:
            return None
        from importlib.machinery import ModuleSpec

        return ModuleSpec(fullname, self)

    def create_module(self, spec: Any) -> None:
        return None  # an empty module, filled by exec_module

    def exec_module(self, module: Any) -> None:
        import warnings
        from importlib import import_module

        new = f"{__name__}.{_MOVED[module.__name__.partition('.')[2]]}"
        warnings.warn(f"{module.__name__} is now {new}; import that instead", DeprecationWarning, stacklevel=2)
        target = import_module(new)
        module.__getattr__ = lambda name: getattr(target, name)  # (PEP 562: the names of the new module)
        module.__all__ = getattr(target, "__all__", [n for n in dir(target) if not n.startswith("_")])


sys.meta_path.append(_MovedModules())
