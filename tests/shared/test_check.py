"""dlcore.check, the framework: what check refuses, how results are compared, readers that cheat."""

import numpy as np
import pytest
import torch

from dlcore import bayes
from dlcore.check import Case, check, mismatch


def test_check_refuses_a_non_function():
    with pytest.raises(TypeError, match="candidate must be a function"):
        check(42, bayes.posterior, [])


def test_mismatch_compares_structures_with_tolerance():
    result = bayes.DiagnosticTest(0.5, 0.9, 0.02)
    assert mismatch(result, (0.5 + 1e-12, 0.9, 0.02)) is None
    assert mismatch(result, (0.5, 0.8, 0.02)) == "result.npv: expected 0.9, got 0.8"
    assert mismatch({"tp": 1}, {"tp": 2}) == "result['tp']: expected 1, got 2"
    assert mismatch(float("nan"), float("nan")) is None
    assert mismatch(np.array([1.0, 2.0]), torch.tensor([1.0, 2.0])) is None


def _double(x):
    return 2 * x


DOUBLE_CASES = [Case((torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64),)), Case((torch.zeros(2, dtype=torch.float64),))]


def test_cases_given_as_plain_tuples_are_refused_not_passed():
    with pytest.raises(TypeError, match="cases must be dlcore.check.Case objects, got tuple"):
        check(lambda x: x, _double, [(torch.ones(2),)])


def test_complex_junk_and_sparse_results_fail(capsys):
    assert not check(lambda x: (2 * x).to(torch.complex128) + 1j, _double, DOUBLE_CASES)
    assert "expected real numbers, got complex ones" in capsys.readouterr().out
    assert not check(lambda x: (2 * x).to_sparse(), _double, DOUBLE_CASES)
    assert "layout torch.sparse_coo" in capsys.readouterr().out


def test_a_reader_that_changes_its_input_in_place_fails(capsys):
    def doubles_in_place(x):
        return x.mul_(2)

    assert not check(doubles_in_place, _double, DOUBLE_CASES)
    assert "changed its input in place" in capsys.readouterr().out
    assert torch.equal(DOUBLE_CASES[0].args[0], torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64))


def test_a_reader_that_never_returns_is_stopped_and_reported(capsys):
    def endless(x):
        while True:
            pass

    assert not check(endless, _double, DOUBLE_CASES, time_limit=0.2)
    assert "did not return within 0.2 s" in capsys.readouterr().out
