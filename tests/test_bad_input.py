"""Every public callable of dlcore, fed bad and unusual input one argument at a time.

The callables are discovered from each module's ``__all__``; ``bad_input_catalogue.py``
holds one valid call of each. Every argument that is a tensor, an array or a number is
replaced in turn by a spoiled version of itself (NaN, ±inf, empty, 0-d, other dtypes,
a list, a NumPy array, a non-contiguous view, ``requires_grad``, the ``meta`` device,
extreme magnitudes; for numbers also negative, zero, huge, a bool, a string, ``None``).
Whatever the spoiled argument, the call must

* raise a ``ValueError`` or ``TypeError`` whose message names the argument, or
* return: the same result as the valid call where only the representation changed (a
  list, a view, ``requires_grad``), torch's result where torch has the same function,
  and never a NaN that the input did not hold;
* and leave every argument it does not document as changed in place as it was.

``bad_input_known.txt`` lists the cases that still fail, each a bug to fix: they run as
strict expected failures, so fixing one fails the suite until its line is deleted, and a
failure that is not listed fails it at once. The list may only shrink.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import signal
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import dlcore
from bad_input_catalogue import CALLS, NOT_CALLED

KNOWN_FILE = Path(__file__).with_name("bad_input_known.txt")
KNOWN = {line.split("#")[0].strip() for line in KNOWN_FILE.read_text().splitlines()} - {""}

# -- discovery ---------------------------------------------------------------------------------


def public_callables() -> set[str]:
    """Every callable in a module's ``__all__``, under its shortest public name (a package
    re-exports its main module: ``activations.relu``, not ``activations.functions.relu``)."""
    names: dict[tuple[int, str], str] = {}  # by object and name: aliases (glorot_ = xavier_) stay apart
    for info in pkgutil.walk_packages(dlcore.__path__, "dlcore."):
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if callable(obj):
                dotted = f"{info.name.removeprefix('dlcore.')}.{name}"
                key = (id(obj), name)
                if key not in names or len(dotted) < len(names[key]):
                    names[key] = dotted
    return set(names.values())


def test_every_public_callable_is_in_the_catalogue():
    missing = public_callables() - set(CALLS) - set(NOT_CALLED)
    stale = (set(CALLS) | set(NOT_CALLED)) - public_callables()
    assert not missing, f"add a valid call of these to tests/bad_input_catalogue.py: {sorted(missing)}"
    assert not stale, f"no longer public, remove from the catalogue: {sorted(stale)}"


# -- spoiling one argument ---------------------------------------------------------------------

SAME = "same"  # only the representation changed: the result must equal the valid call's
FINITE = "finite"  # values changed but stay finite: no NaN may appear
NONFINITE = "nonfinite"  # NaN or inf went in: torch's answer, where torch has the function


def _noncontiguous(t: torch.Tensor) -> torch.Tensor:
    view = torch.stack([t, torch.zeros_like(t)], dim=-1)[..., 0]
    assert not view.is_contiguous() and torch.equal(view, t)
    return view


def _with_first(t: torch.Tensor, value) -> torch.Tensor:
    t = t.clone()
    t.view(-1)[0] = value
    return t


def tensor_spoils(t: torch.Tensor):
    """(label, spoiled value, kind) for a tensor argument."""
    if t.numel() == 0:
        return
    if t.is_floating_point():
        yield "NaN", _with_first(t, math.nan), NONFINITE
        yield "inf", _with_first(t, math.inf), NONFINITE
        yield "-inf", _with_first(t, -math.inf), NONFINITE
        yield "huge (x 1e30)", t * 1e30, FINITE
        yield "tiny (x 1e-30)", t * 1e-30, FINITE
        yield "int64", t.round().long(), FINITE
        yield "float16", t.half(), FINITE
        yield "bfloat16", t.bfloat16(), FINITE
        yield "complex64", t.to(torch.complex64), FINITE
        yield "float32" if t.dtype == torch.float64 else "float64", t.float() if t.dtype == torch.float64 else t.double(), FINITE
        yield "requires_grad", t.detach().clone().requires_grad_(True), SAME
    else:
        yield "float", t.double(), SAME
        yield "negative entry", _with_first(t, -1), FINITE
        yield "entry 10**6", _with_first(t, 10**6), FINITE
        yield "float with NaN", _with_first(t.double(), math.nan), NONFINITE
    yield "bool", t != 0, FINITE
    yield "empty", t.reshape(-1)[:0].reshape((0,) + tuple(t.shape[1:])) if t.ndim else t.reshape(-1)[:0], FINITE
    yield "0-d", t.reshape(-1)[0].clone(), FINITE
    yield "extra dimension", t[None], FINITE
    yield "list", t.tolist(), SAME if not t.is_floating_point() or t.dtype == torch.float32 else FINITE
    yield "NumPy", t.numpy(), SAME
    if t.numel() > 1:
        yield "non-contiguous", _noncontiguous(t), SAME
    yield "meta device", t.to("meta"), FINITE


def number_spoils(x):
    if isinstance(x, bool):
        return
    yield "NaN", math.nan, NONFINITE
    yield "inf", math.inf, NONFINITE
    yield "-inf", -math.inf, NONFINITE
    yield "negative", -abs(x) if x else -1, FINITE
    yield "zero", type(x)(0), FINITE
    if isinstance(x, float):
        yield "1e300", 1e300, FINITE
        yield "1e-300", 1e-300, FINITE
    else:
        yield "1.5 for an integer", 1.5, FINITE
        yield "NumPy integer", np.int64(x), SAME
    yield "bool", True, FINITE
    yield "string", str(x), FINITE
    yield "None", None, FINITE
    yield "0-d tensor", torch.tensor(x), FINITE


def string_spoils(s):
    yield "unknown choice", s + "-nonsense", FINITE
    yield "integer", 1, FINITE


def spoils(value):
    if isinstance(value, torch.Tensor):
        yield from tensor_spoils(value)
    elif isinstance(value, np.ndarray):  # spoiled as a tensor would be; "NumPy" gives the array back
        yield from tensor_spoils(torch.as_tensor(value))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield from number_spoils(value)
    elif isinstance(value, str):
        yield from string_spoils(value)


SHAPES = {"empty", "0-d", "extra dimension"}
QUICK = {"NaN", "inf", "string", "unknown choice", "None", "meta device"}  # slow pictures: one of each kind


def cases(pictures: bool | None = None):
    """Every (callable, argument, spoil); only the ``viz`` ones, or none of them, with ``pictures``."""
    for name, call in sorted(CALLS.items()):
        if pictures is not None and name.startswith("viz.") != pictures:
            continue
        kwargs = call.kwargs()
        for arg, value in kwargs.items():
            if call.spoil is not None and arg not in call.spoil:
                continue
            for label, _, kind in spoils(value):
                if call.checks == "types" and label not in QUICK:
                    continue
                case_id = f"{name}-{arg}-{label}"
                known = pytest.mark.xfail(strict=True, reason="listed in bad_input_known.txt") if case_id in KNOWN else ()
                yield pytest.param(name, arg, label, id=case_id, marks=known)


def test_the_known_failures_are_all_cases():
    ids = {param.id for param in cases()}
    assert KNOWN <= ids, f"remove from bad_input_known.txt, no longer a case: {sorted(KNOWN - ids)}"


# -- judging the outcome -----------------------------------------------------------------------


class TimedOut(Exception):
    pass


def _alarm(signum, frame):
    raise TimedOut


def run(fn, kwargs, seconds=5):
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with warnings.catch_warnings(), torch.random.fork_rng():  # the tests after this one keep their RNG
            warnings.simplefilter("ignore")
            torch.manual_seed(0)
            return fn(**kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def leaves(value):
    """The numbers inside a result, as float64 NumPy arrays (meta tensors and pictures skipped)."""
    if isinstance(value, torch.Tensor):
        if value.device.type != "meta" and not value.is_complex():
            yield value.detach().cpu().double().numpy()
    elif isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        yield value.astype(np.float64)
    elif isinstance(value, (bool, int, float, np.number)) and not isinstance(value, complex):
        yield np.asarray(float(value))
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from leaves(value[key])
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from leaves(item)


def has_nan(value) -> bool:
    return any(np.isnan(leaf).any() for leaf in leaves(value))


def same(a, b, rtol=1e-5) -> bool:
    """Equal numbers; where either is NaN or infinite, both are (which of the two is an
    implementation detail of the kernel: torch itself is not consistent about it)."""
    left, right = list(leaves(a)), list(leaves(b))
    return len(left) == len(right) and all(
        x.shape == y.shape
        and np.array_equal(np.isfinite(x), np.isfinite(y))
        and np.allclose(x[np.isfinite(x)], y[np.isfinite(y)], rtol=rtol, atol=1e-6)
        for x, y in zip(left, right)
    )


def snapshot(value):
    if isinstance(value, torch.Tensor):
        return value.detach().clone() if value.device.type != "meta" else value
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [snapshot(v) for v in value]
    return value


def unchanged(before, after) -> bool:
    if isinstance(before, torch.Tensor):
        if before.device.type == "meta":
            return True
        return before.shape == after.shape and torch.equal(torch.nan_to_num(before.detach()), torch.nan_to_num(after.detach()))
    if isinstance(before, np.ndarray):
        return np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
    if isinstance(before, list):
        return len(before) == len(after) and all(unchanged(b, a) for b, a in zip(before, after))
    return True


_VALID = {}


def valid_result(name):
    if name not in _VALID:
        call = CALLS[name]
        _VALID[name] = run(call.fn, call.kwargs())
    return _VALID[name]




@pytest.mark.parametrize("name, arg, label", list(cases(pictures=False)))
def test_a_spoiled_argument_is_refused_by_name_or_handled(name, arg, label):
    check_spoiled(name, arg, label)


def check_spoiled(name, arg, label):
    call = CALLS[name]
    kwargs = call.kwargs()
    spoiled, kind = next((s, k) for lab, s, k in spoils(kwargs[arg]) if lab == label)
    kwargs[arg] = spoiled
    before = {key: snapshot(value) for key, value in kwargs.items()}
    try:
        result = run(call.fn, kwargs)
    except tuple(call.errors):  # raised by design (the book's assertions): the message is the book's
        return
    except (ValueError, TypeError) as error:
        message = str(error)
        # A wrong shape may be blamed on the argument it no longer matches: name either.
        named = kwargs if label in SHAPES else [arg]
        if not any(a in message for a in named):
            pytest.fail(f"{name}({arg}={label}) raised without naming {arg!r}: {error!r}")
        return
    except TimedOut:
        pytest.fail(f"{name}({arg}={label}) ran for more than 5 s")
    except Exception as error:  # noqa: BLE001 (anything else is exactly what this suite reports)
        pytest.fail(f"{name}({arg}={label}) raised {type(error).__name__}, not a ValueError/TypeError naming {arg!r}: {error}")
    for key, value in before.items():
        if key not in call.in_place and not unchanged(value, kwargs[key]):
            pytest.fail(f"{name}({arg}={label}) changed its argument {key!r} in place")
    if kind == SAME and not same(result, valid_result(name)):
        pytest.fail(f"{name}({arg}={label}) gave another result than the valid call")
    excused = arg in call.nan_is_the_answer or f"{arg}={label}" in call.nan_is_the_answer
    if kind == FINITE and has_nan(result) and not excused:
        pytest.fail(f"{name}({arg}={label}) returned NaN for finite input")
    if kind == NONFINITE and call.oracle is not None and not (label == "NaN" and call.unlike_torch_on_nan):
        try:
            expected = run(call.oracle, {key: spoiled if key == arg else value for key, value in call.kwargs().items()})
        except Exception as error:  # noqa: BLE001
            pytest.fail(f"{name}({arg}={label}) returned, where torch refuses the input: {error}")
        if not same(result, expected):
            pytest.fail(f"{name}({arg}={label}) differs from torch's answer")
