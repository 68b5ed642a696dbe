"""Loaders for the data sets shipped inside tinynet (nothing is downloaded).

loader                    rows   features  target            fixed test split
------------------------  -----  --------  ----------------  ----------------
``load_boston()``           506  12 (13)   MEDV in $1000s    no
``load_digits16()``       9,298  256       digit 0-9         4,649 / 4,649
``load_digits8()``        1,797  64        digit 0-9         no
``load_iris()``             150  4         3 species         no
``load_wine()``             178  13        3 cultivars       no
``load_breast_cancer()``    569  30        malignant/benign  no

Every loader returns a fresh `Dataset`, so you may change its lists freely:

>>> iris = load_iris()
>>> len(iris.X), len(iris.X[0]), iris.target_names[iris.y[0]]
(150, 4, 'setosa')

The files are read once and kept in memory (``functools.lru_cache``); each
call copies the rows. Sources, licences and citations are in each data set's
``description`` and in ``tinynet/datasets/data/SOURCES.md``.
"""

import csv
import functools
import gzip
import os

from . import descriptions
from .dataset import Dataset

__all__ = ["load_boston", "load_digits16", "load_digits8", "load_iris",
           "load_wine", "load_breast_cancer", "DATA_DIR"]

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

_DIGIT_NAMES = [str(d) for d in range(10)]


# === Reading the files ===

@functools.lru_cache(maxsize=None)
def _read_table(filename):
    """Read a bundled CSV file once: ``(header, rows)``, rows of floats.

    The result is cached and made of tuples so nobody can change the cached
    copy; loaders turn it into fresh lists. Equal cell texts share one float
    object, which keeps the 2.4 million cells of the USPS file small.
    """
    path = os.path.join(DATA_DIR, filename)
    if filename.endswith(".gz"):
        handle = gzip.open(path, "rt", newline="", encoding="ascii")
    else:
        handle = open(path, newline="", encoding="ascii")
    floats = {}
    with handle:
        reader = csv.reader(handle)
        header = tuple(next(reader))
        rows = []
        for cells in reader:
            row = []
            for text in cells:
                if text not in floats:
                    floats[text] = float(text)
                row.append(floats[text])
            rows.append(tuple(row))
    return header, tuple(rows)


def _split_label(filename):
    """Read a classification file whose last column is ``label``.

    Returns ``(feature_names, X, y)`` as fresh lists.
    """
    header, rows = _read_table(filename)
    X = [list(row[:-1]) for row in rows]
    y = [int(row[-1]) for row in rows]
    return list(header[:-1]), X, y


# === Regression ===

def load_boston(include_B=False):
    """Boston house prices: 506 rows x 12 features -> MEDV in $1000s.

    Column ``B`` is left out by default: it encodes a racially motivated
    assumption (see the description). Pass ``include_B=True`` to get all
    13 original features, e.g. to reproduce older results.

    >>> boston = load_boston()
    >>> len(boston.X[0]), "B" in boston.feature_names, boston.target_names
    (12, False, ['MEDV'])
    """
    header, rows = _read_table("boston_housing.csv")
    keep = [i for i, name in enumerate(header[:-1])
            if include_B or name != "B"]
    X = [[row[i] for i in keep] for row in rows]
    y = [row[-1] for row in rows]
    text = descriptions.BOSTON if include_B else descriptions.BOSTON_WITHOUT_B
    return Dataset("boston", X, y,
                   feature_names=[header[i] for i in keep],
                   target_names=["MEDV"], task="regression",
                   description=text)


# === Digits ===

def load_digits16():
    """USPS digits: 16x16 binary images (256 inputs, ink = 1) -> digit 0-9.

    Comes with a fixed split: ``X``/``y`` are the 4,649 training digits and
    ``X_test``/``y_test`` the 4,649 test digits.
    """
    header, rows = _read_table("usps_16x16_binary.csv.gz")
    # Columns: p000..p255, label, is_test.
    X, y, X_test, y_test = [], [], [], []
    for row in rows:
        pixels, label = list(row[:256]), int(row[256])
        if row[257] == 1.0:
            X_test.append(pixels)
            y_test.append(label)
        else:
            X.append(pixels)
            y.append(label)
    return Dataset("digits16", X, y, X_test=X_test, y_test=y_test,
                   feature_names=list(header[:256]),
                   target_names=list(_DIGIT_NAMES), task="classification",
                   description=descriptions.DIGITS16)


def load_digits8(scale=False):
    """UCI optical digits: 8x8 images (64 inputs, 0..16) -> digit 0-9.

    With ``scale=True`` every pixel is divided by 16, so inputs lie in [0, 1].

    >>> max(max(row) for row in load_digits8(scale=True).X)
    1.0
    """
    names, X, y = _split_label("optdigits_8x8.csv.gz")
    if scale:
        X = [[value / 16.0 for value in row] for row in X]
        note = "scaled here to [0, 1] by dividing by 16"
    else:
        note = "unscaled; load_digits8(scale=True) divides by 16"
    # DIGITS8 is a template with one {scale} slot.
    return Dataset("digits8", X, y, feature_names=names,
                   target_names=list(_DIGIT_NAMES), task="classification",
                   description=descriptions.DIGITS8.format(scale=note))


# === Small tables ===

def load_iris():
    """Fisher's iris flowers: 150 rows x 4 measurements (cm) -> 3 species."""
    names, X, y = _split_label("iris.csv")
    return Dataset("iris", X, y, feature_names=names,
                   target_names=["setosa", "versicolor", "virginica"],
                   task="classification", description=descriptions.IRIS)


def load_wine():
    """UCI wine: 178 rows x 13 chemical measurements -> 3 cultivars."""
    names, X, y = _split_label("wine.csv")
    return Dataset("wine", X, y, feature_names=names,
                   target_names=["cultivar_1", "cultivar_2", "cultivar_3"],
                   task="classification", description=descriptions.WINE)


def load_breast_cancer():
    """Breast cancer Wisconsin: 569 rows x 30 features -> malignant/benign."""
    names, X, y = _split_label("breast_cancer_wisconsin.csv.gz")
    return Dataset("breast_cancer", X, y, feature_names=names,
                   target_names=["malignant", "benign"],
                   task="classification",
                   description=descriptions.BREAST_CANCER)
