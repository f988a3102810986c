"""``sltv llc``: the sampled local learning coefficient λ̂, beside the exact λ where theory knows it."""

from __future__ import annotations

import importlib.metadata
import math
import platform
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

import theory
from proofs_checks.cli._common import UserError, emit, float_list, int_list, progress_bar, stdout, user_errors

if TYPE_CHECKING:  # jax and numerics load when a command runs, not when `sltv` starts
    import numerics

app = typer.Typer(help="Sampled local learning coefficient λ̂ (SGLD, calibrated step size, R-hat/ESS).", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")]
Seed = Annotated[int, typer.Option("--seed", help="Seed of every random choice (data, teacher, chains).")]
Chains = Annotated[int, typer.Option("--chains", help="Number of chains, run in parallel.")]
Steps = Annotated[int | None, typer.Option("--steps", help="SGLD steps per chain (default: a Langevin time of 0.5).")]
Eps = Annotated[float | None, typer.Option("--eps", help="SGLD step size ε (default: calibrated by MALA acceptance).")]
Gamma = Annotated[float, typer.Option("--gamma", help="Localization strength γ.")]
NBeta = Annotated[float | None, typer.Option("--nbeta", help="Inverse temperature times n (default n/log n).")]
BatchSize = Annotated[int, typer.Option("--batch", help="Minibatch size (the full data if larger).")]
BurnIn = Annotated[int | None, typer.Option("--burn-in", help="Steps discarded at the start of each chain.")]

_KINDS = {"llc": "sampled", "heat_capacity": "sampled", "theory": "exact learning coefficient"}


def _positive(value: Any, option: str) -> None:
    if value is not None and not 0 < value < math.inf:
        raise UserError(f"{option} must be positive and finite, got {value}")


def _run(loss, center, data, *, seed, chains, steps, eps, gamma, nbeta, batch, burn_in) -> numerics.LLCResult:
    import numerics

    for value, option in [(chains, "--chains"), (steps, "--steps"), (eps, "--eps"), (nbeta, "--nbeta"), (batch, "--batch")]:
        _positive(value, option)  # their upper bounds are estimate_llc's own (num_chains, num_steps)
    if not 0 <= gamma < math.inf:
        raise UserError(f"--gamma must be non-negative and finite, got {gamma}")
    with progress_bar(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} steps"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ) as bar:
        task = bar.add_task("calibrating ε", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, description="sampling", completed=done, total=total)

        with user_errors():
            return numerics.estimate_llc(
                loss, center, data, seed=seed, nbeta=nbeta, gamma=gamma, step_size=eps, num_chains=chains,
                num_steps=steps, burn_in=burn_in, batch_size=batch, progress=progress,
            )  # fmt: skip


def _versions() -> dict[str, str]:
    import jax

    names = ["slt-verifier", "jax", "jaxlib", "blackjax", "arviz", "numpy"]
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return {**found, "python": platform.python_version(), "device": jax.devices()[0].platform}


MAX_N = 10_000_000  # examples drawn for a teacher
MAX_PARAMETERS = 50_000_000  # a deep linear student: 4 chains of float32 copies and their gradients fit in memory
EXIT_UNHEALTHY = 4  # the estimate is printed, but a chain failed, R-hat > 1.05, λ̂ and C disagree or the bias is too large


def _bias(result: numerics.LLCResult, reference: numerics.GibbsPoint) -> dict[str, Any]:
    """SGLD's λ̂ against the exact-kernel λ at the same nβ, γ and data: difference, relative, z."""
    est, ref = result.llc, reference.lambda_eff
    difference = est.value - ref.value
    scale = math.hypot(est.stderr, ref.stderr)
    return {
        "difference": difference,
        "relative": difference / ref.value if ref.value else math.nan,
        "z": abs(difference) / scale if scale > 0 else math.inf,
    }


def _report(
    result: numerics.LLCResult,
    title: str,
    truth: theory.LearningCoefficient | None,
    extra: dict[str, Any],
    as_json: bool,
    reference: numerics.GibbsPoint | None = None,
) -> int:
    """Print the result; the exit code: 0 healthy, :data:`EXIT_UNHEALTHY` otherwise (an unhealthy reference
    included)."""
    import numerics

    payload = {
        **numerics.summary_row(result),
        "theory": None if truth is None else {**truth.as_dict()},
        "model": extra,
        "versions": _versions(),
        "kinds": _KINDS,
    }
    if reference is not None:
        payload["reference"] = {**reference.as_dict(), "nbeta": reference.n, "sgld_bias": _bias(result, reference)}

    def render() -> None:
        est, cap, s = result.llc, result.heat_capacity, result.settings
        stdout.print(f"[bold]{title}[/bold]")
        if truth is not None:
            stdout.print(f"  λ ({truth.status.value}, {truth.method})      = {truth.lam}  (≈ {float(truth.lam):.6g}), m = {truth.multiplicity}")
        stdout.print(f"  λ̂ (sampled)          = [bold]{est.value:.4g} ± {est.stderr:.2g}[/bold]  (R-hat {est.rhat:.3f}, ESS {est.ess:.0f})")
        stdout.print(f"  C = Var\\[nβ·L_n] (sampled) = {cap.value:.4g} ± {cap.stderr:.2g}  (agrees with λ̂: {'yes' if result.agreement['agree'] else 'no'})")
        source = "calibrated" if result.calibration is not None else "given"
        stdout.print(
            f"  SGLD: ε = {s['step_size']:.3g} ({source}), MALA acceptance {result.mala_acceptance:.3f} "
            f"(implied bias ~{100 * result.bias_estimate:.1f}%), nβ = {s['nbeta']:.6g}, "
            f"γ = {s['gamma']}, {s['chains']} chains × {s['steps']} steps (burn-in {s['burn_in']}), batch {s['batch_size'] or 'none (no data)'}, seed {s['seed']}"
        )
        if reference is not None:
            ref, bias = reference.lambda_eff, _bias(result, reference)
            stdout.print(
                f"  λ at the same nβ, γ and data (sampled, exact kernel: blocked Gibbs, no step size) = "
                f"{ref.value:.4g} ± {ref.stderr:.2g}  (R-hat {ref.rhat:.3f}, {'ok' if reference.healthy else 'UNHEALTHY'})"
            )
            stdout.print(
                f"  SGLD bias against it: {bias['difference']:+.3g} ({100 * bias['relative']:+.1f}%), z = {bias['z']:.1f}"
            )
        stdout.print(f"  health: {'ok' if healthy else '[bold red]UNHEALTHY[/bold red]'}")
        for note in result.warnings() + ([] if reference is None else [f"reference: {w}" for w in reference.warnings()]):
            stdout.print(f"  warning: {note}")
        stdout.print(f"  ({result.seconds:.1f} s)")

    healthy = result.healthy and (reference is None or reference.healthy)
    payload["healthy"] = healthy
    emit(payload, as_json, render)
    return 0 if healthy else EXIT_UNHEALTHY


@app.command("deep-linear")
def deep_linear(
    widths: Annotated[str, typer.Option("--widths", help="Layer widths input → output, e.g. 5,3,4,6.")],
    rank: Annotated[int, typer.Option("--rank", help="Rank r of the teacher's product.")],
    n: Annotated[int, typer.Option("--n", help="Number of noise-free teacher–student examples.")] = 10_000,
    seed: Seed = 0,
    chains: Chains = 4,
    steps: Steps = None,
    eps: Eps = None,
    gamma: Gamma = 1.0,
    nbeta: NBeta = None,
    batch: BatchSize = 500,
    burn_in: BurnIn = None,
    reference: Annotated[bool, typer.Option("--reference/--no-reference", help="Also the exact-kernel (Gibbs) λ at the same nβ, γ and data, and SGLD's bias against it.")] = True,
    reference_sweeps: Annotated[int, typer.Option("--reference-sweeps", help="Gibbs sweeps per chain of the reference (half burn-in).")] = 400,
    as_json: JsonOption = False,
) -> int:
    """λ̂ of a deep linear network at a teacher of rank r, beside Aoyagi's exact λ and the exact-kernel λ at the
    same nβ (blocked Gibbs on the same localized posterior: SGLD's bias is their difference)."""
    from proofs_checks.sampling import samplable
    from proofs_checks.spec import Spec

    sizes = int_list(widths, "--widths")
    with user_errors():
        truth = theory.deep_linear(sizes, rank)
        if not 2 <= n <= MAX_N:
            raise ValueError(f"--n must be from 2 to {MAX_N}, got {n}")
        parameters = sum(a * b for a, b in zip(sizes, sizes[1:]))
        if parameters > MAX_PARAMETERS:
            raise ValueError(f"--widths {widths} has {parameters} parameters; at most {MAX_PARAMETERS} are sampled here")
        model, teacher, data, _ = samplable(Spec("deep_linear", {"widths": sizes, "rank": rank}, sampler={"n": n}), seed)
    result = _run(model, teacher, data, seed=seed, chains=chains, steps=steps, eps=eps, gamma=gamma, nbeta=nbeta,
                  batch=batch, burn_in=burn_in)  # fmt: skip
    extra = {"family": "deep_linear", "widths": sizes, "rank": rank, "n": n, "noise": 0.0}
    gibbs = _reference(data, teacher, sizes, result, seed, reference_sweeps) if reference else None
    return _report(result, f"Deep linear network {sizes}, teacher rank {rank}, n = {n}", truth, extra, as_json, gibbs)


def _reference(data, teacher, sizes: list[int], result: numerics.LLCResult, seed: int, sweeps: int) -> numerics.GibbsPoint | None:
    """Blocked Gibbs on the posterior SGLD sampled: exp(−nβ·L_n(w) − (γ/2)‖w − w*‖²) with the same data (L_n is
    the mean of ½‖y − f(x)‖², a quadratic form in each layer); None when γ = 0 (no Gaussian prior)."""
    import numpy as np

    import numerics

    gamma, nbeta = result.settings["gamma"], result.settings["nbeta"]
    if gamma <= 0:
        return None
    with user_errors():
        problem = numerics.data_problem(np.asarray(data["x"]), np.asarray(data["y"]))
        with progress_bar(TextColumn("exact-kernel reference"), BarColumn(), TimeElapsedColumn()) as bar:
            task = bar.add_task("reference", total=None)
            return numerics.local_learning_coefficient(
                problem, sizes, [np.asarray(w) for w in teacher], nbeta, gamma, sweeps=sweeps, seed=seed,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip


@app.command()
def polynomial(
    expression: Annotated[str, typer.Argument(help="The loss K(w), e.g. 'x**2*y**2'.")],
    n: Annotated[int, typer.Option("--n", help="Sample size n (sets the default nβ = n/log n).")] = 10_000,
    variables: Annotated[str | None, typer.Option("--vars", help="Variable order, e.g. x,y.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="The point w*, e.g. 0,0 (default the origin).")] = None,
    seed: Seed = 0,
    chains: Chains = 4,
    steps: Steps = None,
    eps: Eps = None,
    gamma: Gamma = 1.0,
    nbeta: NBeta = None,
    burn_in: BurnIn = None,
    as_json: JsonOption = False,
) -> int:
    """λ̂ of a polynomial potential K at w*, beside its Newton-polyhedron λ (γ acts as a Gaussian prior)."""
    import jax.numpy as jnp

    import numerics

    names = None if variables is None else variables.split(",")
    with user_errors():
        loss, names = numerics.polynomial_potential(theory.read_expression(expression, names, what="the loss K"), names)
        point = [0.0] * len(names) if at is None else float_list(at, "--at")
        if len(point) != len(names):
            raise ValueError(f"--at needs {len(names)} coordinates for variables {names}, got {at!r}")
        if not 2 <= n <= MAX_N:
            raise ValueError(f"--n must be from 2 to {MAX_N}, got {n}")
    center = jnp.asarray(point, dtype=jnp.float32)
    nbeta = nbeta if nbeta is not None else numerics.default_nbeta(n)
    result = _run(loss, center, None, seed=seed, chains=chains, steps=steps, eps=eps, gamma=gamma, nbeta=nbeta,
                  batch=1, burn_in=burn_in)  # fmt: skip
    try:
        truth = theory.newton_rlct(expression, names, at=[str(x) for x in point] if at is not None else None).coefficient
    except ValueError:
        truth = None
    extra = {"family": "polynomial", "expression": expression, "variables": names, "at": point, "n": n}
    return _report(result, f"Polynomial potential K = {expression} at w* = {point}", truth, extra, as_json)


@app.command()
def network(
    params: Annotated[str, typer.Option("--params", help="Weights (.npz or .safetensors): 2-D weights, 1-D biases, in order.")],
    data: Annotated[str, typer.Option("--data", help="Data (.npz or .safetensors) with arrays x and y.")],
    loss: Annotated[str, typer.Option("--loss", help="mse or cross-entropy.")] = "mse",
    activation: Annotated[str, typer.Option("--activation", help="relu, tanh, gelu or identity.")] = "relu",
    seed: Seed = 0,
    chains: Chains = 4,
    steps: Steps = None,
    eps: Eps = None,
    gamma: Gamma = 1.0,
    nbeta: NBeta = None,
    batch: BatchSize = 500,
    burn_in: BurnIn = None,
    as_json: JsonOption = False,
) -> int:
    """λ̂ of a multilayer perceptron at the given weights on the given data."""
    from proofs_checks.sampling import samplable
    from proofs_checks.spec import Spec

    if loss not in ("mse", "cross-entropy"):
        raise UserError(f"--loss must be mse or cross-entropy, got {loss!r}")
    spec = Spec("network", {"params": params, "activation": activation, "loss": loss}, data={"path": data})
    with user_errors():
        model, center, batch_data, _ = samplable(spec)
    result = _run(model, center, batch_data, seed=seed, chains=chains, steps=steps, eps=eps, gamma=gamma, nbeta=nbeta,
                  batch=batch, burn_in=burn_in)  # fmt: skip
    extra = {"family": "mlp", "params": params, "data": data, "loss": loss, "activation": activation}
    return _report(result, f"Network {params} on {data} ({loss}, {activation})", None, extra, as_json)
