"""dlcore.optim against torch.optim and torch.optim.lr_scheduler: whole trajectories in float64
for every option, schedules step by step, and clear errors for bad hyper-parameters."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.optim import lr_scheduler

from dlcore import optim
from dlcore.optim import landscape

D = torch.float64

OPTIONS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.2, eps=1e-6)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.8)),
    ("RMSprop", dict(lr=0.01, centered=True, weight_decay=0.05, eps=1e-6)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.9)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True, betas=(0.5, 0.9))),
]


def train_regression(optimizer_class, hyper, steps=300, seed=0):
    """A small tanh regression with a weight matrix and a bias (two parameter tensors, one group each)."""
    generator = torch.Generator().manual_seed(seed)
    W = torch.randn(6, 3, generator=generator, dtype=D).requires_grad_(True)
    b = torch.zeros(3, dtype=D, requires_grad=True)
    X, Y = torch.randn(50, 6, generator=generator, dtype=D), torch.randn(50, 3, generator=generator, dtype=D)
    opt = optimizer_class([{"params": [W]}, {"params": [b], "lr": hyper["lr"] / 2}], **hyper)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((torch.tanh(X @ W + b) - Y) ** 2).mean()
        loss.backward()
        opt.step()
        history.append(torch.cat([W.detach().flatten(), b.detach()]))
    return torch.stack(history)


def torch_class(name, hyper):
    return getattr(torch.optim, name), dict(hyper, foreach=False)


@pytest.mark.parametrize("name, hyper", OPTIONS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIONS)])
def test_every_option_follows_torchs_trajectory_for_300_steps(name, hyper):
    ours = train_regression(getattr(optim, name), hyper)
    theirs = train_regression(*torch_class(name, hyper))
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-9)


@pytest.mark.parametrize("name, hyper", OPTIONS[::3], ids=[n for n, _ in OPTIONS[::3]])
@pytest.mark.parametrize("surface", list(landscape.SURFACES))
def test_trajectories_on_the_test_surfaces_equal_torchs(name, hyper, surface):
    s = landscape.SURFACES[surface]
    hyper = dict(hyper, lr=hyper["lr"] / 10) if surface == "rosenbrock" else hyper
    ours = optim.trajectory(s.fn, s.start, getattr(optim, name), 400, **hyper)
    theirs = optim.trajectory(s.fn, s.start, *torch_class(name, hyper)[:1], 400, **torch_class(name, hyper)[1])
    assert ours.diverged == theirs.diverged
    np.testing.assert_allclose(ours.path, theirs.path, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.loss, theirs.loss, rtol=0, atol=1e-9)


def test_parameters_without_a_gradient_are_left_alone_and_closure_returns_the_loss():
    a = torch.ones(2, dtype=D, requires_grad=True)
    b = torch.ones(2, dtype=D, requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (a**2).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 2.0
    assert torch.equal(b, torch.ones(2, dtype=D)) and not torch.equal(a, torch.ones(2, dtype=D))
    assert opt.state[a]["step"] == 1 and b not in opt.state


def descend(param, opt, n):
    """n steps of ``opt`` on the quartic sum(θ⁴ − θ)."""
    for _ in range(n):
        opt.zero_grad()
        (param**4 - param).sum().backward()
        opt.step()


def test_state_dict_round_trip_continues_the_same_trajectory():
    steps = descend
    straight = torch.linspace(-1, 1, 5, dtype=D).requires_grad_(True)
    opt = optim.AdamW([straight], lr=0.05)
    steps(straight, opt, 20)
    interrupted = torch.linspace(-1, 1, 5, dtype=D).requires_grad_(True)
    first = optim.AdamW([interrupted], lr=0.05)
    steps(interrupted, first, 10)
    resumed = interrupted.detach().clone().requires_grad_(True)
    second = optim.AdamW([resumed], lr=0.05)
    second.load_state_dict(first.state_dict())
    assert second.state[resumed]["step"] == 10
    steps(resumed, second, 10)
    torch.testing.assert_close(resumed, straight, rtol=0, atol=0)


def test_works_on_float32_and_keeps_the_dtype():
    p = torch.randn(10, requires_grad=True)
    q = p.detach().clone().requires_grad_(True)
    ours, theirs = optim.AdamW([p], lr=0.1), torch.optim.AdamW([q], lr=0.1, foreach=False)
    for _ in range(50):
        for param, opt in ((p, ours), (q, theirs)):
            opt.zero_grad()
            (param**4).sum().backward()
            opt.step()
    assert p.dtype == torch.float32
    torch.testing.assert_close(p, q, rtol=0, atol=1e-6)


def test_without_bias_correction_the_first_adam_steps_are_far_too_small():
    corrected = optim.trajectory(lambda x, y: x**2 + y**2, [1.0, 1.0], optim.Adam, 1, lr=0.1)
    raw = optim.trajectory(lambda x, y: x**2 + y**2, [1.0, 1.0], optim.Adam, 1, lr=0.1, bias_correction=False)
    first_step = 1.0 - corrected.path[1, 0]
    assert first_step == pytest.approx(0.1, rel=1e-6)  # |m̂/√v̂| = 1 at step 1
    raw_step = 1.0 - raw.path[1, 0]
    assert raw_step == pytest.approx(0.1 * 0.1 / math.sqrt(0.001), rel=1e-6)  # (1-β1)/√(1-β2) = 3.16


def test_adam_weight_decay_is_l2_on_the_loss_but_adamw_is_not():
    def run(opt_class, penalty, **hyper):
        generator = torch.Generator().manual_seed(0)
        w = torch.randn(5, generator=generator, dtype=D).requires_grad_(True)
        target = torch.randn(5, generator=generator, dtype=D) * 10
        opt = opt_class([w], lr=0.05, **hyper)
        for _ in range(100):
            opt.zero_grad()
            (((w - target) ** 2).sum() + penalty / 2 * (w**2).sum()).backward()
            opt.step()
        return w.detach()

    torch.testing.assert_close(run(optim.Adam, 0.0, weight_decay=0.5), run(optim.Adam, 0.5), rtol=1e-12, atol=1e-12)
    assert (run(optim.AdamW, 0.0, weight_decay=0.5) - run(optim.Adam, 0.5)).abs().max() > 0.1
    torch.testing.assert_close(run(optim.SGD, 0.0, weight_decay=0.5), run(optim.SGD, 0.5), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("make, message", [
    (lambda p: optim.SGD(p, lr=-1.0), "lr must be >= 0"),
    (lambda p: optim.SGD(p, lr="fast"), "lr must be a real number"),
    (lambda p: optim.SGD(p, momentum=-0.1), "momentum must be >= 0"),
    (lambda p: optim.SGD(p, nesterov=True), "nesterov needs momentum > 0"),
    (lambda p: optim.SGD(p, momentum=0.9, dampening=0.1, nesterov=True), "dampening 0"),
    (lambda p: optim.SGD(p, nesterov=1), "nesterov must be True or False"),
    (lambda p: optim.SGD(p, weight_decay=float("nan")), "weight_decay must be finite"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), "lr_decay must be >= 0"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), "initial_accumulator_value must be >= 0"),
    (lambda p: optim.RMSprop(p, alpha=-0.5), r"alpha must lie in \[0, 1\]"),
    (lambda p: optim.RMSprop(p, centered="yes"), "centered must be True or False"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), r"betas\[0\] must lie in \[0, 1\)"),
    (lambda p: optim.Adam(p, betas=(0.9, -0.1)), r"betas\[1\] must lie in \[0, 1\)"),
    (lambda p: optim.Adam(p, betas=0.9), "betas must be a pair"),
    (lambda p: optim.Adam(p, eps=-1e-8), "eps must be >= 0"),
    (lambda p: optim.AdamW(p, weight_decay=-0.01), "weight_decay must be >= 0"),
])
def test_bad_hyperparameters_are_refused_with_their_name(make, message):
    with pytest.raises((TypeError, ValueError), match=message):
        make([torch.zeros(2, requires_grad=True)])


def test_bad_params_are_refused_as_torch_refuses_them():
    with pytest.raises(TypeError):
        optim.SGD(torch.zeros(2, requires_grad=True))  # a tensor, not an iterable of tensors
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])


def test_sparse_gradients_are_refused_clearly():
    p = torch.zeros(3, requires_grad=True)
    p.grad = torch.zeros(3).to_sparse()
    with pytest.raises(TypeError, match="sparse"):
        optim.Adam([p]).step()


# ------------------------------------------------------------------ schedules -------

def torch_schedule(make, lr, steps):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    scheduler = make(opt)
    rates = []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        scheduler.step()
    return np.array(rates)


@pytest.mark.parametrize("step_size, gamma", [(1, 0.5), (7, 0.1), (30, 0.9), (100, 0.0)])
def test_step_lr_equals_torch(step_size, gamma):
    ours = [optim.step_lr(t, 0.3, step_size, gamma) for t in range(120)]
    np.testing.assert_allclose(ours, torch_schedule(lambda o: lr_scheduler.StepLR(o, step_size, gamma), 0.3, 120), rtol=1e-12, atol=0)


@pytest.mark.parametrize("total, min_lr", [(1, 0.0), (10, 0.0), (80, 1e-3), (257, 0.05)])
def test_cosine_equals_torch_and_stays_at_the_floor(total, min_lr):
    ours = [optim.cosine(t, 0.1, total, min_lr) for t in range(total + 1)]
    theirs = torch_schedule(lambda o: lr_scheduler.CosineAnnealingLR(o, total, eta_min=min_lr), 0.1, total + 1)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    assert optim.cosine(10 * total, 0.1, total, min_lr) == min_lr  # torch's would climb back up


@pytest.mark.parametrize("warmup, total, start_factor", [(1, 5, 0.5), (10, 100, 0.1), (50, 60, 1e-3), (5, 200, 1.0)])
def test_warmup_cosine_equals_torchs_linear_then_cosine(warmup, total, start_factor):
    ours = [optim.warmup_cosine(t, 0.1, warmup, total, 1e-4, start_factor) for t in range(total + 1)]

    def make(o):
        return lr_scheduler.SequentialLR(o, [lr_scheduler.LinearLR(o, start_factor, 1.0, warmup),
                                             lr_scheduler.CosineAnnealingLR(o, total - warmup, 1e-4)], [warmup])

    np.testing.assert_allclose(ours, torch_schedule(make, 0.1, total + 1), rtol=0, atol=1e-12)
    assert optim.warmup_cosine(0, 0.1, warmup, total) == 0.0  # the default starts from zero


@pytest.mark.parametrize("anneal", ["cos", "linear"])
@pytest.mark.parametrize("total, pct, div, final", [(100, 0.3, 25.0, 1e4), (37, 0.25, 10.0, 100.0), (10, 0.5, 5.0, 1e3), (2, 0.9, 25.0, 1e4)])
def test_one_cycle_equals_torch(anneal, total, pct, div, final):
    ours = [optim.one_cycle(t, 0.2, total, pct, div, final, anneal) for t in range(total)]
    theirs = torch_schedule(lambda o: lr_scheduler.OneCycleLR(o, 0.2, total_steps=total, pct_start=pct, div_factor=div,
                                                             final_div_factor=final, anneal_strategy=anneal,
                                                             cycle_momentum=False), 0.2, total)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


@given(step=st.integers(0, 10_000), total=st.integers(1, 10_000), lr=st.floats(1e-6, 10.0), frac=st.floats(0.0, 1.0))
def test_cosine_stays_between_the_floor_and_the_peak_and_never_rises(step, total, lr, frac):
    min_lr = lr * frac
    value = optim.cosine(step, lr, total, min_lr)
    assert min_lr - 1e-12 <= value <= lr + 1e-12
    assert optim.cosine(step + 1, lr, total, min_lr) <= value + 1e-15


@pytest.mark.parametrize("call, message", [
    (lambda: optim.step_lr(-1, 0.1, 10), "step must be >= 0"),
    (lambda: optim.step_lr(1.5, 0.1, 10), "step must be an integer"),
    (lambda: optim.step_lr(0, 0.1, 0), "step_size must be >= 1"),
    (lambda: optim.cosine(0, -0.1, 10), "lr must be >= 0"),
    (lambda: optim.cosine(0, 0.1, 0), "total_steps must be >= 1"),
    (lambda: optim.warmup_cosine(0, 0.1, 10, 10), "warmup_steps must be < total_steps"),
    (lambda: optim.warmup_cosine(0, 0.1, 1, 10, start_factor=2.0), "start_factor must lie in"),
    (lambda: optim.one_cycle(100, 0.1, 100), "step must be < total_steps"),
    (lambda: optim.one_cycle(0, 0.1, 100, pct_start=1.0), "pct_start must lie in"),
    (lambda: optim.one_cycle(0, 0.1, 100, anneal="cosine"), "anneal must be one of"),
    (lambda: optim.one_cycle(0, 0.1, 100, div_factor=0), "div_factor must be > 0"),
])
def test_bad_schedule_arguments_are_refused_with_their_name(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_set_lr_reaches_every_group_and_a_schedule_drives_trajectory():
    a, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    optim.set_lr(opt, 0.01)
    assert [g["lr"] for g in opt.param_groups] == [0.01, 0.01]
    with pytest.raises(ValueError, match="lr must be >= 0"):
        optim.set_lr(opt, -1)
    frozen = optim.trajectory(landscape.ravine, [1.0, 1.0], optim.SGD, 5, schedule=lambda t: 0.0, lr=0.1)
    np.testing.assert_array_equal(frozen.path, np.ones((6, 2)))


# ------------------------------------------------------------------ trajectory ------

def test_trajectory_reports_divergence_and_stops():
    run = optim.trajectory(landscape.ravine, [1.0, 1.0], optim.SGD, 1000, lr=0.1)  # 0.1 > 2/25
    assert run.diverged and len(run.path) == len(run.loss) < 1000
    fine = optim.trajectory(landscape.ravine, [1.0, 1.0], optim.SGD, 200, lr=0.07)
    assert not fine.diverged and fine.path.shape == (201, 2) and fine.loss[-1] < 1e-6


@pytest.mark.parametrize("start", [[1.0], [1.0, float("nan")], "ab", [[1.0, 2.0]]])
def test_trajectory_refuses_a_bad_start(start):
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        optim.trajectory(landscape.ravine, start)


def test_nesterov_in_torchs_form_is_the_look_ahead_of_sutskevers_form():
    """θ in torch's Nesterov is the look-ahead point φ = θ − ημv of the textbook form, Eq. (eq-nesterov)."""
    lr, mu = 0.05, 0.9
    torch_path = optim.trajectory(landscape.saddle, [-2.5, 0.01], optim.SGD, 100, lr=lr, momentum=mu, nesterov=True).path
    theta, v = np.array([-2.5, 0.01]), np.zeros(2)
    look_ahead = [theta.copy()]
    for _ in range(100):
        point = torch.tensor(theta - lr * mu * v, requires_grad=True)
        landscape.saddle(point[0], point[1]).backward()
        v = mu * v + point.grad.numpy()
        theta = theta - lr * v
        look_ahead.append(theta - lr * mu * v)
    np.testing.assert_allclose(torch_path, np.array(look_ahead), rtol=0, atol=1e-10)


def test_step_functions_refuse_a_nan_rate_and_step_zero():
    # Regression: sgd_step(lr=nan) wrote NaN into the parameter; adam_step(step=0) divided by 1 - β⁰ = 0.
    param, grad = torch.ones(3), torch.ones(3)
    with pytest.raises(ValueError, match="lr must be finite, got nan"):
        optim.sgd_step(param, grad, None, lr=float("nan"))
    assert torch.equal(param, torch.ones(3))
    with pytest.raises(ValueError, match="step must be >= 1, got 0"):
        optim.adam_step(param, grad, torch.zeros(3), torch.zeros(3), 0)
    with pytest.raises(ValueError, match="lr must be >= 0"):
        optim.rmsprop_step(param, grad, torch.zeros(3), lr=-1.0)
    with pytest.raises(ValueError, match="step must be >= 1"):
        optim.adagrad_step(param, grad, torch.zeros(3), 0, lr=0.1)


@pytest.mark.parametrize("name, hyper", OPTIONS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIONS)])
def test_a_torch_optim_state_dict_loads_and_continues_the_same_trajectory(name, hyper):
    # Regression: loading torch's state dict, then step(), raised KeyError ('bias_correction',
    # 'momentum_buffer', 'step'): torch stores neither dlcore's own options nor unused buffers.
    def run(opt, param, n):
        descend(param, opt, n)

    reference = torch.linspace(-1, 1, 5, dtype=D).requires_grad_(True)
    torch_cls, torch_hyper = torch_class(name, hyper)
    straight = torch_cls([reference], **torch_hyper)
    run(straight, reference, 20)
    half = torch.linspace(-1, 1, 5, dtype=D).requires_grad_(True)
    first = torch_cls([half], **torch_hyper)
    run(first, half, 10)
    resumed = half.detach().clone().requires_grad_(True)
    ours = getattr(optim, name)([resumed], **hyper)
    ours.load_state_dict(first.state_dict())
    run(ours, resumed, 10)
    torch.testing.assert_close(resumed, reference, rtol=0, atol=1e-14)


@pytest.mark.parametrize("name, hyper", OPTIONS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIONS)])
def test_maximize_climbs_as_torchs_does(name, hyper):
    ours = train_regression(getattr(optim, name), dict(hyper, maximize=True), steps=50)
    cls, torch_hyper = torch_class(name, hyper)
    theirs = train_regression(cls, dict(torch_hyper, maximize=True), steps=50)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-13)


@pytest.mark.parametrize("name, hyper", OPTIONS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIONS)])
def test_complex_parameters_follow_torchs_real_view_rule(name, hyper):
    # Regression: adaptive rules squared the complex gradient (g², not |re|², |im|²).
    def run(cls, options):
        z = torch.tensor([1 + 2j, -0.5 + 0.1j, 0.3 - 1j], dtype=torch.complex128, requires_grad=True)
        opt = cls([z], **options)
        for _ in range(30):
            opt.zero_grad()
            (z.abs() ** 4 - z.real).sum().backward()
            opt.step()
        return z.detach(), opt

    ours, opt = run(getattr(optim, name), hyper)
    cls, torch_hyper = torch_class(name, hyper)
    theirs, _ = run(cls, torch_hyper)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-13)
    assert all(not isinstance(v, torch.Tensor) or v.is_complex() for v in next(iter(opt.state.values())).values())


def test_step_lr_that_grows_past_the_largest_float_is_inf_as_torchs():
    assert optim.step_lr(400, 0.1, 1, gamma=10) == math.inf
