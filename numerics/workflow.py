"""One call from a model to λ̂ with its diagnostics: calibrate ε, run SGLD chains, estimate.

Defaults (each recorded in the result):
- nβ = n/log n (Watanabe's WBIC temperature β = 1/log n, with n the dataset size);
- γ = 1 (Furman & Lau 2024, arXiv:2402.03698, for deep linear networks);
- ε from ``calibrate_step_size`` unless given: the MALA acceptance of SGLD's moves in the posterior's
  bulk that implies a 2% discretisation bias for this many parameters (``numerics.calibration``);
- 4 chains; the calibration pilot (Langevin time ε·steps = 0.5) is the burn-in, then as many steps
  as cover a Langevin time ε·steps of ``langevin_time`` = 0.5 (between 1,000 and 200,000; a
  localised direction relaxes in a time of about 2/γ, so raise it for larger networks), of which the first 20% are discarded
  too; with a given ε, the first half of the steps is the burn-in; minibatches of 500 (the full data
  if smaller);
- every 10 steps, the full-data loss (for the heat capacity C = Var[nβ·L_n], checked against λ̂) and
  the MALA acceptance of a move from the current state (the step-size diagnostic: a result whose
  acceptance implies more than 5% bias is unhealthy).
"""

from __future__ import annotations

import math
import time
from typing import Any, NamedTuple

import jax
import numpy as np

from numerics.base import PyTree, as_key
from numerics.calibration import (
    StepSizeCalibration,
    acceptance_for_bias,
    bias_from_acceptance,
    calibrate_step_size,
    parameter_count,
    target_acceptance,
)
from numerics.chains import Progress, run_chains
from numerics.estimate import Estimate
from numerics.estimators import agreement, heat_capacity, llc
from numerics.models import Loss
from numerics.posterior import LocalPosterior, data_size
from numerics.samplers.sgld import draw_batch, langevin_acceptance, sgld

BIAS_BUDGET = 0.02  # calibration aims at a 2% SGLD discretisation bias ...
BIAS_ALARM = 0.05  # ... and a run whose measured acceptance implies more than 5% is unhealthy
LANGEVIN_TIME = 0.5
MIN_STEPS, MAX_STEPS = 1_000, 200_000
MAX_CHAINS = 1_024  # chains run side by side in memory
MAX_GIVEN_STEPS = 10_000_000  # steps per chain a caller may ask for (step counters are 32-bit inside jit)


class LLCResult(NamedTuple):
    llc: Estimate  # λ̂ from the energy, the headline number
    heat_capacity: Estimate  # Var[nβ·L_n], a second estimate of λ in the SLT regime
    agreement: dict[str, Any]  # do the two agree within their errors?
    calibration: StepSizeCalibration | None  # None when ε was given
    mala_acceptance: float  # mean MALA acceptance of SGLD's moves after burn-in, the step-size diagnostic
    min_acceptance: float  # the acceptance below which the implied bias exceeds BIAS_ALARM (for this dimension)
    bias_estimate: float  # SGLD's relative bias implied by mala_acceptance (Gaussian approximation)
    settings: dict[str, Any]
    seconds: float

    @property
    def healthy(self) -> bool:
        return self.llc.healthy and self.agreement["agree"] and self.mala_acceptance >= self.min_acceptance

    def warnings(self) -> list[str]:
        notes = list(self.llc.diagnostics["warnings"])
        if not self.agreement["agree"]:
            notes.append(
                f"λ̂ = {self.llc} and the heat capacity C = {self.heat_capacity} disagree (z = {self.agreement['z']:.1f}): "
                "not in the SLT regime at this nβ, or not mixed"
            )
        if self.mala_acceptance < self.min_acceptance:
            notes.append(
                f"MALA would accept only {self.mala_acceptance:.3f} of SGLD's moves (< {self.min_acceptance:.3f}), "
                f"implying a discretisation bias of ~{100 * self.bias_estimate:.0f}%: ε is too large and λ̂ is biased upwards"
            )
        if self.calibration is not None and self.calibration.truncated:
            notes.append("the step-size pilot stopped at its step limit before reaching the posterior's bulk")
        return notes


def default_nbeta(n: int) -> float:
    """n/log n, the WBIC inverse temperature times n."""
    if n < 2:
        raise ValueError(f"the default nβ = n/log n needs a dataset of at least 2 examples, got n = {n}")
    return n / math.log(n)


def estimate_llc(
    loss: Loss,
    center: PyTree,
    data: PyTree,
    *,
    seed: int = 0,
    nbeta: float | None = None,
    gamma: float = 1.0,
    step_size: float | None = None,
    num_chains: int = 4,
    num_steps: int | None = None,
    burn_in: int | None = None,
    batch_size: int | None = 500,
    record_every: int = 10,
    target: float | None = None,
    langevin_time: float = LANGEVIN_TIME,
    progress: Progress | None = None,
) -> LLCResult:
    """λ̂ at ``center`` = w* for ``loss(params, batch)`` on ``data``; see the module docstring for defaults."""
    if not 0 < langevin_time < math.inf:
        raise ValueError(f"langevin_time must be positive and finite, got {langevin_time!r}")
    if step_size is not None and not 0 < step_size < math.inf:
        raise ValueError(f"step_size must be positive and finite, got {step_size!r}")
    if isinstance(num_chains, bool) or not isinstance(num_chains, int) or not 1 <= num_chains <= MAX_CHAINS:
        raise ValueError(f"num_chains must be an integer from 1 to {MAX_CHAINS}, got {num_chains!r}")
    if num_steps is not None and (isinstance(num_steps, bool) or not isinstance(num_steps, int) or not 1 <= num_steps <= MAX_GIVEN_STEPS):
        raise ValueError(f"num_steps must be an integer from 1 to {MAX_GIVEN_STEPS}, got {num_steps!r}")
    if burn_in is not None and (burn_in < 0 or (num_steps is not None and burn_in >= num_steps)):  # before calibrating
        raise ValueError(f"burn_in must be between 0 and num_steps = {num_steps} (exclusive), got {burn_in}")
    start = time.perf_counter()
    n = data_size(data)
    nbeta = default_nbeta(n) if nbeta is None else float(nbeta)
    posterior = LocalPosterior(loss, data, center, nbeta, gamma)
    batch = None if batch_size is None or n == 0 or batch_size >= n else batch_size
    calibration_key, chain_key = jax.random.split(as_key(seed))
    calibration = None
    dim = parameter_count(center)
    target = target_acceptance(dim, BIAS_BUDGET) if target is None else target
    if step_size is None:
        calibration = calibrate_step_size(
            posterior, calibration_key, target=target, batch_size=batch, num_chains=num_chains
        )
        step_size = calibration.step_size
    if num_steps is None:
        num_steps = int(min(MAX_STEPS, max(MIN_STEPS, round(langevin_time / step_size / record_every) * record_every)))
    if burn_in is None:
        burn_in = num_steps // 5 if calibration is not None else num_steps // 2
    if not 0 <= burn_in < num_steps:
        raise ValueError(f"burn_in must be between 0 and num_steps = {num_steps} (exclusive), got {burn_in}")

    def record(key: jax.Array, position: PyTree) -> dict[str, jax.Array]:
        batch_key, move_key = jax.random.split(key)
        alpha, _ = langevin_acceptance(posterior, move_key, position, draw_batch(batch_key, data, batch), step_size)
        return {"full_loss": posterior.full_loss(position), "acceptance": alpha}

    trace = run_chains(
        sgld(posterior, step_size, batch),
        chain_key,
        center if calibration is None else calibration.positions,
        num_chains,
        num_steps,
        batched_start=calibration is not None,
        record=record,
        record_every=record_every,
        progress=progress,
    )
    loss_at_center = float(posterior.full_loss(center))
    estimate = llc(trace.info["loss"], loss_at_center, nbeta, burn_in)
    capacity = heat_capacity(trace.records["full_loss"], nbeta, burn_in // record_every)
    acceptance = float(trace.records["acceptance"][:, burn_in // record_every :].mean())
    settings = {
        "seed": seed,
        "n": n,
        "nbeta": nbeta,
        "gamma": gamma,
        "step_size": step_size,
        "step_size_source": "calibrated" if calibration else "given",
        "chains": num_chains,
        "steps": num_steps,
        "burn_in": burn_in,
        "pilot_steps": 0 if calibration is None else calibration.pilot_steps,
        "batch_size": batch if batch is not None else n,
        "record_every": record_every,
        "langevin_time": langevin_time,
        "sampler": "SGLD",
        "parameters": dim,
        "target_acceptance": target if calibration is not None else None,
    }
    return LLCResult(
        estimate,
        capacity,
        agreement(estimate, capacity),
        calibration,
        acceptance,
        acceptance_for_bias(dim, BIAS_ALARM),
        bias_from_acceptance(dim, acceptance),
        settings,
        time.perf_counter() - start,
    )


def summary_row(result: LLCResult) -> dict[str, Any]:
    """The headline figures of a result, JSON-ready."""
    return {
        "llc": result.llc.as_dict(),
        "heat_capacity": result.heat_capacity.as_dict(),
        "agreement": result.agreement,
        "mala_acceptance": float(result.mala_acceptance),
        "min_acceptance": float(result.min_acceptance),
        "bias_estimate": float(result.bias_estimate),
        "calibration": None if result.calibration is None else result.calibration.as_dict(),
        "settings": result.settings,
        "healthy": bool(result.healthy),
        "warnings": result.warnings(),
        "seconds": float(np.round(result.seconds, 3)),
    }
