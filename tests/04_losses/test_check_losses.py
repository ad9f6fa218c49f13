"""dlcore.check.losses: the reference passes, wrong readers fail with a useful report."""

import torch

from dlcore.check.losses import check_cross_entropy, cross_entropy_cases


def _log_softmax_cross_entropy(logits, target):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_p = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -log_p[torch.arange(len(target)), target].mean()


def test_cross_entropy_checker_passes_torch_and_log_sum_exp(capsys):
    assert check_cross_entropy(lambda x, t: torch.nn.functional.cross_entropy(x, t))
    assert check_cross_entropy(_log_softmax_cross_entropy)
    assert f"all {len(cross_entropy_cases())} cases agree with dlcore.losses.cross_entropy" in capsys.readouterr().out


def test_cross_entropy_checker_fails_softmax_then_log(capsys):
    def softmax_then_log(logits, target):
        return -torch.log(torch.softmax(logits, dim=1)[torch.arange(len(target)), target]).mean()

    assert not check_cross_entropy(softmax_then_log)
    assert "logit 1000: confidently wrong" in capsys.readouterr().out


def test_cross_entropy_checker_fails_a_sum_instead_of_a_mean(capsys):
    assert not check_cross_entropy(lambda x, t: torch.nn.functional.cross_entropy(x, t, reduction="sum"))
