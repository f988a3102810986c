"""Networks as pure functions over parameter pytrees, and the losses built from them.

Every model here is a pair of plain functions: ``apply(params, x) -> y`` and a loss
``loss(params, batch) -> scalar``, the *mean* over the batch of a per-example loss, so that
L_n(w) = (1/n) Σ_i ℓ(w; X_i) is ``loss(params, full_data)`` (Watanabe 2009, §1.2). A user-supplied
``loss(params, batch)`` of the same shape works everywhere a built-in one does.

Conventions:
- widths are listed input → output; a weight matrix of layer l has shape (widths[l+1], widths[l]);
- the squared-error loss is ℓ = ½‖y − f(x)‖², the negative log-likelihood of a unit-variance Gaussian
  regression up to a constant, so that with inputs x ~ N(0, I) the population loss of a linear
  network is K(w) = ½‖W − W*‖_F² (Aoyagi & Watanabe 2005).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp

from numerics.base import PyTree

Batch = Any
Loss = Callable[[PyTree, Batch], jax.Array]
Apply = Callable[[PyTree, jax.Array], jax.Array]

ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "relu": jax.nn.relu,
    "tanh": jnp.tanh,
    "gelu": jax.nn.gelu,
    "identity": lambda z: z,
}


def _check_widths(widths: Sequence[int]) -> list[int]:
    widths = list(widths)
    if len(widths) < 2 or any(not isinstance(w, int) or w < 1 for w in widths):
        raise ValueError(f"widths must list at least two positive integers (input → output), got {widths!r}")
    return widths


def deep_linear_apply(params: Sequence[jax.Array], x: jax.Array) -> jax.Array:
    """f(x) = W_L ⋯ W_1 x for a batch of inputs x of shape (batch, widths[0])."""
    for weight in params:
        x = x @ weight.T
    return x


def deep_linear_init(key: jax.Array, widths: Sequence[int], scale: float = 1.0) -> list[jax.Array]:
    """Weights W_l with entries N(0, scale²/fan_in): a product of order-one operator norm."""
    widths = _check_widths(widths)
    keys = jax.random.split(key, len(widths) - 1)
    return [
        scale * jax.random.normal(k, (fan_out, fan_in)) / jnp.sqrt(fan_in)
        for k, fan_in, fan_out in zip(keys, widths[:-1], widths[1:])
    ]


def deep_linear_product(params: Sequence[jax.Array]) -> jax.Array:
    """The end-to-end matrix W = W_L ⋯ W_1 of shape (output, input)."""
    product = params[0]
    for weight in params[1:]:
        product = weight @ product
    return product


def mlp_apply(activation: str = "relu") -> Apply:
    """f(x) for a multilayer perceptron whose params are a list of ``{"w": (out, in), "b": (out,)}`` layers.

    ``"b"`` may be absent (no bias); the activation acts between layers, not after the last one.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    sigma = ACTIVATIONS[activation]

    def apply(params: Sequence[dict[str, jax.Array]], x: jax.Array) -> jax.Array:
        for index, layer in enumerate(params):
            x = x @ layer["w"].T
            if "b" in layer:
                x = x + layer["b"]
            if index < len(params) - 1:
                x = sigma(x)
        return x

    return apply


def mlp_init(key: jax.Array, widths: Sequence[int], bias: bool = True) -> list[dict[str, jax.Array]]:
    """He-style initialisation, N(0, 2/fan_in) weights and zero biases."""
    widths = _check_widths(widths)
    layers = []
    for k, fan_in, fan_out in zip(jax.random.split(key, len(widths) - 1), widths[:-1], widths[1:]):
        layer = {"w": jax.random.normal(k, (fan_out, fan_in)) * jnp.sqrt(2.0 / fan_in)}
        if bias:
            layer["b"] = jnp.zeros((fan_out,))
        layers.append(layer)
    return layers


def mse_loss(apply: Apply) -> Loss:
    """L_B(w) = mean over the batch of ½‖y − f_w(x)‖²; the batch is ``{"x": …, "y": …}``."""

    def loss(params: PyTree, batch: Batch) -> jax.Array:
        residual = batch["y"] - apply(params, batch["x"])
        return 0.5 * jnp.mean(jnp.sum(residual.reshape(residual.shape[0], -1) ** 2, axis=1))

    return loss


def cross_entropy_loss(apply: Apply) -> Loss:
    """L_B(w) = mean over the batch of −log softmax(f_w(x))_y; ``y`` holds integer class labels."""

    def loss(params: PyTree, batch: Batch) -> jax.Array:
        logits = apply(params, batch["x"])
        log_probs = jax.nn.log_softmax(logits, axis=-1)
        picked = jnp.take_along_axis(log_probs, batch["y"].astype(jnp.int32)[:, None], axis=-1)
        return -jnp.mean(picked)

    return loss


def two_layer_population_loss(target: jax.Array) -> Loss:
    """K(A, B) = ½‖B·A − M‖_F² for params ``(A, B)``, A: hidden × inputs, B: outputs × hidden.

    This is the population loss of reduced-rank regression with isotropic Gaussian inputs
    (docs/theory/two-layer.md); it needs no data, so the batch argument is ignored.
    """
    target = jnp.asarray(target)

    def loss(params: tuple[jax.Array, jax.Array], batch: Batch = None) -> jax.Array:
        a, b = params
        return 0.5 * jnp.sum((b @ a - target) ** 2)

    return loss
