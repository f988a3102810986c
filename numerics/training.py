"""Full-batch training with optax, compiled as one ``lax.scan`` per chunk of steps.

The optimiser is any ``optax.GradientTransformation``; the default is AdamW (Loshchilov & Hutter 2019),
whose decoupled weight decay is what turns a memorising fit of modular addition into a generalising
one (Gromov 2023, arXiv:2301.02679; Nanda et al. 2023, arXiv:2301.05217).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import numpy as np
import optax

from numerics.base import PyTree
from numerics.models import Loss

Progress = Callable[[int], None]


class TrainResult(NamedTuple):
    params: PyTree
    losses: np.ndarray  # the training loss at the last step of every chunk of ``log_every`` steps, then the final loss
    log_every: int
    settings: dict[str, Any]
    seconds: float

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])


def adamw(learning_rate: float = 1e-2, weight_decay: float = 1e-3) -> optax.GradientTransformation:
    """AdamW with the given step size and decoupled weight decay."""
    if learning_rate <= 0 or weight_decay < 0:
        raise ValueError(f"need learning_rate > 0 and weight_decay ≥ 0, got {learning_rate!r}, {weight_decay!r}")
    return optax.adamw(learning_rate, weight_decay=weight_decay)


def train(
    loss: Loss,
    params: PyTree,
    data: PyTree,
    steps: int,
    optimizer: optax.GradientTransformation | None = None,
    log_every: int = 100,
    progress: Progress | None = None,
) -> TrainResult:
    """Minimise ``loss(params, data)`` for ``steps`` full-batch steps; deterministic given ``params``."""
    if int(steps) != steps or steps < 1 or log_every < 1:
        raise ValueError(f"need steps ≥ 1 and log_every ≥ 1, got steps = {steps!r}, log_every = {log_every!r}")
    start = time.perf_counter()
    optimizer = adamw() if optimizer is None else optimizer
    value_and_grad = jax.value_and_grad(loss)

    def one(carry: tuple[PyTree, Any], _: None) -> tuple[tuple[PyTree, Any], jax.Array]:
        current, state = carry
        value, grads = value_and_grad(current, data)
        updates, state = optimizer.update(grads, state, current)
        return (optax.apply_updates(current, updates), state), value

    @functools.partial(jax.jit, static_argnums=1)
    def chunk(carry: tuple[PyTree, Any], length: int) -> tuple[tuple[PyTree, Any], jax.Array]:
        carry, values = jax.lax.scan(one, carry, None, length=length)
        return carry, values[-1]

    carry = (params, optimizer.init(params))
    logged = []
    for done in range(0, int(steps), log_every):
        length = min(log_every, int(steps) - done)  # the last chunk may be shorter: exactly ``steps`` steps run
        carry, value = chunk(carry, length)
        logged.append(float(value))
        if progress is not None:
            progress(length)
    final = carry[0]
    logged.append(float(loss(final, data)))
    settings = {"steps": int(steps), "log_every": log_every}
    return TrainResult(final, np.asarray(logged), log_every, settings, time.perf_counter() - start)
