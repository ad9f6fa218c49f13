"""Optimizers and learning-rate schedules, written out from their update rules (chapter 5).

Every optimizer is a :class:`torch.optim.Optimizer` subclass, used exactly like
``torch.optim``'s::

    optimizer = dlcore.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    loss.backward(); optimizer.step(); optimizer.zero_grad()

and its trajectory equals ``torch.optim``'s single-tensor implementation (to rounding) for
every option here. For one parameter tensor :math:`\\theta` with gradient :math:`g_t` at
step :math:`t = 1, 2, \\dots` the update rules are

* SGD, Eq. (eq-sgd-momentum): :math:`u_t = \\mu u_{t-1} + (1 - \\tau) g_t` (with
  :math:`u_1 = g_1`), :math:`\\theta \\leftarrow \\theta - \\eta\\, u_t`, or with Nesterov
  :math:`\\theta \\leftarrow \\theta - \\eta (g_t + \\mu u_t)`, Eq. (eq-nesterov);
* Adagrad, Eq. (eq-adagrad): :math:`s_t = s_{t-1} + g_t^2`,
  :math:`\\theta \\leftarrow \\theta - \\eta_t\\, g_t / (\\sqrt{s_t} + \\epsilon)`;
* RMSprop, Eq. (eq-rmsprop): :math:`s_t = \\alpha s_{t-1} + (1 - \\alpha) g_t^2`,
  :math:`\\theta \\leftarrow \\theta - \\eta\\, g_t / (\\sqrt{s_t} + \\epsilon)`;
* Adam, Eq. (eq-adam): :math:`m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t`,
  :math:`v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2`,
  :math:`\\theta \\leftarrow \\theta - \\eta\\, \\hat m_t / (\\sqrt{\\hat v_t} + \\epsilon)` with
  the bias corrections :math:`\\hat m_t = m_t / (1 - \\beta_1^t)`,
  :math:`\\hat v_t = v_t / (1 - \\beta_2^t)`;
* AdamW, Eq. (eq-adamw): Adam after the decoupled decay
  :math:`\\theta \\leftarrow (1 - \\eta\\lambda)\\,\\theta`.

``weight_decay`` :math:`\\lambda` in SGD, Adagrad, RMSprop and Adam is L2 regularisation:
:math:`g_t \\leftarrow g_t + \\lambda \\theta` before the rule. Only AdamW decouples it.

Schedules are pure functions of the step (0-based, the number of ``optimizer.step()``
calls so far) that return the learning rate for the next step; they equal
``torch.optim.lr_scheduler``'s ``StepLR``, ``CosineAnnealingLR``, ``LinearLR`` followed by
``CosineAnnealingLR``, and ``OneCycleLR``. :func:`trajectory` runs an optimizer on a 2-D
function for the pictures of chapter 5.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np
import torch

from .._validation import as_choice, as_count, as_fraction, as_nonnegative, as_positive, as_scalar, refuse_meta

__all__ = [
    "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "sgd_step", "adagrad_step", "rmsprop_step", "adam_step",
    "step_lr", "cosine", "warmup_cosine", "one_cycle", "set_lr", "Trajectory", "trajectory", "SCHEDULES",
    "schedule_curve",
]


# ---------------------------------------------------------------------------------------
# Update rules for one parameter tensor (in place, as torch's single-tensor path works)
# ---------------------------------------------------------------------------------------

def _like_param(param: torch.Tensor, **tensors: torch.Tensor | None) -> None:
    """An update rule's tensors: ``param`` a real or complex floating tensor, the others
    (``None`` where unused) of its shape, dtype and device, so that no update broadcasts."""
    if not isinstance(param, torch.Tensor) or not (param.is_floating_point() or param.is_complex()):
        raise TypeError(f"param must be a floating-point tensor, got {getattr(param, 'dtype', type(param).__name__)}")
    refuse_meta(param, "param")
    for name, tensor in tensors.items():
        if tensor is None:
            continue
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(tensor).__name__}")
        if (tensor.shape, tensor.dtype, tensor.device) != (param.shape, param.dtype, param.device):
            raise ValueError(f"{name} must have param's shape {tuple(param.shape)}, dtype {param.dtype} and device "
                             f"{param.device}, got {tuple(tensor.shape)}, {tensor.dtype}, {tensor.device}")


@torch.no_grad()
def sgd_step(param: torch.Tensor, grad: torch.Tensor, momentum_buffer: torch.Tensor | None, *, lr: float,
             momentum: float = 0.0, dampening: float = 0.0, weight_decay: float = 0.0,
             nesterov: bool = False) -> torch.Tensor | None:
    """One SGD step on ``param``, Eqs. (eq-sgd-momentum) and (eq-nesterov); returns the momentum buffer.

    The first step starts the buffer at the gradient itself (no dampening), as torch does.
    """
    _like_param(param, grad=grad, momentum_buffer=momentum_buffer)
    lr, momentum = as_nonnegative(lr, "lr"), as_nonnegative(momentum, "momentum")  # NaN would corrupt param
    dampening, weight_decay = as_scalar(dampening, "dampening"), as_nonnegative(weight_decay, "weight_decay")
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    if momentum != 0:
        if momentum_buffer is None:
            momentum_buffer = grad.detach().clone()
        else:
            momentum_buffer.mul_(momentum).add_(grad, alpha=1 - dampening)
        grad = grad.add(momentum_buffer, alpha=momentum) if nesterov else momentum_buffer
    param.add_(grad, alpha=-lr)
    return momentum_buffer


@torch.no_grad()
def adagrad_step(param: torch.Tensor, grad: torch.Tensor, state_sum: torch.Tensor, step: int, *, lr: float,
                 lr_decay: float = 0.0, weight_decay: float = 0.0, eps: float = 1e-10) -> None:
    """One Adagrad step (``step`` counts from 1), Eq. (eq-adagrad): the sum of squared gradients only grows."""
    _like_param(param, grad=grad, state_sum=state_sum)
    lr, step, eps = as_nonnegative(lr, "lr"), as_count(step, "step", minimum=1), as_nonnegative(eps, "eps")
    lr_decay, weight_decay = as_nonnegative(lr_decay, "lr_decay"), as_nonnegative(weight_decay, "weight_decay")
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    decayed_lr = lr / (1 + (step - 1) * lr_decay)
    state_sum.addcmul_(grad, grad, value=1)
    param.addcdiv_(grad, state_sum.sqrt().add_(eps), value=-decayed_lr)


@torch.no_grad()
def rmsprop_step(param: torch.Tensor, grad: torch.Tensor, square_avg: torch.Tensor, *, lr: float, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 momentum_buffer: torch.Tensor | None = None, grad_avg: torch.Tensor | None = None) -> None:
    """One RMSprop step, Eq. (eq-rmsprop); ``grad_avg`` (centred RMSprop) and ``momentum_buffer`` are
    updated in place when given."""
    _like_param(param, grad=grad, square_avg=square_avg, momentum_buffer=momentum_buffer, grad_avg=grad_avg)
    lr, alpha, eps = as_nonnegative(lr, "lr"), _as_alpha(alpha), as_nonnegative(eps, "eps")
    weight_decay, momentum = as_nonnegative(weight_decay, "weight_decay"), as_nonnegative(momentum, "momentum")
    if momentum > 0 and momentum_buffer is None:
        raise ValueError("momentum > 0 needs a momentum_buffer")
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    if grad_avg is not None:  # centred: divide by an estimate of the standard deviation, not the RMS
        grad_avg.lerp_(grad, 1 - alpha)
        denominator = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_().add_(eps)
    else:
        denominator = square_avg.sqrt().add_(eps)
    if momentum > 0:
        momentum_buffer.mul_(momentum).addcdiv_(grad, denominator)
        param.add_(momentum_buffer, alpha=-lr)
    else:
        param.addcdiv_(grad, denominator, value=-lr)


@torch.no_grad()
def adam_step(param: torch.Tensor, grad: torch.Tensor, exp_avg: torch.Tensor, exp_avg_sq: torch.Tensor, step: int, *,
              lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0,
              decoupled_weight_decay: bool = False, bias_correction: bool = True,
              max_exp_avg_sq: torch.Tensor | None = None) -> None:
    """One Adam step (``step`` counts from 1), Eq. (eq-adam); AdamW's with ``decoupled_weight_decay``, Eq. (eq-adamw).

    ``param``, ``exp_avg`` (m) and ``exp_avg_sq`` (v) are updated in place. With
    ``bias_correction=False`` (not an option of torch's, here to show the cold start) the
    raw averages are used; ``max_exp_avg_sq`` turns on AMSGrad.
    """
    _like_param(param, grad=grad, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq, max_exp_avg_sq=max_exp_avg_sq)
    lr, step = as_nonnegative(lr, "lr"), as_count(step, "step", minimum=1)  # step 0: division by 1 - β⁰ = 0
    (beta1, beta2), eps, weight_decay = _as_betas(betas), as_nonnegative(eps, "eps"), as_nonnegative(weight_decay, "weight_decay")
    if weight_decay != 0:
        if decoupled_weight_decay:
            param.mul_(1 - lr * weight_decay)
        else:
            grad = grad.add(param, alpha=weight_decay)
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    second_moment = exp_avg_sq
    if max_exp_avg_sq is not None:
        torch.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        second_moment = max_exp_avg_sq
    correction1 = 1 - beta1**step if bias_correction else 1.0
    correction2 = 1 - beta2**step if bias_correction else 1.0
    denominator = (second_moment.sqrt() / math.sqrt(correction2)).add_(eps)
    param.addcdiv_(exp_avg, denominator, value=-lr / correction1)


# ---------------------------------------------------------------------------------------
# Optimizer classes
# ---------------------------------------------------------------------------------------

def _as_beta(value, name: str) -> float:
    return as_fraction(value, name, "[)")


def _as_alpha(alpha) -> float:
    """RMSprop's smoothing constant: above 1 the running mean square turns negative (NaN steps)."""
    return as_fraction(alpha, "alpha")


def _as_betas(betas) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    return _as_beta(betas[0], "betas[0]"), _as_beta(betas[1], "betas[1]")


def _as_flag(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


class _Optimizer(torch.optim.Optimizer):
    """The loop every optimizer here shares: for each parameter with a gradient, create its
    state on first use, count the step, and apply the subclass's rule."""

    def _init_state(self, param: torch.Tensor, group: dict) -> dict:
        raise NotImplementedError

    def _update(self, param: torch.Tensor, grad: torch.Tensor, state: dict, group: dict) -> None:
        raise NotImplementedError

    def __setstate__(self, state: dict) -> None:
        # load_state_dict ends here. A torch.optim state dict lacks this class's own options
        # (bias_correction), and its per-parameter state lacks what torch does not store
        # (an unused momentum buffer, SGD's step count): fill both with the defaults.
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in self.defaults.items():
                group.setdefault(key, value)
            for param in group["params"]:
                saved = self.state.get(param)
                if saved:
                    for key, value in self._init_state(param, group).items():
                        saved.setdefault(key, value)
                    saved["step"] = int(saved.get("step", 0))  # torch stores a tensor

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None):
        """Update every parameter that has a gradient; ``closure`` re-evaluates the loss, as in torch."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if param.grad.is_sparse:
                    raise TypeError(f"{type(self).__name__} does not support sparse gradients")
                state = self.state[param]
                if not state:
                    state.update(self._init_state(param, group), step=0)
                state["step"] += 1
                grad = -param.grad if group["maximize"] else param.grad  # ascend: descend on -f
                if param.is_complex():
                    self._update_complex(param, grad, state, group)
                else:
                    self._update(param, grad, state, group)
        return loss

    def _update_complex(self, param: torch.Tensor, grad: torch.Tensor, state: dict, group: dict) -> None:
        """A complex parameter is a pair of real ones, as torch treats it: the rule runs on
        real views (so a squared gradient is re² and im², not the complex g²) and the state
        is stored complex, as torch stores it."""
        view = {key: torch.view_as_real(value) if isinstance(value, torch.Tensor) and value.is_complex() else value
                for key, value in state.items()}
        self._update(torch.view_as_real(param), torch.view_as_real(grad), view, group)
        for key, value in view.items():  # a buffer the rule created (SGD's momentum) comes back real
            if isinstance(value, torch.Tensor) and not value.is_complex() and not (
                    isinstance(state[key], torch.Tensor) and state[key].is_complex()):
                state[key] = torch.view_as_complex(value)


def _zeros(param: torch.Tensor) -> torch.Tensor:
    return torch.zeros_like(param, memory_format=torch.preserve_format)


class SGD(_Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov look-ahead and L2 weight decay.

    Eqs. (eq-sgd), (eq-sgd-momentum), (eq-nesterov); see :func:`sgd_step`.
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, *, maximize: bool = False):
        lr, momentum = as_nonnegative(lr, "lr"), as_nonnegative(momentum, "momentum")
        dampening, weight_decay = as_scalar(dampening, "dampening"), as_nonnegative(weight_decay, "weight_decay")
        if _as_flag(nesterov, "nesterov") and (momentum <= 0 or dampening != 0):
            raise ValueError(f"nesterov needs momentum > 0 and dampening 0, got momentum={momentum}, dampening={dampening}")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=_as_flag(maximize, "maximize")))

    def _init_state(self, param, group):
        return {"momentum_buffer": None}

    def _update(self, param, grad, state, group):
        state["momentum_buffer"] = sgd_step(param, grad, state["momentum_buffer"], lr=group["lr"],
                                            momentum=group["momentum"], dampening=group["dampening"],
                                            weight_decay=group["weight_decay"], nesterov=group["nesterov"])


class Adagrad(_Optimizer):
    """Adagrad: each coordinate's step shrinks with the square root of its summed squared gradients.

    Eq. (eq-adagrad); see :func:`adagrad_step`.
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10, *, maximize: bool = False):
        super().__init__(params, dict(
            lr=as_nonnegative(lr, "lr"), lr_decay=as_nonnegative(lr_decay, "lr_decay"),
            weight_decay=as_nonnegative(weight_decay, "weight_decay"),
            initial_accumulator_value=as_nonnegative(initial_accumulator_value, "initial_accumulator_value"),
            eps=as_nonnegative(eps, "eps"), maximize=_as_flag(maximize, "maximize")))

    def _init_state(self, param, group):
        start = group["initial_accumulator_value"]
        start = complex(start, start) if param.is_complex() else start  # both parts start there, as in torch
        return {"sum": torch.full_like(param, start, memory_format=torch.preserve_format)}

    def _update(self, param, grad, state, group):
        adagrad_step(param, grad, state["sum"], state["step"], lr=group["lr"], lr_decay=group["lr_decay"],
                     weight_decay=group["weight_decay"], eps=group["eps"])


class RMSprop(_Optimizer):
    """RMSprop: Adagrad with an exponential moving average in place of the sum, so old gradients fade.

    Eq. (eq-rmsprop); see :func:`rmsprop_step`.
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0,
                 momentum: float = 0.0, centered: bool = False, *, maximize: bool = False):
        super().__init__(params, dict(
            lr=as_nonnegative(lr, "lr"), alpha=_as_alpha(alpha), eps=as_nonnegative(eps, "eps"),
            weight_decay=as_nonnegative(weight_decay, "weight_decay"), momentum=as_nonnegative(momentum, "momentum"),
            centered=_as_flag(centered, "centered"), maximize=_as_flag(maximize, "maximize")))

    def _init_state(self, param, group):
        return {"square_avg": _zeros(param),
                "momentum_buffer": _zeros(param) if group["momentum"] > 0 else None,
                "grad_avg": _zeros(param) if group["centered"] else None}

    def _update(self, param, grad, state, group):
        rmsprop_step(param, grad, state["square_avg"], lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
                     weight_decay=group["weight_decay"], momentum=group["momentum"],
                     momentum_buffer=state["momentum_buffer"], grad_avg=state["grad_avg"])


class Adam(_Optimizer):
    """Adam: momentum on the gradient (m) divided by the root of an average of its square (v), both
    bias-corrected. Eq. (eq-adam); see :func:`adam_step`.

    ``weight_decay`` adds :math:`\\lambda\\theta` to the gradient (L2 regularisation), so it
    is divided by :math:`\\sqrt{\\hat v}` like the rest; ``decoupled_weight_decay=True`` is
    AdamW. ``bias_correction=False`` exists to show what the correction fixes.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *, decoupled_weight_decay: bool = False,
                 bias_correction: bool = True, maximize: bool = False):
        super().__init__(params, dict(
            lr=as_nonnegative(lr, "lr"), betas=_as_betas(betas), eps=as_nonnegative(eps, "eps"),
            weight_decay=as_nonnegative(weight_decay, "weight_decay"), amsgrad=_as_flag(amsgrad, "amsgrad"),
            decoupled_weight_decay=_as_flag(decoupled_weight_decay, "decoupled_weight_decay"),
            bias_correction=_as_flag(bias_correction, "bias_correction"), maximize=_as_flag(maximize, "maximize")))

    def _init_state(self, param, group):
        return {"exp_avg": _zeros(param), "exp_avg_sq": _zeros(param),
                "max_exp_avg_sq": _zeros(param) if group["amsgrad"] else None}

    def _update(self, param, grad, state, group):
        adam_step(param, grad, state["exp_avg"], state["exp_avg_sq"], state["step"], lr=group["lr"],
                  betas=group["betas"], eps=group["eps"], weight_decay=group["weight_decay"],
                  decoupled_weight_decay=group["decoupled_weight_decay"], bias_correction=group["bias_correction"],
                  max_exp_avg_sq=state["max_exp_avg_sq"])


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter): Adam whose weight decay shrinks the weights directly,
    :math:`\\theta \\leftarrow (1 - \\eta\\lambda)\\theta`, outside the adaptive step. Eq. (eq-adamw)."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, bias_correction: bool = True,
                 maximize: bool = False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True,
                         bias_correction=bias_correction, maximize=maximize)


# ---------------------------------------------------------------------------------------
# Learning-rate schedules: pure functions of the step
# ---------------------------------------------------------------------------------------

def _schedule_step(step) -> int:
    return as_count(step, "step")


def step_lr(step: int, lr: float, step_size: int, gamma: float = 0.1) -> float:
    """Multiply ``lr`` by ``gamma`` every ``step_size`` steps, Eq. (eq-step-lr): ``lr · gamma^⌊step/step_size⌋``."""
    step, lr = _schedule_step(step), as_nonnegative(lr, "lr")
    try:
        return lr * as_nonnegative(gamma, "gamma") ** (step // as_count(step_size, "step_size", minimum=1))
    except OverflowError:  # gamma > 1 for long enough: inf, as torch's repeated multiplication gives
        return math.inf


def _cosine_between(progress: float, high: float, low: float) -> float:
    return low + (high - low) * (1 + math.cos(math.pi * progress)) / 2


def cosine(step: int, lr: float, total_steps: int, min_lr: float = 0.0) -> float:
    """Cosine annealing from ``lr`` at step 0 to ``min_lr`` at ``total_steps``, and ``min_lr`` after,
    Eq. (eq-cosine-lr)."""
    step, lr, min_lr = _schedule_step(step), as_nonnegative(lr, "lr"), as_nonnegative(min_lr, "min_lr")
    total_steps = as_count(total_steps, "total_steps", minimum=1)
    return _cosine_between(min(step, total_steps) / total_steps, lr, min_lr)


def warmup_cosine(step: int, lr: float, warmup_steps: int, total_steps: int, min_lr: float = 0.0,
                  start_factor: float = 0.0) -> float:
    """Linear warm-up from ``start_factor · lr`` to ``lr`` over ``warmup_steps``, then cosine
    annealing to ``min_lr`` at ``total_steps``, Eq. (eq-warmup)."""
    step, lr = _schedule_step(step), as_nonnegative(lr, "lr")
    warmup_steps = as_count(warmup_steps, "warmup_steps")
    total_steps = as_count(total_steps, "total_steps", minimum=1)
    if warmup_steps >= total_steps:
        raise ValueError(f"warmup_steps must be < total_steps, got {warmup_steps} and {total_steps}")
    start_factor = as_fraction(start_factor, "start_factor")
    if step < warmup_steps:
        return lr * (start_factor + (1 - start_factor) * step / warmup_steps)
    return cosine(step - warmup_steps, lr, total_steps - warmup_steps, min_lr)


def one_cycle(step: int, max_lr: float, total_steps: int, pct_start: float = 0.3, div_factor: float = 25.0,
              final_div_factor: float = 1e4, anneal: str = "cos") -> float:
    """Smith's one-cycle policy, Eq. (eq-one-cycle), as ``torch.optim.lr_scheduler.OneCycleLR``:
    from ``max_lr / div_factor`` up to ``max_lr`` at ``pct_start · total_steps − 1``, then down
    to ``max_lr / (div_factor · final_div_factor)`` at ``total_steps − 1``."""
    step, max_lr = _schedule_step(step), as_nonnegative(max_lr, "max_lr")
    total_steps = as_count(total_steps, "total_steps", minimum=2)
    if step >= total_steps:
        raise ValueError(f"step must be < total_steps ({total_steps}), got {step}")
    pct_start = as_fraction(pct_start, "pct_start", "()")
    anneal = as_choice(anneal, "anneal", ("cos", "linear"))
    initial = max_lr / as_positive(div_factor, "div_factor")
    final = initial / as_positive(final_div_factor, "final_div_factor")
    peak = pct_start * total_steps - 1
    start, end, low, high = (0.0, peak, initial, max_lr) if step <= peak else (peak, total_steps - 1, max_lr, final)
    progress = (step - start) / (end - start) if end > start else 1.0
    if anneal == "linear":
        return low + (high - low) * progress
    return _cosine_between(progress, low, high)


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set every parameter group's learning rate (how a schedule is applied before each step)."""
    lr = as_nonnegative(lr, "lr")
    for group in optimizer.param_groups:
        group["lr"] = lr


# ---------------------------------------------------------------------------------------
# Trajectories on 2-D functions
# ---------------------------------------------------------------------------------------

class Trajectory(NamedTuple):
    """Where an optimizer went: ``path`` (steps + 1, 2), ``loss`` (steps + 1,), and whether it diverged."""

    path: np.ndarray
    loss: np.ndarray
    diverged: bool


def trajectory(fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], start, optimizer: type = SGD, steps: int = 100,
               schedule: Callable[[int], float] | None = None, **hyperparameters) -> Trajectory:
    """Run ``optimizer`` (a class: dlcore's or torch's) on ``fn(x, y)`` from ``start`` for ``steps`` steps, in float64.

    ``schedule(step)``, when given, sets the learning rate before each step. The run stops
    early, with ``diverged=True``, once the loss is no longer finite or a coordinate passes 1e6.
    """
    if isinstance(start, torch.Tensor):  # any device, requiring grad or not: two numbers are read from it
        refuse_meta(start, "start")
        start = start.detach().cpu()
    try:
        start = np.asarray(start, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"start must be two finite numbers, got {start!r}") from None
    if start.shape != (2,) or not np.isfinite(start).all():
        raise ValueError(f"start must be two finite numbers, got {start!r}")
    steps = as_count(steps, "steps")
    point = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = optimizer([point], **hyperparameters)
    path, losses = [start.copy()], []
    diverged = False
    for step in range(steps + 1):
        loss = fn(point[0], point[1])
        losses.append(loss.item())
        if not math.isfinite(losses[-1]) or point.detach().abs().max().item() > 1e6:
            diverged = True
            break
        if step == steps:
            break
        if schedule is not None:
            set_lr(opt, schedule(step))
        opt.zero_grad()
        loss.backward()
        opt.step()
        path.append(point.detach().numpy().copy())
    return Trajectory(np.array(path[: len(losses)]), np.array(losses), diverged)


#: The schedules of the picker, as functions (step, peak lr, total steps, fraction) → lr.
SCHEDULES = {
    "constant": lambda t, lr, total, fraction: lr,
    "step": lambda t, lr, total, fraction: step_lr(t, lr, max(1, round(fraction * total)), 0.5),
    "cosine": lambda t, lr, total, fraction: cosine(t, lr, total, fraction * lr),
    "warmup + cosine": lambda t, lr, total, fraction: warmup_cosine(t, lr, max(1, round(fraction * total)), total),
    "one-cycle": lambda t, lr, total, fraction: one_cycle(t, lr, total, fraction),
}


def schedule_curve(name: str, lr: float, total: int, fraction: float) -> np.ndarray:
    """The learning rate at every step 0 … total − 1 of one of :data:`SCHEDULES`."""
    name, lr = as_choice(name, "name", tuple(SCHEDULES)), as_positive(lr, "lr")
    total, fraction = as_count(total, "total", minimum=2), as_scalar(fraction, "fraction")
    if not 0 < fraction < 1:  # the warm-up share, and one-cycle's rising share
        raise ValueError(f"fraction must lie strictly between 0 and 1, got {fraction}")
    return np.array([SCHEDULES[name](t, lr, total, fraction) for t in range(total)])
