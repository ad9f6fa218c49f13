"""Input validation shared by every dlcore module.

Each helper either returns a clean value or raises a ``TypeError``/``ValueError``
whose message names the argument and says what is wrong with it, so that bad
input never turns into a silent NaN or a cryptic broadcasting error further down.
"""

from __future__ import annotations

import numbers

import numpy as np


def _tensor_to_numpy(value, name: str) -> np.ndarray:
    """A tensor's values as NumPy (any device, requiring grad or not); ``meta`` tensors have none."""
    refuse_meta(value, name)
    value = value.detach().cpu().resolve_conj()
    if str(value.dtype) == "torch.bfloat16":  # NumPy has no bfloat16
        value = value.float()
    return value.numpy()


def refuse_meta(value, name: str) -> None:
    """A ``meta`` tensor has a shape and no values: nothing can be computed from it."""
    device = getattr(value, "device", None)
    if device is not None and getattr(device, "type", None) == "meta":
        raise TypeError(f"{name} is on the meta device: it has a shape but no values to compute with")


def as_float_array(value, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Convert ``value`` to a non-empty, finite float64 array, or raise naming ``name``.

    A tensor is read as it is (on any device, requiring grad or not: these are NumPy
    computations, with no gradient to keep); complex numbers are refused rather than cut
    to their real part.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numeric, got a {type(value).__name__}")
    if hasattr(value, "detach"):  # a torch tensor, possibly on a GPU or requiring grad
        value = _tensor_to_numpy(value, name)
    try:
        complex_values = np.iscomplexobj(value)
    except (TypeError, ValueError):  # ragged or not numeric: the conversion below says so
        complex_values = False
    if complex_values:
        raise TypeError(f"{name} must hold real numbers, got complex values")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numeric array-like, got {type(value).__name__}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains NaN")
    if np.isinf(array).any():
        raise ValueError(f"{name} contains an infinite value")
    return array


def as_probabilities(value, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Like :func:`as_float_array`, and every entry must lie in [0, 1]."""
    array = as_float_array(value, name, ndim=ndim)
    outside = (array < 0) | (array > 1)
    if outside.any():
        bad = array[outside].flat[0]
        raise ValueError(f"{name} must lie in [0, 1], got {bad!r}")
    return array


def as_scalar(value, name: str) -> float:
    """A finite real number (``bool`` and strings are refused; a 0-d floating-point tensor,
    such as a loss passed without ``.item()``, is read as its value)."""
    if hasattr(value, "detach") and value.ndim == 0 and value.is_floating_point():
        refuse_meta(value, name)
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0 and np.issubdtype(value.dtype, np.number):
            value = value.item()
        else:
            raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def as_positive(value, name: str) -> float:
    value = as_scalar(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def as_nonnegative(value, name: str) -> float:
    value = as_scalar(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def as_count(value, name: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """An integer (Python or NumPy, not ``bool``) that is at least ``minimum`` (and at most ``maximum``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return int(value)


def as_fraction(value, name: str, interval: str = "[]") -> float:
    """A finite real number in the unit interval; ``interval`` says which ends belong to it:
    ``"[]"``, ``"[)"`` (such as a dropout probability) or ``"()"``."""
    value = as_scalar(value, name)
    above = value >= 0 if interval[0] == "[" else value > 0
    below = value <= 1 if interval[1] == "]" else value < 1
    if not (above and below):
        raise ValueError(f"{name} must lie in {interval[0]}0, 1{interval[1]}, got {value}")
    return value


def broadcast(**arrays: np.ndarray) -> list[np.ndarray]:
    """Broadcast named arrays together, naming them all if their shapes clash."""
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} {array.shape}" for name, array in arrays.items())
        raise ValueError(f"shapes do not broadcast together: {shapes}") from None


def as_labels(value, name: str) -> np.ndarray:
    """A non-empty 1-D array of class labels: integers, booleans or strings.

    Floats are accepted when every value is a whole number (``[0., 1., 1.]``), since
    that is how labels often arrive from a tensor; anything else, such as a
    probability passed where a label was meant, is refused.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array-like of labels, got a {type(value).__name__}")
    if hasattr(value, "detach"):  # a torch tensor, possibly on a GPU
        value = _tensor_to_numpy(value, name)
    array = np.asarray(value)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    kind = array.dtype.kind
    if kind == "f":
        if np.isnan(array).any():
            raise ValueError(f"{name} contains NaN")
        fractional = array != np.round(array)
        if fractional.any():
            raise ValueError(
                f"{name} must hold class labels, got the non-integer value {array[fractional][0].item()!r} "
                "(scores belong in y_score)"
            )
    elif kind not in "biuU":
        raise TypeError(f"{name} must hold integer, boolean or string labels, got dtype {array.dtype}")
    return array


def same_length(**arrays: np.ndarray) -> None:
    """Raise naming the arrays when their first dimensions differ."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        described = " and ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"{' and '.join(lengths)} must have the same length: {described}")


def as_choice(value, name: str, choices: tuple):
    """``value`` itself if it is one of the string (or ``None``) ``choices``, else a ``ValueError``."""
    if isinstance(value, (str, type(None))) and value in choices:
        return value
    raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")


def as_float_tensor(value, name: str) -> "torch.Tensor":
    """``value`` itself if it is a floating-point tensor (any device), else a ``TypeError``.

    Nothing is copied or moved: activations and initialisers work in place or on the
    caller's device and dtype, as their ``torch`` counterparts do.
    """
    import torch

    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    refuse_meta(value, name)
    return value


def as_float_like(value, name: str, reference: "torch.Tensor", reference_name: str = "input") -> "torch.Tensor":
    """A floating-point tensor in ``reference``'s dtype and on its device (a weight beside its
    input, a key beside its query), else a ``TypeError`` naming both."""
    value = as_float_tensor(value, name)
    if (value.dtype, value.device) != (reference.dtype, reference.device):
        raise TypeError(f"{name} must have {reference_name}'s dtype {reference.dtype} and device {reference.device}, "
                        f"got {value.dtype} on {value.device}")
    return value


def as_flag(value, name: str) -> bool:
    """``value`` itself if it is a ``bool`` (an option such as ``batch_first``), else a ``TypeError``."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}")
    return value


def as_model_input(model, X, name: str) -> "torch.Tensor":
    """Inputs for ``model``: a floating-point tensor with at least one dimension, in the dtype
    and on the device of the model's parameters. (torch's own message, "mat1 and mat2 must
    have the same dtype", names neither the argument nor the fix.)"""
    X = as_float_tensor(X, name)
    if X.ndim == 0:
        raise ValueError(f"{name} must hold one row per sample, got a 0-d tensor")
    parameter = next(model.parameters(), None)
    if parameter is not None and (X.dtype, X.device) != (parameter.dtype, parameter.device):
        raise TypeError(f"{name} must have the model's dtype {parameter.dtype} and device {parameter.device}, "
                        f"got {X.dtype} on {X.device}")
    return X


def as_dim(dim, ndim: int, name: str = "dim") -> int:
    """A dimension index valid for a tensor with ``ndim`` dimensions, made non-negative."""
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(dim).__name__}")
    size = max(ndim, 1)  # a 0-d tensor accepts dim 0 and -1, as in torch
    if not -size <= dim < size:
        raise ValueError(f"{name} must be in [{-size}, {size - 1}] for a {ndim}-dimensional tensor, got {dim}")
    return int(dim) % size


def as_sample_weight(value, n: int, name: str = "sample_weight") -> np.ndarray | None:
    """``None``, or ``n`` finite non-negative float64 weights, not all zero, one per sample."""
    if value is None:
        return None
    weight = as_float_array(value, name, ndim=1)
    if weight.size != n:
        raise ValueError(f"{name} must hold one weight per sample ({n}), got {weight.size}")
    if (weight < 0).any():
        raise ValueError(f"{name} must be >= 0, got {weight[weight < 0][0]!r}")
    if not weight.any():
        raise ValueError(f"{name} must not be all zero")
    return weight


def as_xy(x, y) -> tuple["torch.Tensor", "torch.Tensor"]:
    """A regression's inputs and targets: two finite 1-D floating-point tensors of one length."""
    x, y = as_float_tensor(x, "x"), as_float_tensor(y, "y")
    if x.ndim != 1 or x.shape != y.shape or x.numel() == 0:
        raise ValueError(f"x and y must be 1-D of the same length, and not empty, got shapes "
                         f"{tuple(x.shape)} and {tuple(y.shape)}")
    if not (x.isfinite().all() and y.isfinite().all()):
        raise ValueError("x and y must be finite (no NaN or infinite value)")
    return x, y


def as_tokens(value, vocab_size: int, name: str = "tokens") -> "torch.Tensor":
    """A (N, L) int64 tensor of token ids in ``[0, vocab_size)`` with L >= 1 (an embedding's
    own complaint, "index out of range in self", names neither the argument nor the range)."""
    import torch

    if not isinstance(value, torch.Tensor) or value.dtype != torch.long:
        raise TypeError(f"{name} must be a tensor of dtype torch.long (token ids), got {type(value).__name__}"
                        f"{' of dtype ' + str(value.dtype) if isinstance(value, torch.Tensor) else ''}")
    refuse_meta(value, name)
    if value.ndim != 2 or value.shape[1] == 0:
        raise ValueError(f"{name} must be (N, L) with L >= 1, got shape {tuple(value.shape)}")
    if value.numel() and (value.min() < 0 or value.max() >= vocab_size):
        raise ValueError(f"{name} must lie in [0, {vocab_size}), got values from {value.min().item()} to {value.max().item()}")
    return value
