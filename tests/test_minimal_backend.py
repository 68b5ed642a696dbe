"""A backend with only the primitives is a whole backend.

``minimal_backend.MinimalBackend`` implements ``PRIMITIVES`` and inherits
every fusion and hook from ``Backend``. Here it passes the conformance suite
(every test of ``test_backend_conformance`` is imported and runs on it) and
trains networks to the reference backend's numbers.
"""

import pytest

from helpers import assert_close
from minimal_backend import MinimalBackend
from test_backend_conformance import *  # noqa: F401,F403  (the suite, run on this module's backend)
from tinynet import Dense, Dropout, Network, backend as seam
from tinynet.datasets import load_digits8
from tinynet.errors import BackendError
from tinynet.python_backend import PythonBackend


@pytest.fixture
def backend():
    """The minimal backend, for every conformance test imported above."""
    return MinimalBackend()


def test_it_implements_the_primitives_and_nothing_more():
    own = {name for name in vars(MinimalBackend) if not name.startswith("_")} - {"name", "tolerance"}
    assert own == set(seam.PRIMITIVES)
    assert seam.missing_primitives(MinimalBackend) == []
    for name in seam.FUSIONS + seam.HOOKS:
        assert getattr(MinimalBackend, name) is getattr(seam.Backend, name), name


def test_the_tiers_do_not_overlap_and_the_reference_has_them_all():
    tiers = seam.PRIMITIVES + seam.FUSIONS + seam.HOOKS
    assert len(set(tiers)) == len(tiers)
    assert seam.missing_primitives(PythonBackend) == []
    assert seam.missing_primitives(seam.Backend) == list(seam.PRIMITIVES)


def test_a_backend_without_a_primitive_is_refused_by_name(monkeypatch):
    class NoProducts(MinimalBackend):
        matmul = matmul_nt = None

    import minimal_backend
    monkeypatch.setattr(minimal_backend, "NoProducts", NoProducts, raising=False)
    monkeypatch.setitem(seam._REGISTRY, "no-products", "minimal_backend:NoProducts")
    with pytest.raises(BackendError, match="does not implement the primitives matmul, matmul_nt"):
        seam.get_backend("no-products")


def test_it_can_be_registered_and_chosen_by_name(monkeypatch):
    monkeypatch.setitem(seam._REGISTRY, "minimal", "minimal_backend:MinimalBackend")
    monkeypatch.delitem(seam._instances, ("minimal", ()), raising=False)
    net = Network([Dense(2, 1, "sigmoid")], backend="minimal")
    assert isinstance(net.backend, MinimalBackend)


def _train(backend, layers, loss, X, y, **options):
    net = Network(layers(), loss=loss, seed=3, backend=backend)
    history = net.fit(X, y, verbose=0, **options)
    return net, history


XOR_X, XOR_Y = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_xor_trains_to_the_references_numbers(optimizer):
    def layers():
        return [Dense(2, 4, "tanh"), Dense(4, 1, "sigmoid")]
    lr = {"sgd": 0.5, "momentum": 0.2, "adam": 0.05}[optimizer]
    runs = [_train(B, layers, "logistic", XOR_X, XOR_Y, epochs=300, batch_size=2, lr=lr,
                   optimizer=optimizer, l2=1e-4) for B in (PythonBackend(), MinimalBackend())]
    (ref, ref_history), (net, history) = runs
    assert_close(net.get_weights(), ref.get_weights(), 1e-9, 1e-12)
    assert_close(history["loss"], ref_history["loss"], 1e-9, 1e-12)
    assert history["accuracy"] == ref_history["accuracy"]
    assert net.predict_classes(XOR_X) == ref.predict_classes(XOR_X) == XOR_Y


def test_digits_train_to_the_references_numbers():
    digits = load_digits8(scale=True)
    X, y = digits.X[:300], digits.y[:300]

    def layers():
        return [Dense(64, 24, "relu"), Dropout(0.2), Dense(24, 16, "sigmoid"), Dense(16, 10, "softmax")]
    runs = [_train(B, layers, "cross_entropy", X, y, epochs=4, batch_size=16, lr=0.3,
                   optimizer="momentum", validation_data=(digits.X[300:400], digits.y[300:400]))
            for B in (PythonBackend(), MinimalBackend())]
    (ref, ref_history), (net, history) = runs
    assert_close(net.get_weights(), ref.get_weights(), 1e-9, 1e-12)
    for key in ref_history.keys():
        assert_close(history[key], ref_history[key], 1e-9, 1e-12, key)
    assert ref_history["val_accuracy"][-1] > 0.5                 # it learned something
