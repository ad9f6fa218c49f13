"""A small training loop shared by the chapters: mini-batch training with history and early stopping.

``fit`` trains any ``torch.nn.Module`` on tensors held in memory. The targets may be one
tensor or a tuple of tensors (for distillation: the labels and the teacher's logits);
each batch passes the matching rows to ``loss_fn(outputs, *targets)``.
"""

from __future__ import annotations

import copy
import time
from typing import Callable

import torch
from tqdm.auto import tqdm

from ._validation import as_count, as_model_input, as_nonnegative, as_positive, refuse_meta

__all__ = ["fit", "accuracy"]


def _check_labels(y, n: int, name: str) -> None:
    """Class labels are one integer per row: a (n, 1) column would broadcast against the
    (n,) predictions into an (n, n) comparison and give a wrong number, not an error."""
    refuse_meta(y, name)
    if not isinstance(y, torch.Tensor) or y.ndim != 1 or y.shape[0] != n:
        shape = tuple(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
        raise ValueError(f"{name} must be a 1-D tensor with one class label per row ({n}), got {shape}")


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


def accuracy(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Share of rows of ``X`` whose largest output is the label in ``y`` (evaluation mode, no gradients)."""
    as_model_input(model, X, "X")
    _check_labels(y, len(X), "y")
    was_training = model.training
    model.eval()
    with torch.no_grad():
        correct = (model(X).argmax(dim=1) == y).double().mean().item()
    model.train(was_training)
    return correct


def fit(model: torch.nn.Module, X: torch.Tensor, targets, loss_fn: Callable, *, epochs: int = 20, batch_size: int = 64,
        lr: float = 1e-3, weight_decay: float = 0.0, seed: int = 0, X_val: torch.Tensor | None = None,
        y_val: torch.Tensor | None = None, patience: int | None = None, progress: bool = False,
        optimizer: Callable | None = None) -> dict[str, list[float]]:
    """Train ``model``; return the history per epoch: mean training loss, wall-clock seconds (and validation accuracy).

    The optimizer is ``torch.optim.Adam(lr, weight_decay)`` unless ``optimizer``, a function
    of the parameters (``lambda p: dlcore.optim.SGD(p, lr=0.1)``), builds another; then
    ``lr`` and ``weight_decay`` are not used. With ``patience`` (and validation data), stop
    once the validation accuracy has not improved for that many epochs and restore the
    best weights seen.
    """
    epochs, batch_size, seed = as_count(epochs, "epochs", minimum=1), as_count(batch_size, "batch_size", minimum=1), as_count(seed, "seed")
    as_model_input(model, X, "X")
    targets = targets if isinstance(targets, tuple) else (targets,)
    if not all(isinstance(t, torch.Tensor) and t.ndim > 0 for t in targets):
        raise TypeError(f"targets must be a tensor (or a tuple of tensors) with one row per row of X, got {targets!r:.80}")
    for t in targets:
        refuse_meta(t, "targets")
    if any(len(t) != len(X) for t in targets):
        raise ValueError(f"targets must have one row per row of X ({len(X)}), got {[len(t) for t in targets]}")
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together")
    if y_val is not None:
        _check_labels(y_val, len(X_val), "y_val")
    if patience is not None and X_val is None:
        raise ValueError("patience needs validation data (X_val, y_val)")
    if optimizer is None:
        optimizer = torch.optim.Adam(model.parameters(), lr=as_positive(lr, "lr"), weight_decay=as_nonnegative(weight_decay, "weight_decay"))
    elif callable(optimizer):
        optimizer = optimizer(model.parameters())
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must build a torch.optim.Optimizer from the parameters, got {type(optimizer).__name__}")
    order = torch.Generator().manual_seed(seed)
    history: dict[str, list[float]] = {"loss": [], "seconds": []} | ({"val_accuracy": []} if X_val is not None else {})
    best, best_state, waited = -1.0, None, 0
    for _ in tqdm(range(epochs), disable=not progress, desc="epochs"):
        model.train()
        total, start = 0.0, time.perf_counter()
        for batch in torch.randperm(len(X), generator=order).to(X.device).split(batch_size):
            optimizer.zero_grad()
            loss = _loss(loss_fn, model(X[batch]), [t[batch] for t in targets])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        history["loss"].append(total / len(X))  # .item() above waits for the device, so the time is honest
        history["seconds"].append(time.perf_counter() - start)
        if X_val is not None:
            score = accuracy(model, X_val, y_val)
            history["val_accuracy"].append(score)
            if score > best:
                best, best_state, waited = score, copy.deepcopy(model.state_dict()), 0
            elif patience is not None:
                waited += 1
                if waited >= patience:
                    break
    if patience is not None and best_state is not None:
        model.load_state_dict(best_state)
    return history
