"""Sequence models: recurrent layers, a Dense output, and backprop through time.

``SequenceNetwork([RNN or LSTM, …, Dense], loss=…)`` follows the same
conventions as ``Network`` (a seed fixes everything, a backend per network,
``fit``, ``evaluate``, ``gradients``, ``gradcheck``, ``save``/``load``,
``summary``), with sequences where ``Network`` has rows.  It is a class of
its own rather than more branches in ``Network``: a sequence batch is a list
of time steps, and the backward pass runs over time as well as down the
layers, which reads best written out once, here.

How sequences are given (plain lists, as everywhere in tinynet):

* ``X`` is a list of sequences; a sequence is a list of time steps; a step
  is a list of ``n_in`` numbers, or a whole number s (a symbol), which
  stands for the one-hot vector with a 1 at position s of ``n_in``.
* ``y`` has one target per step (the last recurrent layer has
  ``return_sequences=True``: the Dense output runs at every step) or one per
  sequence (``return_sequences=False``: the Dense output runs on h_T only).
  A target is a class number (``cross_entropy``, ``logistic``), a number
  (one output) or a list of ``n_out`` numbers.
* Sequences in one batch have one length; a batch with two lengths is an
  error that names the sequence and both lengths (cut or group them first,
  e.g. with ``tinynet.datasets.chunks``).

On the backend a batch is *time-major*: step t is an (m, n_in) matrix whose
row r belongs to sequence r.

The loss E is the mean over sequences and steps of the per-step loss
(cross-entropy in nats, ½Σ(a−t)² for ``squared_error``); for
``cross_entropy`` ``fit`` also reports it in bits (E / ln 2), bits per
symbol for a character model.

Truncated BPTT (``fit(..., bptt=25)``, ``tinynet.bptt``): each batch of
sequences is cut into chunks of ``bptt`` steps, taken in order.  Each chunk
starts from the state the previous chunk ended in (the memory is carried
on), but the gradient stops at the chunk's start (the state counts as a
constant there), so one optimiser step costs ``bptt`` steps back, not the
whole text.  Saving and loading: ``tinynet.sequence_io``.

>>> from tinynet import SequenceNetwork, RNN, Dense
>>> net = SequenceNetwork([RNN(2, 3), Dense(3, 1, "sigmoid")], loss="logistic", seed=0)
>>> net
SequenceNetwork([RNN(2→3, tanh), Dense(3→1, sigmoid)], loss='logistic')
>>> out = net.predict([[[1, 0], [0, 1]]])        # one sequence of two steps
>>> len(out[0]), len(out[0][0])
(2, 1)
"""

import math
import random

from . import losses
from .backend import resolve
from .checks import _is_number
from .errors import DataError, DataTypeError, ShapeError
from .gradcheck import GradcheckResult, central_differences
from .layers import Dense
from .recurrent import Recurrent

__all__ = ["SequenceNetwork"]


class SequenceNetwork:
    """Recurrent layers (stacked), then one Dense output layer; ``loss`` per step.

    ``seed`` fixes the initial weights and the shuffling of sequences;
    ``backend`` is a name, a backend object or None (the default).
    """

    def __init__(self, layers, loss="cross_entropy", seed=0, backend=None):
        layers = list(layers)
        if len(layers) < 2 or not all(isinstance(layer, Recurrent) for layer in layers[:-1]) \
                or not isinstance(layers[-1], Dense):
            raise ValueError("a SequenceNetwork is one or more recurrent layers (RNN, LSTM) followed by "
                             "one Dense output layer, got {}".format(layers))
        self.layers = layers
        self.loss = losses.check_loss(loss)
        self.seed = seed
        self.backend = resolve(backend)
        self.history = None
        self.input_gradients = None
        width = None
        for index, layer in enumerate(layers):
            layer.index = index
            if width is not None and layer.n_in != width:
                raise ShapeError("{} expects {} inputs but the layer before it gives {}".format(
                    layer.name, layer.n_in, width))
            if index < len(layers) - 2 and not layer.return_sequences:
                raise ValueError("{} feeds another recurrent layer, so it must return every step "
                                 "(return_sequences=True)".format(layer.name))
            width = layer.n_out
        losses.check_output_layer(self.loss, layers[-1])
        rng = random.Random("{}-init".format(seed))
        for layer in layers:
            layer.build(self.backend, rng, layer.n_in)

    # === Shapes and text ====================================================

    @property
    def recurrent(self):
        return self.layers[:-1]

    @property
    def output(self):
        return self.layers[-1]

    @property
    def n_in(self):
        return self.layers[0].n_in

    @property
    def n_out(self):
        return self.output.n_out

    @property
    def per_step(self):
        """True when the output (and the loss) come at every step."""
        return self.recurrent[-1].return_sequences

    @property
    def classification(self):
        return losses.is_classification(self.loss)

    def __repr__(self):
        return "SequenceNetwork([{}], loss={!r})".format(", ".join(map(repr, self.layers)), self.loss)

    def count_parameters(self):
        return sum(layer.count_parameters() for layer in self.recurrent) + \
            self.output.n_out * (self.output.n_in + 1)

    def summary(self):
        """A table of the layers, their weight shapes and parameter counts."""
        lines = ["{:<4} {:<8} {:<34} {:>10}".format("#", "layer", "weights", "parameters")]
        lines.append("-" * len(lines[0]))
        for layer in self.recurrent:
            gates = ", ".join(name for name in layer.weight_names() if name.startswith("W"))
            shape = "{} ({},{}), U ({},{}){}".format(gates, layer.n_hidden, layer.n_in, layer.n_hidden,
                                                    layer.n_hidden, "" if layer.return_sequences else "; last h")
            lines.append("{:<4} {:<8} {:<34} {:>10,}".format(layer.index + 1, type(layer).__name__, shape,
                                                             layer.count_parameters()))
        out = self.output
        where = "every step" if self.per_step else "last step"
        lines.append("{:<4} {:<8} {:<34} {:>10,}".format(
            out.index + 1, "Dense", "W ({},{}) {}, {}".format(out.n_out, out.n_in, out.activation, where),
            out.n_out * (out.n_in + 1)))
        lines.append("-" * len(lines[0]))
        lines.append("{} inputs per step → {} outputs, loss {}, {:,} parameters, backend {}".format(
            self.n_in, self.n_out, self.loss, self.count_parameters(), self.backend.name))
        return "\n".join(lines)

    # === Data at the edges ==================================================

    def _steps(self, X, what="X"):
        """Sequences → (time-major list of T lists of m rows, m, T), checked."""
        if isinstance(X, (str, bytes)) or not hasattr(X, "__len__") or len(X) == 0:
            raise DataError("{} must be a non-empty list of sequences".format(what))
        length = None
        n_in = self.n_in
        layer = self.layers[0]
        rows_by_seq = []
        for s, seq in enumerate(X):
            if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
                raise DataTypeError("{}[{}] is {!r}, not a sequence (a list of time steps)".format(what, s, seq))
            if len(seq) == 0:
                raise DataError("{}[{}] is an empty sequence".format(what, s))
            if length is None:
                length = len(seq)
            elif len(seq) != length:
                raise DataError("{}[{}] has {} steps but {}[0] has {}: the sequences of one batch must have "
                                "one length (cut them into chunks of equal length, or group them by "
                                "length)".format(what, s, len(seq), what, length))
            rows = []
            for t, step in enumerate(seq):
                if _is_number(step):
                    if step != int(step) or not 0 <= step < n_in:
                        raise DataError("{}[{}][{}] is {!r}: a symbol must be a whole number in 0…{} "
                                        "(one-hot over {} inputs)".format(what, s, t, step, n_in - 1, n_in))
                    row = [0.0] * n_in
                    row[int(step)] = 1.0
                elif isinstance(step, (str, bytes)) or not hasattr(step, "__len__"):
                    raise DataTypeError("{}[{}][{}] is {!r}, not a symbol or a list of numbers".format(
                        what, s, t, step))
                else:
                    if len(step) != n_in:
                        raise ShapeError("{} expects {} inputs per step, but {}[{}][{}] has {}".format(
                            layer.name, n_in, what, s, t, len(step)))
                    row = [float(v) for v in step]
                    if not all(map(math.isfinite, row)):
                        raise DataError("{}[{}][{}] holds a NaN or infinite value".format(what, s, t))
                rows.append(row)
            rows_by_seq.append(rows)
        return [list(column) for column in zip(*rows_by_seq)], len(X), length

    def _targets(self, y, m, T, what="y"):
        """Targets → time-major list (per step) or one list (last step) of m rows of n_out."""
        if isinstance(y, (str, bytes)) or not hasattr(y, "__len__") or len(y) != m:
            raise ShapeError("{} must hold one target sequence per input sequence ({}), got {}".format(
                what, m, len(y) if hasattr(y, "__len__") else type(y).__name__))
        if not self.per_step:
            return [[self._target(t, what, s) for s, t in enumerate(y)]]
        out = []
        for s, seq in enumerate(y):
            if not hasattr(seq, "__len__") or len(seq) != T:
                raise DataError("{}[{}] has {} targets but the input sequence has {} steps".format(
                    what, s, len(seq) if hasattr(seq, "__len__") else "no", T))
            out.append([self._target(t, what, s, k) for k, t in enumerate(seq)])
        return [list(column) for column in zip(*out)]

    def _target(self, t, what, s, k=None):
        where = "{}[{}]".format(what, s) + ("" if k is None else "[{}]".format(k))
        n_out = self.n_out
        if _is_number(t):
            if self.classification and n_out > 1:
                if t != int(t) or not 0 <= t < n_out:
                    raise DataError("{} is {!r}: a class must be a whole number in 0…{}".format(where, t, n_out - 1))
                row = [0.0] * n_out
                row[int(t)] = 1.0
                return row
            if n_out != 1:
                raise ShapeError("{} is one number but the output layer has {} units".format(where, n_out))
            return [float(t)]
        if not hasattr(t, "__len__") or len(t) != n_out:
            raise ShapeError("{} should have {} values (the output layer's units), got {!r}".format(where, n_out, t))
        return [float(v) for v in t]

    # === Forward and backward ===============================================

    def zero_state(self, m):
        """The starting state of every recurrent layer: zeros for m sequences."""
        return [layer.zero_state(m) for layer in self.recurrent]

    def forward(self, Xs, states=None):
        """Run a time-major backend batch (a list of T (m, n_in) matrices) through every layer.

        The Dense output sees the hidden states of every step stacked into one
        (T·m, n_hidden) matrix (row t·m + r: sequence r at step t), or only
        h_T; returns its (Z, A), stacked the same way.  Each recurrent layer
        keeps its cache and its final ``state`` (``final_states()``).
        """
        B = self.backend
        m = B.shape(Xs[0])[0]
        if states is None:
            states = self.zero_state(m)
        Hs = Xs
        for layer, state in zip(self.recurrent, states):
            Hs = layer.forward(Hs, state)
        if not self.per_step:
            Hs = Hs[-1:]
        self._steps_out = len(Hs)
        self._H = B.stack_rows(Hs) if len(Hs) > 1 else Hs[0]       # what the Dense output reads
        out = self.output
        out.a_prev = self._H
        out.z, out.a = B.dense_forward(self._H, out.W, out.b, out.activation, out.alpha)
        return out.z, out.a

    def final_states(self):
        return [layer.state for layer in self.recurrent]

    def _loss_delta(self, T, acc, correct=None, weight=1.0):
        """Add the loss of every output (T stacked like the output) into ``acc``;
        returns the output delta ∂E/∂z times ``weight`` (1/(m·T) gives the mean's)."""
        delta = losses.output_delta(self.loss, self.backend, self.output, T, acc, correct)
        return delta if weight == 1.0 else self.backend.scale(delta, weight)

    def backward(self, delta, need_input_grad=False):
        """Backprop the output delta down the layers and back through time.

        ``delta`` is ∂E/∂z of the output, stacked over the steps.  The Dense
        output has one W for every step, so ∂E/∂W_out = deltaᵀ·H sums over
        steps and sequences in one product; ∂E/∂h_t = delta_t·W_out goes to
        the recurrent layers.  Stores ``dW``/``db`` in the Dense layer and
        ``grads`` in each recurrent layer; with ``need_input_grad`` keeps
        ∂E/∂x_t in ``self.input_gradients`` (one matrix per step).
        """
        B = self.backend
        out = self.output
        out.delta = delta
        out.dW, out.db = B.matmul_tn(delta, self._H), B.sum_rows(delta)
        dH = B.matmul(delta, out.W)
        dHs = B.split_rows(dH, self._steps_out) if self._steps_out > 1 else [dH]
        T = len(self.recurrent[0].cache)
        if not self.per_step:
            dHs = [None] * (T - 1) + dHs
        for index in range(len(self.recurrent) - 1, -1, -1):
            layer = self.recurrent[index]
            dHs = layer.backward(dHs, need_input_grad=index > 0 or need_input_grad)
        self.input_gradients = dHs if need_input_grad else None

    def _stack(self, matrices):
        return self.backend.stack_rows(matrices) if len(matrices) > 1 else matrices[0]

    def parameters(self):
        """(key, P, dP, penalised) for every weight, for the optimiser."""
        params = []
        for layer in self.recurrent:
            params += [((layer.index, name), P, G, pen) for name, P, G, pen in layer.parameters()]
        out = self.output
        params += [((out.index, name), P, G, pen) for name, P, G, pen in out.parameters()]
        return params

    def fit(self, X, y, epochs=10, batch_size=None, bptt=None, optimizer="adam", lr=None, clip_norm=None,
            l2=0.0, shuffle=True, stop_loss=None, verbose=None, on_epoch=None, stateful=True):
        """Train with (truncated) backprop through time; see ``tinynet.bptt.fit`` for every option."""
        from .bptt import fit
        return fit(self, X, y, epochs=epochs, batch_size=batch_size, bptt=bptt, optimizer=optimizer, lr=lr,
                   clip_norm=clip_norm, l2=l2, shuffle=shuffle, stop_loss=stop_loss, verbose=verbose,
                   on_epoch=on_epoch, stateful=stateful)

    # === Using a trained network ============================================

    def predict(self, X, states=None):
        """Outputs as plain lists: per sequence, a list of per-step outputs (or one output)."""
        steps, m, T = self._steps(X)
        _, A = self.forward([self.backend.array(rows) for rows in steps], states)
        rows = self.backend.to_list(A)                 # row t·m + s: sequence s at step t
        if not self.per_step:
            return rows
        return [[rows[t * m + s] for t in range(T)] for s in range(m)]

    def predict_classes(self, X):
        """The class of every output (argmax; a > 0.5 for one output)."""
        out = self.predict(X)

        def label(a):
            return int(a[0] > 0.5) if len(a) == 1 else max(range(len(a)), key=a.__getitem__)
        if not self.per_step:
            return [label(a) for a in out]
        return [[label(a) for a in seq] for seq in out]

    def evaluate(self, X, y):
        """{'loss', …}: the mean per-step loss; for classes also 'accuracy' (per output)
        and 'sequence_accuracy' (sequences with every output right); 'bits' for cross-entropy."""
        B = self.backend
        steps, m, T = self._steps(X)
        targets = self._targets(y, m, T)
        self.forward([B.array(rows) for rows in steps])
        acc = B.accumulator()
        correct = B.accumulator() if self.classification else None
        self._loss_delta(B.array([row for rows in targets for row in rows]), acc, correct)
        n = m * len(targets)
        result = {"loss": B.read(acc) / n}
        if self.loss == "cross_entropy":
            result["bits"] = result["loss"] / math.log(2)
        if self.classification:
            result["accuracy"] = B.read(correct) / n
            predicted = self.predict_classes(X)
            wanted = [[_label(row) for row in column] for column in targets]      # time-major
            if self.per_step:
                right = sum(all(predicted[s][t] == wanted[t][s] for t in range(T)) for s in range(m))
            else:
                right = sum(predicted[s] == wanted[0][s] for s in range(m))
            result["sequence_accuracy"] = right / m
        return result

    def gradients(self, X, y, states=None, input_gradients=False):
        """Backprop (X, y) through time without changing a weight: the teaching view.

        Returns (E, {(layer number, weight name): gradient as lists}); with
        ``input_gradients`` also ∂E/∂x_t per step (as lists) in
        ``self.input_gradients``.
        """
        B = self.backend
        steps, m, T = self._steps(X)
        targets = self._targets(y, m, T)
        self.forward([B.array(rows) for rows in steps], states)
        acc = B.accumulator()
        delta = self._loss_delta(B.array([row for rows in targets for row in rows]), acc, None,
                                 1.0 / (m * len(targets)))
        self.backward(delta, need_input_grad=input_gradients)
        if input_gradients:
            self.input_gradients = [B.to_list(G) for G in self.input_gradients]
        grads = {(index + 1, name): B.to_list(G) for (index, name), _, G, _ in self.parameters()}
        return B.read(acc) / (m * len(targets)), grads

    def gradcheck(self, X, y, h=1e-5, tolerance=1e-6, max_entries=40, states=None):
        """Every weight's backprop-through-time gradient against central differences.

        E(w ± h) is the mean loss over (X, y) from ``states`` (zeros by
        default), which are held fixed, as truncated BPTT holds them.
        """
        B = self.backend
        steps, m, T = self._steps(X)
        targets = self._targets(y, m, T)
        Xd = [B.array(rows) for rows in steps]
        Td = B.array([row for rows in targets for row in rows])       # stacked like the output
        n = m * len(targets)

        def loss():
            self.forward(Xd, states)
            acc = B.accumulator()
            self._loss_delta(Td, acc)
            return B.read(acc) / n

        self.forward(Xd, states)
        acc = B.accumulator()
        self.backward(self._loss_delta(Td, acc, None, 1.0 / n))
        errors = central_differences(self.parameters(), B, loss, B.read(acc) / n, h, max_entries)
        return GradcheckResult(errors, tolerance)

    # === Weights: snapshots, saving, loading =================================

    def snapshot(self):
        return [self.backend.copy(P) for _, P, _, _ in self.parameters()]

    def restore(self, snapshot):
        for (_, P, _, _), saved in zip(self.parameters(), snapshot):
            self.backend.assign(P, saved)

    def get_weights(self):
        """[{name: lists}] per recurrent layer, then (W, b) of the Dense output."""
        return [layer.to_lists() for layer in self.recurrent] + [self.output.get_weights()]

    def to_dict(self):
        """The network as JSON-ready data (``tinynet.sequence_io``)."""
        from .sequence_io import to_dict
        return to_dict(self)

    def save(self, path):
        """Write the network to a JSON file, atomically (``tinynet.io.save``)."""
        from .io import save
        save(self, path)

    @classmethod
    def load(cls, path, backend=None):
        """Read a file written by ``save``; a bad file raises ModelFileError, naming what is wrong."""
        from .sequence_io import load
        return load(path, backend)

    def sample(self, start, length, temperature=1.0, seed=0):
        """Generate ``length`` symbols after the symbols ``start``: see ``tinynet.sampling.sample``."""
        from .sampling import sample
        return sample(self, start, length, temperature, seed)


def _label(row):
    return int(row[0] > 0.5) if len(row) == 1 else max(range(len(row)), key=row.__getitem__)

