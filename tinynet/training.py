"""Training: mini-batch gradient descent over epochs, with a history to plot.

One epoch shuffles the samples (from the seed), cuts them into mini-batches of
``batch_size`` rows and takes one optimiser step per batch:
``batch_size=None`` is full-batch gradient descent, ``batch_size=1`` is
one-sample-at-a-time (online) SGD.

The data go to the backend once; each batch is gathered there. The loss of
every batch is summed on the backend and read once per epoch (or when the
progress display refreshes), so a device backend is never stopped inside the
loop to copy a number back. The step goes through ``Backend.captured``: a
device backend may record the kernels of the first batches and replay them
for the rest of the run (the same numbers, without the step's Python).
"""

import math
import random
import sys
import time

from .divergence import GROWTH, DivergenceWatch
from .errors import BackendError
from .optim import make_optimizer
from .options import check_fit_options

__all__ = ["fit", "train_epoch", "History"]


class History:
    """Per-epoch numbers from ``fit``: ``history["loss"]``, ``history["val_accuracy"]``…"""

    def __init__(self):
        self.metrics = {}
        self.stopped_because = None

    def append(self, values):
        for key, value in values.items():
            self.metrics.setdefault(key, []).append(value)

    def __getitem__(self, key):
        return self.metrics[key]

    def __contains__(self, key):
        return key in self.metrics

    def keys(self):
        return self.metrics.keys()

    @property
    def epochs(self):
        return len(self.metrics.get("loss", []))

    def last(self):
        """The numbers of the last epoch."""
        return {key: values[-1] for key, values in self.metrics.items()}

    def __repr__(self):
        return "History({} epochs: {})".format(self.epochs, ", ".join(
            "{}={:.4g}".format(k, v) for k, v in self.last().items()))

    def plot(self, title="Training"):
        """The loss curves (and metric curves) as an SVG picture."""
        from .plots import history_chart
        return history_chart(self, title)

    def _repr_svg_(self):
        return self.plot()._repr_svg_()


def fit(net, X, y, epochs=10, batch_size=32, optimizer="sgd", lr=None, l2=0.0, l1=0.0,
        validation_data=None, stop_loss=None, early_stopping=None, shuffle=True,
        verbose=None, log_every=None, on_divergence="stop", divergence_growth=GROWTH):
    """Train ``net`` on (X, y) and return a ``History``.

    epochs           passes over the training data
    batch_size       rows per step (None: all of them, 1: one sample at a time)
    optimizer, lr    "sgd" | "momentum" | "adam" or an Optimizer; its learning rate
    l2, l1           weight penalties λ2 (adds λ2·w) and λ1 (adds λ1·sign(w))
    validation_data  (X_val, y_val), evaluated after each epoch
    stop_loss        stop as soon as the epoch's training loss is below this
    early_stopping   stop after this many epochs without a better validation
                     loss, and keep the weights of the best epoch
    verbose          None: a progress line when training is slow; 0: silent; 1: always
    on_divergence    "stop" or "warn" when the loss grows more than
                     ``divergence_growth`` times (see ``tinynet.divergence``;
                     a NaN or infinite loss or weight always stops)

    Every option is checked before any data go to the backend (ConfigError).
    """
    check_fit_options(epochs, batch_size, l2, l1, stop_loss, early_stopping, validation_data,
                      shuffle, verbose, log_every, on_divergence, divergence_growth)
    optimizer = make_optimizer(optimizer, lr, l2, l1)
    B = net.backend
    rows, _ = net._inputs(X)
    n = len(rows)
    Xd = B.array(rows)
    Td = B.array(net._targets(y, n))
    val = _validation_arrays(net, validation_data)
    if batch_size is None:
        batch_size = n

    rng = random.Random("{}-shuffle".format(net.seed))
    order = list(range(n))
    if shuffle:
        rng.shuffle(order)                     # the first epoch's order
    history = History()
    progress = _Progress(verbose, epochs, log_every)
    best = (math.inf, None, 0)                 # (validation loss, weights, epoch)
    step = B.captured(net.train_step, on_replay=optimizer.count_step)
    watch = DivergenceWatch(net, optimizer.lr, history, on_divergence, divergence_growth)
    watch.start(Xd, Td, order, batch_size)
    epoch = 1
    try:
        for epoch in range(1, epochs + 1):
            good_weights = net.snapshot()
            loss_acc, correct_acc = B.accumulator(), (B.accumulator() if net.classification else None)

            def show(number, count, done):
                if progress.wants_update():
                    progress.batch(epoch, number, count, B.read(loss_acc) / done)

            train_epoch(net, Xd, Td, order, batch_size, optimizer, loss_acc, correct_acc, show, step)
            if shuffle and epoch < epochs:
                # the next epoch's order, drawn before the loss is read: a device
                # backend is still working through this epoch's batches meanwhile
                rng.shuffle(order)
            B.mirror([P for _, P, _, _ in net.parameters()])    # in case the device fails later
            values = {"loss": B.read(loss_acc) / n}
            if correct_acc is not None:
                values["accuracy"] = B.read(correct_acc) / n
            if val is not None:
                for key, value in net._evaluate_arrays(*val).items():
                    values["val_" + key] = value
            watch.after_epoch(epoch, values, good_weights)
            history.append(values)
            progress.epoch(epoch, values)
            if stop_loss is not None and values["loss"] < stop_loss:
                history.stopped_because = "loss below {:g} after epoch {}".format(stop_loss, epoch)
                break
            if early_stopping is not None:
                if values["val_loss"] < best[0]:
                    best = (values["val_loss"], net.snapshot(), epoch)
                elif epoch - best[2] >= early_stopping:
                    net.restore(best[1])
                    history.stopped_because = "no better validation loss for {} epochs; kept epoch {}".format(
                        early_stopping, best[2])
                    break
        watch.after_training(Xd, Td, order, batch_size)
    except BackendError as error:                # a device that failed: say where, keep what we have
        net.history = history
        done = history.epochs
        raise BackendError("{}\n(in epoch {} of fit{})".format(
            error, epoch, "; net.history has the {} finished before it".format(done)
            if done else "")) from error
    progress.done(history)
    net.history = history
    return history


def train_epoch(net, Xd, Td, order, batch_size, optimizer, loss_acc, correct_acc=None,
                after_batch=None, step=None):
    """One pass over the rows ``order`` of the backend data (Xd, Td): a step per batch.

    Each mini-batch of ``batch_size`` rows is gathered on the backend and
    takes one ``net.train_step``; the losses are added into ``loss_acc``
    (and the correct classifications into ``correct_acc``) on the backend.
    ``after_batch(number, count, rows done)`` is called after each batch.
    ``step``: ``net.train_step`` as ``B.captured`` gives it, made once for
    many epochs (``fit`` does that); by default, one for this epoch.
    """
    B = net.backend
    if step is None:
        step = B.captured(net.train_step, on_replay=optimizer.count_step)
    starts = range(0, len(order), batch_size)
    for number, start in enumerate(starts, 1):
        index = order[start:start + batch_size]
        step(*B.take_rows_pair(Xd, Td, index), optimizer, loss_acc, correct_acc)
        if after_batch is not None:
            after_batch(number, len(starts), start + len(index))


def _validation_arrays(net, validation_data):
    if validation_data is None:
        return None
    X_val, y_val = validation_data
    rows, _ = net._inputs(X_val, "validation X")
    T = net._targets(y_val, len(rows), "validation y")
    return net.backend.array(rows), net.backend.array(T), len(rows)


class _Progress:
    """A one-line progress display on stderr for runs that take a while."""

    def __init__(self, verbose, epochs, log_every):
        self.verbose = verbose
        self.epochs = epochs
        self.start = self.last = time.perf_counter()
        self.log_every = log_every or max(1, epochs // 20)
        self.stream = sys.stderr
        self.printed = False

    def _on(self):
        if self.verbose is not None:
            return bool(self.verbose)
        return time.perf_counter() - self.start > 2.0        # only for slow runs

    def wants_update(self):
        """A bar inside the epoch, only on a terminal and at most twice a second."""
        now = time.perf_counter()
        if now - self.last < 0.5 or not self._on() or not self.stream.isatty():
            return False
        self.last = now
        return True

    def batch(self, epoch, number, count, loss):
        done = int(20 * number / count)
        self._write("\repoch {}/{} [{}{}] {}/{} batches  loss {:.4f}".format(
            epoch, self.epochs, "#" * done, "." * (20 - done), number, count, loss))

    def epoch(self, epoch, values):
        if not self._on() or (epoch % self.log_every and epoch != self.epochs):
            return
        text = "  ".join("{} {:.4f}".format(k, v) for k, v in values.items())
        line = "epoch {}/{}  {}  ({:.1f} s)".format(epoch, self.epochs, text, time.perf_counter() - self.start)
        self._write("\r" + line.ljust(72) + "\n")

    def done(self, history):
        if self.printed and history.stopped_because:
            self._write("stopped: {}\n".format(history.stopped_because))

    def _write(self, text):
        self.printed = True
        self.stream.write(text)
        self.stream.flush()
