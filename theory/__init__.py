"""Exact and arbitrary-precision learning theory (sympy, mpmath). Never imports JAX.

The public API below is importable from ``theory``; each name's module is imported on first use (``theory._lazy``).
"""

from importlib.metadata import PackageNotFoundError, version

from theory._lazy import lazy_exports

_EXPORTS = {
    "admissible_index_sets": "deep_linear_networks",
    "block_product": "catalogue",
    "block_sum": "catalogue",
    "ConstantFit": "asymptotics",
    "deep_linear": "deep_linear_networks",
    "fibred_quadratic_thermodynamics": "polynomial.fibred",
    "fibred_quadratic_volume": "polynomial.fibred",
    "fit_constant": "asymptotics",
    "greedy_index_set": "deep_linear_networks",
    "LearningCoefficient": "learning_coefficient",
    "monomial": "catalogue",
    "newton_rlct": "polynomial.newton",
    "NewtonAnalysis": "polynomial.newton",
    "polynomial_loss": "polynomial.loss",
    "polynomial_thermodynamics": "polynomial.free_energy",
    "polynomial_volume": "polynomial.volume",
    "PolynomialLoss": "polynomial.loss",
    "PrecisionError": "precision",
    "read_expression": "expression",
    "read_rational": "expression",
    "reduced_rank": "reduced_rank_regression",
    "reduced_rank_for_target": "reduced_rank_regression",
    "regular": "catalogue",
    "slt_free_energy": "asymptotics",
    "slt_lambda_eff": "asymptotics",
    "Status": "learning_coefficient",
    "ThermoPoint": "thermodynamics",
    "two_layer_thermodynamics": "two_layer",
    "two_layer_volume": "two_layer.volume",
    "VolumePoint": "thermodynamics",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

try:
    __version__ = version("slt-verifier")
except PackageNotFoundError:  # a source tree that was not installed
    __version__ = "unknown"

__all__ = [
    "ConstantFit",
    "PrecisionError",
    "ThermoPoint",
    "VolumePoint",
    "fibred_quadratic_thermodynamics",
    "fibred_quadratic_volume",
    "fit_constant",
    "slt_free_energy",
    "slt_lambda_eff",
    "two_layer_thermodynamics",
    "two_layer_volume",
    "LearningCoefficient",
    "NewtonAnalysis",
    "PolynomialLoss",
    "Status",
    "admissible_index_sets",
    "block_product",
    "block_sum",
    "deep_linear",
    "greedy_index_set",
    "monomial",
    "newton_rlct",
    "polynomial_thermodynamics",
    "polynomial_volume",
    "polynomial_loss",
    "read_expression",
    "read_rational",
    "reduced_rank",
    "reduced_rank_for_target",
    "regular",
]
