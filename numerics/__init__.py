"""JAX numerics: networks as pure functions over parameter pytrees, posterior samplers, estimators.

Never imports ``theory``; comparisons that need both layers live in ``proofs_checks``.
"""

from importlib.metadata import PackageNotFoundError, version

from numerics.base import PyTree, Sampler, as_key
from numerics.calibration import (
    StepSizeCalibration,
    acceptance_for_bias,
    bias_from_acceptance,
    calibrate_step_size,
    target_acceptance,
)
from numerics.chains import Trace, run_chains
from numerics.data import (
    deep_linear_teacher,
    gaussian_inputs,
    load_arrays,
    matrix_with_singular_values,
    mlp_params_from_arrays,
    teacher_student_data,
    two_layer_teacher,
)
from numerics.diagnostics import chain_health, ess, rhat
from numerics.estimate import Estimate
from numerics.estimators import (
    agreement,
    energy,
    excess_free_energy,
    free_energy_ladder,
    heat_capacity,
    line_fit,
    llc,
    multi_temperature_lambda,
    thermodynamic_integration,
)
from numerics.gibbs_thermodynamics import GibbsPoint, GibbsResult, gibbs_thermodynamics, local_learning_coefficient
from numerics.models import (
    cross_entropy_loss,
    deep_linear_apply,
    deep_linear_init,
    deep_linear_product,
    mlp_apply,
    mlp_init,
    mse_loss,
    two_layer_population_loss,
)
from numerics.polynomial import polynomial_potential
from numerics.posterior import LocalPosterior
from numerics.samplers import (
    LinearProblem,
    data_problem,
    hmc,
    linear_gibbs,
    mala,
    nuts,
    population_problem,
    sgld,
    two_layer_gibbs,
)
from numerics.workflow import LLCResult, default_nbeta, estimate_llc, summary_row

try:
    __version__ = version("slt-verifier")
except PackageNotFoundError:  # a source tree that was not installed
    __version__ = "unknown"

__all__ = [
    "PyTree",
    "Sampler",
    "as_key",
    "Estimate",
    "GibbsPoint",
    "GibbsResult",
    "LLCResult",
    "LinearProblem",
    "LocalPosterior",
    "StepSizeCalibration",
    "Trace",
    "acceptance_for_bias",
    "agreement",
    "bias_from_acceptance",
    "calibrate_step_size",
    "chain_health",
    "cross_entropy_loss",
    "data_problem",
    "deep_linear_apply",
    "deep_linear_init",
    "deep_linear_product",
    "deep_linear_teacher",
    "default_nbeta",
    "energy",
    "ess",
    "estimate_llc",
    "excess_free_energy",
    "free_energy_ladder",
    "gaussian_inputs",
    "gibbs_thermodynamics",
    "heat_capacity",
    "hmc",
    "line_fit",
    "linear_gibbs",
    "llc",
    "local_learning_coefficient",
    "load_arrays",
    "mala",
    "matrix_with_singular_values",
    "mlp_apply",
    "mlp_init",
    "mlp_params_from_arrays",
    "mse_loss",
    "multi_temperature_lambda",
    "nuts",
    "polynomial_potential",
    "population_problem",
    "rhat",
    "run_chains",
    "sgld",
    "target_acceptance",
    "summary_row",
    "teacher_student_data",
    "thermodynamic_integration",
    "two_layer_gibbs",
    "two_layer_teacher",
    "two_layer_population_loss",
]
