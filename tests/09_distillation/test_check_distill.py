"""dlcore.check.distill: the reference passes, wrong readers fail with a useful report."""

import torch

from dlcore.check.distill import check_kd_loss


def test_kd_checker_passes_torch_and_fails_without_t_squared_or_with_the_kl_reversed(capsys):
    F = torch.nn.functional

    def reference(s, t, y, T, alpha):
        soft = F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction="batchmean")
        return alpha * T**2 * soft + (1 - alpha) * F.cross_entropy(s, y)

    def no_t_squared(s, t, y, T, alpha):
        return reference(s, t, y, T, alpha) - alpha * (T**2 - 1) * F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction="batchmean")

    def reversed_kl(s, t, y, T, alpha):
        soft = F.kl_div(F.log_softmax(t / T, 1), F.softmax(s / T, 1), reduction="batchmean")
        return alpha * T**2 * soft + (1 - alpha) * F.cross_entropy(s, y)

    assert check_kd_loss(reference)
    assert not check_kd_loss(no_t_squared)
    assert not check_kd_loss(reversed_kl)
    assert "the T² factor matters" in capsys.readouterr().out
