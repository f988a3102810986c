"""Run many independent jobs: one interface, local processes by default, Ray for clusters; cached results.

A job is a JSON-serialisable spec ``{"task": NAME, ...}``; ``tasks.task(NAME)(spec)`` computes a
JSON-serialisable result from the spec alone (a pure function: seeds are part of the spec). Results are
cached on disk under ``sha256(spec, package version)``, so re-running a sweep skips finished jobs and an
interrupted sweep resumes. A failing job is recorded with its error and does not stop the others.

The cache is safe to share between processes: each result is written to a temporary file of its own and
renamed into place (a reader never sees half a file, two writers never share a temporary name), and a local
job holds an exclusive lock on its key while it runs, so a second sweep that reaches the same job waits for
the first and takes its result instead of computing it again.

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
import contextlib
import contextvars
import fcntl
import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from proofs_checks.tasks import task

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
        key = job_key(spec)
        write_atomically(self.folder / f"{key}.json", json.dumps({"spec": spec, "result": result}, default=str))

    @contextlib.contextmanager
    def claim(self, spec: Spec) -> Iterator[None]:
        """Hold the job's lock file (``KEY.lock``, an exclusive ``flock``) for the duration of the block."""
        with open(self.folder / f"{job_key(spec)}.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file of its own in ``path``'s folder, then rename it over ``path``: a killed
    run never leaves half a file, and concurrent writers never share a temporary name."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_cached_job(spec: Spec, folder: str) -> tuple[str, Any, str | None, float]:
    """``run_job`` under the job's lock in the cache ``folder``: the result of a job that another process finished
    meanwhile is taken from the cache ("cached"), and a finished result is stored before the lock is released."""
    cache = Cache(folder)
    with cache.claim(spec):
        stored = cache.get(spec)
        if stored is not None:
            return "cached", stored, None, 0.0
        outcome = run_job(spec)
        if outcome[0] == "done":
            cache.put(spec, outcome[1])
        return outcome


def run_job(spec: Spec) -> tuple[str, Any, str | None, float]:
    """Run one job in the current process: (status, result, error, seconds)."""
    start = time.perf_counter()
    try:
        function = task(spec.get("task"))
    except ValueError as error:
        return "failed", None, str(error), 0.0
    try:
        return "done", function(spec), None, time.perf_counter() - start
    except Exception as error:  # a failing job is recorded, the sweep goes on
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        return "failed", None, detail, time.perf_counter() - start


def _single_threaded() -> None:
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


class Executor(Protocol):
    """Runs jobs and yields (index into ``specs``, result of ``run_job``) as each one finishes; given a local
    ``cache_folder``, each job runs under its lock there (``run_cached_job``) where the executor can."""

    def submit_all(self, specs: Sequence[Spec], cache_folder: str | None = None) -> Iterator[tuple[int, tuple[str, Any, str | None, float]]]: ...


class LocalExecutor:
    """Jobs in this process (one worker) or in a spawn-started process pool."""

    def __init__(self, workers: int = 1) -> None:
        if workers < 1:
            raise ValueError(f"workers must be a positive integer, got {workers}")
        self.workers = workers

    def submit_all(self, specs: Sequence[Spec], cache_folder: str | None = None):
        job = run_job if cache_folder is None else functools.partial(run_cached_job, folder=cache_folder)
        if self.workers == 1:
            for index, spec in enumerate(specs):
                yield index, job(spec)
            return
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(self.workers, mp_context=context, initializer=_single_threaded) as pool:
            futures = {pool.submit(job, spec): index for index, spec in enumerate(specs)}
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
            try:
                ray.init(address=address, num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                         runtime_env={"env_vars": {"XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"}})  # fmt: skip
            except Exception as error:  # Ray raises ConnectionError, RuntimeError, ValueError … for a bad address
                raise ValueError(f"cannot start or reach Ray at address {address!r}: {type(error).__name__}: {error}") from None
        self.remote = ray.remote(**(ray_options or {"num_cpus": 1}))(run_job)

    def submit_all(self, specs: Sequence[Spec], cache_folder: str | None = None):  # workers may not share our disk
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


_AMBIENT_CACHE: contextvars.ContextVar[Cache | None] = contextvars.ContextVar("sltv_cache", default=None)


@contextlib.contextmanager
def caching(folder: str | Path) -> Iterator[Cache]:
    """Within the block, every ``run_jobs`` call that names no cache of its own uses the one in ``folder``: a report run
    again, or after an interruption, takes its finished jobs from there instead of computing them again (the
    command line's reports keep theirs in ``OUT/cache``)."""
    cache = Cache(folder)
    token = _AMBIENT_CACHE.set(cache)
    try:
        yield cache
    finally:
        _AMBIENT_CACHE.reset(token)


def run_jobs(specs: Sequence[Spec], executor: Executor | None = None, cache: Cache | None = None,
             progress: Progress | None = None) -> list[JobResult]:  # fmt: skip
    """Every job's result, in the order of ``specs``: cached ones first (from ``cache``, or the ambient one of
    ``caching``), the rest through ``executor``."""
    cache = cache if cache is not None else _AMBIENT_CACHE.get()
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
    folder = None if cache is None else str(cache.folder)
    for position, (status, result, error, seconds) in executor.submit_all([specs[i] for i in todo], folder):
        index = todo[position]
        results[index] = JobResult(specs[index], status, result, error, seconds)
        counts[status] += 1
        if status == "done" and cache is not None:
            cache.put(specs[index], result)  # again for an executor whose workers could not (a no-op in effect)
        if progress:
            progress(dict(counts))
    return [r for r in results if r is not None]


def run_all(specs: Sequence[Spec], executor: Executor | None = None, progress: Progress | None = None) -> list[Any]:
    """The results of every job (``run_jobs``), in order; a failed job is a ``ValueError`` naming the first one."""
    results = run_jobs(specs, executor, progress=progress)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        raise ValueError(f"{len(failed)} job(s) failed, the first: {failed[0].spec} — {failed[0].error}")
    return [r.result for r in results]
