"""Activation functions g(z) and their derivatives g'(z), as on the slides.

Each activation is defined once, here, on a layer: ``sigmoid_each(z)`` is
g(z_j) for every entry z_j of a layer's z (one sample), and
``sigmoid_grad_each(grad, z, a)`` is ∂E/∂z_j = ∂E/∂a_j·g'(z_j) for every j,
given a = g(z). A single ``Neuron`` applies them to its one z
(``sigmoid(z)``, ``sigmoid_prime(z)``), the pure-Python backend to each row
of a layer's Z, so a neuron and the same unit of a Dense layer give the same
number, to the bit. Other backends know an activation by its *name* and turn
it into a kernel; the conformance suite holds them to these numbers.

============  ===========================  =====================================
name          g(z)                         g'(z)
============  ===========================  =====================================
sigmoid       1 / (1 + e^(−z))             g(z)·(1 − g(z))
tanh          (e^z − e^(−z))/(e^z + e^−z)  1 − g(z)²
relu          max(0, z)                    1 if z > 0 else 0
leaky_relu    z if z > 0 else α·z          1 if z > 0 else α   (α = 0.01)
linear        z                            1
softmax       e^(z_k) / Σ_j e^(z_j)        ∂a_k/∂z_i = a_k·(δ_ki − a_i)
============  ===========================  =====================================

A layer has kept a = g(z) from its forward pass, so each derivative also
takes ``a``: g'(z) = a·(1 − a) then needs no second e^(−z).

>>> round(sigmoid(0.0), 3), round(sigmoid_prime(0.0), 3)
(0.5, 0.25)
>>> relu(-2.0), relu(3.0)
(0.0, 3.0)
>>> [round(a, 3) for a in softmax([1.0, 2.0, 3.0])]
[0.09, 0.245, 0.665]
"""

import math
import reprlib

from .backend import ACTIVATIONS
from .errors import ConfigError

__all__ = [
    "ACTIVATIONS", "check_activation", "g", "g_prime", "g_each", "g_grad_each",
    "sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "relu", "relu_prime",
    "leaky_relu", "leaky_relu_prime", "linear", "linear_prime", "softmax", "softmax_grad",
    "sigmoid_each", "sigmoid_grad_each", "tanh_each", "tanh_grad_each", "relu_each",
    "relu_grad_each", "leaky_relu_each", "leaky_relu_grad_each", "linear_each",
    "linear_grad_each", "softmax_grad_each",
]

_exp = math.exp
_tanh = math.tanh


# === The definitions, on a layer's z (and ∂E/∂a) ============================

def sigmoid_each(z):
    """g(z_j) = 1 / (1 + e^(−z_j)) for each z_j, to full precision for every z_j.

    Below z_j = −709, e^(−z_j) overflows a float; there 1 + e^(−z_j) equals
    e^(−z_j) to double precision, so g(z_j) = e^(z_j).
    """
    return [1.0 / (1.0 + _exp(-z_j)) if z_j >= -709.0 else _exp(z_j) for z_j in z]


def sigmoid_grad_each(grad, z, a):
    """∂E/∂a_j · g'(z_j), with g'(z_j) = a_j·(1 − a_j)."""
    return [d * a_j * (1.0 - a_j) for d, a_j in zip(grad, a)]


def tanh_each(z):
    """g(z_j) = (e^z_j − e^(−z_j)) / (e^z_j + e^(−z_j)) for each z_j."""
    return [_tanh(z_j) for z_j in z]


def tanh_grad_each(grad, z, a):
    """∂E/∂a_j · g'(z_j), with g'(z_j) = 1 − a_j²."""
    return [d * (1.0 - a_j * a_j) for d, a_j in zip(grad, a)]


def relu_each(z):
    """g(z_j) = max(0, z_j) for each z_j."""
    return [z_j if z_j > 0.0 else 0.0 for z_j in z]


def relu_grad_each(grad, z, a):
    """∂E/∂a_j · g'(z_j), with g'(z_j) = 1 for z_j > 0, else 0 (we take 0 at z_j = 0)."""
    return [d if z_j > 0.0 else 0.0 for d, z_j in zip(grad, z)]


def leaky_relu_each(z, alpha=0.01):
    """g(z_j) = z_j for z_j > 0, else α·z_j."""
    return [z_j if z_j > 0.0 else alpha * z_j for z_j in z]


def leaky_relu_grad_each(grad, z, a, alpha=0.01):
    """∂E/∂a_j · g'(z_j), with g'(z_j) = 1 for z_j > 0, else α."""
    return [d if z_j > 0.0 else alpha * d for d, z_j in zip(grad, z)]


def linear_each(z):
    """g(z_j) = z_j (the identity: regression outputs)."""
    return list(z)


def linear_grad_each(grad, z, a):
    """∂E/∂a_j · g'(z_j), with g'(z_j) = 1."""
    return list(grad)


def softmax(z):
    """a_k = e^(z_k) / Σ_j e^(z_j) for a whole vector z (shifted by max z,
    which changes nothing but keeps every e^(z_k − max z) ≤ 1)."""
    z_max = max(z)
    e = [_exp(z_k - z_max) for z_k in z]
    total = sum(e)
    return [e_k / total for e_k in e]


def softmax_grad(a, grad_a):
    """∂E/∂z from ∂E/∂a through softmax: Σ_k grad_k·a_k·(δ_ki − a_i) = a_i·(grad_i − grad·a).

    >>> softmax_grad([0.5, 0.5], [1.0, 1.0])        # shifting every z changes nothing
    [0.0, 0.0]
    """
    grad_dot_a = sum(g_k * a_k for g_k, a_k in zip(grad_a, a))
    return [a_i * (g_i - grad_dot_a) for g_i, a_i in zip(grad_a, a)]


def softmax_grad_each(grad, z, a):
    """``softmax_grad(a, grad)``, in the argument order of the others."""
    return softmax_grad(a, grad)


# === One neuron: the same definitions on a single z =========================

def sigmoid(z):
    """g(z) = 1 / (1 + e^(−z)), to full precision for every z (``sigmoid_each``).

    >>> sigmoid(-40.0)
    4.248354255291589e-18
    >>> sigmoid(-1000.0), sigmoid(1000.0)
    (0.0, 1.0)
    """
    return sigmoid_each((z,))[0]


def sigmoid_prime(z, a=None):
    """g'(z) = g(z)·(1 − g(z)); ``a`` is g(z), if already known."""
    return sigmoid_grad_each((1.0,), (z,), (sigmoid(z) if a is None else a,))[0]


def tanh(z):
    """g(z) = (e^z − e^(−z)) / (e^z + e^(−z))."""
    return tanh_each((z,))[0]


def tanh_prime(z, a=None):
    """g'(z) = 1 − tanh(z)²; ``a`` is tanh(z), if already known."""
    return tanh_grad_each((1.0,), (z,), (tanh(z) if a is None else a,))[0]


def relu(z):
    """g(z) = max(0, z)."""
    return relu_each((z,))[0]


def relu_prime(z, a=None):
    """g'(z) = 1 for z > 0, else 0 (we take 0 at z = 0)."""
    return relu_grad_each((1.0,), (z,), (a,))[0]


def leaky_relu(z, alpha=0.01):
    """g(z) = z for z > 0, else α·z."""
    return leaky_relu_each((z,), alpha)[0]


def leaky_relu_prime(z, alpha=0.01):
    """g'(z) = 1 for z > 0, else α."""
    return leaky_relu_grad_each((1.0,), (z,), (None,), alpha)[0]


def linear(z):
    """g(z) = z (the identity: regression outputs)."""
    return z


def linear_prime(z, a=None):
    """g'(z) = 1."""
    return 1.0


#: name -> (g, g') on one z, and (g, g') on a layer's z
_FUNCTIONS = {
    "sigmoid": (sigmoid, sigmoid_prime, sigmoid_each, sigmoid_grad_each),
    "tanh": (tanh, tanh_prime, tanh_each, tanh_grad_each),
    "relu": (relu, relu_prime, relu_each, relu_grad_each),
    "leaky_relu": (leaky_relu, leaky_relu_prime, leaky_relu_each, leaky_relu_grad_each),
    "linear": (linear, linear_prime, linear_each, linear_grad_each),
    "softmax": (None, None, softmax, softmax_grad_each),
}


def g_each(name):
    """g on a layer's z, for an activation name: ``g_each("tanh")(z)``."""
    return _FUNCTIONS[check_activation(name)][2]


def g_grad_each(name):
    """(grad, z, a) -> ∂E/∂z for an activation name, given grad = ∂E/∂a and a = g(z)."""
    return _FUNCTIONS[check_activation(name)][3]


def check_activation(name):
    """Return ``name`` if it is a known activation, else raise ConfigError (a ValueError)."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ConfigError("unknown activation {}; choose one of: {}".format(
            reprlib.repr(name), ", ".join(ACTIVATIONS)))
    return name


def g(name):
    """The scalar function g for an activation name (not softmax: it needs a vector)."""
    if name == "softmax":
        raise ValueError("softmax acts on a whole layer, not on one neuron's z")
    return _FUNCTIONS[check_activation(name)][0]


def g_prime(name):
    """The scalar derivative g' for an activation name."""
    if name == "softmax":
        raise ValueError("softmax acts on a whole layer, not on one neuron's z")
    return _FUNCTIONS[check_activation(name)][1]
