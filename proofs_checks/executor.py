"""Run many independent jobs: one interface, local processes by default, Ray for clusters; cached results.

A job is a JSON-serialisable spec ``{"task": NAME, ...}``; ``tasks.TASKS[NAME](spec)`` computes a
JSON-serialisable result from the spec alone (a pure function: seeds are part of the spec). Results are
cached on disk under ``sha256(spec, package version)``, so re-running a sweep skips finished jobs and an
interrupted sweep resumes. A failing job is recorded with its error and does not stop the others.

Executors:
- ``LocalExecutor(workers)``: jobs run in this process (``workers = 1``) or in a pool of ``workers``
  processes started with ``spawn`` (JAX does not survive ``fork``), each limited to one compute thread so
  that workers do not fight over cores;
- ``RayExecutor(address, num_cpus)``: one Ray task per job (``pip install 'slt-verifier[ray]'``); with
  ``address=None`` a local Ray instance is started. On a GPU cluster, give the job's task ``num_gpus``
  through ``ray_options`` (e.g. ``{"num_gpus": 1}``) and JAX in that worker sees its GPU.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

Spec = dict[str, Any]
Progress = Callable[[dict[str, int]], None]


@dataclass
class JobResult:
    spec: Spec
    status: str  # "done", "cached" or "failed"
    result: Any = None
    error: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"spec": self.spec, "status": self.status, "result": self.result, "error": self.error, "seconds": round(self.seconds, 3)}


def _version() -> str:
    try:
        return importlib.metadata.version("slt-verifier")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def job_key(spec: Spec) -> str:
    """sha256 of the canonical JSON of the spec and the package version."""
    text = json.dumps({"spec": spec, "version": _version()}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Cache:
    """Finished results on disk, one JSON file per job key."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def get(self, spec: Spec) -> Any | None:
        path = self.folder / f"{job_key(spec)}.json"
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text())["result"]
        except (json.JSONDecodeError, KeyError):
            return None  # a torn write from an interrupted run: compute again

    def put(self, spec: Spec, result: Any) -> None:
        path = self.folder / f"{job_key(spec)}.json"
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"spec": spec, "result": result}, default=str))
        temporary.replace(path)  # atomic: a killed run never leaves a half-written result


def run_job(spec: Spec) -> tuple[str, Any, str | None, float]:
    """Run one job in the current process: (status, result, error, seconds)."""
    from proofs_checks.tasks import TASKS

    start = time.perf_counter()
    try:
        task = TASKS[spec["task"]]
    except KeyError:
        return "failed", None, f"unknown task {spec.get('task')!r}; known: {sorted(TASKS)}", 0.0
    try:
        return "done", task(spec), None, time.perf_counter() - start
    except Exception as error:  # a failing job is recorded, the sweep goes on
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        return "failed", None, detail, time.perf_counter() - start


def _single_threaded() -> None:
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


class Executor(Protocol):
    """Runs jobs and yields (index into ``specs``, result of ``run_job``) as each one finishes."""

    def submit_all(self, specs: Sequence[Spec]) -> Iterator[tuple[int, tuple[str, Any, str | None, float]]]: ...


class LocalExecutor:
    """Jobs in this process (one worker) or in a spawn-started process pool."""

    def __init__(self, workers: int = 1) -> None:
        if workers < 1:
            raise ValueError(f"workers must be a positive integer, got {workers}")
        self.workers = workers

    def submit_all(self, specs: Sequence[Spec]):
        if self.workers == 1:
            for index, spec in enumerate(specs):
                yield index, run_job(spec)
            return
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(self.workers, mp_context=context, initializer=_single_threaded) as pool:
            futures = {pool.submit(run_job, spec): index for index, spec in enumerate(specs)}
            for future in concurrent.futures.as_completed(futures):
                yield futures[future], future.result()


class RayExecutor:
    """One Ray task per job; a local Ray instance when no address is given."""

    def __init__(self, address: str | None = None, num_cpus: int | None = None, ray_options: dict[str, Any] | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise ValueError("the ray executor needs Ray: pip install 'slt-verifier[ray]'") from None
        self.ray = ray
        if not ray.is_initialized():
            ray.init(address=address, num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                     runtime_env={"env_vars": {"XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"}})  # fmt: skip
        self.remote = ray.remote(**(ray_options or {"num_cpus": 1}))(run_job)

    def submit_all(self, specs: Sequence[Spec]):
        pending = {self.remote.remote(spec): index for index, spec in enumerate(specs)}
        while pending:
            done, _ = self.ray.wait(list(pending), num_returns=1)
            for reference in done:
                yield pending.pop(reference), self.ray.get(reference)


def make_executor(kind: str = "local", workers: int = 1, address: str | None = None) -> Executor:
    if kind == "local":
        return LocalExecutor(workers)
    if kind == "ray":
        return RayExecutor(address, num_cpus=workers if address is None else None)
    raise ValueError(f"executor must be local or ray, got {kind!r}")


def run_jobs(specs: Sequence[Spec], executor: Executor | None = None, cache: Cache | None = None,
             progress: Progress | None = None) -> list[JobResult]:  # fmt: skip
    """Every job's result, in the order of ``specs``: cached ones first, the rest through ``executor``."""
    executor = executor or LocalExecutor(1)
    results: list[JobResult | None] = [None] * len(specs)
    counts = {"total": len(specs), "done": 0, "cached": 0, "failed": 0}
    todo = []
    for index, spec in enumerate(specs):
        stored = cache.get(spec) if cache is not None else None
        if stored is not None:
            results[index] = JobResult(spec, "cached", stored)
            counts["cached"] += 1
        else:
            todo.append(index)
    if progress:
        progress(dict(counts))
    for position, (status, result, error, seconds) in executor.submit_all([specs[i] for i in todo]):
        index = todo[position]
        results[index] = JobResult(specs[index], status, result, error, seconds)
        counts[status] += 1
        if status == "done" and cache is not None:
            cache.put(specs[index], result)
        if progress:
            progress(dict(counts))
    return [r for r in results if r is not None]
