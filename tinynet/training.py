"""Training: mini-batch gradient descent over epochs, with a history to plot.

The loop of the lecture (``fit``)::

    for each epoch:
        shuffle the samples
        for each mini-batch of batch_size samples:
            forward, backward, one optimiser step      (Network.train_step)
        record the epoch's mean loss (and accuracy, validation numbers)
        stop early if asked

``batch_size=None`` is full-batch gradient descent, ``batch_size=1`` is
one-sample-at-a-time (online) SGD.

What a device backend needs to run that loop fast is kept in ``_Epochs``:
the data go to the backend once and each batch is gathered there; the loss
of every batch is summed on the backend and read once per epoch (so a device
is never stopped inside the loop to copy a number back), and the next
epoch's shuffle is drawn while the device still works; the step goes
through ``Backend.captured`` (a device may record the kernels of the first
batches and replay them: the same numbers without the step's Python); after
each epoch the weights are mirrored to the host (``Backend.mirror``), so a
device that fails later still leaves the last good weights to save.
"""

import math
import random
import sys
import time
from contextlib import contextmanager

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
    shuffle          a new random order of the samples each epoch (from the seed)
    verbose          None: a progress line when training is slow; 0: silent; 1: always
    on_divergence    "stop" or "warn" when the loss grows more than
                     ``divergence_growth`` times (see ``tinynet.divergence``;
                     a NaN or infinite loss or weight always stops)

    Every option is checked before any data go to the backend (ConfigError).
    """
    check_fit_options(epochs, batch_size, l2, l1, stop_loss, early_stopping, validation_data,
                      shuffle, verbose, log_every, on_divergence, divergence_growth)
    optimizer = make_optimizer(optimizer, lr, l2, l1)
    data = _TrainingData(net, X, y, validation_data)
    batch_size = data.n if batch_size is None else batch_size
    history, progress = History(), _Progress(verbose, epochs, log_every)
    stopping = _Stopping(stop_loss, early_stopping)
    run = _Epochs(net, data, batch_size, optimizer, shuffle, progress)
    watch = DivergenceWatch(net, optimizer.lr, history, on_divergence, divergence_growth)
    with _device_failures(net, history):
        watch.start(data.X, data.T, run.order, batch_size)      # the loss before any step
        for epoch in range(1, epochs + 1):
            values = run.epoch(epoch, last=epoch == epochs)   # shuffle, a step per batch; mean loss
            if data.validation is not None:
                values.update(("val_" + key, value)
                              for key, value in net._evaluate_arrays(*data.validation).items())
            watch.after_epoch(epoch, values, run.weights_before)   # NaN, inf or exploding: stop
            history.append(values)
            progress.epoch(epoch, values)
            if stopping.stop(net, history, epoch, values):
                break
        watch.after_training(data.X, data.T, run.order, batch_size, run.weights_before)
    progress.done(history)
    net.history = history
    return history


class _TrainingData:
    """The training (and validation) data, checked and put on the backend once."""

    def __init__(self, net, X, y, validation_data):
        B = net.backend
        rows, _ = net._inputs(X)
        self.n = len(rows)
        self.X = B.array(rows)
        self.T = B.array(net._targets(y, self.n))
        self.validation = None
        if validation_data is not None:
            X_val, y_val = validation_data
            rows, _ = net._inputs(X_val, "validation X")
            T = net._targets(y_val, len(rows), "validation y")
            self.validation = (B.array(rows), B.array(T), len(rows))


class _Epochs:
    """The epochs of ``fit`` as a backend runs them fast (see the module docstring)."""

    def __init__(self, net, data, batch_size, optimizer, shuffle, progress):
        self.net, self.data, self.batch_size, self.optimizer = net, data, batch_size, optimizer
        self.shuffle, self.progress = shuffle, progress
        self.rng = random.Random("{}-shuffle".format(net.seed))
        self.order = list(range(data.n))
        if shuffle:
            self.rng.shuffle(self.order)               # the first epoch's order
        self.step = net.backend.captured(net.train_step, on_replay=optimizer.count_step)
        self.weights_before = None

    def epoch(self, epoch, last=False):
        """One pass over the data in this epoch's order, a step per mini-batch:
        {"loss": the mean loss, "accuracy": the fraction right (classifiers)}."""
        net, B, n = self.net, self.net.backend, self.data.n
        self.weights_before = net.snapshot()
        loss_sum = B.accumulator()
        correct = B.accumulator() if net.classification else None

        def show(number, count, done):
            if self.progress.wants_update():
                self.progress.batch(epoch, number, count, B.read(loss_sum) / done)

        train_epoch(net, self.data.X, self.data.T, self.order, self.batch_size, self.optimizer,
                    loss_sum, correct, show, self.step)
        if self.shuffle and not last:
            # the next epoch's order, drawn before the loss is read: a device
            # backend is still working through this epoch's batches meanwhile
            self.rng.shuffle(self.order)
        B.mirror([P for _, P, _, _ in net.parameters()])    # in case the device fails later
        values = {"loss": B.read(loss_sum) / n}
        if correct is not None:
            values["accuracy"] = B.read(correct) / n
        return values


class _Stopping:
    """The stopping rules: a training loss below ``stop_loss``; no better
    validation loss for ``early_stopping`` epochs (then the best weights are kept)."""

    def __init__(self, stop_loss, early_stopping):
        self.stop_loss, self.early_stopping = stop_loss, early_stopping
        self.best = (math.inf, None, 0)                 # (validation loss, weights, epoch)

    def stop(self, net, history, epoch, values):
        if self.stop_loss is not None and values["loss"] < self.stop_loss:
            history.stopped_because = "loss below {:g} after epoch {}".format(self.stop_loss, epoch)
            return True
        if self.early_stopping is None:
            return False
        if values["val_loss"] < self.best[0]:
            self.best = (values["val_loss"], net.snapshot(), epoch)
        elif epoch - self.best[2] >= self.early_stopping:
            net.restore(self.best[1])
            history.stopped_because = "no better validation loss for {} epochs; kept epoch {}".format(
                self.early_stopping, self.best[2])
            return True
        return False


@contextmanager
def _device_failures(net, history):
    """A device that fails inside ``fit``: say in which epoch, keep the history so far."""
    try:
        yield
    except BackendError as error:
        net.history = history
        done = history.epochs
        raise BackendError("{}\n(in epoch {} of fit{})".format(
            error, done + 1, "; net.history has the {} finished before it".format(done)
            if done else "")) from error


def train_epoch(net, Xd, Td, order, batch_size, optimizer, loss_sum, correct_sum=None,
                after_batch=None, step=None):
    """One pass over the rows ``order`` of the backend data (Xd, Td): a step per batch.

    Each mini-batch of ``batch_size`` rows is gathered on the backend and
    takes one ``net.train_step``; the losses are added into ``loss_sum``
    (and the correct classifications into ``correct_sum``), running totals on
    the backend.
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
        step(*B.take_rows_pair(Xd, Td, index), optimizer, loss_sum, correct_sum)
        if after_batch is not None:
            after_batch(number, len(starts), start + len(index))


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
