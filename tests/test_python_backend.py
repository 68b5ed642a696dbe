"""The reference backend's own promises: fast idioms where the interpreter has them."""

import math
import sys

from tinynet import python_backend


def test_uses_math_sumprod_where_python_has_it():
    if hasattr(math, "sumprod"):
        assert python_backend.dot is math.sumprod
    else:
        assert python_backend.dot([1.0, 2.0], [3.0, 4.0]) == 11.0


def test_rows_are_replaced_not_changed_in_place():
    B = python_backend.PythonBackend()
    X = B.array([[1.0, 2.0], [3.0, 4.0]])
    batch = B.take_rows(X, [1])
    row = X[1]
    B.sgd_step(X, B.array([[1.0, 1.0], [1.0, 1.0]]), 0.5)
    assert row == [3.0, 4.0] and batch == [[3.0, 4.0]]      # the batch still sees the old row
    assert X == [[0.5, 1.5], [2.5, 3.5]]


def test_every_loop_shape_computes_the_plain_dot_product():
    """The fast loop shapes stand in for plain_dot; they must give its numbers."""
    import random
    rng = random.Random(3)
    u = [rng.uniform(-1, 1) for _ in range(257)]
    rows = [[rng.uniform(-1, 1) for _ in range(257)] for _ in range(9)] + [[0.0] * 257]
    want = python_backend.plain_dots(u, rows)
    assert want == [python_backend.plain_dot(u, v) for v in rows]
    for shape, (dot, dots) in python_backend.LOOP_SHAPES.items():
        if dot is None:                          # math.sumprod before Python 3.12
            continue
        got = dots(u, rows)
        assert got == [dot(u, v) for v in rows], shape
        for g, w, v in zip(got, want, rows):
            # plain sum() rounds each addition on CPython < 3.12 (and math.sumprod
            # is exact then rounds once): within a few roundings of Σ|u_i·v_i|
            assert abs(g - w) <= 1e-15 * len(u) * sum(abs(a * b) for a, b in zip(u, v)), shape
        if shape in ("map", "index") and sys.version_info < (3, 12):
            assert got == want, shape            # the same additions in the same order


def test_the_chosen_loop_shape_is_the_fastest_for_this_interpreter():
    assert (python_backend.dot, python_backend.dots) == \
        python_backend.LOOP_SHAPES[python_backend.fastest()]


def test_the_alpha_of_matmul_tn_and_sum_rows_scales():
    B = python_backend.PythonBackend()
    d, a = [[1.0, -2.0], [3.0, 0.5]], [[3.0, 4.0, 5.0], [1.0, 0.0, -1.0]]
    assert B.matmul_tn(d, a, 0.5) == B.scale(B.matmul_tn(d, a), 0.5)
    assert B.sum_rows(d, 0.5) == [[2.0, -0.75]]


def _short_rows_case(m, k, n, seed):
    import random
    rng = random.Random(seed)
    A = [[rng.uniform(-1, 1) for _ in range(k)] for _ in range(m)]
    W = [[rng.uniform(-1, 1) for _ in range(k)] for _ in range(n)]
    b = [[rng.uniform(-1, 1) for _ in range(n)]]
    return A, W, b


# Both sides of the rule: short rows (≤ SHORT_ROWS entries), many of them (≥ MANY_ROWS) go by columns.
RULE_SIDES = [(64, 9, 8, True), (100, 1, 3, True), (64, 12, 5, True),
              (63, 9, 8, False), (64, 13, 5, False), (4, 2, 3, False)]


def test_the_rule_for_going_by_columns():
    for m, k, n, by_columns in RULE_SIDES:
        A, W, _ = _short_rows_case(m, k, n, 0)
        assert python_backend.short_rows(A, W) == (by_columns and python_backend.fastest() == "map"), (m, k, n)
    assert not python_backend.short_rows([], [[1.0]]) and not python_backend.short_rows([[]] * 64, [[]])


def test_by_columns_gives_the_dot_products_floats():
    """Zᵀ by columns holds the floats of sum(map(mul, a, w), b_w), the bias added first (any interpreter)."""
    from operator import mul
    for m, k, n, _ in RULE_SIDES:
        A, W, b = _short_rows_case(m, k, n, 1)
        want = [[sum(map(mul, a, w), 0.0) for w in W] for a in A]
        assert python_backend._rows(python_backend.by_columns(A, W)) == want, (m, k, n)
        want_b = [[sum(map(mul, a, w), b_w) for w, b_w in zip(W, b[0])] for a in A]
        assert python_backend._rows(python_backend.by_columns(A, W, b[0])) == want_b, (m, k, n)


def test_products_and_dense_forward_on_both_sides_of_the_rule():
    """matmul_nt and dense_forward give the row-by-row formulas' numbers, by columns or not."""
    from operator import add, mul
    from tinynet.activations import g_each
    B = python_backend.PythonBackend()
    for m, k, n, _ in RULE_SIDES:
        A, W, b = _short_rows_case(m, k, n, 2)
        want = [python_backend.dots(a, W) for a in A]
        assert B.matmul_nt(A, W) == want, (m, k, n)
        if python_backend.short_rows(A, W):          # the bias added first
            Z_want = [[sum(map(mul, a, w), b_w) for w, b_w in zip(W, b[0])] for a in A]
        else:
            Z_want = [list(map(add, z, b[0])) for z in want]
        for name in ("relu", "sigmoid", "leaky_relu", "softmax"):
            Z, A_out = B.dense_forward(A, W, b, name, alpha=0.1)
            assert Z == Z_want, (m, k, n, name)
            if name == "leaky_relu":
                assert A_out == [python_backend.leaky_relu_each(z, 0.1) for z in Z_want]
            else:
                assert A_out == [g_each(name)(z) for z in Z_want], (m, k, n, name)
            assert all(type(row) is list for row in Z + A_out)


def test_conv_fusions_on_both_sides_of_the_rule():
    """conv_forward and conv_grads: dense_forward and the gradients' formulas, per sample rows."""
    from tinynet.backend import Backend
    B = python_backend.PythonBackend()
    for m, k, n, _ in RULE_SIDES:
        for samples in (1, 2):
            if m % samples:
                continue
            A, W, b = _short_rows_case(m, k, n, 3)
            Z, A_out = B.dense_forward(A, W, b, "tanh")
            cut = m // samples * n
            flat = lambda M: [x for row in M for x in row]                      # noqa: E731
            whole = lambda M: [flat(M)[i:i + cut] for i in range(0, m * n, cut)]  # noqa: E731
            assert B.conv_forward(A, W, b, samples, "tanh") == (whole(Z), whole(A_out))
            assert Backend.conv_forward(B, A, W, b, samples, "tanh") == (whole(Z), whole(A_out))
            delta = whole(_short_rows_case(m, n, 1, 4)[0])                      # (samples, P·n)
            dW, db = B.conv_grads(delta, A, n)
            D = [flat(delta)[i:i + n] for i in range(0, m * n, n)]
            want_dW = [[sum(D[r][c] * A[r][j] for r in range(m)) / samples for j in range(k)] for c in range(n)]
            want_db = [[sum(D[r][c] for r in range(m)) / samples for c in range(n)]]
            for got, want in ((dW, want_dW), (db, want_db)):
                for g_row, w_row in zip(got, want):
                    assert all(abs(g - w) <= 1e-13 * (1 + abs(w)) for g, w in zip(g_row, w_row)), (m, k, n)
            assert Backend.conv_grads(B, delta, A, n) == (B.matmul_tn(D, A, 1.0 / samples),
                                                          B.sum_rows(D, 1.0 / samples))
