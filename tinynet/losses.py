"""Loss functions E(a, t) and the output delta they start backprop with.

==================  =====================================  =========================
name                E for one sample                       output delta ∂E/∂z
==================  =====================================  =========================
squared_error       ½·Σ_k (a_k − t_k)²                     (a_k − t_k)·g'(z_k)
mse                 (1/n)·Σ_k (a_k − t_k)²                 (2/n)·(a_k − t_k)·g'(z_k)
cross_entropy       −Σ_k t_k·log a_k, a = softmax(z)       a_k − t_k
logistic            −t·log a − (1−t)·log(1−a), a = σ(z)    a − t
==================  =====================================  =========================

Cross-entropy and the logistic loss meet their output activation in a
shortcut: the g'(z) of softmax (or sigmoid) cancels against ∂E/∂a, leaving
a − t. Both are computed from z with log-sum-exp, so a large logit never
takes the log of 0.

The loss of a batch is *summed* into an accumulator that stays on the
backend (a device number for OpenCL); the network reads it once per epoch and
divides by the number of samples, so the reported loss is the mean per sample.
"""

__all__ = ["LOSSES", "check_loss", "output_delta", "is_classification"]

import reprlib

from .errors import ConfigError

LOSSES = ("squared_error", "mse", "cross_entropy", "logistic")


def check_loss(name):
    """Return ``name`` if it is a known loss, else raise ConfigError (a ValueError)."""
    if not isinstance(name, str) or name not in LOSSES:
        raise ConfigError("unknown loss {}; choose one of: {}".format(reprlib.repr(name), ", ".join(LOSSES)))
    return name


def is_classification(loss):
    """Cross-entropy and logistic losses are for classes; the others for numbers."""
    return loss in ("cross_entropy", "logistic")


def check_output_layer(loss, layer):
    """The shortcut losses need their own activation on the output layer."""
    activation = getattr(layer, "activation", None)
    if loss == "cross_entropy" and activation != "softmax":
        raise ConfigError("loss 'cross_entropy' needs a softmax output layer; the last layer is {}. "
                         "Use Dense(..., activation='softmax') or loss='squared_error'.".format(layer))
    if loss == "logistic" and activation != "sigmoid":
        raise ConfigError("loss 'logistic' needs a sigmoid output layer; the last layer is {}.".format(layer))


def output_delta(loss, backend, layer, T, acc, correct=None):
    """Add the batch's loss to ``acc`` and return delta = ∂E/∂z of the output layer.

    ``correct``, an accumulator, also counts the rows classified right (the
    classification losses count them in the same pass over the outputs).
    """
    if loss == "cross_entropy":        # delta = a − t
        return backend.softmax_cross_entropy(layer.z, layer.a, T, acc, correct)
    if loss == "logistic":             # delta = a − t
        return backend.logistic_loss(layer.z, layer.a, T, acc, correct)
    if correct is not None:
        backend.count_correct(layer.a, T, correct)
    scale = 0.5 if loss == "squared_error" else 1.0 / backend.shape(T)[1]
    grad_a = backend.squared_error(layer.a, T, acc, scale)      # ∂E/∂a = a − t (for ½Σ)
    return layer.delta_from_grad(grad_a)                          # delta = (a − t)·g'(z)
