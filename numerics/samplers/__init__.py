"""Samplers in the BlackJAX shape (the interface is ``numerics.base.Sampler``): SGLD, the exact Gibbs kernels of
linear models, and BlackJAX's MALA, HMC and NUTS as references."""

from numerics.base import Sampler
from numerics.samplers.gibbs import (
    GibbsState,
    LinearProblem,
    data_problem,
    linear_gibbs,
    population_problem,
    two_layer_gibbs,
)
from numerics.samplers.reference import ReferenceInfo, hmc, mala, nuts
from numerics.samplers.sgld import SGLDInfo, SGLDState, sgld

__all__ = [
    "GibbsState",
    "LinearProblem",
    "ReferenceInfo",
    "SGLDInfo",
    "SGLDState",
    "Sampler",
    "data_problem",
    "hmc",
    "linear_gibbs",
    "mala",
    "nuts",
    "population_problem",
    "sgld",
    "two_layer_gibbs",
]
