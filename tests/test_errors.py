"""Bad input gets a clear error that names the layer and both shapes."""

import math

import pytest

from tinynet import (BackendError, ConfigError, DataError, DataTypeError, Dense, Network, ShapeError, TinynetError,
                     get_backend, use)


@pytest.fixture
def net(default_backend):
    return Network([Dense(3, 4, "relu"), Dense(4, 2, "softmax")], loss="cross_entropy", backend=default_backend)


def test_input_width_names_the_layer_and_shapes(net):
    with pytest.raises(ShapeError) as error:
        net.predict([[1, 2], [3, 4]])
    text = str(error.value)
    assert "Dense layer 1" in text and "3 inputs" in text and "(2, 2)" in text
    assert isinstance(error.value, ValueError) and isinstance(error.value, TinynetError)


@pytest.mark.parametrize("X,kind,message", [
    ([], DataError, "empty"),
    ([[1, 2, 3], [1, 2]], DataError, "ragged"),
    ([[1, 2, "x"]], DataTypeError, "X[0][2] is 'x'"),
    ([[1, 2, math.nan]], DataError, "nan"),
    ([[1, 2, math.inf]], DataError, "inf"),
    ("abc", DataTypeError, "list of rows"),
    ([[1, 2, None]], DataTypeError, "not a number"),
])
def test_bad_inputs(net, X, kind, message):
    with pytest.raises(kind, match=None) as error:
        net.fit(X, [0] * max(1, len(X)), epochs=1, verbose=0)
    assert message in str(error.value)


@pytest.mark.parametrize("y,kind,message", [
    ([0, 2], DataError, "labels must be in 0…1"),
    ([0, 0.5], DataError, "whole numbers"),
    ([0], ShapeError, "1 targets but X has 2"),
    ([[1, 0, 0], [0, 1, 0]], ShapeError, "has 3 values but the output layer has 2"),
    ([0, "a"], DataTypeError, "not a number"),
])
def test_bad_labels(net, y, kind, message):
    with pytest.raises(kind) as error:
        net.fit([[1, 2, 3], [4, 5, 6]], y, epochs=1, verbose=0)
    assert message in str(error.value)


def test_layers_that_do_not_chain():
    with pytest.raises(ShapeError, match="Dense layer 2 .* expects 5 inputs but the layer before it gives 4"):
        Network([Dense(3, 4), Dense(5, 2)])


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="positive whole number"):
        Dense(0, 3)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        Dense(2, 3, "swish")
    with pytest.raises(ValueError, match="needs a softmax output"):
        Network([Dense(2, 3, "sigmoid")], loss="cross_entropy")
    with pytest.raises(ValueError, match="unknown loss"):
        Network([Dense(2, 3)], loss="hinge")


def test_binary_labels_must_be_0_or_1(default_backend):
    net = Network([Dense(2, 1, "sigmoid")], loss="logistic", backend=default_backend)
    with pytest.raises(DataError, match="labels 0 or 1"):
        net.fit([[0, 0], [1, 1]], [0, 2], epochs=1, verbose=0)


def test_unknown_backend_names_the_available_ones():
    with pytest.raises(BackendError) as error:
        use("cuda")
    assert "python" in str(error.value) and "opencl" in str(error.value)


def test_unavailable_backend_says_how_to_get_it(monkeypatch):
    import tinynet.backend as backend_module
    monkeypatch.setitem(backend_module._REGISTRY, "missing", "no_such_module_xyz:Backend")
    monkeypatch.setitem(backend_module._HOW_TO_GET, "missing", "pip install no-such-thing")
    with pytest.raises(BackendError, match="pip install no-such-thing"):
        get_backend("missing")


@pytest.mark.parametrize("epochs", [0, -3, 2.5])
def test_epochs_must_be_a_positive_whole_number(epochs):
    net = Network([Dense(2, 1)], seed=0)
    with pytest.raises(ConfigError, match="epochs must be a whole number of at least 1"):
        net.fit([[0.0, 1.0]], [0.5], epochs=epochs, verbose=0)
