"""pytest plugin ``sltv`` (entry point ``pytest11``): regression-test theory against sampling.

A test asks for the ``sltv_regression`` fixture and hands it a ``proofs_checks.regression.RegressionCase``::

    from proofs_checks.regression import deep_linear_case

    def test_my_sampler_matches_aoyagi(sltv_regression):
        sltv_regression.check(deep_linear_case([5, 3, 4, 6], 2))

The case is sampled with the session's seed and must satisfy |estimate − theory| ≤ z·stderr + budget with
healthy chains, and must not drift from its stored baseline; a failure shows every number. Options:
``--sltv-seed N`` (default 0), ``--sltv-z Z`` (default 4), ``--sltv-baselines FILE`` (default
``sltv-baselines.json`` in the rootdir) and ``--sltv-update-baselines`` (store this run's estimates instead
of comparing with them).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the heavy imports (jax, sympy) wait until a test asks for the fixture
    from proofs_checks.regression import CaseResult, RegressionCase


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sltv", "slt-verifier regression tests of theory against sampling")
    group.addoption("--sltv-seed", type=int, default=0, help="seed of every sampled case (default 0)")
    group.addoption("--sltv-z", type=float, default=4.0, help="z in |estimate − theory| ≤ z·stderr + budget (default 4)")
    group.addoption("--sltv-baselines", default="sltv-baselines.json", help="baseline file, relative to the rootdir")
    group.addoption("--sltv-update-baselines", action="store_true", help="store this run's estimates as the baselines")


class RegressionChecker:
    """What ``sltv_regression`` gives a test: ``check(case)`` samples, judges and fails with the numbers."""

    def __init__(self, config: pytest.Config) -> None:
        from proofs_checks.regression import load_baselines

        self.seed: int = config.getoption("--sltv-seed")
        self.z: float = config.getoption("--sltv-z")
        self.update: bool = config.getoption("--sltv-update-baselines")
        self.path = Path(config.rootpath) / config.getoption("--sltv-baselines")
        self.baselines = load_baselines(self.path)
        self.results: list[CaseResult] = []

    def check(self, case: RegressionCase) -> CaseResult:
        from proofs_checks.regression import check_case

        baseline = None if self.update else self.baselines.get(case.name)
        result = check_case(case, seed=self.seed, z=self.z, baseline=baseline)
        self.results.append(result)
        if not result.passed:
            pytest.fail(result.message(), pytrace=False)
        return result


_CHECKER = pytest.StashKey["RegressionChecker"]()


@pytest.fixture(scope="session")
def sltv_regression(request: pytest.FixtureRequest) -> RegressionChecker:
    """Check ``RegressionCase``s against theory and the stored baselines (see the module docstring)."""
    checker = RegressionChecker(request.config)
    request.config.stash[_CHECKER] = checker
    return checker


def pytest_sessionfinish(session: pytest.Session) -> None:
    checker = session.config.stash.get(_CHECKER, None)
    if checker is not None and checker.update and checker.results:
        from proofs_checks.regression import save_baselines

        save_baselines(checker.path, [r.as_dict() for r in checker.results], checker.baselines)
