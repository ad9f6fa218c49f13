"""dlcore.conv.augment: Mixup and CutMix checked by their definitions; the mixed loss against torch's soft-label cross-entropy."""

import pytest
import torch
import torch.nn.functional as F
from scipy import stats

from dlcore import train
from dlcore.conv.augment import cutmix, mixed_cross_entropy, mixup


def batch(n=16, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(n, 64, generator=generator, dtype=torch.float64), torch.randint(0, 10, (n,), generator=generator)


def test_mixup_is_a_convex_combination_with_the_partners_labels():
    x, y = batch()
    mixed = mixup(x, y, 0.4, generator=torch.Generator().manual_seed(1))
    # Recover the permutation from the inputs themselves: row i is lam x_i + (1 - lam) x_j for exactly one j.
    lam = mixed.lam
    assert 0 <= lam <= 1 and torch.equal(mixed.targets_a, y)
    residual = (mixed.inputs[:, None] - lam * x[:, None] - (1 - lam) * x[None]).abs().amax(-1)
    j = residual.argmin(1)
    assert residual.min(1).values.max() < 1e-12
    assert sorted(j.tolist()) == list(range(len(x))) and torch.equal(mixed.targets_b, y[j])


def test_mixup_lambda_follows_beta_alpha_alpha():
    x, y = batch(4)
    generator = torch.Generator().manual_seed(0)
    lams = [mixup(x, y, 0.4, generator).lam for _ in range(400)]
    assert stats.kstest(lams, stats.beta(0.4, 0.4).cdf).pvalue > 0.01


def test_cutmix_pastes_one_box_and_lambda_is_the_share_of_pixels_kept():
    x, y = batch()
    for seed in range(20):
        mixed = cutmix(x, y, 1.0, torch.Generator().manual_seed(seed))
        images, out = x.reshape(-1, 8, 8), mixed.inputs.reshape(-1, 8, 8)
        changed = (out != images).any(0)  # pixels taken from partners, in any image
        kept = 1 - changed.sum().item() / 64
        if changed.any():
            rows, cols = changed.any(1).nonzero().flatten(), changed.any(0).nonzero().flatten()
            box = changed[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
            assert box.all(), "the pasted region is one rectangle"
        assert mixed.lam == pytest.approx(kept)
        for i in range(len(x)):  # inside the box, image i shows one partner j, whose label is targets_b[i]
            box_of = (out[i] == images)[:, changed].all(1) if changed.any() else torch.ones(len(x), dtype=torch.bool)
            assert any(y[j] == mixed.targets_b[i] for j in box_of.nonzero().flatten())


def test_cutmix_works_on_channel_images_too():
    x = torch.rand(6, 3, 10, 12)
    mixed = cutmix(x, torch.arange(6), 1.0, torch.Generator().manual_seed(3))
    assert mixed.inputs.shape == x.shape


def test_mixed_cross_entropy_is_the_soft_label_cross_entropy():
    logits, (a, b) = torch.randn(8, 5, dtype=torch.float64), torch.randint(0, 5, (2, 8))
    soft = 0.3 * F.one_hot(a, 5) + 0.7 * F.one_hot(b, 5)
    torch.testing.assert_close(mixed_cross_entropy(logits, a, b, 0.3), F.cross_entropy(logits, soft.double()))


def test_fit_trains_with_mixup_batches():
    x, y = batch(64)
    model = torch.nn.Linear(64, 10).double()
    generator = torch.Generator().manual_seed(0)
    history = train.fit(model, x, y, mixed_cross_entropy, epochs=3, batch_size=16,
                        mix_batch=lambda xb, yb: mixup(xb, yb, 0.4, generator))
    assert len(history["step_loss"]) == 12


@pytest.mark.parametrize("call, message", [
    (lambda: mixup(torch.rand(4, 64), torch.arange(3)), "y must be"),
    (lambda: mixup(torch.rand(4, 64), torch.arange(4), alpha=0.0), "alpha must be > 0"),
    (lambda: cutmix(torch.rand(4, 10), torch.arange(4)), "square"),
    (lambda: mixed_cross_entropy(torch.randn(2, 3), torch.arange(2), torch.arange(2), 1.5), "lam must lie"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
