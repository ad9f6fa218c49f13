"""dlcore.check.norm: the reference passes, wrong readers fail with a useful report."""

import torch

from dlcore.check.norm import check_layer_norm, layer_norm_cases


def test_layer_norm_checker_passes_torch_and_fails_the_batch_axis_and_the_unbiased_variance(capsys):
    assert check_layer_norm(lambda x, size, eps=1e-5: torch.nn.functional.layer_norm(x, (size,), eps=eps))
    assert f"all {len(layer_norm_cases())} cases agree with dlcore.norm.layer_norm" in capsys.readouterr().out

    def over_the_batch(x, size, eps=1e-5):
        return (x - x.mean(0, keepdim=True)) / torch.sqrt(x.var(0, unbiased=False, keepdim=True) + eps)

    def unbiased(x, size, eps=1e-5):
        return (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, keepdim=True) + eps)

    assert not check_layer_norm(over_the_batch)
    assert not check_layer_norm(unbiased)
