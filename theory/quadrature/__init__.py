"""Quadrature rules at any precision, shared by the families: Gauss–Legendre (with cumulative weights), Gauss rules
for the normal and Gamma laws (Golub–Welsch), and Talbot's rule for inverse Laplace transforms."""

from theory.quadrature.gauss_legendre import cumulative_weights, gauss_legendre, node_count
from theory.quadrature.gaussian import gauss_gamma, gauss_normal
from theory.quadrature.talbot import talbot_rule

__all__ = ["cumulative_weights", "gauss_gamma", "gauss_legendre", "gauss_normal", "node_count", "talbot_rule"]
