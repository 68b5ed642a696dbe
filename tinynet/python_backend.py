"""The reference backend: every operation of the seam on plain lists of rows.

A matrix here is a list of rows, each row a list of floats: the batch
``[[x11, x12], [x21, x22]]`` holds two samples of two inputs.  This module is
the *definition* of each operation; other backends are tested against it.
The activations come from ``tinynet.activations``, applied row by row.

Every product is built from one dot product, u·v = Σ_i u_i·v_i::

    def plain_dot(u, v):
        return sum(u_i * v_i for u_i, v_i in zip(u, v))

It is also what a class waits on, so the dot products run in the loop shape
this interpreter runs fastest (``LOOP_SHAPES``, chosen once in ``fastest``;
``tests/test_python_backend.py`` holds every shape equal to the plain one):
``math.sumprod`` where Python has it (3.12+), ``sum(map(mul, u, v), 0.0)``
on older CPython (both loop in C), and an index loop on PyPy (its JIT).
Besides:

* a transpose is ``zip(*A)``, also in C;
* A·Wᵀ with many rows of a few entries (a convolution's windows: C·k·k
  of them) goes column by column (``by_columns``): for each row w of W,
  z = b + Σ_j w_j·(column j of A), over long vectors (the same terms, the
  bias added first: equal to rounding);
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
from itertools import chain, repeat
from operator import add, itemgetter, mul, sub

from . import _loops_pypy
from .activations import g_each, g_grad_each, leaky_relu_each, leaky_relu_grad_each
from .backend import Backend
from .patches import PatchTable

__all__ = ["PythonBackend", "counter_uniform", "dot", "dots", "plain_dot", "plain_dots", "LOOP_SHAPES"]

_exp = math.exp
_log = math.log
_log1p = math.log1p


# === The dot product, plain and fast =================================
def plain_dot(u, v):
    """u·v = Σ_i u_i·v_i."""
    return sum(u_i * v_i for u_i, v_i in zip(u, v))


def plain_dots(u, rows):
    """[u·v for v in rows]: u against every row of a matrix (a·Wᵀ for one sample a)."""
    return [plain_dot(u, v) for v in rows]


def _map_dot(u, v):
    # sum(…, 0.0): a float start lets sum() add the floats from the first one
    # (from the int 0 it first adds int + float, ~240 instructions a dot product)
    return sum(map(mul, u, v), 0.0)


def _map_dots(u, rows):
    # sum(map(mul, u, v), 0.0) for each v, all inside map: no Python frame per
    # dot product (about 1% of a training step on CPython 3.11)
    return list(map(sum, map(map, repeat(mul), repeat(u), rows), repeat(0.0)))


def _sumprod_dots(u, rows):
    return list(map(math.sumprod, repeat(u), rows))


#: (dot, dots) in each loop shape; all compute plain_dot and plain_dots.
LOOP_SHAPES = {
    "plain": (plain_dot, plain_dots),
    "map": (_map_dot, _map_dots),                                  # CPython < 3.12
    "sumprod": (getattr(math, "sumprod", None), _sumprod_dots),    # CPython 3.12+
    "index": (_loops_pypy.dot, _loops_pypy.dots),                  # PyPy
}


def fastest():
    """The loop shape this interpreter runs fastest (on PyPy, the end of this module
    goes further: whole products as index loops, from tinynet/_loops_pypy.py)."""
    if sys.implementation.name == "pypy":
        return "index"
    return "sumprod" if hasattr(math, "sumprod") else "map"


#: u·v and [u·v for v in rows] as this backend computes them (a Neuron too).
dot, dots = LOOP_SHAPES[fastest()]

#: A·Wᵀ goes by columns when A's rows have 1 … SHORT_ROWS entries and there are MANY_ROWS or more.
SHORT_ROWS, MANY_ROWS = 12, 64


def short_rows(A, W):
    """Whether A·Wᵀ goes by columns (``by_columns``): short rows, many of them, CPython before 3.12.

    There a dot product of a few terms costs ``sum(map(mul, u, v), 0.0)``
    about as much to start as to add (on CPython 3.11 a 9-term one runs at
    half the rate of a 256-term one); ``math.sumprod`` (3.12+) and PyPy's
    loops do not pay that, and with few rows the columns are short too.
    """
    return _SHORT_SHAPE and len(A) >= MANY_ROWS and bool(W) and 0 < len(W[0]) <= SHORT_ROWS


_SHORT_SHAPE = fastest() == "map"


def by_columns(A, W, b=None):
    """Zᵀ for Z = A·Wᵀ (+ b), one long row per row w of W: z_w = (b_w) + Σ_j w_j·(column j of A).

    ``zip`` lines up each row's terms (a_1·w_1, …, a_k·w_k) and ``sum`` adds
    them left to right, from b_w (or 0.0): ``sum(map(mul, a, w), b_w)`` for
    every row a.  One ``sum`` call per entry of Z and no ``map`` made per
    entry: with rows of a few entries and many of them, the work goes into
    the multiply-adds.

    >>> by_columns([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [[1.0, 0.5]], [10.0])
    [[12.0, 15.0, 18.0]]
    """
    columns = _columns(A)                                     # column j: a_j of every row a
    starts = repeat(0.0) if b is None else b
    Z_t = []
    for w, start in zip(W, starts):
        terms = map(map, repeat(mul), map(repeat, w), columns)      # for each j: w_j·a_j, row by row
        Z_t.append(list(map(sum, zip(*terms), repeat(start))))      # each row's terms, from b_w
    return Z_t


def _columns(A):
    """The columns of A as lists: column j is entries j, j + k, j + 2k, … of A's rows end to end.

    The same as ``zip(*A)`` but without an iterator made per row, which for a
    tall matrix wakes the garbage collector a dozen times.
    """
    k = len(A[0])
    flat = list(chain.from_iterable(A))
    return [flat[j::k] for j in range(k)]


def _rows(columns):
    """The transpose of a matrix given as lists, as lists."""
    return list(map(list, zip(*columns)))


def _per_sample(columns, positions):
    """Zᵀ (C rows of m·P) as m rows of P·C: row s is z[s·P + p][c] for p, then c."""
    flat = list(chain.from_iterable(zip(*columns)))           # z[r][c] for r, then c
    n = positions * len(columns)
    return [flat[i:i + n] for i in range(0, len(flat), n)]


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
        return [dots(a, columns) for a in A]

    def matmul_nt(self, A, B):
        """C = A·Bᵀ: C[i][j] = Σ_k A[i][k]·B[j][k] (the forward pass a·Wᵀ).

        Many short rows (``short_rows``) go column by column (``by_columns``).
        """
        if short_rows(A, B):
            return _rows(by_columns(A, B))
        return [dots(a, B) for a in A]

    def matmul_tn(self, A, B, alpha=1.0):
        """C = Aᵀ·B: C[i][j] = Σ_k A[k][i]·B[k][j] (deltaᵀ·a); times alpha if given."""
        if len(A) == 1:                   # one sample: an outer product
            b = B[0]
            return [[alpha * d * x for x in b] for d in A[0]]
        A_columns = zip(*A)
        if alpha != 1.0:                  # scale the (usually small) delta side first
            A_columns = [[alpha * x for x in column] for column in A_columns]
        B_columns = list(zip(*B))
        return [dots(a, B_columns) for a in A_columns]

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
        """The (1, n) row of column sums Σ_i A[i][j]; times alpha if given."""
        return [[alpha * sum(column) for column in zip(*A)]]

    def activation(self, name, Z, alpha=0.01):
        """A = g(Z), row by row: ``g_each`` of ``tinynet.activations`` on each sample's z."""
        if name == "leaky_relu":
            return [leaky_relu_each(z_row, alpha) for z_row in Z]
        g_z = g_each(name)
        return [g_z(z_row) for z_row in Z]

    def activation_grad(self, name, Z, A, G, alpha=0.01):
        """G ⊙ g'(Z), row by row: ``g_grad_each`` of ``tinynet.activations`` (given A = g(Z))."""
        if name == "leaky_relu":
            return [leaky_relu_grad_each(g_row, z_row, None, alpha) for g_row, z_row in zip(G, Z)]
        grad = g_grad_each(name)
        return [grad(g_row, z_row, a_row) for g_row, z_row, a_row in zip(G, Z, A)]

    # === Losses and counts ==================================================

    def squared_error(self, A, T, acc, scale=0.5):
        """acc += scale·Σ(a − t)²; returns dE/dA = 2·scale·(A − T)."""
        total = 0.0
        grad = []
        two_scale = 2.0 * scale
        for a_row, t_row in zip(A, T):
            diff = [a - t for a, t in zip(a_row, t_row)]
            total += dot(diff, diff)
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
            acc[0] += sum(1 for a, t in zip(A, T) if a.index(max(a)) == t.index(max(t)))

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

    # === Fusions, faster here (Backend's results, to rounding) ============

    def dense_forward(self, A, W, b, name, alpha=0.01):
        """z = W·a + b for each sample a (a row of A), then a' = g(z).

        Many short rows (``short_rows``: a convolution's windows) go column
        by column (``by_columns``), and g, which acts on each z alone (all
        but softmax), on Zᵀ's long rows.
        """
        b = b[0]
        if short_rows(A, W):
            Z_t = by_columns(A, W, b)                      # Zᵀ: row c holds unit c's z for every a
            if name == "softmax":                          # softmax needs a sample's whole z
                Z = _rows(Z_t)
                return Z, self.activation(name, Z, alpha)
            return _rows(Z_t), _rows(self.activation(name, Z_t, alpha))
        Z = [list(map(add, dots(a, W), b)) for a in A]
        return Z, self.activation(name, Z, alpha)

    def dense_grads(self, delta, A_prev):
        """((1/m)·deltaᵀ·A_prev, (1/m)·Σ_rows delta), the 1/m applied to delta
        first (the smaller side, usually) inside the products."""
        m = len(delta)
        return self.matmul_tn(delta, A_prev, 1.0 / m), self.sum_rows(delta, 1.0 / m)

    def conv_forward(self, patches, W, b, m, name, alpha=0.01):
        """Backend's conv_forward; many short windows (``short_rows``) go by columns.

        Then each sample's row is read straight from Zᵀ (``by_columns``),
        z_s[p·C_out + c] = Zᵀ[c][s·P + p], without the m·P short rows of Z.
        """
        if name == "softmax" or not short_rows(patches, W):
            return Backend.conv_forward(self, patches, W, b, m, name, alpha)
        Z_t = by_columns(patches, W, b[0])
        positions = len(patches) // m
        return _per_sample(Z_t, positions), _per_sample(self.activation(name, Z_t, alpha), positions)

    def conv_grads(self, delta, patches, channels):
        """Backend's conv_grads with D's columns read straight from delta.

        Column c of D is entries c, c + C_out, c + 2·C_out, … of delta's rows
        laid end to end; dW = (1/m)·Dᵀ·patches and db = (1/m)·Σ_rows D from
        them, without D's m·P short rows (on CPython before 3.12, as ``short_rows``).
        """
        if not _SHORT_SHAPE:
            return Backend.conv_grads(self, delta, patches, channels)
        alpha = 1.0 / len(delta)
        flat = list(chain.from_iterable(delta))
        D_columns = [flat[c::channels] for c in range(channels)]
        patch_columns = _columns(patches)
        # the 1/m on the C_out·C·k·k sums of Dᵀ·patches, not on D's m·P·C_out entries
        dW = [[alpha * s for s in dots(column, patch_columns)] for column in D_columns]
        return dW, [[alpha * sum(column) for column in D_columns]]

    # === Receptive fields: gathers and their adjoints (Conv2D, pooling) =====
    #
    # A patch table says which entries of a sample's row each window reads
    # (tinynet.patches); it is made once per shape.  Every loop below is over
    # windows or samples, never over single entries: the entries move with
    # ``itemgetter`` (one C call per sample) and ``map``.

    def patch_table(self, table, k, n):
        """The index table ``table`` (windows of k entries, rows of n), ready to use."""
        T = PatchTable(table, k, n)
        T.get = _getter(T.table)                  # row + [0.0] -> the windows' entries
        T.get_back = _getter(T.inverse)           # windows' entries + [0.0] -> per input
        T.starts = range(0, T.count * k, k)
        T.windows = [slice(i, i + k) for i in T.starts]     # where each window lies in the entries
        return T

    def reshape(self, M, rows, cols):
        """The same entries, read row by row, as a (rows, cols) matrix."""
        flat = list(chain.from_iterable(M))
        if len(flat) != rows * cols:
            raise ValueError("reshape: {} entries do not make a {} x {} matrix".format(
                len(flat), rows, cols))
        return [flat[i:i + cols] for i in range(0, rows * cols, cols)]

    def gather_patches(self, X, T):
        """The windows of every sample, one per row ("im2col").

        Row s·P + p of the result is [x_s[i] for i in the table's window p],
        where x_s is row s of X with a 0.0 appended (index n: padding).
        (m, n) -> (m·P, k).
        """
        get, windows = T.get, T.windows
        out = []
        for x in X:
            v = list(get(x + _PAD))
            out.extend(map(v.__getitem__, windows))         # v[p·k : p·k + k] for each window p
        return out

    def scatter_patches(self, G, T):
        """The adjoint of ``gather_patches``: each window entry added back where it came from.

        out[s][i] = Σ G[s·P + p][j] over the (p, j) whose table index is i
        (entries read from the padding index n are dropped).  (m·P, k) -> (m, n).
        """
        count = T.count
        return [_scatter_row(list(chain.from_iterable(G[s:s + count])), T)
                for s in range(0, len(G), count)]

    def max_pool(self, X, T):
        """The largest entry of each window, and which one it was.

        A[s][q] = max_j x_s[table[q·k + j]]; Arg[s][q] = the first j that
        attains it (remembered for ``max_pool_grad``).  (m, n) -> (m, Q), Arg.
        """
        get, k = T.get, T.k
        A, Arg = [], []
        for x in X:
            v = get(x + _PAD)
            columns = [v[j::k] for j in range(k)]        # entry j of every window
            if k == 1:
                best, where = list(columns[0]), [0] * T.count
            else:
                best = list(map(max, *columns))
                where = list(map(tuple.index, zip(*columns), best))
            A.append(best)
            Arg.append(where)
        return A, Arg

    def max_pool_grad(self, G, Arg, T):
        """The max gate backwards: each window's gradient goes to its argmax only.

        out[s][table[q·k + Arg[s][q]]] += G[s][q]; every other input gets 0.
        (m, Q) -> (m, n).
        """
        size = T.count * T.k
        out = []
        for g_row, where in zip(G, Arg):
            routed = dict(zip(map(add, T.starts, where), g_row))     # window entry -> gradient
            out.append(_scatter_row(list(map(routed.get, range(size), repeat(0.0))), T))
        return out

    # === Recurrent networks: primitives their training needs =================

    def sum_squares(self, A, acc):
        """acc += Σ_ij a_ij²: the squared length of a gradient, for clipping by norm.

        >>> B = PythonBackend(); acc = B.accumulator()
        >>> B.sum_squares([[3.0, 4.0]], acc); B.read(acc)
        25.0
        """
        acc[0] += sum(dot(row, row) for row in A)

    def stack_rows(self, matrices):
        """The rows of every matrix, one matrix after another: [A; B; …] (all of one width).

        A sequence's steps stacked this way make one (T·m, n) matrix, so that
        the weight gradients summed over the steps are one product, Dᵀ·X.

        >>> PythonBackend().stack_rows([[[1.0, 2.0]], [[3.0, 4.0], [5.0, 6.0]]])
        [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
        """
        return [row for M in matrices for row in M]

    def split_rows(self, M, parts):
        """M cut into ``parts`` matrices of equal height, in order: the inverse of stack_rows.

        >>> PythonBackend().split_rows([[1.0], [2.0], [3.0], [4.0]], 2)
        [[[1.0], [2.0]], [[3.0], [4.0]]]
        """
        m = len(M) // parts
        return [M[k * m:(k + 1) * m] for k in range(parts)]

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
        grad = [beta * (-rho / r + (1.0 - rho) / (1.0 - r)) for r in rho_hat]
        return [list(grad) for _ in range(m)]


#: The mean activations ρ̂ of the KL sparsity penalty are kept in [SPARSITY_EPS, 1 − SPARSITY_EPS].
SPARSITY_EPS = 1e-6


def _argmax(row):
    """The column of the row's largest value (the first, on a tie)."""
    return row.index(max(row))


def _penalised(P, G, l2, l1):
    """G + l2·P + l1·sign(P): the gradient of E + (l2/2)·Σw² + l1·Σ|w|."""
    return [[g + l2 * p + l1 * ((p > 0.0) - (p < 0.0)) for p, g in zip(p_row, g_row)]
            for p_row, g_row in zip(P, G)]


_PAD = [0.0]


def _getter(indices):
    """itemgetter(*indices) that always returns a tuple (even for one index)."""
    if len(indices) == 1:
        index = indices[0]
        return lambda row: (row[index],)
    if not indices:
        return lambda row: ()
    return itemgetter(*indices)


def _scatter_row(flat, T):
    """Σ over the window entries f that read input i, for every input i.

    ``flat`` holds one sample's window entries (P·k of them); the adjoint
    table lists, for each input, the entries that read it (padded with a
    pointer at the 0.0 appended here).
    """
    v = T.get_back(flat + _PAD)
    width = T.width
    if width == 1:
        return list(v)
    total = list(v[0::width])
    for j in range(1, width):
        total = list(map(add, total, v[j::width]))
    return total


# === On PyPy ================================================================
# PyPy's JIT runs index loops over lists of floats faster than the C idioms
# above. There, the same formulas, adding the same terms in the same order,
# come from tinynet/_loops_pypy.py (each beside its plain form): chosen here, once.
if sys.implementation.name == "pypy":
    class PythonBackend(_loops_pypy.PyPyLoops, PythonBackend):  # noqa: F811
        __doc__ = PythonBackend.__doc__
