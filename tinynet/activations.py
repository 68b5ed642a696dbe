"""Activation functions g(z) and their derivatives g'(z), as on the slides.

These scalar formulas are the one definition of each activation: a single
``Neuron`` applies them to its z, and the pure-Python backend applies them
entry by entry to a whole layer's Z (so a neuron and the same unit of a Dense
layer give the same number, to the bit). Other backends know an activation
by its *name* and turn it into a kernel; the conformance suite holds them to
these numbers.

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
    "ACTIVATIONS", "check_activation", "g", "g_prime",
    "sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "relu", "relu_prime",
    "leaky_relu", "leaky_relu_prime", "linear", "linear_prime", "softmax", "softmax_grad",
]

_exp = math.exp


def sigmoid(z):
    """g(z) = 1 / (1 + e^(−z)), to full precision for every z.

    Below z = −709, e^(−z) overflows a float; there 1 + e^(−z) equals
    e^(−z) to double precision, so g(z) = e^z.

    >>> sigmoid(-40.0)
    4.248354255291589e-18
    >>> sigmoid(-1000.0), sigmoid(1000.0)
    (0.0, 1.0)
    """
    if z < -709.0:
        return _exp(z)
    return 1.0 / (1.0 + _exp(-z))


def sigmoid_prime(z, a=None):
    """g'(z) = g(z)·(1 − g(z)); ``a`` is g(z), if already known."""
    if a is None:
        a = sigmoid(z)
    return a * (1.0 - a)


def tanh(z):
    """g(z) = (e^z − e^(−z)) / (e^z + e^(−z))."""
    return math.tanh(z)


def tanh_prime(z, a=None):
    """g'(z) = 1 − tanh(z)²; ``a`` is tanh(z), if already known."""
    if a is None:
        a = math.tanh(z)
    return 1.0 - a * a


def relu(z):
    """g(z) = max(0, z)."""
    return z if z > 0.0 else 0.0


def relu_prime(z, a=None):
    """g'(z) = 1 for z > 0, else 0 (we take 0 at z = 0)."""
    return 1.0 if z > 0.0 else 0.0


def leaky_relu(z, alpha=0.01):
    """g(z) = z for z > 0, else α·z."""
    return z if z > 0.0 else alpha * z


def leaky_relu_prime(z, alpha=0.01):
    """g'(z) = 1 for z > 0, else α."""
    return 1.0 if z > 0.0 else alpha


def linear(z):
    """g(z) = z (the identity: regression outputs)."""
    return z


def linear_prime(z, a=None):
    """g'(z) = 1."""
    return 1.0


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


_SCALAR = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
    "linear": (linear, linear_prime),
}


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
    return _SCALAR[check_activation(name)][0]


def g_prime(name):
    """The scalar derivative g' for an activation name."""
    if name == "softmax":
        raise ValueError("softmax acts on a whole layer, not on one neuron's z")
    return _SCALAR[check_activation(name)][1]
