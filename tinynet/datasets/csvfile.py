"""Your own data: a CSV file read into a `Dataset`.

One column is the target t; every other column is an input and must hold
numbers.  The target decides the task: a column with any text in it holds
class names, which become the labels 0 … k−1 (in sorted order, the names kept
in ``target_names``); a column of numbers is a regression target, unless
``task="classification"`` says its numbers are classes.

>>> import io
>>> text = '''height,weight,kind
... 1.2,30,cat
... 1.9,80,dog
... 1.1,25,cat
... '''
>>> d = load_csv(io.StringIO(text), target="kind")
>>> d
Dataset('data', classification, 3 rows x 2 features, 2 classes)
>>> d.X[1], d.y, d.target_names
([1.9, 80.0], [0, 1, 0], ['cat', 'dog'])

Anything else gets a ``DataError`` that names the line and the column:

>>> load_csv(io.StringIO("a,b\\n1,2\\nx,3\\n"), target="b")
Traceback (most recent call last):
  ...
tinynet.errors.DataError: line 3, column 'a': 'x' is not a number (every column but the target must hold numbers)
"""

import csv
import io
import math
import os

from ..errors import DataError
from .dataset import Dataset

__all__ = ["load_csv", "MISSING"]

#: Cell texts read as a missing value (compared without case and spaces).
MISSING = ("", "na", "n/a", "nan", "null", "none", "?", "-")

_DELIMITERS = ",;\t"


def load_csv(path, target=-1, header="auto", task="auto", missing="error", delimiter=None,
             name=None, encoding="utf-8-sig"):
    """Read a CSV file into a `Dataset`: every column but ``target`` is an input.

    path       a file name, or an open text file
    target     the target column: its name in the header, or its index (0 is the
               first column, −1 the last; default −1)
    header     "auto": the first line is a header when it has text where the
               next line has a number (or text in every cell); True or False
    task       "auto": text in the target column means classes, numbers mean
               regression; "classification" or "regression" to say which
    missing    "error": a missing value (an empty cell, NA, NaN, ?, …) stops
               with a DataError naming its line and column; "drop": leave out
               the rows that have one (the description says how many)
    delimiter  None: guessed among comma, semicolon and tab
    name       the data set's name (default: the file name without .csv)
    encoding   of the file (default UTF-8, with or without the mark some
               spreadsheets write first)

    Class labels are 0 … k−1 for the class names in sorted order (numbers in
    numeric order); ``target_names[label]`` gives the name back.
    """
    if task not in ("auto", "classification", "regression"):
        raise ValueError("task must be 'auto', 'classification' or 'regression', got {!r}".format(task))
    if missing not in ("error", "drop"):
        raise ValueError("missing must be 'error' or 'drop', got {!r}".format(missing))
    text, source = _read_text(path, encoding)
    lines = _rows(text, delimiter)
    if not lines:
        raise DataError("{} is empty: there is no header and no data".format(source))
    if header == "auto":
        header = _looks_like_header(lines)
    if header:
        names = [cell.strip() for cell in lines[0][1]]
        lines = lines[1:]
    else:
        names = ["column {}".format(j + 1) for j in range(len(lines[0][1]))]
    if not lines:
        raise DataError("{} has a header but no rows of data".format(source))
    t = _target_index(target, names, bool(header))
    data, dropped = _cells(lines, names, t, missing)
    if not data:
        raise DataError("{}: every row has a missing value, so none is left".format(source))
    X = [[float(cells[j]) for j in range(len(names)) if j != t] for _, cells in data]
    y, target_names, task = _targets([cells[t] for _, cells in data], names[t], task,
                                     [line for line, _ in data])
    feature_names = [n for j, n in enumerate(names) if j != t]
    if name is None:
        name = os.path.splitext(os.path.basename(source))[0] if source != "the CSV text" else "data"
    description = "Read from {}: {} rows, {} input columns, target {!r} ({}).".format(
        source, len(X), len(feature_names), names[t],
        "{} classes: {}".format(len(target_names), ", ".join(target_names))
        if task == "classification" else "regression")
    if dropped:
        description += "\n{} row{} with missing values left out (lines {}).".format(
            len(dropped), "" if len(dropped) == 1 else "s", _line_list(dropped))
    return Dataset(name, X, y, feature_names, target_names, task, description)


# === Reading ================================================================

def _read_text(path, encoding):
    if hasattr(path, "read"):                     # an open file, or io.StringIO
        source = getattr(path, "name", None)
        return path.read(), source if isinstance(source, str) else "the CSV text"
    if not isinstance(path, (str, os.PathLike)):
        raise DataError("load_csv needs a file name or an open file, got {}".format(type(path).__name__))
    try:
        with open(path, newline="", encoding=encoding) as handle:
            return handle.read(), os.fspath(path)
    except OSError as error:
        raise DataError("cannot read {}: {}".format(path, error.strerror or error)) from None
    except UnicodeDecodeError as error:
        raise DataError("{} is not {} text ({}); pass encoding=… (e.g. 'latin-1')".format(
            path, encoding, error.reason)) from None


def _rows(text, delimiter):
    """[(line number, cells)] for every line that is not blank."""
    if delimiter is None:
        sample = "\n".join(text.splitlines()[:20])
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append((reader.line_num, cells))
    return rows


def _number(text):
    """The float in ``text``, or None (for text and for missing values)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _is_missing(text):
    return text.strip().lower() in MISSING


def _looks_like_header(lines):
    first = lines[0][1]
    if len(lines) == 1:
        return all(_number(cell) is None for cell in first)
    second = lines[1][1]
    if all(_number(cell) is None and not _is_missing(cell) for cell in first):
        return True
    return any(_number(a) is None and not _is_missing(a) and _number(b) is not None
               for a, b in zip(first, second))


def _target_index(target, names, has_header):
    if isinstance(target, str):
        if not has_header:
            raise DataError("target={!r} names a column, but the file has no header line; give the "
                            "column's index instead (0 is the first, −1 the last)".format(target))
        if target not in names:
            raise DataError("there is no column {!r}; the columns are: {}".format(
                target, ", ".join(names)))
        return names.index(target)
    if isinstance(target, int) and not isinstance(target, bool):
        if not -len(names) <= target < len(names):
            raise DataError("target={} is not a column: the file has {} columns (0 … {}, or −1 for "
                            "the last)".format(target, len(names), len(names) - 1))
        return target % len(names)
    raise DataError("target must be a column name or index, got {!r}".format(target))


def _cells(lines, names, t, missing):
    """The rows to keep as (line, cells), checked; and the lines dropped."""
    kept, dropped = [], []
    for line, cells in lines:
        if len(cells) != len(names):
            raise DataError("line {} has {} cells but there are {} columns ({})".format(
                line, len(cells), len(names), ", ".join(names)))
        gaps = [j for j, cell in enumerate(cells) if _is_missing(cell)]
        if gaps:
            if missing == "drop":
                dropped.append(line)
                continue
            j = gaps[0]
            raise DataError("line {}, column {!r}: missing value ({!r}). Fill it in, or pass "
                            "missing='drop' to leave out the rows that have one".format(
                                line, names[j], cells[j]))
        for j, cell in enumerate(cells):
            if j != t and _number(cell) is None:
                raise DataError("line {}, column {!r}: {!r} is not a number (every column but the "
                                "target must hold numbers)".format(line, names[j], cell))
        kept.append((line, cells))
    return kept, dropped


def _targets(cells, column, task, lines):
    """(y, target_names, task) from the target column's cells."""
    values = [_number(cell) for cell in cells]
    numeric = all(v is not None for v in values)
    if task == "regression" and not numeric:
        bad = next(i for i, v in enumerate(values) if v is None)
        raise DataError("line {}, column {!r}: {!r} is not a number, and a regression target must "
                        "be one".format(lines[bad], column, cells[bad]))
    if task == "auto":
        task = "regression" if numeric else "classification"
    if task == "regression":
        return values, [column], task
    if numeric:                                   # numbers used as class names: numeric order
        classes = sorted(set(values))
        names = [_number_text(v) for v in classes]
        index = {v: k for k, v in enumerate(classes)}
        return [index[v] for v in values], names, task
    texts = [cell.strip() for cell in cells]
    names = sorted(set(texts))
    index = {name: k for k, name in enumerate(names)}
    return [index[text] for text in texts], names, task


def _number_text(value):
    return str(int(value)) if value == int(value) else repr(value)


def _line_list(lines, most=10):
    shown = ", ".join(str(line) for line in lines[:most])
    return shown + (", …" if len(lines) > most else "")
