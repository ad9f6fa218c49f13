"""Exercise checkers: grade a reader's function against dlcore's reference.

:func:`check` runs the reader's function and the reference on the same list of
:class:`Case` inputs (random ones and edge cases), stops at the first input where
they disagree, prints a short report and returns ``True`` or ``False``::

    >>> from dlcore.check.bayes import check_posterior
    >>> check_posterior(my_posterior)
    ✔ posterior: all 47 cases agree with dlcore.bayes.posterior

Each chapter adds a module here (``dlcore.check.bayes`` ...) with its cases and
one ``check_<name>(fn)`` function per exercise.
"""

from __future__ import annotations

import contextlib
import copy
import numbers
import signal
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np
import torch

from .._validation import as_count, as_nonnegative, refuse_meta

__all__ = ["Case", "check", "mismatch"]


@dataclass(frozen=True)
class Case:
    """One input to a checked function: positional and keyword arguments.

    ``label`` says what the case is about ("ties", "one hypothesis") in the report.
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""

    def describe(self, name: str) -> str:
        parts = [_short_repr(a) for a in self.args] + [f"{k}={_short_repr(v)}" for k, v in self.kwargs.items()]
        call = f"{name}({', '.join(parts)})"
        return f"{call}  [{self.label}]" if self.label else call


def _public_name(fn) -> str:
    """``dlcore.losses.cross_entropy``, not ``dlcore.losses.functions.cross_entropy``: the
    name a reader imports, where a package re-exports its main module."""
    module = fn.__module__
    parent = module.rpartition(".")[0]
    if parent and getattr(sys.modules.get(parent), fn.__qualname__, None) is fn:
        module = parent
    return f"{module}.{fn.__qualname__}"


def _short_repr(value: Any, limit: int = 160) -> str:
    if isinstance(value, torch.Tensor) and value.device.type == "meta":
        return f"tensor(..., device='meta', shape={tuple(value.shape)})"
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        value = value.float() if value.dtype == torch.bfloat16 else value  # NumPy has no bfloat16
        value = (value.to_dense() if value.layout != torch.strided else value).resolve_conj().numpy()
    if isinstance(value, np.generic):
        value = value.item()  # 1.0, not NumPy 2's np.float64(1.0)
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, separator=", ", threshold=12)
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def random_cases(seed, n_random) -> tuple[int, int]:
    """The seed and the number of random cases of a ``*_cases`` generator, validated."""
    seed, n_random = as_count(seed, "seed"), as_count(n_random, "n_random")
    if seed >= 2**63:  # torch's generators take a signed 64-bit seed
        raise ValueError(f"seed must be below 2**63, got {seed}")
    return seed, n_random


def _as_numeric_array(value: Any) -> np.ndarray | None:
    if isinstance(value, torch.Tensor):
        if value.layout != torch.strided or value.device.type == "meta":
            return None  # sparse, other layouts, no values: not the dense result the exercise asks for
        value = value.detach().cpu().resolve_conj()
        return value.numpy() if value.is_complex() else value.double().numpy()
    if isinstance(value, (numbers.Number, np.ndarray, np.generic)) and not isinstance(value, bool):
        array = np.asarray(value)
        return array if array.dtype.kind in "biufc" else None
    return None


def mismatch(expected: Any, got: Any, *, rtol: float = 1e-7, atol: float = 1e-10, where: str = "result") -> str | None:
    """Why ``got`` differs from ``expected`` (``None`` when they agree).

    Numbers, NumPy arrays and tensors compare with tolerance (NaN equals NaN);
    tuples, lists and dicts compare element by element; anything else with ``==``.
    """
    rtol, atol = as_nonnegative(rtol, "rtol"), as_nonnegative(atol, "atol")
    refuse_meta(expected, "expected")  # the reference's answer must hold values; a reader's may not
    expected_array = _as_numeric_array(expected)
    if expected_array is not None:
        got_array = _as_numeric_array(got) if not isinstance(got, (list, tuple)) else _list_to_array(got)
        if got_array is None:
            layout = f" with layout {got.layout}" if isinstance(got, torch.Tensor) else ""
            return f"{where}: expected a number or array, got {type(got).__name__}{layout} {_short_repr(got)}"
        if got_array.shape != expected_array.shape:
            return f"{where}: expected shape {expected_array.shape}, got shape {got_array.shape}"
        if got_array.dtype.kind == "c" and expected_array.dtype.kind != "c":
            return f"{where}: expected real numbers, got complex ones {_short_repr(got)}"
        if not np.allclose(got_array, expected_array, rtol=rtol, atol=atol, equal_nan=True):
            return f"{where}: expected {_short_repr(expected)}, got {_short_repr(got)}"
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"{where}: expected a sequence of length {len(expected)}, got {_short_repr(got)}"
        names = getattr(expected, "_fields", None) or [f"[{i}]" for i in range(len(expected))]
        for name, e, g in zip(names, expected, got):
            label = f"{where}.{name}" if not name.startswith("[") else f"{where}{name}"
            problem = mismatch(e, g, rtol=rtol, atol=atol, where=label)
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return f"{where}: expected a dict with keys {sorted(expected)}, got {_short_repr(got)}"
        for key in expected:
            problem = mismatch(expected[key], got[key], rtol=rtol, atol=atol, where=f"{where}[{key!r}]")
            if problem:
                return problem
        return None
    return None if expected == got else f"{where}: expected {_short_repr(expected)}, got {_short_repr(got)}"


def _list_to_array(values: list | tuple) -> np.ndarray | None:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def check(
    candidate: Callable,
    reference: Callable,
    cases: Iterable[Case],
    *,
    name: str | None = None,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    time_limit: float = 10.0,
) -> bool:
    """Compare ``candidate`` with ``reference`` on every case; print a report.

    A case on which the reference raises is one the candidate must refuse too
    (any exception). Each call gets its own copy of the case's inputs; a candidate that
    changes its inputs in place fails, and so does one that runs longer than
    ``time_limit`` seconds on a case (where the platform has ``SIGALRM``). Stops at the
    first disagreement and shows that input, the expected and the received value.
    Returns whether every case agreed.
    """
    if not callable(candidate):
        raise TypeError(f"candidate must be a function, got {type(candidate).__name__}")
    name = name or getattr(reference, "__name__", "function")
    reference_name = _public_name(reference)
    cases = list(cases)
    for case in cases:
        if not isinstance(case, Case):
            raise TypeError(f"cases must be dlcore.check.Case objects, got {type(case).__name__} {_short_repr(case)}")
    for case in cases:
        try:
            expected = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        except Exception as error:  # the reference refuses this input
            expected, refusal = None, error
        else:
            refusal = None
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        try:
            with _time_limit(time_limit):
                got = candidate(*args, **kwargs)
        except _TimeLimitExceeded:
            _report_failure(case, name, f"did not return within {time_limit:g} s (an endless loop?)")
            return False
        except Exception as error:
            if refusal is not None:
                continue
            _report_failure(case, name, f"raised {type(error).__name__}: {error}")
            return False
        changed = mismatch((case.args, case.kwargs), (args, kwargs), rtol=0, atol=0, where="input")
        if changed:
            _report_failure(case, name, f"changed its input in place ({changed}); return a new value instead")
            return False
        if refusal is not None:
            _report_failure(case, name, f"expected an error ({type(refusal).__name__}: {refusal}), got {_short_repr(got)}")
            return False
        problem = mismatch(expected, got, rtol=rtol, atol=atol)
        if problem:
            _report_failure(case, name, problem)
            return False
    print(f"\u2714 {name}: all {len(cases)} cases agree with {reference_name}")
    return True


class _TimeLimitExceeded(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise :class:`_TimeLimitExceeded` in the main thread after ``seconds`` (SIGALRM);
    elsewhere (Windows, other threads) no limit."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _report_failure(case: Case, name: str, problem: str) -> None:
    print(f"\u2718 {name} disagrees on\n    {case.describe(name)}\n  {problem}")

