"""The switch that keeps the compiled kernels off (jalert_sim.compiling): it holds after they have
loaded, ensembles and sweeps below their threshold never load numba, and the answers are the
same bits either way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import jalert_sim
import jalert_sim._data
from jalert_sim import compiling
from jalert_sim.alerting import chord_kernels, kernels, nearest, prefilter, search
from jalert_sim.geo import compiled as geo_compiled
from jalert_sim.physics import compiled as physics_compiled
from jalert_sim.simulation.api import simulate_many

import endless
from floats import assert_same

LOADERS = (kernels.compiled, search.compiled, nearest.compiled, chord_kernels.compiled, prefilter._kernels,
           geo_compiled.compiled, physics_compiled.compiled)


def test_numpy_only_holds_after_the_kernels_loaded():
    pytest.importorskip("numba")
    assert all(load() is not None for load in LOADERS)
    with compiling.numpy_only():
        with compiling.numpy_only(False):  # (a nested "no change" keeps them off)
            assert [load() for load in LOADERS] == [None] * len(LOADERS)
        assert [load() for load in LOADERS] == [None] * len(LOADERS)
    assert all(load() is not None for load in LOADERS)


def test_the_numpy_route_gives_the_compiled_routes_bits():
    """A batch of 3,000 rows through every kernel (their size thresholds set to 0, as the workers'
    warm-up does), and through the numpy route: the same table (floats.assert_same)."""
    pytest.importorskip("numba")
    from jalert_sim.batch.workers import _compiled_routes

    rng = np.random.default_rng(7)
    n = 3000
    rows = [{"launch": ("sunan", "sinpo", "kusong")[k % 3], "azimuth_deg": float(rng.uniform(40, 200)),
             "apogee_km": float(rng.uniform(100, 1500)), "launch_time": "2026-03-01T09:00+09:00"} for k in range(n)]
    with _compiled_routes():
        fast = simulate_many(rows, errors="return", table=True)
    with compiling.numpy_only():
        slow = simulate_many(rows, errors="return", table=True)
    assert len(fast) == n and fast.warned.sum() > 1000  # many prefectures warned: the engine did work
    for name in fast.columns:
        assert_same(fast.columns[name], slow.columns[name], err_msg=name)
    np.testing.assert_array_equal(fast.warned, slow.warned)


    for name in fast.pairs:
        assert_same(fast.pairs[name], slow.pairs[name], err_msg=name)


ENSEMBLE = ("from jalert_sim.batch.ensemble import run_ensemble\n"
            "from jalert_sim.simulation.sampling import Spreads\n"
            "run_ensemble({'launch': 'sunan', 'azimuth_deg': 80, 'apogee_km': 800}, Spreads(1, 50, 0, 0), "
            "samples=1000, jobs=1)")
BATCH = ("import io\n"
         "from jalert_sim.batch import run_batch\n"
         "rows = ''.join(f'{k},sinpo,{60 + k % 60},{300 + k}\\n' for k in range(1000))\n"
         "run_batch(io.StringIO('id,launch,azimuth,apogee\\n' + rows), io.StringIO(), format='csv', jobs=1)")


def _imports_numba(job: str, pay_from: int, env: dict[str, str] | None = None) -> bool:
    """Whether ``job`` (1,000 scenarios in one process), with PAY_FROM_PER_WORKER set to
    ``pay_from``, imports numba."""
    code = f"import sys\nimport jalert_sim.compiling as c\nc.PAY_FROM_PER_WORKER = {pay_from}\n{job}\nprint('numba' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})})
    return done.stdout.strip() == "True"


@pytest.mark.parametrize("job", [ENSEMBLE, BATCH], ids=["ensemble", "batch"])
def test_small_jobs_never_load_numba(job):
    pytest.importorskip("numba")
    assert compiling.PAY_FROM_PER_WORKER >= 1000
    assert not _imports_numba(job, compiling.PAY_FROM_PER_WORKER)
    assert _imports_numba(job, 1000)  # at the threshold it does
    assert not _imports_numba(job, 1000, {"JALERT_SIM_NO_NUMBA": "1"})


def test_the_warm_up_sends_every_kernel_its_calls():
    """Workers are forked after the warm-up has loaded every kernel (so that they share it, and so
    that a first batch after install compiles each kernel once, not once per worker): inside
    _compiled_routes every size threshold of the engine is 0. A new kernel's threshold that is not
    in its list fails here."""
    import importlib
    import pkgutil

    import jalert_sim
    from jalert_sim.batch.workers import _compiled_routes

    thresholds = []
    for info in pkgutil.walk_packages(jalert_sim.__path__, "jalert_sim."):
        if info.name.startswith("jalert_sim.cli") or info.name.endswith("__main__"):  # (__main__ runs the CLI)
            continue
        module = importlib.import_module(info.name)
        thresholds += [(module, name) for name, value in vars(module).items()
                       if "COMPILED_FROM" in name and isinstance(value, int)]
    assert len(thresholds) >= 10
    with _compiled_routes():
        assert {f"{m.__name__}.{name}": getattr(m, name) for m, name in thresholds if getattr(m, name)} == {}


def test_a_first_warm_up_compiles_the_kernels_in_a_child_and_loads_them(tmp_path):
    """Kernels compiled in a process stay in its memory (LLVM's, ~100 MB; measured 318 against 214 MB
    of RSS after the warm-up), and the workers forked from it share that. With an empty numba cache
    (NUMBA_CACHE_DIR, as on a fresh install) the warm-up has a child compile them into the cache:
    this process then loads them from it (numba's cache hits, no misses), and the cache says so.
    The kernels it loads are workers._entry_kernels, whose cache entries decide whether a child is
    needed: a kernel left off that list would fail here (loaded, not listed), and so would one on
    it that the warm-up never calls (listed, not loaded: its entry is made only as a side effect of
    compiling another kernel that calls it, so an upgrade that leaves that one cached would find it
    missing on every job, and start a child each time)."""
    pytest.importorskip("numba")
    script = ("import gc\n"
              "from numba.core.registry import CPUDispatcher\n"
              "from jalert_sim.batch import workers\n"
              "from jalert_sim.alerting import nearest, search\n"
              "before = workers._kernels_cached()\n"
              "workers._warm_up('csv')\n"
              "k, n = search.compiled(), nearest.compiled()\n"
              "stats = [k.search.stats, k.refine.stats, n.nearest_rows.stats]\n"
              "listed = {(f.__module__, f.__qualname__) for f in workers._entry_kernels()}\n"
              "loaded = {(d.py_func.__module__, d.py_func.__qualname__) for d in gc.get_objects()\n"
              "          if isinstance(d, CPUDispatcher) and d.stats.cache_hits}\n"
              "print(before, workers._kernels_cached(), sum(len(s.cache_misses) for s in stats),"
              " min(len(s.cache_hits) for s in stats), len(loaded), sorted(loaded ^ listed))")
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, env=env)
    words = done.stdout.split(maxsplit=5)  # cached before, after; misses of the three; the fewest hits of one;
    assert words[:3] == ["False", "True", "0"] and int(words[3]) >= 1, done.stderr  # kernels loaded; not both
    assert int(words[4]) >= 10 and words[5].strip() == "[]", done.stdout
    assert any(tmp_path.rglob("*.nbi"))


def test_a_kernels_cache_entry_goes_when_a_file_it_was_compiled_with_changes(tmp_path):
    """numba stamps a function's cache entries with its own file's text. coarse_look's kernel is
    compiled with helpers of physics/compiled.py: after a change there alone (an upgrade, a
    checkout), numba would load the kernel with the old helpers. compiling._drop_stale removes
    such entries, and the kernel is compiled again; a change outside the kernels' layers keeps
    them. A copy of the package, run in fresh processes, with its cache in its own folders."""
    pytest.importorskip("numba")
    import shutil

    src = tmp_path / "src"
    shutil.copytree(Path(jalert_sim.__file__).parent, src / "jalert_sim", ignore=shutil.ignore_patterns("__pycache__"))
    (src / "data").symlink_to(Path(jalert_sim._data.data_path("prefectures.geojson")).parent, target_is_directory=True)
    script = ("import numpy as np, jalert_sim\n"
              "from jalert_sim import compiling\n"
              "from jalert_sim.alerting import coarse_look\n"
              "from jalert_sim.physics.trajectories import solve\n"
              "cached = compiling.cached([coarse_look._look_rows])\n"
              "trajs = solve(np.array([39.0]), np.array([125.7]), np.array([90.0]), np.array([600.0]),"
              " np.array([np.nan]))\n"
              "coarse_look.first_look(trajs, trajs.sample_times(10.0), 300e3)\n"
              "stats = coarse_look.compiled().stats\n"
              "print(jalert_sim.__file__, cached, len(stats.cache_hits), len(stats.cache_misses))")
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "JALERT_SIM_NO_NUMBA")}
    env["PYTHONPATH"] = str(src)

    def run() -> list[str]:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, env=env,
                              cwd=tmp_path)
        words = done.stdout.split()
        assert len(words) == 4 and words[0] == str(src / "jalert_sim" / "__init__.py"), done.stdout + done.stderr
        return words[1:]  # cached before the call; the kernel's cache hits, misses

    assert run() == ["False", "0", "1"]  # compiled
    assert run() == ["True", "1", "0"]  # loaded
    helpers = src / "jalert_sim" / "physics" / "compiled.py"
    helpers.write_text(helpers.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert run() == ["False", "0", "1"]  # compiled again: the old helpers are not loaded
    report = src / "jalert_sim" / "present" / "report.py"
    report.write_text(report.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert run() == ["True", "1", "0"]


def test_a_cache_folder_is_stamped_only_once_its_entries_from_other_sources_are_gone(tmp_path):
    """compiling._drop_stale_in on a folder of entries without the stamp (another version's): it
    removes them and writes the digest of this installation's sources; where one cannot be
    removed (here a directory in an entry's name, which no one can unlink), it leaves no stamp
    and answers False, and the kernels' loaders then give the numpy route."""
    import shutil

    stuck, clean = tmp_path / "stuck", tmp_path / "clean"
    for folder in (stuck, clean):
        folder.mkdir()
        (folder / "kernels._contains-99.py311.nbi").write_bytes(b"old")
        (folder / "kernels._contains-99.py311.1.nbc").write_bytes(b"old")
    (stuck / "search._search_rounds-180.py311.2.nbc").mkdir()
    (stuck / "search._search_rounds-180.py311.2.nbc" / "x").write_bytes(b"")
    stamp = "jalert_sim-sources.sha256"
    assert compiling._drop_stale_in(str(clean)) is True
    assert sorted(p.name for p in clean.iterdir()) == [stamp]
    assert (clean / stamp).read_text(encoding="ascii") == compiling._sources_digest()
    assert compiling._drop_stale_in(str(stuck)) is False
    assert sorted(p.name for p in stuck.iterdir()) == ["search._search_rounds-180.py311.2.nbc"]
    shutil.rmtree(stuck / "search._search_rounds-180.py311.2.nbc")
    assert compiling._drop_stale_in.__wrapped__(str(stuck)) is True  # (the next process's try)
    assert (stuck / stamp).exists()


def test_the_command_line_keeps_scipy_linalg_out_of_numbas_start(tmp_path):
    """Where scipy is installed, numba's array maths import scipy.linalg to look for a BLAS when the
    kernels first run (0.1-0.2 s and ~13 MB a process, measured). The command line switches that
    check off (compiling.skip_blas_check); a library caller's process keeps it. Seen from outside:
    a batch large enough to load the kernels, under way (so past its warm-up, which runs every
    kernel once), has llvmlite mapped and none of scipy.linalg's libraries, where a script that
    runs the same warm-up has scipy.linalg loaded. Skipped where scipy is not installed."""
    pytest.importorskip("scipy")
    pytest.importorskip("numba")
    script = ("import sys; from jalert_sim.batch import workers; workers._warm_up('csv'); "
              "print('numba' in sys.modules, 'scipy.linalg' in sys.modules)")
    library = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert library.stdout.split() == ["True", "True"], library.stderr

    rows = [f"r{k},sunan,{40 + (k * 7) % 160},{300 + (k * 37) % 900}" for k in range(2000)]
    proc = endless.start([sys.executable, "-m", "jalert_sim", "batch", "-", "--format", "csv", "--jobs", "2", "-o",
                          str(tmp_path / "out.csv")], rows, "id,launch,azimuth,apogee", {**os.environ})
    try:
        endless.wait_under_way(proc, tmp_path, workers=2, timeout_s=120)
        with open(f"/proc/{proc.pid}/maps", encoding="utf-8") as handle:
            maps = handle.read()
        assert "llvmlite" in maps, "the batch did not load the kernels"
        assert "scipy/linalg" not in maps
    finally:
        proc.send_signal(signal.SIGINT)
        endless.finish(proc, 60)
