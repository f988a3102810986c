"""``sltv rlct``: exact learning coefficients from the theory catalogue."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

import theory
from proofs_checks.cli._common import UserError, emit, int_list, stdout, user_errors

app = typer.Typer(
    help="Exact learning coefficients (RLCT λ and multiplicity m) of catalogue models.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")]


def _print_coefficient(lc: theory.LearningCoefficient, title: str) -> None:
    stdout.print(f"[bold]{title}[/bold]")
    approx = "" if lc.lam.q == 1 else f"  (≈ {float(lc.lam):.6g})"
    stdout.print(f"  learning coefficient λ = [bold]{lc.lam}[/bold]{approx}")
    stdout.print(f"  multiplicity         m = [bold]{lc.multiplicity}[/bold]")
    stdout.print(f"  status: {lc.status.value}")
    stdout.print(f"  method: {lc.method}")
    stdout.print(f"  source: {lc.source}")


def _report(lc: theory.LearningCoefficient, title: str, as_json: bool) -> None:
    emit(lc.as_dict(), as_json, lambda: _print_coefficient(lc, title))


@app.command()
def regular(
    dim: Annotated[int, typer.Option("--dim", help="Number of parameters d.")],
    as_json: JsonOption = False,
) -> None:
    """A regular model in d parameters: λ = d/2, m = 1."""
    with user_errors():
        lc = theory.regular(dim)
    _report(lc, f"Regular model, d = {dim}", as_json)


@app.command()
def monomial(
    exponents: Annotated[str, typer.Option("--exponents", help="k_1,…,k_d for K = Π w_j^(2 k_j), e.g. 1,2.")],
    prior_exponents: Annotated[
        str | None, typer.Option("--prior-exponents", help="h_1,…,h_d for a prior ∝ Π |w_j|^h_j (default 0).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """A normal-crossing loss K = Π w_j^(2k_j): λ = min_j (h_j+1)/(2k_j), m = number of minimisers."""
    ks = int_list(exponents, "--exponents")
    hs = None if prior_exponents is None else int_list(prior_exponents, "--prior-exponents")
    with user_errors():
        lc = theory.monomial(ks, hs)
    loss = " · ".join(f"w{j + 1}^{2 * k}" for j, k in enumerate(ks) if k)
    _report(lc, f"Monomial loss K = {loss}", as_json)


@app.command("reduced-rank")
def reduced_rank(
    inputs: Annotated[int, typer.Option("--inputs", help="Input dimension M.")],
    outputs: Annotated[int, typer.Option("--outputs", help="Output dimension N.")],
    hidden: Annotated[int, typer.Option("--hidden", help="Hidden width H.")],
    rank: Annotated[int, typer.Option("--rank", help="Rank r of the true matrix, 0 ≤ r ≤ min(M, N, H).")],
    as_json: JsonOption = False,
) -> None:
    """Reduced-rank regression y = B·A·x (Aoyagi & Watanabe 2005)."""
    with user_errors():
        lc = theory.reduced_rank(inputs, outputs, hidden, rank)
    _report(lc, f"Reduced-rank regression, M = {inputs} → H = {hidden} → N = {outputs}, true rank {rank}", as_json)


@app.command("deep-linear")
def deep_linear(
    widths: Annotated[str, typer.Option("--widths", help="Layer widths, input first, e.g. 5,3,4,6.")],
    rank: Annotated[int, typer.Option("--rank", help="Rank r of the true product matrix.")],
    brute_force: Annotated[
        bool, typer.Option("--brute-force", help="Search all index sets instead of the greedy prefix (a check).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """A deep linear network of any depth (Aoyagi 2024)."""
    ws = int_list(widths, "--widths")
    with user_errors():
        lc = theory.deep_linear(ws, rank, method="brute_force" if brute_force else "greedy")
    shown = " → ".join(map(str, ws))
    _report(lc, f"Deep linear network, widths {shown} (input → output), true rank {rank}", as_json)


_FACES_SHOWN = 20


@app.command()
def polynomial(
    expressions: Annotated[
        list[str], typer.Argument(help="The loss K, e.g. 'x**2*y**2 + x**6', or f_1 … f_r with --sum-of-squares.")
    ],
    variables: Annotated[str | None, typer.Option("--vars", help="Variable order, e.g. x,y (default: sorted).")] = None,
    prior_exponents: Annotated[
        str | None, typer.Option("--prior-exponents", help="h_j for a prior ∝ Π |w_j|^h_j, e.g. 0,2.")
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="The zero of K to study, e.g. 1,0 (default: origin).")] = None,
    sum_of_squares: Annotated[
        bool, typer.Option("--sum-of-squares", help="The arguments are f_1 … f_r and K = Σ f_i².")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """A polynomial loss by its Newton polyhedron: λ = 1/t*, exact when every compact face is non-degenerate."""
    if len(expressions) > 1 and not sum_of_squares:
        raise UserError(f"got {len(expressions)} expressions; pass one K, or several f_i with --sum-of-squares")
    names = None if variables is None else variables.split(",")
    hs = None if prior_exponents is None else int_list(prior_exponents, "--prior-exponents")
    point = None if at is None else at.split(",")
    with user_errors():
        analysis = theory.newton_rlct(expressions if sum_of_squares else expressions[0], names, hs, point)

    def render() -> None:
        loss = " + ".join(f"({e})**2" for e in expressions) if sum_of_squares else expressions[0]
        _print_coefficient(analysis.coefficient, f"Polynomial loss K = {loss}" + (f" at ({at})" if at else ""))
        stdout.print(f"  why:    {analysis.reason}")
        hit = analysis.hit
        stdout.print(
            f"  t*·τ = ({', '.join(map(str, hit.point))}) lies on a face of codimension {hit.codimension} "
            f"(tight facet normals {', '.join(map(str, hit.normals))})"
        )
        table = Table("dim", "face polynomial", "verdict", "why", title="Compact faces of the Newton polyhedron")
        for face in analysis.faces[:_FACES_SHOWN]:
            table.add_row(str(face.dimension), face.polynomial, face.verdict, face.reason)
        stdout.print(table)
        if len(analysis.faces) > _FACES_SHOWN:
            stdout.print(f"  … {len(analysis.faces) - _FACES_SHOWN} more compact faces (see --json)")

    emit(analysis.as_dict(), as_json, render)
