"""Optimisers: how a gradient becomes a weight change.

==========  ====================================================  ==============
name        update for each weight w with gradient g              state
==========  ====================================================  ==============
SGD         w ← w − η·g                                           none
Momentum    v ← μ·v − η·g;  w ← w + v                             v
Adam        m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;           m, v
            w ← w − η·m̂/(√v̂ + ε)
==========  ====================================================  ==============

Penalties change g before the step: L2 (weight decay) adds λ2·w, the
gradient of (λ2/2)·Σw²; L1 adds λ1·sign(w), the gradient of λ1·Σ|w|. They
apply to weights, not to biases. The state lives on the backend next to the
weights. Plain, mini-batch and one-sample-at-a-time SGD differ only in the
``batch_size`` given to ``Network.fit``.
"""

from .errors import ConfigError
from .options import real_number

__all__ = ["Optimizer", "SGD", "Momentum", "Adam", "make_optimizer", "OPTIMIZERS"]


class Optimizer:
    """Base class: keeps per-parameter state and the step count t."""

    def __init__(self, lr=0.1, l2=0.0, l1=0.0):
        self.lr = real_number(lr, "the learning rate lr", low=0.0, low_open=True)
        self.l2 = real_number(l2, "l2", low=0.0)
        self.l1 = real_number(l1, "l1", low=0.0)
        self.t = 0
        self.state = {}

    def step(self, backend, parameters):
        """Update every (key, P, G, penalised) in place; t counts the steps.

        All parameters go to the backend in one call (``update``), which a
        device backend runs as one kernel launch.
        """
        self.count_step()
        steps = []
        for key, P, G, penalised in parameters:
            l2, l1 = (self.l2, self.l1) if penalised else (0.0, 0.0)
            steps.append((key, P, G, l2, l1))
        self.update(backend, steps)

    def count_step(self):
        """t ← t + 1 (Adam's bias correction uses t; a replayed step counts too)."""
        self.t += 1

    def _zeros_like(self, backend, key, P, count):
        if key not in self.state:
            rows, cols = backend.shape(P)
            self.state[key] = [backend.zeros(rows, cols) for _ in range(count)]
        return self.state[key]

    def config(self):
        return {"type": type(self).__name__, "lr": self.lr, "l2": self.l2, "l1": self.l1}

    def __repr__(self):
        args = ", ".join("{}={}".format(k, v) for k, v in self.config().items() if k != "type" and v)
        return "{}({})".format(type(self).__name__, args)


class SGD(Optimizer):
    """Gradient descent: w ← w − η·g."""

    def update(self, backend, steps):
        backend.sgd_steps([(P, G, l2, l1) for key, P, G, l2, l1 in steps], self.lr)


class Momentum(Optimizer):
    """Gradient descent with momentum μ: v ← μ·v − η·g, w ← w + v."""

    def __init__(self, lr=0.1, mu=0.9, l2=0.0, l1=0.0):
        super().__init__(lr, l2, l1)
        self.mu = real_number(mu, "momentum mu", low=0.0, high=1.0, high_open=True)

    def update(self, backend, steps):
        backend.momentum_steps([(P, self._zeros_like(backend, key, P, 1)[0], G, l2, l1)
                                for key, P, G, l2, l1 in steps], self.lr, self.mu)

    def config(self):
        return dict(super().config(), mu=self.mu)


class Adam(Optimizer):
    """Adam: momentum and a per-weight step size from running gradient moments."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, l2=0.0, l1=0.0):
        super().__init__(lr, l2, l1)
        self.beta1 = real_number(beta1, "Adam beta1", low=0.0, high=1.0, high_open=True)
        self.beta2 = real_number(beta2, "Adam beta2", low=0.0, high=1.0, high_open=True)
        self.eps = real_number(eps, "Adam eps", low=0.0, low_open=True)

    def update(self, backend, steps):
        backend.adam_steps([(P, *self._zeros_like(backend, key, P, 2), G, l2, l1)
                            for key, P, G, l2, l1 in steps],
                           self.lr, self.beta1, self.beta2, self.eps, self.t)

    def config(self):
        return dict(super().config(), beta1=self.beta1, beta2=self.beta2, eps=self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(optimizer="sgd", lr=None, l2=0.0, l1=0.0):
    """An optimiser from a name ("sgd", "momentum", "adam") or an Optimizer object."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise ConfigError("unknown optimizer {}; choose one of: {} (or pass an Optimizer)".format(
            _short(optimizer), ", ".join(OPTIMIZERS)))
    kwargs = {"l2": l2, "l1": l1}
    if lr is not None:
        kwargs["lr"] = lr
    return OPTIMIZERS[optimizer](**kwargs)


def _short(value):
    import reprlib
    return reprlib.repr(value)
