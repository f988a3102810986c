"""Weight matrices from files and the power-law fit of their spectra."""

import numpy as np
import pytest
from safetensors.numpy import save_file

from numerics.spectra import default_bulk, fit_power_law, load_matrix, singular_values


def power_law_matrix(rows: int, cols: int, alpha: float, scale: float, scatter: float, seed: int) -> np.ndarray:
    """U·diag(c·i^(−α)·e^ε)·Vᵀ with Haar-random U, V and independent ε ~ N(0, scatter²)."""
    rng = np.random.default_rng(seed)
    k = min(rows, cols)
    u, _ = np.linalg.qr(rng.normal(size=(rows, k)))
    v, _ = np.linalg.qr(rng.normal(size=(cols, k)))
    values = np.sort(scale * np.arange(1, k + 1) ** -alpha * np.exp(scatter * rng.normal(size=k)))[::-1]
    return (u * values) @ v.T


def test_fitted_alpha_lies_in_its_interval_at_the_stated_rate():
    """40 synthetic matrices (α = 0.4, c = 2, 2% multiplicative scatter, then sorted): the 95% interval covers the
    true α and c in at least 80% of them. Measured over 100 draws: 89% and 88% here, 81% at 5% scatter, 68% at 20%
    (sorting bends the spectrum: the interval is mildly optimistic, as numerics.spectra says); plain OLS gave ~50%."""
    hits_alpha = hits_scale = 0
    for seed in range(40):
        fit = fit_power_law(singular_values(power_law_matrix(160, 120, 0.4, 2.0, 0.02, seed)))
        hits_alpha += fit.alpha_interval[0] <= 0.4 <= fit.alpha_interval[1]
        hits_scale += fit.scale_interval[0] <= 2.0 <= fit.scale_interval[1]
    assert hits_alpha >= 32 and hits_scale >= 32
    assert fit.bulk == default_bulk(120) == (6, 96) and fit.r_squared > 0.9
    assert abs(fit.alpha - 0.4) < 0.05


def test_exact_power_law_is_recovered_exactly():
    s = 3.0 * np.arange(1, 51) ** -0.3
    fit = fit_power_law(s, bulk=(1, 50))
    assert fit.alpha == pytest.approx(0.3, rel=1e-12) and fit.scale == pytest.approx(3.0, rel=1e-12)
    assert fit(4) == pytest.approx(s[:4])


def test_round_trips(tmp_path):
    w = power_law_matrix(12, 7, 0.5, 1.0, 0.0, 1).astype(np.float32)
    np.save(tmp_path / "w.npy", w)
    np.savez(tmp_path / "w.npz", layer=w, bias=np.zeros(12))
    save_file({"model.layer.weight": w, "model.layer.bias": np.zeros(12, dtype=np.float32)}, str(tmp_path / "w.safetensors"))
    for path, tensor in [("w.npy", None), ("w.npz", "layer"), ("w.npz", None), ("w.safetensors", "model.layer.weight")]:
        assert np.array_equal(load_matrix(tmp_path / path, tensor), w.astype(np.float64)), path
    assert singular_values(w) == pytest.approx(np.linalg.svd(w.astype(np.float64), compute_uv=False))


@pytest.mark.parametrize(
    "name, tensor, message",
    [("missing.npz", None, "no such file"), ("w.npz", "nope", "no tensor 'nope'"), ("w.npz", "bias", "2-D"),
     ("two.npz", None, "name one as FILE:TENSOR"), ("w.txt", None, ".npy"), ("w.npy", "x", "drop ':x'"),
     ("nan.npy", None, "NaN"), ("broken.npz", None, "cannot read")],
)  # fmt: skip
def test_bad_files_are_value_errors_naming_the_problem(tmp_path, name, tensor, message):
    w = np.ones((3, 2))
    np.save(tmp_path / "w.npy", w)
    np.savez(tmp_path / "w.npz", layer=w, bias=np.zeros(3))
    np.savez(tmp_path / "two.npz", a=w, b=w)
    np.save(tmp_path / "nan.npy", np.full((2, 2), np.nan))
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 not a zip")
    (tmp_path / "w.txt").write_text("1 2")
    with pytest.raises(ValueError, match=message):
        load_matrix(tmp_path / name, tensor)
