"""``sltv sweep SPEC.toml``: run a grid of jobs locally or on Ray, cached and resumable."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn

from proofs_checks.cli._common import (
    AddressOption,
    ExecutorOption,
    UserError,
    WorkersOption,
    emit,
    executor_from_options,
    progress_bar,
    read_text,
    stdout,
    user_errors,
    writable_folder,
)


def sweep(
    spec: Annotated[Path, typer.Argument(help="Sweep TOML: [sweep] task, [base] spec, [grid] lists.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for sweep.json and the result cache.")] = Path("sltv-sweep"),
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    address: AddressOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print sweep.json's content on stdout and nothing else.")] = False,
) -> int:
    """Run every job of the grid; finished jobs are cached, so re-running resumes. Exit 1 if any job failed."""
    from proofs_checks.sweep import parse_sweep, run_sweep

    if not spec.is_file():
        raise UserError(f"no such sweep file: {str(spec)!r}")
    with user_errors():
        specs = parse_sweep(read_text(spec, "the sweep file"))
    writable_folder(out, "--out")
    engine = executor_from_options(executor, workers, address)
    columns = [TextColumn("sweep"), BarColumn(), TextColumn("{task.completed}/{task.total}  {task.description}"), TimeElapsedColumn()]
    with progress_bar(*columns) as bar:
        task = bar.add_task("", total=len(specs))

        def progress(counts: dict[str, int]) -> None:
            finished = counts["done"] + counts["cached"] + counts["failed"]
            bar.update(task, completed=finished, description=f"done {counts['done']}, cached {counts['cached']}, failed {counts['failed']}")

        results = run_sweep(specs, out, engine, progress)
    counts = {status: sum(r.status == status for r in results) for status in ("done", "cached", "failed")}
    payload = {"counts": counts, "jobs": [r.as_dict() for r in results]}

    def render() -> None:
        stdout.print(f"{len(results)} jobs: {counts['done']} done, {counts['cached']} cached, {counts['failed']} failed; wrote {out / 'sweep.json'}")
        for r in results:
            if r.status == "failed":
                stdout.print(f"  failed: {r.spec} — {r.error}", markup=False)

    emit(payload, as_json, render)
    return 1 if counts["failed"] else 0
