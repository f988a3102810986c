"""Models, teachers and parameter files against direct computation."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from numerics import (
    cross_entropy_loss,
    deep_linear_apply,
    deep_linear_init,
    deep_linear_product,
    deep_linear_teacher,
    load_arrays,
    matrix_with_singular_values,
    mlp_apply,
    mlp_init,
    mlp_params_from_arrays,
    mse_loss,
    polynomial_potential,
    teacher_student_data,
    two_layer_population_loss,
)
from theory import read_expression


@pytest.mark.parametrize("widths, rank", [([5, 3, 4, 6], 2), ([4, 4, 4], 0), ([3, 7, 2, 5, 4], 1)])
def test_teacher_has_the_rank_in_every_layer(widths, rank):
    layers = deep_linear_teacher(jax.random.key(0), widths, rank)
    assert [w.shape for w in layers] == [(b, a) for a, b in zip(widths[:-1], widths[1:])]
    assert all(np.linalg.matrix_rank(np.asarray(w), tol=1e-4) == rank for w in layers)
    assert np.linalg.matrix_rank(np.asarray(deep_linear_product(layers)), tol=1e-4) == rank


def test_teacher_is_an_exact_minimum_of_noise_free_data():
    teacher = deep_linear_teacher(jax.random.key(1), [5, 3, 4, 6], 2)
    data = teacher_student_data(jax.random.key(2), deep_linear_apply, teacher, 200, 5)
    loss = mse_loss(deep_linear_apply)
    assert float(loss(teacher, data)) < 1e-10
    other = deep_linear_init(jax.random.key(3), [5, 3, 4, 6])
    residual = np.asarray(data["y"] - data["x"] @ deep_linear_product(other).T)
    assert float(loss(other, data)) == pytest.approx(0.5 * np.mean(np.sum(residual**2, axis=1)), rel=1e-5)


def test_singular_values_are_as_asked():
    m = matrix_with_singular_values(jax.random.key(0), 4, 3, [2.0, 0.5, 0.1])
    assert np.linalg.svd(np.asarray(m), compute_uv=False) == pytest.approx([2.0, 0.5, 0.1], abs=1e-5)
    with pytest.raises(ValueError, match="singular values"):
        matrix_with_singular_values(jax.random.key(0), 2, 3, [1.0, 1.0, 1.0])


def test_mlp_and_cross_entropy_against_numpy():
    params = mlp_init(jax.random.key(0), [3, 5, 4])
    x = np.random.default_rng(0).standard_normal((7, 3)).astype(np.float32)
    hidden = np.maximum(x @ np.asarray(params[0]["w"]).T + np.asarray(params[0]["b"]), 0)
    logits = hidden @ np.asarray(params[1]["w"]).T + np.asarray(params[1]["b"])
    assert np.asarray(mlp_apply("relu")(params, x)) == pytest.approx(logits, abs=1e-5)
    y = np.array([0, 1, 2, 3, 0, 1, 2])
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = -np.mean(log_probs[np.arange(7), y])
    assert float(cross_entropy_loss(mlp_apply("relu"))(params, {"x": x, "y": y})) == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="activation"):
        mlp_apply("sigmoidish")


def test_population_loss_of_the_two_layer_model():
    target = jnp.array([[0.5, 0.0], [0.0, 0.1]])
    a, b = jnp.ones((1, 2)), jnp.ones((2, 1))
    assert float(two_layer_population_loss(target)((a, b))) == pytest.approx(0.5 * ((0.5) ** 2 + 1 + 1 + 0.9**2))


def test_polynomial_potential():
    loss, names = polynomial_potential(read_expression("x**2*y**4 + 3*x"))
    assert names == ["x", "y"]
    assert float(loss(jnp.array([2.0, 0.5]))) == pytest.approx(4 * 0.0625 + 6)
    for bad in ["x**", "sin(x)"]:
        with pytest.raises(ValueError):
            read_expression(bad)
    for bad in [read_expression("1"), "x**2"]:  # no variables; text (numerics reads none: it would need eval)
        with pytest.raises(ValueError):
            polynomial_potential(bad)


@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
def test_parameter_files_round_trip(tmp_path, suffix):
    params = mlp_init(jax.random.key(0), [3, 5, 2])
    arrays = {"0.bias": np.asarray(params[0]["b"]), "0.weight": np.asarray(params[0]["w"]),
              "2.weight": np.asarray(params[1]["w"]), "2.bias": np.asarray(params[1]["b"])}  # fmt: skip
    path = tmp_path / f"params{suffix}"
    if suffix == ".npz":
        np.savez(path, **arrays)
    else:
        from safetensors.numpy import save_file

        save_file(arrays, str(path))
    loaded = mlp_params_from_arrays(load_arrays(path))
    for layer, original in zip(loaded, params):
        assert np.asarray(layer["w"]) == pytest.approx(np.asarray(original["w"]))
        assert np.asarray(layer["b"]) == pytest.approx(np.asarray(original["b"]))


def test_bad_files_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        load_arrays(tmp_path / "missing.npz")
    (tmp_path / "p.txt").write_text("x")
    with pytest.raises(ValueError, match=".npz or .safetensors"):
        load_arrays(tmp_path / "p.txt")
    with pytest.raises(ValueError, match="do not chain"):
        mlp_params_from_arrays({"a": np.ones((3, 2)), "b": np.ones((4, 5))})


def test_two_layer_teacher_has_the_singular_values():
    from numerics import two_layer_teacher

    a, b = two_layer_teacher(jax.random.key(0), [1.5, 0.2], inputs=4, hidden=3, outputs=5)
    assert a.shape == (3, 4) and b.shape == (5, 3)
    assert np.linalg.svd(np.asarray(b @ a), compute_uv=False)[:3] == pytest.approx([1.5, 0.2, 0.0], abs=1e-5)
    with pytest.raises(ValueError, match="hidden width"):
        two_layer_teacher(jax.random.key(0), [1.0, 1.0], inputs=4, hidden=1, outputs=4)


def test_as_key_turns_an_int_seed_into_a_key_once():
    import jax
    import numpy as np

    from numerics.base import as_key

    key = jax.random.key(7)
    assert as_key(key) is key
    assert jax.random.key_data(as_key(7)).tolist() == jax.random.key_data(key).tolist()
    assert jax.random.key_data(as_key(np.int64(7))).tolist() == jax.random.key_data(key).tolist()
    for bad in (True, 1.5, "7"):
        with pytest.raises(ValueError, match="seed must be an integer"):
            as_key(bad)
