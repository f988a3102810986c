"""Exact and arbitrary-precision learning theory (sympy, mpmath). Never imports JAX."""

from theory.catalogue import block_product, block_sum, monomial, regular
from theory.deep_linear import admissible_index_sets, deep_linear, greedy_index_set
from theory.learning_coefficient import LearningCoefficient, Status
from theory.newton import NewtonAnalysis, newton_rlct
from theory.polynomial import PolynomialLoss, polynomial_loss
from theory.reduced_rank import reduced_rank

__all__ = [
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
    "polynomial_loss",
    "reduced_rank",
    "regular",
]
