"""dlcore.check.optim: the reference passes, wrong readers fail with a useful report."""

import torch

from dlcore.check.optim import adamw_cases, check_adamw_step


def _adamw(p, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, *, correct=True, decoupled=True):
    b1, b2 = betas
    if decoupled:
        p = p * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * p
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    m_hat, v_hat = (m / (1 - b1**t), v / (1 - b2**t)) if correct else (m, v)
    return p - lr * m_hat / (v_hat.sqrt() + eps), m, v


def test_adamw_checker_passes_torch_and_a_textbook_step_and_fails_the_classic_mistakes(capsys):
    def torch_step(p, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        p = p.clone().requires_grad_(True)
        opt = torch.optim.AdamW([p], lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=False)
        opt.state[p] = {"step": torch.tensor(float(t - 1)), "exp_avg": m.clone(), "exp_avg_sq": v.clone()}
        p.grad = g.clone()
        opt.step()
        return p.detach(), opt.state[p]["exp_avg"], opt.state[p]["exp_avg_sq"]

    assert check_adamw_step(torch_step)
    assert check_adamw_step(_adamw)
    assert f"all {len(adamw_cases())} cases agree" in capsys.readouterr().out
    assert not check_adamw_step(lambda *a, **k: _adamw(*a, **k, correct=False))
    assert "bias correction matters most" in capsys.readouterr().out
    assert not check_adamw_step(lambda *a, **k: _adamw(*a, **k, decoupled=False))
    assert "weight decay" in capsys.readouterr().out
