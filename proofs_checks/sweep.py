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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from proofs_checks import SCHEMA_VERSION
from proofs_checks.executor import Cache, JobResult, Progress, run_jobs, write_atomically
from proofs_checks.report import Column, Report, Table
from proofs_checks.tasks import load_plugins

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
    tasks = load_plugins()
    if task not in tasks:
        raise ValueError(f"[sweep] task must be one of {', '.join(sorted(tasks))}, got {task!r}")
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
    write_atomically(out / "sweep.json", json.dumps({"schema_version": SCHEMA_VERSION, "counts": counts, "jobs": [r.as_dict() for r in results]}, indent=1, default=str) + "\n")
    return results


def _headlines(result: Any, prefix: str = "") -> dict[str, str]:
    """The numbers worth a column: top-level numbers and strings, and value ± stderr pairs one level down."""
    row: dict[str, str] = {}
    if not isinstance(result, dict):
        return row
    for key, value in result.items():
        if isinstance(value, bool) or key in {"message", "diagnostics", "per_chain", "warnings"}:
            continue
        if isinstance(value, (int, float)):
            row[prefix + key] = f"{value:.6g}"
        elif isinstance(value, str) and len(value) <= 40:
            row[prefix + key] = value
        elif isinstance(value, dict) and "value" in value and "stderr" in value and value["value"] is not None:
            stderr = value["stderr"]
            row[prefix + key] = f"{value['value']:.5g} ± {stderr:.2g}" if stderr is not None else f"{value['value']:.5g}"
    return row


def _varying(specs: Sequence[dict[str, Any]]) -> list[str]:
    """Dotted names of the spec fields that differ between jobs."""

    def flat(spec: dict[str, Any], prefix: str = "") -> dict[str, Any]:
        out = {}
        for key, value in spec.items():
            out.update(flat(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}": json_text(value)})
        return out

    flats = [flat(s) for s in specs]
    keys = sorted({k for f in flats for k in f})
    return [k for k in keys if len({f.get(k) for f in flats}) > 1]


def json_text(value: Any) -> str:
    return json.dumps(value, default=str)


def sweep_report(sweep: dict[str, Any]) -> Report:
    """A report of ``sweep.json``: one row per job with the varying spec fields, its status and its headline
    numbers (the results keep their own kinds: exact tasks give arbitrary-precision values, sampling tasks
    sampled estimates with standard errors)."""
    jobs = sweep["jobs"]
    if not jobs:
        raise ValueError("the sweep has no jobs")
    varying = _varying([j["spec"] for j in jobs])
    headlines = [_headlines(j["result"]) for j in jobs]
    number_keys = sorted({k for h in headlines for k in h})
    task = jobs[0]["spec"].get("task", "?")
    kind = "sampled" if task in {"llc", "two-layer-gibbs", "regress-case"} else "arbitrary precision"

    def field(spec: dict[str, Any], dotted: str) -> str:
        node: Any = spec
        for part in dotted.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return json_text(node)

    columns = [Column(name, "") for name in varying] + [Column("status", "")] + [Column(k, kind) for k in number_keys]
    rows = [[field(j["spec"], v) for v in varying] + [j["status"] if j["status"] != "failed" else f"failed: {j['error']}"]
            + [h.get(k, "") for k in number_keys] for j, h in zip(jobs, headlines)]  # fmt: skip
    counts = sweep.get("counts", {})
    findings = [f"{len(jobs)} jobs of task {task}: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + "."]
    return Report(f"slt-verifier: sweep of {task}", "One row per job; the columns before 'status' are the fields the grid varies.",
                  {"scenario": "sweep", **sweep}, findings, [Table("jobs", columns, rows)], [], {"task": task, "varying": varying})  # fmt: skip
