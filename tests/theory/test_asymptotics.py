import mpmath
import pytest

from theory import deep_linear, fit_constant, slt_free_energy, slt_lambda_eff


def test_fit_recovers_a_planted_constant():
    lc = deep_linear([2, 2, 2, 2], 0)  # (3/2, 3)
    sizes = [10**k for k in range(2, 9)]
    F = [lc.lam * mpmath.log(n) - 2 * mpmath.log(mpmath.log(n)) + mpmath.mpf("3.7") for n in sizes]
    fit = fit_constant(lc, sizes, F)
    assert abs(fit.constant - mpmath.mpf("3.7")) < 1e-12 and fit.max_residual < 1e-12
    assert abs(slt_free_energy(lc, 100, constant="3.7") - F[0]) < 1e-12


def test_lambda_eff_has_the_multiplicity_correction():
    lc = deep_linear([1, 1, 1, 1], 0)  # (1/2, 3)
    assert abs(slt_lambda_eff(lc, mpmath.e**10) - (mpmath.mpf(1) / 2 - mpmath.mpf(2) / 10)) < 1e-15


def test_n_must_exceed_one():
    with pytest.raises(ValueError, match="n > 1"):
        slt_lambda_eff(deep_linear([1, 1, 1], 0), 1)
