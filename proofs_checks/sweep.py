"""Sweeps: a TOML grid over any field of a job spec, run through an executor with a result cache.

```toml
[sweep]
task = "llc"                 # a task of proofs_checks.tasks

[base]                       # the spec every job shares (nested tables allowed)
seed = 0
[base.model]
kind = "deep_linear"
widths = [5, 3, 4, 6]
rank = 2

[grid]                       # every combination of these; dotted keys reach nested fields
"model.rank" = [1, 2]
seed = [0, 1]
```
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import tomllib
from pathlib import Path
from typing import Any

from proofs_checks.executor import Cache, JobResult, Progress, run_jobs, write_atomically
from proofs_checks.tasks import TASKS

MAX_JOBS = 100_000  # jobs of one sweep: each is a file in the cache and a line of sweep.json


def parse_sweep(text: str) -> list[dict[str, Any]]:
    """The job specs of a sweep file, in grid order; ValueError naming what is wrong."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"the sweep is not valid TOML: {error}") from None
    unknown = set(document) - {"sweep", "base", "grid"}
    if unknown:
        raise ValueError(f"unknown table(s) {sorted(unknown)} in the sweep; expected [sweep], [base], [grid]")
    task = document.get("sweep", {}).get("task")
    if task not in TASKS:
        raise ValueError(f"[sweep] task must be one of {', '.join(sorted(TASKS))}, got {task!r}")
    base = {**document.get("base", {}), "task": task}
    grid = document.get("grid", {})
    for key, values in grid.items():
        if not isinstance(values, list) or not values:
            raise ValueError(f"[grid] {key} must be a non-empty list of values, got {values!r}")
    count = math.prod(len(values) for values in grid.values())
    if count > MAX_JOBS:
        raise ValueError(f"the grid has {count} combinations; at most {MAX_JOBS} jobs are run by one sweep")
    specs = []
    for combination in itertools.product(*grid.values()):
        spec = copy.deepcopy(base)
        for key, value in zip(grid, combination):
            *path, last = key.split(".")
            node = spec
            for part in path:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise ValueError(f"[grid] {key}: {part} is not a table in [base]")
            node[last] = value
        specs.append(spec)
    return specs


def run_sweep(specs: list[dict[str, Any]], out: str | Path, executor=None, progress: Progress | None = None) -> list[JobResult]:
    """Run the jobs with the cache in ``out/cache`` and write ``out/sweep.json``."""
    out = Path(out)
    results = run_jobs(specs, executor, Cache(out / "cache"), progress)
    counts = {status: sum(r.status == status for r in results) for status in ("done", "cached", "failed")}
    write_atomically(out / "sweep.json", json.dumps({"counts": counts, "jobs": [r.as_dict() for r in results]}, indent=1, default=str) + "\n")
    return results
