"""Automatic step-size calibration for SGLD by MALA acceptance in the bulk of the posterior.

The SGLD move w' = w − (ε/2)·∇U(w) + N(0, ε·I) is the Langevin proposal of MALA (Roberts & Tweedie
1996); its Metropolis–Hastings acceptance probability α measures how far one discretised step is from
the exact dynamics, so it is a scale-free criterion for ε. In a singular model the curvature grows away
from w* (a deep linear network's stiffness scales with the norms of the other layers, which wander along
the flat directions), so α must be measured where the posterior actually lives, not at w*.

The pilot runs SGLD itself, one chain per chain of the main run, from w*, starting from a step size
so small that every move would be accepted; after each step log ε moves by Robbins–Monro towards mean
α = ``target`` (α measured with the step's own minibatch at both ends). SGLD's bias pushes its chains
into stiffer regions than the exact posterior visits, so the acceptance is measured on SGLD's own moves.
The pilot runs for a fixed Langevin time Σε = ``pilot_time`` (it reaches the bulk whatever ε turns out
to be) and ε is the geometric mean over its second half; its final positions are in the bulk, so the
pilot doubles as the burn-in of the main run.

Which acceptance to aim at depends on the dimension d. For MALA on a d-dimensional Gaussian with
proposal variance ε·h (h the curvature), Roberts & Rosenthal (1998, JRSS B 60:255, Theorem 1 with
K = 1/4 for a Gaussian) give the acceptance a = 2Φ(−√d·(εh)^{3/2}/8), while SGLD inflates every variance
by 1/(1 − εh/4), a relative bias b = (εh/4)/(1 − εh/4) of nβ·E[L]. ``acceptance_for_bias`` turns a bias
budget into a target (2% by default: 0.997 in 2-D, 0.96 at d = 300, 0.78 at d = 10⁴; clipped to
[0.2, 0.998], the lower clip erring towards smaller steps), and ``bias_from_acceptance`` reads the
measured acceptance back as an estimated bias. In singular models this is a Gaussian approximation,
checked on the deep linear suite of ``bench/llc_dln.py``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree
from scipy.stats import norm

from numerics.base import PyTree
from numerics.chains import chain_keys
from numerics.posterior import LocalPosterior
from numerics.samplers.sgld import draw_batch, langevin_acceptance

TARGET_CLIP = (0.2, 0.998)


def acceptance_for_bias(dim: int, bias: float) -> float:
    """The MALA acceptance of SGLD-sized moves at which SGLD's relative bias of nβ·E[L] is ``bias`` on a
    ``dim``-dimensional Gaussian: 2Φ(−√d·(εh)^{3/2}/8) with εh = 4b/(1 + b) (see the module docstring)."""
    if dim < 1 or not bias > 0:
        raise ValueError(f"need dim ≥ 1 and bias > 0, got dim={dim}, bias={bias}")
    eps_h = 4 * bias / (1 + bias)
    return float(2 * norm.cdf(-(dim**0.5) * eps_h**1.5 / 8))


def bias_from_acceptance(dim: int, acceptance: float) -> float:
    """Inverse of ``acceptance_for_bias``: SGLD's relative bias implied by a measured acceptance."""
    if not 0 < acceptance < 1:
        return 0.0 if acceptance >= 1 else float("inf")
    eps_h = (-8 * norm.ppf(acceptance / 2) / dim**0.5) ** (2 / 3)
    return float((eps_h / 4) / (1 - eps_h / 4)) if eps_h < 4 else float("inf")


def parameter_count(params: PyTree) -> int:
    return int(ravel_pytree(params)[0].size)


def target_acceptance(dim: int, bias: float = 0.02) -> float:
    """``acceptance_for_bias`` clipped to ``TARGET_CLIP``."""
    low, high = TARGET_CLIP
    return min(high, max(low, acceptance_for_bias(dim, bias)))


class StepSizeCalibration(NamedTuple):
    step_size: float  # the chosen SGLD ε
    acceptance: float  # mean MALA acceptance over the pilot's second half
    target: float
    pilot_steps: int
    pilot_time: float
    truncated: bool  # the pilot hit max_pilot_steps before covering pilot_time
    positions: PyTree  # the pilot's final positions, leading axis = chains (in the bulk: start the run there)

    def as_dict(self) -> dict[str, Any]:
        fields = {k: v for k, v in self._asdict().items() if k != "positions"}
        return {**fields, "method": "adaptive SGLD pilot, Robbins–Monro on log ε towards a MALA acceptance target"}


def calibrate_step_size(
    posterior: LocalPosterior,
    key: jax.Array,
    *,
    target: float | None = None,
    batch_size: int | None = None,
    num_chains: int = 4,
    pilot_time: float = 0.5,
    max_pilot_steps: int = 200_000,
    initial_step_size: float | None = None,
) -> StepSizeCalibration:
    """Choose SGLD's ε so that MALA accepts its moves with probability ``target`` in the posterior's bulk
    (default: ``target_acceptance`` of the parameter count, a 2% bias budget)."""
    if target is None:
        target = target_acceptance(parameter_count(posterior.center))
    if not 0 < target < 1:
        raise ValueError(f"the target acceptance must lie strictly between 0 and 1, got {target}")
    if not pilot_time > 0 or max_pilot_steps < 10:
        raise ValueError(f"need pilot_time > 0 and max_pilot_steps ≥ 10, got {pilot_time}, {max_pilot_steps}")
    eps0 = initial_step_size if initial_step_size is not None else 1e-3 / (posterior.nbeta + posterior.gamma)
    keys = chain_keys(key, num_chains)

    def one_chain_step(k: jax.Array, position: PyTree, log_eps: jax.Array) -> tuple[PyTree, jax.Array]:
        batch_key, move_key = jax.random.split(k)
        batch = draw_batch(batch_key, posterior.data, batch_size)
        alpha, proposal = langevin_acceptance(posterior, move_key, position, batch, jnp.exp(log_eps))
        return proposal, alpha

    @jax.jit
    def pilot() -> tuple[jax.Array, jax.Array, jax.Array, PyTree]:
        positions = jax.tree.map(lambda x: jnp.broadcast_to(x, (num_chains, *x.shape)), posterior.center)

        def still_running(carry):
            _, _, elapsed, t, *_ = carry
            return (elapsed < pilot_time) & (t < max_pilot_steps)

        def body(carry):
            positions, log_eps, elapsed, t, log_eps_sum, alpha_sum, late_steps = carry
            step_keys = jax.vmap(jax.random.fold_in, in_axes=(0, None))(keys, t)
            positions, alpha = jax.vmap(one_chain_step, in_axes=(0, 0, None))(step_keys, positions, log_eps)
            mean_alpha = jnp.mean(alpha)
            # deviations scaled by the room above the target, so ε climbs as fast as it falls; capped at e^±1
            push = jnp.clip((mean_alpha - target) / (1.0 - target), -1.0, 1.0)
            new_log_eps = log_eps + (t + 1.0) ** -0.6 * push
            late = elapsed >= 0.5 * pilot_time
            return (
                positions,
                new_log_eps,
                elapsed + jnp.exp(log_eps),
                t + 1,
                log_eps_sum + jnp.where(late, log_eps, 0.0),
                alpha_sum + jnp.where(late, mean_alpha, 0.0),
                late_steps + late,
            )

        zero = jnp.zeros(())
        init = (positions, jnp.log(jnp.asarray(eps0, dtype=jnp.float32)), zero, jnp.zeros((), jnp.int32), zero, zero, jnp.zeros((), jnp.int32))
        positions, log_eps, _, steps, log_eps_sum, alpha_sum, late_steps = jax.lax.while_loop(still_running, body, init)
        has_late = late_steps > 0
        late_steps = jnp.maximum(late_steps, 1)
        step_size = jnp.where(has_late, jnp.exp(log_eps_sum / late_steps), jnp.exp(log_eps))
        return step_size, jnp.where(has_late, alpha_sum / late_steps, jnp.nan), steps, positions

    step_size, acceptance, steps, positions = pilot()
    if not jnp.isfinite(step_size) or step_size <= 0:
        raise ValueError(
            f"step-size calibration failed (ε = {float(step_size)}): the potential nβ·L + (γ/2)‖w − w*‖² is not "
            "finite near w* (check the centre, nβ, γ and the data for NaN or overflow)"
        )
    return StepSizeCalibration(float(step_size), float(acceptance), target, int(steps), pilot_time, int(steps) >= max_pilot_steps, positions)
