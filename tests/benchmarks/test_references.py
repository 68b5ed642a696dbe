"""The per-neuron pure-Python references of the benchmarks are correct, and alike.

``ref-tutorial`` (tinynet.benchmarks.tutorial) and ``ref-naive``
(tinynet.benchmarks.naive) must train the same network the same way, so that
the benchmark compares implementations, not algorithms: from the same seed
they compute the same numbers.  Ordinary tests (no pytest-benchmark needed).
"""

import importlib.util
import math
import os
import platform
import random

import pytest

from tinynet.benchmarks.cases import cases
from tinynet.benchmarks.naive import NaiveNetwork
from tinynet.benchmarks.report import pure_python_lines, text_report
from tinynet.benchmarks.tutorial import TutorialNetwork, activate, softmax


def _blobs(n=60, n_in=4, classes=3, seed=1):
    """Three noisy clusters: a small classification problem (inputs, one-hot targets)."""
    rng = random.Random(seed)
    centres = [[rng.uniform(-2, 2) for _ in range(n_in)] for _ in range(classes)]
    X, T = [], []
    for i in range(n):
        k = i % classes
        X.append([c + rng.gauss(0, 0.5) for c in centres[k]])
        T.append([1.0 if j == k else 0.0 for j in range(classes)])
    return X, T


def _regression(n=40, n_in=3, seed=2):
    rng = random.Random(seed)
    X = [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n)]
    return X, [[math.sin(x[0]) + 0.5 * x[1] - x[2] * x[2]] for x in X]


PROBLEMS = {
    "softmax": (_blobs, (4, 5, 3), ["sigmoid", "softmax"], "cross_entropy", 0.5),
    "linear": (_regression, (3, 6, 1), ["sigmoid", "linear"], "squared_error", 0.1),
}


def test_activate_puts_the_bias_last_and_softmax_sums_to_one():
    assert activate([0.5, 2.0, 1.0], [1.0, 1.0]) == 3.5
    out = softmax([1000.0, 1001.0, 999.0])          # stable for large z
    assert abs(sum(out) - 1.0) < 1e-12 and out[1] == max(out)


@pytest.mark.parametrize("kind", sorted(PROBLEMS))
def test_tutorial_network_loss_falls(kind):
    make, sizes, activations, loss, lr = PROBLEMS[kind]
    X, T = make()
    net = TutorialNetwork(sizes, activations, loss=loss, seed=0)
    before = net.mean_loss(X, T)
    losses = [net.train_epoch(X, T, lr, 0.9, 8) for _ in range(5)]
    after = net.mean_loss(X, T)
    assert all(math.isfinite(v) for v in losses)
    assert after < 0.7 * before, (before, losses, after)


@pytest.mark.parametrize("kind", sorted(PROBLEMS))
def test_tutorial_network_computes_what_the_naive_one_does(kind):
    make, sizes, activations, loss, lr = PROBLEMS[kind]
    X, T = make()
    tutorial = TutorialNetwork(sizes, activations, loss=loss, seed=3)
    naive = NaiveNetwork(sizes, activations, loss=loss, seed=3)

    def same_outputs():
        for x in X:
            a, b = tutorial.forward(x), naive.forward(x)
            assert len(a) == len(b)
            assert all(abs(p - q) <= 1e-12 for p, q in zip(a, b)), (a, b)

    same_outputs()                                  # the same initialisation
    assert abs(tutorial.mean_loss(X, T) - naive.mean_loss(X, T)) <= 1e-12
    order = list(range(len(X)))
    random.Random(4).shuffle(order)
    for _ in range(2):                              # ... and the same training steps
        got = tutorial.train_epoch(X, T, lr, 0.9, 8, order)
        want = naive.train_epoch(X, T, lr, 0.9, 8, order)
        assert abs(got - want) <= 1e-12 * max(1.0, abs(want))
    same_outputs()


def test_both_per_neuron_references_are_in_the_epoch_groups():
    for group in ("epoch_digits", "epoch_boston"):
        ids = [c.id for c in cases([group])]
        assert "ref-tutorial" in ids and "ref-naive" in ids, ids
    assert "ref-tutorial" not in [c.impl for c in cases(["dense_step"])]


def test_the_boston_epoch_of_the_tutorial_reference_runs_and_is_checked():
    case = [c for c in cases(["epoch_boston"], impls=["ref-tutorial"])][0]
    prepared = case.prepare()
    result = prepared.run()
    prepared.check(result)                          # finite, and below the initial loss
    assert prepared.info["impl"] == "ref-tutorial" and prepared.info["reference"]
    assert prepared.info["samples"] == 506 and prepared.info["dtype"] == "float64"


def _rows(**seconds):
    return [{"group": "epoch_digits", "impl": impl.replace("_", "-"), "seconds": s, "samples": 1600}
            for impl, s in seconds.items()]


def test_pure_python_lines_compare_with_each_per_neuron_reference():
    lines = pure_python_lines(_rows(python=2.0, ref_tutorial=4.1, ref_naive=3.0))
    assert len(lines) == 3
    assert lines[0].startswith("pure Python, digits MLP epoch: 800 samples/s on this machine (")
    assert "for comparison 943 samples/s on a 2-core Intel Xeon VM" in lines[0]
    assert lines[1] == ("  tinynet python ran 2.05× as fast as the tutorial-style per-neuron network "
                        "(390 samples/s)")
    assert lines[2] == ("  tinynet python ran 1.50× as fast as the careful per-neuron network "
                        "(533 samples/s)")
    only_naive = pure_python_lines(_rows(python=2.0, ref_naive=3.0))
    assert len(only_naive) == 2 and "careful per-neuron network" in only_naive[1]
    assert pure_python_lines(_rows(ref_tutorial=4.0)) == []
    report = text_report(_rows(python=2.0, ref_tutorial=4.1))
    assert "the tutorial-style per-neuron network" in report
    for word in ("target", "NOT met", "issue"):               # it speaks of the user's machine
        assert word not in report


def test_the_pure_python_line_names_the_interpreter(monkeypatch):
    monkeypatch.setattr(platform, "python_implementation", lambda: "PyPy")
    monkeypatch.setattr(platform, "python_version", lambda: "3.9.16")
    line = pure_python_lines(_rows(python=2.0))[0]
    assert "samples/s on this machine (PyPy 3.9.16, " in line


def test_count_instructions_runs_every_implementation():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "count_instructions.py")
    spec = importlib.util.spec_from_file_location("count_instructions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for impl in module.IMPLS:
        module.main(0, impl)                        # builds the data and the network
    with pytest.raises(SystemExit):
        module.main(0, "nonsense")
