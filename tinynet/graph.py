"""Computational graphs: backpropagation one number at a time.

A ``Value`` is a node of a graph: a number that a gate computed from the nodes
before it. When a gate runs forward it also stores its *local gradient*
∂out/∂in for each input. ``J.backward()`` then visits the nodes from J back to
the inputs and applies the chain rule at every gate:

    downstream gradient = local gradient × upstream gradient

and a node that feeds several gates adds up what comes back from each.

The lecture's example, J = (a − 1)·(b + c), with a = 5, b = 3, c = 2:

>>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
>>> J = (a - 1) * (b + c)
>>> J.data
20.0
>>> J.backward()
>>> a.grad, b.grad, c.grad          # ∂J/∂a = b + c, ∂J/∂b = ∂J/∂c = a − 1
(5.0, 4.0, 4.0)

The patterns to remember:

==========  ==================  ==============================================
gate        local gradients     what happens to the upstream gradient
==========  ==================  ==============================================
x + y       1, 1                add *distributes* it, unchanged, to both
x · y       y, x                mul *swaps* the inputs: x gets y × upstream
max(x, y)   1, 0 (x larger)     max *routes* it to the larger input
==========  ==================  ==============================================

``draw(J)`` returns the graph as an SVG picture. ``J.free()`` releases the
graph once its gradients have been read (see ``Value.free``). Bad input is
refused: a non-number (a bool too) with ``DataTypeError``, NaN, ±inf or a
result outside the real numbers with ``DataError``, a freed node or a cycle
with ``GraphError``.
"""

import math
from numbers import Real

from .activations import sigmoid
from .errors import DataError, DataTypeError, GraphError

__all__ = ["Value", "draw"]


def _real(x, what):
    """``x`` as a float, or a clear error (a bool, a string, NaN or ±inf is refused)."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise DataTypeError("{} must be a real number (int or float), got {!r} of type {}".format(
            what, x, type(x).__name__))
    try:
        x = float(x)
    except OverflowError:                       # an int too large for a float
        x = math.inf
    if not math.isfinite(x):
        raise DataError("{} must be a finite number, got {}".format(what, x))
    return x


def _node(x):
    """``x`` itself if it is a Value, else a constant leaf holding the number ``x``."""
    if isinstance(x, Value):
        return x
    number = _real(x, "the other operand")
    return Value(number, label="{:g}".format(number))


class Value:
    """A node: ``data`` is its forward value, ``grad`` is ∂J/∂node after ``J.backward()``.

    A leaf (an input or a weight) is made with ``Value(number, label)``. A gate
    node also has ``op`` (the gate), ``parents`` (the nodes it read) and
    ``local_grads`` (∂out/∂parent, one per parent, computed in the forward pass).
    """

    def __init__(self, data, label="", op="", parents=(), local_grads=()):
        self.data = _real(data, "Value({!r})".format(label) if label else "a Value")
        self.grad = 0.0
        self.label, self.op = label, op
        self.parents, self.local_grads = tuple(parents), tuple(local_grads)
        self.freed = False

    def __repr__(self):
        name = "label={!r}".format(self.label) if self.label else "op={!r}".format(self.op)
        return "Value(data={:g}, grad={:g}, {})".format(self.data, self.grad, name)

    def _gate(self, op, data, parents, local_grads):
        """The node out = op(parents); ``local_grads`` hold ∂out/∂parent for backward."""
        for parent in parents:
            if parent.freed:
                raise GraphError(_freed_message(parent))
        if isinstance(data, complex) or not math.isfinite(data):
            raise DataError("{} of {} gave {}, not a finite real number".format(
                op, ", ".join("{:g}".format(p.data) for p in parents), data))
        return Value(data, op=op, parents=parents, local_grads=local_grads)

    # === The gates: forward value, then each input's local gradient ==========

    def __add__(self, other):       # ∂(x+y)/∂x = 1, ∂(x+y)/∂y = 1: add distributes
        y = _node(other)
        return self._gate("+", self.data + y.data, (self, y), (1.0, 1.0))

    def __sub__(self, other):       # ∂(x−y)/∂x = 1, ∂(x−y)/∂y = −1
        y = _node(other)
        return self._gate("−", self.data - y.data, (self, y), (1.0, -1.0))

    def __mul__(self, other):       # ∂(x·y)/∂x = y, ∂(x·y)/∂y = x: mul swaps
        y = _node(other)
        return self._gate("×", self.data * y.data, (self, y), (y.data, self.data))

    def __truediv__(self, other):   # ∂(x/y)/∂x = 1/y, ∂(x/y)/∂y = −x/y²
        y = _node(other)
        return self._gate("÷", self.data / y.data, (self, y), (1.0 / y.data, -self.data / y.data ** 2))

    def __pow__(self, n):           # ∂(xⁿ)/∂x = n·xⁿ⁻¹, for a plain number n
        if isinstance(n, Value):
            raise DataTypeError("x ** y needs a plain number y; for a Value y write (y * x.log()).exp()")
        n = _real(n, "the exponent")
        return self._gate("^{:g}".format(n), self.data ** n, (self,), (n * self.data ** (n - 1),))

    def __neg__(self):              # ∂(−x)/∂x = −1
        return self._gate("−x", -self.data, (self,), (-1.0,))

    def __radd__(self, other):      # number + x, number − x, ...: the number becomes a leaf
        return _node(other) + self

    def __rsub__(self, other):
        return _node(other) - self

    def __rmul__(self, other):
        return _node(other) * self

    def __rtruediv__(self, other):
        return _node(other) / self

    def __rpow__(self, c):          # ∂(cˣ)/∂x = cˣ·ln c, for a number c > 0
        if _real(c, "the base") <= 0:
            raise DataError("c ** x needs a base c > 0, got {:g}".format(c))
        out = c ** self.data
        return self._gate("{:g}^".format(c), out, (self,), (out * math.log(c),))

    def exp(self):                  # ∂eˣ/∂x = eˣ
        out = math.exp(self.data)
        return self._gate("exp", out, (self,), (out,))

    def log(self):                  # ∂ln(x)/∂x = 1/x, for x > 0
        if self.data <= 0:
            raise DataError("log needs x > 0, got {:g}".format(self.data))
        return self._gate("log", math.log(self.data), (self,), (1.0 / self.data,))

    def tanh(self):                 # ∂tanh(x)/∂x = 1 − tanh(x)²
        out = math.tanh(self.data)
        return self._gate("tanh", out, (self,), (1.0 - out * out,))

    def sigmoid(self):              # ∂σ(x)/∂x = σ(x)·(1 − σ(x))
        out = sigmoid(self.data)
        return self._gate("σ", out, (self,), (out * (1.0 - out),))

    def relu(self):                 # ∂max(0, x)/∂x = 1 if x > 0 else 0 (0 at x = 0, like relu_prime)
        on = self.data > 0
        return self._gate("relu", self.data if on else 0.0, (self,), (1.0 if on else 0.0,))

    def max(self, other):           # 1 to the larger input, 0 to the other: max routes (a tie goes to x)
        y = _node(other)
        x_wins = self.data >= y.data
        return self._gate("max", max(self.data, y.data), (self, y), (1.0, 0.0) if x_wins else (0.0, 1.0))

    # === The backward pass ===================================================

    def topological_order(self):
        """Every node this one depends on, each after its parents (evaluation order).

        A depth-first search with an explicit stack (no recursion, so a graph
        thousands of gates deep is fine); meeting a node that is still on the
        search path means the graph has a cycle.
        """
        order, on_path, done = [], {self}, set()
        stack = [(self, iter(self.parents))]
        while stack:
            node, parents = stack[-1]
            if node.freed:
                raise GraphError(_freed_message(node))
            parent = next(parents, None)
            if parent is None:                       # all parents placed: place the node
                stack.pop()
                on_path.discard(node)
                done.add(node)
                order.append(node)
            elif parent in on_path:
                raise GraphError("the graph has a cycle: {!r} is one of its own inputs; a computational "
                                 "graph computes each node from nodes made before it".format(parent))
            elif parent not in done:
                on_path.add(parent)
                stack.append((parent, iter(parent.parents)))
        return order

    def backward(self):
        """Set ``grad`` = ∂self/∂node on every node of this node's graph.

        Every grad in the graph starts again from 0 (grads are set, not summed
        over calls), ∂J/∂J = 1, and then, from the output back to the inputs,
        each gate passes local gradient × its grad to each of its parents.
        """
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * node.grad     # downstream = local × upstream

    def free(self):
        """Release this node's graph: each gate node drops its parents and local gradients.

        "Freed" means the forward pass's cache is gone: a freed gate node keeps
        its ``data`` and ``grad`` for reading, but it can no longer be
        backpropagated through or used in a new gate (``GraphError`` says so).
        Leaves (inputs, weights, constants) are never freed: they start new graphs.
        Freeing a freed node again does nothing.
        """
        if self.freed:
            return
        for node in self.topological_order():
            if node.parents:
                node.parents, node.local_grads, node.freed = (), (), True

    def _repr_svg_(self):
        """Jupyter shows a node as the drawing of its graph."""
        return draw(self)._repr_svg_()


def _freed_message(node):
    return ("{!r} was freed by free(): its graph (parents and local gradients) is gone, so it cannot be "
            "backpropagated through or used in a new gate; compute it again from the leaves".format(node))


def draw(root, title=""):
    """The graph that computes ``root`` as an ``Svg`` picture (``tinynet.pictures.graph``)."""
    from .pictures.graph import graph_diagram
    return graph_diagram(root, title)
