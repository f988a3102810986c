"""The shared types of the numerics layer: PyTrees, the sampler interface, and the one place an int seed becomes a key.

Samplers follow BlackJAX's shape: a ``Sampler`` is a pair of pure functions, ``init(position) -> State`` and
``step(key, state) -> (State, Info)``, with ``State`` and ``Info`` NamedTuples; every ``Info`` carries ``loss``,
the loss the step saw at the state it started from (a minibatch loss for SGLD, the full-data loss for the exact
kernels), which is what the estimators average.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import numpy as np

PyTree = Any  # a nested structure of arrays (lists, tuples, dicts, NamedTuples), as JAX's tree utilities take it


class Sampler(NamedTuple):
    """``init(position) -> State``; ``step(key, state) -> (State, Info)``, both pure (BlackJAX's interface)."""

    init: Callable[[PyTree], Any]
    step: Callable[[jax.Array, Any], tuple[Any, Any]]


def as_key(seed: int | jax.Array) -> jax.Array:
    """A JAX key from an int seed (``jax.random.key``), or the key itself: public entry points take either, and the
    conversion happens here, once, at the edge."""
    if isinstance(seed, jax.Array):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"a seed must be an integer (or a JAX key), got {seed!r}")
    return jax.random.key(int(seed))
