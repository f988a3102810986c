"""``sltv check SPEC --claimed λ``: is a claimed learning coefficient consistent, refuted or undecided?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from proofs_checks.cli._common import emit, stdout, user_errors


def check(
    spec: Annotated[Path, typer.Argument(help="TOML model spec ([model], optional [data] and [sampler]).")],
    claimed: Annotated[str, typer.Option("--claimed", help="The claimed λ, e.g. 5/2.")],
    multiplicity: Annotated[int | None, typer.Option("--multiplicity", help="The claimed multiplicity m.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sampled evidence.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")] = False,
) -> int:
    """Check a claimed RLCT: exact theory, then proved bounds, then λ̂ sampled at several temperatures.

    Exit 0 consistent, 1 refuted, 3 undecided, 2 bad input.
    """
    from proofs_checks.claims import check_claim, parse_claim
    from proofs_checks.spec import load_spec

    with user_errors():
        model = load_spec(spec)
        lam = parse_claim(claimed)
        verdict = check_claim(model, lam, multiplicity, seed)
    payload = {**verdict.as_dict(), "spec": {"kind": model.kind, **model.model}, "seed": seed}

    def render() -> None:
        m = "" if multiplicity is None else f", m = {multiplicity}"
        stdout.print(f"[bold]Claim λ = {lam}{m}[/bold] for the {model.kind.replace('_', ' ')} model of {spec}: [bold]{verdict.status}[/bold]")
        for item in verdict.evidence:
            stdout.print(f"  [{item.kind}] {item.statement}", markup=False)

    emit(payload, as_json, render)
    return verdict.exit_code
