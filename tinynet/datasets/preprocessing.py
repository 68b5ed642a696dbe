"""Getting data ready for a network: split, standardise, one-hot, batch.

==============================================  ===============================
name                                            what it does
==============================================  ===============================
``train_test_split(X, y, test_fraction, ...)``  random (optionally stratified)
                                                train/test split
``Standardizer``                                ``(x - mean) / std`` per column,
                                                fitted on training data only
``one_hot(labels, n_classes)``                  ``2 -> [0, 0, 1]``
``minibatches(X, y, batch_size, ...)``          yields ``(X_batch, y_batch)``
==============================================  ===============================

All of them work on plain lists and never change their inputs.
"""

import math
import random

__all__ = ["train_test_split", "Standardizer", "one_hot", "minibatches"]


def _check_pair(X, y):
    """Raise ``ValueError`` unless X and y are non-empty and equally long."""
    if len(X) != len(y):
        raise ValueError("X has %d rows but y has %d entries"
                         % (len(X), len(y)))
    if len(X) == 0:
        raise ValueError("X and y are empty")


# === Splitting ===

def train_test_split(X, y, test_fraction=0.25, seed=0, stratify=False):
    """Shuffle the rows and split them: ``X_train, X_test, y_train, y_test``.

    ``round(test_fraction * n)`` rows go to the test set (at least one, and at
    least one row stays for training). With ``stratify=True`` each class of
    ``y`` is split on its own, so both parts keep the class proportions.

    >>> X = [[float(i)] for i in range(8)]
    >>> y = [0, 0, 0, 0, 1, 1, 1, 1]
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, test_fraction=0.5, stratify=True)
    >>> sorted(y_test)
    [0, 0, 1, 1]
    """
    _check_pair(X, y)
    if not 0.0 < test_fraction < 1.0:
        raise ValueError("test_fraction must be between 0 and 1, got %r"
                         % (test_fraction,))
    if len(X) < 2:
        raise ValueError("need at least 2 rows to split, got %d" % len(X))
    rng = random.Random(seed)
    if stratify:
        groups = {}
        for i, label in enumerate(y):
            groups.setdefault(label, []).append(i)
        # Sorted class order keeps the result independent of dict order.
        index_groups = [groups[label] for label in sorted(groups)]
    else:
        index_groups = [list(range(len(X)))]
    train, test = [], []
    for indices in index_groups:
        rng.shuffle(indices)
        n_test = int(round(test_fraction * len(indices)))
        if not stratify:
            n_test = min(max(n_test, 1), len(indices) - 1)
        test.extend(indices[:n_test])
        train.extend(indices[n_test:])
    if not test or not train:
        raise ValueError("test_fraction=%r leaves one part empty; use a "
                         "larger data set or another fraction" % (test_fraction,))
    rng.shuffle(train)
    rng.shuffle(test)
    return ([list(X[i]) for i in train], [list(X[i]) for i in test],
            [y[i] for i in train], [y[i] for i in test])


# === Scaling ===

class Standardizer:
    """Rescale each column to mean 0 and standard deviation 1.

    Fit on the training set, then apply the *same* mean and std to the test
    set (fitting on test data would leak information about it). A column
    with zero variance gets std 1, so it becomes all zeros.

    >>> s = Standardizer()
    >>> s.fit_transform([[1.0, 5.0], [3.0, 5.0]])
    [[-1.0, 0.0], [1.0, 0.0]]
    >>> s.inverse_transform([[0.0, 0.0]])
    [[2.0, 5.0]]
    """

    def __init__(self):
        self.mean = None  # one entry per column, set by fit()
        self.std = None

    def fit(self, X):
        """Learn each column's mean and (population) standard deviation."""
        if len(X) == 0:
            raise ValueError("cannot fit on an empty X")
        n, n_cols = len(X), len(X[0])
        for row in X:
            if len(row) != n_cols:
                raise ValueError("rows have different lengths: %d and %d"
                                 % (n_cols, len(row)))
        self.mean = [sum(row[j] for row in X) / n for j in range(n_cols)]
        self.std = []
        for j in range(n_cols):
            var = sum((row[j] - self.mean[j]) ** 2 for row in X) / n
            std = math.sqrt(var)
            self.std.append(std if std > 1e-12 else 1.0)
        return self

    def _check(self, X):
        if self.mean is None:
            raise ValueError("this Standardizer is not fitted: call fit(X) first")
        for row in X:
            if len(row) != len(self.mean):
                raise ValueError("fitted on %d columns, got a row with %d"
                                 % (len(self.mean), len(row)))

    def transform(self, X):
        """Return new rows ``(x - mean) / std``."""
        self._check(X)
        return [[(v - m) / s for v, m, s in zip(row, self.mean, self.std)]
                for row in X]

    def fit_transform(self, X):
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X):
        """Undo ``transform``: return new rows ``x * std + mean``."""
        self._check(X)
        return [[v * s + m for v, m, s in zip(row, self.mean, self.std)]
                for row in X]

    def __repr__(self):
        if self.mean is None:
            return "Standardizer(not fitted)"
        return "Standardizer(%d columns)" % len(self.mean)


# === Targets and batches ===

def one_hot(labels, n_classes=None):
    """Turn class labels into one-hot rows of floats.

    ``n_classes`` defaults to ``max(labels) + 1``.

    >>> one_hot([0, 2, 1])
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    labels = list(labels)
    for label in labels:
        if not isinstance(label, int) or isinstance(label, bool):
            raise ValueError("labels must be ints, got %r" % (label,))
    if n_classes is None:
        if not labels:
            raise ValueError("give n_classes when labels is empty")
        n_classes = max(labels) + 1
    for label in labels:
        if not 0 <= label < n_classes:
            raise ValueError("label %d is out of range for %d classes "
                             "(0..%d)" % (label, n_classes, n_classes - 1))
    rows = []
    for label in labels:
        row = [0.0] * n_classes
        row[label] = 1.0
        rows.append(row)
    return rows


def minibatches(X, y, batch_size, shuffle=True, seed=0):
    """Yield ``(X_batch, y_batch)`` pairs that together cover every row once.

    The last batch is smaller when ``batch_size`` does not divide the number
    of rows. Pass a different ``seed`` each epoch (e.g. the epoch number) to
    get a different order each time.

    >>> [yb for _, yb in minibatches([[0], [1], [2]], [0, 1, 2], 2,
    ...                              shuffle=False)]
    [[0, 1], [2]]
    """
    # Check now, not when the first batch is asked for.
    _check_pair(X, y)
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError("batch_size must be a positive integer, got %r"
                         % (batch_size,))
    order = list(range(len(X)))
    if shuffle:
        random.Random(seed).shuffle(order)
    return _batches(X, y, order, batch_size)


def _batches(X, y, order, batch_size):
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        yield [X[i] for i in chunk], [y[i] for i in chunk]
