"""``sltv certify FILE``: check a resolution-of-singularities certificate obligation by obligation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from proofs_checks.cli._common import emit, stdout, user_errors

EXIT_PROVED, EXIT_REJECTED, EXIT_UNPROVED = 0, 1, 3


def certify(
    file: Annotated[Path, typer.Argument(help="Certificate file (.toml or .json); see docs/commands/certify.md for the format.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")] = False,
) -> None:
    """Check a certificate: exit 0 proved, 1 rejected (or claim contradicted), 3 only an upper bound, 2 bad input."""
    from proofs_checks.certificates import check_certificate, load_certificate

    with user_errors():
        report = check_certificate(load_certificate(file))

    def render() -> None:
        stdout.print(f"[bold]Certificate {file}[/bold]: {report.status}")
        if report.coefficient is not None:
            lc = report.coefficient
            stdout.print(f"  λ = [bold]{lc.lam}[/bold] (≈ {float(lc.lam):.6g}), m = {lc.multiplicity}, status {lc.status.value}")
        if report.claim is not None:
            stdout.print(f"  claim λ = {report.claim}: {report.claim_verdict}")
        table = Table("chart", "obligation", "status", "detail")
        for chart in report.charts:
            for obligation in chart.obligations:
                table.add_row(chart.name, obligation.name, obligation.status, obligation.detail)
        table.add_row("all charts", "cover", report.cover.status, report.cover.detail)
        stdout.print(table)

    emit(report.as_dict(), as_json, render)
    contradicted = report.claim_verdict is not None and report.claim_verdict.startswith(("contradicted", "refuted"))
    if report.status == "rejected" or contradicted:
        raise typer.Exit(EXIT_REJECTED)
    if report.status != "proved":
        raise typer.Exit(EXIT_UNPROVED)
