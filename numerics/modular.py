"""Modular addition with squared error: data, the quadratic-activation network, per-neuron Fourier statistics.

The task (Gromov 2023, arXiv:2301.02679; Rubin, Seroussi & Ringel, ICLR 2024, arXiv:2310.03789;
Rubin, Seroussi & Ringel 2024; docs/scenarios/modular-addition.md): for a prime p and a, b ∈ Z_p the input is the two-hot vector x = (e_a, e_b) ∈ R^(2p)
and the target is y = e_((a+b) mod p) − 1/p ∈ R^p (centred, so that the all-zero prediction is no
better for one class than another). The loss is the package's squared error ℓ = ½‖y − f(x)‖².

The network of Gromov and of Rubin et al. is f(x) = Σ_i a_i (w_i·x)², width N, with input rows
w_i ∈ R^(2p) and output columns a_i ∈ R^p; params are ``{"w": (N, 2p), "a": (p, N)}``. The MLP
variant is ``numerics.mlp_apply`` with widths (2p, N, p).

Per-neuron statistics. Split a row w_i = (u_i, v_i) into its a- and b-halves. Its power at frequency
k = 0 … (p−1)/2 is P_ik = |û_i(k)|² + |v̂_i(k)|², doubled for k ≥ 1 to count −k too, where
û(k) = Σ_j u_j e^(−2πijk/p); by Parseval Σ_k P_ik = p‖w_i‖². The generalising solution of Gromov
puts each neuron's power on a single frequency; mean-field theory (Rubin et al.) says the rows are
i.i.d. draws from one distribution whatever N is, so the distribution of any per-row statistic
should not depend on the width.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from numerics.base import PyTree

MODELS = ("quadratic", "mlp")


def check_prime(p: int) -> int:
    """``p`` as an int when it is an odd prime; otherwise ``ValueError``."""
    if int(p) != p or p < 3 or any(p % q == 0 for q in range(2, int(p**0.5) + 1)):
        raise ValueError(f"p must be an odd prime, got {p!r}")
    return int(p)


class ModularData(NamedTuple):
    """Train and test splits of the p² pairs; each is ``{"x": (n, 2p), "y": (n, p), "label": (n,)}``."""

    train: dict[str, jax.Array]
    test: dict[str, jax.Array]
    p: int
    train_fraction: float
    shuffled_labels: bool


def _examples(p: int, pairs: np.ndarray, labels: np.ndarray) -> dict[str, jax.Array]:
    x = np.zeros((len(pairs), 2 * p), dtype=np.float32)
    x[np.arange(len(pairs)), pairs[:, 0]] = 1.0
    x[np.arange(len(pairs)), p + pairs[:, 1]] = 1.0
    y = np.full((len(pairs), p), -1.0 / p, dtype=np.float32)
    y[np.arange(len(pairs)), labels] += 1.0
    return {"x": jnp.asarray(x), "y": jnp.asarray(y), "label": jnp.asarray(labels, dtype=jnp.int32)}


def modular_addition_data(
    p: int, train_fraction: float = 0.5, seed: int = 0, shuffle_labels: bool = False
) -> ModularData:
    """A random ``train_fraction`` of the p² pairs (a, b) for training, the rest for testing.

    ``shuffle_labels`` permutes the training labels among the training pairs: the network can then
    only memorise (test accuracy ≈ 1/p), the memorising counterpart of a generalising run.
    """
    p = check_prime(p)
    if not 0 < train_fraction <= 1:
        raise ValueError(f"train_fraction must lie in (0, 1], got {train_fraction!r}")
    count = int(round(train_fraction * p * p))
    if count < 1:
        raise ValueError(f"train_fraction = {train_fraction} leaves no training pair for p = {p}")
    rng = np.random.default_rng(seed)
    pairs = np.stack(np.meshgrid(np.arange(p), np.arange(p), indexing="ij"), axis=-1).reshape(-1, 2)
    pairs = pairs[rng.permutation(len(pairs))]
    labels = (pairs[:, 0] + pairs[:, 1]) % p
    train_labels = rng.permutation(labels[:count]) if shuffle_labels else labels[:count]
    return ModularData(_examples(p, pairs[:count], train_labels), _examples(p, pairs[count:], labels[count:]),
                       p, float(train_fraction), bool(shuffle_labels))  # fmt: skip


def quadratic_apply(params: dict[str, jax.Array], x: jax.Array) -> jax.Array:
    """f(x) = Σ_i a_i (w_i·x)², batched over the rows of x."""
    return ((x @ params["w"].T) ** 2) @ params["a"].T


def quadratic_init(key: jax.Array, p: int, width: int) -> dict[str, jax.Array]:
    """Entries of w ~ N(0, ½) and of a ~ N(0, 1/N): the pre-activation w_i·x = w_ia + w_ib of a two-hot x has unit variance."""
    if int(width) != width or width < 1:
        raise ValueError(f"width must be a positive integer, got {width!r}")
    w_key, a_key = jax.random.split(key)
    return {
        "w": jax.random.normal(w_key, (width, 2 * p)) / jnp.sqrt(2.0),
        "a": jax.random.normal(a_key, (p, width)) / jnp.sqrt(width),
    }


def accuracy(apply: Any, params: PyTree, split: dict[str, jax.Array]) -> float:
    """The fraction of examples whose largest output is the true class (NaN for an empty split)."""
    if split["x"].shape[0] == 0:
        return float("nan")
    return float(jnp.mean(jnp.argmax(apply(params, split["x"]), axis=-1) == split["label"]))


def input_rows(params: PyTree) -> np.ndarray:
    """The (N, 2p) first-layer rows of a quadratic network or a one-hidden-layer MLP."""
    rows = params["w"] if isinstance(params, dict) else params[0]["w"]
    return np.asarray(rows, dtype=float)


def fourier_power(rows: np.ndarray, p: int) -> np.ndarray:
    """P_ik / Σ_k P_ik: each row's share of power at frequencies k = 0 … (p−1)/2 (module docstring)."""
    rows = np.asarray(rows, dtype=float)
    if rows.ndim != 2 or rows.shape[1] != 2 * p:
        raise ValueError(f"rows must have shape (N, 2p) = (N, {2 * p}), got {rows.shape}")
    halves = np.fft.rfft(rows.reshape(len(rows), 2, p), axis=-1)  # (N, 2, (p+1)/2)
    power = np.sum(np.abs(halves) ** 2, axis=1)
    power[:, 1:] *= 2.0
    total = power.sum(axis=1, keepdims=True)
    return np.divide(power, total, out=np.zeros_like(power), where=total > 0)


def neuron_statistics(rows: np.ndarray, p: int) -> dict[str, np.ndarray]:
    """Per-row statistics of the Fourier power shares s_ik:

    - ``peak_share`` = max_k s_ik (1 for a single-frequency neuron, ≈ 2/(p+1) for white noise);
    - ``participation`` = 1/Σ_k s_ik², the effective number of frequencies a neuron uses;
    - ``dominant_frequency`` = argmax_k s_ik.
    """
    shares = fourier_power(rows, p)
    return {
        "peak_share": shares.max(axis=1),
        "participation": 1.0 / np.maximum(np.sum(shares**2, axis=1), np.finfo(float).tiny),
        "dominant_frequency": shares.argmax(axis=1),
    }
