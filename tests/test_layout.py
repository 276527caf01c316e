"""The package's layout is its architecture: layers that import only downward, no import cycles,
rooms of a readable size. Read from the source with ``ast`` (every import statement counts,
including those inside functions and under TYPE_CHECKING), never by importing it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import jalert_sim

PACKAGE = Path(jalert_sim.__file__).resolve().parent

#: Each layer and the layers it may import from (itself included). ``foundation`` is the top-level
#: modules (constants, clock, errors, data paths, record helpers); the facade ``jalert_sim/__init__``
#: and ``__main__`` stand above everything and are not checked.
ALLOWED = {
    "foundation": {"foundation"},
    "physics": {"foundation", "physics"},
    "geo": {"foundation", "geo"},
    "alerting": {"foundation", "physics", "geo", "alerting"},
    "simulation": {"foundation", "physics", "geo", "alerting", "simulation"},
    # present and exports are one layer, for people and for machines (maps read the format
    # registry, KML the reasons' colours); the module graph between them stays acyclic.
    "present": {"foundation", "physics", "geo", "alerting", "simulation", "present", "exports"},
    "exports": {"foundation", "physics", "geo", "alerting", "simulation", "present", "exports"},
    "batch": {"foundation", "physics", "geo", "alerting", "simulation", "exports", "batch"},
    "cli": {"foundation", "physics", "geo", "alerting", "simulation", "present", "exports", "batch", "cli"},
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _modules() -> dict[str, Path]:
    """Dotted name (without the ``jalert_sim.`` prefix) -> file, for every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _layer(module: str) -> str | None:
    head = module.split(".")[0]
    if module in ("", "__main__"):
        return None
    return head if head in ALLOWED else "foundation"


def _imports(module: str, path: Path) -> set[str]:
    """The package's modules that ``module`` imports (resolved to modules, not names in them)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("jalert_sim.")]
            found |= {n.removeprefix("jalert_sim.") for n in names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == "jalert_sim" or node.module.startswith("jalert_sim.")):
                target = node.module.removeprefix("jalert_sim").removeprefix(".")
            else:
                continue
            for alias in node.names:  # `from . import geo` names a module; `from .x import f`, a name in x
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(sub if sub in MODULES else target)
    return {m for m in found if m in MODULES and m != module}


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


#: The top-level modules: the foundation every layer stands on (constants, clock times, errors,
#: data paths, record helpers, lazy package names, files written whole or not at all, numbers typed
#: by people, the switch of the compiled kernels).
FOUNDATION = {"_data", "_frozen", "_lazy", "clock", "compiling", "decimals", "earth", "errors", "files"}


def test_the_tree_has_the_layers():
    assert {m.split(".")[0] for m in MODULES if "." in m} == set(ALLOWED) - {"foundation"}
    assert {m for m in MODULES if "." not in m and _layer(m) == "foundation"} == FOUNDATION


def test_the_kernels_sources_are_the_layers_they_can_import():
    """compiling._sources_digest stamps numba's cache with the text of the top level and of
    compiling.KERNEL_LAYERS: every kernel module must be in those layers, and they must import
    nothing above them, or a change above would leave stale kernels in the cache."""
    from jalert_sim import compiling

    layers = set(compiling.KERNEL_LAYERS) | {"foundation"}
    kernel_modules = {m for m, path in MODULES.items() if "@compiling.kernels" in path.read_text(encoding="utf-8")}
    assert len(kernel_modules) >= 8 and {_layer(m) for m in kernel_modules} <= layers
    assert all(ALLOWED[layer] <= layers for layer in layers)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m)))
def test_imports_flow_downward(module):
    layer = _layer(module)
    wrong = sorted(m for m in GRAPH[module] if _layer(m) and _layer(m) not in ALLOWED[layer])
    assert not wrong, f"{module} ({layer}) imports {wrong}"


def test_no_import_cycles():
    """Depth-first search for a back edge in the module graph (the facade is left out: it names
    the public API of the layers below it)."""
    graph = {m: {d for d in deps if d} for m, deps in GRAPH.items() if m}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                return path[path.index(d):] + [d]
            if d not in state and (cycle := visit(d)):
                return cycle
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (cycle := visit(m)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_the_checker_sees_imports():
    """The walk finds what it must (or the tests above would pass on nothing)."""
    assert "alerting.model" in GRAPH["alerting.engine"]
    assert "geo.prefectures" in GRAPH["geo.over"]
    assert "simulation.result" in GRAPH["present.timeline"]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_rooms_of_a_readable_size(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module}: {lines} lines"


def test_functions_are_short():
    long = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{module}.{node.name}: {length} lines")
    assert not long, "\n".join(long)


@pytest.mark.parametrize("old, new", sorted(jalert_sim._MOVED.items()))
def test_old_module_names_still_import_with_a_warning(old, new):
    """Scripts written against the flat layout keep working: the old module name gives the new
    module's names (the very same objects), and says where they are now."""
    import importlib
    import sys

    sys.modules.pop(f"jalert_sim.{old}", None)
    with pytest.warns(DeprecationWarning, match=f"jalert_sim.{new}"):
        moved = importlib.import_module(f"jalert_sim.{old}")
    target = importlib.import_module(f"jalert_sim.{new}")
    names = [n for n in moved.__all__ if not n.startswith("_")]
    assert names and all(getattr(moved, n) is getattr(target, n) for n in names)
    with pytest.raises(AttributeError):
        moved.no_such_name  # noqa: B018
