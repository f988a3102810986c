"""Exact blocked Gibbs sampling of deep linear networks with Gaussian priors and a quadratic loss.

Target, at inverse temperature t = nβ (Gelfand & Smith 1990 for blocked Gibbs; the model is that of
Aoyagi & Watanabe 2005 and Aoyagi 2024):

    π_t(W_1, …, W_L) ∝ exp(−t·K(W)) · Π_l N(W_l; μ_l, v_l·I),   K(W) = ½‖W_L⋯W_1·D − T‖²_F + c,

W_l of shape n_l × n_{l−1} (n_0 = d_in inputs, n_L = d_out outputs), D = diag(scales) fixed, T fixed. This covers
- the population loss ½‖W − M‖²_F of inputs x ~ N(0, I): D = I, T = M, c = 0 (:func:`population_problem`);
- the empirical loss K_n = (1/2n)·Σ_i ‖y_i − W x_i‖² of a data set: with Σ̂ = XᵀX/n = E·diag(σ)·Eᵀ and
  Ĉ = XᵀY/n, K_n(W) = ½‖W·E·diag(√σ) − Ĉᵀ·E·diag(σ^(−1/2))‖² + c with c = ½·mean‖y‖² − ½‖T‖² (Ĉ lies in the
  range of Σ̂; directions with σ = 0 do not enter K) (:func:`data_problem`).
Rotations act on the outer layers only: W_1 ↦ W_1·V and W_L ↦ Uᵀ·W_L leave Gaussian priors with isotropic
variance invariant (their means rotate with them), so the sampler works in the basis where D is diagonal and,
for a population loss, where T = diag(s_1, s_2, …) holds the target's singular values. Then a sweep of the
two-layer model with hidden r and width d costs O(d·r²) instead of O(d²·r): T·Aᵀ is a scaling of r columns.

Each layer given the others is Gaussian. With P = W_L⋯W_{l+1} and Q = W_{l−1}⋯W_1·D (an empty product is
the identity), K = ½‖P·W_l·Q − T‖² + c and vec(P·W·Q) = (Qᵀ ⊗ P)·vec(W), so

    precision  t·(Q·Qᵀ ⊗ PᵀP) + I/v_l,      precision · mean = t·Pᵀ·T·Qᵀ + μ_l/v_l.

With PᵀP = U·diag(a)·Uᵀ and Q·Qᵀ = V·diag(b)·Vᵀ the precision is (V ⊗ U)·diag(t·a_i·b_j + 1/v_l)·(V ⊗ U)ᵀ,
so W_l = U·[(Uᵀ·G·V + Z·√Λ) ⊘ Λ]·Vᵀ with G the right-hand side, Λ_ij = t·a_i·b_j + 1/v_l and Z standard
normal: two eigendecompositions of n_l × n_l and n_{l−1} × n_{l−1} matrices, never the Kronecker product.
For W_1, Q·Qᵀ = D² is diagonal (V = I); for W_L, P = I. A sweep draws W_1, …, W_L in turn; alternating
exact conditional draws leaves π_t invariant, with no step size and no discretisation bias.

The sampler's numbers are float64 (a loss that must resolve λ/n at n = 10⁸ beside ‖M‖² needs them):
build and run it inside ``jax.enable_x64(True)``, as :mod:`numerics.gibbs_thermodynamics` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from numerics.samplers.sgld import Sampler

MAX_WIDTH = 65_536  # a layer wider than this is not sampled here (its eigendecompositions would not fit)


class LinearProblem(NamedTuple):
    """K(W) = ½‖W_L⋯W_1·diag(scales) − T‖²_F + offset in the sampler's basis.

    ``target`` is T itself (``diagonal`` False, shape d_out × d_in) or its diagonal s_1, s_2, … (``diagonal``
    True, at most min(d_in, d_out) values, the rest 0). ``input_rotation`` V (d_in × d_in) and
    ``output_rotation`` U (d_out × d_out) map the user's basis to the sampler's: W_1 ↦ W_1·V, W_L ↦ Uᵀ·W_L
    (None: no rotation)."""

    scales: np.ndarray
    target: np.ndarray
    diagonal: bool
    outputs: int
    offset: float = 0.0
    input_rotation: np.ndarray | None = None
    output_rotation: np.ndarray | None = None

    @property
    def inputs(self) -> int:
        return int(self.scales.shape[0])

    def singular_values(self) -> np.ndarray:
        """The singular values of T, largest first (the spectrum the loss sees)."""
        if self.diagonal:
            return np.sort(np.abs(self.target))[::-1]
        return np.linalg.svd(self.target, compute_uv=False)


def _finite_matrix(value: object, name: str) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"{name} must be a non-empty matrix, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} has non-finite entries (NaN or ±inf)")
    return array


def population_problem(
    target: object | None = None,
    *,
    singular_values: Sequence[float] | None = None,
    inputs: int | None = None,
    outputs: int | None = None,
    reduce: bool = True,
) -> LinearProblem:
    """The population loss ½‖W − M‖²_F, from a target matrix M (outputs × inputs) or from its
    singular values with the sizes. ``reduce`` works in M's singular basis (rotations recorded); without it the
    dense M is used as given (slower; the two give the same law of K, which the tests check)."""
    if (target is None) == (singular_values is None):
        raise ValueError("give either a target matrix or its singular values, not both")
    if target is not None:
        m = _finite_matrix(target, "the target M")
        d_out, d_in = m.shape
        if not reduce:
            return LinearProblem(np.ones(d_in), m, False, d_out)
        u, s, vt = np.linalg.svd(m)
        return LinearProblem(np.ones(d_in), s, True, d_out, 0.0, vt.T, u)
    if inputs is None or outputs is None:
        raise ValueError("singular values need the sizes inputs and outputs")
    values = np.asarray(singular_values, dtype=np.float64)
    if values.ndim != 1 or len(values) == 0 or len(values) > min(inputs, outputs):
        raise ValueError(
            f"singular_values must be a non-empty list of at most min(inputs, outputs) = {min(inputs, outputs)} numbers, "
            f"got {len(values) if values.ndim == 1 else values.shape}"
        )
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(f"singular values must be finite and non-negative, got {values.tolist()}")
    return LinearProblem(np.ones(inputs), np.sort(values)[::-1].copy(), True, outputs)


def data_problem(x: object, y: object) -> LinearProblem:
    """The empirical loss K_n(W) = (1/2n)·Σ_i ‖y_i − W·x_i‖² of the data (x: n × d_in, y: n × d_out).

    Whitening as in the module docstring: σ, E = eigh(XᵀX/n), scales √σ, T = Ĉᵀ·E/√σ (0 where σ is
    below 10⁻¹² of its largest value: those input directions are not seen by the data)."""
    xs, ys = _finite_matrix(x, "x"), _finite_matrix(y, "y")
    if xs.shape[0] != ys.shape[0]:
        raise ValueError(f"x and y must hold the same number of examples, got {xs.shape[0]} and {ys.shape[0]}")
    n = xs.shape[0]
    sigma, rotation = np.linalg.eigh(xs.T @ xs / n)
    seen = sigma > 1e-12 * max(float(sigma.max()), np.finfo(float).tiny)
    scales = np.where(seen, np.sqrt(np.clip(sigma, 0.0, None)), 0.0)
    cross = (ys.T @ xs / n) @ rotation  # Ĉᵀ·E, d_out × d_in
    target = np.where(seen, cross / np.where(seen, scales, 1.0), 0.0)
    offset = 0.5 * float(np.mean(np.sum(ys**2, axis=1))) - 0.5 * float(np.sum(target**2))
    return LinearProblem(scales, target, False, ys.shape[1], max(offset, 0.0), rotation, None)


def check_widths(widths: Sequence[int], problem: LinearProblem) -> list[int]:
    """Widths input → output, checked against the problem's sizes; a ``ValueError`` naming what is wrong."""
    sizes = list(widths)
    if len(sizes) < 3 or any(isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 1 for w in sizes):
        raise ValueError(f"widths must be at least three positive integers (input, hidden…, output), got {widths!r}")
    if max(sizes) > MAX_WIDTH:
        raise ValueError(f"widths {sizes}: a layer wider than {MAX_WIDTH} is not sampled here")
    if sizes[0] != problem.inputs or sizes[-1] != problem.outputs:
        raise ValueError(
            f"widths {sizes} must start with the {problem.inputs} inputs and end with the {problem.outputs} outputs of the target"
        )
    return [int(w) for w in sizes]


def rotate_in(problem: LinearProblem, layers: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Layers (input first) from the user's basis to the sampler's: W_1·V and Uᵀ·W_L."""
    out = [np.asarray(w, dtype=np.float64) for w in layers]
    if problem.input_rotation is not None:
        out[0] = out[0] @ problem.input_rotation
    if problem.output_rotation is not None:
        out[-1] = problem.output_rotation.T @ out[-1]
    return out


def minimum_loss(problem: LinearProblem, widths: Sequence[int]) -> float:
    """L0 = min K = ½·Σ_{i > k} s_i² + c with k = min(widths) the largest rank of the product (Eckart–Young,
    in the whitened basis where K is a Frobenius distance)."""
    s = problem.singular_values()
    return 0.5 * float(np.sum(s[min(widths):] ** 2)) + problem.offset


def prior_mean_loss(problem: LinearProblem, widths: Sequence[int], prior_var: Sequence[float], prior_mean: Sequence[np.ndarray] | None = None) -> float:
    """E_0[K] under the prior, exactly: with A_L = I and A_{l−1} = μ_lᵀ·A_l·μ_l + v_l·tr(A_l)·I (independent
    layers), E‖W·D‖² = tr(D²·A_0), E[W] = μ_L⋯μ_1 and E_0[K] = ½(E‖W·D‖² − 2⟨E[W]·D, T⟩ + ‖T‖²) + c."""
    a = np.eye(widths[-1])
    mean_product = None
    for layer in reversed(range(len(widths) - 1)):
        mu = None if prior_mean is None else np.asarray(prior_mean[layer], dtype=np.float64)
        a = prior_var[layer] * np.trace(a) * np.eye(widths[layer]) + (0.0 if mu is None else mu.T @ a @ mu)
        if mu is not None:
            mean_product = mu if mean_product is None else mean_product @ mu
    square = float(np.sum(np.diag(a) * problem.scales**2))
    t_square = float(np.sum(problem.target**2))
    cross = 0.0
    if mean_product is not None:
        weighted = mean_product * problem.scales
        cross = float(np.sum(np.diag(weighted)[: len(problem.target)] * problem.target)) if problem.diagonal else float(np.sum(weighted * problem.target))
    return 0.5 * (square - 2.0 * cross + t_square) + problem.offset


def best_fit(problem: LinearProblem, widths: Sequence[int]) -> list[np.ndarray]:
    """A minimiser of K in the sampler's basis: W·D = T_k, the best rank-k approximation of T (k = min width),
    so W = T_k·D⁺, split evenly over the layers (each carries s_i^(1/L)); the start of the best-fit chains of the mixing check."""
    depth, k = len(widths) - 1, min(widths)
    inverse_scales = np.where(problem.scales > 0, 1.0 / np.where(problem.scales > 0, problem.scales, 1.0), 0.0)
    if problem.diagonal:
        s = problem.target[:k]
        u, v = np.eye(widths[-1])[:, : len(s)], (np.eye(widths[0]) * inverse_scales)[:, : len(s)]
    else:
        u, s, vt = np.linalg.svd(problem.target, full_matrices=False)
        u, s, v = u[:, :k], s[:k], vt[:k].T * inverse_scales[:, None]
    root = s ** (1.0 / depth)
    layers = []
    for l, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        w = np.zeros((fan_out, fan_in))
        j = len(root)
        if l == 0:
            w[:j] = root[:, None] * v.T
        elif l == depth - 1:
            w[:, :j] = u * root
        else:
            w[np.arange(j), np.arange(j)] = root
        layers.append(w)
    return layers


def layer_variances(prior_var: float | Sequence[float], depth: int) -> list[float]:
    """One prior variance per layer from one variance or a list; a ``ValueError`` unless all are positive and finite."""
    variances = [float(prior_var)] * depth if np.ndim(prior_var) == 0 else [float(v) for v in prior_var]  # type: ignore[arg-type, union-attr]
    if len(variances) != depth or not all(0 < v < np.inf for v in variances):
        raise ValueError(f"prior_var must be one positive variance or one per layer ({depth}), got {prior_var!r}")
    return variances


class GibbsState(NamedTuple):
    position: tuple[jax.Array, ...]  # W_1, …, W_L in the sampler's basis, input first
    nbeta: jax.Array  # the inverse temperature t = nβ this chain samples at


class GibbsInfo(NamedTuple):
    loss: jax.Array  # K at the state the sweep started from


@jax.custom_batching.custom_vmap
def _unbatched_eigh(gram: jax.Array) -> tuple[jax.Array, jax.Array]:
    values, vectors = jnp.linalg.eigh(gram)
    return values, vectors


@_unbatched_eigh.def_vmap
def _eigh_one_at_a_time(axis_size: int, in_batched: list[bool], gram: jax.Array):
    """Batches of eigendecompositions run as a loop of single ones. jaxlib's batched CPU eigh (LAPACK syevd
    through ``ParallelBatchMap``) blocks its thread until the intra-op pool has run its batch; with other work
    holding the pool's threads (2 on 2 cores) that never happens: vmapped sweeps hung for ever (jaxlib 0.10.2)."""
    if not in_batched[0]:
        return _unbatched_eigh(gram), (False, False)
    return jax.lax.map(_unbatched_eigh, gram), (True, True)


def _eigh(gram: jax.Array) -> tuple[jax.Array, jax.Array]:
    values, vectors = _unbatched_eigh(gram)
    return jnp.clip(values, 0.0, None), vectors  # a Gram matrix is PSD; rounding may leave −1e-16·‖gram‖


def linear_gibbs(
    problem: LinearProblem,
    widths: Sequence[int],
    nbeta: float,
    prior_var: float | Sequence[float] = 1.0,
    prior_mean: Sequence[object] | None = None,
) -> Sampler:
    """Blocked Gibbs on π_t (module docstring) with t = ``nbeta``; positions are the layers W_1, …, W_L in the
    sampler's basis (:func:`rotate_in`). ``prior_var`` is one variance or one per layer; ``prior_mean`` one
    matrix per layer in the user's basis (default 0). A ladder of temperatures runs as one batch by replacing
    ``GibbsState.nbeta``."""
    depth = len(widths) - 1
    variances = layer_variances(prior_var, depth)
    if not 0 < nbeta < np.inf:
        raise ValueError(f"nbeta must be positive and finite, got {nbeta!r}")
    shapes = [(fan_out, fan_in) for fan_in, fan_out in zip(widths[:-1], widths[1:])]
    if prior_mean is not None:
        if len(prior_mean) != depth or any(np.shape(m) != s for m, s in zip(prior_mean, shapes)):
            raise ValueError(f"prior_mean must hold one matrix per layer of shapes {shapes}")
        means = [jnp.asarray(m) for m in rotate_in(problem, prior_mean)]  # type: ignore[arg-type]
    else:
        means = [None] * depth
    scales = jnp.asarray(problem.scales)
    squared_scales = scales**2
    target = jnp.asarray(problem.target)
    weighted = target * (scales[: len(problem.target)] if problem.diagonal else scales)  # T·D
    constant = 0.5 * float(np.sum(problem.target**2)) + problem.offset
    m = len(problem.target) if problem.diagonal else 0

    def sandwich(p: jax.Array | None, q: jax.Array | None, shape: tuple[int, int]) -> jax.Array:
        """Pᵀ·T·D·Qᵀ for P (d_out × n_l) and Q (n_{l−1} × d_in) without D, None meaning the identity."""
        if not problem.diagonal:
            left = weighted if p is None else p.T @ weighted
            return left if q is None else left @ q.T
        # T·D = diag(w_1..w_m): Pᵀ·T·D·Qᵀ = Σ_i w_i·P[i]ᵀ·Q[:, i]ᵀ over the first m rows/columns
        if p is None:
            return jnp.zeros(shape).at[:m].set(weighted[:, None] * q[:, :m].T)
        if q is None:
            return jnp.zeros(shape).at[:, :m].set(p[:m].T * weighted)
        return (p[:m].T * weighted) @ q[:, :m].T

    def loss_from(p1: jax.Array, p1_gram: jax.Array, w1: jax.Array) -> jax.Array:
        """K = ½⟨P1ᵀP1, W1·D²·W1ᵀ⟩ − ⟨P1, T·D·W1ᵀ⟩ + ½‖T‖² + c with P1 = W_L⋯W_2."""
        square = jnp.sum(p1_gram * ((w1 * squared_scales) @ w1.T))
        if problem.diagonal:
            cross = jnp.sum(weighted * jnp.sum(p1[:m] * w1[:, :m].T, axis=1))
        else:
            cross = jnp.sum(p1 * (weighted @ w1.T))
        return 0.5 * square - cross + constant

    def draw(key: jax.Array, t: jax.Array, layer: int, p: jax.Array | None, p_gram: jax.Array | None, q: jax.Array | None) -> jax.Array:
        shape = shapes[layer]
        rhs = t * sandwich(p, q, shape)
        if means[layer] is not None:
            rhs = rhs + means[layer] / variances[layer]
        if p is None:
            a, u = jnp.ones(shape[0]), None
        else:
            a, u = _eigh(p_gram)
        if q is None:
            b, v = squared_scales, None
        else:
            b, v = _eigh((q * squared_scales) @ q.T)
        precision = t * a[:, None] * b[None, :] + 1.0 / variances[layer]
        rotated = rhs if u is None else u.T @ rhs
        rotated = rotated if v is None else rotated @ v
        noise = jax.random.normal(key, shape, rhs.dtype)
        w = (rotated + noise * jnp.sqrt(precision)) / precision
        w = w if u is None else u @ w
        return w if v is None else w @ v.T

    def init(position: Sequence[jax.Array]) -> GibbsState:
        layers = tuple(jnp.asarray(w) for w in position)
        if [w.shape for w in layers] != shapes:
            raise ValueError(f"positions must be layers of shapes {shapes}, got {[w.shape for w in layers]}")
        return GibbsState(layers, jnp.asarray(nbeta, dtype=layers[0].dtype))

    def step(key: jax.Array, state: GibbsState) -> tuple[GibbsState, GibbsInfo]:
        layers, t = list(state.position), state.nbeta
        keys = jax.random.split(key, depth)
        above: list[jax.Array | None] = [None] * depth  # P_l = W_L⋯W_{l+1}: unchanged until layer l is drawn
        for layer in range(depth - 2, -1, -1):
            nxt = above[layer + 1]
            above[layer] = layers[layer + 1] if nxt is None else nxt @ layers[layer + 1]
        grams = [None if p is None else p.T @ p for p in above]
        loss = loss_from(above[0], grams[0], layers[0])
        below = None  # Q_l = W_{l−1}⋯W_1 (D applied inside)
        for layer in range(depth):
            layers[layer] = draw(keys[layer], t, layer, above[layer], grams[layer], below)
            below = layers[layer] if below is None else layers[layer] @ below
        return GibbsState(tuple(layers), t), GibbsInfo(loss)

    return Sampler(init, step)


def two_layer_gibbs(target: jax.Array, hidden: int, nbeta: float, prior_var_a: float = 1.0, prior_var_b: float = 1.0) -> Sampler:
    """Blocked Gibbs for K(A, B) = ½‖B·A − M‖² (A: hidden × inputs, B: outputs × hidden) on positions
    ``(A, B)`` in the user's basis: :func:`linear_gibbs` at depth 2 with the dense target."""
    problem = population_problem(np.asarray(target), reduce=False)
    if isinstance(hidden, bool) or not isinstance(hidden, (int, np.integer)) or hidden < 1:
        raise ValueError(f"hidden must be a positive integer, got {hidden!r}")
    widths = [problem.inputs, int(hidden), problem.outputs]
    return linear_gibbs(problem, widths, nbeta, (prior_var_a, prior_var_b))
