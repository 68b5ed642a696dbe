"""Checking data at the door, so a mistake gets a message instead of a wrong answer.

Inputs X must be a non-empty list (or tuple) of rows of equal length, every
entry a finite number that fits in a float. Targets y are class labels
(whole numbers 0 … n_classes−1), numbers (for one regression output), or
rows of numbers (one per output). Cross-entropy target rows are
probabilities (entries in [0, 1] that sum to 1). NumPy arrays are read with
their ``tolist()``. ``True``/``False`` count as the numbers 1 and 0.

The check is cheap: one ``math.fsum`` per row, which turns every entry into
a float in C and is NaN or infinite (or raises) exactly when the row holds
something that is not a finite float-sized number. Only then is the row
walked entry by entry, to name the bad one.

>>> check_inputs([[1, 2.5]], 2, "Dense layer 1")
([[1, 2.5]], False)
>>> check_inputs([[1, float("nan")]], 2, "Dense layer 1")
Traceback (most recent call last):
...
tinynet.errors.DataError: X[0][1] is nan: remove or fill in missing and infinite values before training
"""

import math
import reprlib
from collections.abc import Sequence
from numbers import Real

from .errors import ConfigError, DataError, DataTypeError, ShapeError

__all__ = ["check_inputs", "check_targets", "check_outputs", "check_layers"]

_ROW_TYPES = (list, tuple)
_NOT_ROWS = (str, bytes, bytearray, dict, set, frozenset)
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 3, 40, 40


def _show(value):
    """A short text for any value: never deep, never long."""
    return _SHORT.repr(value)


def _as_sequence(value, what, expected):
    """``value`` as a list/tuple (NumPy arrays via tolist()), or DataTypeError."""
    if type(value) in _ROW_TYPES:
        return value
    if not isinstance(value, _NOT_ROWS) and hasattr(value, "tolist"):     # a NumPy array or scalar
        value = value.tolist()
        if type(value) in _ROW_TYPES:
            return value
    if isinstance(value, Sequence) and not isinstance(value, _NOT_ROWS):
        return value
    raise DataTypeError("{} must be {}, got {}{}".format(what, expected, _describe(value), _csv_hint(value)))


def _describe(value):
    kind = type(value).__name__
    if isinstance(value, (str, bytes, dict, set, frozenset)) or not hasattr(value, "__len__"):
        return "{} {}".format(kind, _show(value))
    return "a {}".format(kind)


def _csv_hint(value):
    """A pointer to load_csv when the data are text, as csv.reader gives them."""
    if not isinstance(value, (str, bytes)):
        return ""
    return (". Text read from a CSV file? tinynet.datasets.load_csv(path, target=...) turns its "
            "numbers into floats and its class names into labels 0 … k−1")


def _is_number(x):
    return isinstance(x, Real)


def _finite_row(row):
    """True when every entry of ``row`` is a finite number that fits in a float.

    ``math.fsum`` converts each entry to a float (a string, None or a list
    raises TypeError, an int over 1.8e308 raises OverflowError) and its
    exact sum is NaN or infinite when an entry is; a row of large finite
    numbers whose sum overflows is cleared by the slow path.
    """
    try:
        return math.isfinite(math.fsum(row))
    except (TypeError, ValueError, OverflowError):
        return False


def _bad_entry(row, where, what_for):
    """Raise the error for the first entry of ``row`` that is not a finite number."""
    for j, x in enumerate(row):
        label = "{}[{}]".format(where, j)
        if isinstance(x, (str, bytes, bytearray)) or not _is_number(x):
            raise DataTypeError("{} is {}, not a number{}".format(label, _show(x), _csv_hint(x)))
        try:
            value = float(x)
        except OverflowError:
            raise DataError("{} is {}: too large for a float (the limit is about 1.8e308)".format(
                label, _show(x))) from None
        if not math.isfinite(value):
            raise DataError("{} is {}: {}".format(label, value, what_for))


def check_inputs(X, n_in, layer_name, what="X"):
    """Return X as a list of rows of finite numbers, or raise a clear error.

    A single sample given as a flat list of numbers is accepted too
    (the second value returned says so).
    """
    X = _as_sequence(X, what, "a list of rows (one list of numbers per sample)")
    if len(X) == 0:
        raise DataError("{} is empty: there is nothing to compute with".format(what))
    single = _is_number(X[0])
    rows = [X] if single else X
    converted = None                       # a copy of X, made only if a row must be converted
    width = None
    for i, row in enumerate(rows):
        if type(row) not in _ROW_TYPES:
            row = _as_sequence(row, "{}[{}]".format(what, i), "a row of numbers")
            if converted is None:
                converted = list(rows)
            converted[i] = row
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise DataError("{} has ragged rows: row 0 has {} values but row {} has {}".format(
                what, width, i, len(row)))
        if not _finite_row(row):
            where = what if single else "{}[{}]".format(what, i)
            _bad_entry(row, where, "remove or fill in missing and infinite values before training")
    if converted is not None:
        rows = converted
    if width != n_in:
        raise ShapeError("{} expects {} inputs per sample, but {} has shape ({}, {})".format(
            layer_name, n_in, what, len(rows), width))
    return rows, single


def check_targets(y, n_rows, n_out, classification, what="y", loss=None):
    """Return targets as rows of n_out floats (labels become one-hot rows).

    ``loss`` "cross_entropy" asks for probability rows (entries in [0, 1]
    summing to 1); "logistic" for entries in [0, 1] (labels 0 or 1 for one
    output).
    """
    y = _as_sequence(y, what, "a list (labels, numbers or rows)")
    if len(y) != n_rows:
        raise ShapeError("{} has {} targets but X has {} samples".format(what, len(y), n_rows))
    first = y[0] if len(y) else None
    if first is not None and type(first) not in _ROW_TYPES and not hasattr(first, "__len__"):
        return _number_targets(y, n_out, classification, what)
    out = []
    for i, row in enumerate(y):
        row = _as_sequence(row, "{}[{}]".format(what, i), "a row of numbers, like {}[0]".format(what))
        if len(row) != n_out:
            raise ShapeError("{}[{}] has {} values but the output layer has {} units".format(
                what, i, len(row), n_out))
        if not _finite_row(row):
            _bad_entry(row, "{}[{}]".format(what, i), "targets must be finite numbers")
        row = [float(t) for t in row]
        if classification:
            _check_class_row(row, n_out, loss, "{}[{}]".format(what, i))
        out.append(row)
    return out


def _number_targets(y, n_out, classification, what):
    """One label or number per sample."""
    if not _finite_row(y):
        for i, t in enumerate(y):
            if isinstance(t, (str, bytes, bytearray)) or not _is_number(t):
                raise DataTypeError("{}[{}] is {}, not a number (like {}[0]){}".format(
                    what, i, _show(t), what, _csv_hint(t)))
        _bad_entry(y, what, "targets must be finite numbers")
    if classification and n_out > 1:
        return _one_hot_rows(y, n_out, what)
    if n_out != 1:
        raise ShapeError("{} holds single numbers but the output layer has {} units: give one "
                         "row of {} numbers per sample".format(what, n_out, n_out))
    if classification:
        for i, t in enumerate(y):
            if t != 0 and t != 1:
                raise DataError("{}[{}] is {}: a logistic (binary) output needs labels 0 or 1".format(
                    what, i, _show(t)))
    return [[float(t)] for t in y]


def _one_hot_rows(y, n_classes, what):
    """Labels 0 … n_classes−1 as one-hot rows; whole numbers only."""
    if not set(map(type, y)) <= {int}:                 # floats like 2.0 are fine if whole
        for i, t in enumerate(y):
            if float(t) != int(t):
                raise DataError("{}[{}] is {}: class labels must be whole numbers".format(what, i, _show(t)))
    labels = [int(t) for t in y]
    low, high = min(labels), max(labels)
    if low < 0 or high >= n_classes:
        i = next(i for i, t in enumerate(labels) if not 0 <= t < n_classes)
        raise DataError("{}[{}] is {}: labels must be in 0…{} for {} output units".format(
            what, i, labels[i], n_classes - 1, n_classes))
    zeros = [0.0] * n_classes
    rows = []
    for label in labels:
        row = zeros[:]
        row[label] = 1.0
        rows.append(row)
    return rows


def _check_class_row(row, n_out, loss, where):
    if loss == "logistic" and n_out == 1:
        if row[0] not in (0.0, 1.0):
            raise DataError("{} is {}: a logistic (binary) output needs labels 0 or 1".format(where, row[0]))
        return
    if min(row) < 0.0 or max(row) > 1.0:
        raise DataError("{} is {}: targets for a {} loss are probabilities, each in [0, 1]".format(
            where, _show(row), loss or "classification"))
    if loss == "cross_entropy" and abs(math.fsum(row) - 1.0) > 1e-6:
        raise DataError("{} sums to {:.6g}: cross-entropy targets must sum to 1 (one-hot rows, "
                        "or give class labels 0…{})".format(where, math.fsum(row), n_out - 1))


def check_outputs(rows, what="the network's outputs"):
    """Raise DataError if an output is NaN or infinite (an input too large for the weights)."""
    for i, row in enumerate(rows):
        if not _finite_row(row):
            raise DataError("{} for sample {} are {}: the inputs are too large for this network's "
                            "weights (scale them, e.g. with a Standardizer)".format(what, i, _show(row)))
    return rows


def check_layers(layers):
    """The layers of a Network: a non-empty list of Layer objects."""
    from .layers import Layer
    if isinstance(layers, (str, bytes, dict, set, frozenset)) or not isinstance(layers, (list, tuple)):
        raise ConfigError("a Network needs a list of layers, got {}".format(_describe(layers)))
    if not layers:
        raise ConfigError("a Network needs at least one layer")
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise ConfigError("layers[{}] is {}, not a layer (Dense, Dropout, ...)".format(i, _show(layer)))
    return list(layers)
