"""When training has gone wrong: ``fit``'s divergence policy, in one place.

Gradient descent with too large a step overshoots the minimum, and each
overshoot can be larger than the last: the loss grows by orders of
magnitude, then becomes infinite, then NaN. ``fit`` watches for that:

1. Before the first step it computes the loss of the first mini-batch with
   the starting weights: the *reference* loss E0.
2. After every epoch it reads the mean training loss E (summed over the
   epoch's batches, each before its step) and the validation loss:

   * E or the validation loss NaN or infinite: the weights from before the
     epoch are put back and ``TrainingDiverged`` is raised. Always.
   * E > ``growth`` · max(E0, 1) (``growth`` is 10⁴ by default): the loss
     grew by orders of magnitude though it is still finite. With
     ``on_divergence="stop"`` (the default) the weights from before the epoch
     are put back and ``TrainingDiverged`` is raised; with ``"warn"`` a
     ``DivergenceWarning`` is given once and training goes on.

3. After the last step (the epoch losses are computed before each step, so
   the very last update is not in any of them) it computes the loss of the
   last mini-batch again with the final weights and checks that every weight
   is finite, with the same rules. A NaN or infinite weight never survives
   ``fit``: the weights from before the last epoch are put back and
   ``TrainingDiverged`` is raised.

The reference and final checks each cost one forward pass of one mini-batch.
"""

import math
import warnings

from . import losses
from .errors import DivergenceWarning, TrainingDiverged

__all__ = ["GROWTH", "DivergenceWatch", "weights_finite"]

#: How many times the reference loss (or 1, if larger) the loss may reach.
GROWTH = 1e4


def weights_finite(net):
    """True when every weight and bias of ``net`` is a finite number."""
    B = net.backend
    for _, P, _, _ in net.parameters():
        for row in B.to_list(P):
            try:
                if not math.isfinite(sum(row)):
                    return False
            except OverflowError:              # pragma: no cover - floats cannot overflow sum
                return False
    return True


class DivergenceWatch:
    """Applies the policy of the module docstring to one ``fit`` call."""

    def __init__(self, net, lr, history, on_divergence="stop", growth=GROWTH):
        self.net, self.lr, self.history = net, lr, history
        self.on_divergence, self.growth = on_divergence, growth
        self.reference = None
        self.warned = False

    # === The checks ========================================================

    def start(self, Xd, Td, order, batch_size):
        """E0: the first mini-batch's mean loss with the starting weights."""
        self.reference = self._batch_loss(Xd, Td, order[:batch_size])

    def after_epoch(self, epoch, values, good_weights):
        """Check the epoch's training (and validation) loss; may raise."""
        self._judge(values["loss"], values.get("val_loss"), "in epoch {}".format(epoch), good_weights)

    def after_training(self, Xd, Td, order, batch_size, good_weights):
        """Check the weights and the loss after the very last step; may raise."""
        last_start = (len(order) - 1) // batch_size * batch_size
        loss = self._batch_loss(Xd, Td, order[last_start:])
        if not weights_finite(self.net):
            loss = math.nan
        self._judge(loss, None, "after the last step", good_weights)

    # === Helpers ============================================================

    def _batch_loss(self, Xd, Td, rows):
        net = self.net
        B = net.backend
        X, T = B.take_rows_pair(Xd, Td, list(rows))
        acc = B.accumulator()
        net.forward(X)                        # evaluation mode: no dropout mask drawn
        losses.output_delta(net.loss, B, net.layers[-1], T, acc)
        return B.read(acc) / len(rows)

    def _limit(self):
        return self.growth * max(self.reference, 1.0)

    def _judge(self, loss, val_loss, when, good_weights):
        if not math.isfinite(loss) or (val_loss is not None and not math.isfinite(val_loss)):
            what = "training loss became {}".format(loss) if not math.isfinite(loss) else \
                "validation loss became {}".format(val_loss)
            self._stop("the {} {}".format(what, when), good_weights)
        if self.reference is not None and loss > self._limit():
            message = "the training loss grew from {:.4g} to {:.4g} {} (more than {:g} times)".format(
                self.reference, loss, when, self.growth)
            if self.on_divergence == "stop":
                self._stop(message, good_weights)
            elif not self.warned:
                self.warned = True
                warnings.warn(message + ": the steps are too large; training goes on as "
                              "on_divergence='warn' asks", DivergenceWarning, stacklevel=4)

    def _stop(self, message, good_weights):
        self.net.restore(good_weights)
        self.history.stopped_because = "diverged"
        self.net.history = self.history
        raise TrainingDiverged(
            "{}: the steps are too large. Try a lower learning rate (lr={:g} now), standardised "
            "inputs, or a smaller initialisation. The weights from before that epoch were "
            "kept.".format(message, self.lr), self.history)
