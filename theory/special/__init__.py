"""Special functions at any precision: the non-central χ² (Poisson mixtures of incomplete gammas along a ladder of
orders) and the Bingham average E_θ[e^(βu)] of a quadratic form on the sphere with the law of u."""

from theory._lazy import lazy_exports

_EXPORTS = {
    "bingham_moments": "bingham",
    "gamma_ladder": "noncentral_chi2",
    "poisson_gamma_mixture": "noncentral_chi2",
    "poisson_tail_index": "noncentral_chi2",
    "sphere_quadratic_expectation": "bingham",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = ["bingham_moments", "gamma_ladder", "poisson_gamma_mixture", "poisson_tail_index", "sphere_quadratic_expectation"]
