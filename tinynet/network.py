"""A feed-forward network: a sequence of layers, a loss, and backpropagation.

>>> from tinynet import Network, Dense
>>> net = Network([Dense(2, 3, "tanh"), Dense(3, 1, "sigmoid")], loss="logistic", seed=0)
>>> net
Network([Dense(2→3, tanh), Dense(3→1, sigmoid)], loss='logistic')
>>> len(net.predict([[0.0, 1.0], [1.0, 0.0]]))
2

Backpropagation with a forward cache, as in the lecture:

1. forward: every layer keeps z = W·a_prev + b and a = g(z);
2. output delta: delta = (a − t)·g'(z)  (or a − t for cross-entropy/logistic);
3. backwards through the layers: delta_j = g'(z_j)·Σ_k delta_k·w_kj;
4. gradients: ∂E/∂w_kj = delta_k·a_j, averaged over the mini-batch.
"""

import math
import random

from . import losses
from .backend import resolve
from .checks import check_inputs, check_layers, check_loss_value, check_outputs, check_targets
from .errors import ConfigError, ShapeError
from .conv import ImageLayer
from .layers import Dense
from .options import check_seed, check_size

__all__ = ["Network"]


class Network:
    """Layers applied in order; ``loss`` names the error E the training minimises.

    ``seed`` fixes every random choice (initial weights, shuffling, dropout):
    the same seed gives the same network and the same training run.
    ``backend`` is a name ("python", "opencl"), a backend object, or None for
    the current default (``tinynet.use``).

    ``preprocess``: None, or a fitted ``datasets.Standardizer`` that ``fit``,
    ``predict`` and ``evaluate`` apply to every X; ``class_names``: None, or
    one name per class. Both are saved with the model (``tinynet.io``).
    """

    def __init__(self, layers, loss="squared_error", seed=0, backend=None):
        self.layers = check_layers(layers)
        self.loss = losses.check_loss(loss)
        self.seed = check_seed(seed)
        self.history = None
        self.preprocess = None             # e.g. a fitted Standardizer, applied to every X
        self.class_names = None            # names of the output classes, saved with the model
        self._wire_layers()
        losses.check_output_layer(self.loss, self.layers[-1])
        check_size(self.count_parameters(), "this network")
        self.backend = resolve(backend)
        rng = random.Random("{}-init".format(seed))
        for layer in self.layers:
            layer.build(self.backend, rng, layer.n_in)

    def _wire_layers(self):
        """Give each layer its index and width, and check that widths (and image shapes) chain."""
        first, last = self.layers[0], self.layers[-1]
        if not isinstance(first, (Dense, ImageLayer)) or not isinstance(last, Dense):
            raise ConfigError("the first layer must be a Dense or an image layer (Conv2D, …) and the "
                             "last a Dense layer")
        width = image = None                  # what the layer before gives: a width, an image shape
        for index, layer in enumerate(self.layers):
            layer.index = index
            if isinstance(layer, ImageLayer):
                layer.connect(image, width)
                width, image = layer.n_out, layer.out_shape
            elif isinstance(layer, Dense):
                if width is not None and layer.n_in != width:
                    raise ShapeError("{} expects {} inputs but the layer before it gives {}".format(
                        layer.name, layer.n_in, width))
                width, image = layer.n_out, None
            else:
                layer.n_in = layer.n_out = width

    # === Shapes and text ====================================================

    @property
    def n_in(self):
        return self.layers[0].n_in

    @property
    def n_out(self):
        return self.layers[-1].n_out

    @property
    def dense_layers(self):
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    def __repr__(self):
        return "Network([{}], loss={!r})".format(", ".join(map(repr, self.layers)), self.loss)

    @property
    def weighted_layers(self):
        """The layers with weights and biases (Dense, Conv2D), in order."""
        return [layer for layer in self.layers if hasattr(layer, "get_weights")]

    def count_parameters(self):
        """The number of weights and biases: Σ n_out·(n_in + 1) over Dense layers,
        Σ C_out·(C·k·k + 1) over Conv2D layers."""
        return sum(_parameter_count(layer) for layer in self.layers)

    def summary(self):
        """A table of the layers, their shapes and parameter counts."""
        lines = ["{:<4} {:<10} {:<24} {:<16} {:>10}".format("#", "layer", "W shape", "output", "parameters")]
        lines.append("-" * len(lines[0]))
        for layer in self.layers:
            kind, shape, output = type(layer).__name__, "", "(m, {})".format(layer.n_out)
            if hasattr(layer, "summary_text"):
                shape = layer.summary_text()
            elif isinstance(layer, Dense):
                shape = "({}, {}) {}".format(layer.n_out, layer.n_in, layer.activation)
            elif hasattr(layer, "kernel_size"):
                shape = "({}, {}·{}·{}) {}".format(layer.out_channels, layer.in_channels, layer.kernel_size,
                                                   layer.kernel_size, layer.activation)
            elif hasattr(layer, "size"):
                shape = "{}×{} windows, stride {}".format(layer.size, layer.size, layer.stride)
            elif hasattr(layer, "p"):
                shape = "p={}".format(layer.p)
            if getattr(layer, "out_shape", None):
                output = "(m, {}, {}, {})".format(*layer.out_shape)
            lines.append("{:<4} {:<10} {:<24} {:<16} {:>10,}".format(
                layer.index + 1, kind, shape, output, _parameter_count(layer)))
        lines.append("-" * len(lines[0]))
        inputs = getattr(self.layers[0], "in_shape", None)
        lines.append("{} inputs → {} outputs, loss {}, {:,} parameters, backend {}".format(
            "{} ({}×{}×{})".format(self.n_in, *inputs) if inputs else self.n_in, self.n_out, self.loss,
            self.count_parameters(), self.backend.name))
        return "\n".join(lines)

    # === Forward and backward ===============================================

    def forward(self, A, training=False):
        """Run a backend batch through every layer; each layer keeps its cache."""
        for layer in self.layers:
            A = layer.forward(A, training)
        return A

    def backward(self, delta):
        """Backpropagate the output delta; every layer stores ∂E/∂W and ∂E/∂b.

        delta_j = g'(z_j)·Σ_k delta_k·w_kj  passes from each layer to the one
        below; the first layer's input needs no delta, so none is computed.
        """
        for index in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[index]
            layer.backward(delta)
            if index > 0:
                delta = layer.delta_below(delta, self.layers[index - 1])

    def parameters(self):
        """(key, P, dP, penalised) for every parameter matrix, for the optimiser."""
        return [((layer.index, name), P, G, penalised)
                for layer in self.layers for name, P, G, penalised in layer.parameters()]

    def gradients(self, X, y):
        """Backpropagate (X, y) without changing anything: the teaching view.

        Returns (E, [(dE/dW, dE/db), ...] per Dense or Conv2D layer) as
        plain lists, E the mean loss; each layer also keeps ``delta``, ``dW`` and ``db``.
        It runs in training mode, as a step of ``fit`` would, but leaves the
        network as it was: a Dropout layer uses the mask its next training
        step would draw and then rewinds its counter, so calling it twice
        gives the same numbers and a later ``fit`` is not changed by it.
        """
        rows, _ = self._inputs(X)
        Xd, Td = self.backend.array(rows), self.backend.array(self._targets(y, len(rows)))
        acc = self.backend.accumulator()
        counters = [(layer, layer.counter) for layer in self.layers if hasattr(layer, "counter")]
        try:
            self.forward(Xd, training=True)
            self.backward(losses.output_delta(self.loss, self.backend, self.layers[-1], Td, acc))
        finally:
            for layer, counter in counters:
                layer.counter = counter
        B = self.backend
        grads = [(B.to_list(layer.dW), B.to_list(layer.db)[0]) for layer in self.weighted_layers]
        for dW, db in grads:
            check_outputs(dW + [db], "the gradients (row {})")
        return check_loss_value(B.read(acc) / len(rows)), grads

    def train_step(self, X, T, optimizer, loss_sum=None, correct_sum=None):
        """One step of gradient descent on a backend batch (X, T): forward, backward, update.

        ``loss_sum``, if given, is a running total (``backend.accumulator()``)
        that the batch's loss is added to, and ``correct_sum`` one for the
        rows classified right: ``fit`` reads them once an epoch, for the
        epoch's mean loss and accuracy.
        """
        if loss_sum is None:
            loss_sum = self.backend.accumulator()
        self.forward(X, training=True)
        delta = losses.output_delta(self.loss, self.backend, self.layers[-1], T, loss_sum,
                                    correct_sum)
        self.backward(delta)
        optimizer.step(self.backend, self.parameters())

    # === Data at the edges ==================================================

    @property
    def classification(self):
        return losses.is_classification(self.loss)

    def _inputs(self, X, what="X"):
        """X checked (``tinynet.checks``), then put through ``preprocess`` if set."""
        rows, single = check_inputs(X, self.n_in, self.layers[0].name, what)
        if self.preprocess is not None:
            rows = self.preprocess.transform(rows)
        return rows, single

    def _targets(self, y, n_rows, what="y"):
        return check_targets(y, n_rows, self.n_out, self.classification, what, self.loss)

    def predict(self, X):
        """The network's outputs a for each sample, as plain lists.

        A single sample (a flat list of numbers) gives a single output list.
        """
        rows, single = self._inputs(X)
        out = check_outputs(self.backend.to_list(self.forward(self.backend.array(rows))))
        return out[0] if single else out

    def predict_classes(self, X):
        """The class each sample is given: argmax of the outputs (or a > 0.5)."""
        rows, single = self._inputs(X)
        A = self.forward(self.backend.array(rows))
        if self.n_out == 1:
            labels = [int(row[0] > 0.5) for row in self.backend.to_list(A)]
        else:
            labels = self.backend.argmax_rows(A)
        return labels[0] if single else labels

    def evaluate(self, X, y):
        """{'loss': mean loss, 'accuracy': …} for classification, or
        {'loss', 'mse', 'rmse'} for regression, on (X, y)."""
        rows, _ = self._inputs(X)
        T = self.backend.array(self._targets(y, len(rows)))
        result = self._evaluate_arrays(self.backend.array(rows), T, len(rows))
        for key, value in result.items():
            check_loss_value(value, "the " + key)
        return result

    def _evaluate_arrays(self, Xd, Td, n):
        B = self.backend
        loss_acc = B.accumulator()
        correct = B.accumulator() if self.classification else None
        self.forward(Xd)
        losses.output_delta(self.loss, B, self.layers[-1], Td, loss_acc, correct)
        result = {"loss": B.read(loss_acc) / n}
        if self.classification:
            result["accuracy"] = B.read(correct) / n
        else:
            squared = B.accumulator()
            B.squared_error(self.layers[-1].a, Td, squared, 1.0)
            mse = B.read(squared) / (n * self.n_out)
            result["mse"] = mse
            result["rmse"] = math.sqrt(mse)
        return result

    # === Training, saving, pictures (in their own modules) =================

    def fit(self, X, y, epochs=10, batch_size=32, optimizer="sgd", lr=None, **options):
        """Train on (X, y); see ``tinynet.training.fit`` for every option."""
        from .training import fit
        return fit(self, X, y, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                   lr=lr, **options)

    def get_weights(self):
        """[(W, b), …] for every Dense (and Conv2D) layer, as plain lists."""
        return [layer.get_weights() for layer in self.weighted_layers]

    def save(self, path):
        """Write the network to a JSON file (atomically); see ``tinynet.io``."""
        from .io import save
        save(self, path)

    @classmethod
    def load(cls, path, backend=None, max_bytes=None):
        """Read a network written by ``save``; a bad file raises ModelFileError.

        Files over ``max_bytes`` (default ``tinynet.io.MAX_BYTES``, 100 MiB)
        are refused before they are parsed.
        """
        from .io import load
        return load(path, backend, max_bytes=max_bytes)

    def plot(self, title="Network"):
        """The network as an SVG diagram (neurons, and weights by sign and size)."""
        from .plots import network_chart
        return network_chart(self, title)

    def _repr_svg_(self):
        return self.plot()._repr_svg_()

    def snapshot(self):
        """Copies of every parameter on the backend (to restore good weights)."""
        return [self.backend.copy(P) for _, P, _, _ in self.parameters()]

    def restore(self, snapshot):
        for (_, P, _, _), saved in zip(self.parameters(), snapshot):
            self.backend.assign(P, saved)


def _parameter_count(layer):
    if hasattr(layer, "count_parameters"):
        return layer.count_parameters()
    if isinstance(layer, Dense):
        return layer.n_out * (layer.n_in + 1)
    return layer.count_parameters() if hasattr(layer, "count_parameters") else 0
