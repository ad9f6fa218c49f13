"""Checkers for chapter 2's exercises."""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import metrics
from . import Case, check, random_cases

__all__ = ["auc_cases", "check_roc_auc"]


def auc_cases(seed: int = 0, n_random: int = 40) -> list[Case]:
    """Labels and scores: the classic example, ties, edges, and random ones (half with ties)."""
    seed, n_random = random_cases(seed, n_random)
    cases = [
        Case(([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), label="four samples"),
        Case(([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]), label="a positive tied with a negative"),
        Case(([1, 0, 1, 0, 1], [0.3] * 5), label="every score tied"),
        Case(([0, 0, 1, 1, 1], [0.1, 0.2, 0.7, 0.8, 0.9]), label="perfect ranking"),
        Case(([1, 1, 0, 0], [0.1, 0.2, 0.7, 0.8]), label="reversed ranking"),
        Case((np.array([True, False, True, False]), [2.0, -1.0, 0.5, 0.5]), label="boolean labels"),
        Case(([0, 1, 1, 0, 1], [-1e4, 1e4, 3e3, -2e3, -1e4]), label="huge logits, tied"),
        Case(([1, 1, 1], [0.2, 0.5, 0.9]), label="one class only: must raise"),
    ]
    rng = np.random.default_rng(seed)
    for i in range(n_random):
        n = int(rng.integers(4, 200))
        labels = rng.permutation(np.r_[0, 1, rng.integers(0, 2, n - 2)])
        scores = rng.normal(size=n) + labels
        if i % 2:
            scores = np.round(scores, 1)  # many ties
        cases.append(Case((labels, scores), label=f"random #{i + 1}{', with ties' if i % 2 else ''}"))
    return cases


def check_roc_auc(fn: Callable) -> bool:
    """Grade a reader's ``roc_auc(y_true, y_score)`` against :func:`dlcore.metrics.roc_auc`."""
    return check(fn, metrics.roc_auc, auc_cases(), name="roc_auc", rtol=1e-9, atol=1e-12)
