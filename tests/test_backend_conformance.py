"""The backend contract: every backend must pass this suite.

Each operation is compared with a naive reference written here (plain loops,
independent of tinynet), on random inputs and on edge shapes, within the
tolerance the backend states (``backend.tolerance``: float64 ~1e-12 for the
Python backend, float32 ~1e-5 relative for OpenCL). ``test_minimal_backend``
runs every test here again on a backend that has only the primitives.
"""

import inspect
import math

import pytest

from helpers import assert_close, naive_matmul, random_matrix, transpose
from tinynet.backend import ACTIVATIONS
from tinynet.python_backend import counter_uniform

SHAPES = [(1, 1), (1, 5), (5, 1), (3, 4), (7, 13), (33, 17)]


def close(backend, actual, expected, loosen=1.0):
    rel, abs_ = backend.tolerance
    assert_close(actual, expected, rel * loosen, abs_ * loosen)


def roundtrip(backend, rows):
    return backend.to_list(backend.array(rows))


# === Edges ==================================================================

@pytest.mark.parametrize("shape", SHAPES)
def test_array_roundtrip_and_shape(backend, shape):
    A = random_matrix(*shape, seed=1)
    M = backend.array(A)
    assert backend.shape(M) == shape
    close(backend, backend.to_list(M), A)


def test_array_accepts_ints_and_returns_floats(backend):
    out = roundtrip(backend, [[1, 2], [3, 4]])
    assert out == [[1.0, 2.0], [3.0, 4.0]]
    assert all(isinstance(x, float) for row in out for x in row)


def test_zeros_full_copy_assign(backend):
    assert backend.to_list(backend.zeros(2, 3)) == [[0.0] * 3] * 2
    assert backend.to_list(backend.full(2, 2, 1.5)) == [[1.5, 1.5], [1.5, 1.5]]
    M = backend.array([[1.0, 2.0]])
    C = backend.copy(M)
    backend.sgd_step(M, backend.array([[1.0, 1.0]]), 1.0)     # change M in place
    assert backend.to_list(C) == [[1.0, 2.0]]                  # the copy is independent
    backend.assign(M, C)
    assert backend.to_list(M) == [[1.0, 2.0]]


def test_mirror_changes_nothing_on_a_working_backend(backend):
    """mirror keeps host copies for a device that fails later; while it works, reads are live."""
    M = backend.array([[1.0, 2.0]])
    backend.mirror([M])
    backend.sgd_step(M, backend.array([[1.0, 1.0]]), 1.0)
    assert backend.to_list(M) == [[0.0, 1.0]]


def test_take_rows(backend):
    M = backend.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    assert backend.to_list(backend.take_rows(M, [2, 0, 2])) == [[4.0, 5.0], [0.0, 1.0], [4.0, 5.0]]


def test_take_rows_pair(backend):
    """The same rows of samples and targets, whatever their widths (a vector and a bit)."""
    X = [[float(10 * i + j) for j in range(19)] for i in range(5)]
    T = [[float(-i), float(i), 0.5] for i in range(5)]
    Xd, Td = backend.array(X), backend.array(T)
    indices = [3, 0, 3, -1, 1]
    BX, BT = backend.take_rows_pair(Xd, Td, indices)
    assert backend.to_list(BX) == [X[i] for i in indices]
    assert backend.to_list(BT) == [T[i] for i in indices]
    assert backend.to_list(backend.take_rows_pair(Xd, Td, [])[1]) == []
    with pytest.raises(IndexError):
        backend.take_rows_pair(Xd, Td, [5])
    with pytest.raises(IndexError):
        backend.take_rows_pair(Xd, Td, [2 ** 40])
    with pytest.raises(TypeError):                 # a row number, not a fraction of one
        backend.take_rows_pair(Xd, Td, [1.5])
    BX, _ = backend.take_rows_pair(Xd, Td, range(-2, 0))     # any iterable of whole numbers
    assert backend.to_list(BX) == [X[3], X[4]]


# === Products ===============================================================

# (64, 9, 8), (70, 12, 3), (64, 13, 3): many short rows, as a convolution's windows (python:
# by columns up to 12 entries a row), and just past that
@pytest.mark.parametrize("m,k,n", [(1, 1, 1), (1, 7, 3), (4, 1, 5), (5, 6, 1), (9, 17, 13), (32, 64, 10),
                                   (64, 9, 8), (70, 12, 3), (64, 13, 3)])
def test_matmul_shapes(backend, m, k, n):
    A = random_matrix(m, k, seed=2)
    B = random_matrix(k, n, seed=3)
    expected = naive_matmul(A, B)
    close(backend, backend.to_list(backend.matmul(backend.array(A), backend.array(B))), expected, k)
    # A·Bᵀ with B given as (n, k)
    got = backend.matmul_nt(backend.array(A), backend.array(transpose(B)))
    close(backend, backend.to_list(got), expected, k)
    # Aᵀ·B with A given as (k, m)
    got = backend.matmul_tn(backend.array(transpose(A)), backend.array(B))
    close(backend, backend.to_list(got), expected, k)


def test_matmul_tn_of_a_single_row(backend):
    d = [[1.0, -2.0]]
    a = [[3.0, 4.0, 5.0]]
    got = backend.to_list(backend.matmul_tn(backend.array(d), backend.array(a)))
    assert got == [[3.0, 4.0, 5.0], [-6.0, -8.0, -10.0]]      # the outer product


@pytest.mark.parametrize("n", [16, 100, 129])
def test_matmul_square_larger(backend, n):
    A = random_matrix(n, n, seed=n)
    B = random_matrix(n, n, seed=n + 1)
    close(backend, backend.to_list(backend.matmul(backend.array(A), backend.array(B))),
          naive_matmul(A, B), n)


def test_matmul_zeros(backend):
    Z = backend.zeros(3, 4)
    assert backend.to_list(backend.matmul_nt(Z, backend.zeros(2, 4))) == [[0.0] * 2] * 3


# === Elementwise ============================================================

@pytest.mark.parametrize("shape", SHAPES)
def test_elementwise(backend, shape):
    A = random_matrix(*shape, seed=4)
    B = random_matrix(*shape, seed=5)
    a, b = backend.array(A), backend.array(B)
    r, c = shape
    close(backend, backend.to_list(backend.add(a, b)), [[A[i][j] + B[i][j] for j in range(c)] for i in range(r)])
    close(backend, backend.to_list(backend.sub(a, b)), [[A[i][j] - B[i][j] for j in range(c)] for i in range(r)])
    close(backend, backend.to_list(backend.mul(a, b)), [[A[i][j] * B[i][j] for j in range(c)] for i in range(r)])
    close(backend, backend.to_list(backend.scale(a, -2.5)), [[-2.5 * A[i][j] for j in range(c)] for i in range(r)])
    assert backend.to_list(backend.less(a, b)) == [[1.0 if A[i][j] < B[i][j] else 0.0 for j in range(c)] for i in range(r)]
    row = random_matrix(1, c, seed=6)
    close(backend, backend.to_list(backend.add_row(a, backend.array(row))),
          [[A[i][j] + row[0][j] for j in range(c)] for i in range(r)])
    close(backend, backend.to_list(backend.sum_rows(a)),
          [[sum(A[i][j] for i in range(r)) for j in range(c)]], r)


def _g(name, z, alpha=0.01):
    return {
        "linear": lambda: z,
        "sigmoid": lambda: 1.0 / (1.0 + math.exp(-z)),
        "tanh": lambda: math.tanh(z),
        "relu": lambda: max(0.0, z),
        "leaky_relu": lambda: z if z > 0 else alpha * z,
    }[name]()


def _g_prime(name, z, alpha=0.01):
    return {
        "linear": lambda: 1.0,
        "sigmoid": lambda: _g("sigmoid", z) * (1 - _g("sigmoid", z)),
        "tanh": lambda: 1 - math.tanh(z) ** 2,
        "relu": lambda: 1.0 if z > 0 else 0.0,
        "leaky_relu": lambda: 1.0 if z > 0 else alpha,
    }[name]()


def _softmax(row):
    m = max(row)
    e = [math.exp(z - m) for z in row]
    return [x / sum(e) for x in e]


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("shape", [(1, 1), (3, 4), (8, 10)])
def test_activation_and_grad(backend, name, shape):
    Z = random_matrix(*shape, seed=7, low=-3, high=3)
    G = random_matrix(*shape, seed=8)
    if name == "softmax":
        A_ref = [_softmax(row) for row in Z]
        grad_ref = [[a_i * (g_i - sum(g * a for g, a in zip(g_row, a_row)))
                     for g_i, a_i in zip(g_row, a_row)] for g_row, a_row in zip(G, A_ref)]
    else:
        A_ref = [[_g(name, z) for z in row] for row in Z]
        grad_ref = [[g * _g_prime(name, z) for z, g in zip(zr, gr)] for zr, gr in zip(Z, G)]
    z = backend.array(Z)
    a = backend.activation(name, z)
    close(backend, backend.to_list(a), A_ref, 10)
    close(backend, backend.to_list(backend.activation_grad(name, z, a, backend.array(G))), grad_ref, 10)


def test_leaky_relu_alpha(backend):
    z = backend.array([[-2.0, 3.0]])
    a = backend.activation("leaky_relu", z, 0.1)
    close(backend, backend.to_list(a), [[-0.2, 3.0]])
    close(backend, backend.to_list(backend.activation_grad("leaky_relu", z, a, backend.array([[1.0, 1.0]]), 0.1)),
          [[0.1, 1.0]])


def test_activations_extreme_values_do_not_overflow(backend):
    z = backend.array([[-1000.0, 1000.0, 0.0]])
    close(backend, backend.to_list(backend.activation("sigmoid", z)), [[0.0, 1.0, 0.5]])
    close(backend, backend.to_list(backend.activation("softmax", z)), [[0.0, 1.0, 0.0]])


def test_unknown_activation_is_an_error(backend):
    with pytest.raises(ValueError):
        backend.activation("swish", backend.array([[1.0]]))


# === Losses and counts ======================================================

def test_squared_error(backend):
    A, T = random_matrix(4, 3, seed=9), random_matrix(4, 3, seed=10)
    acc = backend.accumulator()
    grad = backend.squared_error(backend.array(A), backend.array(T), acc, 0.5)
    close(backend, backend.read(acc), 0.5 * sum((a - t) ** 2 for ar, tr in zip(A, T) for a, t in zip(ar, tr)), 10)
    close(backend, backend.to_list(grad), [[a - t for a, t in zip(ar, tr)] for ar, tr in zip(A, T)])
    grad = backend.squared_error(backend.array(A), backend.array(T), acc, 1.0 / 3)   # accumulates
    close(backend, backend.to_list(grad), [[2 / 3 * (a - t) for a, t in zip(ar, tr)] for ar, tr in zip(A, T)])


def test_softmax_cross_entropy_stable_for_large_logits(backend):
    Z = [[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]]
    T = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    z = backend.array(Z)
    a = backend.activation("softmax", z)
    acc = backend.accumulator()
    delta = backend.softmax_cross_entropy(z, a, backend.array(T), acc)
    expected = 1000.0 + (math.log(sum(math.exp(v) for v in Z[1])) - 3.0)
    close(backend, backend.read(acc), expected, 10)
    A = [_softmax(row) for row in Z]
    close(backend, backend.to_list(delta), [[x - t for x, t in zip(ar, tr)] for ar, tr in zip(A, T)])


def test_logistic_loss(backend):
    Z = [[0.5], [-2.0], [40.0]]
    T = [[1.0], [0.0], [0.0]]
    z = backend.array(Z)
    a = backend.activation("sigmoid", z)
    acc = backend.accumulator()
    delta = backend.logistic_loss(z, a, backend.array(T), acc)
    s = lambda v: 1 / (1 + math.exp(-v))
    expected = -math.log(s(0.5)) - math.log(1 - s(-2.0)) + 40.0 + math.log1p(math.exp(-40.0))
    close(backend, backend.read(acc), expected, 10)
    close(backend, backend.to_list(delta), [[s(0.5) - 1], [s(-2.0)], [s(40.0)]])


@pytest.mark.parametrize("loss", ["softmax_cross_entropy", "logistic_loss"])
def test_shortcut_losses_count_like_count_correct(backend, loss):
    """Given a `correct` accumulator, the loss also counts the rows right."""
    rows = [[0.3, -1.0, 2.0], [1.5, 0.2, 0.1], [0.0, 0.4, -0.3], [2.0, 2.0, 0.0]]
    T = backend.array([[0, 0, 1], [0, 1, 0], [0, 1, 0], [0, 1, 0]])
    Z = backend.array(rows)
    A = backend.activation("softmax" if loss == "softmax_cross_entropy" else "sigmoid", Z)
    plain, counted, correct, expected = (backend.accumulator() for _ in range(4))
    delta_plain = getattr(backend, loss)(Z, A, T, plain)
    delta = getattr(backend, loss)(Z, A, T, counted, correct)
    backend.count_correct(A, T, expected)
    assert backend.read(correct) == backend.read(expected) == 2     # row 3 ties: first wins
    assert backend.read(counted) == backend.read(plain)
    assert backend.to_list(delta) == backend.to_list(delta_plain)
    one = backend.array([[0.9], [-0.2], [0.6]])                     # one column: side of 0.5
    if loss == "logistic_loss":
        correct = backend.accumulator()
        backend.logistic_loss(one, backend.activation("sigmoid", one), backend.array([[1], [1], [0]]),
                              backend.accumulator(), correct)
        assert backend.read(correct) == 1


def test_count_correct_and_argmax(backend):
    A = backend.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.0, 0.1, 0.9]])
    T = backend.array([[0, 1, 0], [0, 1, 0], [0, 0, 1]])
    acc = backend.accumulator()
    backend.count_correct(A, T, acc)
    assert backend.read(acc) == 2
    assert backend.argmax_rows(A) == [1, 0, 2]
    acc = backend.accumulator()
    backend.count_correct(backend.array([[0.9], [0.2], [0.6]]), backend.array([[1], [1], [0]]), acc)
    assert backend.read(acc) == 1


# === Optimiser steps ========================================================

def test_sgd_step_with_penalties(backend):
    P = backend.array([[1.0, -2.0, 0.0]])
    G = backend.array([[0.5, 0.5, 0.5]])
    backend.sgd_step(P, G, 0.1)
    close(backend, backend.to_list(P), [[0.95, -2.05, -0.05]])
    P = backend.array([[1.0, -2.0, 0.0]])
    backend.sgd_step(P, G, 0.1, l2=0.1, l1=0.01)
    close(backend, backend.to_list(P), [[1 - 0.1 * (0.5 + 0.1 + 0.01), -2 - 0.1 * (0.5 - 0.2 - 0.01), -0.05]])


def test_momentum_step(backend):
    P, V = backend.array([[1.0, 2.0]]), backend.zeros(1, 2)
    G = backend.array([[1.0, -1.0]])
    backend.momentum_step(P, V, G, 0.1, 0.9)
    backend.momentum_step(P, V, G, 0.1, 0.9)
    # v1 = −0.1·g, v2 = 0.9·v1 − 0.1·g = −0.19·g
    close(backend, backend.to_list(V), [[-0.19, 0.19]])
    close(backend, backend.to_list(P), [[1 - 0.29, 2 + 0.29]])


def test_adam_step(backend):
    P, M, V = backend.array([[1.0, -1.0]]), backend.zeros(1, 2), backend.zeros(1, 2)
    p, m, v = [1.0, -1.0], [0.0, 0.0], [0.0, 0.0]
    for t in (1, 2, 3):
        g = [0.3 * t, -0.2]
        backend.adam_step(P, M, V, backend.array([g]), 0.01, 0.9, 0.999, 1e-8, t, l2=0.01)
        g = [gi + 0.01 * pi for gi, pi in zip(g, p)]
        m = [0.9 * mi + 0.1 * gi for mi, gi in zip(m, g)]
        v = [0.999 * vi + 0.001 * gi * gi for vi, gi in zip(v, g)]
        p = [pi - 0.01 * (mi / (1 - 0.9 ** t)) / (math.sqrt(vi / (1 - 0.999 ** t)) + 1e-8)
             for pi, mi, vi in zip(p, m, v)]
    close(backend, backend.to_list(P), [p], 10)
    close(backend, backend.to_list(M), [m], 10)


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
def test_fused_optimiser_steps_equal_one_step_per_parameter(backend, kind):
    shapes = [(3, 4), (1, 4), (5, 2), (1, 2), (17, 33)]      # more than four: several groups
    penalties = [(0.1, 0.01), (0.0, 0.0), (0.2, 0.0), (0.0, 0.0), (0.0, 0.05)]
    P_ref = [random_matrix(r, c, seed=20 + i) for i, (r, c) in enumerate(shapes)]
    G_ref = [random_matrix(r, c, seed=40 + i) for i, (r, c) in enumerate(shapes)]
    fused = [backend.array(P) for P in P_ref]
    single = [backend.array(P) for P in P_ref]
    G = [backend.array(g) for g in G_ref]
    state = {name: [[backend.zeros(r, c) for r, c in shapes] for _ in range(2)] for name in ("fused", "single")}
    for t in (1, 2):
        if kind == "sgd":
            backend.sgd_steps([(P, g, l2, l1) for P, g, (l2, l1) in zip(fused, G, penalties)], 0.1)
            for P, g, (l2, l1) in zip(single, G, penalties):
                backend.sgd_step(P, g, 0.1, l2, l1)
        elif kind == "momentum":
            V = state["fused"][0]
            backend.momentum_steps([(P, v, g, l2, l1) for P, v, g, (l2, l1) in zip(fused, V, G, penalties)],
                                   0.1, 0.9)
            for P, v, g, (l2, l1) in zip(single, state["single"][0], G, penalties):
                backend.momentum_step(P, v, g, 0.1, 0.9, l2, l1)
        else:
            M, V = state["fused"]
            backend.adam_steps([(P, m, v, g, l2, l1) for P, m, v, g, (l2, l1) in zip(fused, M, V, G, penalties)],
                               0.01, 0.9, 0.999, 1e-8, t)
            for P, m, v, g, (l2, l1) in zip(single, *state["single"], G, penalties):
                backend.adam_step(P, m, v, g, 0.01, 0.9, 0.999, 1e-8, t, l2, l1)
    for P, Q in zip(fused, single):
        close(backend, backend.to_list(P), backend.to_list(Q))
    for X, Y in zip(state["fused"], state["single"]):
        for A, B in zip(X, Y):
            close(backend, backend.to_list(A), backend.to_list(B))


# === Randomness =============================================================

def test_uniform_is_the_counter_generator(backend):
    U = backend.to_list(backend.uniform(3, 5, seed=42, counter=7))
    assert U == [[counter_uniform(42, 7, i * 5 + j) for j in range(5)] for i in range(3)]
    assert all(0.0 <= u < 1.0 for row in U for u in row)
    assert U != backend.to_list(backend.uniform(3, 5, seed=42, counter=8))


def test_uniform_is_roughly_uniform(backend):
    U = [u for row in backend.to_list(backend.uniform(100, 100, 3, 0)) for u in row]
    assert abs(sum(U) / len(U) - 0.5) < 0.01
    assert abs(sum(u < 0.25 for u in U) / len(U) - 0.25) < 0.02


def test_dropout_mask_and_bernoulli(backend):
    mask = backend.to_list(backend.dropout_mask(50, 40, 0.25, seed=1, counter=0))
    values = {x for row in mask for x in row}
    assert len(values) <= 2 and 0.0 in values     # 1/(1−p) is rounded in float32
    close(backend, max(values), 1.0 / 0.75)
    kept = sum(x > 0 for row in mask for x in row) / 2000
    assert abs(kept - 0.75) < 0.04
    P = backend.full(40, 50, 0.3)
    S = backend.to_list(backend.bernoulli(P, seed=2, counter=5))
    assert {x for row in S for x in row} <= {0.0, 1.0}
    assert abs(sum(map(sum, S)) / 2000 - 0.3) < 0.04


# === Fusions (defined in Backend from the primitives) =======================

# 70 short rows: the python backend goes by columns; 600 rows: a convolution's windows
# (batch x positions), into a part or whole vectors of outputs on a device
@pytest.mark.parametrize("m, n_out", [(6, 4), (70, 4), (600, 4), (600, 16)])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_dense_composites(backend, name, m, n_out):
    n_in = 5
    A = random_matrix(m, n_in, seed=11)
    W = random_matrix(n_out, n_in, seed=12)
    b = random_matrix(1, n_out, seed=13)
    Z_ref = [[sum(W[k][j] * a[j] for j in range(n_in)) + b[0][k] for k in range(n_out)] for a in A]
    Z, Aout = backend.dense_forward(backend.array(A), backend.array(W), backend.array(b), name)
    close(backend, backend.to_list(Z), Z_ref, 10)
    close(backend, backend.to_list(Aout), backend.to_list(backend.activation(name, backend.array(Z_ref))), 10)
    delta = random_matrix(m, n_out, seed=14)
    dW, db = backend.dense_grads(backend.array(delta), backend.array(A))
    close(backend, backend.to_list(dW),
          [[sum(delta[s][k] * A[s][j] for s in range(m)) / m for j in range(n_in)] for k in range(n_out)], 10)
    close(backend, backend.to_list(db), [[sum(delta[s][k] for s in range(m)) / m for k in range(n_out)]], 10)
    # hidden delta: delta_j = g'(z_j) · Σ_k delta_k · w_kj, with this layer as the "previous" one
    Zp = random_matrix(m, n_out, seed=15)
    zp = backend.array(Zp)
    ap = backend.activation(name, zp)
    W2 = random_matrix(3, n_out, seed=16)
    d2 = random_matrix(m, 3, seed=17)
    got = backend.backprop_delta(backend.array(d2), backend.array(W2), zp, ap, name)
    expected = backend.activation_grad(name, zp, ap, backend.array(naive_matmul(d2, W2)))
    close(backend, backend.to_list(got), backend.to_list(expected), 10)


# === Hooks: running a step many times ========================================

@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_captured_step_gives_the_numbers_of_the_step(backend, optimizer):
    """captured(step) may replay a device's kernels, never change a number."""
    from tinynet import Dense, Network
    from tinynet.optim import make_optimizer
    X = backend.array(random_matrix(40, 6, seed=21))
    T = backend.array([[float(i % 3 == k) for k in range(3)] for i in range(40)])
    results = []
    for capture in (False, True):
        net = Network([Dense(6, 5, "tanh"), Dense(5, 3, "softmax")], loss="cross_entropy",
                      seed=2, backend=backend)
        opt, loss = make_optimizer(optimizer, 0.1), backend.accumulator()
        step = backend.captured(net.train_step, opt.count_step) if capture else net.train_step
        for start in range(0, 40, 6):                   # 6 batches of 6 rows, then 4
            step(*backend.take_rows_pair(X, T, range(start, min(start + 6, 40))), opt, loss)
        results.append((net.get_weights(), backend.read(loss), opt.t))
    assert results[0] == results[1]


# === Receptive fields: gathers, their adjoints, max pooling ================
# (Conv2D and the pooling layers; the index tables come from tinynet.patches)

import random  # noqa: E402

from tinynet.patches import conv_table, pool_table  # noqa: E402

# (image shape, layout, kernel, stride, padding): overlapping windows, padding,
# strides, one channel and several, a 1x1 window, one window for the whole image
CONV_CASES = [((1, 4, 4), "chw", 3, 1, 1), ((2, 5, 3), "hwc", 2, 1, 0), ((3, 6, 6), "chw", 3, 2, 2),
              ((2, 3, 3), "hwc", 1, 1, 0), ((1, 3, 3), "chw", 3, 1, 0), ((4, 7, 5), "hwc", 3, 2, 1),
              ((1, 2, 2), "chw", 2, 2, 1)]      # windows that read every entry once, and padding


def _tables():
    for shape, layout, k, stride, pad in CONV_CASES:
        c, h, w = shape
        yield conv_table(shape, k, stride, pad, layout), c * k * k, c * h * w
    yield pool_table((3, 4, 4), 2), 4, 48
    yield pool_table((2, 5, 5), 3, 1, "chw"), 9, 50


def _gather_ref(X, table, k, n):
    rows = []
    for x in X:
        for p in range(len(table) // k):
            rows.append([x[i] if i < n else 0.0 for i in table[p * k:(p + 1) * k]])
    return rows


@pytest.mark.parametrize("case", range(len(CONV_CASES) + 2))
def test_gather_patches_and_its_adjoint(backend, case):
    table, k, n = list(_tables())[case]
    T = backend.patch_table(table, k, n)
    X = random_matrix(3, n, seed=40 + case)
    patches = backend.gather_patches(backend.array(X), T)
    assert backend.shape(patches) == (3 * len(table) // k, k)
    close(backend, backend.to_list(patches), _gather_ref(X, table, k, n))
    G = random_matrix(3 * len(table) // k, k, seed=50 + case)
    expected = [[0.0] * n for _ in range(3)]
    for s in range(3):
        for f, i in enumerate(table):
            if i < n:
                expected[s][i] += G[s * len(table) // k + f // k][f % k]
    got = backend.to_list(backend.scatter_patches(backend.array(G), T))
    close(backend, got, expected, k)
    # the adjoint: <gather(X), G> = <X, scatter(G)>
    left = sum(a * g for row_a, row_g in zip(_gather_ref(X, table, k, n), G) for a, g in zip(row_a, row_g))
    right = sum(x * v for row_x, row_v in zip(X, got) for x, v in zip(row_x, row_v))
    assert right == pytest.approx(left, rel=backend.tolerance[0] * 100 * k, abs=1e-4)


@pytest.mark.parametrize("samples,positions,k,channels", [(2, 5, 9, 3), (3, 40, 4, 2), (1, 70, 9, 8)])
def test_conv_forward_and_grads(backend, samples, positions, k, channels):
    """A convolution's product on its windows, per sample; its gradients summed over the windows.

    (1, 70, 9, 8): many short windows, which the python backend multiplies by columns.
    """
    rows = samples * positions
    patches = random_matrix(rows, k, seed=70)
    W, b = random_matrix(channels, k, seed=71), random_matrix(1, channels, seed=72)
    Z_ref = [[sum(w[j] * a[j] for j in range(k)) + b[0][c] for c, w in enumerate(W)] for a in patches]
    Z, A = backend.conv_forward(backend.array(patches), backend.array(W), backend.array(b), samples, "relu")
    per_sample = [[z for row in Z_ref[s * positions:(s + 1) * positions] for z in row] for s in range(samples)]
    close(backend, backend.to_list(Z), per_sample, k)
    close(backend, backend.to_list(A), [[max(z, 0.0) for z in row] for row in per_sample], k)
    if "alpha" not in inspect.signature(backend.matmul_tn).parameters:
        pytest.skip("conv_grads goes through matmul_tn's factor alpha, which this backend does not take")
    delta = random_matrix(samples, positions * channels, seed=73)
    D = [row[p * channels:(p + 1) * channels] for row in delta for p in range(positions)]
    dW, db = backend.conv_grads(backend.array(delta), backend.array(patches), channels)
    close(backend, backend.to_list(dW),
          [[sum(D[r][c] * patches[r][j] for r in range(rows)) / samples for j in range(k)]
           for c in range(channels)], rows)
    close(backend, backend.to_list(db), [[sum(D[r][c] for r in range(rows)) / samples for c in range(channels)]],
          rows)


def test_gather_patches_reads_a_batch_in_place(backend):
    """A batch from take_rows (which a device may leave unread) gathers like any matrix."""
    table, k, n = conv_table((1, 3, 3), 2, 1, 1), 4, 9
    T = backend.patch_table(table, k, n)
    X = random_matrix(5, n, seed=60)
    batch = backend.take_rows(backend.array(X), [4, 1])
    close(backend, backend.to_list(backend.gather_patches(batch, T)), _gather_ref([X[4], X[1]], table, k, n))


@pytest.mark.parametrize("case", range(len(CONV_CASES) + 2))
def test_max_pool_and_the_max_gate(backend, case):
    table, k, n = list(_tables())[case]
    T = backend.patch_table(table, k, n)
    rng = random.Random(case)
    X = [[float(rng.randrange(-3, 4)) for _ in range(n)] for _ in range(3)]      # ties on purpose
    A, Arg = backend.max_pool(backend.array(X), T)
    windows = _gather_ref(X, table, k, n)
    count = len(table) // k
    assert backend.to_list(A) == [[max(windows[s * count + q]) for q in range(count)] for s in range(3)]
    G = random_matrix(3, count, seed=70 + case)
    expected = [[0.0] * n for _ in range(3)]
    for s in range(3):
        for q in range(count):
            window = windows[s * count + q]
            j = window.index(max(window))                   # the first largest entry
            i = table[q * k + j]
            if i < n:
                expected[s][i] += G[s][q]
    close(backend, backend.to_list(backend.max_pool_grad(backend.array(G), Arg, T)), expected, k)


def test_reshape(backend):
    M = backend.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert backend.to_list(backend.reshape(M, 3, 2)) == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    assert backend.to_list(backend.reshape(M, 1, 6)) == [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]
    with pytest.raises(ValueError):
        backend.reshape(M, 4, 2)


# === Recurrent networks: sum_squares, stack_rows, split_rows =================

@pytest.mark.parametrize("shape", SHAPES)
def test_sum_squares_adds_the_squared_entries(backend, shape):
    A = random_matrix(*shape, seed=31)
    acc = backend.accumulator()
    backend.sum_squares(backend.array(A), acc)
    backend.sum_squares(backend.array([[2.0]]), acc)           # it adds, as the losses do
    close(backend, backend.read(acc), sum(x * x for row in A for x in row) + 4.0, 10)


@pytest.mark.parametrize("heights,cols", [([1], 3), ([1, 1, 1], 1), ([2, 3, 1], 5), ([4, 4], 17)])
def test_stack_rows_and_split_rows(backend, heights, cols):
    parts = [random_matrix(h, cols, seed=40 + k) for k, h in enumerate(heights)]
    stacked = backend.stack_rows([backend.array(P) for P in parts])
    assert backend.shape(stacked) == (sum(heights), cols)
    close(backend, backend.to_list(stacked), [row for P in parts for row in P])
    if len(set(heights)) == 1:
        pieces = backend.split_rows(stacked, len(heights))
        assert [backend.shape(M) for M in pieces] == [(heights[0], cols)] * len(heights)
        for got, want in zip(pieces, parts):
            close(backend, backend.to_list(got), want)


# === Unsupervised learning: the sparsity penalty ============================

def _naive_sparsity(A, kind, rho, beta):
    """(penalty summed like a loss, gradient) written out from the formulas."""
    m = len(A)
    if kind == "l1":
        return (beta * sum(abs(a) for row in A for a in row),
                [[beta * (1.0 if a > 0 else -1.0 if a < 0 else 0.0) for a in row] for row in A])
    means = [sum(A[i][j] for i in range(m)) / m for j in range(len(A[0]))]
    value = m * beta * sum(rho * math.log(rho / r) + (1 - rho) * math.log((1 - rho) / (1 - r))
                           for r in means)
    grad_row = [beta * (-rho / r + (1 - rho) / (1 - r)) for r in means]
    return value, [list(grad_row) for _ in range(m)]


@pytest.mark.parametrize("kind", ["kl", "l1"])
@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (5, 1), (7, 13), (33, 70)])
def test_sparsity(backend, kind, shape):
    A = random_matrix(*shape, seed=3, low=0.02 if kind == "kl" else -1.0, high=0.98)
    acc = backend.accumulator()
    backend.sparsity(backend.array([[0.0] * shape[1]] * shape[0]), "l1", 0.05, 0.0, acc)  # adds 0
    G = backend.sparsity(backend.array(A), kind, 0.05, 3.0, acc)
    value, grad = _naive_sparsity(A, kind, 0.05, 3.0)
    close(backend, backend.to_list(G), grad, loosen=10)
    close(backend, backend.read(acc), value, loosen=10 * shape[0] * shape[1])


def test_sparsity_keeps_mean_activations_off_0_and_1(backend):
    acc = backend.accumulator()
    G = backend.to_list(backend.sparsity(backend.array([[0.0, 1.0], [0.0, 1.0]]), "kl", 0.1, 1.0, acc))
    assert all(math.isfinite(g) for row in G for g in row) and math.isfinite(backend.read(acc))
    assert G[0][0] < 0 < G[0][1]                       # pushes 0 up and 1 down


def test_sparsity_unknown_kind(backend):
    with pytest.raises(ValueError):
        backend.sparsity(backend.array([[0.5]]), "l2", 0.1, 1.0, backend.accumulator())
