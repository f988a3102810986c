"""``sltv report``: self-contained HTML and JSON reports of the built-in scenarios."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

from proofs_checks.cli._common import (
    AddressOption,
    ExecutorOption,
    UserError,
    WorkersOption,
    emit,
    executor_from_options,
    float_list,
    int_list,
    progress_bar,
    stdout,
    user_errors,
    writable_folder,
)

SCENARIOS = ("gap", "lora-powerlaw", "dimension", "modular-addition", "sweep")
MAX_D = 4_096  # lora-powerlaw


def report(
    scenario: Annotated[
        str | None, typer.Argument(help="gap, lora-powerlaw, dimension, modular-addition, or sweep (with --from).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for report.html and report.json.")] = Path("sltv-report"),
    sweep_file: Annotated[
        Path | None, typer.Option("--from", help="sweep: the sweep.json (or its folder) of `sltv sweep`.")
    ] = None,
    example: Annotated[
        bool, typer.Option("--example", help="The built-in example (the gap scenario, about a minute).")
    ] = False,
    s: Annotated[str, typer.Option("--s", help="gap: small singular values.")] = "0.1,0.03,0.01",
    n_max: Annotated[float, typer.Option("--n-max", help="gap: largest n.")] = 1e6,
    d: Annotated[int, typer.Option("--d", help="lora-powerlaw: dimension.")] = 64,
    dims: Annotated[str, typer.Option("--dims", help="dimension: the d values.")] = "4,8,16,32",
    alpha: Annotated[float, typer.Option("--alpha", help="lora-powerlaw, dimension: s_i = i^(−α).")] = 0.4,
    sampled: Annotated[bool, typer.Option("--sampled/--exact-only", help="gap: add the Gibbs-sampled curve.")] = True,
    primes: Annotated[str, typer.Option("--p", help="modular-addition: odd primes p.")] = "23",
    widths: Annotated[str, typer.Option("--widths", help="modular-addition: network widths N.")] = "16,32,64,128,256",
    betas: Annotated[
        str, typer.Option("--betas", help="modular-addition: nβ as multiples of n/log n (must include 1).")
    ] = "0.5,1,2,4",
    model: Annotated[
        str, typer.Option("--model", help="modular-addition: quadratic (Σ a_i (w_i·x)²) or mlp (ReLU).")
    ] = "quadratic",
    train_fraction: Annotated[
        float, typer.Option("--train-fraction", help="modular-addition: share of the p² pairs trained on.")
    ] = 0.5,
    train_steps: Annotated[
        int, typer.Option("--train-steps", help="modular-addition: full-batch AdamW steps.")
    ] = 20_000,
    weight_decay: Annotated[
        float | None,
        typer.Option("--weight-decay", help="modular-addition: AdamW weight decay [0.1 quadratic, 1 mlp]."),
    ] = None,
    chains: Annotated[int, typer.Option("--chains", help="modular-addition: SGLD chains per λ̂.")] = 4,
    langevin_time: Annotated[
        float, typer.Option("--langevin-time", help="modular-addition: ε·steps of each SGLD run.")
    ] = 4.0,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the sampled curves (and of modular-addition's data and init).")
    ] = 0,
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    address: AddressOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print report.json's content on stdout and nothing else.")
    ] = False,
) -> None:
    """Write DIR/report.html (figures embedded) and DIR/report.json for a scenario, or for --example."""
    from proofs_checks import scenario_reports  # matplotlib, jax: loaded when a report is written
    from proofs_checks.report import payload, write_report

    if example == (scenario is not None):
        raise UserError(f"give a scenario ({', '.join(SCENARIOS)}) or --example, not both")
    if scenario is not None and scenario not in SCENARIOS:
        raise UserError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    if scenario == "sweep":
        path = sweep_file / "sweep.json" if sweep_file is not None and sweep_file.is_dir() else sweep_file
        if path is None or not path.is_file():
            raise UserError("sltv report sweep needs --from DIR (or DIR/sweep.json) written by sltv sweep")
        try:
            sweep_data = json.loads(path.read_text())
        except (json.JSONDecodeError, OSError, UnicodeDecodeError) as error:
            raise UserError(f"{str(path)!r} is not a sweep.json: {error}") from None
    if scenario == "modular-addition":
        from proofs_checks.modular_addition import ModularConfig

        with user_errors():
            config = ModularConfig(tuple(int_list(primes, "--p")), tuple(int_list(widths, "--widths")), tuple(float_list(betas, "--betas")),
                                   model, train_fraction, train_steps, weight_decay=weight_decay, chains=chains,
                                   langevin_time=langevin_time, seed=seed)  # fmt: skip
    if scenario == "gap" and not all(0 < value < 1 for value in float_list(s, "--s")):
        raise UserError(f"--s takes small singular values in (0, 1), got {s!r}")
    if scenario in ("lora-powerlaw", "dimension") and not 0 < alpha <= 10:
        raise UserError(f"--alpha must be in (0, 10], got {alpha}")
    if scenario == "lora-powerlaw" and not 1 <= d <= MAX_D:
        raise UserError(f"--d must be from 1 to {MAX_D} (the Gibbs reference costs d² per sweep), got {d}")
    writable_folder(out, "--out")
    engine = executor_from_options(executor, workers, address)
    with progress_bar(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()) as bar:
        task = bar.add_task("starting", total=None)
        progress = lambda text: bar.update(task, description=text)  # noqa: E731
        with user_errors():
            if example:
                built = scenario_reports.example_report(progress, engine)
            elif scenario == "gap":
                built = scenario_reports.gap_report(
                    float_list(s, "--s"), n_max=n_max, sampled=sampled, seed=seed, progress=progress, executor=engine
                )
            elif scenario == "sweep":
                built = scenario_reports.sweep_report(sweep_data)
            elif scenario == "modular-addition":
                from proofs_checks.modular_report import modular_addition_report

                built = modular_addition_report(config, progress, engine)
            elif scenario == "lora-powerlaw":
                built = scenario_reports.lora_report(d, alpha, seed=seed, progress=progress, executor=engine)
            else:
                built = scenario_reports.dimension_report(
                    [int(x) for x in float_list(dims, "--dims")], alpha, seed=seed, progress=progress, executor=engine
                )
        html, data = write_report(built, out)

    def render() -> None:
        stdout.print(f"[bold]{built.title}[/bold]")
        for finding in built.findings:
            stdout.print(f"  {finding}")
        stdout.print(f"wrote {html} and {data}")

    emit(payload(built), as_json, render)
