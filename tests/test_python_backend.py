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
