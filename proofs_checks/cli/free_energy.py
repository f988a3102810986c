"""``sltv free-energy``: exact finite-n free energies with the SLT prediction alongside."""

from __future__ import annotations

from typing import Annotated

import mpmath
import typer

import theory
from proofs_checks.cli._common import (
    decimal_list,
    emit,
    exact_points,
    newton_slt,
    polynomial_options,
    prior_variances,
    stdout,
)

app = typer.Typer(help="Exact finite-n free energy F(n), λ_eff(n) and heat capacity C(n), at stated precision.")


def _table(
    title: str, points: list[theory.ThermoPoint], lc: theory.LearningCoefficient | None, dps: int, loss: object = 0
) -> None:
    stdout.print(title)
    stdout.print(f"{'n':>12} {'F(n)':>26} {'λ_eff(n)':>22} {'C(n)':>22} {'λ_SLT(n)':>12}")
    for p in points:
        slt = theory.slt_lambda_eff(lc, p.n, loss) if lc is not None and p.n > 1 else mpmath.nan
        stdout.print(
            f"{mpmath.nstr(p.n, 6):>12} {mpmath.nstr(p.free_energy, min(dps, 20)):>26} "
            f"{mpmath.nstr(p.lambda_eff, min(dps, 16)):>22} {mpmath.nstr(p.heat_capacity, min(dps, 16)):>22} "
            f"{mpmath.nstr(slt, 6):>12}"
        )
    stdout.print(f"(F, λ_eff, C exact to {dps} significant digits; λ_SLT(n) = n·L0 + λ − (m−1)/log n is asymptotic)")


@app.command()
def polynomial(
    expression: Annotated[str, typer.Argument(help="The loss K ≥ 0, e.g. 'x**2*y**2', in at most 3 variables.")],
    n: Annotated[str, typer.Option("--n", help="Sample sizes, e.g. 1e2,1e4,1e8.")],
    box: Annotated[str | None, typer.Option("--box", help="Uniform prior on [low, high]^d, e.g. -1,1.")] = None,
    prior_var: Annotated[str | None, typer.Option("--prior-var", help="Gaussian prior N(0, σ² I) instead of a box.")] = None,
    variables: Annotated[str | None, typer.Option("--vars", help="Variable order, e.g. x,y.")] = None,
    dps: Annotated[int, typer.Option("--dps", help="Significant digits to guarantee.")] = 15,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")] = False,
) -> None:
    """A polynomial loss on a box or with a Gaussian prior, beside its Newton-polyhedron SLT value."""
    sizes = decimal_list(n, "--n")
    bounds, names = polynomial_options(box, variables)
    points = exact_points(
        lambda size: theory.polynomial_thermodynamics(expression, size, box=bounds, prior_var=prior_var, variables=names, dps=dps),
        sizes,
    )
    lc, slt, shown = newton_slt(expression, names)  # the SLT prediction at the origin, when K vanishes there
    payload = {"points": [p.as_dict() for p in points], "slt": slt, "kinds": _KINDS}
    title = f"[bold]Polynomial loss[/bold] K = {expression}; SLT at 0: {shown}"
    emit(payload, as_json, lambda: _table(title, points, lc, dps))


_KINDS = {"points": "arbitrary precision (precision contract)", "slt": "exact learning coefficient"}


def _slt_json(lc: theory.LearningCoefficient) -> dict[str, object]:
    return {"lambda": str(lc.lam), "multiplicity": lc.multiplicity}


@app.command("two-layer")
def two_layer(
    inputs: Annotated[int, typer.Option("--inputs", help="Input dimension N_in.")],
    hidden: Annotated[int, typer.Option("--hidden", help="Hidden width H.")],
    outputs: Annotated[int, typer.Option("--outputs", help="Output dimension N_out.")],
    singular_values: Annotated[str, typer.Option("--singular-values", help="Target singular values, e.g. 0.1,0.")],
    n: Annotated[str, typer.Option("--n", help="Sample sizes, e.g. 1e2,1e3,1e6.")],
    dps: Annotated[int, typer.Option("--dps", help="Significant digits to guarantee.")] = 30,
    prior_var: Annotated[str, typer.Option("--prior-var", help="Prior variance s_a = s_b (or 'sa,sb').")] = "1",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")] = False,
) -> None:
    """Two-layer linear model y = B·A·x with Gaussian priors (docs/theory/two-layer.md), beside its SLT prediction."""
    sizes = decimal_list(n, "--n")
    values = decimal_list(singular_values, "--singular-values")
    variance = prior_variances(prior_var)
    rank = sum(1 for v in values if mpmath.mpf(v) != 0)
    points = exact_points(
        lambda size: theory.two_layer_thermodynamics(size, values, inputs, hidden, outputs, variance, dps), sizes
    )
    try:  # rank > hidden: the unrealizable target, regular around its best rank-H fit when that is unique
        lc, loss = theory.reduced_rank_for_target(inputs, outputs, hidden, values)
        slt: dict[str, object] = {**_slt_json(lc), **({"loss_at_truth": str(loss)} if loss else {})}
        shown = f"λ = {lc.lam}, m = {lc.multiplicity}" + (f", L0 = {loss}" if loss else "")
    except ValueError as error:
        lc, loss, slt, shown = None, 0, {"unavailable": str(error)}, str(error)
    payload = {"points": [p.as_dict() for p in points], "slt": slt, "kinds": _KINDS}
    title = f"[bold]Two-layer linear model[/bold] {inputs} → {hidden} → {outputs}, singular values {values}; SLT (rank {rank}): {shown}"
    emit(payload, as_json, lambda: _table(title, points, lc, dps, loss))
