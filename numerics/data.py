"""Teacher–student data and parameter files.

A teacher is a parameter pytree w*; the student is sampled around it. For deep linear networks the
teacher of rank r is built so that *every* layer has rank exactly r and the layers factor through a
common r-dimensional space, W_l = Q_l C_l Q_{l−1}ᵀ with orthonormal Q_l and invertible C_l. Up to
orthogonal changes of basis (which leave the loss with isotropic inputs invariant) this is the point
Aoyagi (2024, Neural Networks 172:106132) analyses, so its local learning coefficient is her λ.
A teacher whose layers had larger rank would sit on a less singular part of the true set, with a
larger local λ.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from numerics.base import PyTree
from numerics.models import Apply


def _orthonormal_columns(key: jax.Array, rows: int, cols: int) -> jax.Array:
    q, r = jnp.linalg.qr(jax.random.normal(key, (rows, cols)))
    return q * jnp.sign(jnp.diagonal(r))


def deep_linear_teacher(key: jax.Array, widths: Sequence[int], rank: int) -> list[jax.Array]:
    """Layers W_l = Q_l C_l Q_{l−1}ᵀ of a deep linear network whose product has rank ``rank``.

    C_l are random r×r matrices with singular values in [0.5, 1.5], so the product is well conditioned.
    """
    widths = list(widths)
    if len(widths) < 2 or any(not isinstance(w, int) or w < 1 for w in widths):
        raise ValueError(f"widths must list at least two positive integers (input → output), got {widths!r}")
    if not isinstance(rank, int) or rank < 0 or rank > min(widths):
        raise ValueError(f"rank must be an integer between 0 and the narrowest width {min(widths)}, got {rank!r}")
    if rank == 0:
        return [jnp.zeros((fan_out, fan_in)) for fan_in, fan_out in zip(widths[:-1], widths[1:])]
    keys = jax.random.split(key, 2 * len(widths))
    bases = [_orthonormal_columns(keys[i], width, rank) for i, width in enumerate(widths)]
    layers = []
    for l in range(len(widths) - 1):
        u = _orthonormal_columns(keys[len(widths) + l], rank, rank)
        v = _orthonormal_columns(jax.random.fold_in(keys[len(widths) + l], 1), rank, rank)
        spectrum = jax.random.uniform(jax.random.fold_in(keys[len(widths) + l], 2), (rank,), minval=0.5, maxval=1.5)
        core = (u * spectrum) @ v.T
        layers.append(bases[l + 1] @ core @ bases[l].T)
    return layers


def matrix_with_singular_values(key: jax.Array, outputs: int, inputs: int, singular_values: Sequence[float]) -> jax.Array:
    """A random outputs × inputs matrix M = U diag(s) Vᵀ with the given singular values."""
    s = jnp.asarray(list(singular_values), dtype=jnp.float32)
    if s.ndim != 1 or s.shape[0] > min(outputs, inputs) or bool(jnp.any(s < 0)):
        raise ValueError(
            f"need at most min(outputs, inputs) = {min(outputs, inputs)} non-negative singular values, "
            f"got {list(singular_values)!r}"
        )
    k1, k2 = jax.random.split(key)
    u = _orthonormal_columns(k1, outputs, s.shape[0])
    v = _orthonormal_columns(k2, inputs, s.shape[0])
    return (u * s) @ v.T


def two_layer_teacher(
    key: jax.Array, singular_values: Sequence[float], inputs: int, hidden: int, outputs: int
) -> tuple[jax.Array, jax.Array]:
    """``(A, B)`` with B·A = M = U diag(s) Vᵀ of the given singular values, split evenly: A = diag(√s) Vᵀ
    and B = U diag(√s), padded with zero rows/columns up to ``hidden``."""
    s = list(singular_values)
    if len(s) > hidden:
        raise ValueError(f"a hidden width of {hidden} carries at most {hidden} singular values, got {len(s)}")
    k1, k2 = jax.random.split(key)
    if len(s) > min(inputs, outputs) or any(v < 0 for v in s):
        raise ValueError(f"need at most min(inputs, outputs) = {min(inputs, outputs)} non-negative singular values, got {s}")
    root = jnp.sqrt(jnp.asarray(s, dtype=jnp.float32))
    a = jnp.zeros((hidden, inputs)).at[: len(s)].set(root[:, None] * _orthonormal_columns(k1, inputs, len(s)).T)
    b = jnp.zeros((outputs, hidden)).at[:, : len(s)].set(_orthonormal_columns(k2, outputs, len(s)) * root)
    return a, b


def gaussian_inputs(key: jax.Array, n: int, dim: int) -> jax.Array:
    """n inputs x ~ N(0, I_dim)."""
    if n < 1 or dim < 1:
        raise ValueError(f"need n ≥ 1 and dim ≥ 1, got n={n}, dim={dim}")
    return jax.random.normal(key, (n, dim))


def teacher_student_data(
    key: jax.Array, apply: Apply, teacher: PyTree, n: int, input_dim: int, noise: float = 0.0
) -> dict[str, jax.Array]:
    """``{"x", "y"}`` with x ~ N(0, I) and y = f_teacher(x) + noise·N(0, I).

    With ``noise = 0`` the teacher is an exact minimum of the empirical loss, L_n(w*) = 0.
    """
    if noise < 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    kx, ky = jax.random.split(key)
    x = gaussian_inputs(kx, n, input_dim)
    y = apply(teacher, x)
    return {"x": x, "y": y + noise * jax.random.normal(ky, y.shape)}


def load_arrays(path: str | Path) -> dict[str, np.ndarray]:
    """Named arrays from a ``.npz`` or ``.safetensors`` file, in the file's order."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"no such file: {str(path)!r}")
    if path.suffix not in (".npz", ".safetensors"):
        raise ValueError(f"parameter and data files must end in .npz or .safetensors, got {str(path)!r}")
    try:
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
        else:
            from safetensors.numpy import load_file

            arrays = dict(load_file(str(path)))
    except Exception as error:  # a damaged file raises EOFError, BadZipFile, OSError, SafetensorError, …
        raise ValueError(f"cannot read {str(path)!r} as {path.suffix[1:]}: {type(error).__name__}: {error}") from None
    bad = [name for name, array in arrays.items() if array.dtype.kind in "fc" and not np.all(np.isfinite(array))]
    if bad:
        raise ValueError(f"{str(path)!r}: the arrays {bad} hold NaN or ±inf")
    return arrays


def _layer_order(name: str) -> tuple[list[object], int]:
    """Sort key: the name with its weight/bias token unified, compared number by number; weight first."""
    is_bias = bool(re.search(r"bias|(^|[._/])b(?=\d|$|[._/])", name))
    unified = re.sub(r"bias|weight", "W", name)
    unified = re.sub(r"(^|[._/])[bw](?=\d|$|[._/])", r"\1W", unified)
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", unified)], int(is_bias)


def mlp_params_from_arrays(arrays: dict[str, np.ndarray]) -> list[dict[str, jax.Array]]:
    """An MLP parameter list from named arrays: 2-D arrays are weights (out, in), 1-D arrays the bias of
    the weight before them. Layers are ordered by the numbers in their names, weight before bias, so
    PyTorch names (``0.weight, 0.bias, 2.weight, …``) and ``w0, b0, w1, …`` both work whatever the
    order in the file (safetensors stores names sorted)."""
    layers: list[dict[str, jax.Array]] = []
    for name in sorted(arrays, key=_layer_order):
        array = arrays[name]
        if array.ndim == 2:
            layers.append({"w": jnp.asarray(array, dtype=jnp.float32)})
        elif array.ndim == 1 and layers and "b" not in layers[-1] and array.shape[0] == layers[-1]["w"].shape[0]:
            layers[-1]["b"] = jnp.asarray(array, dtype=jnp.float32)
        else:
            raise ValueError(f"cannot place array {name!r} of shape {array.shape} in a multilayer perceptron")
    if not layers:
        raise ValueError("the parameter file holds no weight matrices")
    for previous, layer in zip(layers, layers[1:]):
        if layer["w"].shape[1] != previous["w"].shape[0]:
            raise ValueError(
                f"layer shapes do not chain: {tuple(previous['w'].shape)} then {tuple(layer['w'].shape)}"
            )
    return layers
