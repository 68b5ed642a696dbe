"""Test helpers: nested-list comparison with stated tolerances, naive references."""

import math
import random


def assert_close(actual, expected, rel=1e-9, abs_=1e-12, where="value"):
    """Walk nested lists; fail at the first entry off by more than abs_ + rel·|expected|."""
    if isinstance(expected, (list, tuple)):
        assert isinstance(actual, (list, tuple)), "{}: expected a list, got {!r}".format(where, actual)
        assert len(actual) == len(expected), "{}: length {} != {}".format(where, len(actual), len(expected))
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, rel, abs_, "{}[{}]".format(where, i))
        return
    a, e = float(actual), float(expected)
    if math.isnan(e):
        assert math.isnan(a), "{}: expected NaN, got {}".format(where, a)
        return
    err = abs(a - e)
    assert err <= abs_ + rel * abs(e), "{}: got {!r}, expected {!r} (abs error {:.3g}, rel error {:.3g})".format(
        where, a, e, err, err / abs(e) if e else float("inf"))


def random_matrix(rows, cols, seed=0, low=-1.0, high=1.0):
    rng = random.Random(seed)
    return [[rng.uniform(low, high) for _ in range(cols)] for _ in range(rows)]


def naive_matmul(A, B):
    return [[sum(A[i][k] * B[k][j] for k in range(len(B))) for j in range(len(B[0]))]
            for i in range(len(A))]


def transpose(A):
    return [list(r) for r in zip(*A)]
