"""The ``sltv`` command line. Console script: ``sltv = proofs_checks.cli:app``."""

from __future__ import annotations

from typing import Annotated

import typer

from proofs_checks import __version__
from proofs_checks.cli import (
    certify,
    check,
    compare,
    free_energy,
    gibbs,
    llc,
    lora,
    regress,
    report,
    rlct,
    sweep,
    volume,
)
from proofs_checks.cli._common import SltvTyper, stdout

__all__ = ["app"]

app = SltvTyper(
    name="sltv",
    help="slt-verifier: confront Singular Learning Theory predictions with exact values and sampling.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(rlct.app, name="rlct")
app.command("certify")(certify.certify)
app.add_typer(free_energy.app, name="free-energy")
app.add_typer(volume.app, name="volume")
app.add_typer(llc.app, name="llc")
app.add_typer(gibbs.app, name="gibbs")
app.command("regress")(regress.regress)
app.command("check")(check.check)
app.add_typer(compare.app, name="compare")
app.command("lora")(lora.lora)
app.add_typer(report.app, name="report")
app.command("sweep")(sweep.sweep)


def _show_version(value: bool) -> None:
    if value:
        stdout.print(f"sltv (slt-verifier) {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version_: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """slt-verifier: confront Singular Learning Theory predictions with exact values and sampling."""
