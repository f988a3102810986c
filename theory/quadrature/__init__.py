"""Quadrature rules at any precision, shared by the families: Gauss–Legendre (with cumulative weights), Gauss rules
for the normal and Gamma laws (Golub–Welsch), and Talbot's rule for inverse Laplace transforms."""

from theory._lazy import lazy_exports

_EXPORTS = {
    "cumulative_weights": "gauss_legendre",
    "gauss_gamma": "gaussian",
    "gauss_legendre": "gauss_legendre",
    "gauss_normal": "gaussian",
    "node_count": "gauss_legendre",
    "talbot_rule": "talbot",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = ["cumulative_weights", "gauss_gamma", "gauss_legendre", "gauss_normal", "node_count", "talbot_rule"]
