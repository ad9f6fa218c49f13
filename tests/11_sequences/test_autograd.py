"""The scalar autodiff engine against torch.autograd: random expressions (hypothesis), shared
subexpressions, deep graphs."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlcore.sequences.autograd import Scalar

UNARY = ["tanh", "exp", "sigmoid", "relu", "log", "square", "neg"]
BINARY = ["+", "-", "*", "/"]


def apply(program, leaves):
    """Run a list of (op, i, j) over the leaves, on Scalars or on torch tensors alike; return the last value."""
    values = list(leaves)
    for op, i, j in program:
        a, b = values[i % len(values)], values[j % len(values)]
        if op == "log":
            a = a * a + 1.0  # keep log's argument positive
            out = a.log()
        elif op == "square":
            out = a**2
        elif op == "neg":
            out = -a
        elif op in UNARY:
            out = getattr(a, op)() if isinstance(a, Scalar) else getattr(torch, op)(a)
        else:
            out = {"+": a + b, "-": a - b, "*": a * b, "/": a / (b * b + 1.0)}[op]
        values.append(out)
    return values[-1]


@given(values=st.lists(st.floats(-2, 2), min_size=1, max_size=4),
       program=st.lists(st.tuples(st.sampled_from(UNARY + BINARY), st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=12))
def test_random_expressions_have_torchs_value_and_gradients(values, program):
    leaves = [Scalar(v) for v in values]
    out = apply(program, leaves)
    out.backward()
    tensors = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    ref = apply(program, tensors)
    grads = torch.autograd.grad(ref, tensors, allow_unused=True)
    assert out.value == pytest.approx(ref.item(), rel=1e-9, abs=1e-12)
    for leaf, g in zip(leaves, grads):
        assert leaf.grad == pytest.approx(0.0 if g is None else g.item(), rel=1e-9, abs=1e-12)


def test_a_reused_value_adds_the_gradients_of_its_paths():
    x = Scalar(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0
    y.backward()  # set afresh, not accumulated
    assert x.grad == 7.0


def test_a_neuron_by_hand():
    w, x, b = Scalar(-0.5), Scalar(2.0), Scalar(0.25)
    y = (w * x + b).tanh()
    y.backward()
    slope = 1 - math.tanh(-0.75) ** 2
    assert (w.grad, x.grad, b.grad) == pytest.approx((slope * 2.0, slope * -0.5, slope))


def test_an_rnn_unrolled_for_3000_steps_does_not_hit_the_recursion_limit():
    h, w = Scalar(0.1), Scalar(0.9)
    for _ in range(3000):
        h = (w * h + 0.1).tanh()
    h.backward()
    assert math.isfinite(w.grad) and len(h.graph()) > 3000


def test_bad_input_is_refused_by_name():
    with pytest.raises(TypeError, match="value"):
        Scalar("1")
    with pytest.raises(TypeError, match="exponent"):
        Scalar(2.0) ** Scalar(2.0)
    with pytest.raises(ValueError, match="positive"):
        Scalar(-1.0).log()
