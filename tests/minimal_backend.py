"""A backend with the primitives and nothing else: the seam's proof of sufficiency.

It implements exactly ``tinynet.backend.PRIMITIVES``, in the plainest loops,
on matrices it wraps (``Matrix``: model code must not see a list inside), and
inherits every fusion and hook from ``Backend``. ``tests/test_minimal_backend.py``
runs the conformance suite and whole training runs on it against the
reference. It is also the shortest template for a new backend.
"""

import math

from tinynet.activations import g, g_prime, leaky_relu, leaky_relu_prime, softmax, softmax_grad
from tinynet.backend import Backend
from tinynet.patches import PatchTable
from tinynet.python_backend import SPARSITY_EPS, counter_uniform


class Matrix:
    """A backend matrix: a list of rows, kept out of reach of model code."""

    __slots__ = ("rows",)

    def __init__(self, rows):
        self.rows = rows


def _sign(x):
    return (x > 0.0) - (x < 0.0)


def _argmax(row):
    return max(range(len(row)), key=row.__getitem__)


class MinimalBackend(Backend):
    """Only the primitives, each written as its formula."""

    name = "minimal"
    tolerance = (1e-12, 1e-12)

    # === Edges and gathers ==================================================

    def array(self, rows):
        return Matrix([[float(x) for x in row] for row in rows])

    def to_list(self, M):
        return [list(row) for row in M.rows]

    def shape(self, M):
        return (len(M.rows), len(M.rows[0]) if M.rows else 0)

    def full(self, rows, cols, value):
        return Matrix([[float(value)] * cols for _ in range(rows)])

    def copy(self, M):
        return Matrix(self.to_list(M))

    def assign(self, dst, src):
        dst.rows = self.to_list(src)

    def take_rows(self, M, indices):
        return Matrix([M.rows[i] for i in indices])

    # === Products ===========================================================

    def matmul(self, A, B):
        columns = list(zip(*B.rows))
        return Matrix([[sum(a * b for a, b in zip(row, col)) for col in columns] for row in A.rows])

    def matmul_nt(self, A, B):
        return Matrix([[sum(a * b for a, b in zip(row, other)) for other in B.rows] for row in A.rows])

    def matmul_tn(self, A, B):
        return Matrix([[sum(a * b for a, b in zip(col_a, col_b)) for col_b in zip(*B.rows)]
                       for col_a in zip(*A.rows)])

    # === Elementwise and reductions =========================================

    def _each(self, f, A, B):
        return Matrix([[f(x, y) for x, y in zip(a, b)] for a, b in zip(A.rows, B.rows)])

    def add(self, A, B):
        return self._each(lambda x, y: x + y, A, B)

    def sub(self, A, B):
        return self._each(lambda x, y: x - y, A, B)

    def mul(self, A, B):
        return self._each(lambda x, y: x * y, A, B)

    def less(self, A, B):
        return self._each(lambda x, y: 1.0 if x < y else 0.0, A, B)

    def scale(self, A, s):
        return Matrix([[s * x for x in row] for row in A.rows])

    def add_row(self, A, b):
        return Matrix([[x + y for x, y in zip(row, b.rows[0])] for row in A.rows])

    def sum_rows(self, A):
        return Matrix([[sum(column) for column in zip(*A.rows)]])

    # === Activations ========================================================

    def activation(self, name, Z, alpha=0.01):
        if name == "softmax":
            return Matrix([softmax(row) for row in Z.rows])
        if name == "leaky_relu":
            return Matrix([[leaky_relu(z, alpha) for z in row] for row in Z.rows])
        return Matrix([[g(name)(z) for z in row] for row in Z.rows])

    def activation_grad(self, name, Z, A, G, alpha=0.01):
        if name == "softmax":
            return Matrix([softmax_grad(a, grad) for a, grad in zip(A.rows, G.rows)])
        if name == "leaky_relu":
            return Matrix([[d * leaky_relu_prime(z, alpha) for d, z in zip(d_row, z_row)]
                           for d_row, z_row in zip(G.rows, Z.rows)])
        return Matrix([[d * g_prime(name)(z, a) for d, z, a in zip(d_row, z_row, a_row)]
                       for d_row, z_row, a_row in zip(G.rows, Z.rows, A.rows)])

    # === Losses (acc: a Backend.accumulator(), the list [total]) ============

    def squared_error(self, A, T, acc, scale=0.5):
        acc[0] += scale * sum((a - t) ** 2 for ar, tr in zip(A.rows, T.rows) for a, t in zip(ar, tr))
        return self.scale(self.sub(A, T), 2.0 * scale)

    def softmax_cross_entropy(self, Z, A, T, acc, correct=None):
        for z_row, t_row in zip(Z.rows, T.rows):
            z_max = max(z_row)
            log_sum = z_max + math.log(sum(math.exp(z - z_max) for z in z_row))
            acc[0] += sum(t * (log_sum - z) for z, t in zip(z_row, t_row) if t)
        if correct is not None:
            self.count_correct(A, T, correct)
        return self.sub(A, T)

    def logistic_loss(self, Z, A, T, acc, correct=None):
        acc[0] += sum(max(z, 0.0) - z * t + math.log1p(math.exp(-abs(z)))
                      for z_row, t_row in zip(Z.rows, T.rows) for z, t in zip(z_row, t_row))
        if correct is not None:
            self.count_correct(A, T, correct)
        return self.sub(A, T)

    def count_correct(self, A, T, acc):
        for a, t in zip(A.rows, T.rows):
            if len(a) == 1:
                acc[0] += (a[0] > 0.5) == (t[0] > 0.5)
            else:
                acc[0] += _argmax(a) == _argmax(t)

    def argmax_rows(self, A):
        return [_argmax(row) for row in A.rows]

    # === Optimiser updates ==================================================

    def sgd_step(self, P, G, lr, l2=0.0, l1=0.0):
        P.rows = [[p - lr * (d + l2 * p + l1 * _sign(p)) for p, d in zip(p_row, d_row)]
                  for p_row, d_row in zip(P.rows, G.rows)]

    def momentum_step(self, P, V, G, lr, mu, l2=0.0, l1=0.0):
        V.rows = [[mu * v - lr * (d + l2 * p + l1 * _sign(p)) for p, v, d in zip(*rows)]
                  for rows in zip(P.rows, V.rows, G.rows)]
        P.rows = [[p + v for p, v in zip(p_row, v_row)] for p_row, v_row in zip(P.rows, V.rows)]

    def adam_step(self, P, M, V, G, lr, beta1, beta2, eps, t, l2=0.0, l1=0.0):
        grads = [[d + l2 * p + l1 * _sign(p) for p, d in zip(p_row, d_row)]
                 for p_row, d_row in zip(P.rows, G.rows)]
        M.rows = [[beta1 * m + (1 - beta1) * d for m, d in zip(*rows)] for rows in zip(M.rows, grads)]
        V.rows = [[beta2 * v + (1 - beta2) * d * d for v, d in zip(*rows)] for rows in zip(V.rows, grads)]
        P.rows = [[p - lr * (m / (1 - beta1 ** t)) / (math.sqrt(v / (1 - beta2 ** t)) + eps)
                   for p, m, v in zip(*rows)] for rows in zip(P.rows, M.rows, V.rows)]

    # === Randomness =========================================================

    def uniform(self, rows, cols, seed, counter):
        return Matrix([[counter_uniform(seed, counter, i * cols + j) for j in range(cols)]
                       for i in range(rows)])

    # === Recurrent networks ================================================

    def sum_squares(self, A, acc):
        acc[0] += sum(x * x for row in A.rows for x in row)

    def stack_rows(self, matrices):
        return Matrix([list(row) for M in matrices for row in M.rows])

    def split_rows(self, M, parts):
        m = len(M.rows) // parts
        return [Matrix([list(row) for row in M.rows[k * m:(k + 1) * m]]) for k in range(parts)]

    # === Receptive fields (Conv2D, pooling) =================================

    def patch_table(self, table, k, n):
        return PatchTable(table, k, n)

    def reshape(self, M, rows, cols):
        flat = [x for row in M.rows for x in row]
        if len(flat) != rows * cols:
            raise ValueError("{} entries do not make a {} x {} matrix".format(len(flat), rows, cols))
        return Matrix([flat[i * cols:(i + 1) * cols] for i in range(rows)])

    def gather_patches(self, X, T):
        out = []
        for x in X.rows:
            padded = x + [0.0]                       # index n reads 0 (padding)
            for p in range(T.count):
                out.append([padded[T.table[p * T.k + j]] for j in range(T.k)])
        return Matrix(out)

    def scatter_patches(self, G, T):
        out = []
        for s in range(len(G.rows) // T.count):
            total = [0.0] * (T.n + 1)
            for p in range(T.count):
                for j, value in enumerate(G.rows[s * T.count + p]):
                    total[T.table[p * T.k + j]] += value
            out.append(total[:T.n])                  # what went to the padding is dropped
        return Matrix(out)

    def max_pool(self, X, T):
        A, Arg = [], []
        for x in X.rows:
            padded = x + [0.0]
            windows = [[padded[T.table[q * T.k + j]] for j in range(T.k)] for q in range(T.count)]
            where = [_argmax(window) for window in windows]
            A.append([window[j] for window, j in zip(windows, where)])
            Arg.append(where)
        return Matrix(A), Arg

    def max_pool_grad(self, G, Arg, T):
        out = []
        for g_row, where in zip(G.rows, Arg):
            total = [0.0] * (T.n + 1)
            for q, (g_q, j) in enumerate(zip(g_row, where)):
                total[T.table[q * T.k + j]] += g_q
            out.append(total[:T.n])
        return Matrix(out)

    # === Penalties ==========================================================

    def sparsity(self, A, kind, rho, beta, acc):
        m = len(A.rows)
        if kind == "l1":
            acc[0] += beta * sum(abs(a) for row in A.rows for a in row)
            return Matrix([[beta * _sign(a) for a in row] for row in A.rows])
        if kind != "kl":
            raise ValueError("unknown sparsity penalty {!r}".format(kind))
        eps = SPARSITY_EPS
        means = [min(max(sum(column) / m, eps), 1.0 - eps) for column in zip(*A.rows)]
        acc[0] += m * beta * sum(rho * math.log(rho / r) + (1 - rho) * math.log((1 - rho) / (1 - r))
                                 for r in means)
        return Matrix([[beta * (-rho / r + (1 - rho) / (1 - r)) for r in means] for _ in range(m)])
