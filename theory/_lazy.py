"""Lazy package exports (PEP 562): a package names what it exports and from which submodule, and each submodule is
imported on first use — ``import theory`` costs nothing until a function is asked for, so a command that needs only
the learning-coefficient catalogue never pays for sympy's series code or scipy's optimisers."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``exports`` maps each public name to the submodule (relative to the
    package) that defines it; any other attribute that names a submodule imports it (``theory.two_layer``)."""

    def __getattr__(name: str) -> object:
        if name in exports:
            value = getattr(importlib.import_module(f"{package}.{exports[name]}"), name)
        else:
            try:
                value = importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as error:
                if error.name != f"{package}.{name}":
                    raise
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        globals_of(package)[name] = value  # the next access is a plain attribute lookup
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals_of(package)) | set(exports))

    return __getattr__, __dir__


def globals_of(package: str) -> dict[str, object]:
    import sys

    return vars(sys.modules[package])
