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

import glob
import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache, wraps
from pathlib import Path
from typing import Any

_off = 0  # how many numpy_only blocks are open
_skip_blas_check = False  # see skip_blas_check()
_builds: list[Callable[[Any], Any]] = []  # every kernel module's build function, as it is imported

#: The package's folders whose modules the kernels can import (with the top level's): the layers
#: below the simulation (tests/test_layout.py keeps imports flowing downward).
KERNEL_LAYERS = ("physics", "geo", "alerting")

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
    :func:`enabled`, so the switch holds after the kernels have loaded. Before the first build,
    numba's cache entries left from other sources of the kernels are removed (:func:`_drop_stale`)."""
    _builds.append(build)

    @cache
    def built() -> Any:
        try:
            import numba
        except ImportError:
            return None
        if _skip_blas_check:
            _load_array_maths_without_scipy()
        # (The kernel modules imported so far: those whose functions build may jit. Where entries
        # from other sources cannot be removed, numba would load them: the numpy route instead.)
        if not all([_drop_stale(func) for func in list(_builds)]):
            return None
        return build(numba)

    @wraps(build)
    def loader() -> Any:
        return built() if enabled() else None

    return loader


def cached(funcs: list[Callable[..., Any]]) -> bool:
    """Whether numba's cache holds an index for each of ``funcs`` (Python functions compiled with
    ``cache=True``): they were compiled before, by some process of this installation, from the
    same sources (entries from others, an older text of the function's own file included, are
    removed first: :func:`_drop_stale`). True too where numba cannot cache at all (no writable
    place for the files: its locator raises) or its internals moved (the locator is not public
    API)."""
    try:
        from numba.core.caching import FunctionCache

        for f in funcs:
            _drop_stale(f)
        return all(os.path.exists(FunctionCache(f)._cache_file._index_path) for f in funcs)
    except Exception:  # noqa: BLE001  (numba missing, or its internals moved)
        return True


@cache
def _drop_stale(func: Callable[..., Any]) -> bool:
    """Remove the numba cache entries in the folder of ``func``'s entries if they may have been
    compiled from other sources than this installation's; False if some could not be removed.

    numba stamps a function's entries with the text of its own file only. A kernel compiled with
    a helper or a constant of another file keeps that file's old code (an upgrade or a checkout
    that changed the helper's file and not the kernel's): numba would load it, and the kernels
    would no longer give the numpy route's bits. So each cache folder holds a stamp, the digest
    of every module the kernels can import (:func:`_sources_digest`); where it differs, the
    folder's entries go (they are all the package's: numba keeps one folder per source folder)
    and the new stamp is written. numba then compiles the kernels as on a first install."""
    try:
        from numba.core.caching import FunctionCache

        folder = FunctionCache(func)._cache_path
    except Exception:  # noqa: BLE001  (numba cannot cache here, or its internals moved)
        return True
    return _drop_stale_in(folder)


@cache
def _drop_stale_in(folder: str) -> bool:
    digest = _sources_digest()
    if digest is None:
        return True
    stamp = os.path.join(folder, "jalert_sim-sources.sha256")
    try:
        with open(stamp, encoding="ascii") as handle:
            if handle.read() == digest:
                return True
    except OSError:
        pass
    kept = False
    for entry in glob.glob(os.path.join(glob.escape(folder), "*.nb[ic]")):
        try:
            os.remove(entry)
        except FileNotFoundError:  # (another process removed it)
            pass
        except OSError:
            kept = True
    if kept:  # (no stamp: the next process tries again)
        return False
    with suppress(OSError):
        partial = f"{stamp}.{os.getpid()}"
        with open(partial, "w", encoding="ascii") as handle:
            handle.write(digest)
        os.replace(partial, stamp)
    return True


@cache
def _sources_digest() -> str | None:
    """SHA-256 of the text of the package's top-level modules and of every module of KERNEL_LAYERS:
    all the code and constants that numba can compile into a kernel (~50 files, ~3 ms). None where
    they cannot be read (a frozen application)."""
    root = Path(__file__).resolve().parent
    paths = sorted(root.glob("*.py")) + sorted(p for layer in KERNEL_LAYERS for p in (root / layer).rglob("*.py"))
    digest = hashlib.sha256()
    try:
        for path in paths:
            text = path.read_bytes()
            digest.update(f"{path.relative_to(root).as_posix()}\0{len(text)}\0".encode())
            digest.update(text)
    except OSError:
        return None
    return digest.hexdigest() if paths else None


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
