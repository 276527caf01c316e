"""Whether this process may use the engine's compiled (numba) kernels.

Every kernel has a numpy twin that gives the same bits, so the choice is one of speed only.
The kernels pay on large jobs only (:func:`pays`); a job that knows its size (an ensemble, a
sweep, a batch that has read ahead) switches them off below it with :func:`numpy_only`. The
environment variable ``JALERT_SIM_NO_NUMBA=1`` switches them off for a whole process (and its
workers), for comparing the two routes.

The kernel modules (``physics.compiled``, ``geo.compiled``, ``alerting.kernels``,
``alerting.search``, ``alerting.nearest``, ``alerting.chord_kernels``, ``alerting.prefilter``) ask
:func:`enabled` each time, so the switch holds even after they loaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, wraps
from typing import Any

_off = 0  # how many numpy_only blocks are open

#: Scenarios per worker process from which a job loads the kernels. Importing numba and loading
#: the cached kernels costs 0.5-1.3 s of the parent (measured on the 2-core machine, in a
#: development tree and in a fresh ``pip install ".[fast]"``), paid before it forks the workers;
#: the kernels save 80-200 us of CPU a scenario (a 10,000-sample ensemble of 2017-08-29: 168
#: against 250 us; typical batch rows: 303-366 against 500-576), shared by the workers.
PAY_FROM_PER_WORKER = 10_000


def pays(scenarios: int, workers: int) -> bool:
    """Whether a job of ``scenarios`` over ``workers`` processes should load the kernels."""
    return scenarios >= PAY_FROM_PER_WORKER * max(workers, 1)


def enabled() -> bool:
    """True unless the kernels are switched off (by :func:`numpy_only` or ``JALERT_SIM_NO_NUMBA``)."""
    return _off == 0 and os.environ.get("JALERT_SIM_NO_NUMBA", "") in ("", "0")


@contextmanager
def numpy_only(really: bool = True) -> Iterator[None]:
    """The engine takes its numpy route for the time of the block (``really`` False: no change).
    Worker processes forked inside the block inherit the switch."""
    global _off
    _off += bool(really)
    try:
        yield
    finally:
        _off -= bool(really)


def kernels(build: Callable[[Any], Any]) -> Callable[[], Any]:
    """A kernel module's loader, ``compiled()``: what ``build(numba)`` returns, made once, on the
    first call where numba is installed and the kernels are on; None otherwise. Every call asks
    :func:`enabled`, so the switch holds after the kernels have loaded."""

    @cache
    def built() -> Any:
        try:
            import numba
        except ImportError:
            return None
        return build(numba)

    @wraps(build)
    def loader() -> Any:
        return built() if enabled() else None

    return loader
