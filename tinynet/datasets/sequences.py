"""Sequence tasks made from a seed: what a recurrent network must remember.

===========================================  ===============================================
``binary_addition(n, bits, seed)``           two numbers as bit streams (least significant
                                             bit first) → their sum, bit by bit: the carry
                                             must be remembered from one step to the next
``parity(n, length, seed)``                  a bit stream → at each step the parity (XOR) of
                                             every bit so far
``delayed_echo(n, length, delay, seed)``     a bit stream → at step t the bit of step t − delay
===========================================  ===============================================

Each returns (X, y): X a list of n sequences, each a list of time steps
(a step a list of input numbers), y a list of n sequences of per-step targets
(0 or 1, for a sigmoid output and the logistic loss).

>>> X, y = binary_addition(1, 4, seed=3)
>>> a = sum(step[0] * 2 ** k for k, step in enumerate(X[0]))
>>> b = sum(step[1] * 2 ** k for k, step in enumerate(X[0]))
>>> sum(bit * 2 ** k for k, bit in enumerate(y[0])) == a + b
True
>>> parity(1, 4, seed=0)[1][0] == [int(sum(s[0] for s in parity(1, 4, seed=0)[0][0][:k + 1]) % 2)
...                                for k in range(4)]
True
"""

import random

from ..errors import DataError

__all__ = ["binary_addition", "parity", "delayed_echo", "bits_to_int"]


def _check(n, length, what="length"):
    for name, value in (("n", n), (what, length)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise DataError("{} must be a positive whole number, got {!r}".format(name, value))


def bits_to_int(bits):
    """The number whose bits (least significant first) are ``bits``."""
    return sum(int(b) << k for k, b in enumerate(bits))


def binary_addition(n, bits=8, seed=0):
    """n additions a + b of numbers below 2^(bits−1), so that the sum fits in ``bits`` bits.

    Step k of a sequence is [a_k, b_k], bit k of a and of b (least
    significant first, the order a carry travels); its target is bit k of
    a + b.
    """
    _check(n, bits, "bits")
    rng = random.Random("{}-binary-addition-{}".format(seed, bits))
    X, y = [], []
    top = 2 ** (bits - 1)
    for _ in range(n):
        a, b = rng.randrange(top), rng.randrange(top)
        total = a + b
        X.append([[float((a >> k) & 1), float((b >> k) & 1)] for k in range(bits)])
        y.append([(total >> k) & 1 for k in range(bits)])
    return X, y


def parity(n, length=8, seed=0):
    """n random bit streams; the target at step t is x_1 XOR … XOR x_t."""
    _check(n, length)
    rng = random.Random("{}-parity".format(seed))
    X, y = [], []
    for _ in range(n):
        stream = [rng.randrange(2) for _ in range(length)]
        running, targets = 0, []
        for bit in stream:
            running ^= bit
            targets.append(running)
        X.append([[float(bit)] for bit in stream])
        y.append(targets)
    return X, y


def delayed_echo(n, length=20, delay=5, seed=0):
    """n random bit streams; the target at step t is x_{t−delay} (0 for the first ``delay`` steps)."""
    _check(n, length)
    if not isinstance(delay, int) or delay < 0:
        raise DataError("delay must be a whole number of at least 0, got {!r}".format(delay))
    rng = random.Random("{}-echo".format(seed))
    X, y = [], []
    for _ in range(n):
        stream = [rng.randrange(2) for _ in range(length)]
        X.append([[float(bit)] for bit in stream])
        y.append([stream[t - delay] if t >= delay else 0 for t in range(length)])
    return X, y
