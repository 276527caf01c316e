"""Names of a package that load on first use (PEP 562), so that importing the package is cheap."""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False
if TYPE_CHECKING:  # (typing.TYPE_CHECKING: typing itself is not imported before the command line starts)
    from collections.abc import Callable
    from typing import Any


def lazy_names(package: str, namespace: dict[str, Any], table: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: name -> the attribute of the same name in its
    submodule ``table[name]`` (relative to ``package``), imported on first use and then kept in
    ``namespace`` (the package's globals), so that it is looked up once."""

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", package), name)
        namespace[name] = value
        return value

    return __getattr__
