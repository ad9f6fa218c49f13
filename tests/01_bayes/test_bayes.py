"""dlcore.bayes against closed forms, scipy.stats, scikit-learn and properties."""

import math

import numpy as np
import pytest
import scipy.stats
import torch
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import precision_score

from dlcore import bayes

probability = st.floats(0.0, 1.0)
open_probability = st.floats(1e-6, 1 - 1e-6)


@st.composite
def partitions(draw):
    n = draw(st.integers(1, 8))
    weights = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    if weights.sum() == 0:
        weights[0] = 1.0
    priors = weights / weights.sum()
    likelihoods = np.array(draw(st.lists(probability, min_size=n, max_size=n)))
    return likelihoods, priors


# -- total probability and the posterior ---------------------------------------------------


def test_rare_disease_example_from_the_seeds():
    evidence = bayes.total_probability([0.99, 0.01], [0.01, 0.99])
    assert evidence == pytest.approx(0.0198, abs=1e-15)
    assert bayes.posterior([0.99, 0.01], [0.01, 0.99])[0] == pytest.approx(0.5, abs=1e-15)


@given(partitions())
def test_total_probability_is_a_weighted_average_of_likelihoods(partition):
    likelihoods, priors = partition
    evidence = bayes.total_probability(likelihoods, priors)
    assert math.fsum(likelihoods * priors) == pytest.approx(evidence, abs=1e-12)
    assert likelihoods.min() - 1e-12 <= evidence <= likelihoods.max() + 1e-12


@given(partitions())
def test_posterior_is_a_distribution_proportional_to_likelihood_times_prior(partition):
    likelihoods, priors = partition
    if (likelihoods * priors).sum() == 0:
        with pytest.raises(ValueError, match="evidence has probability 0"):
            bayes.posterior(likelihoods, priors)
        return
    post = bayes.posterior(likelihoods, priors)
    assert post.shape == priors.shape
    assert post.sum() == pytest.approx(1.0, abs=1e-12)
    assert (post >= 0).all()
    # Bayes' theorem term by term: P(A_i | B) P(B) = P(B | A_i) P(A_i).
    np.testing.assert_allclose(post * bayes.total_probability(likelihoods, priors), likelihoods * priors, atol=1e-15)
    assert (post[priors == 0] == 0).all()  # a zero prior stays zero whatever the evidence


def test_equal_likelihoods_leave_the_prior_unchanged():
    priors = np.array([0.2, 0.5, 0.3])
    np.testing.assert_allclose(bayes.posterior([0.4, 0.4, 0.4], priors), priors, rtol=1e-15)


def test_posterior_agrees_with_torch_distributions_on_a_categorical_model():
    # Oracle: Bayes by log-probabilities with torch.distributions, over a partition of
    # three coins with different biases after one observed head.
    biases = torch.tensor([0.2, 0.5, 0.9], dtype=torch.float64)
    prior = torch.distributions.Categorical(probs=torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64))
    log_joint = prior.logits + torch.distributions.Bernoulli(probs=biases).log_prob(torch.ones(3, dtype=torch.float64))
    expected = torch.softmax(log_joint, dim=0).numpy()
    np.testing.assert_allclose(bayes.posterior(biases.numpy(), prior.probs.numpy()), expected, rtol=1e-12)


@pytest.mark.parametrize(
    "likelihoods, priors, error, message",
    [
        ([0.5, 0.5], [0.6, 0.6], ValueError, "priors must sum to 1"),
        ([0.5, 1.5], [0.5, 0.5], ValueError, "likelihoods must lie in \\[0, 1\\]"),
        ([0.5, 0.5], [-0.5, 1.5], ValueError, "priors must lie in \\[0, 1\\]"),
        ([0.5], [0.5, 0.5], ValueError, "same length"),
        ([], [], ValueError, "must not be empty"),
        ([[0.5]], [1.0], ValueError, "likelihoods must be 1-dimensional"),
        ([np.nan, 0.5], [0.5, 0.5], ValueError, "likelihoods contains NaN"),
        ([0.5, 0.5], [np.inf, 0.5], ValueError, "priors contains an infinite value"),
        ("0.5", [1.0], TypeError, "likelihoods must be numeric"),
        ([0.5, 0.5], ["a", "b"], TypeError, "priors must be numeric"),
        ([0.0, 0.0], [0.5, 0.5], ValueError, "evidence has probability 0"),
    ],
)
def test_posterior_rejects_bad_input_naming_the_argument(likelihoods, priors, error, message):
    with pytest.raises(error, match=message):
        bayes.posterior(likelihoods, priors)


def test_total_probability_validates_like_posterior():
    with pytest.raises(ValueError, match="priors must sum to 1"):
        bayes.total_probability([0.5, 0.5], [0.1, 0.1])


# -- diagnostic tests ------------------------------------------------------------------------


@given(open_probability, open_probability, open_probability)
def test_diagnostic_test_matches_the_partition_posterior(prevalence, sensitivity, specificity):
    result = bayes.diagnostic_test(prevalence, sensitivity, specificity)
    ppv = bayes.posterior([sensitivity, 1 - specificity], [prevalence, 1 - prevalence])[0]
    npv = bayes.posterior([1 - sensitivity, specificity], [prevalence, 1 - prevalence])[1]
    assert result.ppv == pytest.approx(ppv, rel=1e-9, abs=1e-15)
    assert result.npv == pytest.approx(npv, rel=1e-9, abs=1e-15)
    assert result.p_positive == pytest.approx(
        bayes.total_probability([sensitivity, 1 - specificity], [prevalence, 1 - prevalence]), rel=1e-12
    )


@pytest.mark.parametrize("population, prevalence, sensitivity, specificity", [
    (10_000, 0.01, 0.99, 0.99),
    (1_000, 0.2, 0.75, 0.9),
    (2_000, 0.5, 0.6, 0.55),
])
def test_ppv_is_scikit_learns_precision_on_an_exact_population(population, prevalence, sensitivity, specificity):
    # Oracle: sklearn.metrics.precision_score on a population whose counts are exact.
    sick = round(population * prevalence)
    tp = round(sick * sensitivity)
    fp = round((population - sick) * (1 - specificity))
    y_true = np.r_[np.ones(sick), np.zeros(population - sick)]
    y_pred = np.r_[np.ones(tp), np.zeros(sick - tp), np.ones(fp), np.zeros(population - sick - fp)]
    assert bayes.diagnostic_test(prevalence, sensitivity, specificity).ppv == pytest.approx(
        precision_score(y_true, y_pred), abs=1e-12
    )


def test_diagnostic_test_broadcasts_to_a_curve_and_stays_monotone_in_prevalence():
    prevalence = np.linspace(0.001, 0.999, 200)
    curve = bayes.diagnostic_test(prevalence, 0.9, 0.95)
    assert curve.ppv.shape == (200,)
    assert (np.diff(curve.ppv) > 0).all() and (np.diff(curve.npv) < 0).all()
    assert isinstance(bayes.diagnostic_test(0.1, 0.9, 0.95).ppv, float)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(prevalence=1.2, sensitivity=0.9, specificity=0.9), ValueError, "prevalence must lie in"),
    (dict(prevalence=0.1, sensitivity=-0.1, specificity=0.9), ValueError, "sensitivity must lie in"),
    (dict(prevalence=0.1, sensitivity=0.9, specificity=np.nan), ValueError, "specificity contains NaN"),
    (dict(prevalence="1%", sensitivity=0.9, specificity=0.9), TypeError, "prevalence must be numeric"),
    (dict(prevalence=[0.1, 0.2], sensitivity=[0.9, 0.8, 0.7], specificity=0.9), ValueError, "prevalence \\(2,\\), sensitivity \\(3,\\)"),
    (dict(prevalence=0.0, sensitivity=0.9, specificity=1.0), ValueError, "never positive"),
    (dict(prevalence=1.0, sensitivity=1.0, specificity=0.5), ValueError, "never negative"),
])
def test_diagnostic_test_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        bayes.diagnostic_test(**kwargs)


# -- sequential updating -------------------------------------------------------------------


@given(open_probability, st.floats(0.5, 0.999), st.floats(0.5, 0.999), st.lists(st.booleans(), min_size=1, max_size=6))
def test_sequential_posterior_matches_the_odds_form(prevalence, sensitivity, specificity, results):
    # Oracle: posterior odds = prior odds × LR+^(positives) × LR−^(negatives).
    beliefs = bayes.sequential_posterior(prevalence, sensitivity, specificity, results)
    log_odds = math.log(prevalence / (1 - prevalence))
    for i, positive in enumerate(results):
        log_odds += math.log(sensitivity / (1 - specificity)) if positive else math.log((1 - sensitivity) / specificity)
        assert beliefs[i] == pytest.approx(1 / (1 + math.exp(-log_odds)), rel=1e-9, abs=1e-12)


def test_two_positive_tests_from_the_chapter():
    np.testing.assert_allclose(bayes.sequential_posterior(0.01, 0.99, 0.99, [True, True]), [0.5, 0.99], rtol=1e-12)


def test_sequential_posterior_rejects_bad_results():
    with pytest.raises(TypeError, match="results must hold booleans"):
        bayes.sequential_posterior(0.01, 0.9, 0.9, ["positive"])
    with pytest.raises(ValueError, match="results must be a 1-D"):
        bayes.sequential_posterior(0.01, 0.9, 0.9, [[True]])
    with pytest.raises(ValueError, match="prevalence must be 0-dimensional"):
        bayes.sequential_posterior([0.01, 0.02], 0.9, 0.9, [True])
    assert bayes.sequential_posterior(0.01, 0.9, 0.9, []).shape == (0,)


# -- natural frequencies -------------------------------------------------------------------


@given(probability, probability, probability, st.integers(1, 100_000))
def test_natural_frequencies_add_up_and_round_honestly(prevalence, sensitivity, specificity, population):
    counts = bayes.natural_frequencies(prevalence, sensitivity, specificity, population)
    assert sum(counts.values()) == population
    expected = population * np.array([
        prevalence * sensitivity, prevalence * (1 - sensitivity),
        (1 - prevalence) * (1 - specificity), (1 - prevalence) * specificity,
    ])
    assert np.all(np.abs(np.array(list(counts.values())) - expected) < 1 + 1e-9)


def test_natural_frequencies_rejects_bad_population():
    with pytest.raises(ValueError, match="population must be >= 1"):
        bayes.natural_frequencies(0.1, 0.9, 0.9, 0)
    with pytest.raises(TypeError, match="population must be an integer"):
        bayes.natural_frequencies(0.1, 0.9, 0.9, 1000.0)


# -- the beta-binomial ---------------------------------------------------------------------


@given(st.floats(0.1, 50), st.floats(0.1, 50), st.integers(0, 500), st.integers(0, 500))
def test_beta_posterior_matches_scipy(alpha, beta, successes, failures):
    post = bayes.beta_binomial_update(alpha, beta, successes, failures)
    oracle = scipy.stats.beta(alpha + successes, beta + failures)
    assert post == (alpha + successes, beta + failures)
    assert post.mean == pytest.approx(oracle.mean(), rel=1e-12)
    assert post.variance == pytest.approx(oracle.var(), rel=1e-9)
    x = np.linspace(0.01, 0.99, 21)
    np.testing.assert_allclose(post.pdf(x), oracle.pdf(x), rtol=1e-8, atol=1e-300)


@pytest.mark.parametrize("alpha, beta", [(1, 1), (0.5, 0.5), (1, 3), (3, 1), (2, 5)])
def test_beta_pdf_at_the_ends_of_the_interval_matches_scipy(alpha, beta):
    x = np.array([0.0, 1.0])
    np.testing.assert_allclose(bayes.BetaPosterior(alpha, beta).pdf(x), scipy.stats.beta(alpha, beta).pdf(x))


def test_beta_mode_is_the_map_estimate_and_needs_both_parameters_above_one():
    post = bayes.beta_binomial_update(1, 1, 7, 3)
    assert post.mode == pytest.approx(0.7)  # uniform prior: MAP equals the MLE 7/10
    grid = np.linspace(0, 1, 100_001)
    assert grid[np.argmax(post.pdf(grid))] == pytest.approx(post.mode, abs=1e-5)
    with pytest.raises(ValueError, match="needs alpha > 1 and beta > 1"):
        bayes.BetaPosterior(1.0, 1.0).mode


def test_updating_in_batches_equals_updating_all_at_once():
    step = bayes.beta_binomial_update(2, 3, 4, 1)
    step = bayes.beta_binomial_update(*step, 10, 6)
    assert step == bayes.beta_binomial_update(2, 3, 14, 7)


@pytest.mark.parametrize("args, error, message", [
    ((0, 1, 1, 1), ValueError, "alpha must be > 0"),
    ((1, -2, 1, 1), ValueError, "beta must be > 0"),
    ((1, 1, -1, 1), ValueError, "successes must be >= 0"),
    ((1, 1, 1, np.nan), ValueError, "failures must be finite"),
    ((1, 1, True, 1), TypeError, "successes must be a real number"),
    ((1, "1", 1, 1), TypeError, "beta must be a real number"),
])
def test_beta_binomial_update_rejects_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        bayes.beta_binomial_update(*args)


# -- Monte Carlo -----------------------------------------------------------------------------


@pytest.mark.parametrize("prevalence, sensitivity, specificity", [(0.01, 0.99, 0.99), (0.3, 0.8, 0.7)])
def test_simulation_agrees_with_the_closed_form(prevalence, sensitivity, specificity):
    sim = bayes.simulate_diagnostic_test(prevalence, sensitivity, specificity, 400_000, chunk_size=150_000)
    exact = bayes.diagnostic_test(prevalence, sensitivity, specificity).ppv
    assert abs(sim.ppv - exact) < 5 * sim.stderr
    assert sim.true_positives <= sim.positives


def test_simulation_is_reproducible_and_seed_dependent():
    a = bayes.simulate_diagnostic_test(0.1, 0.9, 0.9, 10_000, seed=1)
    assert a == bayes.simulate_diagnostic_test(0.1, 0.9, 0.9, 10_000, seed=1)
    assert a != bayes.simulate_diagnostic_test(0.1, 0.9, 0.9, 10_000, seed=2)


def test_simulation_rejects_bad_input():
    with pytest.raises(ValueError, match="n must be >= 1"):
        bayes.simulate_diagnostic_test(0.1, 0.9, 0.9, 0)
    with pytest.raises(TypeError, match="n must be an integer"):
        bayes.simulate_diagnostic_test(0.1, 0.9, 0.9, 1e6)
    with pytest.raises(ValueError, match="no simulated patient tested positive"):
        bayes.simulate_diagnostic_test(0.0, 0.9, 1.0, 1000)


def test_tensors_float32_priors_and_numpy_seeds_are_read_as_given():
    # Regression: a tensor requiring grad crashed in .numpy(); float32 thirds "did not sum to 1";
    # a NumPy integer seed was refused by torch's generator; complex values lost their imaginary part.
    prior = torch.full((3,), 1 / 3, dtype=torch.float32, requires_grad=True)
    np.testing.assert_allclose(bayes.posterior([0.2, 0.5, 0.9], prior), bayes.posterior([0.2, 0.5, 0.9], [1 / 3] * 3), rtol=1e-6)
    with pytest.raises(ValueError, match="priors must sum to 1"):
        bayes.posterior([0.2, 0.5], np.float32([0.5, 0.51]))
    assert bayes.simulate_diagnostic_test(0.1, 0.9, 0.9, 1000, seed=np.int64(3)) == bayes.simulate_diagnostic_test(0.1, 0.9, 0.9, 1000, seed=3)
    with pytest.raises(TypeError, match="likelihoods must hold real numbers, got complex values"):
        bayes.posterior([0.5 + 1j, 0.5], [0.5, 0.5])
