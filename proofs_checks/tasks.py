"""The registry of jobs an executor can run: each a pure function from a JSON job to a JSON result (``executor``).

A task is registered where it is defined, with ``@register(NAME)``: the two-layer family's ``two-layer-exact`` and
``two-layer-gibbs``, the polynomial family's ``fibred-exact``, sampling's ``llc``, the regression catalogue's
``regress-case``, the modular-addition scenario's ``modular-llc`` (see each function's docstring for its fields).
This module imports nothing of the project, so the executor below it and the plug-ins above it never form a cycle;
``task(NAME)`` imports the plug-in packages (``PLUGINS``) the first time a name is not yet known, which is how a
fresh worker process finds a task.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

Job = dict[str, Any]
Task = Callable[[Job], Any]
PLUGINS = ("proofs_checks.families", "proofs_checks.sampling", "proofs_checks.regression", "proofs_checks.scenarios.modular_addition")
TASKS: dict[str, Task] = {}


def register(name: str) -> Callable[[Task], Task]:
    """Decorator: make ``function`` the task ``name`` (a second, different registration of a name is an error)."""

    def decorate(function: Task) -> Task:
        known = TASKS.get(name)
        if known is not None and known is not function and known.__qualname__ != function.__qualname__:
            raise ValueError(f"task {name!r} is already registered by {known.__module__}.{known.__qualname__}")
        TASKS[name] = function
        return function

    return decorate


def load_plugins() -> dict[str, Task]:
    """Import every plug-in package (each registers its tasks) and return the registry."""
    for package in PLUGINS:
        importlib.import_module(package)
    return TASKS


def task(name: str) -> Task:
    """The task registered as ``name``; a ``ValueError`` listing the known names when there is none."""
    if name not in TASKS:
        load_plugins()
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; known: {', '.join(sorted(TASKS))}")
    return TASKS[name]
