"""``sltv volume``: the volume function V(ε) = prior mass of {K < ε} and its exponent, beside the SLT λ."""

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

app = typer.Typer(help="Exact volume function V(ε) = prior mass of {K < ε} and d log V/d log ε (→ λ as ε → 0).")

_KINDS = {"points": "arbitrary precision (precision contract)", "slt": "exact learning coefficient (the ε → 0 limit)"}

EpsOption = Annotated[str, typer.Option("--eps", help="Levels ε > 0, e.g. 1e-2,1e-6,1e-12.")]
DpsOption = Annotated[int, typer.Option("--dps", help="Significant digits to guarantee.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")]


def _table(
    title: str, points: list[theory.VolumePoint], lc: theory.LearningCoefficient | None, dps: int, beyond_reach: bool = False
) -> None:
    """The points as a table; ``beyond_reach``: a target the model cannot fit, whose exponent is taken in ε − L0."""
    stdout.print(title)
    slope = "d log V/d log(ε − L0)" if beyond_reach else "d log V/d log ε"
    stdout.print(f"{'ε':>12} {'V(ε)':>24} {slope:>22} {'λ':>8}")
    for p in points:
        stdout.print(
            f"{mpmath.nstr(p.eps, 6):>12} {mpmath.nstr(p.volume, min(dps, 18)):>24} "
            f"{mpmath.nstr(p.exponent, min(dps, 16)):>22} {str(lc.lam) if lc else '—':>8}"
        )
    limit = "ε → L0, the least loss" if beyond_reach else "ε → 0"
    stdout.print(
        f"(V and its exponent exact to {dps} significant digits; the exponent tends to λ as {limit}, slowly — like "
        "λ − (m−1)/log(1/ε) — when m > 1)"
    )


@app.command()
def polynomial(
    expression: Annotated[str, typer.Argument(help="The loss K ≥ 0, e.g. 'x**2*y**2', in one or two variables.")],
    eps: EpsOption,
    box: Annotated[str | None, typer.Option("--box", help="Uniform prior on [low, high]^d, e.g. -1,1.")] = None,
    prior_var: Annotated[str | None, typer.Option("--prior-var", help="Gaussian prior N(0, σ² I) instead of a box.")] = None,
    variables: Annotated[str | None, typer.Option("--vars", help="Variable order, outer first, e.g. y,x.")] = None,
    dps: DpsOption = 15,
    as_json: JsonOption = False,
) -> None:
    """A polynomial loss on a box or with a Gaussian prior, beside its Newton-polyhedron λ."""
    levels = decimal_list(eps, "--eps")
    bounds, names = polynomial_options(box, variables)
    points = exact_points(
        lambda level: theory.polynomial_volume(expression, level, box=bounds, prior_var=prior_var, variables=names, dps=dps),
        levels, "ε",
    )
    lc, slt, shown = newton_slt(expression, names)
    payload = {"points": [p.as_dict() for p in points], "slt": slt, "kinds": _KINDS}
    emit(payload, as_json, lambda: _table(f"[bold]Volume of {{K < ε}}[/bold], K = {expression}; SLT at 0: {shown}", points, lc, dps))


@app.command("two-layer")
def two_layer(
    inputs: Annotated[int, typer.Option("--inputs", help="Input dimension N_in.")],
    hidden: Annotated[int, typer.Option("--hidden", help="Hidden width H.")],
    outputs: Annotated[int, typer.Option("--outputs", help="Output dimension N_out.")],
    eps: EpsOption,
    singular_values: Annotated[
        str,
        typer.Option(
            "--singular-values", "--singular-value",
            help="The target's singular values: one non-zero value (0: zero target), or several for hidden = 1.",
        ),
    ] = "0",
    prior_var: Annotated[str, typer.Option("--prior-var", help="Prior variance s_a = s_b (or 'sa,sb').")] = "1",
    dps: DpsOption = 15,
    as_json: JsonOption = False,
) -> None:
    """The two-layer linear model with Gaussian priors (``theory.two_layer.volume``), beside its λ."""
    levels = decimal_list(eps, "--eps")
    values = [v for v in decimal_list(singular_values, "--singular-values") if mpmath.mpf(v) != 0] or ["0"]
    variance = prior_variances(prior_var)
    points = exact_points(
        lambda level: theory.two_layer_volume(level, inputs, hidden, outputs, values, variance, dps), levels, "ε"
    )
    try:  # rank > hidden: regular around the best rank-H fit when that is unique; the exponent is then in ε − L0
        lc, loss = theory.reduced_rank_for_target(inputs, outputs, hidden, values)
        slt: dict[str, object] = {"lambda": str(lc.lam), "multiplicity": lc.multiplicity, **({"loss_at_truth": str(loss)} if loss else {})}
        shown = f"λ = {lc.lam}, m = {lc.multiplicity}" + (f", L0 = {loss} (exponent in ε − L0)" if loss else "")
    except ValueError as error:
        lc, slt, shown = None, {"unavailable": str(error)}, str(error)
    payload = {"points": [p.as_dict() for p in points], "slt": slt, "kinds": _KINDS}
    title = f"[bold]Two-layer linear model[/bold] {inputs} → {hidden} → {outputs}, singular values {', '.join(values)}: {shown}"
    emit(payload, as_json, lambda: _table(title, points, lc, dps, beyond_reach=len(values) > hidden))
