"""The reference backend: every operation of the seam on plain lists of rows.

A matrix here is a list of rows, each row a list of floats: the batch
``[[x11, x12], [x21, x22]]`` holds two samples of two inputs.  This module is
the *definition* of each operation; other backends are tested against it.

It is also what a class waits on, so the inner loops use the idioms that
CPython runs fastest, without hiding the math:

* a dot product is ``math.sumprod(u, v)`` where Python has it (3.12+), else
  ``sum(map(mul, u, v), 0.0)`` -- both loop in C;
* a transpose is ``zip(*A)``, also in C;
* weight gradients are one length-m dot product per weight over the whole
  batch (``deltaᵀ·A``), and for a single sample an outer product;
* rows are never changed in place: an update builds a new row and puts it in
  the matrix, so a batch may share its rows with the data set.

>>> B = PythonBackend()
>>> B.matmul_nt([[1.0, 2.0]], [[3.0, 4.0], [5.0, 6.0]])   # a·Wᵀ
[[11.0, 17.0]]
>>> B.activation("relu", [[-1.0, 2.0]])
[[0.0, 2.0]]
"""

import math
import sys
from itertools import repeat
from operator import add, mul, sub

from .backend import Backend

__all__ = ["PythonBackend", "counter_uniform"]

_exp = math.exp
_log = math.log
_tanh = math.tanh
_log1p = math.log1p

# The dot product u·v = Σ_i u_i·v_i, and the dot products of u with every
# row v of a matrix: the inner loop of every matrix product. CPython runs
# fastest when the loop is in C (math.sumprod, or sum(map(mul, u, v)));
# PyPy's JIT runs fastest on a plain index loop.
if sys.implementation.name == "pypy":
    def _dot(u, v):
        total = 0.0
        for i in range(len(u)):
            total += u[i] * v[i]
        return total

    def _dots(u, rows):
        """[u·v for v in rows]"""
        return [_dot(u, v) for v in rows]
elif hasattr(math, "sumprod"):            # Python 3.12+
    _dot = math.sumprod

    def _dots(u, rows):
        """[u·v for v in rows]"""
        return list(map(_dot, repeat(u), rows))
else:
    # sum(…, 0.0): a float start lets sum() add the floats from the first one
    # (from the default int 0 it first adds int + float: ~240 instructions
    # a dot product, 1% of a training step, with the same result)
    def _dot(u, v):
        return sum(map(mul, u, v), 0.0)

    def _dots(u, rows):
        """[u·v for v in rows], as sum(map(mul, u, v), 0.0) for each v, all in
        map (no Python frame per dot product: about 1% of a training step)."""
        return list(map(sum, map(map, repeat(mul), repeat(u), rows), repeat(0.0)))

_MASK32 = 0xFFFFFFFF


def counter_uniform(seed, counter, index):
    """A number in [0, 1) from (seed, counter, index) alone, with no state.

    A counter-based generator: the same three integers give the same number
    on every machine and every backend (the OpenCL kernel computes exactly
    this), so dropout masks are reproducible and backends can be compared.
    The mixing is MurmurHash3's 32-bit finaliser.

    >>> counter_uniform(1, 0, 0) == counter_uniform(1, 0, 0)
    True
    >>> 0.0 <= counter_uniform(7, 3, 12) < 1.0
    True
    """
    x = ((seed & _MASK32) * 0x9E3779B1) & _MASK32
    x ^= ((counter & _MASK32) * 0x85EBCA77) & _MASK32
    x = (x + index * 0xC2B2AE3D) & _MASK32
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & _MASK32
    x ^= x >> 13
    x = (x * 0xC2B2AE35) & _MASK32
    x ^= x >> 16
    return (x >> 8) / 16777216.0          # 24 random bits: exact in float32 too


class PythonBackend(Backend):
    """Matrices as lists of rows; float64 arithmetic; no dependencies."""

    name = "python"
    tolerance = (1e-12, 1e-12)

    def describe(self):
        return "python (pure Python lists, float64{})".format(
            ", math.sumprod" if hasattr(math, "sumprod") else "")

    # === Edges ==============================================================

    def array(self, rows):
        return [[float(x) for x in row] for row in rows]

    def to_list(self, M):
        return [list(row) for row in M]

    def shape(self, M):
        return (len(M), len(M[0]) if M else 0)

    def zeros(self, rows, cols):
        return [[0.0] * cols for _ in range(rows)]

    def full(self, rows, cols, value):
        return [[float(value)] * cols for _ in range(rows)]

    def copy(self, M):
        return [list(row) for row in M]

    def assign(self, dst, src):
        dst[:] = [list(row) for row in src]

    def take_rows(self, M, indices):
        return [M[i] for i in indices]

    # === Products ===========================================================

    def matmul(self, A, B):
        """C = A·B: C[i][j] = Σ_k A[i][k]·B[k][j]."""
        columns = list(zip(*B))
        return [_dots(a, columns) for a in A]

    def matmul_nt(self, A, B):
        """C = A·Bᵀ: C[i][j] = Σ_k A[i][k]·B[j][k] (the forward pass a·Wᵀ)."""
        return [_dots(a, B) for a in A]

    def matmul_tn(self, A, B, alpha=1.0):
        """C = alpha·Aᵀ·B: C[i][j] = alpha·Σ_k A[k][i]·B[k][j] (deltaᵀ·a)."""
        if len(A) == 1:                   # one sample: an outer product
            b = B[0]
            return [[alpha * d * x for x in b] for d in A[0]]
        A_columns = zip(*A)
        if alpha != 1.0:                  # scale the (usually small) delta side first
            A_columns = [[alpha * x for x in column] for column in A_columns]
        B_columns = list(zip(*B))
        return [_dots(a, B_columns) for a in A_columns]

    # === Elementwise and reductions =========================================

    def add(self, A, B):
        return [[x + y for x, y in zip(a, b)] for a, b in zip(A, B)]

    def sub(self, A, B):
        return [[x - y for x, y in zip(a, b)] for a, b in zip(A, B)]

    def mul(self, A, B):
        return [list(map(mul, a, b)) for a, b in zip(A, B)]

    def scale(self, A, s):
        return [[s * x for x in a] for a in A]

    def less(self, A, B):
        return [[1.0 if x < y else 0.0 for x, y in zip(a, b)] for a, b in zip(A, B)]

    def add_row(self, A, b):
        b = b[0]
        return [[x + y for x, y in zip(a, b)] for a in A]

    def sum_rows(self, A, alpha=1.0):
        return [[alpha * sum(column) for column in zip(*A)]]

    def activation(self, name, Z, alpha=0.01):
        """A = g(Z), entry by entry (softmax: row by row)."""
        if name == "sigmoid":
            # 1/(1+e^(−z)) written as ½ + ½·tanh(z/2): the same number, and
            # it cannot overflow for very negative z.
            return [[0.5 + 0.5 * _tanh(0.5 * z) for z in row] for row in Z]
        if name == "tanh":
            return [[_tanh(z) for z in row] for row in Z]
        if name == "relu":
            return [[z if z > 0.0 else 0.0 for z in row] for row in Z]
        if name == "leaky_relu":
            return [[z if z > 0.0 else alpha * z for z in row] for row in Z]
        if name == "linear":
            return [list(row) for row in Z]
        if name == "softmax":
            return [_softmax_row(row) for row in Z]
        raise ValueError("unknown activation {!r}".format(name))

    def activation_grad(self, name, Z, A, G, alpha=0.01):
        """G ⊙ g'(Z), with g' written through a = g(z) where that is simpler."""
        if name == "sigmoid":             # g'(z) = a·(1 − a)
            return [[g * a * (1.0 - a) for g, a in zip(g_row, a_row)]
                    for g_row, a_row in zip(G, A)]
        if name == "tanh":                # g'(z) = 1 − a²
            return [[g * (1.0 - a * a) for g, a in zip(g_row, a_row)]
                    for g_row, a_row in zip(G, A)]
        if name == "relu":                # g'(z) = 1 if z > 0 else 0
            return [[g if z > 0.0 else 0.0 for g, z in zip(g_row, z_row)]
                    for g_row, z_row in zip(G, Z)]
        if name == "leaky_relu":          # g'(z) = 1 if z > 0 else alpha
            return [[g if z > 0.0 else alpha * g for g, z in zip(g_row, z_row)]
                    for g_row, z_row in zip(G, Z)]
        if name == "linear":              # g'(z) = 1
            return [list(row) for row in G]
        if name == "softmax":             # Jacobian-vector product: a ⊙ (g − g·a)
            result = []
            for g_row, a_row in zip(G, A):
                ga = _dot(g_row, a_row)
                result.append([a * (g - ga) for g, a in zip(g_row, a_row)])
            return result
        raise ValueError("unknown activation {!r}".format(name))

    # === Losses and counts ==================================================

    def accumulator(self):
        return [0.0]

    def read(self, acc):
        return acc[0]

    def squared_error(self, A, T, acc, scale=0.5):
        """acc += scale·Σ(a − t)²; returns dE/dA = 2·scale·(A − T)."""
        total = 0.0
        grad = []
        two_scale = 2.0 * scale
        for a_row, t_row in zip(A, T):
            diff = [a - t for a, t in zip(a_row, t_row)]
            total += _dot(diff, diff)
            grad.append([two_scale * d for d in diff])
        acc[0] += scale * total
        return grad

    def softmax_cross_entropy(self, Z, A, T, acc, correct=None):
        """acc += −Σ t·log softmax(z), via log-sum-exp; returns delta = A − T.

        Given a ``correct`` accumulator, it also counts the rows classified
        right (``count_correct``), so that a device does both in one pass.
        """
        total = 0.0
        for z_row, t_row in zip(Z, T):
            z_max = max(z_row)
            log_sum = z_max + _log(sum([_exp(z - z_max) for z in z_row]))
            total += sum([t * (log_sum - z) for z, t in zip(z_row, t_row) if t])
        acc[0] += total
        if correct is not None:
            self.count_correct(A, T, correct)
        return self.sub(A, T)

    def logistic_loss(self, Z, A, T, acc, correct=None):
        """acc += −Σ t·log σ(z) + (1−t)·log(1−σ(z)); returns delta = A − T.

        Computed as max(z, 0) − z·t + log(1 + e^(−|z|)), which never takes
        the log of 0. A ``correct`` accumulator counts the rows right, as above.
        """
        total = 0.0
        for z_row, t_row in zip(Z, T):
            for z, t in zip(z_row, t_row):
                total += (z if z > 0.0 else 0.0) - z * t + _log1p(_exp(-abs(z)))
        acc[0] += total
        if correct is not None:
            self.count_correct(A, T, correct)
        return self.sub(A, T)

    def count_correct(self, A, T, acc):
        """acc += rows whose largest output is at the target's largest.

        With a single output column a row counts when a and t fall on the
        same side of 0.5 (binary classification).
        """
        if A and len(A[0]) == 1:
            acc[0] += sum(1 for a, t in zip(A, T) if (a[0] > 0.5) == (t[0] > 0.5))
        else:
            acc[0] += sum(1 for a, t in zip(A, T) if _argmax(a) == _argmax(t))

    def argmax_rows(self, A):
        return [_argmax(row) for row in A]

    # === Optimiser steps, in place ==========================================

    def sgd_step(self, P, G, lr, l2=0.0, l1=0.0):
        """P ← P − lr·(G + l2·P + l1·sign(P))."""
        if l2 or l1:
            G = _penalised(P, G, l2, l1)
        for i, (p_row, g_row) in enumerate(zip(P, G)):
            # p − lr·g for each entry, as two passes of map (which loop in C)
            P[i] = list(map(sub, p_row, map(mul, repeat(lr), g_row)))

    def momentum_step(self, P, V, G, lr, mu, l2=0.0, l1=0.0):
        """V ← mu·V − lr·G';  P ← P + V."""
        if l2 or l1:
            G = _penalised(P, G, l2, l1)
        for i, (p_row, v_row, g_row) in enumerate(zip(P, V, G)):
            v_row = [mu * v - lr * g for v, g in zip(v_row, g_row)]
            V[i] = v_row
            P[i] = list(map(add, p_row, v_row))          # p + v for each entry

    def adam_step(self, P, M, V, G, lr, beta1, beta2, eps, t, l2=0.0, l1=0.0):
        """Adam (Kingma & Ba, 2015), step t = 1, 2, ...

        m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
        p ← p − lr·m̂/(√v̂ + eps), with m̂ = m/(1−β1^t), v̂ = v/(1−β2^t).
        """
        if l2 or l1:
            G = _penalised(P, G, l2, l1)
        c1 = 1.0 / (1.0 - beta1 ** t)
        c2 = 1.0 / (1.0 - beta2 ** t)
        sqrt = math.sqrt
        for i, (p_row, m_row, v_row, g_row) in enumerate(zip(P, M, V, G)):
            m_row = [beta1 * m + (1.0 - beta1) * g for m, g in zip(m_row, g_row)]
            v_row = [beta2 * v + (1.0 - beta2) * g * g for v, g in zip(v_row, g_row)]
            M[i] = m_row
            V[i] = v_row
            P[i] = [p - lr * (m * c1) / (sqrt(v * c2) + eps)
                    for p, m, v in zip(p_row, m_row, v_row)]

    # === Randomness =========================================================

    def uniform(self, rows, cols, seed, counter):
        return [[counter_uniform(seed, counter, i * cols + j) for j in range(cols)]
                for i in range(rows)]

    # === Faster composites (same results as the base class) =================

    def dense_forward(self, A, W, b, name, alpha=0.01):
        """z = W·a + b for each sample a (a row of A), then a' = g(z)."""
        b = b[0]
        Z = [list(map(add, _dots(a, W), b)) for a in A]
        return Z, self.activation(name, Z, alpha)

    # === Unsupervised learning: the sparsity penalty of a code =============
    # A primitive: the KL form divides by the mean activation, which nothing
    # else does. Used by the Sparsity layer of tinynet.unsupervised.

    def sparsity(self, A, kind, rho, beta, acc):
        """The sparsity penalty of a code A (m samples, n units): acc += its value; returns ∂/∂A.

        kind "kl": with ρ̂_j = (1/m)·Σ_i a_ij the mean activation of unit j
        (kept in [SPARSITY_EPS, 1 − SPARSITY_EPS]),
            acc += m·β·Σ_j KL(ρ‖ρ̂_j),  KL(ρ‖ρ̂) = ρ·log(ρ/ρ̂) + (1−ρ)·log((1−ρ)/(1−ρ̂)),
            returns m rows, each β·(−ρ/ρ̂_j + (1−ρ)/(1−ρ̂_j)).
        kind "l1": acc += β·Σ_ij |a_ij|;  returns β·sign(A).

        Like a loss, the value is summed over the samples (the KL term m
        times) and the gradient is per sample; a network divides both by m.

        >>> B = PythonBackend()
        >>> acc = B.accumulator()
        >>> B.sparsity([[0.5, 0.1], [0.5, 0.1]], "kl", 0.1, 1.0, acc)[0][1]   # ρ̂ = ρ: no push
        0.0
        >>> round(B.read(acc), 4)                        # 2·KL(0.1‖0.5) = 2·0.3681
        0.7361
        >>> B.sparsity([[0.5, -2.0]], "l1", 0.1, 3.0, acc)
        [[3.0, -3.0]]
        """
        m = len(A)
        if kind == "l1":
            acc[0] += beta * sum(abs(a) for row in A for a in row)
            return [[beta * ((a > 0.0) - (a < 0.0)) for a in row] for row in A]
        if kind != "kl":
            raise ValueError("unknown sparsity penalty {!r}: use 'kl' or 'l1'".format(kind))
        low, high = SPARSITY_EPS, 1.0 - SPARSITY_EPS
        rho_hat = [min(max(sum(column) / m, low), high) for column in zip(*A)]
        kl = sum(rho * _log(rho / r) + (1.0 - rho) * _log((1.0 - rho) / (1.0 - r)) for r in rho_hat)
        acc[0] += m * beta * kl
        g = [beta * (-rho / r + (1.0 - rho) / (1.0 - r)) for r in rho_hat]
        return [list(g) for _ in range(m)]


#: The mean activations ρ̂ of the KL sparsity penalty are kept in [SPARSITY_EPS, 1 − SPARSITY_EPS].
SPARSITY_EPS = 1e-6


def _softmax_row(z_row):
    """softmax(z)_k = e^(z_k) / Σ_j e^(z_j), shifted by max(z) to avoid overflow."""
    z_max = max(z_row)
    e = [_exp(z - z_max) for z in z_row]
    total = sum(e)
    return [x / total for x in e]


def _argmax(row):
    return max(range(len(row)), key=row.__getitem__)


def _penalised(P, G, l2, l1):
    """G + l2·P + l1·sign(P): the gradient of E + (l2/2)·Σw² + l1·Σ|w|."""
    return [[g + l2 * p + l1 * ((p > 0.0) - (p < 0.0)) for p, g in zip(p_row, g_row)]
            for p_row, g_row in zip(P, G)]
