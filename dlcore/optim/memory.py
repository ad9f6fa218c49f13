"""How much memory training takes: a calculator, and a measurement of the real tensors (chapter 5).

Training with Adam or AdamW holds four tensors the size of the model — the parameters,
their gradients, and the two moment estimates m and v — plus the activations the forward
pass saves for the backward pass, Eq. (eq-training-memory). :func:`training_memory`
predicts those numbers; :func:`measure_training_memory` runs one real step and adds up
the bytes of the tensors that exist, so the prediction can be checked.
"""

from __future__ import annotations

from typing import Callable

import torch

from .._validation import as_choice, as_count

__all__ = ["STATE_TENSORS", "training_memory", "mlp_saved_activations", "saved_activation_bytes",
           "measure_training_memory"]

#: Tensors of optimizer state per parameter (SGD without momentum keeps none).
STATE_TENSORS = {"sgd": 0, "sgd_momentum": 1, "adagrad": 1, "rmsprop": 1, "adam": 2, "adamw": 2}


def training_memory(n_parameters: int, optimizer: str = "adamw", bytes_per_value: int = 4,
                    activation_values: int = 0) -> dict[str, int]:
    """Bytes for parameters, gradients, optimizer state and activations, and their total.

    Every tensor holds ``bytes_per_value`` bytes per number (4 for float32); optimizer
    state is :data:`STATE_TENSORS` ``[optimizer]`` tensors the size of the parameters.
    """
    n = as_count(n_parameters, "n_parameters")
    optimizer = as_choice(optimizer, "optimizer", tuple(STATE_TENSORS))
    size = as_count(bytes_per_value, "bytes_per_value", minimum=1)
    parts = {
        "parameters": n * size,
        "gradients": n * size,
        "optimizer_state": STATE_TENSORS[optimizer] * n * size,
        "activations": as_count(activation_values, "activation_values") * size,
    }
    return parts | {"total": sum(parts.values())}


def mlp_saved_activations(batch_size: int, widths: list[int]) -> int:
    """Numbers an MLP ``Linear → ReLU → … → Linear`` with layer sizes ``widths`` saves for backward
    (before the loss): each Linear keeps its input, each ReLU its output, which is the next
    Linear's input and so is stored once — ``batch_size × sum(widths[:-1])``."""
    batch_size = as_count(batch_size, "batch_size", minimum=1)
    if len(widths) < 2:
        raise ValueError(f"widths must list at least an input and an output size, got {widths!r}")
    return batch_size * sum(as_count(w, "widths[i]", minimum=1) for w in widths[:-1])


def saved_activation_bytes(forward: Callable[[], torch.Tensor], exclude: list[torch.Tensor] = ()) -> int:
    """Bytes of the distinct tensors autograd saves for the backward pass while ``forward()`` runs,
    leaving out those in ``exclude`` (the parameters, which are saved by reference).

    A tensor is counted once however often it is saved (a ReLU's output is also the next
    layer's input), and a view counts its own elements, not its whole base storage.
    """
    excluded = {t.data_ptr() for t in exclude}
    seen: dict[tuple, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        if tensor.data_ptr() not in excluded:
            seen[(tensor.data_ptr(), tuple(tensor.shape), tensor.dtype)] = tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        forward()
    return sum(seen.values())


def measure_training_memory(model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                            loss: Callable[[], torch.Tensor]) -> dict[str, int]:
    """Run one training step, ``loss()`` then backward then ``optimizer.step()``, and add up the bytes
    of the real tensors: parameters, gradients, the optimizer's state tensors (scalar step
    counters excluded) and the activations saved for the backward pass of ``loss()``."""
    parameters = list(model.parameters())
    optimizer.zero_grad()
    holder: list[torch.Tensor] = []
    activations = saved_activation_bytes(lambda: holder.append(loss()), exclude=parameters)
    holder[0].backward()
    optimizer.step()
    state = sum(t.numel() * t.element_size() for s in optimizer.state.values() for t in s.values()
                if isinstance(t, torch.Tensor) and t.ndim > 0)
    parts = {
        "parameters": sum(p.numel() * p.element_size() for p in parameters),
        "gradients": sum(p.grad.numel() * p.grad.element_size() for p in parameters if p.grad is not None),
        "optimizer_state": state,
        "activations": activations,
    }
    return parts | {"total": sum(parts.values())}
