"""Samplers in the BlackJAX shape: ``init(position) -> State``, ``step(key, state) -> (State, Info)``.

Every ``Info`` carries ``loss``, the loss the step saw at the state it started from (a minibatch loss for
SGLD, the full-data loss for the exact kernels), which is what the estimators average.
"""

from numerics.samplers.gibbs import GibbsState, LinearProblem, data_problem, linear_gibbs, population_problem, two_layer_gibbs
from numerics.samplers.reference import ReferenceInfo, hmc, mala, nuts
from numerics.samplers.sgld import Sampler, SGLDInfo, SGLDState, sgld

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
