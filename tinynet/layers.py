"""Neurons and layers: the forward pass, the backward pass, side by side.

Notation (as in the lecture; code counts layers from 0 where the slides count
from 1):

=========  ===========================================================
``W``      weights of a layer, shape (n_out, n_in): W[l] = (n[l], n[l−1])
``b``      biases, one per unit: a (1, n_out) row
``z``      weighted input  z = W·a_prev + b
``a``      activation      a = g(z)
``delta``  ∂E/∂z, the error signal of a layer
``dW, db`` ∂E/∂W, ∂E/∂b, averaged over the mini-batch
=========  ===========================================================

A batch holds one sample per row, so the code computes Z = A_prev·Wᵀ + b for
all samples at once; every matrix operation goes through the backend.

>>> n = Neuron([1.0, -2.0], 1.0, "sigmoid")      # g(w·x + b)
>>> round(n([1.0, -1.0]), 4)                       # z = 1 + 2 + 1 = 4
0.982
"""

from . import activations
from .errors import ConfigError, NotBuiltError, ShapeError
from .initializers import check_initializer, default_initializer, initial_weights
from .options import check_size, real_number, whole_number
from .python_backend import dot

__all__ = ["Neuron", "NeuronView", "Layer", "Dense", "Dropout"]


class Neuron:
    """One unit: a = g(w·x + b), with plain lists and floats.

    >>> Neuron([2.0, -1.0], 0.0, "relu")([1.0, 1.0])
    1.0
    """

    def __init__(self, w, b=0.0, activation="sigmoid"):
        self.w = [float(x) for x in w]
        self.b = float(b)
        self.activation = activations.check_activation(activation)

    def z(self, x):
        """The weighted input z = w·x + b = Σ_j w_j·x_j + b."""
        if len(x) != len(self.w):
            raise ShapeError("this neuron has {} weights but got {} inputs".format(len(self.w), len(x)))
        return dot(self.w, x) + self.b      # Σ_i u_i·v_i, added as the reference backend adds it

    def __call__(self, x):
        """The output a = g(z)."""
        return activations.g(self.activation)(self.z(x))

    def __repr__(self):
        return "Neuron(w={}, b={}, {})".format(self.w, self.b, self.activation)


class NeuronView(Neuron):
    """Unit j of a Dense layer, live: ``w`` is row j of the layer's W, ``b`` is b[j].

    Reading gives the layer's current numbers (so a view taken before
    training shows the trained weights afterwards); assigning ``w``, ``b`` or
    one weight ``w[i]`` writes into the layer.

    >>> layer = Dense.from_neurons([Neuron([1.0, -2.0], 1.0), Neuron([-1.0, 1.0], 0.0)])
    >>> from tinynet import Network
    >>> net = Network([layer])
    >>> unit = layer.neuron(0)
    >>> unit.w, unit.b
    ([1.0, -2.0], 1.0)
    >>> unit.w[1] = 3.0                      # writes W[0][1] of the layer
    >>> layer.get_weights()[0]
    [[1.0, 3.0], [-1.0, 1.0]]
    """

    def __init__(self, layer, j):           # no copy of the numbers: they stay in the layer
        if not -layer.n_out <= j < layer.n_out:
            raise IndexError("{} has units 0…{}, not {}".format(layer.name, layer.n_out - 1, j))
        self.layer, self.j = layer, j % layer.n_out

    @property
    def activation(self):
        return self.layer.activation

    @property
    def w(self):
        return _WeightRow(self, self.layer.get_weights()[0][self.j])

    @w.setter
    def w(self, values):
        self.layer.set_unit(self.j, w=values)

    @property
    def b(self):
        return self.layer.get_weights()[1][self.j]

    @b.setter
    def b(self, value):
        self.layer.set_unit(self.j, b=value)


class _WeightRow(list):
    """The list a NeuronView's ``w`` returns: setting an entry writes it into the layer."""

    def __init__(self, view, values):
        super().__init__(values)
        self._view = view

    def __setitem__(self, i, value):
        super().__setitem__(i, value)
        self._view.w = list(self)

    def sort(self, *args, **kwargs):
        super().sort(*args, **kwargs)
        self._view.w = list(self)

    def reverse(self):
        super().reverse()
        self._view.w = list(self)

    def _resize(self, *args, **kwargs):
        raise TypeError("a neuron's weight row has one weight per input: it cannot grow or shrink")

    append = extend = insert = pop = remove = clear = __delitem__ = __iadd__ = __imul__ = _resize


class Layer:
    """What every layer provides to a ``Network``.

    ``forward(a_prev, training)`` computes and caches this layer's output;
    ``backward(delta)`` turns this layer's delta into parameter gradients;
    ``delta_below(delta, below)`` hands the error signal to the layer below;
    ``delta_from_grad(grad_a)`` turns ∂E/∂a of this layer's output into its delta.
    """

    n_in = n_out = None
    backend = None
    name = "layer"

    def build(self, backend, rng, n_in):
        """Create parameters on ``backend``; ``n_in`` is the width coming in."""
        self.backend = backend
        self.n_in = n_in
        if self.n_out is None:
            self.n_out = n_in

    def parameters(self):
        """[(name, P, dP, penalised)] for the optimiser; no parameters by default."""
        return []

    def delta_from_grad(self, grad_a):
        """This layer's delta from ∂E/∂a (the identity for a layer without g)."""
        return grad_a

    def config(self):
        return {"type": type(self).__name__}


class Dense(Layer):
    """A fully connected layer: z = W·a_prev + b, a = g(z).

    Forward, for each sample (a row of the batch):   z_k = Σ_j w_kj·a_j + b_k
    Backward, with delta_k = ∂E/∂z_k given:
        ∂E/∂w_kj = delta_k·a_j        (averaged over the batch)
        ∂E/∂b_k  = delta_k
        delta_j of the layer below = g'(z_j)·Σ_k delta_k·w_kj
    """

    def __init__(self, n_in, n_out, activation="sigmoid", init=None, alpha=0.01):
        n_in = whole_number(n_in, "Dense: n_in (a positive whole number)")
        n_out = whole_number(n_out, "Dense: n_out (a positive whole number)")
        self.n_in, self.n_out = n_in, n_out
        self.activation = activations.check_activation(activation)
        check_size(n_out * (n_in + 1), "Dense({}→{})".format(n_in, n_out))    # before any allocation
        self.init = default_initializer(self.activation) if init is None else check_initializer(init)
        self.alpha = real_number(alpha, "Dense: alpha (the leaky_relu slope)")   # slope for z < 0
        self.index = None
        self.W = self.b = self.dW = self.db = self.delta = None
        self.a_prev = self.z = self.a = None
        self._pending = None               # weights given before a backend exists

    @property
    def name(self):
        where = "" if self.index is None else " {}".format(self.index + 1)
        return "Dense layer{} ({})".format(where, self.shape_text())

    def shape_text(self):
        return "{}→{}, {}".format(self.n_in, self.n_out, self.activation)

    def __repr__(self):
        return "Dense({})".format(self.shape_text())

    def build(self, backend, rng, n_in=None, weights=None):
        self.backend = backend
        if weights is None and self._pending is not None:
            weights, self._pending = self._pending, None
        if weights is None:
            W = initial_weights(self.init, self.n_out, self.n_in, rng)
            b = [[0.0] * self.n_out]
        else:
            W, b = weights
        self.W = backend.array(W)               # (n_out, n_in)
        self.b = backend.array(b)               # (1, n_out)

    # === Forward ============================================================

    def forward(self, a_prev, training=False):
        """z = W·a_prev + b and a = g(z); keeps (a_prev, z, a) for backward."""
        if self.W is None:
            self._not_built("forward")
        self.a_prev = a_prev
        self.z, self.a = self.backend.dense_forward(a_prev, self.W, self.b, self.activation, self.alpha)
        return self.a

    def _not_built(self, method):
        raise NotBuiltError(
            "{!r}.{}(): this layer has no weights yet; they are made when it joins a Network, "
            "e.g. Network([Dense(...), ...]), which also gives it a backend".format(self, method))

    # === Backward ===========================================================

    def backward(self, delta):
        """∂E/∂W = (1/m)·deltaᵀ·a_prev and ∂E/∂b = (1/m)·Σ delta, for m samples."""
        self.delta = delta                 # kept for inspection, like z and a
        self.dW, self.db = self.backend.dense_grads(delta, self.a_prev)

    def delta_below(self, delta, below):
        """Backpropagation's rule: the delta of each unit j of the layer below is

            delta_j = g'(z_j) · Σ_k delta_k·w_kj

        Σ_k delta_k·w_kj, for every j and sample, is delta·W; g'(z_j) is the
        layer below's. The backend does both in one operation
        (``backprop_delta``: g'(Z_below) ⊙ (delta·W)). A layer below that has
        no g of its own (Dropout) gets ∂E/∂a = delta·W and goes on from there.
        """
        if isinstance(below, Dense):
            return self.backend.backprop_delta(delta, self.W, below.z, below.a,
                                               below.activation, below.alpha)
        return below.delta_from_grad(self.backend.matmul(delta, self.W))

    def delta_from_grad(self, grad_a):
        """delta = ∂E/∂a ⊙ g'(z)  (the output delta is (a − t)·g'(z)).

        A linear unit has g'(z) = 1, so its delta is ∂E/∂a itself.
        """
        if self.activation == "linear":
            return grad_a
        return self.backend.activation_grad(self.activation, self.z, self.a, grad_a, self.alpha)

    # === Parameters =========================================================

    def parameters(self):
        return [("W", self.W, self.dW, True), ("b", self.b, self.db, False)]

    def get_weights(self):
        """(W, b) as plain lists: W is (n_out, n_in), b a list of n_out."""
        if self.W is None:
            self._not_built("get_weights")
        return self.backend.to_list(self.W), self.backend.to_list(self.b)[0]

    def set_weights(self, W, b):
        """Replace W (n_out rows of n_in) and b (n_out numbers).

        The values go into the layer's own W and b (``assign``), so whatever
        holds them (an optimiser, a device backend's captured step) sees them.
        """
        if len(W) != self.n_out or any(len(row) != self.n_in for row in W) or len(b) != self.n_out:
            raise ShapeError("{}: weights must be {}×{} and {} biases".format(
                self.name, self.n_out, self.n_in, self.n_out))
        if self.W is None:
            self._pending = ([list(row) for row in W], [list(b)])   # built with the network
            return
        self.backend.assign(self.W, self.backend.array(W))
        self.backend.assign(self.b, self.backend.array([list(b)]))

    def set_unit(self, j, w=None, b=None):
        """Set row j of W (unit j's n_in weights) and/or its bias b[j], in place."""
        if self.W is None:
            self._not_built("set_unit")
        W, biases = self.get_weights()
        if w is not None:
            w = [float(x) for x in w]
            if len(w) != self.n_in:
                raise ShapeError("{}: unit {} needs {} weights (one per input), got {}".format(
                    self.name, j, self.n_in, len(w)))
            W[j] = w
        if b is not None:
            biases[j] = float(b)
        self.backend.assign(self.W, self.backend.array(W))
        self.backend.assign(self.b, self.backend.array([biases]))

    def neuron(self, j):
        """Unit j as a live ``NeuronView``: row j of W is its weights, b[j] its bias."""
        if self.W is None:
            self._not_built("neuron")
        return NeuronView(self, j)

    def neurons(self):
        """Every unit of the layer as a ``NeuronView``."""
        return [self.neuron(j) for j in range(self.n_out)]

    @classmethod
    def from_neurons(cls, neurons):
        """A Dense layer whose row j of W and b[j] come from neurons[j]."""
        if not neurons:
            raise ConfigError("Dense.from_neurons needs at least one neuron")
        kinds = {n.activation for n in neurons}
        widths = {len(n.w) for n in neurons}
        if len(kinds) != 1 or len(widths) != 1:
            raise ConfigError("the neurons of one layer must share an activation and an input width")
        layer = cls(widths.pop(), len(neurons), kinds.pop())
        layer._pending = ([list(n.w) for n in neurons], [[n.b for n in neurons]])
        return layer

    def config(self):
        return {"type": "Dense", "n_in": self.n_in, "n_out": self.n_out,
                "activation": self.activation, "init": self.init, "alpha": self.alpha}


class Dropout(Layer):
    """Inverted dropout: in training each input is zeroed with probability p
    and the survivors are scaled by 1/(1−p); at test time it passes a through.

    The mask comes from the backend's counter-based generator, so a seed and
    a step number fix it (and both backends draw the same mask).
    """

    def __init__(self, p=0.5):
        self.p = real_number(p, "Dropout: p", low=0.0, high=1.0, high_open=True)
        self.seed = 0
        self.counter = 0
        self.mask = None
        self.index = None

    name = property(lambda self: "Dropout layer{} (p={})".format(
        "" if self.index is None else " {}".format(self.index + 1), self.p))

    def __repr__(self):
        return "Dropout(p={})".format(self.p)

    def build(self, backend, rng, n_in=None):
        self.backend = backend
        if n_in is not None:
            self.n_in = self.n_out = n_in
        self.seed = rng.getrandbits(32) if rng is not None else self.seed

    def forward(self, a_prev, training=False):
        """a = mask ⊙ a_prev in training, a = a_prev otherwise."""
        if self.backend is None:
            raise NotBuiltError("{!r}.forward(): this layer gets its backend when it joins a "
                                "Network".format(self))
        if not training or self.p == 0.0:
            self.mask = None
            return a_prev
        rows, cols = self.backend.shape(a_prev)
        self.counter += 1
        self.mask = self.backend.dropout_mask(rows, cols, self.p, self.seed, self.counter)
        return self.backend.mul(a_prev, self.mask)

    def backward(self, delta):
        """No parameters: nothing to compute."""

    def delta_below(self, delta, below):
        """∂E/∂a_prev = mask ⊙ ∂E/∂a, then the layer below applies its g'."""
        grad = delta if self.mask is None else self.backend.mul(delta, self.mask)
        return below.delta_from_grad(grad)

    def config(self):
        return {"type": "Dropout", "p": self.p}

