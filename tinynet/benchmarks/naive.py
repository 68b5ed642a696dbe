"""The reference a student would write first: one dict per neuron, a loop per weight.

This is the network of the "backpropagation from scratch" tutorials: a layer
is a list of neurons, a neuron a dict with its weights, bias, output and
delta, and every sum is a Python ``for`` loop over the weights.  It is not
made slow on purpose: it trains the same network the same way as the
benchmarks' tinynet runs (mini-batches of 32, momentum, the same losses),
so ``tinynet python / ref-naive`` compares implementations, not algorithms.

>>> net = NaiveNetwork([2, 3, 2], ["sigmoid", "softmax"], seed=0)
>>> out = net.forward([0.5, -0.5])
>>> len(out), round(sum(out), 12)
(2, 1.0)
"""

import math
import random

__all__ = ["NaiveNetwork"]


class NaiveNetwork:
    """Layers of neuron dicts; ``train_epoch`` does one pass of mini-batch momentum SGD."""

    def __init__(self, sizes, activations, loss="cross_entropy", seed=0):
        rng = random.Random(seed)
        self.activations = list(activations)
        self.loss = loss
        self.layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            limit = math.sqrt(6.0 / (n_in + n_out))
            layer = []
            for _ in range(n_out):
                layer.append({
                    "weights": [rng.uniform(-limit, limit) for _ in range(n_in)],
                    "bias": 0.0,
                    "grad_w": [0.0] * n_in, "grad_b": 0.0,
                    "vel_w": [0.0] * n_in, "vel_b": 0.0,
                    "z": 0.0, "output": 0.0, "delta": 0.0,
                })
            self.layers.append(layer)

    def forward(self, inputs):
        """Each neuron: z = Σ_j w_j·x_j + b, output = g(z)."""
        for layer, activation in zip(self.layers, self.activations):
            outputs = []
            for neuron in layer:
                z = neuron["bias"]
                for w, x in zip(neuron["weights"], inputs):
                    z += w * x
                neuron["z"] = z
                outputs.append(z)
            if activation == "softmax":
                top = max(outputs)
                exps = [math.exp(z - top) for z in outputs]
                total = sum(exps)
                outputs = [e / total for e in exps]
            elif activation == "sigmoid":
                outputs = [1.0 / (1.0 + math.exp(-z)) for z in outputs]
            for neuron, out in zip(layer, outputs):
                neuron["output"] = out
            inputs = outputs
        return inputs

    def backward(self, inputs, target):
        """Deltas from the output back, and add each weight's gradient δ_k·a_j; returns the loss."""
        outputs = [neuron["output"] for neuron in self.layers[-1]]
        if self.loss == "cross_entropy":       # softmax + cross-entropy: delta = a − t
            loss = -sum(t * math.log(max(a, 1e-300)) for a, t in zip(outputs, target) if t)
        else:                                  # ½Σ(a − t)², linear output: delta = a − t
            loss = 0.5 * sum((a - t) ** 2 for a, t in zip(outputs, target))
        for neuron, a, t in zip(self.layers[-1], outputs, target):
            neuron["delta"] = a - t
        for index in range(len(self.layers) - 2, -1, -1):
            activation = self.activations[index]
            above = self.layers[index + 1]
            for j, neuron in enumerate(self.layers[index]):
                error = 0.0
                for other in above:
                    error += other["weights"][j] * other["delta"]
                a = neuron["output"]
                neuron["delta"] = error * (a * (1.0 - a) if activation == "sigmoid" else 1.0)
        for index, layer in enumerate(self.layers):
            previous = inputs if index == 0 else [n["output"] for n in self.layers[index - 1]]
            for neuron in layer:
                delta = neuron["delta"]
                grad = neuron["grad_w"]
                for j, a in enumerate(previous):
                    grad[j] += delta * a
                neuron["grad_b"] += delta
        return loss

    def update(self, lr, mu, batch_size):
        """Momentum: v ← μ·v − η·g/m;  w ← w + v, for every weight; clears the gradients."""
        scale = lr / batch_size
        for layer in self.layers:
            for neuron in layer:
                weights, grad, vel = neuron["weights"], neuron["grad_w"], neuron["vel_w"]
                for j in range(len(weights)):
                    vel[j] = mu * vel[j] - scale * grad[j]
                    weights[j] += vel[j]
                    grad[j] = 0.0
                neuron["vel_b"] = mu * neuron["vel_b"] - scale * neuron["grad_b"]
                neuron["bias"] += neuron["vel_b"]
                neuron["grad_b"] = 0.0

    def train_epoch(self, X, T, lr, mu=0.9, batch_size=32, order=None):
        """One pass over (X, T) in mini-batches; returns the mean loss."""
        order = list(range(len(X))) if order is None else order
        total = 0.0
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            for i in batch:
                self.forward(X[i])
                total += self.backward(X[i], T[i])
            self.update(lr, mu, len(batch))
        return total / len(order)

    def mean_loss(self, X, T):
        """The mean loss over (X, T), without training."""
        total = 0.0
        for x, t in zip(X, T):
            out = self.forward(x)
            if self.loss == "cross_entropy":
                total -= sum(tk * math.log(max(a, 1e-300)) for a, tk in zip(out, t) if tk)
            else:
                total += 0.5 * sum((a - tk) ** 2 for a, tk in zip(out, t))
        return total / len(X)
