"""The polynomial family: losses K given as polynomials, their Newton polyhedra and certified learning
coefficients, exact finite-n thermodynamics (d ≤ 3), the volume function, and the fibred K = x²·g(y).

| module | what |
| --- | --- |
| ``loss`` | parsing, translation to the point of interest, the exponent/coefficient table |
| ``newton`` | λ and m from the Newton polyhedron, with face-by-face non-degeneracy certificates |
| ``free_energy`` | F(n), λ_eff(n), C(n) by nested graded Gauss–Legendre quadrature |
| ``volume`` | V(ε) = prior mass of {K < ε} |
| ``fibred`` | K = x²·g(y) with Gaussian priors: the x-integral in closed form |
"""

from theory._lazy import lazy_exports

_EXPORTS = {
    "fibred_quadratic_thermodynamics": "fibred",
    "fibred_quadratic_volume": "fibred",
    "newton_rlct": "newton",
    "NewtonAnalysis": "newton",
    "polynomial_loss": "loss",
    "polynomial_thermodynamics": "free_energy",
    "polynomial_volume": "volume",
    "PolynomialLoss": "loss",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = ["NewtonAnalysis", "PolynomialLoss", "fibred_quadratic_thermodynamics", "fibred_quadratic_volume", "newton_rlct",
           "polynomial_loss", "polynomial_thermodynamics", "polynomial_volume"]
