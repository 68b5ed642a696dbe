"""The reference backend's own promises: fast idioms where the interpreter has them."""

import math

from tinynet import python_backend


def test_uses_math_sumprod_where_python_has_it():
    if hasattr(math, "sumprod"):
        assert python_backend._dot is math.sumprod
    else:
        assert python_backend._dot([1.0, 2.0], [3.0, 4.0]) == 11.0


def test_rows_are_replaced_not_changed_in_place():
    B = python_backend.PythonBackend()
    X = B.array([[1.0, 2.0], [3.0, 4.0]])
    batch = B.take_rows(X, [1])
    row = X[1]
    B.sgd_step(X, B.array([[1.0, 1.0], [1.0, 1.0]]), 0.5)
    assert row == [3.0, 4.0] and batch == [[3.0, 4.0]]      # the batch still sees the old row
    assert X == [[0.5, 1.5], [2.5, 3.5]]
