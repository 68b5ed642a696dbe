"""Checking data at the door, so a mistake gets a message instead of a wrong answer.

Inputs X must be a non-empty list of rows of equal length, all finite numbers.
Targets y are class labels (whole numbers 0 … n_classes−1), numbers (for one
regression output), or rows of numbers (one per output).
"""

import math
from numbers import Real

from .errors import DataError, DataTypeError, ShapeError

__all__ = ["check_inputs", "check_targets"]


def _is_number(x):
    return isinstance(x, Real) and not isinstance(x, bool)


_PLAIN_NUMBERS = {int, float}


def _all_finite_numbers(row):
    """A quick test that passes only rows of finite ints and floats (the common case).

    The sum of such a row is finite exactly when no entry is NaN or infinite
    (barring overflow, which the slow entry-by-entry check then clears).
    """
    return set(map(type, row)) <= _PLAIN_NUMBERS and math.isfinite(sum(row))


def check_inputs(X, n_in, layer_name, what="X"):
    """Return X as a list of lists of floats, or raise a clear error.

    A single sample given as a flat list of numbers is accepted too
    (the second value returned says so).
    """
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise DataTypeError("{} must be a list of rows (one list of numbers per sample), "
                            "got {}{}".format(what, type(X).__name__, _csv_hint(X)))
    if len(X) == 0:
        raise DataError("{} is empty: there is nothing to compute with".format(what))
    single = all(_is_number(x) for x in X)
    rows = [X] if single else X
    width = None
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
            raise DataTypeError("{}[{}] is {!r}, not a row of numbers{}".format(what, i, row, _csv_hint(row)))
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise DataError("{} has ragged rows: row 0 has {} values but row {} has {}".format(
                what, width, i, len(row)))
        if not _all_finite_numbers(row):
            for j, x in enumerate(row):
                if not _is_number(x):
                    raise DataTypeError("{}[{}][{}] is {!r}, not a number{}".format(what, i, j, x, _csv_hint(x)))
                if not math.isfinite(x):
                    raise DataError("{}[{}][{}] is {}: remove or fill in missing and infinite values "
                                    "before training".format(what, i, j, x))
    if width != n_in:
        raise ShapeError("{} expects {} inputs per sample, but {} has shape ({}, {})".format(
            layer_name, n_in, what, len(rows), width))
    return rows, single


def check_targets(y, n_rows, n_out, classification, what="y"):
    """Return targets as rows of n_out floats (labels become one-hot rows)."""
    if isinstance(y, (str, bytes)) or not hasattr(y, "__len__"):
        raise DataTypeError("{} must be a list (labels, numbers or rows), got {}".format(
            what, type(y).__name__))
    if len(y) != n_rows:
        raise ShapeError("{} has {} targets but X has {} samples".format(what, len(y), n_rows))
    if len(y) and _is_number(y[0]):
        for i, t in enumerate(y):                 # one label or number per sample
            if not _is_number(t):
                raise DataTypeError("{}[{}] is {!r}, not a number (like {}[0]){}".format(
                    what, i, t, what, _csv_hint(t)))
    if all(_is_number(t) for t in y):
        if classification and n_out > 1:
            return [_one_hot(t, n_out, what, i) for i, t in enumerate(y)]
        if n_out != 1:
            raise ShapeError("{} holds single numbers but the output layer has {} units: give one "
                             "row of {} numbers per sample".format(what, n_out, n_out))
        rows = [[t] for t in y]
    else:
        rows = y
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
            raise DataTypeError("{}[{}] is {!r}, not a number or a row of numbers{}".format(
                what, i, row, _csv_hint(row)))
        if len(row) != n_out:
            raise ShapeError("{}[{}] has {} values but the output layer has {} units".format(
                what, i, len(row), n_out))
        for t in row:
            if not _is_number(t):
                raise DataTypeError("{}[{}] contains {!r}, not a number".format(what, i, t))
            if not math.isfinite(t):
                raise DataError("{}[{}] contains {}: targets must be finite numbers".format(what, i, t))
            if classification and n_out == 1 and t not in (0, 1):
                raise DataError("{}[{}] is {}: a logistic (binary) output needs labels 0 or 1".format(
                    what, i, t))
        out.append([float(t) for t in row])
    return out


def _csv_hint(value):
    """A pointer to load_csv when the data are text, as csv.reader gives them."""
    if not isinstance(value, (str, bytes)):
        return ""
    return (". Text read from a CSV file? tinynet.datasets.load_csv(path, target=...) turns its "
            "numbers into floats and its class names into labels 0 … k−1")


def _one_hot(label, n_classes, what, i):
    if label != int(label):
        raise DataError("{}[{}] is {!r}: class labels must be whole numbers".format(what, i, label))
    label = int(label)
    if not 0 <= label < n_classes:
        raise DataError("{}[{}] is {}: labels must be in 0…{} for {} output units".format(
            what, i, label, n_classes - 1, n_classes))
    row = [0.0] * n_classes
    row[label] = 1.0
    return row
