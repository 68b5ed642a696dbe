"""Data for tinynet: bundled data sets, generated toy sets, and helpers.

Everything here is plain Python lists, read from files inside the package
or made from a seed, so it works offline and gives the same numbers on every
machine.

=================  ======================================================
module             public names
=================  ======================================================
``bundled``        ``load_boston``, ``load_digits16``, ``load_digits8``,
                   ``load_iris``, ``load_wine``, ``load_breast_cancer``
``generators``     ``xor``, ``two_spirals``, ``two_moons``, ``circles``,
                   ``sine``, ``steps``, ``bumps``
``preprocessing``  ``train_test_split``, ``Standardizer``, ``one_hot``,
                   ``minibatches``
``csvfile``        ``load_csv`` (your own data, from a CSV file)
``dataset``        ``Dataset`` (what every loader returns)
=================  ======================================================

>>> from tinynet import datasets
>>> sorted(datasets.DATASETS)
['boston', 'breast_cancer', 'digits16', 'digits8', 'iris', 'wine']
>>> datasets.load("wine")
Dataset('wine', classification, 178 rows x 13 features, 3 classes)
"""

from .bundled import (load_boston, load_breast_cancer, load_digits16,
                      load_digits8, load_iris, load_wine)
from .csvfile import load_csv
from .dataset import Dataset
from .generators import (bumps, circles, sine, steps, two_moons, two_spirals,
                         xor)
from .preprocessing import Standardizer, minibatches, one_hot, train_test_split

__all__ = [
    "Dataset", "DATASETS", "load", "load_csv",
    "load_boston", "load_digits16", "load_digits8", "load_iris", "load_wine",
    "load_breast_cancer",
    "xor", "two_spirals", "two_moons", "circles", "sine", "steps", "bumps",
    "train_test_split", "Standardizer", "one_hot", "minibatches",
]

# Name -> loader for every bundled data set.
DATASETS = {
    "boston": load_boston,
    "digits16": load_digits16,
    "digits8": load_digits8,
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
}


def load(name, **options):
    """Load a bundled data set by name; ``options`` go to its loader.

    >>> load("boston", include_B=True).feature_names[11]
    'B'
    """
    if name not in DATASETS:
        raise ValueError("unknown data set %r; available: %s"
                         % (name, ", ".join(sorted(DATASETS))))
    return DATASETS[name](**options)
