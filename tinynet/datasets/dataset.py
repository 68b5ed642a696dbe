"""The `Dataset` record that every loader returns.

A `Dataset` is a plain container: inputs `X` as a list of rows (each a list of
floats), targets `y`, an optional fixed test split, names for the columns and
the targets, and a human-readable description with source and licence.  The
bundled loaders, the generated sets and ``load_csv`` (your own file) all
return one, so ``net.fit(d.X, d.y)`` works on any of them, and
``d.target_names[label]`` turns a predicted class back into its name.

>>> d = Dataset("toy", X=[[0.0], [1.0]], y=[0, 1], feature_names=["x"],
...             target_names=["no", "yes"], task="classification")
>>> d
Dataset('toy', classification, 2 rows x 1 features, 2 classes)
>>> d.n_features
1
"""

__all__ = ["Dataset"]


class Dataset:
    """A data set: inputs, targets, names and a description.

    Attributes:
        name: short name, e.g. ``"iris"``.
        X: list of rows; each row is a list of floats (one per feature).
        y: targets, one per row: ``int`` class labels for classification,
            ``float`` values for regression.
        X_test, y_test: a fixed test split, or ``None`` where the data set
            has none (use ``train_test_split`` then).
        feature_names: one name per column of ``X``.
        target_names: the class names (label ``k`` is ``target_names[k]``)
            for classification, or ``[name of the target]`` for regression.
        task: ``"classification"`` or ``"regression"``.
        description: several lines: size, columns, target, source, licence
            and citation.
    """

    def __init__(self, name, X, y, feature_names, target_names, task,
                 description="", X_test=None, y_test=None):
        if task not in ("classification", "regression"):
            raise ValueError("task must be 'classification' or 'regression', "
                             "got %r" % (task,))
        if len(X) != len(y):
            raise ValueError("X has %d rows but y has %d" % (len(X), len(y)))
        if (X_test is None) != (y_test is None):
            raise ValueError("give both X_test and y_test, or neither")
        self.name = name
        self.X = X
        self.y = y
        self.X_test = X_test
        self.y_test = y_test
        self.feature_names = feature_names
        self.target_names = target_names
        self.task = task
        self.description = description

    @property
    def n_features(self):
        """Number of input columns (length of one row of ``X``)."""
        return len(self.feature_names)

    @property
    def n_classes(self):
        """Number of classes, or ``None`` for a regression task."""
        if self.task == "classification":
            return len(self.target_names)
        return None

    def __repr__(self):
        size = "%d rows x %d features" % (len(self.X), self.n_features)
        if self.X_test is not None:
            size = "%d train + %d test rows x %d features" % (
                len(self.X), len(self.X_test), self.n_features)
        if self.task == "classification":
            target = "%d classes" % self.n_classes
        else:
            target = "target %s" % self.target_names[0]
        return "Dataset(%r, %s, %s, %s)" % (self.name, self.task, size, target)
