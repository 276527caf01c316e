"""Whether this process may use the engine's compiled (numba) kernels.

Every kernel has a numpy twin that gives the same bits, so the choice is one of speed only.
The kernels pay on large jobs; on small ones their fixed cost does not come back: importing
numba and loading the cached kernels takes ~0.5-0.8 s of one core (measured on the 2-core
machine), paid once per job in the parent before it forks its workers, while they save ~80 us
of CPU a scenario shared over the workers. A job that knows its size (an ensemble, a sweep)
switches them off below a threshold with :func:`numpy_only`; the environment variable
``JALERT_SIM_NO_NUMBA=1`` switches them off for a whole process (and its workers), for
comparing the two routes.

The kernel modules (``physics.compiled``, ``geo.compiled``, ``alerting.kernels``,
``alerting.search``) ask :func:`enabled` each time, so the switch holds even after they loaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

_off = 0  # how many numpy_only blocks are open


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
