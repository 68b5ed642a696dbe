"""The PyPy loops (tinynet/_loops_pypy.py) compute the plain formulas, on any interpreter.

On PyPy ``PythonBackend`` takes them; here they are also run under CPython:
each one against its plain formula (the same additions in the same order,
so the same floats), then the whole backend conformance suite on a backend
made of them, and a few training steps against the plain backend.
"""

import math
import sys

import pytest

from helpers import random_matrix, transpose
from tinynet import Dense, Momentum, Network, python_backend
from tinynet._loops_pypy import PyPyLoops, dot, dots

if issubclass(python_backend.PythonBackend, PyPyLoops):          # PyPy: chosen at import
    LoopsBackend = python_backend.PythonBackend
else:
    class LoopsBackend(PyPyLoops, python_backend.PythonBackend):
        """The reference backend with the PyPy loops first, as PyPy runs it."""


def seq_sum(terms):
    """Σ terms, added left to right from 0.0: the order of every plain dot product."""
    total = 0.0
    for t in terms:
        total += t
    return total


# Sizes around the unrolling by four (1, 3, 4, 5, 8, 9) and the digits shapes.
SIZES = [(1, 1, 1), (1, 7, 3), (3, 5, 4), (4, 4, 4), (5, 9, 2), (8, 3, 11), (9, 17, 13), (32, 64, 10)]


def test_chosen_once_on_pypy_only():
    on_pypy = sys.implementation.name == "pypy"
    assert issubclass(python_backend.PythonBackend, PyPyLoops) == on_pypy
    assert (python_backend.dot is dot) == on_pypy
    assert ("PyPy" in python_backend.PythonBackend().describe()) == on_pypy


@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 9, 256])
def test_dot_and_dots_are_the_sums_in_order(n):
    u = random_matrix(1, n, seed=1)[0]
    rows = random_matrix(n % 7 + 1, n, seed=2)
    assert dot(u, rows[0]) == seq_sum(x * y for x, y in zip(u, rows[0]))
    assert dots(u, rows) == [seq_sum(x * y for x, y in zip(u, v)) for v in rows]


@pytest.mark.parametrize("m,k,n", SIZES)
def test_products_are_the_plain_sums_in_order(m, k, n):
    B = LoopsBackend()
    A = random_matrix(m, k, seed=3)
    W = random_matrix(k, n, seed=4)
    Wt = transpose(W)
    At = transpose(A)
    plain = [[seq_sum(A[i][q] * W[q][j] for q in range(k)) for j in range(n)] for i in range(m)]
    assert B.matmul(A, W) == plain                                   # C = A·B
    assert B.matmul_nt(A, Wt) == plain                               # C = A·Bᵀ
    assert B.matmul_tn(At, W) == plain                               # C = Aᵀ·B
    alpha = 1.0 / 32
    assert B.matmul_tn(At, W, alpha) == [                            # alpha·Aᵀ·B, alpha on A's side
        [seq_sum((alpha * A[i][q]) * W[q][j] for q in range(k)) for j in range(n)] for i in range(m)]


@pytest.mark.parametrize("m,k,n", SIZES)
def test_dense_forward_and_sum_rows_are_the_plain_formulas(m, k, n):
    B = LoopsBackend()
    A, W, b = random_matrix(m, k, seed=5), random_matrix(n, k, seed=6), random_matrix(1, n, seed=7)
    Z, act = B.dense_forward(A, W, b, "tanh")
    assert Z == [[seq_sum(x * w for x, w in zip(a, w_row)) + b[0][j] for j, w_row in enumerate(W)]
                 for a in A]
    assert act == [[math.tanh(z) for z in row] for row in Z]
    assert B.sum_rows(A, 0.5) == [[0.5 * seq_sum(a[j] for a in A) for j in range(k)]]


def test_optimiser_steps_are_the_plain_formulas_and_replace_rows():
    B = LoopsBackend()
    P, V, G = random_matrix(5, 6, seed=8), random_matrix(5, 6, seed=9), random_matrix(5, 6, seed=10)
    P0, V0, G0 = [list(r) for r in P], [list(r) for r in V], [list(r) for r in G]
    rows = list(P)                                  # a batch may share these rows
    B.momentum_step(P, V, G, 0.1, 0.9)
    V1 = [[0.9 * v - 0.1 * g for v, g in zip(vr, gr)] for vr, gr in zip(V0, G0)]
    assert V == V1 and P == [[p + v for p, v in zip(pr, vr)] for pr, vr in zip(P0, V1)]
    assert rows == P0 and all(r is not p for r, p in zip(rows, P))      # replaced, not changed
    P2 = [list(r) for r in P0]
    B.sgd_step(P2, G0, 0.5)
    assert P2 == [[p - 0.5 * g for p, g in zip(pr, gr)] for pr, gr in zip(P0, G0)]
    P3, plain = [list(r) for r in P0], python_backend.PythonBackend()
    P4 = [list(r) for r in P0]
    B.sgd_step(P3, G0, 0.5, l2=0.01, l1=0.001)                  # the penalties: the shared formula
    plain.sgd_step(P4, G0, 0.5, l2=0.01, l1=0.001)
    assert P3 == P4


def test_training_gives_the_plain_backends_numbers():
    """A few momentum steps of the digits network shape: the same weights (to the bit where
    the plain backend adds in order too, i.e. without math.sumprod)."""
    X = [[float((i * 7 + j * 3) % 5 == 0) for j in range(64)] for i in range(37)]
    y = [i % 10 for i in range(37)]
    weights = []
    for backend in (LoopsBackend(), python_backend.PythonBackend()):
        net = Network([Dense(64, 16, "sigmoid"), Dense(16, 10, "softmax")], loss="cross_entropy",
                      seed=3, backend=backend)
        net.fit(X, y, epochs=2, batch_size=8, optimizer=Momentum(lr=0.1, mu=0.9), verbose=False)
        weights.append([layer.get_weights() for layer in net.layers])
    if hasattr(math, "sumprod"):                  # 3.12+: the plain backend rounds once per dot
        flat = [[x for W, b in ws for row in W + [b] for x in row] for ws in weights]
        assert all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(*flat))
    else:
        assert weights[0] == weights[1]


# === The whole conformance suite, on the PyPy loops =========================

from test_backend_conformance import *  # noqa: E402,F401,F403  (its tests, run again here)


@pytest.fixture
def backend():
    """The conformance suite's backend, here: the reference with the PyPy loops."""
    return LoopsBackend()
