"""``sltv lora``: the LoRA question for a power-law spectrum or a user's weight matrix (``proofs_checks.scenarios.lora``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from proofs_checks.cli._common import (
    UserError,
    emit,
    float_list,
    int_list,
    progress_bar,
    stdout,
    user_errors,
    writable_folder,
)

if TYPE_CHECKING:
    from proofs_checks.scenarios.lora import LoraModel, LoraResult

Inputs = Annotated[int | None, typer.Option("--inputs", help="Input width d_in (not with --matrix).")]
Outputs = Annotated[int | None, typer.Option("--outputs", help="Output width d_out (default: d_in; not with --matrix).")]
Hidden = Annotated[int, typer.Option("--hidden", help="The LoRA rank r (< min(d_in, d_out)).")]
Alpha = Annotated[float | None, typer.Option("--alpha", help="Power-law target s_i = c·i^(−α), i = 1..min(d_in, d_out).")]
Scale = Annotated[float, typer.Option("--scale", help="The power law's c.")]
Values = Annotated[str | None, typer.Option("--singular-values", help="The target's singular values, largest first.")]
Matrix = Annotated[
    str | None, typer.Option("--matrix", help="FILE[:TENSOR] (.npy, .npz, .safetensors): a weight matrix (d_out × d_in) as the target.")
]
Bulk = Annotated[str | None, typer.Option("--bulk", help="--matrix: the power-law fit's index range LO,HI (default: without the top 5% and the bottom 20%).")]
Noise = Annotated[float, typer.Option("--noise", help="Noise scale σ: K = ½‖B·A − M‖²/σ².")]
PriorVar = Annotated[float, typer.Option("--prior-var", help="Prior variance of every entry of A and B.")]
NMin = Annotated[float, typer.Option("--n-min", help="Smallest n.")]
NMax = Annotated[float, typer.Option("--n-max", help="Largest n.")]
PerDecade = Annotated[int, typer.Option("--per-decade", help="Points of n per decade.")]
Tolerance = Annotated[float, typer.Option("--tolerance", help="δ: a truncation holds where |λ_eff − n·L0(i0) − λ(i0)| ≤ δ·λ(i0).")]
Method = Annotated[str, typer.Option("--method", help="auto (exact engine where it applies and d ≤ 16, else Gibbs), exact, or gibbs.")]
Chains = Annotated[int, typer.Option("--chains", help="Gibbs chains per n (even, ≥ 4).")]
Sweeps = Annotated[int, typer.Option("--sweeps", help="Gibbs sweeps per chain.")]
FreeEnergy = Annotated[bool, typer.Option("--free-energy/--no-free-energy", help="Also F(n) by thermodynamic integration (about 2× the time).")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of every draw.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")]
ReportDir = Annotated[Path | None, typer.Option("--report", help="Also write DIR/report.html (figures) and DIR/report.json.")]


MAX_MAP_WIDTH = 4_096


def checked_model(inputs: int | None, outputs: int | None, hidden: int, alpha: float | None, scale: float, singular_values: str | None,
           matrix: str | None, bulk: str | None, noise: float, prior_var: float) -> LoraModel:  # fmt: skip
    from proofs_checks.scenarios import lora

    given = [name for name, value in [("--alpha", alpha), ("--singular-values", singular_values), ("--matrix", matrix)] if value is not None]
    if len(given) != 1:
        raise UserError("give exactly one target: --alpha (a power law), --singular-values or --matrix FILE[:TENSOR]"
                        + (f"; got {', '.join(given)}" if given else ""))  # fmt: skip
    if bulk is not None and matrix is None:
        raise UserError("--bulk goes with --matrix (the range of the power-law fit)")
    with user_errors():
        if matrix is not None:
            if inputs is not None or outputs is not None:
                raise UserError("--matrix sets d_in and d_out from the matrix's shape: drop --inputs/--outputs")
            path, _, tensor = matrix.rpartition(":") if ":" in matrix and not Path(matrix).is_file() else (matrix, "", "")
            span = None
            if bulk is not None:
                ends = int_list(bulk, "--bulk")
                if len(ends) != 2:
                    raise UserError(f"--bulk takes two indices LO,HI, got {bulk!r}")
                span = (ends[0], ends[1])
            return lora.matrix_model(path, tensor or None, hidden, noise, prior_var, span)
        if inputs is None:
            raise UserError("give --inputs (and --outputs, default d_in) with --alpha or --singular-values")
        outputs = inputs if outputs is None else outputs
        if alpha is not None:
            return lora.power_law_model(inputs, outputs, hidden, alpha, scale, noise, prior_var)
        values = float_list(singular_values or "", "--singular-values")
        return lora.LoraModel(inputs, outputs, hidden, tuple(values), noise, prior_var)


def checked_grid(model: LoraModel, n_min: float, n_max: float, per_decade: int, method: str, tolerance: float) -> list[float]:
    """The n grid, after checking the method and the tolerance: every mistake a :class:`UserError` before any work."""
    from proofs_checks.scenarios import lora

    with user_errors():
        ns = lora.n_grid(n_min, n_max, per_decade)
        lora.choose_method(model, method)
        if not 0 < tolerance < 1:
            raise ValueError(f"--tolerance must lie in (0, 1), got {tolerance}")
    return ns


def run_lora(model: LoraModel, ns: list[float], options: dict[str, Any], tolerance: float) -> LoraResult:
    from proofs_checks.scenarios import lora

    with progress_bar(
        TextColumn("[progress.description]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), TimeRemainingColumn(),
    ) as bar, user_errors():  # fmt: skip
        task = bar.add_task("true curve", total=None)
        return lora.run(model, ns, tolerance=tolerance, progress=lambda done, total: bar.update(task, completed=done, total=total), **options)


def _render(result: LoraResult) -> None:
    model, curve = result.model, result.curve
    stdout.print(f"[bold]LoRA question: {model.inputs} → {model.hidden} → {model.outputs}, σ = {model.noise:g}, target rank {model.rank}[/bold]")
    stdout.print(f"  L0 = ½Σ_(i>r) s_i²/σ² = {model.minimum_loss:.8g} (exact); truth: {curve.kind} ({curve.settings['method']})")
    stdout.print(f"{'n':>9} {'F(n)':>26} {'λ_eff = n·E[K]':>24} {'λ_eff − n·L0':>22} {'C(n)':>20}  health")
    for p in curve.points:
        stdout.print(f"{p.n:>9.3g} {'—' if p.free_energy is None else str(p.free_energy):>26} {p.lambda_eff!s:>24} {p.excess!s:>22} "
                     f"{p.heat_capacity!s:>20}  " + ("ok" if p.healthy else "[bold red]UNHEALTHY[/bold red]"))  # fmt: skip
    stdout.print(f"  truncations i0 = 0..{model.rank}: λ(i0) exact (Aoyagi & Watanabe 2005; regular for i0 > r), windows at δ = {result.tolerance:.0%}:")
    shown = [v for v in result.verdicts if v.decades >= 0.5 or v.truncation.i0 in (0, model.hidden, model.rank)]
    for v in shown:
        windows = "; ".join(str(w) for w in v.windows) or "none"
        stdout.print(f"    i0 = {v.truncation.i0:>4}  λ = {str(v.truncation.lam):>9}  L0(i0) = {v.truncation.minimum_loss:<10.4g} {windows}")
    short = sum(1 for v in result.verdicts if v.windows and v not in shown)
    if short:
        stdout.print(f"    ({short} more truncations hold over less than half a decade: see --json or --report)")
    stdout.print("  findings:")
    for line in result.findings():
        stdout.print(f"    {line}")
    stdout.print(f"  ({curve.seconds:.1f} s)")


def lora(
    hidden: Hidden,
    inputs: Inputs = None,
    outputs: Outputs = None,
    alpha: Alpha = None,
    scale: Scale = 1.0,
    singular_values: Values = None,
    matrix: Matrix = None,
    bulk: Bulk = None,
    noise: Noise = 1.0,
    prior_var: PriorVar = 1.0,
    n_min: NMin = 1.0,
    n_max: NMax = 1e8,
    per_decade: PerDecade = 2,
    tolerance: Tolerance = 0.10,
    method: Method = "auto",
    chains: Chains = 8,
    sweeps: Sweeps = 600,
    free_energy: FreeEnergy = True,
    seed: Seed = 0,
    report: ReportDir = None,
    as_json: JsonOption = False,
) -> int:
    """Does any truncation of the target's spectrum describe the Bayesian free energy of a rank-r factorisation B·A?
    The true curve (exact-kernel Gibbs, or the exact engine), every truncation's SLT prediction, their windows of
    validity, local exponents and visibility thresholds. Exit code 4 when a point of the curve is unhealthy (it is
    reported and left out of the verdicts)."""

    model = checked_model(inputs, outputs, hidden, alpha, scale, singular_values, matrix, bulk, noise, prior_var)
    ns = checked_grid(model, n_min, n_max, per_decade, method, tolerance)
    if report is not None:
        writable_folder(report, "--report")
    options = {"method": method, "chains": chains, "sweeps": sweeps, "free_energy": free_energy, "per_decade": per_decade, "seed": seed}
    result = run_lora(model, ns, options, tolerance)
    written = None
    if report is not None:
        from proofs_checks.report import write_report
        from proofs_checks.scenarios.lora_report import report as lora_report

        written = write_report(lora_report(result), report)
    from proofs_checks.report import versions

    payload = {**result.as_dict(), "versions": versions(), "report": None if written is None else [str(p) for p in written]}

    def render() -> None:
        _render(result)
        if written:
            stdout.print(f"wrote {written[0]} and {written[1]}")

    emit(payload, as_json, render)
    from proofs_checks.cli.llc import EXIT_UNHEALTHY

    return 0 if all(p.healthy for p in result.curve.points) else EXIT_UNHEALTHY
