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
