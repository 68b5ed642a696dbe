"""Small synthetic data sets, made on the spot from a seed.

function                             what it makes
-----------------------------------  ---------------------------------------
``xor()``                            the 4 corners of the unit square
``two_spirals(n, noise, seed)``      two interleaved spirals (2 classes)
``two_moons(n, noise, seed)``        two interlocking half circles
``circles(n, noise, factor, seed)``  a small circle inside a large one
``sine(n, seed, ...)``               y = sin(x), 1-D regression
``steps(n, seed, ...)``              a staircase, 1-D regression
``bumps(n, seed, ...)``              a sum of Gaussian bumps, 1-D regression

Every function returns a pair ``(X, y)``: ``X`` is a list of rows (lists of
floats), ``y`` a list of int labels (classification) or floats (regression).
Each uses its own ``random.Random(seed)``, never the global generator, so the
same seed always gives the same data on every machine:

>>> X, y = xor()
>>> X
[[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
>>> y
[0, 1, 1, 0]
>>> two_moons(10, seed=1) == two_moons(10, seed=1)
True
"""

import math
import random

__all__ = ["xor", "two_spirals", "two_moons", "circles", "sine", "steps",
           "bumps"]


def _check(n, noise):
    """Raise ``ValueError`` unless ``n`` is a positive int and noise >= 0."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError("n must be a positive integer, got %r" % (n,))
    if noise < 0:
        raise ValueError("noise must be >= 0, got %r" % (noise,))


# === Classification in 2-D ===

def xor():
    """The XOR problem: 4 points, label 1 where exactly one input is 1.

    No single straight line separates the classes, so a network needs a
    hidden layer to learn it.
    """
    X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    y = [0, 1, 1, 0]
    return X, y


def two_spirals(n=200, noise=0.0, seed=0):
    """Two spirals wound into each other, 1.5 turns each (Lang & Witbrock 1988).

    Point ``i`` belongs to class ``i % 2``. Class 0 lies at angle ``t`` and
    radius ``t / (3.5 pi)``; class 1 is the same spiral turned by 180 degrees.
    Gaussian noise with standard deviation ``noise`` is added to x and y.
    """
    _check(n, noise)
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = math.pi * (0.5 + 3.0 * rng.random())     # angle in [0.5pi, 3.5pi)
        r = t / (3.5 * math.pi)                     # radius grows to 1
        sign = 1.0 if i % 2 == 0 else -1.0
        X.append([sign * r * math.cos(t) + rng.gauss(0.0, noise),
                  sign * r * math.sin(t) + rng.gauss(0.0, noise)])
        y.append(i % 2)
    return X, y


def two_moons(n=200, noise=0.1, seed=0):
    """Two interlocking half circles of radius 1, ``i % 2`` gives the class.

    Class 0 is the upper arc ``(cos t, sin t)``; class 1 the lower arc
    ``(1 - cos t, 0.5 - sin t)``, for ``t`` in [0, pi].
    """
    _check(n, noise)
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2 == 0:
            x0, x1 = math.cos(t), math.sin(t)
        else:
            x0, x1 = 1.0 - math.cos(t), 0.5 - math.sin(t)
        X.append([x0 + rng.gauss(0.0, noise), x1 + rng.gauss(0.0, noise)])
        y.append(i % 2)
    return X, y


def circles(n=200, noise=0.05, factor=0.5, seed=0):
    """A circle of radius ``factor`` (class 1) inside one of radius 1 (class 0).

    ``factor`` must lie strictly between 0 and 1.
    """
    _check(n, noise)
    if not 0.0 < factor < 1.0:
        raise ValueError("factor must be between 0 and 1, got %r" % (factor,))
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = 2.0 * math.pi * rng.random()
        r = 1.0 if i % 2 == 0 else factor
        X.append([r * math.cos(t) + rng.gauss(0.0, noise),
                  r * math.sin(t) + rng.gauss(0.0, noise)])
        y.append(i % 2)
    return X, y


# === Regression in 1-D ===

def _curve(f, n, seed, noise, low, high):
    """Sample ``n`` sorted x in [low, high] and return ``([[x]...], [f(x)...])``."""
    _check(n, noise)
    if not low < high:
        raise ValueError("need low < high, got %r and %r" % (low, high))
    rng = random.Random(seed)
    xs = sorted(rng.uniform(low, high) for _ in range(n))
    X = [[x] for x in xs]
    y = [f(x) + rng.gauss(0.0, noise) for x in xs]
    return X, y


def sine(n=100, seed=0, noise=0.0, low=-math.pi, high=math.pi, frequency=1.0):
    """``y = sin(frequency * x)`` at ``n`` random x in [low, high], sorted.

    >>> X, y = sine(3, seed=0)
    >>> [round(x, 3) for [x] in X]
    [-0.499, 1.621, 2.164]
    """
    def f(x):
        return math.sin(frequency * x)
    return _curve(f, n, seed, noise, low, high)


def steps(n=100, seed=0, noise=0.0, low=-1.0, high=1.0, n_steps=4):
    """A staircase: [low, high] cut into ``n_steps`` equal parts, y = 0, 1, ...

    Step functions are what a sigmoid neuron with a large weight turns into,
    so they show how hidden units add up to a target function.
    """
    if n_steps < 1:
        raise ValueError("n_steps must be >= 1, got %r" % (n_steps,))

    def f(x):
        k = int((x - low) / (high - low) * n_steps)
        return float(min(k, n_steps - 1))
    return _curve(f, n, seed, noise, low, high)


def bumps(n=100, seed=0, noise=0.0, low=0.0, high=1.0,
          centers=(0.2, 0.5, 0.8), heights=(1.0, -0.6, 0.8), width=0.06):
    """A sum of Gaussian bumps: ``y = sum_k h_k exp(-(x - c_k)^2 / (2 w^2))``.

    A one-hidden-layer network approximates it with one "bump" (a pair of
    hidden units) per peak: the universal approximation picture.
    """
    if len(centers) != len(heights):
        raise ValueError("centers and heights must have the same length")
    if width <= 0:
        raise ValueError("width must be > 0, got %r" % (width,))

    def f(x):
        return sum(h * math.exp(-(x - c) ** 2 / (2.0 * width ** 2))
                   for c, h in zip(centers, heights))
    return _curve(f, n, seed, noise, low, high)
