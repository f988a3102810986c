"""Exact and arbitrary-precision learning theory (sympy, mpmath). Never imports JAX."""

from importlib.metadata import PackageNotFoundError, version

from theory.asymptotics import ConstantFit, fit_constant, slt_free_energy, slt_lambda_eff
from theory.catalogue import block_product, block_sum, monomial, regular
from theory.deep_linear import admissible_index_sets, deep_linear, greedy_index_set
from theory.expression import read_expression, read_rational
from theory.learning_coefficient import LearningCoefficient, Status
from theory.polynomial.fibred import fibred_quadratic_thermodynamics, fibred_quadratic_volume
from theory.polynomial.free_energy import polynomial_thermodynamics
from theory.polynomial.loss import PolynomialLoss, polynomial_loss
from theory.polynomial.newton import NewtonAnalysis, newton_rlct
from theory.polynomial.volume import polynomial_volume
from theory.precision import PrecisionError
from theory.reduced_rank import reduced_rank, reduced_rank_for_target
from theory.thermodynamics import ThermoPoint, VolumePoint
from theory.two_layer import two_layer_thermodynamics
from theory.two_layer.volume import two_layer_volume

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
