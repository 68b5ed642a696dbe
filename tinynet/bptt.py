"""Backpropagation through time: training a ``SequenceNetwork``, truncated, with clipping.

One epoch cuts the sequences into batches (``batch_size`` sequences each,
shuffled from the seed) and each batch into chunks of ``bptt`` steps, taken
in order.  Per chunk (``chunk_step``):

1. forward from the state the previous chunk of this batch ended in (zeros
   for the first): the memory is carried on;
2. the per-step losses and the output deltas, scaled to the chunk's mean;
3. backward through the layers and back through the chunk's steps; the
   gradient stops at the chunk's first step (the carried state counts as a
   constant there): truncated BPTT;
4. with ``clip_norm``: the global gradient norm ‖g‖ and, if it is larger,
   every gradient scaled by clip_norm/‖g‖ (``clip_gradients``);
5. one optimiser step.

The loss of every step is summed on the backend and read once per epoch.
"""

import math
import random

from .errors import DataError, TrainingDiverged
from .optim import make_optimizer
from .training import History, _Progress

__all__ = ["fit", "chunk_step", "clip_gradients"]


def clip_gradients(backend, grads, max_norm):
    """Scale every gradient by max_norm/‖g‖ when the global norm ‖g‖ exceeds max_norm.

    ‖g‖ = √(Σ over every matrix of Σ g²), one number for all the weights
    together (Pascanu et al., 2013), so clipping shortens the step and keeps
    its direction.  Returns (‖g‖ before clipping, the gradients to use).
    """
    acc = backend.accumulator()
    for G in grads:
        backend.sum_squares(G, acc)
    norm = math.sqrt(backend.read(acc))
    if max_norm is None or norm <= max_norm:
        return norm, grads
    factor = max_norm / norm
    return norm, [backend.scale(G, factor) for G in grads]


def chunk_step(net, Xs, Ts, states, optimizer, acc, correct, clip_norm, weight):
    """One truncated-BPTT step on a chunk: forward from ``states``, loss, backward, clip, update.

    Returns the gradient norm before clipping (None without ``clip_norm``)."""
    net.forward(Xs, states)
    net.backward(net._loss_delta(net._stack(Ts), acc, correct, weight))
    params = net.parameters()
    if clip_norm is None:                  # nothing to read back: the device keeps going
        optimizer.step(net.backend, params)
        return None
    norm, grads = clip_gradients(net.backend, [G for _, _, G, _ in params], clip_norm)
    optimizer.step(net.backend, [(key, P, G, pen) for (key, P, _, pen), G in zip(params, grads)])
    return norm


def fit(net, X, y, epochs=10, batch_size=None, bptt=None, optimizer="adam", lr=None, clip_norm=None,
        l2=0.0, shuffle=True, stop_loss=None, verbose=None, on_epoch=None, stateful=True):
    """Train with (truncated) backprop through time; returns a ``History``.

    batch_size  sequences per step (None: all of them); every batch
                starts from the zero state
    bptt        steps per chunk (None: the whole sequence); the state is
                carried from chunk to chunk of a batch, the gradient not
    stateful    False: every chunk starts from zeros instead (the memory
                is cut at each chunk's start, as well as the gradient)
    clip_norm   clip the global gradient norm to this (None: no clipping)
    optimizer, lr, l2   as for ``Network.fit`` (default: Adam)
    on_epoch    called as on_epoch(epoch, values) after each epoch

    ``history["loss"]`` is the mean per-step loss over the epoch, as the
    steps were taken; ``"bits"`` is it in bits (cross-entropy);
    ``"grad_norm"`` the largest gradient norm seen, before clipping (with
    ``clip_norm`` only: the norm is read back from the device each step).
    """
    B = net.backend
    steps, m, T = net._steps(X)
    targets = net._targets(y, m, T)
    if batch_size is None:
        batch_size = m
    if bptt is None:
        bptt = T
    for what, value in (("epochs", epochs), ("batch_size", batch_size), ("bptt", bptt)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise DataError("{} must be a whole number of at least 1, got {!r}".format(what, value))
    if not net.per_step and bptt < T:
        raise DataError("with one target per sequence (return_sequences=False) the whole sequence "
                        "is one chunk: leave bptt at None")
    Xd = [B.array(rows) for rows in steps]                  # on the backend once
    Td = [B.array(rows) for rows in targets]
    optimizer = make_optimizer(optimizer, lr, l2)
    rng = random.Random("{}-shuffle".format(net.seed))
    order = list(range(m))
    history = History()
    progress = _Progress(verbose, epochs, None)
    n_loss = m * (T if net.per_step else 1)
    for epoch in range(1, epochs + 1):
        if shuffle and batch_size < m:
            rng.shuffle(order)
        good = net.snapshot()
        acc = B.accumulator()
        correct = B.accumulator() if net.classification else None
        largest = 0.0
        for start in range(0, m, batch_size):
            index = order[start:start + batch_size]
            whole = len(index) == m and index == list(range(m))
            states = net.zero_state(len(index))
            for t0 in range(0, T, bptt):
                span = range(t0, min(T, t0 + bptt))
                Xs = [Xd[t] if whole else B.take_rows(Xd[t], index) for t in span]
                if net.per_step:
                    Ts = [Td[t] if whole else B.take_rows(Td[t], index) for t in span]
                else:
                    Ts = [Td[0] if whole else B.take_rows(Td[0], index)]
                weight = 1.0 / (len(index) * len(Ts))
                norm = chunk_step(net, Xs, Ts, states, optimizer, acc, correct, clip_norm, weight)
                if norm is not None:
                    largest = max(largest, norm)
                states = net.final_states() if stateful else net.zero_state(len(index))
        values = {"loss": B.read(acc) / n_loss}
        if not math.isfinite(values["loss"]):
            net.restore(good)
            history.stopped_because = "diverged"
            net.history = history
            raise TrainingDiverged("the training loss became {} in epoch {}: try a lower learning rate "
                                   "or clip_norm; the weights from before that epoch were kept".format(
                                       values["loss"], epoch), history)
        if net.loss == "cross_entropy":
            values["bits"] = values["loss"] / math.log(2)
        if correct is not None:
            values["accuracy"] = B.read(correct) / n_loss
        if clip_norm is not None:
            values["grad_norm"] = largest
        history.append(values)
        progress.epoch(epoch, values)
        if on_epoch is not None:
            on_epoch(epoch, values)
        if stop_loss is not None and values["loss"] < stop_loss:
            history.stopped_because = "loss below {:g} after epoch {}".format(stop_loss, epoch)
            break
    progress.done(history)
    net.history = history
    return history
