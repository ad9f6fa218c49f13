"""The book's one training loop, its one network builder and its one accuracy of a model.

:func:`fit` is the loop every chapter trains with where the loop itself is not the lesson
(chapter 5 shows it): mini-batches in a shuffled order (or in order), ``drop_last``, a
history per step and per epoch, an evaluation after every epoch, and early stopping
through :class:`dlcore.regularization.EarlyStopping`. The targets may be one tensor or a
tuple of tensors (for distillation: the labels and the teacher's logits); each batch
passes the matching rows to ``loss_fn(outputs, *targets)``.

:func:`mlp` builds the small fully connected networks the chapters compare, and
:func:`accuracy_of` scores a model on data (``dlcore.metrics.accuracy`` compares two label
arrays instead).
"""

from __future__ import annotations

import time
from typing import Callable

import torch
from tqdm.auto import tqdm

from ._validation import as_count, as_fraction, as_model_input, as_nonnegative, as_positive, refuse_meta
from .regularization import Dropout, EarlyStopping

__all__ = ["fit", "mlp", "accuracy_of"]


def _check_labels(y, n: int, name: str) -> None:
    """Class labels are one integer per row: a (n, 1) column would broadcast against the
    (n,) predictions into an (n, n) comparison and give a wrong number, not an error."""
    refuse_meta(y, name)
    if not isinstance(y, torch.Tensor) or y.ndim != 1 or y.shape[0] != n:
        shape = tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
        raise ValueError(f"{name} must be a 1-D tensor with one class label per row ({n}), got {shape}")


def _check_targets(targets, n: int) -> tuple[torch.Tensor, ...]:
    targets = targets if isinstance(targets, tuple) else (targets,)
    if not all(isinstance(t, torch.Tensor) and t.ndim > 0 for t in targets):
        raise TypeError(f"targets must be a tensor (or a tuple of tensors) with one row per row of X, got {targets!r:.80}")
    for t in targets:
        refuse_meta(t, "targets")
    if any(len(t) != n for t in targets):
        raise ValueError(f"targets must have one row per row of X ({n}), got {[len(t) for t in targets]}")
    return targets


def _loss(loss_fn: Callable, output: torch.Tensor, targets: list[torch.Tensor]) -> torch.Tensor:
    """``loss_fn(output, *targets)``; torch's own complaint about the targets ("expected target
    dtype to be Long", "Target 7 is out of bounds") is passed on naming ``targets``."""
    try:
        return loss_fn(output, *targets)
    except torch.OutOfMemoryError:
        raise
    except (RuntimeError, IndexError) as error:
        raise ValueError(f"loss_fn refused the model's output and the targets: {error} "
                         "(do targets have the dtype and range loss_fn expects?)") from error


def accuracy_of(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Share of rows of ``X`` whose largest output is the label in ``y`` (evaluation mode, no gradients)."""
    as_model_input(model, X, "X")
    _check_labels(y, len(X), "y")
    was_training = model.training
    model.eval()
    with torch.no_grad():
        correct = (model(X).argmax(dim=1) == y).double().mean().item()
    model.train(was_training)
    return correct


def mlp(*widths: int, activation: Callable[[], torch.nn.Module] = torch.nn.ReLU,
        norm: Callable[[int], torch.nn.Module] | None = None, dropout: float | None = None,
        init: Callable[[torch.nn.Linear], None] | None = None) -> torch.nn.Sequential:
    """A fully connected network through ``widths`` (inputs, hidden sizes, outputs).

    Each hidden layer is ``Linear → [norm(width)] → activation → [Dropout(dropout)]``; the
    output layer is a bare ``Linear`` with torch's default initialisation. ``init(linear)``,
    when given, re-initialises each hidden linear layer as it is built (He's or Xavier's
    scale is derived for the activation that follows), so the random numbers are drawn in
    the same order as writing the layers out by hand.
    """
    widths = [as_count(w, "widths", minimum=1) for w in widths]
    if len(widths) < 2:
        raise ValueError(f"widths must name at least the inputs and the outputs, got {tuple(widths)}")
    if dropout is not None:
        dropout = as_fraction(dropout, "dropout", interval="[)")
    layers: list[torch.nn.Module] = []
    for i, (size_in, size_out) in enumerate(zip(widths[:-1], widths[1:])):
        linear = torch.nn.Linear(size_in, size_out)
        layers.append(linear)
        if i < len(widths) - 2:
            if init is not None:
                init(linear)
            layers += ([norm(size_out)] if norm is not None else []) + [activation()]
            layers += [Dropout(dropout)] if dropout is not None else []
    return torch.nn.Sequential(*layers)


def _augmented(augment: Callable, X: torch.Tensor) -> torch.Tensor:
    """``augment(X)``, which must keep X's shape: a row that went missing would silently pair an
    input with another row's target."""
    inputs = augment(X)
    if not isinstance(inputs, torch.Tensor) or inputs.shape != X.shape:
        shape = tuple(inputs.shape) if isinstance(inputs, torch.Tensor) else type(inputs).__name__
        raise ValueError(f"augment must return a tensor of X's shape {tuple(X.shape)}, got {shape}")
    return inputs


def _mixed(mix_batch: Callable, x: torch.Tensor, targets: list[torch.Tensor]) -> tuple[torch.Tensor, list]:
    """``mix_batch(x, *targets)``, which must return ``(inputs, *targets)`` with a row per row of x."""
    mixed = mix_batch(x, *targets)
    if not isinstance(mixed, (tuple, list)) or not mixed or not isinstance(mixed[0], torch.Tensor) or len(mixed[0]) != len(x):
        raise ValueError(f"mix_batch must return (inputs, *targets) with one input row per row of the batch "
                         f"({len(x)}), got {type(mixed).__name__}")
    return mixed[0], list(mixed[1:])


def _build_optimizer(model: torch.nn.Module, optimizer, lr, weight_decay) -> torch.optim.Optimizer:
    if optimizer is None:
        return torch.optim.Adam(model.parameters(), lr=as_positive(lr, "lr"), weight_decay=as_nonnegative(weight_decay, "weight_decay"))
    built = optimizer(model.parameters()) if callable(optimizer) else optimizer
    if not isinstance(built, torch.optim.Optimizer):
        raise TypeError(f"optimizer must build a torch.optim.Optimizer from the parameters, got {type(built).__name__}")
    return built


def _evaluate(model: torch.nn.Module, evaluate: Callable) -> dict[str, float]:
    model.eval()
    with torch.no_grad():
        scores = evaluate(model)
    if not isinstance(scores, dict) or not all(isinstance(k, str) for k in scores):
        raise TypeError(f"evaluate must return a dict of named numbers, got {type(scores).__name__}")
    return {name: float(value) for name, value in scores.items()}


def fit(model: torch.nn.Module, X: torch.Tensor, targets, loss_fn: Callable, *, epochs: int = 20, batch_size: int = 64,
        lr: float = 1e-3, weight_decay: float = 0.0, optimizer: Callable | None = None, seed: int = 0,
        shuffle: bool = True, drop_last: bool = False, augment: Callable[[torch.Tensor], torch.Tensor] | None = None,
        mix_batch: Callable[..., tuple] | None = None,
        evaluate: Callable[[torch.nn.Module], dict] | None = None, early_stopping: EarlyStopping | None = None,
        monitor: str | None = None, progress: bool = False) -> dict[str, list[float]]:
    """Train ``model`` on ``(X, targets)`` by mini-batches; return its history.

    Each epoch visits the rows in a new random order drawn from ``seed`` (in their order
    if ``shuffle=False``), in batches of ``batch_size`` (the last, smaller one left out if
    ``drop_last``); ``augment(X)``, when given, makes the epoch's inputs afresh, and
    ``mix_batch(x, *targets)`` replaces each batch by the ``(x, *targets)`` it returns, which
    may hold more targets than it got (``dlcore.conv.augment.mixup`` adds the partners' labels
    and λ). Every step is ``zero_grad → loss_fn(model(x), *targets) → backward → step`` on the
    batch. The
    optimizer is ``torch.optim.Adam(lr, weight_decay)`` unless ``optimizer``, a function of
    the parameters (``lambda p: dlcore.optim.SGD(p, lr=0.1)``), builds another.

    After every epoch, ``evaluate(model)`` (evaluation mode, no gradients) returns named
    numbers that join the history. With ``early_stopping``, its :meth:`step` sees the
    evaluated number named ``monitor`` with the model; training stops when it says so and
    the best weights it saw are restored.

    The history holds ``"step_loss"`` (every step), ``"loss"`` (the mean over each epoch),
    ``"seconds"`` (each epoch's training time) and ``evaluate``'s names, one per epoch.
    """
    epochs, batch_size = as_count(epochs, "epochs", minimum=1), as_count(batch_size, "batch_size", minimum=1)
    seed = as_count(seed, "seed")
    as_model_input(model, X, "X")
    targets = _check_targets(targets, len(X))
    if drop_last and len(X) < batch_size:
        raise ValueError(f"batch_size must be at most the number of rows ({len(X)}) with drop_last, got {batch_size}")
    if early_stopping is not None:
        if not isinstance(early_stopping, EarlyStopping):
            raise TypeError(f"early_stopping must be a dlcore.regularization.EarlyStopping, got {type(early_stopping).__name__}")
        if evaluate is None or not isinstance(monitor, str):
            raise ValueError("early_stopping needs evaluate and monitor, the name of the evaluated number it watches")
    opt = _build_optimizer(model, optimizer, lr, weight_decay)
    order = torch.Generator().manual_seed(seed)
    history: dict[str, list[float]] = {"step_loss": [], "loss": [], "seconds": []}
    for _ in tqdm(range(epochs), disable=not progress, desc="epochs"):
        model.train()
        inputs = X if augment is None else _augmented(augment, X)
        rows = torch.randperm(len(X), generator=order) if shuffle else torch.arange(len(X))
        batches = rows.to(X.device).split(batch_size)
        if drop_last and len(batches[-1]) < batch_size:
            batches = batches[:-1]
        start = time.perf_counter()
        for batch in batches:
            opt.zero_grad()
            x, batch_targets = inputs[batch], [t[batch] for t in targets]
            if mix_batch is not None:
                x, batch_targets = _mixed(mix_batch, x, batch_targets)
            loss = _loss(loss_fn, model(x), batch_targets)
            loss.backward()
            opt.step()
            history["step_loss"].append(loss.item())  # .item() waits for the device, so the time is honest
        history["seconds"].append(time.perf_counter() - start)
        epoch_losses = history["step_loss"][-len(batches):]
        history["loss"].append(sum(l * len(b) for l, b in zip(epoch_losses, batches)) / sum(len(b) for b in batches))
        if evaluate is not None:
            scores = _evaluate(model, evaluate)
            for name, value in scores.items():
                history.setdefault(name, []).append(value)
            if early_stopping is not None:
                if monitor not in scores:
                    raise ValueError(f"monitor must name a number evaluate returns, got {monitor!r}")
                if early_stopping.step(scores[monitor], model):
                    break
    if early_stopping is not None and early_stopping.best is not None:
        early_stopping.restore(model)
    model.train()
    return history
