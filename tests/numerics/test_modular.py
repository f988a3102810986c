"""Modular-addition data, the quadratic network, its gradients, Fourier statistics and optax training."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from numerics import mse_loss
from numerics.modular import (
    accuracy,
    fourier_power,
    input_rows,
    modular_addition_data,
    neuron_statistics,
    quadratic_apply,
    quadratic_init,
)
from numerics.training import adamw, train


@pytest.mark.parametrize("p, fraction", [(5, 0.6), (7, 1.0), (11, 0.3)])
def test_data_encodes_every_pair_once_with_centred_targets(p, fraction):
    data = modular_addition_data(p, fraction, seed=3)
    x = np.concatenate([np.asarray(data.train["x"]), np.asarray(data.test["x"])])
    y = np.concatenate([np.asarray(data.train["y"]), np.asarray(data.test["y"])])
    assert x.shape == (p * p, 2 * p) and y.shape == (p * p, p)
    assert data.train["x"].shape[0] == round(fraction * p * p)
    a, b = x[:, :p].argmax(axis=1), x[:, p:].argmax(axis=1)
    assert np.all(x.sum(axis=1) == 2) and set(zip(a, b)) == set(itertools.product(range(p), repeat=2))
    np.testing.assert_allclose(y.sum(axis=1), 0, atol=1e-6)
    np.testing.assert_array_equal(y.argmax(axis=1), (a + b) % p)
    labels = np.concatenate([np.asarray(data.train["label"]), np.asarray(data.test["label"])])
    np.testing.assert_array_equal(labels, (a + b) % p)


def test_shuffled_labels_permute_the_training_labels_only():
    plain, shuffled = (
        modular_addition_data(11, 0.5, seed=1),
        modular_addition_data(11, 0.5, seed=1, shuffle_labels=True),
    )
    np.testing.assert_array_equal(plain.train["x"], shuffled.train["x"])
    np.testing.assert_array_equal(np.sort(plain.train["label"]), np.sort(shuffled.train["label"]))
    assert np.mean(np.asarray(plain.train["label"]) != np.asarray(shuffled.train["label"])) > 0.5
    np.testing.assert_array_equal(plain.test["label"], shuffled.test["label"])


@pytest.mark.parametrize("bad", [dict(p=9), dict(p=2), dict(p=7, train_fraction=0.0), dict(p=7, train_fraction=1.5)])
def test_bad_data_arguments_name_the_value(bad):
    with pytest.raises(ValueError, match=str(list(bad.values())[-1])):
        modular_addition_data(**bad)


def test_quadratic_network_is_a_sum_over_neurons():
    p, width = 5, 3
    params = quadratic_init(jax.random.key(0), p, width)
    x = modular_addition_data(p, 1.0).train["x"]
    direct = sum(
        np.outer((np.asarray(x) @ np.asarray(params["w"][i])) ** 2, np.asarray(params["a"][:, i])) for i in range(width)
    )
    np.testing.assert_allclose(quadratic_apply(params, x), direct, rtol=1e-5)
    assert quadratic_apply(params, x).shape == (p * p, p)


def test_gradients_match_the_hand_derived_formula_and_finite_differences():
    """L = (1/2n) Σ‖y − f‖², r = f − y, h = W x: ∂L/∂a = (1/n) rᵀ h², ∂L/∂W = (2/n) (r a ∘ h)ᵀ x."""
    p, width = 5, 4
    data = modular_addition_data(p, 0.8, seed=0).train
    params = quadratic_init(jax.random.key(1), p, width)
    loss = mse_loss(quadratic_apply)
    grads = jax.grad(loss)(params, data)
    x, y = np.asarray(data["x"], dtype=float), np.asarray(data["y"], dtype=float)
    w, a = np.asarray(params["w"], dtype=float), np.asarray(params["a"], dtype=float)
    h = x @ w.T
    r = (h**2) @ a.T - y
    n = len(x)
    np.testing.assert_allclose(grads["a"], r.T @ h**2 / n, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(grads["w"], 2 * ((r @ a) * h).T @ x / n, rtol=1e-4, atol=1e-6)
    direction = jax.tree.map(lambda g: jax.random.normal(jax.random.key(2), g.shape), grads)
    step = 1e-2
    shifted = lambda t: float(loss(jax.tree.map(lambda q, d: q + t * d, params, direction), data))  # noqa: E731
    central = (shifted(step) - shifted(-step)) / (2 * step)
    exact = sum(float(jnp.vdot(g, d)) for g, d in zip(jax.tree.leaves(grads), jax.tree.leaves(direction)))
    assert central == pytest.approx(exact, rel=1e-3)


def test_fourier_power_of_a_single_frequency_row_and_parseval():
    p = 11
    j = np.arange(p)
    row = np.concatenate([np.cos(2 * np.pi * 3 * j / p + 0.4), 2 * np.cos(2 * np.pi * 3 * j / p - 1.0)])
    noise = np.random.default_rng(0).normal(size=(50, 2 * p))
    stats = neuron_statistics(np.vstack([row, noise]), p)
    assert stats["peak_share"][0] == pytest.approx(1.0) and stats["participation"][0] == pytest.approx(1.0)
    assert stats["dominant_frequency"][0] == 3
    shares = fourier_power(noise, p)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    raw = np.abs(np.fft.fft(noise.reshape(50, 2, p), axis=-1)) ** 2  # every frequency 0 … p−1 separately
    folded = raw.sum(axis=1)[:, : (p + 1) // 2].copy()
    folded[:, 1:] += raw.sum(axis=1)[:, (p + 1) // 2 :][:, ::-1]
    np.testing.assert_allclose(shares, folded / folded.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(raw.sum(axis=(1, 2)), p * np.sum(noise**2, axis=1))  # Parseval
    with pytest.raises(ValueError, match=r"\(N, 22\)"):
        fourier_power(noise[:, :5], p)


def test_training_fits_and_memorises_tiny_tasks_and_is_deterministic():
    p = 7
    loss = mse_loss(quadratic_apply)
    memorise = modular_addition_data(p, 0.6, seed=0, shuffle_labels=True)
    params = quadratic_init(jax.random.key(0), p, 32)
    first = train(loss, params, memorise.train, 1500, adamw(1e-2, 0.0), log_every=250)
    again = train(loss, params, memorise.train, 1500, adamw(1e-2, 0.0), log_every=250)
    np.testing.assert_array_equal(first.losses, again.losses)
    assert first.losses[-1] < 0.05 * first.losses[0]
    assert accuracy(quadratic_apply, first.params, memorise.train) == 1.0
    assert accuracy(quadratic_apply, first.params, memorise.test) < 0.5
    assert input_rows(first.params).shape == (32, 2 * p)
    assert first.settings["steps"] == 1500 and len(first.losses) == 1500 // 250 + 1
    uneven = train(loss, params, memorise.train, 1600, adamw(1e-2, 0.0), log_every=250)  # 6 chunks of 250, one of 100
    assert uneven.settings["steps"] == 1600 and len(uneven.losses) == 8


def test_weight_decay_training_generalises_modular_addition():
    """Gromov (2023): quadratic network, MSE, AdamW with weight decay, half the pairs → generalises;
    its neurons each use about one frequency."""
    p = 23
    data = modular_addition_data(p, 0.5, seed=0)
    loss = mse_loss(quadratic_apply)
    optimizer = optax.adamw(optax.cosine_decay_schedule(1e-2, 20_000), weight_decay=0.1)
    trained = train(loss, quadratic_init(jax.random.key(0), p, 64), data.train, 20_000, optimizer, log_every=1000)
    assert accuracy(quadratic_apply, trained.params, data.test) > 0.95
    assert np.median(neuron_statistics(input_rows(trained.params), p)["participation"]) < 1.5


def test_bad_training_arguments():
    with pytest.raises(ValueError, match="steps = 0"):
        train(mse_loss(quadratic_apply), quadratic_init(jax.random.key(0), 5, 2), modular_addition_data(5).train, 0)
    with pytest.raises(ValueError, match="-0.1"):
        adamw(-0.1)
