"""``sltv regress``: run the built-in regression catalogue against theory and stored baselines."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Annotated, Any

import typer

from proofs_checks.cli._common import (
    AddressOption,
    ExecutorOption,
    UserError,
    WorkersOption,
    emit,
    executor_from_options,
    progress_bar,
    stdout,
    user_errors,
    writable_file,
)
from proofs_checks.executor import run_jobs


def write_junit(path: Path, results: list[dict[str, Any]]) -> None:
    """JUnit XML: one <testcase> per case, a <failure> carrying the full message when it failed."""
    failures = sum(not r["passed"] for r in results)
    suite = ElementTree.Element(
        "testsuite", name="sltv regress", tests=str(len(results)), failures=str(failures), errors="0",
        time=f"{sum(r['seconds'] for r in results):.2f}",
    )  # fmt: skip
    for result in results:
        case = ElementTree.SubElement(suite, "testcase", classname="sltv.regress", name=result["case"], time=f"{result['seconds']:.2f}")
        if not result["passed"]:
            failure = ElementTree.SubElement(case, "failure", message="; ".join(result["reasons"]))
            failure.text = result["message"]
        else:
            ElementTree.SubElement(case, "system-out").text = result["message"]
    ElementTree.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def regress(
    tier: Annotated[str, typer.Option("--tier", help="fast (under 2 minutes) or full.")] = "fast",
    baseline: Annotated[Path | None, typer.Option("--baseline", help="Baseline JSON to compare with (or to write with --update).")] = None,
    update: Annotated[bool, typer.Option("--update", help="Store this run's estimates in --baseline.")] = False,
    junit: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML here.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every case.")] = 0,
    z: Annotated[float, typer.Option("--z", help="z in |estimate − theory| ≤ z·stderr + budget.")] = 4.0,
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    address: AddressOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")] = False,
) -> int:
    """Sample every catalogue case of a tier with fixed seeds; compare with theory and the baseline.

    Exit 0 when every case passes, 1 on any regression, 2 on bad input.
    """
    from proofs_checks.regression import TIERS, load_baselines, save_baselines, select  # jax: loaded when cases run

    if tier not in TIERS:
        raise UserError(f"--tier must be one of {', '.join(TIERS)}, got {tier!r}")
    if update and baseline is None:
        raise UserError("--update needs --baseline FILE to write to")
    if not 0 < z < math.inf:
        raise UserError(f"--z must be positive and finite, got {z}")
    if junit is not None:
        writable_file(junit, "--junit")
    if baseline is not None and update:
        writable_file(baseline, "--baseline")
    elif baseline is not None and not baseline.is_file():
        raise UserError(f"--baseline {str(baseline)!r} is not a file (write one with --update)")
    with user_errors():
        stored = load_baselines(baseline) if baseline is not None else {}
        names = [case.name for case in select(tier)]
    engine = executor_from_options(executor, workers, address)
    specs = [{"task": "regress-case", "case": name, "seed": seed, "z": z, "baseline": None if update else stored.get(name)} for name in names]
    with progress_bar() as bar:
        task = bar.add_task(f"sltv regress ({tier})", total=len(specs))
        jobs = run_jobs(specs, engine, progress=lambda c: bar.update(task, completed=c["done"] + c["failed"]))
    broken = [j for j in jobs if j.status == "failed"]
    if broken:
        raise UserError(f"regression case {broken[0].spec['case']!r} could not run: {broken[0].error}")
    results = [j.result for j in jobs]
    if update:
        save_baselines(baseline, results, stored)
    if junit is not None:
        write_junit(junit, results)
    failed = [r for r in results if not r["passed"]]
    payload = {"tier": tier, "seed": seed, "z": z, "passed": not failed, "cases": results,
               "baseline": None if baseline is None else str(baseline), "updated": update}  # fmt: skip

    def render() -> None:
        stdout.print(f"[bold]sltv regress --tier {tier}[/bold] (seed {seed}, z = {z:g}; theory kinds: exact, arbitrary precision)")
        for r in results:
            est, base = r["estimate"], r["baseline"]
            shown = "" if base is None else f", baseline {base['value']:.4g} ± {base['stderr']:.2g}"
            z_score = "inf" if r["z_score"] is None else f"{r['z_score']:.2f}"
            rhat = "nan" if est["rhat"] is None else f"{est['rhat']:.3f}"
            stdout.print(
                f"  {'pass' if r['passed'] else '[bold red]FAIL[/bold red]'}  {r['case']}: {r['quantity']} sampled "
                f"{est['value']:.4g} ± {est['stderr']:.2g} vs theory {r['theory']['text'][:14]} (z-score {z_score}, "
                f"R-hat {rhat}{shown}, {r['seconds']:.1f} s)"
            )
        for r in failed:
            stdout.print(r["message"], markup=False)
        stdout.print(f"{len(results) - len(failed)} of {len(results)} cases pass" + (f"; baselines written to {baseline}" if update else ""))

    emit(payload, as_json, render)
    return 1 if failed else 0
