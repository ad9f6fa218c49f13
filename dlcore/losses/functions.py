r"""Loss functions for regression and classification, and the information theory behind them.

Chapter 4 of the book; equation labels (``eq-...``) refer to that chapter.

Arguments follow :mod:`torch.nn.functional`: ``input`` (predictions, probabilities or
logits) first, ``target`` second, and ``reduction="mean"|"sum"|"none"``. Every loss is
written from elementary tensor operations, so autograd derives its gradient from the
formula in the book; the tests compare values and gradients with
``torch.nn.functional`` in float64, with logits out to ±1e4.

Two habits keep the classification losses finite:

* a log-probability is computed from logits as :math:`\log\sigma(x) = -\operatorname{softplus}(-x)`
  or with :func:`dlcore.activations.log_softmax`, never as ``log(sigmoid(x))``, which
  is ``log(0) = -inf`` once the sigmoid rounds to 0 (Eq. (eq-bce-logits));
* ``softplus`` never exponentiates a positive number.

Shapes must match exactly (torch would broadcast, or warn); a mean over nothing is an
error, not a NaN. NaN in gives NaN out, as in torch.
"""

from __future__ import annotations

import math
import numbers

import torch

from .. import activations
from .._validation import as_choice, as_count, as_dim, as_float_tensor, as_fraction, as_nonnegative, as_positive, as_scalar, refuse_meta

__all__ = [
    "mse", "mae", "rmse", "huber", "smooth_l1", "softplus", "bce", "bce_with_logits", "focal_loss",
    "one_hot", "cross_entropy", "entropy", "kl_divergence", "hinge", "multi_class_hinge",
    "cosine_similarity", "loss_shares", "binned_normal", "information",
]

REDUCTIONS = ("mean", "sum", "none")


# ------------------------------------------------------------- shared helpers ------


def _reduce(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if loss.numel() == 0:
        raise ValueError("the mean of an empty loss is undefined: input is empty (use reduction='sum' or 'none')")
    return loss.mean()


def _pair(input, target, input_name: str = "input", target_name: str = "target") -> tuple[torch.Tensor, torch.Tensor]:
    """Two floating-point tensors of exactly the same shape."""
    input, target = as_float_tensor(input, input_name), as_float_tensor(target, target_name)
    if input.shape != target.shape:
        raise ValueError(f"{input_name} and {target_name} must have the same shape, "
                         f"got {tuple(input.shape)} and {tuple(target.shape)}")
    return input, target


def _in_unit_interval(value: torch.Tensor, name: str) -> None:
    outside = ~((value >= 0) & (value <= 1))  # NaN is outside too
    if outside.any():
        bad = value[outside].flatten()[0].item()
        raise ValueError(f"{name} must lie in [0, 1], got {bad!r}")


def _reduction(reduction) -> str:
    return as_choice(reduction, "reduction", REDUCTIONS)


# ----------------------------------------------------------------- regression ------


def mse(input: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    r"""Mean squared error :math:`\frac1n \sum (\hat y - y)^2`, Eq. (eq-mse-loss): the L2 loss.

    Its gradient :math:`2(\hat y - y)/n` grows with the residual, so one outlier can
    dominate the fit.
    """
    reduction = _reduction(reduction)
    input, target = _pair(input, target)
    return _reduce((input - target) ** 2, reduction)


def mae(input: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    r"""Mean absolute error :math:`\frac1n \sum |\hat y - y|`, Eq. (eq-mae-loss): the L1 loss.

    Its gradient is :math:`\pm 1/n` whatever the residual (0 at a residual of exactly 0,
    as in torch), so every point pulls equally hard: the fit goes through the median.
    """
    reduction = _reduction(reduction)
    input, target = _pair(input, target)
    return _reduce((input - target).abs(), reduction)


def rmse(input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    r"""Root-mean-square error :math:`\sqrt{\text{MSE}}`, in the target's units.

    At a perfect fit the square root has no derivative; the gradient there is taken as
    0 rather than torch's ``0 · inf = NaN``.
    """
    squared = mse(input, target)
    positive = squared > 0
    safe = torch.where(positive, squared, torch.ones_like(squared))
    return torch.where(positive, safe.sqrt(), squared * 0)  # 0 at a perfect fit; NaN stays NaN


def huber(input: torch.Tensor, target: torch.Tensor, delta: float = 1.0, reduction: str = "mean") -> torch.Tensor:
    r"""Huber's loss, Eq. (eq-huber): :math:`\tfrac12 r^2` for :math:`|r| \le \delta`, else
    :math:`\delta(|r| - \tfrac12\delta)`.

    Quadratic near 0 (smooth, like MSE), linear in the tails (robust, like MAE); the
    gradient is the residual clipped to :math:`[-\delta, \delta]`.
    """
    reduction = _reduction(reduction)
    delta = as_scalar(delta, "delta")
    if delta <= 0:
        raise ValueError(f"delta must be > 0, got {delta}")
    input, target = _pair(input, target)
    r = (input - target).abs()
    return _reduce(torch.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta)), reduction)


def smooth_l1(input: torch.Tensor, target: torch.Tensor, beta: float = 1.0, reduction: str = "mean") -> torch.Tensor:
    r"""Smooth L1, Eq. (eq-smooth-l1): :math:`\tfrac12 r^2/\beta` for :math:`|r| < \beta`, else :math:`|r| - \tfrac12\beta`.

    It is Huber's loss divided by :math:`\delta = \beta`: the two coincide only at 1.
    ``beta=0`` is the L1 loss.
    """
    beta = as_nonnegative(beta, "beta")
    if beta == 0:
        return mae(input, target, reduction)
    return huber(input, target, delta=beta, reduction=reduction) / beta


# --------------------------------------------------------- binary classification ---


def softplus(x: torch.Tensor) -> torch.Tensor:
    r""":math:`\log(1 + e^{x})`, computed as :math:`\max(x, 0) + \log(1 + e^{-|x|})`.

    Split at 0 (with ``clamp``) so that no exponent is positive and the gradient,
    :math:`\sigma(x)`, is exact at 0 too. :math:`-\operatorname{softplus}(-x) = \log\sigma(x)`.
    """
    x = as_float_tensor(x, "x")
    positive, negative = x.clamp(min=0), x.clamp(max=0)
    return torch.where(x >= 0, positive + torch.log1p(torch.exp(-positive)), torch.log1p(torch.exp(negative)))


class _BinaryCrossEntropy(torch.autograd.Function):
    """BCE on probabilities with torch's conventions at p = 0 and 1 (see :func:`bce`)."""

    @staticmethod
    def forward(ctx, p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(p, y)
        # log 0 = -inf is clamped to -100, as torch does, so a certain mistake costs 100
        return -(y * torch.log(p).clamp(min=-100) + (1 - y) * torch.log1p(-p).clamp(min=-100))

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor):
        p, y = ctx.saved_tensors
        # d/dp = (p - y) / (p (1 - p)), Eq. (eq-bce-gradient); the floor 1e-12 is torch's
        grad_p = grad_output * (p - y) / torch.clamp(p * (1 - p), min=1e-12)
        grad_y = grad_output * (torch.log1p(-p).clamp(min=-100) - torch.log(p).clamp(min=-100))
        return grad_p, grad_y


def bce(input: torch.Tensor, target: torch.Tensor, reduction: str = "mean", *,
        weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Binary cross-entropy on probabilities, Eq. (eq-bce): :math:`-[y\log p + (1-y)\log(1-p)]`.

    ``input`` holds probabilities in [0, 1], ``target`` labels or soft labels in [0, 1].
    A log is floored at -100, as in :func:`torch.nn.functional.binary_cross_entropy`;
    prefer :func:`bce_with_logits`, which needs no floor. ``weight`` rescales each element's
    loss (it broadcasts against ``input``), as torch's does.
    """
    reduction = _reduction(reduction)
    input, target = _pair(input, target)
    _in_unit_interval(input, "input")
    _in_unit_interval(target, "target")
    return _reduce(_element_weight(weight, input) * _BinaryCrossEntropy.apply(input, target), reduction)


def _element_weight(weight, like: torch.Tensor) -> torch.Tensor | float:
    """torch's ``weight=`` of the binary cross-entropies: finite, >= 0, broadcasting against the input."""
    if weight is None:
        return 1.0
    weight = as_float_tensor(weight, "weight")
    if not (torch.isfinite(weight) & (weight >= 0)).all():
        raise ValueError("weight must be finite and >= 0")
    try:
        if torch.broadcast_shapes(weight.shape, like.shape) != like.shape:
            raise RuntimeError
    except RuntimeError:
        raise ValueError(f"weight of shape {tuple(weight.shape)} must broadcast to input's shape {tuple(like.shape)}") from None
    return weight


def _positive_weight(pos_weight, like: torch.Tensor) -> torch.Tensor | float:
    if pos_weight is None:
        return 1.0
    if isinstance(pos_weight, torch.Tensor):
        pos_weight = as_float_tensor(pos_weight, "pos_weight")
        if (pos_weight < 0).any() or not torch.isfinite(pos_weight).all():
            raise ValueError("pos_weight must be finite and >= 0")
        try:
            torch.broadcast_shapes(pos_weight.shape, like.shape)
        except RuntimeError:
            raise ValueError(f"pos_weight of shape {tuple(pos_weight.shape)} does not broadcast "
                             f"against input of shape {tuple(like.shape)}") from None
        return pos_weight
    return as_nonnegative(pos_weight, "pos_weight")


def bce_with_logits(input: torch.Tensor, target: torch.Tensor, pos_weight: float | torch.Tensor | None = None,
                    reduction: str = "mean", *, weight: torch.Tensor | None = None) -> torch.Tensor:
    r"""Binary cross-entropy from logits, Eq. (eq-bce-logits):
    :math:`w_+\, y \operatorname{softplus}(-x) + (1 - y)\operatorname{softplus}(x)`.

    The same as :func:`bce` of ``sigmoid(input)``, but finite for every logit: its
    gradient is :math:`\sigma(x) - y` (for :math:`w_+ = 1`), Eq. (eq-bce-logit-gradient).
    ``pos_weight`` :math:`w_+` multiplies the positive term, as if each positive example
    were repeated :math:`w_+` times — for imbalanced classes, typically
    :math:`N_\text{negative}/N_\text{positive}`; a tensor gives one weight per class
    (broadcast along the last dimension). ``weight`` rescales each element's loss, as torch's does.
    """
    reduction = _reduction(reduction)
    input, target = _pair(input, target)
    _in_unit_interval(target, "target")
    w = _positive_weight(pos_weight, input)
    loss = w * target * softplus(-input) + (1 - target) * softplus(input)
    return _reduce(loss if weight is None else _element_weight(weight, input) * loss, reduction)


def focal_loss(logits: torch.Tensor, targets: torch.Tensor, gamma: float = 2.0, alpha: float | None = None,
               reduction: str = "mean") -> torch.Tensor:
    r"""Lin et al.'s focal loss from logits, Eq. (eq-focal): :math:`-\alpha_t (1 - p_t)^\gamma \log p_t`.

    :math:`p_t` is the probability given to the true class, so :math:`(1 - p_t)^\gamma`
    shrinks the loss of examples already classified well; ``gamma=0`` is
    :func:`bce_with_logits`. ``alpha`` weighs positives by :math:`\alpha` and negatives by
    :math:`1 - \alpha` (``None``: no weighting). Equal to ``torchvision.ops.sigmoid_focal_loss``.
    """
    reduction = _reduction(reduction)
    gamma = as_nonnegative(gamma, "gamma")
    logits, targets = _pair(logits, targets, "logits", "targets")
    _in_unit_interval(targets, "targets")
    ce = targets * softplus(-logits) + (1 - targets) * softplus(logits)  # -log p_t
    p = activations.sigmoid(logits)
    miss = targets * (1 - p) + (1 - targets) * p  # 1 - p_t, without the cancellation of 1 - p_t
    # miss ** gamma has an infinite slope at 0 when gamma < 1: keep that branch finite
    nonzero = miss > 0
    modulating = torch.where(nonzero, torch.where(nonzero, miss, torch.ones_like(miss)) ** gamma,
                             torch.zeros_like(miss) if gamma > 0 else torch.ones_like(miss))
    loss = modulating * ce
    if alpha is not None:
        alpha = as_fraction(alpha, "alpha")
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return _reduce(loss, reduction)


# ----------------------------------------------------- multi-class classification ---


def _class_indices(target, name: str = "target") -> torch.Tensor:
    if not isinstance(target, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(target).__name__}")
    if target.dtype not in (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8):
        raise TypeError(f"{name} must hold integer class indices (or be a float tensor of probabilities), got dtype {target.dtype}")
    refuse_meta(target, name)
    return target.long()


def one_hot(target: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Class indices → one-hot rows (int64), as :func:`torch.nn.functional.one_hot`, Eq. (eq-one-hot)."""
    target = _class_indices(target)
    num_classes = as_count(num_classes, "num_classes", minimum=1)
    if target.numel() and (target.min() < 0 or target.max() >= num_classes):
        raise ValueError(f"target must hold indices in [0, {num_classes - 1}], got {int(target.min())}..{int(target.max())}")
    return (target[..., None] == torch.arange(num_classes, device=target.device)).long()


def cross_entropy(input: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None = None,
                  reduction: str = "mean", label_smoothing: float = 0.0, ignore_index: int = -100) -> torch.Tensor:
    r"""Softmax cross-entropy from logits, Eq. (eq-cross-entropy): :math:`-\sum_c y_c \log \operatorname{softmax}(x)_c`.

    ``input``: logits of shape (C,), (N, C) or (N, C, d1, ...), classes along dimension 1
    (0 when unbatched). ``target``: class indices of shape (), (N) or (N, d1, ...), or
    class probabilities of ``input``'s shape. ``label_smoothing`` :math:`\varepsilon` mixes
    the target with the uniform distribution, :math:`(1 - \varepsilon) y + \varepsilon / C`
    (chapter 6). ``weight`` holds one weight per class; with class indices the mean is
    weighted, as in :func:`torch.nn.functional.cross_entropy`. A target index equal to
    ``ignore_index`` (padding in a batch of sequences) adds nothing and is left out of the mean.
    """
    reduction = _reduction(reduction)
    input = as_float_tensor(input, "input")
    if input.ndim == 0:
        raise ValueError("input must hold one logit per class, got a 0-d tensor")
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    smoothing = as_fraction(label_smoothing, "label_smoothing")
    if weight is not None:
        weight = as_float_tensor(weight, "weight")
        if weight.shape != (n_classes,):
            raise ValueError(f"weight must hold one value per class, shape ({n_classes},), got {tuple(weight.shape)}")
        if not (torch.isfinite(weight) & (weight >= 0)).all():
            raise ValueError(f"weight must hold finite, non-negative class weights, got {weight.tolist()}")
    log_p = activations.log_softmax(input, dim=class_dim)
    class_shape = [n_classes if d == class_dim else 1 for d in range(input.ndim)]
    w = weight.reshape(class_shape) if weight is not None else None

    if isinstance(target, torch.Tensor) and target.is_floating_point():  # class probabilities
        target = as_float_tensor(target, "target")
        if target.shape != input.shape:
            raise ValueError(f"target probabilities must have input's shape {tuple(input.shape)}, got {tuple(target.shape)}")
        _in_unit_interval(target, "target")
        smoothed = (1 - smoothing) * target + smoothing / n_classes
        per_class = -smoothed * log_p if w is None else -smoothed * log_p * w
        return _reduce(per_class.sum(dim=class_dim), reduction)

    target = _class_indices(target)
    expected = input.shape[:class_dim] + input.shape[class_dim + 1:]
    if target.shape != expected:
        raise ValueError(f"target class indices must have shape {tuple(expected)} for input of shape "
                         f"{tuple(input.shape)}, got {tuple(target.shape)}")
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"ignore_index must be an integer, got {type(ignore_index).__name__}")
    kept = target != ignore_index
    ignoring = not bool(kept.all())
    if ignoring:
        target = torch.where(kept, target, 0)  # any valid index; its loss is zeroed below
    if target.numel() and (target.min() < 0 or target.max() >= n_classes):
        raise ValueError(f"target must hold class indices in [0, {n_classes - 1}], got {int(target.min())}..{int(target.max())} "
                         f"(ignore_index = {ignore_index} marks a target to skip)")
    nll = -log_p.gather(class_dim, target.unsqueeze(class_dim)).squeeze(class_dim)
    sample_weight = weight[target] if weight is not None else None
    if sample_weight is not None:
        nll = nll * sample_weight
    loss = nll
    if smoothing:  # every class's share of epsilon / C (skipped when 0: a full pass over the logits)
        smooth = -(log_p if w is None else log_p * w).sum(dim=class_dim)
        loss = (1 - smoothing) * nll + (smoothing / n_classes) * smooth
    if ignoring:
        loss = loss * kept
        sample_weight = (sample_weight if sample_weight is not None else torch.ones_like(loss)) * kept
    if reduction == "mean" and sample_weight is not None:
        if not sample_weight.sum() > 0:
            raise ValueError("the mean is undefined: every target is ignore_index or has weight 0, or input is "
                             "empty (use reduction='sum' or 'none')")
        return loss.sum() / sample_weight.sum()
    return _reduce(loss, reduction)


def entropy(p: torch.Tensor, reduction: str = "none") -> torch.Tensor:
    r"""Shannon entropy :math:`H(P) = -\sum_i p_i \log p_i` in nats, along the last dimension, Eq. (eq-entropy).

    ``0 log 0`` counts as 0. Rows of ``p`` must be probability distributions.
    """
    reduction = _reduction(reduction)
    p = _distribution(p, "p")
    return _reduce(-torch.xlogy(p, p).sum(dim=-1), reduction)


def _distribution(p, name: str) -> torch.Tensor:
    p = as_float_tensor(p, name)
    if p.ndim == 0:
        raise ValueError(f"{name} must be a distribution over a last dimension, got a 0-d tensor")
    _in_unit_interval(p, name)
    total = p.sum(dim=-1)
    tolerance = 1e-6 if p.dtype == torch.float64 else 1e-4
    if ((total - 1).abs() > tolerance).any():
        bad = total[(total - 1).abs() > tolerance].flatten()[0].item()
        raise ValueError(f"{name} must sum to 1 along its last dimension, got a sum of {bad!r}")
    return p


def kl_divergence(p: torch.Tensor, q: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    r""":math:`D_\text{KL}(P \,\|\, Q) = \sum_i p_i \log(p_i / q_i) = H(P, Q) - H(P)`, Eq. (eq-kl).

    ``p`` (the true distribution) and ``q`` (the model's) are distributions along the
    last dimension. ``reduction="mean"`` averages over the leading (batch) dimensions —
    torch's ``kl_div(q.log(), p, reduction="batchmean")`` for 2-D input. It is infinite
    where :math:`q_i = 0 < p_i`, and not symmetric in ``p`` and ``q``.
    """
    reduction = _reduction(reduction)
    p, q = _pair(p, q, "p", "q")
    p, q = _distribution(p, "p"), _distribution(q, "q")
    return _reduce((torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1), reduction)


# --------------------------------------------------------- margins and angles ------


def hinge(input: torch.Tensor, target: torch.Tensor, margin: float = 1.0, reduction: str = "mean") -> torch.Tensor:
    r"""The SVM's hinge loss :math:`\max(0, m - y\,s)` for scores ``input`` and labels ``target`` in {-1, +1}, Eq. (eq-hinge).

    Zero once an example is on the right side with margin :math:`m`: unlike
    cross-entropy, well-classified examples stop contributing altogether.
    """
    reduction = _reduction(reduction)
    margin = as_scalar(margin, "margin")
    input, target = _pair(input, target)
    if ((target != 1) & (target != -1)).any():
        raise ValueError("target must hold labels -1 and +1 (not 0 and 1)")
    return _reduce(activations.relu(margin - target * input), reduction)


def multi_class_hinge(input: torch.Tensor, target: torch.Tensor, margin: float = 1.0, reduction: str = "mean") -> torch.Tensor:
    r"""Multi-class hinge :math:`\frac1C \sum_{j \ne y} \max(0, m - s_y + s_j)`, as
    :func:`torch.nn.functional.multi_margin_loss`; ``input`` (N, C) scores, ``target`` (N,) indices."""
    reduction = _reduction(reduction)
    margin = as_scalar(margin, "margin")
    input = as_float_tensor(input, "input")
    if input.ndim != 2:
        raise ValueError(f"input must be (N, C) scores, got shape {tuple(input.shape)}")
    target = _class_indices(target)
    if target.shape != input.shape[:1]:
        raise ValueError(f"target must have shape ({input.shape[0]},), got {tuple(target.shape)}")
    if target.numel() and (target.min() < 0 or target.max() >= input.shape[1]):
        raise ValueError(f"target must hold class indices in [0, {input.shape[1] - 1}]")
    true_score = input.gather(1, target[:, None])
    violations = activations.relu(margin - true_score + input)
    others = torch.ones_like(input, dtype=torch.bool).scatter(1, target[:, None], False)  # j != y
    # where(), not a product with 0/1: the true class's own term must not count even when it is NaN or inf
    return _reduce(torch.where(others, violations, 0.0).sum(dim=1) / input.shape[1], reduction)


def cosine_similarity(a: torch.Tensor, b: torch.Tensor, dim: int = -1, eps: float = 1e-8) -> torch.Tensor:
    r""":math:`\cos\theta = a \cdot b / (\lVert a \rVert\,\lVert b \rVert)` along ``dim``, Eq. (eq-cosine).

    Each vector is divided by its norm, floored at ``eps``, so a zero vector has
    similarity 0 (as in torch). It measures direction only: :math:`a` and :math:`2a` have
    similarity 1.
    """
    a, b = _pair(a, b, "a", "b")
    eps = as_positive(eps, "eps")  # eps = 0 makes a zero vector's similarity 0 / 0
    dim = as_dim(dim, a.ndim)
    a_unit = a / torch.linalg.vector_norm(a, dim=dim, keepdim=True).clamp(min=eps)
    b_unit = b / torch.linalg.vector_norm(b, dim=dim, keepdim=True).clamp(min=eps)
    return (a_unit * b_unit).sum(dim=dim)


def loss_shares(logits: torch.Tensor, targets: torch.Tensor, gamma: float, easy: float = 0.5) -> dict[str, float]:
    """Share of the summed focal loss carried by easy (``p_t > easy``) and hard examples of each class."""
    easy = as_fraction(easy, "easy")
    per_example = focal_loss(logits, targets, gamma=gamma, reduction="none")
    p = torch.sigmoid(logits)
    p_true = torch.where(targets == 1, p, 1 - p)
    total = per_example.sum()
    groups = {
        "easy negatives": (targets == 0) & (p_true > easy),
        "hard negatives": (targets == 0) & (p_true <= easy),
        "easy positives": (targets == 1) & (p_true > easy),
        "hard positives": (targets == 1) & (p_true <= easy),
    }
    if total == 0:  # perfectly classified, every loss underflowed to 0: no share to carry, not 0/0
        return dict.fromkeys(groups, 0.0)
    return {name: (per_example[mask].sum() / total).item() for name, mask in groups.items()}


def binned_normal(mean: float, std: float, bins: int = 12) -> torch.Tensor:
    """A normal distribution's mass over ``bins`` unit-wide bins centred on 0 … bins − 1, renormalised."""
    mean, std, bins = as_scalar(mean, "mean"), as_positive(std, "std"), as_count(bins, "bins", minimum=1)
    edges = torch.arange(bins + 1, dtype=torch.float64) - 0.5
    cdf = 0.5 * torch.erfc(-(edges - mean) / (std * math.sqrt(2)))
    mass = (cdf[1:] - cdf[:-1]).clamp(min=1e-300)
    return mass / mass.sum()


def information(p: torch.Tensor, q: torch.Tensor) -> dict[str, float]:
    """H(P), H(P, Q) and both KL divergences, in nats."""
    h_p = entropy(p).item()
    kl_pq = kl_divergence(p, q).item()
    return {"H(P)": h_p, "H(P, Q)": h_p + kl_pq, "KL(P‖Q)": kl_pq, "KL(Q‖P)": kl_divergence(q, p).item()}
