"""``sltv free-energy``: exact finite-n free energies with the SLT prediction alongside."""

from __future__ import annotations

from typing import Annotated

import mpmath
import typer

import theory
from proofs_checks.cli._common import UserError, emit, stdout, user_errors
from theory.precision import PrecisionError
from theory.two_layer import two_layer_thermodynamics

app = typer.Typer(help="Exact finite-n free energy F(n), λ_eff(n) and heat capacity C(n), at stated precision.")


def _numbers(text: str, option: str) -> list[str]:
    parts = [p.strip() for p in text.split(",")]
    for part in parts:
        try:
            mpmath.mpf(part)
        except (ValueError, TypeError):
            raise UserError(f"{option} expects comma-separated numbers such as 1e2,1e4 or 0.1,0, got {text!r}") from None
    return parts


@app.command("two-layer")
def two_layer(
    inputs: Annotated[int, typer.Option("--inputs", help="Input dimension N_in.")],
    hidden: Annotated[int, typer.Option("--hidden", help="Hidden width H (exact evaluation: H = 1).")],
    outputs: Annotated[int, typer.Option("--outputs", help="Output dimension N_out.")],
    singular_values: Annotated[str, typer.Option("--singular-values", help="Target singular values, e.g. 0.1,0.")],
    n: Annotated[str, typer.Option("--n", help="Sample sizes, e.g. 1e2,1e3,1e6.")],
    dps: Annotated[int, typer.Option("--dps", help="Significant digits to guarantee.")] = 30,
    prior_var: Annotated[str, typer.Option("--prior-var", help="Prior variance s_a = s_b (or 'sa,sb').")] = "1",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")] = False,
) -> None:
    """Two-layer linear model y = B·A·x with Gaussian priors (REFERENCES §5), beside its SLT prediction."""
    sizes = _numbers(n, "--n")
    values = _numbers(singular_values, "--singular-values")
    variances = _numbers(prior_var, "--prior-var")
    if len(variances) not in (1, 2):
        raise UserError(f"--prior-var takes one or two numbers, got {prior_var!r}")
    variance = variances[0] if len(variances) == 1 else tuple(variances)
    rank = sum(1 for v in values if mpmath.mpf(v) != 0)
    points = []
    with user_errors():
        lc = theory.reduced_rank(inputs, outputs, hidden, rank)
        try:
            for size in sizes:
                points.append(two_layer_thermodynamics(size, values, inputs, hidden, outputs, variance, dps))
        except PrecisionError as error:
            raise UserError(str(error)) from None
    payload = {
        "points": [p.as_dict() for p in points],
        "slt": {"lambda": str(lc.lam), "multiplicity": lc.multiplicity},
        "kinds": {"points": "arbitrary precision (precision contract)", "slt": "exact learning coefficient"},
    }

    def render() -> None:
        stdout.print(
            f"[bold]Two-layer linear model[/bold] {inputs} → {hidden} → {outputs}, singular values {values}; "
            f"SLT (rank {rank}): λ = {lc.lam}, m = {lc.multiplicity}"
        )
        stdout.print(f"{'n':>12} {'F(n)':>26} {'λ_eff(n)':>22} {'C(n)':>22} {'λ_SLT(n)':>12}")
        for p in points:
            slt = theory.slt_lambda_eff(lc, p.n) if p.n > 1 else mpmath.nan
            stdout.print(
                f"{mpmath.nstr(p.n, 6):>12} {mpmath.nstr(p.free_energy, min(dps, 20)):>26} "
                f"{mpmath.nstr(p.lambda_eff, min(dps, 16)):>22} {mpmath.nstr(p.heat_capacity, min(dps, 16)):>22} "
                f"{mpmath.nstr(slt, 6):>12}"
            )
        stdout.print(f"(F, λ_eff, C exact to {dps} significant digits; λ_SLT(n) = λ − (m−1)/log n is asymptotic)")

    emit(payload, as_json, render)
