"""The pure-Python backend's hot loops in the shapes PyPy's JIT runs fastest.

``tinynet.python_backend`` writes each operation in the idioms CPython runs
fastest (``sum(map(mul, u, v))``, ``zip(*B)``): loops that run in C.  PyPy
compiles the Python loops themselves to machine code, and there other shapes
win: ``zip(*B)`` makes tuples (PyPy stores a list of floats as a plain array
of doubles, a tuple not), and a loop that computes several sums in one pass
over the data reads each entry once for all of them.  On PyPy,
``PythonBackend`` puts the methods of ``PyPyLoops`` first (python_backend.py
chooses once, at import).  Each one says which plain formula it computes,
and computes it with the same additions in the same order, so that its
results are the same floats (tests/test_loops_pypy.py holds them equal, on
any interpreter):

* a product row is built in a preallocated list of floats by an index loop
  over ``range(n)``;
* ``Aᵀ·B`` (the weight gradient) adds ``d·b`` row after row of B into the
  rows of C (an "axpy" per sample), four samples at a time:
  ``c[j] = c[j] + d0·b0[j] + d1·b1[j] + ...`` adds left to right, in the
  order of the plain ``Σ_k``, with one load and store of c[j] per four;
* ``A·Bᵀ`` (the forward pass) takes four dot products at a time, so that
  each ``a[i]`` is read once for four rows of B;
* the optimiser steps build each new row in a loop over indices; as in the
  plain backend, rows are replaced, never changed in place.
"""

__all__ = ["PyPyLoops", "dot", "dots"]


def _penalised(P, G, l2, l1):
    from .python_backend import _penalised      # the plain formula, shared (imported late: no cycle)
    return _penalised(P, G, l2, l1)


class PyPyLoops:
    """The methods of ``PythonBackend`` that PyPy runs faster written as index loops."""

    def describe(self):
        return "python (pure Python lists, float64, index loops for PyPy's JIT)"

    # === Products ===========================================================

    def matmul(self, A, B):
        """C = A·B: C[i][j] = Σ_k A[i][k]·B[k][j].

        Plain: ``[[sum(map(mul, a, col), 0.0) for col in zip(*B)] for a in A]``.
        Here each row c of C starts at 0 and gets ``a[k]·B[k]`` added for
        k = 0, 1, ... (the same sum, in the same order).
        """
        if not B:
            return [[] for _ in A]
        p = len(B[0])
        C = []
        for a in A:
            c = [0.0] * p
            for k in range(len(a)):
                x = a[k]
                b = B[k]
                for j in range(p):
                    c[j] += x * b[j]
            C.append(c)
        return C

    def matmul_nt(self, A, B):
        """C = A·Bᵀ: C[i][j] = Σ_k A[i][k]·B[j][k] (the forward pass a·Wᵀ).

        Plain: ``[[sum(map(mul, a, b), 0.0) for b in B] for a in A]``.
        """
        return [dots(a, B) for a in A]

    def matmul_tn(self, A, B, alpha=1.0):
        """C = alpha·Aᵀ·B: C[i][j] = Σ_k (alpha·A[k][i])·B[k][j] (deltaᵀ·a).

        Plain: ``[[sum(map(mul, a, b), 0.0) for b in zip(*B)]
        for a in ([alpha·x for x in col] for col in zip(*A))]``.  Here row i
        of C starts at 0 and gets ``(alpha·A[k][i])·B[k]`` added for
        k = 0, 1, ..., four values of k per pass over the row.
        """
        if not A:
            return []
        n, p, m = len(A[0]), len(B[0]), len(A)
        C = [[0.0] * p for _ in range(n)]
        k = 0
        while k + 4 <= m:
            a0, a1, a2, a3 = A[k], A[k + 1], A[k + 2], A[k + 3]
            b0, b1, b2, b3 = B[k], B[k + 1], B[k + 2], B[k + 3]
            for i in range(n):
                d0, d1, d2, d3 = alpha * a0[i], alpha * a1[i], alpha * a2[i], alpha * a3[i]
                c = C[i]
                for j in range(p):      # ((c + d0·b0) + d1·b1) + ...: the order of Σ_k
                    c[j] = c[j] + d0 * b0[j] + d1 * b1[j] + d2 * b2[j] + d3 * b3[j]
            k += 4
        for k in range(k, m):
            a, b = A[k], B[k]
            for i in range(n):
                d = alpha * a[i]
                c = C[i]
                for j in range(p):
                    c[j] += d * b[j]
        return C

    def dense_forward(self, A, W, b, name, alpha=0.01):
        """z = W·a + b for each sample a (a row of A), then a' = g(z).

        Plain: ``Z = [list(map(add, _dots(a, W), b[0])) for a in A]``.
        """
        b = b[0]
        n = len(b)
        Z = []
        for a in A:
            z = dots(a, W)
            for j in range(n):
                z[j] += b[j]
            Z.append(z)
        return Z, self.activation(name, Z, alpha)

    # === Reductions =========================================================

    def sum_rows(self, A, alpha=1.0):
        """[[alpha·Σ_k A[k][j] for each column j]].

        Plain: ``[[alpha * sum(column) for column in zip(*A)]]``.
        """
        if not A:
            return [[]]
        p = len(A[0])
        total = [0.0] * p
        for a in A:
            for j in range(p):
                total[j] += a[j]
        for j in range(p):
            total[j] = alpha * total[j]
        return [total]

    # === Optimiser steps ====================================================

    def sgd_step(self, P, G, lr, l2=0.0, l1=0.0):
        """P ← P − lr·(G + l2·P + l1·sign(P)).

        Plain: ``P[i] = list(map(sub, p_row, map(mul, repeat(lr), g_row)))``.
        """
        if l2 or l1:
            G = _penalised(P, G, l2, l1)
        for i in range(len(P)):
            p_row, g_row = P[i], G[i]
            new = [0.0] * len(p_row)
            for j in range(len(p_row)):
                new[j] = p_row[j] - lr * g_row[j]
            P[i] = new

    def momentum_step(self, P, V, G, lr, mu, l2=0.0, l1=0.0):
        """V ← mu·V − lr·G';  P ← P + V.

        Plain: ``v_row = [mu * v - lr * g for v, g in zip(v_row, g_row)]``,
        ``P[i] = list(map(add, p_row, v_row))``.
        """
        if l2 or l1:
            G = _penalised(P, G, l2, l1)
        for i in range(len(P)):
            p_row, v_row, g_row = P[i], V[i], G[i]
            n = len(p_row)
            new_v = [0.0] * n
            new_p = [0.0] * n
            for j in range(n):
                v = mu * v_row[j] - lr * g_row[j]
                new_v[j] = v
                new_p[j] = p_row[j] + v
            V[i] = new_v
            P[i] = new_p


def dots(u, rows):
    """[u·v for v in rows], u·v = Σ_i u_i·v_i added for i = 0, 1, ...

    Plain: ``[sum(map(mul, u, v), 0.0) for v in rows]``.  Four rows at a
    time, so that each u[i] is read once for four dot products; each dot
    product still adds its own terms in order.
    """
    n, m = len(u), len(rows)
    out = [0.0] * m
    j = 0
    while j + 4 <= m:
        v0, v1, v2, v3 = rows[j], rows[j + 1], rows[j + 2], rows[j + 3]
        t0 = t1 = t2 = t3 = 0.0
        for i in range(n):
            x = u[i]
            t0 += x * v0[i]
            t1 += x * v1[i]
            t2 += x * v2[i]
            t3 += x * v3[i]
        out[j], out[j + 1], out[j + 2], out[j + 3] = t0, t1, t2, t3
        j += 4
    for j in range(j, m):
        out[j] = dot(u, rows[j])
    return out


def dot(u, v):
    """u·v = Σ_i u_i·v_i, added for i = 0, 1, ... (plain: ``sum(map(mul, u, v), 0.0)``)."""
    total = 0.0
    for i in range(len(u)):
        total += u[i] * v[i]
    return total
