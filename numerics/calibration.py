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
pilot doubles as the burn-in of the main run. The default target 0.97 (far above the 0.574 optimal for MALA
itself) keeps SGLD's bias at the percent level on the deep linear suite of ``bench/llc_dln.py``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from numerics.chains import chain_keys
from numerics.posterior import LocalPosterior
from numerics.samplers.sgld import draw_batch, langevin_acceptance

PyTree = Any


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
    target: float = 0.97,
    batch_size: int | None = None,
    num_chains: int = 4,
    pilot_time: float = 0.5,
    max_pilot_steps: int = 50_000,
    initial_step_size: float | None = None,
) -> StepSizeCalibration:
    """Choose SGLD's ε so that MALA accepts its moves with probability ``target`` in the posterior's bulk."""
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
        raise FloatingPointError(f"step-size calibration failed (ε = {float(step_size)}): the loss is not finite near w*")
    return StepSizeCalibration(float(step_size), float(acceptance), target, int(steps), pilot_time, int(steps) >= max_pilot_steps, positions)
