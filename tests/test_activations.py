"""One definition of each activation: exact where it matters, shared by a
Neuron and by a Dense layer on the reference backend."""

import math
from fractions import Fraction

import pytest

from tinynet import Dense, Network, activations
from tinynet.layers import Neuron
from tinynet.python_backend import PythonBackend


def exact_sigmoid(z):
    """1 / (1 + e^(−z)) to 17 digits, from an e^(−z) that is exact to double precision."""
    return float(1 / (1 + Fraction(math.exp(-z)))) if z > -709 else math.exp(z)


@pytest.mark.parametrize("z", [-745.0, -709.5, -700.0, -100.0, -40.0, -37.0, -30.0, -1.0, -1e-9,
                               0.0, 1e-9, 0.5, 30.0, 40.0, 800.0])
def test_sigmoid_is_right_to_the_last_digits_everywhere(z):
    assert activations.sigmoid(z) == pytest.approx(exact_sigmoid(z), rel=4e-16, abs=0.0)


def test_sigmoid_of_minus_40_is_not_zero():
    """½ + ½·tanh(z/2) loses every digit there; the quotient keeps them."""
    assert activations.sigmoid(-40.0) == pytest.approx(4.248354255291589e-18, rel=1e-15)
    assert activations.sigmoid(-1000.0) == 0.0 and activations.sigmoid(1000.0) == 1.0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_a_neuron_and_the_same_unit_of_a_dense_layer_agree_to_the_bit(name):
    weights = [[-40.0, 3.0, 0.5], [2.0, -1.0, 0.25], [0.1, 0.2, -0.3]]
    biases = [-3.0, 0.0, 0.7]
    inputs = [[1.0, -1.0, 2.0], [0.75, -11.0, 0.0], [-0.3, 0.01, 5.0]]
    layer = Dense.from_neurons([Neuron(w, b, name) for w, b in zip(weights, biases)])
    net = Network([layer], backend=PythonBackend())
    for x, outputs in zip(inputs, net.predict(inputs)):
        for j, (w, b) in enumerate(zip(weights, biases)):
            neuron = Neuron(w, b, name)
            assert neuron(x) == outputs[j]
            assert layer.neuron(j)(x) == outputs[j]


def test_the_backend_applies_the_activations_module():
    B = PythonBackend()
    Z = [[-40.0, -3.0, 0.0, 2.5]]
    for name in ("sigmoid", "tanh", "relu", "linear"):
        A = B.activation(name, Z)
        assert A == [[activations.g(name)(z) for z in Z[0]]]
        G = [[1.0, -2.0, 0.5, 3.0]]
        assert B.activation_grad(name, Z, A, G) == [
            [g * activations.g_prime(name)(z) for g, z in zip(G[0], Z[0])]]
    assert B.activation("softmax", Z) == [activations.softmax(Z[0])]
