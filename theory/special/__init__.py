"""Special functions at any precision: the non-central χ² (Poisson mixtures of incomplete gammas along a ladder of
orders) and the Bingham average E_θ[e^(βu)] of a quadratic form on the sphere with the law of u."""

from theory.special.bingham import bingham_moments, sphere_quadratic_expectation
from theory.special.noncentral_chi2 import gamma_ladder, poisson_gamma_mixture, poisson_tail_index

__all__ = ["bingham_moments", "gamma_ladder", "poisson_gamma_mixture", "poisson_tail_index", "sphere_quadratic_expectation"]
