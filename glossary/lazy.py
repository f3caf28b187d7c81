"""Names a package re-exports, imported on first use: importing one light module of a package (the checker reads
glossary.mining.variants; `stats` never draws) must not load numpy, pandas or matplotlib for the rest."""

from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_exports(package: str, module_of: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level __getattr__ and __dir__ of `package`, whose names live in the submodules `module_of`
    gives (name -> submodule)."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        if name not in module_of:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module_of[name]}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *module_of})

    return __getattr__, __dir__
