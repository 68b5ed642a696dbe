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


def test_neuron_views_are_live(default_backend):
    """layer.neuron(j) reads the layer's current row j and writes back into it."""
    net = Network([Dense(2, 3, "tanh"), Dense(3, 1, "sigmoid")], loss="logistic", seed=3,
                  backend=default_backend)
    layer = net.layers[0]
    unit = layer.neuron(1)
    before = list(unit.w)
    net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0], epochs=5, batch_size=4, lr=0.5, verbose=0)
    W, b = layer.get_weights()
    assert unit.w == W[1] != before and unit.b == b[1]          # sees the trained weights
    assert layer.neuron(-1).w == W[2]
    unit.w[0] = 0.25                                            # one weight, written through
    unit.b = -1.5
    W, b = layer.get_weights()
    assert abs(W[1][0] - 0.25) < 1e-7 and abs(b[1] + 1.5) < 1e-7
    assert abs(unit([1.0, 2.0]) - Neuron(W[1], b[1], "tanh")([1.0, 2.0])) < 1e-6
    unit.w = [1.0, 2.0]
    assert [round(x, 6) for x in layer.get_weights()[0][1]] == [1.0, 2.0]
    assert layer.get_weights()[0][0] == W[0]                    # the other rows untouched
    unit.w.reverse()                                            # in-place changes write through
    assert [round(x, 6) for x in layer.get_weights()[0][1]] == [2.0, 1.0]
    with pytest.raises(ValueError, match="unit 1 needs 2 weights"):
        unit.w = [1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match="cannot grow or shrink"):
        unit.w.append(1.0)
    with pytest.raises(IndexError, match="units 0…2"):
        layer.neuron(3)


def test_weight_shapes_follow_the_lecture(default_backend):
    net = Network([Dense(3, 5), Dense(5, 2)], backend=default_backend)
    W, b = net.layers[0].get_weights()
    assert (len(W), len(W[0]), len(b)) == (5, 3, 5)   # W[l] = (n[l], n[l-1])
    assert net.count_parameters() == 5 * 4 + 2 * 6
    assert "Dense" in net.summary() and "32 parameters" in net.summary()
