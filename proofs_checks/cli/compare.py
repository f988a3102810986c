"""``sltv compare``: SLT asymptotics against exact finite-n values over a grid, with regimes and n*."""

from __future__ import annotations

import math
from typing import Annotated

import mpmath
import typer

from proofs_checks.cli._common import UserError, emit, float_list, progress_bar, stdout, user_errors
from proofs_checks.comparison import fit_slope, log_grid
from theory.precision import check_dps

app = typer.Typer(help="Where the SLT prediction describes exact finite-n values, and where it breaks.", no_args_is_help=True)


@app.command()
def gap(
    s: Annotated[str, typer.Option("--s", help="Small singular values to scan, e.g. 0.1,0.03,0.01.")] = "0.1,0.03,0.01",
    n_min: Annotated[float, typer.Option("--n-min", help="Smallest n of the grid.")] = 10.0,
    n_max: Annotated[float, typer.Option("--n-max", help="Largest n of the grid.")] = 1e6,
    per_decade: Annotated[int, typer.Option("--per-decade", help="Grid points per decade of n.")] = 4,
    tolerance: Annotated[float, typer.Option("--tolerance", help="Relative tolerance δ of the regime criterion.")] = 0.05,
    dps: Annotated[int, typer.Option("--dps", help="Verified digits of the exact values.")] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")] = False,
) -> None:
    """A 2×1×2 linear model with target singular values (s, 0): rank-1 SLT (λ = 3/2) against rank-0 (λ = 1, m = 2)."""
    from proofs_checks.scenarios import gap as scenario

    s_values = float_list(s, "--s")
    if any(not 0 < v < 10 for v in s_values):
        raise UserError(f"--s values must lie in (0, 10), got {s!r}")
    if not 0 < tolerance < 1:
        raise UserError(f"--tolerance must lie strictly between 0 and 1, got {tolerance}")
    with user_errors():
        check_dps(dps)
        sizes = log_grid(n_min, n_max, per_decade)
    results = []
    with progress_bar() as bar:
        task = bar.add_task("exact free energies", total=len(s_values))
        for value in s_values:
            bar.update(task, description=f"s = {value:g}: {len(sizes)} exact points")
            with user_errors():
                results.append(scenario.run(value, sizes, tolerance, dps)[0])
            bar.advance(task)
    n_stars = [None if c.n_star is None else (c.crossover.n if c.crossover else float(c.n_star)) for c in results]
    reached = [(1 / v, n) for v, n in zip(s_values, n_stars) if n is not None]
    fitted = fit_slope([math.log(x) for x, _ in reached], [math.log(n) for _, n in reached])
    payload = {
        "scenario": "gap",
        "model": {"inputs": 2, "hidden": 1, "outputs": 2, "prior_var": 1},
        "digits": dps,
        "by_s": [{"s": v, **c.as_dict()} for v, c in zip(s_values, results)],
        "n_star_slope": None if fitted is None else fitted.value,
        "n_star_slope_fit": None if fitted is None else fitted.as_dict(),
        "n_star_slope_expected": 2,
    }

    def render() -> None:
        truth, apparent = results[0].truth, results[0].apparent
        stdout.print(
            f"[bold]gap[/bold]: 2×1×2 linear model, target singular values (s, 0); SLT λ = {truth.lam} (m = {truth.multiplicity}) "
            f"for s > 0, apparent λ = {apparent.lam} (m = {apparent.multiplicity}) for s = 0; δ = {tolerance:g}"
        )
        for value, c in zip(s_values, results):
            star = "not reached in the grid" if c.n_star is None else str(c.crossover or mpmath.nstr(c.n_star, 4))
            stdout.print(f"  s = {value:g}: n* = {star}   (1/s² = {1 / value**2:.4g})")
            for row in c.rows:
                stdout.print(
                    f"    n = {mpmath.nstr(row.n, 4):>9}  λ_eff = {mpmath.nstr(row.exact.lambda_eff, 6):>9}  "
                    f"λ_SLT = {mpmath.nstr(row.slt_lambda_eff, 4):>6}  C = {mpmath.nstr(row.exact.heat_capacity, 6):>9}  {row.regime}"
                )
        if fitted is not None:
            stdout.print(f"  slope of log n* against log(1/s): {fitted} (fitted, n* interpolated in log n; SLT's picture: 2)")
        stdout.print(f"  (λ_eff, C exact to {dps} digits; λ_SLT = λ − (m−1)/log n asymptotic)")

    emit(payload, as_json, render)
