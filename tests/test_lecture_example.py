"""The lecture's worked example: a 2-2-2-2 sigmoid network, by layers and by neurons."""

import pytest

from tinynet import Dense, Network, Neuron

LECTURE_WEIGHTS = [
    ([[1, -2], [-1, 1]], [1, 0]),
    ([[2, -1], [-2, -1]], [0, 0]),
    ([[3, -1], [-1, 4]], [-2, 2]),
]
CLAIMS = [([1, -1], [0.62, 0.83]), ([0, 0], [0.51, 0.85])]


def lecture_network(backend=None):
    net = Network([Dense(2, 2, "sigmoid"), Dense(2, 2, "sigmoid"), Dense(2, 2, "sigmoid")], backend=backend)
    for layer, (W, b) in zip(net.dense_layers, LECTURE_WEIGHTS):
        layer.set_weights(W, b)
    return net


@pytest.mark.parametrize("x,expected", CLAIMS)
def test_worked_example_by_layers(default_backend, x, expected):
    out = lecture_network(default_backend).predict(x)
    assert [round(a, 2) for a in out] == expected


@pytest.mark.parametrize("x,expected", CLAIMS)
def test_worked_example_by_neurons(x, expected):
    layers = [[Neuron(w, b_j, "sigmoid") for w, b_j in zip(W, b)] for W, b in LECTURE_WEIGHTS]
    a = x
    for neurons in layers:
        a = [neuron(a) for neuron in neurons]       # a_k = g(w_k·a + b_k)
    assert [round(v, 2) for v in a] == expected


def test_network_from_neurons_and_neuron_views(default_backend):
    layers = [Dense.from_neurons([Neuron(w, b_j, "sigmoid") for w, b_j in zip(W, b)])
              for W, b in LECTURE_WEIGHTS]
    net = Network(layers, backend=default_backend)
    assert [round(a, 2) for a in net.predict([1, -1])] == [0.62, 0.83]
    unit = net.layers[0].neuron(0)                  # row 0 of W is neuron 0's weights
    assert unit.w == [1.0, -2.0] and unit.b == 1.0
    assert round(unit([1, -1]), 4) == round(1 / (1 + 2.718281828459045 ** -4), 4)
    assert len(net.layers[2].neurons()) == 2


def test_weight_shapes_follow_the_lecture(default_backend):
    net = Network([Dense(3, 5), Dense(5, 2)], backend=default_backend)
    W, b = net.layers[0].get_weights()
    assert (len(W), len(W[0]), len(b)) == (5, 3, 5)   # W[l] = (n[l], n[l-1])
    assert net.count_parameters() == 5 * 4 + 2 * 6
    assert "Dense" in net.summary() and "32 parameters" in net.summary()
