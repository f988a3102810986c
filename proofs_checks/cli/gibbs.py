"""``sltv gibbs``: λ_eff(n), C(n) and F(n) of linear networks at any width, from exact-kernel Gibbs sampling."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

import theory
from proofs_checks.cli._common import UserError, emit, float_list, int_list, progress_bar, stdout, user_errors

if TYPE_CHECKING:  # jax and numerics load when a command runs, not when `sltv` starts
    from numerics.gibbs_thermodynamics import GibbsResult
    from numerics.samplers.gibbs import LinearProblem

app = typer.Typer(
    help="Exact-kernel (blocked Gibbs) sampling of linear networks with Gaussian priors: λ_eff(n), C(n), F(n) with errors.",
    no_args_is_help=True,
)

N = Annotated[str, typer.Option("--n", help="Sample sizes n (the inverse temperature, β = 1), e.g. 1e2,1e4,1e6.")]
SingularValues = Annotated[str | None, typer.Option("--singular-values", help="The target's singular values, e.g. 1,0.5,0.1.")]
PriorVar = Annotated[str, typer.Option("--prior-var", help="Prior variance: one, or one per layer (input first).")]
Chains = Annotated[int, typer.Option("--chains", help="Chains per n (even, ≥ 4): half from prior draws, half from a best fit.")]
Sweeps = Annotated[int, typer.Option("--sweeps", help="Gibbs sweeps per chain (each draws every layer once).")]
BurnIn = Annotated[int | None, typer.Option("--burn-in", help="Sweeps discarded at the start (default half).")]
PerDecade = Annotated[int, typer.Option("--per-decade", help="Rungs per decade of the thermodynamic-integration ladder.")]
FreeEnergy = Annotated[bool, typer.Option("--free-energy/--no-free-energy", help="Also F(n) by thermodynamic integration (a ladder of temperatures).")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of every draw.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")]

KIND = "sampled (exact kernel)"
_KINDS = {
    "lambda_eff": KIND, "heat_capacity": KIND, "excess_free_energy": KIND + "; quadrature error stated separately",
    "minimum_loss": "exact", "prior_mean_loss": "exact", "slt": "exact learning coefficient; λ_SLT(n), F_SLT(n) asymptotic",
}  # fmt: skip
MAX_SPECTRUM = 65_536


def powerlaw_spectrum(text: str, size: int) -> list[float]:
    """``powerlaw:alpha=A[,scale=c]`` → s_i = c·i^(−A), i = 1..``size``; anything else is a :class:`UserError`."""
    match = re.fullmatch(r"powerlaw:(.*)", text.strip())
    fields: dict[str, float] = {}
    if match:
        for part in match.group(1).split(","):
            name, _, value = part.partition("=")
            try:
                fields[name.strip()] = float(value)
            except ValueError:
                match = None
                break
    if not match or "alpha" not in fields or not set(fields) <= {"alpha", "scale"}:
        raise UserError(f"--spectrum expects powerlaw:alpha=A[,scale=c], e.g. powerlaw:alpha=0.4,scale=1, got {text!r}")
    alpha, scale = fields["alpha"], fields.get("scale", 1.0)
    if not (0 <= alpha <= 100 and 0 < scale <= 1e100):
        raise UserError(f"--spectrum needs 0 ≤ alpha ≤ 100 and 0 < scale ≤ 1e100, got alpha = {alpha}, scale = {scale}")
    return [scale * i ** (-alpha) for i in range(1, size + 1)]


def _values(text: str, fit: int) -> list[float]:
    values = float_list(text, "--singular-values")
    if any(v < 0 for v in values):
        raise UserError(f"--singular-values must be non-negative, got {text!r}")
    if len(values) > fit:
        raise UserError(f"--singular-values lists {len(values)} values; a {fit}-wide target has at most {fit}")
    return values


def _n_values(text: str) -> list[float]:
    from numerics.gibbs_thermodynamics import MAX_N

    values = float_list(text, "--n")
    if any(not 0 < v <= MAX_N for v in values):
        raise UserError(f"--n must be positive and at most {MAX_N:g}, got {text!r}")
    return values


def _variances(text: str) -> float | list[float]:
    values = float_list(text, "--prior-var")
    if any(not 0 < v <= 1e100 for v in values):
        raise UserError(f"--prior-var must be positive (at most 1e100), got {text!r}")
    return values[0] if len(values) == 1 else values


def _sample(problem: LinearProblem, widths: list[int], ns: list[float], options: dict[str, Any]) -> GibbsResult:
    from numerics.gibbs_thermodynamics import gibbs_thermodynamics

    with progress_bar(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        TextColumn("{task.completed}/{task.total} rung-sweeps"), TimeElapsedColumn(), TimeRemainingColumn(),
    ) as bar, user_errors():  # fmt: skip
        task = bar.add_task("Gibbs sweeps", total=None)
        return gibbs_thermodynamics(
            problem, widths, ns, progress=lambda done, total: bar.update(task, completed=done, total=total), **options
        )


def _slt_columns(lc: theory.LearningCoefficient | None, n: float) -> tuple[float, float]:
    """(λ_SLT(n) = λ − (m−1)/log n, F_SLT(n) − n·L0 = λ·log n − (m−1)·log log n), asymptotic; NaN without λ."""
    if lc is None or n <= math.e:
        return math.nan, math.nan
    lam, m = float(lc.lam), lc.multiplicity
    return lam - (m - 1) / math.log(n), lam * math.log(n) - (m - 1) * math.log(math.log(n))


def _report(title: str, result: GibbsResult, lc: theory.LearningCoefficient | None, lc_note: str, model: dict[str, Any], as_json: bool) -> int:
    from proofs_checks.cli.llc import EXIT_UNHEALTHY, _versions

    payload = {
        **result.as_dict(),
        "slt": ({**lc.as_dict(), "lambda_slt": [_slt_columns(lc, p.n)[0] for p in result.points],
                 "excess_free_energy_slt": [_slt_columns(lc, p.n)[1] for p in result.points]}  # fmt: skip
                if lc is not None else {"unavailable": lc_note}),
        "model": model,
        "versions": _versions(),
        "kinds": _KINDS,
    }

    def render() -> None:
        s = result.settings
        stdout.print(f"[bold]{title}[/bold]")
        if lc is not None:
            stdout.print(f"  SLT: λ = {lc.lam} (≈ {float(lc.lam):.6g}), m = {lc.multiplicity} ({lc.status.value}, {lc.method}; {lc.source})")
        else:
            stdout.print(f"  SLT: {lc_note}")
        stdout.print(f"  L0 = min K = {result.minimum_loss:.10g} (exact);  E_0[K] = {result.prior_mean_loss:.6g} under the prior (exact)")
        fe = s["free_energy"]
        stdout.print(f"{'n':>10} {'λ_eff (sampled)':>22} {'C (sampled)':>20} " + (f"{'F − n·L0 (sampled)':>30} " if fe else "")
                     + f"{'λ_SLT(n)':>10} " + (f"{'F_SLT − n·L0':>13} " if fe else "") + f"{'R-hat':>6} {'ESS':>6}  health")  # fmt: skip
        for p in result.points:
            lam, cap = p.lambda_eff, p.heat_capacity
            slt, slt_f = _slt_columns(lc, p.n)
            line = f"{p.n:>10.3g} {lam.value:>12.6g} ± {lam.stderr:<7.2g} {cap.value:>10.5g} ± {cap.stderr:<7.2g} "
            if fe:
                f = p.excess_free_energy
                line += f"{f.value:>12.7g} ± {f.stderr:<6.2g} ± {f.diagnostics['quadrature_error']:<6.1g} "
            line += f"{slt:>10.6g} " + (f"{slt_f:>13.6g} " if fe else "")
            line += f"{lam.rhat:>6.3f} {lam.ess:>6.0f}  " + ("ok" if p.healthy else "[bold red]UNHEALTHY[/bold red]")
            stdout.print(line)
        stdout.print(
            f"  {KIND}: blocked Gibbs (each layer drawn from its Gaussian conditional, no step size), {s['chains']} chains × "
            f"{s['sweeps']} sweeps (burn-in {s['burn_in']}; {s['starts']}), seed {s['seed']}, float64"
        )
        if fe:
            stdout.print(
                f"  F by thermodynamic integration over {len(result.ladder)} rungs from t = {result.ladder[0]:.3g} "
                f"({s['per_decade']} per decade): ± sampling error ± quadrature error (|Simpson − trapezoid|)"
            )
        stdout.print("  λ_SLT(n) = λ − (m−1)/log n and F_SLT − n·L0 = λ·log n − (m−1)·log log n are asymptotic (F_SLT up to O(1))")
        for p in result.points:
            for note in p.warnings():
                stdout.print(f"  warning at n = {p.n:.3g}: {note}")
        per_n = result.seconds / len(result.points)
        stdout.print(f"  ({result.seconds:.1f} s, {per_n:.1f} s per n; every n runs in one batch; {result.sweeps_per_second:,.0f} chain-sweeps/s)")

    emit(payload, as_json, render)
    return 0 if result.healthy else EXIT_UNHEALTHY


def _options(chains: int, sweeps: int, burn_in: int | None, per_decade: int, free_energy: bool, seed: int, prior_var: str) -> dict[str, Any]:
    return {"chains": chains, "sweeps": sweeps, "burn_in": burn_in, "per_decade": per_decade, "free_energy": free_energy,
            "seed": seed, "prior_var": _variances(prior_var)}  # fmt: skip


@app.command("deep-linear")
def deep_linear(
    widths: Annotated[str, typer.Option("--widths", help="Layer widths input → output, e.g. 784,64,64,10.")],
    n: N,
    rank: Annotated[int | None, typer.Option("--rank", help="Rank of the target (its singular values 1 unless given).")] = None,
    singular_values: SingularValues = None,
    prior_var: PriorVar = "1",
    chains: Chains = 8,
    sweeps: Sweeps = 1_000,
    burn_in: BurnIn = None,
    per_decade: PerDecade = 4,
    free_energy: FreeEnergy = True,
    seed: Seed = 0,
    as_json: JsonOption = False,
) -> int:
    """A deep linear network W_L⋯W_1 with the population loss ½‖W − M‖² at a target M of given rank or
    spectrum, beside Aoyagi's exact λ."""
    from numerics.samplers.gibbs import population_problem

    sizes = int_list(widths, "--widths")
    with user_errors():
        theory.deep_linear(sizes, 0)  # the widths' own checks (positive, at least two layers)
    fit = min(sizes[0], sizes[-1])
    values = _values(singular_values, fit) if singular_values is not None else None
    if rank is None and values is None:
        raise UserError("give --rank, --singular-values or both")
    nonzero = sum(v > 0 for v in values) if values is not None else rank
    if rank is not None and values is not None and rank != nonzero:
        raise UserError(f"--rank {rank} disagrees with the {nonzero} non-zero --singular-values {singular_values!r}")
    if rank is not None and not 0 <= rank <= min(sizes):
        raise UserError(f"--rank must be from 0 to the smallest width {min(sizes)}, got {rank}")
    values = values if values is not None else [1.0] * rank + ([0.0] if rank == 0 else [])
    ns = _n_values(n)
    options = _options(chains, sweeps, burn_in, per_decade, free_energy, seed, prior_var)
    with user_errors():
        problem = population_problem(singular_values=values, inputs=sizes[0], outputs=sizes[-1])
    lc, note = None, ""
    if nonzero <= min(sizes):
        lc = theory.deep_linear(sizes, nonzero)
    else:
        note = f"no learning coefficient: the target's rank {nonzero} exceeds the smallest width {min(sizes)}"
    result = _sample(problem, sizes, ns, options)
    title = f"Deep linear network {' → '.join(map(str, sizes))}, target rank {nonzero}, population loss ½‖W − M‖²"
    model = {"family": "deep_linear", "widths": sizes, "singular_values": values, "rank": nonzero}
    return _report(title, result, lc, note, model, as_json)


@app.command("two-layer")
def two_layer(
    inputs: Annotated[int, typer.Option("--inputs", help="Input width d_in.")],
    outputs: Annotated[int, typer.Option("--outputs", help="Output width d_out.")],
    hidden: Annotated[int, typer.Option("--hidden", help="Hidden width r (the LoRA rank).")],
    n: N,
    singular_values: SingularValues = None,
    spectrum: Annotated[str | None, typer.Option("--spectrum", help="powerlaw:alpha=A[,scale=c]: s_i = c·i^(−A), i = 1..min(d_in, d_out).")] = None,
    prior_var: PriorVar = "1",
    chains: Chains = 8,
    sweeps: Sweeps = 1_000,
    burn_in: BurnIn = None,
    per_decade: PerDecade = 4,
    free_energy: FreeEnergy = True,
    seed: Seed = 0,
    as_json: JsonOption = False,
) -> int:
    """The two-layer linear network B·A with the population loss ½‖B·A − M‖², sampled in M's singular basis
    (a sweep costs O(d·r²)), beside Aoyagi & Watanabe's λ (or the regular λ of the best rank-r fit)."""
    from numerics.samplers.gibbs import population_problem

    for value, option in [(inputs, "--inputs"), (outputs, "--outputs"), (hidden, "--hidden")]:
        if not 1 <= value <= MAX_SPECTRUM:
            raise UserError(f"{option} must be from 1 to {MAX_SPECTRUM}, got {value}")
    if (singular_values is None) == (spectrum is None):
        raise UserError("give exactly one of --singular-values and --spectrum")
    fit = min(inputs, outputs)
    values = _values(singular_values, fit) if singular_values is not None else powerlaw_spectrum(spectrum or "", fit)
    ns = _n_values(n)
    options = _options(chains, sweeps, burn_in, per_decade, free_energy, seed, prior_var)
    sizes = [inputs, hidden, outputs]
    with user_errors():
        problem = population_problem(singular_values=values, inputs=inputs, outputs=outputs)
    try:
        lc, note = theory.reduced_rank_for_target(inputs, outputs, hidden, values)[0], ""
    except ValueError as error:  # s_r = s_(r+1): the best rank-r fits form a continuum
        lc, note = None, f"no learning coefficient: {error}"
    result = _sample(problem, sizes, ns, options)
    shown = spectrum or f"singular values {singular_values}"
    title = f"Two-layer linear network {inputs} → {hidden} → {outputs}, target {shown}, population loss ½‖B·A − M‖²"
    model = {"family": "two_layer", "inputs": inputs, "hidden": hidden, "outputs": outputs, "singular_values": values, "spectrum": spectrum}
    return _report(title, result, lc, note, model, as_json)
