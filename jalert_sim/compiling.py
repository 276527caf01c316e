"""Whether this process may use the engine's compiled (numba) kernels.

Every kernel has a numpy twin that gives the same bits, so the choice is one of speed only.
(The same bits where numpy's float64 math functions are the C library's, which the kernels and
the engine's small-call paths in plain Python use. On x86-64 with AVX-512, numpy 2 has its own
SIMD arctan2, tan, cbrt and others, a unit or two in the last place apart: there the routes
agree to ~1e-13 relative, and the same decisions. tests/floats.py checks which holds.)
The kernels pay on large jobs only (:func:`pays`); a job that knows its size (an ensemble, a
sweep, a batch that has read ahead) switches them off below it with :func:`numpy_only`. The
environment variable ``JALERT_SIM_NO_NUMBA=1`` switches them off for a whole process (and its
workers), for comparing the two routes.

The kernel modules (``physics.compiled``, ``geo.compiled``, ``alerting.kernels``,
``alerting.search``, ``alerting.nearest``, ``alerting.chord_kernels``, ``alerting.prefilter``,
``alerting.coarse_look``) ask
:func:`enabled` each time, so the switch holds even after they loaded.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, wraps
from typing import Any

_off = 0  # how many numpy_only blocks are open
_skip_blas_check = False  # see skip_blas_check()

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
        if _skip_blas_check:
            _load_array_maths_without_scipy()
        return build(numba)

    @wraps(build)
    def loader() -> Any:
        return built() if enabled() else None

    return loader


def cached(funcs: list[Callable[..., Any]]) -> bool:
    """Whether numba's cache holds an index for each of ``funcs`` (Python functions compiled with
    ``cache=True``): they were compiled before, by some process of this installation. An index
    left from an older source file (numba then compiles again, where the function is first used)
    counts as cached. True too where numba cannot cache at all (no writable place for the files:
    its locator raises) or its internals moved (the locator is not public API)."""
    try:
        from numba.core.caching import FunctionCache

        return all(os.path.exists(FunctionCache(f)._cache_file._index_path) for f in funcs)
    except Exception:  # noqa: BLE001  (numba missing, or its internals moved)
        return True


def skip_blas_check() -> None:
    """For a process that runs no numba code but jalert-sim's (the command line and its workers).

    Where scipy is installed, numba's array maths (``numba.np.arraymath``) look for a BLAS when
    the kernels first run, by importing ``scipy.linalg``: 0.1-0.2 s and ~13 MB a process
    (measured with scipy 1.17, alternating runs of the batch warm-up), for the inner products of
    np.correlate and np.convolve, which jalert-sim never calls. After this call scipy.linalg is
    hidden from that one check, which then finds no BLAS: those two would take numba's plain
    loop. The rest of numba is unchanged (np.dot and np.linalg import scipy.linalg themselves
    when they are compiled). A library caller's process is never switched: its own numba code
    may want the BLAS."""
    global _skip_blas_check
    _skip_blas_check = True


def _load_array_maths_without_scipy() -> None:
    if "scipy.linalg" in sys.modules or "numba.np.arraymath" in sys.modules:
        return  # (scipy.linalg is loaded anyway, or the check has been made)
    sys.modules["scipy.linalg"] = None  # type: ignore[assignment]  (importing it raises ImportError)
    try:
        import numba.np.arraymath  # noqa: F401  (its _check_blas() runs now, once per process)
    finally:
        del sys.modules["scipy.linalg"]
