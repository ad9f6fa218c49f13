"""dlcore.check.bayes: the reference passes, wrong readers fail with a useful report."""

import numpy as np
import pytest
import torch

from dlcore import bayes
from dlcore.check import Case, check
from dlcore.check.bayes import check_posterior, check_total_probability, partition_cases


def test_the_reference_passes_its_own_checker(capsys):
    assert check_posterior(bayes.posterior)
    assert check_total_probability(bayes.total_probability)
    out = capsys.readouterr().out
    assert f"all {len(partition_cases())} cases agree with dlcore.bayes.posterior" in out


def test_a_correct_pure_python_version_passes():
    def loop_posterior(likelihoods, priors):
        joint = [l * p for l, p in zip(likelihoods, priors)]
        return [j / sum(joint) for j in joint]

    assert check_posterior(loop_posterior)


def test_a_torch_version_passes():
    def torch_posterior(likelihoods, priors):
        joint = torch.as_tensor(likelihoods) * torch.as_tensor(priors)
        return joint / joint.sum()

    assert check_posterior(torch_posterior)


@pytest.mark.parametrize("wrong, expected_message", [
    (lambda l, p: np.asarray(l) * np.asarray(p), "expected [0.5, 0.5], got [0.0099, 0.0099]"),
    (lambda l, p: np.asarray(p), "the rare-disease test"),
    (lambda l, p: np.asarray(l) / np.sum(l), "expected [0.5, 0.5], got [0.99, 0.01]"),
    (lambda l, p: (np.asarray(l) * p / np.dot(l, p))[:1], "expected shape (2,), got shape (1,)"),
    (lambda l, p: "0.5", "expected a number or array, got str"),
])
def test_wrong_versions_fail_with_the_input_expected_and_received(capsys, wrong, expected_message):
    assert not check_posterior(wrong)
    out = capsys.readouterr().out
    assert out.startswith("\u2718 posterior disagrees on")
    assert expected_message in out


def test_a_version_that_fails_only_on_an_edge_case_is_caught(capsys):
    def drops_zero_priors(likelihoods, priors):
        likelihoods, priors = np.asarray(likelihoods), np.asarray(priors)
        if (priors == 0).any():
            raise ZeroDivisionError("I never expected a zero prior")
        return likelihoods * priors / np.dot(likelihoods, priors)

    assert not check_posterior(drops_zero_priors)
    out = capsys.readouterr().out
    assert "[a hypothesis with prior 0]" in out
    assert "raised ZeroDivisionError: I never expected a zero prior" in out


def test_inputs_the_reference_refuses_must_be_refused(capsys):
    cases = [Case(([0.0, 0.0], [0.5, 0.5]), label="impossible evidence")]
    assert check(bayes.posterior, bayes.posterior, cases)
    assert not check(lambda l, p: np.array([0.5, 0.5]), bayes.posterior, cases, name="posterior")
    assert "expected an error (ValueError" in capsys.readouterr().out
