"""Bayes' theorem: total probability, posteriors, diagnostic tests, beta-binomial.

Chapter 1 of the book. Equation labels (``eq-...``) refer to that chapter.

Probabilities are NumPy arrays or array-likes; every function validates its input
and raises ``ValueError``/``TypeError`` naming the argument at fault.
"""

from __future__ import annotations

import math
from typing import NamedTuple, Sequence

import numpy as np
import torch

from ._validation import (
    as_count,
    as_nonnegative,
    as_positive,
    as_probabilities,
    broadcast,
)

__all__ = [
    "total_probability",
    "posterior",
    "diagnostic_test",
    "DiagnosticTest",
    "sequential_posterior",
    "natural_frequencies",
    "beta_binomial_update",
    "BetaPosterior",
    "simulate_diagnostic_test",
    "SimulatedTest",
]

_PRIOR_SUM_TOLERANCE = 1e-9


def _rounding_unit(values) -> float:
    """How closely the caller's numbers can sum to 1: float32 priors of 1/3 sum to 1.00000001."""
    dtype = str(getattr(values, "dtype", "float64")).removeprefix("torch.")
    try:
        return max(_PRIOR_SUM_TOLERANCE, 4 * float(np.finfo(np.dtype(dtype)).eps))
    except ValueError:  # integers and booleans: exact, read as float64
        return _PRIOR_SUM_TOLERANCE
    except TypeError:  # bfloat16 and others NumPy does not know: its eps is 2**-7
        return 2.0**-6


def _partition(likelihoods, priors) -> tuple[np.ndarray, np.ndarray]:
    """Validate P(B | A_i) and P(A_i) over a partition A_1, ..., A_n."""
    resolution = _rounding_unit(priors)
    priors = as_probabilities(priors, "priors", ndim=1)
    likelihoods = as_probabilities(likelihoods, "likelihoods", ndim=1)
    if likelihoods.shape != priors.shape:
        raise ValueError(
            f"likelihoods and priors must have the same length, got {likelihoods.size} and {priors.size}"
        )
    total = priors.sum()
    if abs(total - 1.0) > resolution * priors.size:
        raise ValueError(f"priors must sum to 1 (they describe a partition), got {total!r}")
    return likelihoods, priors


def total_probability(likelihoods, priors) -> float:
    r"""Law of total probability, Eq. (eq-total-probability).

    .. math:: P(B) = \sum_i P(B \mid A_i)\, P(A_i)

    Parameters
    ----------
    likelihoods : array-like of shape (n,)
        ``P(B | A_i)`` for each hypothesis; each in [0, 1], need not sum to 1.
    priors : array-like of shape (n,)
        ``P(A_i)`` for a partition: each in [0, 1], summing to 1.
    """
    likelihoods, priors = _partition(likelihoods, priors)
    return float(likelihoods @ priors)


def posterior(likelihoods, priors) -> np.ndarray:
    r"""Posterior over a partition by Bayes' theorem, Eq. (eq-bayes-partition).

    .. math:: P(A_i \mid B) = \frac{P(B \mid A_i)\, P(A_i)}{\sum_j P(B \mid A_j)\, P(A_j)}

    Returns an array of the same length as ``priors`` that sums to 1. Raises
    ``ValueError`` when the evidence ``B`` has probability zero under the priors,
    since the posterior is then undefined.
    """
    likelihoods, priors = _partition(likelihoods, priors)
    joint = likelihoods * priors
    evidence = joint.sum()
    if evidence == 0:
        raise ValueError(
            "the evidence has probability 0 (every hypothesis with a nonzero prior has "
            "likelihood 0), so the posterior is undefined"
        )
    return joint / evidence


class DiagnosticTest(NamedTuple):
    """What a test result tells you (see :func:`diagnostic_test`)."""

    ppv: float | np.ndarray
    """P(condition | positive): the positive predictive value, i.e. the precision."""
    npv: float | np.ndarray
    """P(no condition | negative): the negative predictive value."""
    p_positive: float | np.ndarray
    """P(positive): how often the test comes back positive at this prevalence."""


def _scalar_if_0d(array: np.ndarray) -> float | np.ndarray:
    return float(array) if array.ndim == 0 else array


def diagnostic_test(prevalence, sensitivity, specificity) -> DiagnosticTest:
    r"""PPV, NPV and P(positive) of a binary test, Eqs. (eq-p-positive) and (eq-ppv).

    .. math::
        P(+) &= s_e\,\pi + (1 - s_p)(1 - \pi) \\
        \mathrm{PPV} &= \frac{s_e\,\pi}{P(+)}, \qquad
        \mathrm{NPV} = \frac{s_p\,(1 - \pi)}{1 - P(+)}

    with prevalence :math:`\pi`, sensitivity :math:`s_e` = P(+ | condition) and
    specificity :math:`s_p` = P(− | no condition). The arguments broadcast
    against each other, so a whole curve (say PPV against prevalence) is one call;
    0-d input gives floats.
    """
    prevalence = as_probabilities(prevalence, "prevalence")
    sensitivity = as_probabilities(sensitivity, "sensitivity")
    specificity = as_probabilities(specificity, "specificity")
    prevalence, sensitivity, specificity = broadcast(
        prevalence=prevalence, sensitivity=sensitivity, specificity=specificity
    )
    true_positive = sensitivity * prevalence
    true_negative = specificity * (1 - prevalence)
    p_positive = true_positive + (1 - specificity) * (1 - prevalence)
    p_negative = true_negative + (1 - sensitivity) * prevalence
    if (p_positive == 0).any():
        raise ValueError("the test is never positive (P(positive) = 0), so the PPV is undefined")
    if (p_negative == 0).any():
        raise ValueError("the test is never negative (P(negative) = 0), so the NPV is undefined")
    return DiagnosticTest(
        ppv=_scalar_if_0d(true_positive / p_positive),
        npv=_scalar_if_0d(true_negative / p_negative),
        p_positive=_scalar_if_0d(p_positive),
    )


def _test_rates(prevalence, sensitivity, specificity) -> tuple[float, float, float]:
    """The three numbers that describe a binary test in a population, as floats."""
    return (
        float(as_probabilities(prevalence, "prevalence", ndim=0)),
        float(as_probabilities(sensitivity, "sensitivity", ndim=0)),
        float(as_probabilities(specificity, "specificity", ndim=0)),
    )


def _as_test_results(results) -> np.ndarray:
    """A 1-D boolean array of test results (integers 0 and 1 are accepted too)."""
    results = np.asarray(results)
    if results.ndim != 1:
        raise ValueError(f"results must be a 1-D sequence of booleans, got shape {results.shape}")
    is_binary_int = results.dtype.kind in "iu" and np.isin(results, (0, 1)).all()
    if results.size and results.dtype != bool and not is_binary_int:
        raise TypeError("results must hold booleans (True for a positive test, False for a negative one)")
    return results.astype(bool)


def sequential_posterior(prevalence, sensitivity, specificity, results: Sequence[bool]) -> np.ndarray:
    """P(condition) after each of several conditionally independent test results.

    Each posterior becomes the prior of the next test, Eq. (eq-sequential): a
    positive result has likelihoods (sensitivity, 1 − specificity), a negative one
    (1 − sensitivity, specificity). ``results`` holds ``True`` for positive and
    ``False`` for negative; the returned array has one entry per result.
    """
    belief, sensitivity, specificity = _test_rates(prevalence, sensitivity, specificity)
    results = _as_test_results(results)
    beliefs = np.empty(results.size)
    for i, positive in enumerate(results):
        if positive:
            likelihoods = (sensitivity, 1 - specificity)
        else:
            likelihoods = (1 - sensitivity, specificity)
        belief = float(posterior(likelihoods, (belief, 1 - belief))[0])
        beliefs[i] = belief
    return beliefs


def natural_frequencies(prevalence, sensitivity, specificity, population: int = 1000) -> dict[str, int]:
    """Whole-person counts of a population: true/false positives and negatives.

    The expected counts ``population * P(cell)`` are rounded by the largest-remainder
    method, so the four counts always add up to ``population`` and each is within
    one person of its expectation. Keys: ``"tp"``, ``"fn"``, ``"fp"``, ``"tn"``.
    """
    prevalence, sensitivity, specificity = _test_rates(prevalence, sensitivity, specificity)
    population = as_count(population, "population", minimum=1)
    shares = np.array([
        prevalence * sensitivity,
        prevalence * (1 - sensitivity),
        (1 - prevalence) * (1 - specificity),
        (1 - prevalence) * specificity,
    ])
    expected = shares * population
    counts = np.floor(expected).astype(int)
    # Hand the people lost to flooring to the cells with the largest remainders.
    shortfall = population - counts.sum()
    counts[np.argsort(-(expected - counts), kind="stable")[:shortfall]] += 1
    return dict(zip(("tp", "fn", "fp", "tn"), (int(c) for c in counts)))


class BetaPosterior(NamedTuple):
    """A Beta(alpha, beta) belief about an unknown rate in [0, 1]."""

    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        """Posterior mean alpha / (alpha + beta), Eq. (eq-beta-mean)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def variance(self) -> float:
        total = self.alpha + self.beta
        return self.alpha * self.beta / (total**2 * (total + 1))

    @property
    def mode(self) -> float:
        """The MAP estimate (alpha − 1) / (alpha + beta − 2), defined for alpha, beta > 1."""
        if self.alpha <= 1 or self.beta <= 1:
            raise ValueError(
                f"the mode of Beta({self.alpha}, {self.beta}) is not a unique interior point: "
                "it needs alpha > 1 and beta > 1"
            )
        return (self.alpha - 1) / (self.alpha + self.beta - 2)

    def pdf(self, x) -> np.ndarray:
        r"""Density :math:`x^{\alpha-1}(1-x)^{\beta-1} / B(\alpha, \beta)` at ``x`` in [0, 1]."""
        x = as_probabilities(x, "x")
        log_beta_fn = math.lgamma(self.alpha) + math.lgamma(self.beta) - math.lgamma(self.alpha + self.beta)
        with np.errstate(divide="ignore", invalid="ignore"):
            # np.where picks 0 where the exponent is 0: x**0 == 1 even at x = 0.
            log_x = np.where(self.alpha == 1, 0.0, (self.alpha - 1) * np.log(x))
            log_1mx = np.where(self.beta == 1, 0.0, (self.beta - 1) * np.log1p(-x))
        return np.exp(log_x + log_1mx - log_beta_fn)


def beta_binomial_update(alpha, beta, successes, failures) -> BetaPosterior:
    r"""Conjugate update of a Beta prior by binomial data, Eq. (eq-beta-update).

    .. math:: \mathrm{Beta}(\alpha, \beta) \xrightarrow{k \text{ successes},\ m \text{ failures}}
              \mathrm{Beta}(\alpha + k, \beta + m)

    ``alpha`` and ``beta`` must be > 0; the counts must be >= 0 (fractional counts
    are allowed: they act as pseudo-observations).
    """
    alpha = as_positive(alpha, "alpha")
    beta = as_positive(beta, "beta")
    successes = as_nonnegative(successes, "successes")
    failures = as_nonnegative(failures, "failures")
    return BetaPosterior(alpha + successes, beta + failures)


class SimulatedTest(NamedTuple):
    """The outcome of :func:`simulate_diagnostic_test`."""

    ppv: float
    """Share of simulated positives who have the condition."""
    stderr: float
    """Binomial standard error of ``ppv``: sqrt(ppv (1 − ppv) / positives)."""
    positives: int
    true_positives: int


def simulate_diagnostic_test(
    prevalence: float,
    sensitivity: float,
    specificity: float,
    n: int,
    *,
    device: str | torch.device = "cpu",
    seed: int = 0,
    chunk_size: int = 10_000_000,
) -> SimulatedTest:
    """Monte-Carlo estimate of the PPV from ``n`` simulated patients on ``device``.

    Each patient is sick with probability ``prevalence``; a sick patient tests
    positive with probability ``sensitivity``, a healthy one with ``1 − specificity``.
    Patients are drawn ``chunk_size`` at a time, so 10^8 of them fit in a GPU's
    memory and 10^6 take a fraction of a second on a CPU.
    """
    prevalence, sensitivity, specificity = _test_rates(prevalence, sensitivity, specificity)
    n = as_count(n, "n", minimum=1)
    chunk_size = as_count(chunk_size, "chunk_size", minimum=1)
    seed = as_count(seed, "seed")  # NumPy integers too
    generator = torch.Generator(device=device).manual_seed(seed)
    positives = true_positives = 0
    for start in range(0, n, chunk_size):
        size = min(chunk_size, n - start)
        sick = torch.rand(size, device=device, generator=generator) < prevalence
        p_positive = torch.where(sick, sensitivity, 1 - specificity)
        positive = torch.rand(size, device=device, generator=generator) < p_positive
        positives += int(positive.sum())
        true_positives += int((positive & sick).sum())
    if positives == 0:
        raise ValueError(f"no simulated patient tested positive among n={n}; increase n")
    ppv = true_positives / positives
    return SimulatedTest(ppv, math.sqrt(ppv * (1 - ppv) / positives), positives, true_positives)
