r"""Reverse-mode automatic differentiation on scalars, in one page: what ``loss.backward()`` does.

Chapter 11 of the book, Eq. (eq-chain-rule). Every operation on a :class:`Scalar` records
its inputs and the local derivatives :math:`\partial\,\text{out}/\partial\,\text{input}`;
:meth:`Scalar.backward` visits the recorded graph in reverse topological order and adds
each node's gradient times the local derivative into its inputs' gradients (the
multivariate chain rule: paths multiply, branches add). ``torch.autograd`` does the same
with tensors and a kernel per operation; the tests check this engine against it.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["Scalar"]


class Scalar:
    """A number that remembers how it was computed.

    ``value`` is the number, ``grad`` the derivative of the quantity last differentiated with
    respect to it (filled by :meth:`backward`), ``parents`` the pairs (input, local derivative)
    and ``op`` the operation's name, for drawing the graph.
    """

    __slots__ = ("value", "grad", "parents", "op", "label")

    def __init__(self, value: float, parents: tuple = (), op: str = "", label: str = ""):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"value must be a real number, got {type(value).__name__}")
        self.value, self.grad, self.parents, self.op, self.label = float(value), 0.0, tuple(parents), op, label

    @staticmethod
    def _lift(other) -> "Scalar":
        return other if isinstance(other, Scalar) else Scalar(other, label=f"{other:g}")

    def __add__(self, other) -> "Scalar":
        other = self._lift(other)
        return Scalar(self.value + other.value, ((self, 1.0), (other, 1.0)), "+")

    def __mul__(self, other) -> "Scalar":
        other = self._lift(other)
        return Scalar(self.value * other.value, ((self, other.value), (other, self.value)), "×")

    def __pow__(self, exponent) -> "Scalar":
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(f"exponent must be a real number (a constant), got {type(exponent).__name__}")
        return Scalar(self.value**exponent, ((self, exponent * self.value ** (exponent - 1)),), f"^{exponent:g}")

    def __neg__(self) -> "Scalar":
        return self * -1.0

    def __sub__(self, other) -> "Scalar":
        return self + (-self._lift(other))

    def __truediv__(self, other) -> "Scalar":
        return self * self._lift(other) ** -1

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other) -> "Scalar":
        return self._lift(other) - self

    def __rtruediv__(self, other) -> "Scalar":
        return self._lift(other) / self

    def exp(self) -> "Scalar":
        out = math.exp(self.value)
        return Scalar(out, ((self, out),), "exp")

    def log(self) -> "Scalar":
        if self.value <= 0:
            raise ValueError(f"log needs a positive value, got {self.value}")
        return Scalar(math.log(self.value), ((self, 1.0 / self.value),), "log")

    def tanh(self) -> "Scalar":
        out = math.tanh(self.value)
        return Scalar(out, ((self, 1.0 - out * out),), "tanh")

    def sigmoid(self) -> "Scalar":
        out = 0.5 * (1.0 + math.tanh(0.5 * self.value))  # no overflow for large |x|
        return Scalar(out, ((self, out * (1.0 - out)),), "σ")

    def relu(self) -> "Scalar":
        return Scalar(max(self.value, 0.0), ((self, float(self.value > 0)),), "relu")

    def graph(self) -> list["Scalar"]:
        """Every node this one depends on, itself last, each after all its inputs (a topological order)."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:  # iterative depth-first search: deep graphs (an RNN unrolled) do not hit the recursion limit
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((parent, False) for parent, _ in node.parents if id(parent) not in seen)
        return order

    def backward(self) -> None:
        r"""Fill ``grad`` of every node in the graph with :math:`\partial\,\text{self}/\partial\,\text{node}`, Eq. (eq-chain-rule).

        Gradients are set, not accumulated across calls (unlike torch's leaves): each call
        starts from zero.
        """
        order = self.graph()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in node.parents:
                parent.grad += node.grad * local

    def __repr__(self) -> str:
        return f"Scalar({self.value:.6g}, grad={self.grad:.6g}{', ' + self.op if self.op else ''})"
