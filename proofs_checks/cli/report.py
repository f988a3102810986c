"""``sltv report``: self-contained HTML and JSON reports of the built-in scenarios, one subcommand per scenario."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from proofs_checks.cli import lora as lora_cli
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

if TYPE_CHECKING:
    from proofs_checks.report import Report


class _Scenarios(TyperGroup):
    """An unknown scenario is a one-line user error that lists the known ones."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            raise UserError(f"unknown scenario {name!r}; choose one of {', '.join(self.list_commands(ctx))}, or --example")
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=_Scenarios,
    help="Self-contained HTML (figures embedded) and JSON reports of the built-in scenarios: sltv report SCENARIO --out DIR.",
    invoke_without_command=True,
)

Out = Annotated[Path, typer.Option("--out", help="Folder for report.html, report.json and the job cache (a re-run resumes).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print report.json's content on stdout and nothing else.")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of the sampled curves.")]


def _write(build: Callable[[Callable[[str], None]], Report], out: Path, as_json: bool) -> None:
    """Build the report (a spinner shows its progress), write it to ``out`` and print its findings or its JSON. The
    report's jobs are cached by content in ``out/cache``: a re-run, or a run after an interruption, resumes."""
    from proofs_checks.executor import caching
    from proofs_checks.report import payload, write_report

    writable_folder(out, "--out")
    with progress_bar(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()) as bar:
        task = bar.add_task("starting", total=None)
        with user_errors(), caching(out / "cache"):
            built = build(lambda text: bar.update(task, description=text))
        html, data = write_report(built, out)

    def render() -> None:
        stdout.print(f"[bold]{built.title}[/bold]")
        for finding in built.findings:
            stdout.print(f"  {finding}")
        stdout.print(f"wrote {html} and {data}")

    emit(payload(built), as_json, render)


@app.callback()
def main(
    ctx: typer.Context,
    example: Annotated[bool, typer.Option("--example", help="The built-in example (the gap scenario, about a minute).")] = False,
    out: Out = Path("sltv-report"),
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    address: AddressOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write DIR/report.html (figures embedded) and DIR/report.json for a scenario, or for --example."""
    if ctx.invoked_subcommand is not None:
        if example:
            raise UserError("give a scenario or --example, not both")
        given = [f"--{name.replace('_', '-')}" for name in ("out", "executor", "workers", "address")
                 if ctx.get_parameter_source(name).name != "DEFAULT"] + (["--json"] if as_json else [])  # fmt: skip
        if given:
            raise UserError(f"{', '.join(given)} before the scenario would be ignored: write them after it, "
                            f"e.g. sltv report {ctx.invoked_subcommand} {given[0]} …")  # fmt: skip
        return
    if not example:
        raise UserError(f"give a scenario ({', '.join(ctx.command.list_commands(ctx))}) or --example")
    from proofs_checks.scenarios import gap as scenario

    engine = executor_from_options(executor, workers, address)
    _write(lambda progress: scenario.example_report(progress, engine), out, as_json)


@app.command("gap")
def gap(
    s: Annotated[str, typer.Option("--s", help="Small singular values.")] = "0.1,0.03,0.01",
    n_max: Annotated[float, typer.Option("--n-max", help="Largest n.")] = 1e6,
    sampled: Annotated[bool, typer.Option("--sampled/--exact-only", help="Add the Gibbs-sampled curve.")] = True,
    seed: Seed = 0,
    out: Out = Path("sltv-report"),
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    address: AddressOption = None,
    as_json: JsonOption = False,
) -> None:
    """The gap scenario: a 2×1×2 model with target singular values (s, 0), exact and sampled."""
    from proofs_checks.scenarios import gap as scenario

    values = float_list(s, "--s")
    if not all(0 < value < 1 for value in values):
        raise UserError(f"--s takes small singular values in (0, 1), got {s!r}")
    engine = executor_from_options(executor, workers, address)
    _write(lambda progress: scenario.report(values, n_max=n_max, sampled=sampled, seed=seed, progress=progress,
                                                       executor=engine), out, as_json)  # fmt: skip


@app.command("dimension")
def dimension(
    dims: Annotated[str, typer.Option("--dims", help="The d values.")] = "4,8,16,32",
    alpha: Annotated[float, typer.Option("--alpha", help="s_i = i^(−α).")] = 0.4,
    seed: Seed = 0,
    out: Out = Path("sltv-report"),
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    address: AddressOption = None,
    as_json: JsonOption = False,
) -> None:
    """The dimension scenario: how late full-rank SLT sets in for a power-law spectrum at growing d."""
    from proofs_checks.scenarios import dimension as scenario

    if not 0 < alpha <= 10:
        raise UserError(f"--alpha must be in (0, 10], got {alpha}")
    sizes = [int(x) for x in float_list(dims, "--dims")]
    engine = executor_from_options(executor, workers, address)
    _write(lambda progress: scenario.report(sizes, alpha, seed=seed, progress=progress, executor=engine), out, as_json)


@app.command("modular-addition")
def modular_addition(
    primes: Annotated[str, typer.Option("--p", help="Odd primes p.")] = "23",
    widths: Annotated[str, typer.Option("--widths", help="Network widths N.")] = "16,32,64,128,256",
    betas: Annotated[str, typer.Option("--betas", help="nβ as multiples of n/log n (must include 1).")] = "0.5,1,2,4",
    model: Annotated[str, typer.Option("--model", help="quadratic (Σ a_i (w_i·x)²) or mlp (ReLU).")] = "quadratic",
    train_fraction: Annotated[float, typer.Option("--train-fraction", help="Share of the p² pairs trained on.")] = 0.5,
    train_steps: Annotated[int, typer.Option("--train-steps", help="Full-batch AdamW steps.")] = 20_000,
    weight_decay: Annotated[float | None, typer.Option("--weight-decay", help="AdamW weight decay [0.1 quadratic, 1 mlp].")] = None,
    chains: Annotated[int, typer.Option("--chains", help="SGLD chains per λ̂.")] = 4,
    langevin_time: Annotated[float, typer.Option("--langevin-time", help="ε·steps of each SGLD run.")] = 4.0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the data, the initialisation and the chains.")] = 0,
    out: Out = Path("sltv-report"),
    executor: ExecutorOption = "local",
    workers: WorkersOption = 1,
    address: AddressOption = None,
    as_json: JsonOption = False,
) -> None:
    """Modular addition: trained networks' λ̂ against SLT."""
    from proofs_checks.scenarios.modular_addition import ModularConfig
    from proofs_checks.scenarios.modular_addition_report import report as modular_addition_report

    with user_errors():
        config = ModularConfig(tuple(int_list(primes, "--p")), tuple(int_list(widths, "--widths")), tuple(float_list(betas, "--betas")),
                               model, train_fraction, train_steps, weight_decay=weight_decay, chains=chains,
                               langevin_time=langevin_time, seed=seed)  # fmt: skip
    engine = executor_from_options(executor, workers, address)
    _write(lambda progress: modular_addition_report(config, progress, engine), out, as_json)


@app.command("sweep")
def sweep(
    sweep_file: Annotated[Path | None, typer.Option("--from", help="The sweep.json (or its folder) of `sltv sweep`.")] = None,
    out: Out = Path("sltv-report"),
    as_json: JsonOption = False,
) -> None:
    """One row per job of a sweep, with the fields its grid varies and the headline numbers."""
    from proofs_checks.sweep import sweep_report

    path = sweep_file / "sweep.json" if sweep_file is not None and sweep_file.is_dir() else sweep_file
    if path is None or not path.is_file():
        raise UserError("sltv report sweep needs --from DIR (or DIR/sweep.json) written by sltv sweep")
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, OSError, UnicodeDecodeError) as error:
        raise UserError(f"{str(path)!r} is not a sweep.json: {error}") from None
    _write(lambda progress: sweep_report(data), out, as_json)


@app.command("lora")
def lora(
    hidden: lora_cli.Hidden = 16,
    inputs: lora_cli.Inputs = None,
    outputs: lora_cli.Outputs = None,
    alpha: lora_cli.Alpha = None,
    scale: lora_cli.Scale = 1.0,
    singular_values: lora_cli.Values = None,
    matrix: lora_cli.Matrix = None,
    bulk: lora_cli.Bulk = None,
    noise: lora_cli.Noise = 1.0,
    prior_var: lora_cli.PriorVar = 1.0,
    n_min: lora_cli.NMin = 1.0,
    n_max: lora_cli.NMax = 1e8,
    per_decade: lora_cli.PerDecade = 2,
    tolerance: lora_cli.Tolerance = 0.10,
    method: lora_cli.Method = "auto",
    chains: lora_cli.Chains = 8,
    sweeps: lora_cli.Sweeps = 600,
    free_energy: lora_cli.FreeEnergy = True,
    seed: Seed = 0,
    out: Out = Path("sltv-report"),
    as_json: JsonOption = False,
) -> None:
    """The LoRA question (default: d = 1024, r = 16, α = 0.4; 2m47s on 2 cores): figures of λ_eff(n) against every truncation, the
    windows, F(n), the alignment of each direction and the spectrum; the same analysis as `sltv lora`."""
    from proofs_checks.scenarios import lora as scenario
    from proofs_checks.scenarios.lora_report import report as lora_report

    if alpha is None and singular_values is None and matrix is None:
        alpha, inputs = 0.4, inputs or 1024
    model = lora_cli.checked_model(inputs, outputs, hidden, alpha, scale, singular_values, matrix, bulk, noise, prior_var)
    ns = lora_cli.checked_grid(model, n_min, n_max, per_decade, method, tolerance)
    options = {"method": method, "chains": chains, "sweeps": sweeps, "free_energy": free_energy, "per_decade": per_decade, "seed": seed}
    _write(lambda progress: lora_report(scenario.run(model, ns, tolerance=tolerance, **options)), out, as_json)


@app.command("lora-map")
def lora_map(
    dims: Annotated[str, typer.Option("--dims", help="Square widths d.")] = "64,256,1024",
    ranks: Annotated[str, typer.Option("--ranks", help="LoRA ranks r (cases with r ≥ d are skipped).")] = "4,16,64",
    alphas: Annotated[str, typer.Option("--alphas", help="Power-law exponents α.")] = "0.3,0.4,0.5",
    n_max: lora_cli.NMax = 1e8,
    per_decade: lora_cli.PerDecade = 1,
    tolerance: lora_cli.Tolerance = 0.10,
    chains: lora_cli.Chains = 4,
    sweeps: lora_cli.Sweeps = 300,
    seed: Seed = 0,
    out: Out = Path("sltv-report"),
    as_json: JsonOption = False,
) -> None:
    """Where the LoRA claim holds and fails across d × r × α (power-law targets s_i = i^(−α), σ = 1): one Gibbs curve per
    case (the full default map takes about 25 minutes on 2 cores)."""
    from proofs_checks.scenarios import lora as scenario
    from proofs_checks.scenarios.lora_report import map_report

    sizes, rs, exponents = int_list(dims, "--dims"), int_list(ranks, "--ranks"), float_list(alphas, "--alphas")
    if any(not 2 <= d <= lora_cli.MAX_MAP_WIDTH for d in sizes) or any(r < 1 for r in rs) or any(not 0 < a <= 100 for a in exponents):
        raise UserError(f"--dims from 2 to {lora_cli.MAX_MAP_WIDTH}, --ranks ≥ 1 and --alphas in (0, 100], got {dims!r}, {ranks!r}, {alphas!r}")
    if not any(r < d for d in sizes for r in rs):
        raise UserError("every (d, r) pair has r ≥ d: nothing to map")
    with user_errors():
        ns = scenario.n_grid(1, n_max, per_decade)
    options = {"chains": chains, "sweeps": sweeps, "seed": seed}
    _write(lambda progress: map_report(sizes, rs, exponents, ns, tolerance, progress, **options), out, as_json)
