"""Run many chains of one sampler at once: chains vectorised with ``jax.vmap``, steps compiled with
``jax.lax.scan``, a Python loop only over chunks of steps (for the progress bar).

Chain c uses the key k_c = ``fold_in(key, c)``; its step t (from 0) uses ``fold_in(fold_in(k_c, 0), t)``
and the record taken after it ``fold_in(fold_in(k_c, 1), t)``, so a chain's draws do not depend on how
many other chains run beside it, nor on the chunking.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from numerics.base import PyTree
from numerics.samplers.sgld import Sampler

Progress = Callable[[int, int], None]


class Trace(NamedTuple):
    """Per-step records of every chain, as numpy arrays of shape (chains, steps, …) or (chains, records, …)."""

    info: dict[str, np.ndarray]  # every field of the sampler's Info, e.g. "loss"
    records: dict[str, np.ndarray]  # what ``record`` returned every ``record_every`` steps (empty without one)
    record_every: int | None
    positions: PyTree  # final positions, leading axis = chains


def chain_keys(key: jax.Array, num_chains: int) -> jax.Array:
    return jax.vmap(lambda c: jax.random.fold_in(key, c))(jnp.arange(num_chains))


@functools.lru_cache(maxsize=16)
def _chunk_runner(step: Callable, record: Callable | None, record_every: int) -> Callable:
    """The compiled runner of ``length`` steps of every chain, cached so that running the same sampler
    again (same ``step`` function) does not compile again."""
    vstep = jax.vmap(step)
    vrecord = jax.vmap(record) if record is not None else None
    fold = jax.vmap(jax.random.fold_in, in_axes=(0, None))

    @functools.partial(jax.jit, static_argnums=4)
    def run_chunk(states, step_bases, record_bases, start, length):
        def take_record(states, t):
            return vrecord(fold(record_bases, t), states.position)

        def one(states, t):
            states, info = vstep(fold(step_bases, t), states)
            if vrecord is None:
                return states, (info, {})
            shapes = jax.eval_shape(take_record, states, t)
            nothing = lambda states, t: jax.tree.map(lambda s: jnp.zeros(s.shape, s.dtype), shapes)
            # the predicate is shared by all chains, so this stays a real branch under vmap: no wasted work
            return states, (info, jax.lax.cond((t + 1) % record_every == 0, take_record, nothing, states, t))

        return jax.lax.scan(one, states, start + jnp.arange(length))

    return run_chunk


def run_chains(
    sampler: Sampler,
    key: jax.Array,
    initial_position: PyTree,
    num_chains: int,
    num_steps: int,
    *,
    record: Callable[[jax.Array, PyTree], dict[str, jax.Array]] | None = None,
    record_every: int | None = None,
    progress: Progress | None = None,
    chunk_steps: int | None = None,
    batched_start: bool = False,
    initial_state: Any = None,
) -> Trace:
    """Run ``num_chains`` chains of ``num_steps`` steps from ``initial_position``, shared by all chains, or
    one per chain (leading axis = chains) with ``batched_start``; or from ``initial_state``, a sampler state
    with a leading chain axis (e.g. Gibbs chains at a ladder of temperatures), when it is given.

    ``record(key, position)`` is evaluated every ``record_every`` steps for each chain, for what is too
    costly to compute at every step: the full-data loss L_n (the heat capacity needs it rather than a
    minibatch estimate) or a MALA acceptance diagnostic.
    """
    if num_chains < 1 or num_steps < 1:
        raise ValueError(f"need at least one chain and one step, got chains={num_chains}, steps={num_steps}")
    record_every = record_every or 1
    if record_every < 1 or (record is not None and record_every > num_steps):
        raise ValueError(f"record_every must be between 1 and num_steps = {num_steps}, got {record_every}")
    chunk_steps = chunk_steps or max(1, -(-num_steps // 50))

    keys = chain_keys(key, num_chains)
    step_bases = jax.vmap(lambda k: jax.random.fold_in(k, 0))(keys)
    record_bases = jax.vmap(lambda k: jax.random.fold_in(k, 1))(keys)
    if initial_state is not None:
        states = initial_state
    elif batched_start:
        states = jax.vmap(sampler.init)(initial_position)
    else:
        states = jax.vmap(lambda _: sampler.init(initial_position))(jnp.arange(num_chains))
    run_chunk = _chunk_runner(sampler.step, record, record_every)
    infos, records = [], []
    done = 0
    while done < num_steps:
        length = min(chunk_steps, num_steps - done)
        states, (info, recorded) = run_chunk(states, step_bases, record_bases, done, length)
        infos.append({field: np.asarray(value) for field, value in info._asdict().items()})
        records.append({name: np.asarray(value) for name, value in recorded.items()})
        done += length
        if progress is not None:
            progress(done, num_steps)

    info = {field: np.moveaxis(np.concatenate([i[field] for i in infos], axis=0), 0, 1) for field in infos[0]}
    due = slice(record_every - 1, None, record_every)
    recorded = {name: np.moveaxis(np.concatenate([r[name] for r in records], axis=0)[due], 0, 1) for name in records[0]}
    return Trace(info, recorded, record_every if record is not None else None, states.position)
