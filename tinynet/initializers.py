"""Initial weights: where training starts, and why it matters.

=============  =========================================  ==========================
name           w_kj drawn from                            use it for
=============  =========================================  ==========================
small          N(0, 1) × 0.01                             the lecture's default
zeros          0 (every weight the same)                  showing the symmetry trap
xavier         U(−r, r), r = √(6 / (n_in + n_out))        sigmoid, tanh, softmax
he             N(0, 1) × √(2 / n_in)                      relu, leaky_relu
=============  =========================================  ==========================

With ``zeros`` every hidden unit computes the same z, gets the same delta
and the same update, so they stay identical forever: the symmetry trap.
Biases always start at 0. Every draw comes from the ``random.Random`` the
caller passes, so one seed fixes every weight.

>>> import random
>>> W = initial_weights("small", 2, 3, random.Random(0))
>>> len(W), len(W[0]), all(abs(w) < 0.05 for row in W for w in row)
(2, 3, True)
"""

import math
import reprlib

from .errors import ConfigError

__all__ = ["INITIALIZERS", "initial_weights", "default_initializer", "check_initializer"]

INITIALIZERS = ("small", "zeros", "xavier", "he")


def default_initializer(activation):
    """He for the ReLU family, Xavier/Glorot for the rest."""
    return "he" if activation in ("relu", "leaky_relu") else "xavier"


def initial_weights(name, n_out, n_in, rng):
    """A (n_out, n_in) list of rows: W[l] = (n[l], n[l−1]) as in the lecture."""
    if name == "small":
        return [[rng.gauss(0.0, 1.0) * 0.01 for _ in range(n_in)] for _ in range(n_out)]
    if name == "zeros":
        return [[0.0] * n_in for _ in range(n_out)]
    if name == "xavier":
        r = math.sqrt(6.0 / (n_in + n_out))
        return [[rng.uniform(-r, r) for _ in range(n_in)] for _ in range(n_out)]
    if name == "he":
        s = math.sqrt(2.0 / n_in)
        return [[rng.gauss(0.0, 1.0) * s for _ in range(n_in)] for _ in range(n_out)]
    raise ConfigError("unknown initializer {}; choose one of: {}".format(
        reprlib.repr(name), ", ".join(INITIALIZERS)))


def check_initializer(name):
    """Return ``name`` if it is a known initializer, else raise ConfigError."""
    if not isinstance(name, str) or name not in INITIALIZERS:
        raise ConfigError("unknown initializer {}; choose one of: {}".format(
            reprlib.repr(name), ", ".join(INITIALIZERS)))
    return name
