"""Ensembles and sweeps run as batches: blocks of samples (or of grid points) solved in this
process or over the batch's forked workers (:func:`.workers.solve_all`), in order, each reduced
to a small summary before it comes back, so that memory stays flat however many samples.

:func:`run_blocks` is the one place the blocks are run: by forked workers, or by a Dask cluster's
(``scheduler``: :func:`.cluster.connect`, :func:`.cluster.map_parts`). A block's samples come from
its own seed (``SeedSequence(seed, spawn_key=(block, input))``), so the summary is the same
whichever runs them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from ..compiling import numpy_only, pays
from ..errors import InputError
from ..simulation.api import prepare
from ..simulation.ensemble import EnsembleSummary, merge, solve_block, summarise
from ..simulation.sampling import BLOCK_SIZE, Spreads, check_base
from ..simulation.table import Scenario
from .run import _jobs
from .workers import solve_all

#: The most samples an ensemble may draw (about 4 minutes of 2 cores at ~0.5 ms a sample).
MAX_SAMPLES = 1_000_000
DEFAULT_SAMPLES = 10_000


class Block(NamedTuple):
    """One block of an ensemble: what a worker is sent."""

    base: Scenario
    spreads: Spreads
    seed: int
    index: int
    size: int


def _solve(block: Block):
    return solve_block(block.base, block.spreads, block.seed, block.index, block.size)


def run_blocks(tasks: Iterable[Any], solve: Callable[[Any], Any], jobs: int, client: Any = None) -> Iterator[Any]:
    """``solve`` of every task, in order, over ``jobs`` worker processes (1: this process), or on the
    Dask cluster of ``client``. ``solve`` must be a module-level function (the workers are forked, or
    import it, and call it by name). Close the iterator in a ``finally``: that stops the workers or
    cancels the cluster's tasks."""
    if client is not None:
        from .cluster import map_parts

        return map_parts(client, solve, tasks)
    return solve_all(iter(tasks), jobs, solve)


@contextmanager
def scheduled(scheduler: str | None, jobs: int, timeout_s: float | None, scenarios: int = 0) -> Iterator[Any]:
    """None (this machine's forked workers), or a client of the Dask cluster at ``scheduler``
    ("local": a LocalCluster of ``jobs`` processes; a remote cluster has the workers it has),
    closed at the end (see :func:`.cluster.connect`). On this machine, a job of too few
    ``scenarios`` to pay for loading the compiled kernels runs without them (:func:`~jalert_sim.compiling.pays`)."""
    if scheduler is None:
        with numpy_only(not pays(scenarios, jobs)):
            yield None
        return
    from .cluster import DEFAULT_CONNECT_TIMEOUT_S, connect

    with connect(scheduler, timeout_s=DEFAULT_CONNECT_TIMEOUT_S if timeout_s is None else timeout_s,
                 workers=jobs if scheduler == "local" else None) as client:
        yield client


def check_samples(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= MAX_SAMPLES:
        raise InputError("samples", f"expected a whole number of samples from 1 to {MAX_SAMPLES:,}, got {n!r}")
    return int(n)


def check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2 ** 128:
        raise InputError("seed", f"expected a whole number from 0 to 2**128 - 1, got {seed!r}")
    return int(seed)


def base_scenario(scenario: dict[str, Any], spreads: Spreads) -> Scenario:
    """The base scenario (simulate()'s keyword arguments) checked; an input given as a uniform
    range in ``spreads`` may be left out (its midpoint stands for it in the checks)."""
    kwargs = dict(scenario)
    for name in ("azimuth_deg", "apogee_km", "range_km"):
        band = getattr(spreads, name)
        if band is not None and kwargs.get(name) is None:
            kwargs[name] = (band[0] + band[1]) / 2
    base = prepare(kwargs)
    if not isinstance(base, Scenario):
        raise base
    check_base(base, spreads)
    return base


def run_ensemble(scenario: dict[str, Any], spreads: Spreads, *, samples: int = DEFAULT_SAMPLES, seed: int = 0,
                 jobs: int | None = None, scheduler: str | None = None,
                 connect_timeout_s: float | None = None) -> EnsembleSummary:
    """An ensemble of ``samples`` draws of ``scenario`` (simulate()'s keyword arguments) with the
    uncertainty ``spreads``, from ``seed``: its :class:`~jalert_sim.simulation.ensemble.EnsembleSummary`.
    The same seed gives the same summary whatever ``jobs`` (worker processes; default the CPUs) or
    ``scheduler`` (a Dask scheduler's address, or "local"; needs the ``dask`` extra)."""
    samples, seed = check_samples(samples), check_seed(seed)
    base = base_scenario(scenario, spreads)
    jobs = _jobs(jobs)
    blocks = [Block(base, spreads, seed, b, min(BLOCK_SIZE, samples - b * BLOCK_SIZE))
              for b in range(math.ceil(samples / BLOCK_SIZE))]
    with scheduled(scheduler, jobs, connect_timeout_s, samples) as client:
        parts = run_blocks(blocks, _solve, jobs, client)
        try:
            total = merge(parts)
        finally:
            parts.close()
    return summarise(total, base, spreads, seed)
