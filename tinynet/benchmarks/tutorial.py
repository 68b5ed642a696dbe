"""The reference as the "backpropagation from scratch" tutorials write it.

Typical tutorial code keeps a dict per neuron and loops per weight.  The
other per-neuron reference, ``naive.NaiveNetwork`` (``ref-naive``), is a
careful version of that code (its inner loops are ``for w, x in zip(...)``, which
tutorials rarely write) and costs noticeably less (18.32 M instructions per
sample).  This module is that typical code, written in the tutorials' own
idioms (23.79 M instructions per sample, measured with
tests/benchmarks/count_instructions.py on 2026-11-22):

* the network is a list of layers, a layer a list of neuron dicts, and the
  bias is the last entry of ``neuron['weights']``;
* ``activate(weights, inputs)`` sums with ``for i in range(...)`` and
  ``weights[i] * inputs[i]``; ``transfer`` and ``transfer_derivative`` are
  helper functions called once per neuron;
* ``backward_propagate_error`` walks the layers backwards with
  ``for j in range(len(layer))`` and ``neuron['weights'][j] * neuron['delta']``;
* gradients and the weight update are index loops ``for j in range(len(inputs))``
  that look up the neuron's dict entries inside the loop.

Nothing in it is slowed on purpose (no sleeps, no repeated work).  It trains
the same network the same way as ``ref-naive`` and the benchmarks' tinynet
runs (Glorot-uniform initialisation, drawn as ``NaiveNetwork`` draws it;
mini-batches with gradients summed over the batch, then one momentum step
v ← μ·v − η·g/m, w ← w + v; softmax + cross-entropy, or a linear output with
½Σ(a − t)²), so ``tinynet python / ref-tutorial`` compares implementations,
not algorithms: from the same seed it computes the same numbers as
``NaiveNetwork``.

>>> activate([0.5, 2.0, 1.0], [1.0, 1.0])      # 0.5·1 + 2·1, plus the bias (the last weight)
3.5
>>> net = TutorialNetwork([2, 3, 2], ["sigmoid", "softmax"], seed=0)
>>> out = net.forward([0.5, -0.5])
>>> len(out), round(sum(out), 12)
(2, 1.0)
"""

import math
import random

__all__ = ["TutorialNetwork", "initialize_network", "activate", "transfer", "transfer_derivative",
           "softmax", "forward_propagate", "backward_propagate_error", "accumulate_gradients",
           "update_weights"]


def initialize_network(sizes, seed=0):
    """A list of layers; each neuron a dict: its weights (the bias last), gradients and velocities.

    Weights are uniform in ±√(6 / (n_in + n_out)) drawn neuron by neuron, biases 0
    (the same draws, in the same order, as ``NaiveNetwork``)."""
    rng = random.Random(seed)
    network = list()
    for n_inputs, n_neurons in zip(sizes[:-1], sizes[1:]):
        limit = math.sqrt(6.0 / (n_inputs + n_neurons))
        layer = list()
        for _ in range(n_neurons):
            weights = [rng.uniform(-limit, limit) for i in range(n_inputs)]
            weights.append(0.0)                          # the bias
            layer.append({"weights": weights,
                          "gradients": [0.0] * (n_inputs + 1),
                          "velocity": [0.0] * (n_inputs + 1)})
        network.append(layer)
    return network


def activate(weights, inputs):
    """z = b + Σ_i w_i·x_i (the bias is the last weight)."""
    activation = weights[-1]
    for i in range(len(weights) - 1):
        activation += weights[i] * inputs[i]
    return activation


def transfer(activation):
    """The sigmoid: 1 / (1 + e^−z)."""
    return 1.0 / (1.0 + math.exp(-activation))


def transfer_derivative(output):
    """The sigmoid's derivative from its output: a·(1 − a)."""
    return output * (1.0 - output)


def softmax(activations):
    """e^(z_k − max z) / Σ_j e^(z_j − max z)."""
    top = max(activations)
    exps = [math.exp(z - top) for z in activations]
    total = sum(exps)
    return [e / total for e in exps]


def forward_propagate(network, kinds, row):
    """Each neuron's output: transfer(activate(...)) for "sigmoid", z itself for "linear";
    a "softmax" layer normalises its neurons' z.  Returns the last layer's outputs."""
    inputs = row
    for i in range(len(network)):
        layer = network[i]
        new_inputs = []
        for neuron in layer:
            activation = activate(neuron["weights"], inputs)
            if kinds[i] == "sigmoid":
                neuron["output"] = transfer(activation)
            else:
                neuron["output"] = activation
            new_inputs.append(neuron["output"])
        if kinds[i] == "softmax":
            new_inputs = softmax(new_inputs)
            for j in range(len(layer)):
                layer[j]["output"] = new_inputs[j]
        inputs = new_inputs
    return inputs


def backward_propagate_error(network, kinds, expected):
    """Each neuron's delta: a − t at the output (softmax + cross-entropy, or a linear
    output with squared error); error · g'(z) below, error_j = Σ_k w_kj·δ_k."""
    for i in reversed(range(len(network))):
        layer = network[i]
        errors = list()
        if i != len(network) - 1:
            for j in range(len(layer)):
                error = 0.0
                for neuron in network[i + 1]:
                    error += neuron["weights"][j] * neuron["delta"]
                errors.append(error)
            for j in range(len(layer)):
                neuron = layer[j]
                if kinds[i] == "sigmoid":
                    neuron["delta"] = errors[j] * transfer_derivative(neuron["output"])
                else:
                    neuron["delta"] = errors[j]
        else:
            for j in range(len(layer)):
                neuron = layer[j]
                errors.append(neuron["output"] - expected[j])
            for j in range(len(layer)):
                layer[j]["delta"] = errors[j]


def accumulate_gradients(network, row):
    """Add this sample's ∂E/∂w = δ·input to each weight's gradient (and δ to the bias's)."""
    for i in range(len(network)):
        inputs = row
        if i != 0:
            inputs = [neuron["output"] for neuron in network[i - 1]]
        for neuron in network[i]:
            for j in range(len(inputs)):
                neuron["gradients"][j] += neuron["delta"] * inputs[j]
            neuron["gradients"][-1] += neuron["delta"]


def update_weights(network, l_rate, momentum, batch_size):
    """One momentum step from the summed gradients: v ← μ·v − η·g/m, w ← w + v; gradients cleared."""
    step = l_rate / batch_size
    for layer in network:
        for neuron in layer:
            for j in range(len(neuron["weights"])):
                neuron["velocity"][j] = momentum * neuron["velocity"][j] - step * neuron["gradients"][j]
                neuron["weights"][j] += neuron["velocity"][j]
                neuron["gradients"][j] = 0.0


def sample_loss(outputs, expected, loss):
    """−Σ t·log a (cross-entropy), or ½Σ(a − t)²."""
    total = 0.0
    if loss == "cross_entropy":
        for i in range(len(expected)):
            if expected[i]:
                total -= expected[i] * math.log(max(outputs[i], 1e-300))
        return total
    for i in range(len(expected)):
        total += (outputs[i] - expected[i]) ** 2
    return 0.5 * total


class TutorialNetwork:
    """The tutorial functions behind ``NaiveNetwork``'s interface (``forward``,
    ``train_epoch``, ``mean_loss``), for the benchmarks."""

    def __init__(self, sizes, activations, loss="cross_entropy", seed=0):
        self.kinds = list(activations)
        self.loss = loss
        self.network = initialize_network(sizes, seed)

    def forward(self, row):
        """The network's outputs for one sample."""
        return forward_propagate(self.network, self.kinds, row)

    def train_epoch(self, X, T, lr, mu=0.9, batch_size=32, order=None):
        """One pass over (X, T) in mini-batches; returns the mean loss."""
        order = list(range(len(X))) if order is None else order
        sum_error = 0.0
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            for i in batch:
                outputs = forward_propagate(self.network, self.kinds, X[i])
                sum_error += sample_loss(outputs, T[i], self.loss)
                backward_propagate_error(self.network, self.kinds, T[i])
                accumulate_gradients(self.network, X[i])
            update_weights(self.network, lr, mu, len(batch))
        return sum_error / len(order)

    def mean_loss(self, X, T):
        """The mean loss over (X, T), without training."""
        sum_error = 0.0
        for i in range(len(X)):
            sum_error += sample_loss(forward_propagate(self.network, self.kinds, X[i]), T[i], self.loss)
        return sum_error / len(X)
