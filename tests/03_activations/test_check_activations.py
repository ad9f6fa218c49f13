"""dlcore.check.activations: the reference passes, wrong readers fail with a useful report."""

import torch

from dlcore.check.activations import check_softmax, softmax_cases


def _stable_softmax(x, dim=-1):
    shifted = x - x.max(dim=dim, keepdim=True).values
    e = shifted.exp()
    return e / e.sum(dim=dim, keepdim=True)


def test_softmax_checker_passes_torch_and_a_stable_version(capsys):
    assert check_softmax(lambda x, dim=-1: torch.softmax(x, dim))
    assert check_softmax(_stable_softmax)
    assert f"all {len(softmax_cases())} cases agree with dlcore.activations.softmax" in capsys.readouterr().out


def test_softmax_checker_fails_the_naive_version_on_large_logits(capsys):
    assert not check_softmax(lambda x, dim=-1: x.exp() / x.exp().sum(dim=dim, keepdim=True))
    out = capsys.readouterr().out
    assert "large logits: e^1000 overflows" in out and "got [nan, nan, nan]" in out


def test_softmax_checker_fails_a_version_that_ignores_dim(capsys):
    assert not check_softmax(lambda x, dim=-1: _stable_softmax(x, -1))
    assert "dim=0: columns sum to 1" in capsys.readouterr().out
