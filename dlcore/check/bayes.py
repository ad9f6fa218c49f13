"""Checkers for chapter 1's exercises."""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import bayes
from . import Case, check, random_cases

__all__ = ["partition_cases", "check_posterior", "check_total_probability"]


def partition_cases(seed: int = 0, n_random: int = 40) -> list[Case]:
    """Likelihoods and priors over partitions: the seeds' example, edges, random ones."""
    seed, n_random = random_cases(seed, n_random)
    cases = [
        Case(([0.99, 0.01], [0.01, 0.99]), label="the rare-disease test"),
        Case(([0.7], [1.0]), label="one hypothesis"),
        Case(([0.3, 0.3, 0.3], [0.2, 0.5, 0.3]), label="ties: equal likelihoods leave the prior unchanged"),
        Case(([0.9, 0.5, 0.1], [0.0, 0.4, 0.6]), label="a hypothesis with prior 0"),
        Case(([0.0, 0.8, 0.4], [0.5, 0.25, 0.25]), label="a hypothesis with likelihood 0"),
        Case(([1.0, 1.0], [0.5, 0.5]), label="evidence certain under both"),
        Case(([1e-12, 2e-12], [0.5, 0.5]), label="tiny likelihoods"),
    ]
    rng = np.random.default_rng(seed)
    for i in range(n_random):
        n = int(rng.integers(2, 8))
        priors = rng.dirichlet(np.ones(n))
        likelihoods = rng.uniform(0.01, 1.0, n)
        cases.append(Case((likelihoods, priors), label=f"random #{i + 1}"))
    return cases


def check_posterior(fn: Callable) -> bool:
    """Grade a reader's ``posterior(likelihoods, priors)`` against :func:`dlcore.bayes.posterior`."""
    return check(fn, bayes.posterior, partition_cases(), name="posterior")


def check_total_probability(fn: Callable) -> bool:
    """Grade a reader's ``total_probability(likelihoods, priors)``."""
    return check(fn, bayes.total_probability, partition_cases(), name="total_probability")
