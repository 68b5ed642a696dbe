"""Every activation × loss × layer combination agrees with finite differences."""

import random

import pytest

from tinynet import ACTIVATIONS, Dense, Dropout, Network, gradcheck
from tinynet.backend import get_backend
from tinynet.errors import BackendError

OUTPUTS = [("squared_error", a) for a in ACTIVATIONS] + [("mse", "linear"), ("mse", "sigmoid"),
                                                         ("cross_entropy", "softmax"), ("logistic", "sigmoid")]


def data(n_out, loss, m=5, n_in=3, seed=0):
    rng = random.Random(seed)
    X = [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(m)]
    if loss == "cross_entropy":
        y = [rng.randrange(n_out) for _ in range(m)]
    elif loss == "logistic":
        y = [rng.randrange(2) for _ in range(m)]
    else:
        y = [[rng.uniform(0.1, 0.9) for _ in range(n_out)] for _ in range(m)]
    return X, y


def tolerance(backend):
    return 1e-6 if backend.tolerance[0] < 1e-9 else 2e-2      # float64 vs float32 arithmetic


@pytest.fixture
def precise_backend(default_backend):
    """The run's backend, in its float64 mode where it has one (OpenCL with cl_khr_fp64).

    In float32 a central difference with h = 1e-5 changes the loss by less than
    float32 can resolve for gradients below about 1e-3, so it checks nothing.
    """
    if default_backend.tolerance[0] < 1e-9:
        return default_backend
    try:
        return get_backend(default_backend.name, dtype="float64")
    except (BackendError, TypeError) as error:
        pytest.skip("{} has no float64 mode ({}); float32 finite differences are too coarse "
                    "for a gradient check".format(default_backend.name, error))


@pytest.mark.parametrize("hidden", ACTIVATIONS)
@pytest.mark.parametrize("loss,output", OUTPUTS)
def test_dense_combinations(precise_backend, hidden, loss, output):
    n_out = 1 if loss == "logistic" else 3
    net = Network([Dense(3, 4, hidden), Dense(4, n_out, output)], loss=loss, seed=3, backend=precise_backend)
    X, y = data(n_out, loss)
    result = gradcheck(net, X, y, tolerance=tolerance(precise_backend))
    assert result.ok, str(result)


@pytest.mark.parametrize("loss,output", [("squared_error", "sigmoid"), ("cross_entropy", "softmax"),
                                         ("logistic", "sigmoid")])
def test_with_dropout_and_three_layers(precise_backend, loss, output):
    n_out = 1 if loss == "logistic" else 3
    net = Network([Dense(3, 6, "tanh"), Dropout(0.3), Dense(6, 5, "leaky_relu"), Dense(5, n_out, output)],
                  loss=loss, seed=5, backend=precise_backend)   # seed 4 drops a whole row: z = b = 0, the leaky_relu kink
    X, y = data(n_out, loss, m=8)
    result = gradcheck(net, X, y, tolerance=tolerance(precise_backend))
    assert result.ok, str(result)


def test_gradcheck_catches_a_wrong_gradient(precise_backend):
    net = Network([Dense(3, 4, "sigmoid"), Dense(4, 2, "sigmoid")], seed=0, backend=precise_backend)
    layer = net.layers[1]
    original = layer.delta_below
    layer.delta_below = lambda delta, below: net.backend.scale(original(delta, below), 1.5)   # a bug
    X, y = data(2, "squared_error")
    result = gradcheck(net, X, y)
    assert not result.ok
    assert "MISMATCH" in str(result) and "layer 1 W" in result.errors


# === Convolutional layers ===================================================
# A Dense layer comes first, so that every image layer's ∂E/∂a_prev (the
# adjoint gather, the max gate) reaches weights the check looks at.

from tinynet import AvgPool2D, Conv2D, Flatten, MaxPool2D  # noqa: E402
from tinynet.conv import ImageLayer  # noqa: E402

IMAGE_STACKS = {
    "conv3": lambda: [Conv2D(2, 3, 3, activation="tanh")],
    "conv3_pad1": lambda: [Conv2D(2, 3, 3, padding=1, activation="sigmoid")],
    "conv2_stride2": lambda: [Conv2D(2, 2, 2, stride=2, activation="tanh")],
    "conv3_stride2_pad2": lambda: [Conv2D(2, 2, 3, stride=2, padding=2, activation="leaky_relu")],
    "conv1": lambda: [Conv2D(2, 3, 1, activation="linear")],
    "conv_conv": lambda: [Conv2D(2, 3, 3, padding=1, activation="tanh"), Conv2D(3, 2, 2, stride=2)],
    "maxpool2": lambda: [Conv2D(2, 3, 3, padding=1, activation="tanh"), MaxPool2D(2)],
    "maxpool3_stride1": lambda: [Conv2D(2, 2, 2, activation="tanh"), MaxPool2D(3, stride=1)],
    "maxpool2_stride1": lambda: [MaxPool2D(2, stride=1), Conv2D(2, 2, 3, activation="tanh")],
    "avgpool2": lambda: [Conv2D(2, 3, 3, padding=1, activation="relu"), AvgPool2D(2)],
    "avgpool3_stride2": lambda: [AvgPool2D(3, stride=2), Conv2D(2, 2, 2, activation="sigmoid")],
    "lenet": lambda: [Conv2D(2, 4, 3, padding=1, activation="tanh"), MaxPool2D(2), Dropout(0.2),
                      Conv2D(4, 3, 2, activation="tanh")],
}


def _flat_width(layers):
    """The width of the image layers' output (wired as a Network would)."""
    shape = width = None
    for layer in layers:
        if isinstance(layer, ImageLayer):
            layer.connect(shape, width)
            shape, width = layer.out_shape, layer.n_out
    return width


@pytest.mark.parametrize("stack", sorted(IMAGE_STACKS))
def test_conv_layers(precise_backend, stack):
    layers = IMAGE_STACKS[stack]()
    layers[0].input_shape = (2, 6, 5)
    width = _flat_width(layers)
    net = Network([Dense(3, 60, "tanh")] + layers + [Flatten(), Dense(width, 3, "softmax")],
                  loss="cross_entropy", seed=2, backend=precise_backend)
    X, y = data(3, "cross_entropy", m=4)
    result = gradcheck(net, X, y, tolerance=tolerance(precise_backend), max_entries=60)
    assert result.ok, str(result)
    assert len(result.errors) == 2 * (2 + sum(isinstance(layer, Conv2D) for layer in layers))
