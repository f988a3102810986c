"""Run many chains of one sampler at once: chains vectorised with ``jax.vmap``, steps compiled with
``jax.lax.scan``, a Python loop only over chunks of steps (for the progress bar).

Chain c uses the key k_c = ``fold_in(key, c)``; its step t uses ``fold_in(fold_in(k_c, 0), t)`` and its
record after step t ``fold_in(fold_in(k_c, 1), t)``, so a chain's draws do not
depend on how many other chains run beside it, nor on the chunking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from numerics.samplers.sgld import Sampler

PyTree = Any
Progress = Callable[[int, int], None]


class Trace(NamedTuple):
    """Per-step records of every chain, as numpy arrays of shape (chains, steps) or (chains, records)."""

    info: dict[str, np.ndarray]  # every field of the sampler's Info, e.g. "loss"
    records: dict[str, np.ndarray]  # what ``record`` returned every ``record_every`` steps (empty without one)
    record_every: int | None
    positions: PyTree  # final positions, leading axis = chains


def chain_keys(key: jax.Array, num_chains: int) -> jax.Array:
    return jax.vmap(lambda c: jax.random.fold_in(key, c))(jnp.arange(num_chains))


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
) -> Trace:
    """Run ``num_chains`` chains of ``num_steps`` steps from ``initial_position``, shared by all chains, or
    one per chain (leading axis = chains) with ``batched_start``.

    ``record(key, position)`` is evaluated every ``record_every`` steps for each chain, for what is too
    costly to compute at every step: the full-data loss L_n (the heat capacity needs it rather than a
    minibatch estimate) or a MALA acceptance diagnostic.
    """
    if num_chains < 1 or num_steps < 1:
        raise ValueError(f"need at least one chain and one step, got chains={num_chains}, steps={num_steps}")
    record_every = record_every or (1 if record is not None else None)
    if record is not None and record_every < 1:
        raise ValueError(f"record_every must be positive, got {record_every}")
    block = record_every if record is not None else 1
    if chunk_steps is None:
        chunk_steps = max(1, num_steps // 50)
    blocks_per_chunk = max(1, chunk_steps // block)
    num_blocks = num_steps // block
    if num_blocks < 1:
        raise ValueError(f"num_steps={num_steps} is shorter than record_every={record_every}")

    keys = chain_keys(key, num_chains)
    step_bases = jax.vmap(lambda k: jax.random.fold_in(k, 0))(keys)
    record_bases = jax.vmap(lambda k: jax.random.fold_in(k, 1))(keys)
    if batched_start:
        states = jax.vmap(sampler.init)(initial_position)
    else:
        states = jax.vmap(lambda _: sampler.init(initial_position))(jnp.arange(num_chains))
    vstep = jax.vmap(sampler.step)
    vrecord = jax.vmap(record) if record is not None else None

    def run_block(carry, t0):
        def one(states, t):
            step_keys = jax.vmap(jax.random.fold_in, in_axes=(0, None))(step_bases, t)
            return vstep(step_keys, states)

        states, infos = jax.lax.scan(one, carry, t0 + jnp.arange(block))
        if vrecord is None:
            return states, (infos, {})
        record_keys = jax.vmap(jax.random.fold_in, in_axes=(0, None))(record_bases, t0)
        return states, (infos, vrecord(record_keys, states.position))

    @jax.jit
    def run_chunk(states, first_block, count_marker):
        starts = (first_block + jnp.arange(count_marker.shape[0])) * block
        return jax.lax.scan(run_block, states, starts)

    infos, records = [], []
    done = 0
    while done < num_blocks:
        count = min(blocks_per_chunk, num_blocks - done)
        states, (info, record) = run_chunk(states, done, jnp.zeros(count))
        infos.append(jax.tree.map(lambda x: np.asarray(x).reshape(count * block, num_chains), info))
        records.append({name: np.asarray(value) for name, value in record.items()})
        done += count
        if progress is not None:
            progress(done * block, num_blocks * block)

    info = {
        field: np.concatenate([getattr(i, field) for i in infos], axis=0).T for field in infos[0]._fields
    }
    recorded = {name: np.concatenate([r[name] for r in records], axis=0).T for name in records[0]}
    return Trace(info, recorded, record_every if record is not None else None, states.position)
